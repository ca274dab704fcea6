"""MkDocs' build, driven page by page: finished HTML in, reused pages out, both cores.

This is part of the thin MkDocs adapter (only it and :mod:`mkdocs_adapter` import
MkDocs).  It runs the same steps, in the same order, as ``mkdocs.commands.build``
in MkDocs 1.6 (which no longer changes, and which ProperDocs keeps), with three
differences that never change what a reader gets:

* **Finished HTML.**  A generated page is headings (Markdown, for the table of
  contents and permalinks) and raw HTML blocks.  Only the headings go through
  Python-Markdown; the HTML blocks are put back between them verbatim, which is
  what Python-Markdown would have done with them, minus its cost.  A page with
  anything else in it (a hand-written page, an index page with a paragraph of
  Markdown) is converted as usual.
* **Reuse.**  A generated page outside the nav whose source, settings, theme and
  nav are all unchanged since the build that wrote it is not rendered again: its
  HTML stays where it is in the previous site (checked by size, time and inode, as
  git checks its index, or by SHA-256) and its search entries come from the memo.
  Only with plugins known to work page by page are pages reused.  Everything
  else — nav pages, hand-written pages, sitemap, 404 page, search index, static
  files — is built every time, so the result equals a clean build.
* **Two processes.**  The pages to render are split between this process and a
  forked child, each writing its own files; search entries and warnings come back
  to the parent, which assembles them in the clean build's order.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markdown
from markdown.extensions.toc import nest_toc_tokens
from mkdocs import utils
from mkdocs.commands import build as mkbuild
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Link, Navigation, Section, get_navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from . import mkdocs_compat as compat
from . import parallel
from .write import plain_relative

log = logging.getLogger("mkdocs.commands.build")

#: Bumped whenever what this module writes for a page could change.
ENGINE_VERSION = "2"

_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
#: A paragraph of one line of prose (an index page's introduction): it starts with a
#: letter, so it is no list, quote, table or HTML block, and has no Markdown link or
#: autolink (which MkDocs would rewrite) and no code, so Markdown makes it one ``<p>``
#: line without MkDocs' link handling.  Inline HTML tags are kept as they are by both.
_PROSE = re.compile(r"[^\W\d_][^\[\]`|\\\n]*")
_NOT_A_TAG = re.compile(r"<(?!/?[A-Za-z][A-Za-z0-9-]*[\s/>])")
_ID = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")
_LEVEL = re.compile(r"<h([1-6])\b")
_HEADING_ID = re.compile(r'<h[1-6]\b[^>]*?\sid="([^"]*)"')
#: What the TOC extension appends to an id to make it unique on the page.
_MADE_UNIQUE = re.compile(r"_\d+$")


@dataclass
class PageMemo:
    """What a reused page needs: the key it was built under, its output file (path, stat
    and SHA-256), its search entries and the anchors other pages may link to."""

    key: str
    dest: str
    stat: tuple[int, int, int]
    entries: list[dict[str, Any]]
    anchors: list[str]
    sha: str = ""

    def to_json(self) -> list[Any]:
        return [self.key, self.dest, list(self.stat), self.entries, self.anchors, self.sha]

    @classmethod
    def from_json(cls, raw: Any) -> PageMemo:
        key, dest, stat, entries, anchors, sha = raw
        if not (
            isinstance(key, str)
            and isinstance(dest, str)
            and isinstance(stat, list)
            and len(stat) == 3
            and all(isinstance(n, int) for n in stat)
            and isinstance(entries, list)
            and all(isinstance(e, dict) for e in entries)
            and isinstance(anchors, list)
            and all(isinstance(a, str) for a in anchors)
            and isinstance(sha, str)
            and plain_relative(dest)
        ):
            raise ValueError("malformed page memo")
        return cls(key, dest, (stat[0], stat[1], stat[2]), entries, anchors, sha)

    def still_in(self, site: Path) -> PageMemo | None:
        """This memo if its file in ``site`` is the one it describes, with the stat brought
        up to date when only the stat moved (a restored or copied site); else None."""
        path = os.path.join(site, self.dest)
        try:
            now = _stat(path)
        except OSError:
            return None
        if now == self.stat:
            return self
        if now[0] != self.stat[0] or not self.sha:
            return None
        try:
            with open(path, "rb") as handle:
                same = hashlib.sha256(handle.read()).hexdigest() == self.sha
        except OSError:
            return None
        return dataclasses.replace(self, stat=now) if same else None


@dataclass
class EngineResult:
    built: int = 0
    reused: int = 0
    memo: dict[str, PageMemo] = field(default_factory=dict)
    #: site files of reused pages: left in the previous site, not written again
    kept: list[str] = field(default_factory=list)


# --- splitting a generated page ---


def split_blocks(markdown_text: str) -> list[str] | None:
    """The page as blocks of headings, one-line prose paragraphs and raw HTML, or None
    when it has other Markdown.

    A block is a run of lines between blank lines.  A block with ``<pre>``,
    ``<textarea>`` or ``<script>`` gives None too: blank lines inside those would need
    Python-Markdown's own rules.
    """
    blocks: list[str] = []
    lines = markdown_text.split("\n")
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if _HEADING.match(line) or (
            _PROSE.fullmatch(line)
            and not _NOT_A_TAG.search(line)
            and (i + 1 == n or not lines[i + 1].strip())
        ):
            blocks.append(line)
            i += 1
            continue
        if not line.startswith("<"):
            return None
        start = i
        while i < n and lines[i].strip():
            i += 1
        block = "\n".join(lines[start:i])
        if "<pre" in block or "<textarea" in block or "<script" in block:
            return None
        blocks.append(block)
    return blocks


class _Headings:
    """One Markdown converter, with the project's extensions, for the headings of generated
    pages: building a converter per page (as ``Page.render`` does) cost more than the
    conversion itself.  Headings have no links, so MkDocs' link processors are not needed;
    its title extractor is.

    Most heading lines recur on thousands of pages ("## Entities", "## Claims"), so each
    line's HTML and TOC entry are kept once converted (:meth:`convert_lines`): a page
    then converts only its first line (its title, unique) and the lines not seen yet.
    A line's HTML does not depend on its neighbours except through the ids the TOC
    extension makes unique (``_1``, ``_2``…) and the title taken from the first line,
    so a page whose ids end in ``_<n>`` or repeat is converted whole instead.
    """

    def __init__(self, config: Any) -> None:
        self.md = markdown.Markdown(
            extensions=config["markdown_extensions"],
            extension_configs=config["mdx_configs"] or {},
        )
        self.title = compat.title_extractor(self.md)
        toc = self.md.treeprocessors["toc"] if "toc" in self.md.treeprocessors else None  # noqa: SIM401
        #: the heading levels that get a TOC entry (the TOC extension's ``toc_depth``)
        self.toc_levels = range(getattr(toc, "toc_top", 1), getattr(toc, "toc_bottom", 6) + 1)
        #: a line → its HTML and its TOC entries (none or one), as converted alone
        self.lines: dict[str, tuple[str, list[dict[str, Any]]]] = {}

    def convert(self, text: str) -> tuple[str, list[Any], str | None]:
        self.title.title = None
        html = self.md.reset().convert(text)
        return html, list(getattr(self.md, "toc_tokens", [])), self.title.title

    def convert_lines(self, lines: list[str]) -> tuple[list[str], list[Any], str | None] | None:
        """The HTML of each line (headings, one-line paragraphs), the page's TOC tokens and
        title, equal to converting the lines together; None when they must be (a
        heading came out as more than one line, or an id was made unique)."""
        memo = self.lines
        need = list(dict.fromkeys([lines[0], *(x for x in lines[1:] if x not in memo)]))
        html, tokens, title = self.convert("\n\n".join(need))
        rendered = html.split("\n") if html else []
        if len(rendered) != len(need):
            return None
        flat = iter(list(_flatten(tokens)))
        fresh: dict[str, tuple[str, list[dict[str, Any]]]] = {}
        for line, out in zip(need, rendered, strict=True):
            found = _LEVEL.match(out)
            level = int(found.group(1)) if found else 0
            mine: list[dict[str, Any]] = []
            if level in self.toc_levels:
                token = next(flat, None)
                if token is None or token["level"] != level:
                    return None
                mine.append({k: v for k, v in token.items() if k != "children"})
            fresh[line] = (out, mine)
        if next(flat, None) is not None:
            return None
        parts = [fresh.get(line) or memo[line] for line in lines]
        ids = [found.group(1) for out, _ in parts for found in [_HEADING_ID.match(out)] if found]
        if len(set(ids)) != len(ids) or any(_MADE_UNIQUE.search(i) for i in ids):
            return None
        memo.update(fresh)
        page_tokens = [dict(t) for _, mine in parts for t in mine]
        return [out for out, _ in parts], nest_toc_tokens(page_tokens), title  # type: ignore[arg-type]


def _flatten(tokens: Iterable[Any]) -> Iterator[Any]:
    for token in tokens:
        yield token
        yield from _flatten(token.get("children", ()))


def _token_ids(tokens: Iterable[Any]) -> Iterator[str]:
    for token in tokens:
        yield token["id"]
        yield from _token_ids(token.get("children", ()))


def _render_fast(page: Page, headings_md: _Headings, blocks: list[str]) -> bool:
    """Convert only the headings (TOC, ids, permalinks) and prose lines, then splice the
    HTML blocks back."""
    headings = [b for b in blocks if not b.startswith("<")]
    lines = headings_md.convert_lines(headings) if headings else None
    if lines is not None:
        rendered, tokens, title = lines
    else:
        html, tokens, title = headings_md.convert("\n\n".join(headings))
        rendered = html.split("\n") if html else []
        if len(rendered) != len(headings):  # a heading that did not come out as one line
            return False
    out: list[str] = []
    it = iter(rendered)
    anchors = set(_token_ids(tokens))
    for block in blocks:
        if block.startswith("<"):
            out.append(block)
            anchors.update(_ID.findall(block))
        else:
            out.append(next(it))
    page.content = "\n".join(out)
    page.toc = get_toc(tokens)
    compat.set_title_from_render(page, title)
    page.present_anchor_ids = anchors
    page.links_to_anchors = {}
    return True


# --- the files: docs/ with the newly rendered pages laid over it ---


def _walk_merged(docs: str, overlay: str | None) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """``(folder, [(file name, root it is read from), ...])`` for each folder of ``docs``
    with ``overlay`` laid over it (an overlay file wins over its namesake), in the order
    ``os.walk`` of one merged tree gives them: a folder's files (index and README
    first), then its subfolders in name order, so pages come in a clean build's order."""
    stack = [""]
    while stack:
        rel = stack.pop()
        names: dict[str, str] = {}
        subdirs: set[str] = set()
        for root in (docs, overlay):
            if root is None:
                continue
            try:
                entries = list(os.scandir(os.path.join(root, rel) if rel else root))
            except OSError:
                continue
            for entry in entries:
                if entry.is_dir(follow_symlinks=True):
                    subdirs.add(entry.name)
                else:
                    names[entry.name] = root
        yield rel, [(name, names[name]) for name in sorted(names, key=compat.file_sort_key)]
        stack.extend(os.path.join(rel, d) if rel else d for d in sorted(subdirs, reverse=True))


def virtual_files(config: Any, overlay: str | None, hidden: Collection[str]) -> Files:
    """MkDocs' ``get_files`` over ``docs_dir`` with ``overlay``'s files laid over it and the
    ``hidden`` (stale generated) files left out; README/index conflicts as MkDocs does."""
    files: list[File] = []
    conflicting: list[tuple[File, File]] = []
    docs = config["docs_dir"]
    for rel, entries in _walk_merged(docs, overlay):
        by_dest: dict[str, File] = {}
        for name, root in entries:
            path = os.path.join(rel, name) if rel else name
            if root == docs and path.replace(os.sep, "/") in hidden:
                continue
            file = File(path, root, config["site_dir"], config["use_directory_urls"])
            previous = by_dest.setdefault(file.dest_uri, file)
            if previous is not file:
                conflicting.append((previous, file))
            files.append(file)
    set_exclusions(files, config)
    for a, b in conflicting:
        if b.inclusion.is_included():  # type: ignore[no-untyped-call]
            if a.inclusion.is_included():  # type: ignore[no-untyped-call]
                log.warning(
                    f"Excluding '{a.src_uri}' from the site because it conflicts with '{b.src_uri}'."
                )
            with contextlib.suppress(ValueError):
                files.remove(a)
        else:
            with contextlib.suppress(ValueError):
                files.remove(b)
    return Files(files)


# --- fingerprints ---


def _digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def _staging_root(config: Any) -> str:
    """The build's staging folder (the parent of the site it writes): a different one each
    build, so it never enters a key."""
    return str(Path(config["site_dir"]).parent)


def _theme_fingerprint(config: Any) -> str:
    """Every template and partial of the theme (and overrides) by path and contents."""
    rows = []
    staging = _staging_root(config)
    for folder in config.theme.dirs:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith((".html", ".xml", ".j2", ".jinja")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, "rb") as handle:  # contents: a staged copy has a new time
                    digest = hashlib.sha256(handle.read()).hexdigest()
                rows.append((dirpath.replace(staging, "<staging>"), name, digest))
    return _digest(rows)


def _nav_rows(items: Iterable[Any]) -> list[Any]:
    rows: list[Any] = []
    for item in items:
        if isinstance(item, Section):
            rows.append(("section", item.title, _nav_rows(item.children)))
        elif isinstance(item, Link):
            rows.append(("link", item.title, item.url))
        else:
            rows.append(("page", item.title, item.url, item.file.src_uri))
    return rows


def _config_fingerprint(config: Any) -> str:
    """Everything besides its own source that a page's HTML depends on: the builder's and
    theme's versions, the resolved settings (plugins and overrides included), the theme's
    templates and the files extensions name.  (Hooks need not be read: with a hook no
    page is reused at all, see :func:`run`.)"""
    versions = []
    for name in ("mkdocs", "material", "markdown", "pymdownx"):
        try:
            module = __import__(name)
            # The file too: ProperDocs answers imports of ``mkdocs`` with its own modules.
            versions.append((name, getattr(module, "__version__", ""), module.__file__))
        except ImportError:
            versions.append((name, None, None))
    return _digest(
        ENGINE_VERSION,
        versions,
        _theme_fingerprint(config),
        _resolved(config),
        _named_files(config),
    )


#: Settings that name where this build reads and writes, not what a page shows.
_PLACES = {"docs_dir", "site_dir", "config_file_path"}
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def _stable(value: Any, depth: int = 0) -> Any:
    """A value of the loaded configuration as plain data (objects by their type and
    contents, never their address), so that two loads of the same settings compare equal."""
    if depth > 12:
        return "…"
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping) or hasattr(value, "items"):
        try:
            items = sorted(((str(k), v) for k, v in value.items()), key=lambda kv: kv[0])
        except Exception:  # an odd mapping: its type and text are what can be known
            return _ADDRESS.sub("", repr(value))
        return {k: _stable(v, depth + 1) for k, v in items}
    if isinstance(value, list | tuple | set | frozenset):
        rows = [_stable(v, depth + 1) for v in value]
        return sorted(rows, key=repr) if isinstance(value, set | frozenset) else rows
    config = getattr(value, "config", None)
    if config is not None and config is not value:  # a plugin: its settings
        return [type(value).__qualname__, _stable(config, depth + 1)]
    return _ADDRESS.sub("", repr(value))


def _resolved(config: Any) -> str:
    """The settings as MkDocs resolved them (``!ENV``, ``INHERIT``, defaults), not only
    as ``mkdocs.yml`` spells them."""
    text = repr({k: _stable(config[k]) for k in sorted(config.keys()) if k not in _PLACES})
    return text.replace(_staging_root(config), "<staging>")


def _named_files(config: Any) -> list[Any]:
    """The contents of files the Markdown extensions' settings name (a glossary that
    snippets appends to every page, say): a page's HTML depends on them too."""
    base = Path(config.get("config_file_path") or ".").parent
    found: list[Any] = []
    bases = [base, Path(config["docs_dir"])]
    snippets = (config.get("mdx_configs") or {}).get("pymdownx.snippets") or {}
    for folder in snippets.get("base_path") or []:
        bases.append(base / str(folder))

    def visit(value: Any) -> None:
        if isinstance(value, str) and value and len(value) < 300 and "\n" not in value:
            for folder in bases:
                path = folder / value
                try:
                    if path.is_file():
                        found.append((value, hashlib.sha256(path.read_bytes()).hexdigest()))
                        return
                except (OSError, ValueError):
                    return
        elif isinstance(value, Mapping):
            for v in value.values():
                visit(v)
        elif isinstance(value, list | tuple):
            for v in value:
                visit(v)

    visit(config.get("mdx_configs") or {})
    return found


# --- the build ---


def _search_entries(config: Any) -> list[dict[str, Any]] | None:
    """The search plugin's list of entries, which pages add to in ``on_page_context``."""
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        index = getattr(plugin, "search_index", None)
        entries = getattr(index, "entries", None)
        if isinstance(entries, list):
            return entries
    return None


def _stat(path: str) -> tuple[int, int, int]:
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass
class Built:
    """One page as written: what the memo and the search index need of it."""

    entries: list[dict[str, Any]]
    anchors: list[str]
    sha: str
    stat: tuple[int, int, int]


def _log_failure(doing: str, page: Page, error: Exception) -> None:
    """MkDocs' own message for a page that failed (a BuildError has already said why)."""
    message = f"Error {doing} page '{page.file.src_uri}':"
    if not isinstance(error, BuildError):
        message += f" {error}"
    log.error(message)


def same(html: str) -> str:
    """No policy: the page as it is."""
    return html


def _render_html(
    page: Page,
    config: Any,
    doc_files: Sequence[File],
    nav: Navigation,
    env: jinja2.Environment,
    secure: Callable[[str], str] = same,
) -> str:
    """MkDocs' ``_build_page`` up to the HTML, without writing it; ``secure`` gives the
    page its content security policy (:mod:`csp`)."""
    with compat.current_page(config, page):
        try:
            page.active = True
            context = mkbuild.get_context(nav, doc_files, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            output = template.render(context)
            return secure(str(config.plugins.on_post_page(output, page=page, config=config)))
        except Exception as e:
            _log_failure("building", page, e)
            raise
        finally:
            page.active = False


@dataclass
class _Job:
    """What building pages needs from the build: MkDocs' state and our choices."""

    config: Any
    files: Files
    doc_files: Sequence[File]
    nav: Navigation
    env: jinja2.Environment
    search: list[dict[str, Any]] | None
    populate: frozenset[str]
    generated: Mapping[str, str]
    secure: Callable[[str], str] = same


def _build_pages(pages: Sequence[Page], job: _Job) -> dict[str, Built]:
    """Render and write ``pages`` (first converting those in ``job.populate``); each page's
    content is let go once written, so a large site is never all in memory at once."""
    out: dict[str, Built] = {}
    search = job.search
    for page in pages:
        src = page.file.src_uri
        log.debug(f"Building page {src}")
        if src in job.populate:
            _populate(page, job.config, job.files, job.generated)
        before = len(search) if search is not None else 0
        html = _render_html(page, job.config, job.doc_files, job.nav, job.env, job.secure)
        path = page.file.abs_dest_path
        if not html.strip():
            log.info(f"Page skipped: '{src}'. Generated empty output.")
            continue
        data = html.encode("utf-8", errors="xmlcharrefreplace")
        utils.write_file(data, path)
        out[src] = Built(
            list(search[before:]) if search is not None else [],
            sorted(page.present_anchor_ids or ()),
            hashlib.sha256(data).hexdigest(),
            _stat(path),
        )
        if src in job.populate:  # a generated page: nothing later reads its content
            page.content = None
            page.markdown = None
    return out


def _build_pages_parallel(
    pages: Sequence[Page], job: _Job, warnings: utils.CountHandler
) -> dict[str, Built]:
    """:func:`_build_pages` on both cores: this process and a forked child take chunks
    of pages from opposite ends."""

    def work(part: Sequence[Page]) -> dict[str, Built]:
        return _build_pages(part, job)

    def counted() -> dict[int, int]:
        return dict(child_warnings.counts)

    child_warnings = utils.CountHandler()
    child_warnings.setLevel(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(child_warnings)  # counts this half's warnings too; only the child's are used
    try:
        built, counts = parallel.shared(pages, work, chunk=_CHUNK, child_state=counted)
    except parallel.ChildFailed as exc:
        raise BuildError(str(exc)) from None
    finally:
        logger.removeHandler(child_warnings)
    for level, count in (counts or {}).items():  # strict mode counts the child's warnings too
        warnings.counts[level] += count
    for page in pages:  # anchors of pages converted in the child, for link checks here
        found = built.get(page.file.src_uri)
        if found is not None and page.present_anchor_ids is None:
            page.present_anchor_ids = set(found.anchors)
    return built


#: Pages per chunk the two processes share out: small enough that they finish within
#: a fraction of a second of each other, large enough that taking one costs nothing.
_CHUNK = 32


def run(
    config: Any,
    *,
    generated: Mapping[str, str],
    previous: dict[str, PageMemo],
    previous_site: Path | None,
    jobs: int,
    overlay: Path | None = None,
    hidden: Collection[str] = frozenset(),
    keep_session: bool = False,
    secure: Callable[[str], str] = same,
    secure_key: str = "",
) -> EngineResult:
    """``mkdocs build`` on ``config`` (already loaded), reusing what ``previous`` proves unchanged.

    ``generated`` maps each generated page's docs path to the SHA-256 of its text.
    ``overlay`` holds the pages rendered this time, read in place of ``docs_dir``'s;
    ``hidden`` names files of ``docs_dir`` to leave out (stale generated pages).
    A reused page is not written to ``site_dir``: it stays where it is in
    ``previous_site`` (``EngineResult.kept``), for :func:`write.update_site`.
    """
    warning_counter = utils.CountHandler()
    warning_counter.setLevel(logging.WARNING)
    if config.strict:
        logging.getLogger("mkdocs").addHandler(warning_counter)
    result = EngineResult()
    try:
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        utils.clean_directory(config.site_dir)
        if overlay is None and not hidden:
            files = get_files(config)
        else:
            files = virtual_files(config, str(overlay) if overlay else None, hidden)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)

        inclusion = InclusionLevel.is_included
        doc_files = files.documentation_pages(inclusion=inclusion)
        pages: list[Page] = []
        for file in doc_files:
            log.debug(f"Reading: {file.src_uri}")
            if file.page is None and file.inclusion.is_not_in_nav():
                Page(None, file, config)
            assert file.page is not None
            pages.append(file.page)

        # Nav pages and hand-written pages are always read; their titles make the nav.
        allowed = compat.shortcuts(config)
        converted = generated if allowed.fast_pages else {}
        in_nav = {id(p) for p in nav.pages}
        reusable = [p for p in pages if p.file.src_uri in generated and id(p) not in in_nav]
        reusable_set = {id(p) for p in reusable}
        for page in pages:
            if id(page) not in reusable_set:
                _populate(page, config, files, converted)
        global_key = _config_fingerprint(config) + _digest(_nav_rows(nav.items), secure_key)
        # Plugins known to keep no state between pages let the generated pages be
        # converted and written one at a time, in two processes; others get MkDocs' order.
        # Only with those are pages reused: another plugin may make a page depend on
        # files of its own (Material's meta plugin reads .meta.yml files, say).
        streaming = allowed.reuse
        if not streaming:
            previous = {}
        memo: dict[str, PageMemo] = {}
        keys: dict[str, tuple[str, str]] = {}
        reused: set[str] = set()
        stale: list[str] = []
        for page in reusable:
            src = page.file.src_uri
            key = _digest(global_key, src, page.file.dest_uri, generated[src])
            keys[src] = (key, page.file.dest_uri)
            old = previous.get(src)
            if (
                previous_site is not None
                and old is not None
                and old.key == key
                and old.dest == page.file.dest_uri
                and (still := old.still_in(previous_site)) is not None
            ):
                page.present_anchor_ids = set(old.anchors)
                memo[src] = still
                reused.add(src)
            elif streaming:
                stale.append(src)
            else:
                _populate(page, config, files, converted)

        env = config.plugins.on_env(env, config=config, files=files)
        if allowed.draw_once:
            for page in reusable:  # generated pages, none of them in the navigation
                page._briefing_outside_nav = True  # type: ignore[attr-defined]
            compat.draw_once_per_place(env, nav, config)
        files.copy_static_files(inclusion=inclusion)
        for template in config.theme.static_templates:
            compat.build_theme_template(template, env, files, config, nav)
            written = Path(config.site_dir) / template
            if template.endswith(".html") and written.is_file():  # the 404 page
                written.write_text(secure(written.read_text(encoding="utf-8")), encoding="utf-8")
        for template in config.extra_templates:
            compat.build_extra_template(template, files, config, nav)

        search = _search_entries(config)
        to_build = [p for p in pages if p.file.src_uri not in reused]
        job = _Job(config, files, doc_files, nav, env, search, frozenset(stale), converted, secure)
        if streaming and jobs > 1 and len(to_build) > 50 and parallel.available():
            built = _build_pages_parallel(to_build, job, warning_counter)
        else:
            built = _build_pages(to_build, job)
        # The search index in the clean build's order: page by page, as MkDocs adds them.
        if search is not None:
            search.clear()
            for page in pages:
                src = page.file.src_uri
                if src in reused:
                    search.extend(memo[src].entries)
                elif src in built:
                    search.extend(built[src].entries)
        for src, (key, dest) in keys.items():
            if src not in reused and src in built:
                b = built[src]
                memo[src] = PageMemo(key, dest, b.stat, b.entries, b.anchors, b.sha)

        log_level = config.validation.links.anchors
        for page in pages:
            page.validate_anchor_links(files=files, log_level=log_level)
        config.plugins.on_post_build(config=config)
        if counts := warning_counter.get_counts():
            msg = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
            raise Abort(f"Aborted with {msg} in strict mode!")
        if keep_session:
            global SESSION
            SESSION = Session(config, files, nav, env, doc_files, secure)
        result.built = len(built)
        result.reused = len(reused)
        result.kept = sorted(memo[src].dest for src in reused)
        result.memo = memo
        return result
    except Exception as e:
        config.plugins.on_build_error(error=e)
        if isinstance(e, BuildError):
            log.error(str(e))
            raise Abort("Aborted with a BuildError!") from None
        raise
    finally:
        logging.getLogger("mkdocs").removeHandler(warning_counter)
        _HEADINGS.clear()


def _populate(page: Page, config: Any, files: Files, generated: Mapping[str, str]) -> None:
    """MkDocs' ``_populate_page``, with the HTML blocks of the ``generated`` pages passed
    through (an empty mapping: every page converted as MkDocs does)."""
    with compat.current_page(config, page):
        try:
            page = config.plugins.on_pre_page(page, config=config, files=files)
            page.read_source(config)
            assert page.markdown is not None
            page.markdown = config.plugins.on_page_markdown(
                page.markdown, page=page, config=config, files=files
            )
            blocks = split_blocks(page.markdown) if page.file.src_uri in generated else None
            if blocks is None or not _render_fast(page, _headings(config), blocks):
                page.render(config, files)
            assert page.content is not None
            page.content = config.plugins.on_page_content(
                page.content, page=page, config=config, files=files
            )
        except Exception as e:
            _log_failure("reading", page, e)
            raise


@dataclass
class Session:
    """What a finished build knows (settings, files, nav, theme), kept by ``serve`` to draw
    one page again in milliseconds after an edit, before the full build catches up."""

    config: Any
    files: Files
    nav: Navigation
    env: jinja2.Environment
    doc_files: Sequence[File]
    secure: Callable[[str], str] = same

    def render_page(self, src_uri: str, markdown_text: str) -> tuple[str, bytes] | None:
        """``(site path, HTML)`` of the page built from ``src_uri`` with this text, or None
        when the page was not part of the build."""
        file = self.files.get_file_from_path(src_uri)
        if file is None or file.page is None:
            return None
        page = file.page
        file.content_string = markdown_text
        try:
            _populate(page, self.config, self.files, {src_uri: ""})
            output = _render_html(
                page, self.config, self.doc_files, self.nav, self.env, self.secure
            )
        finally:
            _HEADINGS.clear()
        return file.dest_uri, output.encode("utf-8", errors="xmlcharrefreplace")

    def draw(self, changed: Iterable[tuple[str, bytes]]) -> list[tuple[str, bytes]] | None:
        """``(site path, bytes)`` of each file of ``docs/`` given with new bytes: pages
        drawn again, other files as they are.  None when a file was not part of the
        build or the navigation changed (a page in it has a new title): then every
        page would change, and only a build can say how."""
        before = _nav_rows(self.nav.items)
        out = []
        for src_uri, data in changed:
            file = self.files.get_file_from_path(src_uri)
            if file is None or (file.page is None and file.is_documentation_page()):
                return None
            if file.page is None:
                out.append((file.dest_uri, data))
                continue
            drawn = self.render_page(src_uri, data.decode("utf-8"))
            if drawn is None:
                return None
            out.append(drawn)
        return out if _nav_rows(self.nav.items) == before else None


#: The session of the last build run with ``keep_session`` (``serve``'s).
SESSION: Session | None = None

_HEADINGS: dict[int, _Headings] = {}


def _headings(config: Any) -> _Headings:
    """The heading converter for this configuration (one per build)."""
    converter = _HEADINGS.get(id(config))
    if converter is None:
        _HEADINGS.clear()
        converter = _HEADINGS[id(config)] = _Headings(config)
    return converter


def memo_to_json(memo: dict[str, PageMemo]) -> dict[str, Any]:
    return {k: v.to_json() for k, v in sorted(memo.items())}


def memo_from_json(raw: Any) -> dict[str, PageMemo]:
    if not isinstance(raw, dict):
        raise ValueError("malformed site memo")
    return {str(k): PageMemo.from_json(v) for k, v in raw.items()}
