"""The stages in order: load → validate → model → render → write → MkDocs.

Everything is read and modelled before anything is written, and the site is
built in a staging folder that replaces ``site/`` only on success, so a failed
run leaves the previous ``docs/`` and ``site/`` exactly as they were.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from . import incremental, mkdocs_adapter, parallel, paths, search
from .cache import CACHE_DIR, Store
from .load import FileCache, ParseMemo, SeedFile, Sources, load
from .markup import MentionFinder, remote_images_in
from .model import Corpus, build_corpus, unused_entities
from .paths import suggest_slug
from .problems import Problems
from .progress import SILENT, Progress
from .project import Project, UsageError
from .render import Renderer, SiteInfo
from .write import (
    HOME,
    MANIFEST,
    WriteStats,
    files_under,
    holds,
    plain_relative,
    read_manifest,
    stage_docs,
    sync,
    sync_undoable,
    update_site,
    user_conflicts,
)


@dataclass
class Checked:
    """The outcome of loading and validating a project."""

    problems: Problems
    sources: Sources
    corpus: Corpus | None

    def without_model(self) -> Checked:
        """Only the problems: what a caller still needs once the pages are rendered."""
        return Checked(self.problems, Sources([], []), None)


def check(
    project: Project,
    *,
    drafts: bool = True,
    cache: FileCache | None = None,
    progress: Progress = SILENT,
    store: Store | None = None,
    freeze: bool = False,
) -> Checked:
    """Validate every seed and entity; collect all problems and warnings.

    With a ``store``, the entity names found in each body are remembered by the
    body's digest and every name in the registry (finding them is most of the cost
    of the warnings), so that an unchanged body is not searched again.  With
    ``freeze`` (a build, whose sources live to its end; see :func:`_collect_less`)
    the sources are frozen for the cycle collector once read, so that building the
    model does not walk them again and again (1.3 s → 0.8 s at 10,000 seeds).
    """
    progress.stage("reading and checking seeds")
    problems = Problems()
    parsed = ParseMemo(store, prune=cache is None)
    sources = _load(project, problems, cache, parsed)
    if freeze:
        gc.freeze()
    parsed.save()
    corpus = build_corpus(sources, problems, drafts=drafts)
    found = _MentionMemo(store)
    _warn(sources, corpus, problems, found)
    found.save()
    return Checked(problems, sources, None if problems.errors else corpus)


def _unlisted(
    found: Iterable[tuple[int, str, str]], listed: set[str]
) -> list[tuple[int, str, str]]:
    out = []
    seen = set(listed)
    for line, entity_id, surface in found:
        if entity_id not in seen:
            seen.add(entity_id)
            out.append((line, entity_id, surface))
    return out


class _MentionMemo:
    """Entity names found in bodies, keyed by a digest of the body, its first line and
    every name and alias in the registry: the same key always gives the same answer."""

    NAME = "mentions"

    def __init__(self, store: Store | None) -> None:
        self.store = store
        raw = store.read(self.NAME) if store is not None else None
        self.old: dict[str, list[list[Any]]] = raw if isinstance(raw, dict) else {}
        self.new: dict[str, list[list[Any]]] = {}

    def _known(self, key: str) -> list[list[Any]] | None:
        """The remembered rows for ``key``, if they have the right shape."""
        rows = self.old.get(key)
        if isinstance(rows, list) and all(
            isinstance(r, list)
            and len(r) == 3
            and isinstance(r[0], int)
            and isinstance(r[1], str)
            and isinstance(r[2], str)
            for r in rows
        ):
            return rows
        return None

    def find_all(
        self, finder: MentionFinder, names_key: str, seeds: Sequence[SeedFile]
    ) -> list[list[tuple[int, str, str]]]:
        """For each seed, the first mention of each entity its body names but does not
        list.  The bodies the memo lacks are searched at once, on two cores when there
        are many (a first build's 10,000 bodies took 2.5 s of one core)."""
        keys: list[str] = []
        todo: dict[str, tuple[str, int, set[str]]] = {}
        for seed in seeds:
            listed = set(seed.data.entities)
            key = incremental.sha(f"{names_key}\0{seed.body_line}\0{sorted(listed)}\0{seed.body}")
            keys.append(key)
            rows = self._known(key)
            if rows is None:
                todo[key] = (seed.body, seed.body_line, listed)
            else:
                self.new[key] = rows

        def work(part: Sequence[str]) -> dict[str, list[list[Any]]]:
            return {key: _mention_rows(finder, *todo[key]) for key in part}

        if len(todo) >= _PARALLEL_MENTIONS and jobs() > 1 and parallel.available():
            try:
                found, _ = parallel.shared(list(todo), work, chunk=100)
            except parallel.ChildFailed as exc:
                raise RuntimeError(f"finding mentions in a second process failed: {exc}") from None
        else:
            found = work(list(todo))
        self.new.update(found)
        return [[(r[0], r[1], r[2]) for r in self.new[key]] for key in keys]

    def save(self) -> None:
        if self.store is not None and self.new != self.old:
            self.store.write(self.NAME, self.new)


def _load(
    project: Project, problems: Problems, cache: FileCache | None, parsed: ParseMemo | None = None
) -> Sources:
    return load(
        project.root,
        project.seeds_dir,
        problems,
        max_bytes=project.max_file_bytes,
        cache=cache,
        parsed=parsed,
        jobs=jobs(),
    )


#: Bodies to search for mentions above which two processes share them.
_PARALLEL_MENTIONS = 1000


def _mention_rows(
    finder: MentionFinder, body: str, first_line: int, listed: set[str]
) -> list[list[Any]]:
    return [list(t) for t in _unlisted(finder.entities_in_markdown(body, first_line), listed)]


def _warn(
    sources: Sources, corpus: Corpus, problems: Problems, found: _MentionMemo | None = None
) -> None:
    """SPEC §5 warnings: unlisted mentions in bodies, entities nothing mentions."""
    names = [(e.name, e.id) for e in corpus.entities.values()]
    names += [(a, e.id) for e in corpus.entities.values() for a in e.aliases]
    finder = MentionFinder(names)
    found = found or _MentionMemo(None)
    names_key = incremental.sha(repr(names))
    mentions = found.find_all(finder, names_key, sources.seeds)
    for seed, unlisted in zip(sources.seeds, mentions, strict=True):
        _warn_publishing(seed, problems)
        for line, entity_id, surface in unlisted:
            problems.add(
                seed.rel,
                line,
                "entities",
                f"the body names {corpus.entity_name(entity_id)} ('{surface}') but '{entity_id}' "
                "is not listed in entities",
                "warning",
            )
    for event in corpus.events:
        if event.conflicting:
            # Each report that disagrees with an earlier one is named once, against the
            # first earlier report it cannot be reconciled with (agreeing reports stay quiet).
            for i, report in enumerate(event.reports):
                other = next(
                    (r for r in event.reports[:i] if not r.date.overlaps(report.date)), None
                )
                if other is None:
                    continue
                problems.add(
                    report.rel,
                    report.line,
                    "events.date",
                    f"event '{event.id}' is dated '{report.date.text}' here but "
                    f"'{other.date.text}' in {other.rel}; the dates do not overlap",
                    "warning",
                )
    by_id = {e.id: e for e in sources.entities}
    for entity_id in unused_entities(corpus):
        problems.add(
            by_id[entity_id].rel,
            1,
            "id",
            f"no briefing or relation mentions '{entity_id}'",
            "warning",
        )


def _warn_publishing(seed: SeedFile, problems: Problems) -> None:
    """What the seed would publish that its author may not expect (SPEC §2.1, §6)."""
    if seed.data.publish == "summary" and not seed.data.summary:
        problems.add(
            seed.rel,
            seed.lines.key_line(("publish",)),
            "summary",
            "no summary, and under publish: summary none is taken from the body, so the "
            "briefing is listed without one; add one or two sentences as summary",
            "warning",
        )
    for line, host in remote_images_in(seed.body, seed.body_line, seed.data.publish):
        problems.add(
            seed.rel,
            line,
            "body",
            f"an image from another host ({host}) would tell that host who reads the page, "
            "so it is shown as a link (remote_images: keep loads it on the hosted site, "
            "never offline); download it into the project to show it, or accept the link"
            if host
            else "an image whose URL names no host is left out; fix the URL or remove the image",
            "warning",
        )


def render(
    project: Project,
    corpus: Corpus,
    *,
    directory_urls: bool | None = None,
    progress: Progress = SILENT,
) -> dict[str, str]:
    """Every generated page as ``{docs path: text}``."""
    site = project.site
    if directory_urls is not None:
        # Only the offline bundle chooses its URL style; it never loads images from other
        # hosts (SPEC §6), whatever remote_images says for the hosted site.
        site = SiteInfo(site.name, site.description, directory_urls, remote_images="link")
    pages = Renderer(corpus, site).pages(progress)
    # Each page in its URL's folder, so that every builder reads its links alike.
    return {paths.page_file(doc, site.directory_urls): text for doc, text in pages.items()}


class StagedPages(Mapping[str, str]):
    """Generated pages read back from a staged docs folder, one at a time."""

    def __init__(self, folder: Path, rels: list[str]) -> None:
        self.folder = folder
        self.rels = rels
        self._known = set(rels)

    def __getitem__(self, rel: str) -> str:
        if rel not in self._known:
            raise KeyError(rel)
        return (self.folder / rel).read_bytes().decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self.rels)

    def __len__(self) -> int:
        return len(self.rels)


@dataclass
class Built:
    checked: Checked
    pages: int = 0
    stats: WriteStats | None = None
    notes: tuple[str, ...] = ()
    #: pages MkDocs rendered, and pages reused from the previous site
    rendered: int = 0
    reused: int = 0


@dataclass
class Planned:
    """What a build writes: pages rendered now, pages reused from ``docs/``, notes."""

    pages: dict[str, str]
    managed: set[str]
    notes: list[str]
    #: file in docs/ → SHA-256 of its text, for pages whose file is reused as it is
    reused: dict[str, str] = field(default_factory=dict)
    rendered: incremental.Rendered | None = None
    #: pages already written to the staging folder → SHA-256 of their text
    written: dict[str, str] = field(default_factory=dict)

    def digests(self) -> dict[str, str]:
        """Every generated file's SHA-256 (the site build keys its reuse on them)."""
        out = dict(self.reused)
        out.update(self.written)
        out.update((rel, incremental.sha(text)) for rel, text in self.pages.items())
        return out


RENDER_MEMO = "render"
RELATED_MEMO = "related"


def _pages_or_none(
    project: Project,
    checked: Checked,
    strict: bool,
    directory_urls: bool | None = None,
    progress: Progress = SILENT,
    store: Store | None = None,
    out_dir: Path | None = None,
) -> Planned | None:
    """The pages to write, the managed set and notes; None when the input or docs/ has problems.

    With a ``store`` (hosted builds), only the units whose dependencies changed are
    rendered; the others' files in ``docs/`` are reused (:mod:`incremental`).  With an
    ``out_dir`` too, rendered pages go straight there (``Planned.written``).
    """
    if checked.corpus is None or (strict and checked.problems.warnings):
        return None
    managed = read_manifest(project.docs_dir)
    reused: dict[str, str] = {}
    rendered = None
    if store is not None and directory_urls is None:
        site = project.site
        place = functools.partial(paths.page_file, directory_urls=site.directory_urls)
        related = store.read(RELATED_MEMO)
        incremental.preload_related(checked.corpus, related)
        known = len(checked.corpus.related_known)
        rendered = incremental.render(
            Renderer(checked.corpus, site),
            project.docs_dir,
            incremental.parse_memo(store.read(RENDER_MEMO)),
            managed,
            jobs=jobs(),
            progress=progress,
            place=place,
            out_dir=out_dir,
        )
        pages, reused = rendered.pages, rendered.reused
        if len(checked.corpus.related_known) != known:
            store.write(RELATED_MEMO, incremental.related_memo(checked.corpus, related))
    else:
        pages = render(project, checked.corpus, directory_urls=directory_urls, progress=progress)
    written = rendered.written if rendered is not None else {}
    notes: list[str] = []
    conflicts = user_conflicts(project.docs_dir, {**pages, **written}, managed)
    if HOME in conflicts:
        pages.pop(HOME, None)
        if written.pop(HOME, None) is not None and out_dir is not None:
            (out_dir / HOME).unlink()
        conflicts.remove(HOME)
        notes.append("docs/index.md is your own page, so the generated home page is left out")
    for rel in conflicts:
        checked.problems.add(
            f"{project.docs_dir.name}/{rel}",
            1,
            "file",
            "exists but was not written by briefing; move it so the generated page can take its place",
        )
    if conflicts:
        return None
    return Planned(pages, managed, notes, reused, rendered, written)


STAGING_PREFIX = ".briefing-staging-"


#: An old site on its way out, removed in the background (see :func:`_discard`).
TRASH_PREFIX = ".briefing-trash-"


def _staging(project: Project) -> Path:
    """A fresh staging folder.  Folders left by an interrupted run are ours: they are
    renamed to trash names at once and removed in the background, like the trash a
    finished run leaves (:func:`_discard`), whose removal may still be running: a
    build that follows a full rebuild within seconds used to wait for it (8 s for a
    10,000-seed site)."""
    for stale in project.root.glob(STAGING_PREFIX + "*"):
        if stale.is_dir():
            with contextlib.suppress(OSError):
                trash = stale.with_name(TRASH_PREFIX + stale.name.removeprefix(STAGING_PREFIX))
                os.replace(stale, trash)
    for trash in project.root.glob(TRASH_PREFIX + "*"):
        if trash.is_dir() and not _being_removed(trash):
            _remove_in_background(trash)
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=project.root))


#: In a trash folder: the process id of the background process removing it.
_REMOVER = ".briefing-remover"


def _being_removed(trash: Path) -> bool:
    """Whether a live process is removing ``trash`` (the one :func:`_remove_in_background`
    started and recorded)."""
    try:
        pid = int((trash / _REMOVER).read_text(encoding="ascii"))
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


def _remove_in_background(trash: Path) -> None:
    """Remove ``trash`` in a detached process (deleting a site's thousands of folders
    can take longer than a build), and record its process id in the folder."""
    import subprocess
    import sys

    with contextlib.suppress(OSError):
        remover = subprocess.Popen(
            [sys.executable, "-c", _RMTREE, str(trash)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        with contextlib.suppress(OSError):
            (trash / _REMOVER).write_text(str(remover.pid), encoding="ascii")


def source_date_epoch(corpus: Corpus) -> str:
    """SOURCE_DATE_EPOCH for MkDocs (sitemap dates, gzip headers): from the content, never the clock."""
    from .exports import build_time

    return str(int(build_time(corpus).timestamp()))


def _stage(
    project: Project,
    pages: dict[str, str],
    managed: set[str],
    scratch: Path,
    progress: Progress,
    extra_files: dict[str, Path] | None = None,
    reused: Iterable[str] = (),
    *,
    full: bool = True,
) -> Path:
    """The docs for MkDocs in ``scratch``: ``pages`` and ``extra_files``, and when ``full``
    also the user's files and the ``reused`` generated files of ``docs/`` (hard links:
    they are only read), making a complete docs folder.

    Without ``full`` it is an overlay: the site build reads everything else from
    ``docs/`` itself (see :func:`mkdocs_engine.virtual_files`), so an edit stages
    only what it changed.  Zensical, which runs as a command of its own, gets a full one.
    """
    progress.stage("staging docs/")
    staged = scratch / "docs"
    if full:
        stage_docs(project.docs_dir, staged, pages, managed)
        for rel in reused:
            (staged / rel).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(project.docs_dir / rel, staged / rel)
            except OSError:
                shutil.copyfile(project.docs_dir / rel, staged / rel)
    else:
        stage_docs(None, staged, pages, managed)
    for rel, source in (extra_files or {}).items():
        (staged / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, staged / rel)
    return staged


def _mkdocs(
    project: Project,
    docs: Path,
    site: Path,
    epoch: str,
    *,
    strict: bool,
    verbose: bool,
    progress: Progress = SILENT,
    generated: Mapping[str, str] | None = None,
    store: Store | None = None,
    variant: str = "site",
    previous_site: Path | None = None,
    overlay: Path | None = None,
    hidden: frozenset[str] = frozenset(),
    **options: Any,
) -> mkdocs_adapter.BuildReport:
    """Build a docs folder with the project's ``mkdocs.yml`` into ``site``.

    With a ``store``, the generated pages that the last build of this ``variant``
    left unchanged in ``previous_site`` are reused.  The report carries the memo for
    the next build; the caller saves it (:func:`_save_site_memo`) only once it has
    kept the site the memo describes.
    """
    return mkdocs_adapter.build(
        project.config_file,
        docs,
        site,
        strict=strict,
        verbose=verbose,
        source_date_epoch=epoch,
        progress=progress,
        generated={g: h for g, h in (generated or {}).items() if g.endswith(".md")},
        memo=store.read(_site_memo(variant)) if store is not None else None,
        previous_site=previous_site,
        jobs=jobs(),
        overlay=overlay,
        hidden=hidden,
        builder=project.builder,
        **options,
    )


def _site_memo(variant: str) -> str:
    return f"site-{variant}"


def _save_site_memo(store: Store, variant: str, report: mkdocs_adapter.BuildReport) -> None:
    store.write(_site_memo(variant), report.memo)


def jobs() -> int:
    """Processes to use: two when there are two cores (the work is split in two, see
    :mod:`parallel`), one when ``BRIEFING_JOBS=1`` says so."""
    value = os.environ.get("BRIEFING_JOBS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return max(1, min(os.cpu_count() or 1, 2))


#: Pages rendered above which the generator's memory is handed back before MkDocs
#: runs (a full collection and a trim cost about 0.9 s at 10,000 seeds, worth it
#: only when MkDocs will hold many pages).
_RELEASE_AFTER = 1000


def _release_memory() -> None:
    """Free what the generator no longer needs and hand it back to the system.

    The memoised strings are scattered over the allocator's arenas and would keep
    them (and the freed model around them) from being returned.
    """
    from . import markup
    from . import paths as paths_module

    markup.clear_caches()
    paths_module.clear_caches()
    gc.unfreeze()
    gc.collect()
    try:  # glibc keeps freed heap memory unless asked; elsewhere this is a no-op
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


@contextlib.contextmanager
def exclusive(project: Project) -> Iterator[None]:
    """One build of a project at a time (``serve`` and ``build`` side by side, say): each
    clears stale staging folders and updates the same docs/, site/ and cache."""
    import fcntl

    folder = project.root / CACHE_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / "build.lock", "a+b")  # noqa: SIM115 - held until the end
    except OSError:  # a read-only cache folder: nothing to share, nothing to lock
        yield
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            import sys

            print("briefing: waiting for another build of this project to finish", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _locked(func: Callable[Concatenate[Project, _P], _R]) -> Callable[Concatenate[Project, _P], _R]:
    """Run ``func`` while holding the project's build lock (:func:`exclusive`)."""

    def locked(project: Project, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with exclusive(project):
            return func(project, *args, **kwargs)

    locked.__doc__ = func.__doc__
    locked.__name__ = func.__name__
    return locked


def _collect_less(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``func`` with Python's cycle collector working less.

    A build allocates millions of objects that live until its end (the records, the
    model, the pages), and each full collection walks all of them: at 10,000 seeds
    that was about 2.5 s of a 23 s edit, spent in whatever code happened to allocate.
    So the young generation is collected less often, and what :func:`build` marks as
    long-lived (``gc.freeze()`` after the check) is not walked at all until the
    generator's work is done (:func:`_release_memory`) or the build ends.  What was
    alive before the build (``serve``'s last model and MkDocs session: millions of
    objects) is frozen too, so the build's collections never walk it: that made
    ``serve``'s model 0.6 s slower at 10,000 seeds than a fresh process's.
    """

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        old = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(max(old[0], 50_000), *old[1:])
        try:
            return func(*args, **kwargs)
        finally:
            gc.unfreeze()
            gc.set_threshold(*old)

    return wrapper


@_locked
@_collect_less
def build(
    project: Project,
    *,
    strict: bool = False,
    drafts: bool = False,
    verbose: bool = False,
    progress: Progress = SILENT,
    cache: bool = True,
    site_dir: Path | None = None,
    files: FileCache | None = None,
    variant: str = "site",
    keep_session: bool = False,
    on_model: Callable[[Corpus], None] | None = None,
    on_staged: Callable[[Mapping[str, str], Path], None] | None = None,
    on_pages: Callable[[int], None] | None = None,
) -> Built:
    """Check, generate the pages, run MkDocs; ``docs/`` and ``site/`` change only on success.

    With ``cache`` (the default) the work of earlier builds kept in ``.cache/briefing/``
    is reused where it provably still holds; the output is the same either way.
    ``serve`` builds into its own ``site_dir`` (memo ``variant`` "serve"), keeps parsed
    files in ``files`` and asks for the MkDocs session (``keep_session``) to redraw
    one page quickly after an edit.  ``on_staged(digests, staged docs)`` (``serve``)
    is called once the generated files are staged, before MkDocs runs: every
    generated file's SHA-256, and the folder holding those rendered this time.  With
    ``on_pages`` (``serve``), the new pages are put into ``site_dir`` as soon as
    MkDocs has made them and ``on_pages(n)`` is called with the number of files that
    changed there, before the search index is made (the previous index serves
    meanwhile); the rest of the build then proceeds as usual.
    """
    target = site_dir or project.site_dir
    store = Store(project.root, enabled=cache)
    checked = check(
        project, drafts=drafts, progress=progress, cache=files, store=store, freeze=True
    )
    if checked.corpus is None or (strict and checked.problems.warnings):
        return Built(checked)
    gc.freeze()  # the sources and the model live until the pages are made
    full = project.builder == "zensical"
    scratch = _staging(project)
    try:
        planned = _pages_or_none(
            project,
            checked,
            strict,
            progress=progress,
            store=store,
            out_dir=None if full else scratch / "docs",
        )
    except BaseException:
        _discard(scratch)
        raise
    if planned is None:
        _discard(scratch)
        return Built(checked)
    pages, managed, notes, reused = planned.pages, planned.managed, planned.notes, planned.reused
    digests = planned.digests()
    units = planned.rendered
    planned.pages = {}  # it held the pages too; see below
    if units is not None:
        units.pages = {}
    epoch = source_date_epoch(checked.corpus)
    try:
        staged_docs = _stage(project, pages, managed, scratch, progress, reused=reused, full=full)
        generated = sorted(digests)
        if on_staged is not None and not full:
            on_staged(digests, staged_docs)
        # MkDocs holds every page in memory itself: let go of the model and the page
        # texts first (the staged copies are read back for docs/ afterwards), so the
        # peak is MkDocs' own rather than MkDocs' plus ours.
        del pages
        if on_model is not None:
            on_model(checked.corpus)
        checked = checked.without_model()
        if len(digests) - len(reused) > _RELEASE_AFTER:
            _release_memory()
        site = scratch / "site"

        def make_site() -> mkdocs_adapter.BuildReport:
            return _mkdocs(
                project,
                staged_docs if full else project.docs_dir,
                site,
                epoch,
                strict=strict,
                verbose=verbose,
                progress=progress,
                generated=digests,
                store=store,
                variant=variant,
                previous_site=target if target.is_dir() else None,
                keep_session=keep_session,
                overlay=None if full else staged_docs,
                hidden=frozenset((managed - set(digests)) | {MANIFEST}),
                overrides=search.hosted_overrides(
                    project.settings, project.config_file.parent, scratch, builder=project.builder
                ),
            )

        report, prepared = _beside_search_records(make_site, project, staged_docs, full)
        # MkDocs' files, pages and navigation and the search records live to the end of
        # the build: a full collection during the index walked them all (0.3 s at
        # 10,000 seeds, while Pagefind waited for its first records).
        gc.freeze()
        if on_pages is not None and target.is_dir():
            on_pages(_show_pages(site, target))
        # While Pagefind works (seconds at 10,000 seeds, with this process idle), a
        # thread lists what the site holds now and brings docs/ up to date, keeping
        # what it replaces so that a failure later puts docs/ back as it was.
        listing = _beside_thread(lambda: files_under(target)) if target.is_dir() else None

        def update_docs() -> DocsUpdate:
            stats, undo = sync_undoable(
                project.docs_dir,
                StagedPages(staged_docs, generated),
                managed,
                set(reused),
                scratch / "docs-replaced",
                staged=staged_docs,
            )
            memo = (
                incremental.make_memo(project.docs_dir, units, digests.__getitem__)
                if units is not None
                else None
            )
            return stats, undo, memo

        docs_updates: list[Future[DocsUpdate]] = []

        def start_docs_update() -> None:
            if not docs_updates:
                docs_updates.append(_beside_thread(update_docs))

        try:
            kept = report.kept + _index_for_search(
                site,
                target,
                store,
                progress,
                project.search_shard_records,
                report,
                project.config_file.read_text(encoding="utf-8"),
                prepared,
                # started once Pagefind has every record, not to slow the thread that
                # sends them
                start_docs_update,
            )
            progress.stage("updating site/")
            start_docs_update()
            stats, undo_docs, render_memo = docs_updates[0].result()
        except BaseException:
            if docs_updates:
                _undo_when_done(docs_updates[0])
            raise
        try:
            update_site(site, target, kept, scratch, present=listing.result() if listing else None)
        except BaseException:
            undo_docs()
            raise
        if render_memo is not None:
            store.write(RENDER_MEMO, render_memo)
        _save_site_memo(store, variant, report)
    finally:
        _discard(scratch)
    return Built(checked, len(generated), stats, tuple(notes), report.built, report.reused)


SEARCH_MEMO = "search"


def _beside_thread(work: Callable[[], _R]) -> Future[_R]:
    """``work()`` in a thread of its own: for the disk work of a build while another
    process (Pagefind) works."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(work)
    finally:
        pool.shutdown(wait=False)


#: docs/ brought up to date: the stats, the undo, and the render memo to write then.
DocsUpdate = tuple[WriteStats, Callable[[], None], dict[str, list[Any]] | None]


def _undo_when_done(update: Future[DocsUpdate]) -> None:
    """Put docs/ back once its update in ``update`` is over (a failed one undid itself)."""
    try:
        undo = update.result()[1]
    except BaseException:
        return
    undo()


#: Search records made before the site is built, and the SHA-256 of each export
#: they were made from (``data/<name>.json``).
Prepared = tuple[list[search.Record], dict[str, str]]


def _beside_search_records(
    make_site: Callable[[], mkdocs_adapter.BuildReport],
    project: Project,
    staged_docs: Path,
    full: bool,
) -> tuple[mkdocs_adapter.BuildReport, Prepared | None]:
    """``make_site()`` (MkDocs) here while a forked child makes the search records from
    the staged data exports, which MkDocs copies into the site as they are: at 10,000
    seeds that takes 0.8 s that an edit would otherwise wait for after MkDocs, with the
    second core idle.  The records are used only if the site's exports turn out to
    have the same bytes (:func:`_index_for_search` checks)."""
    if full or jobs() < 2 or not parallel.available():
        return make_site(), None

    def prepare() -> Prepared:
        read: dict[str, bytes] = {}

        def export(name: str) -> bytes:
            rel = f"data/{name}.json"
            path = staged_docs / rel if (staged_docs / rel).is_file() else project.docs_dir / rel
            read[name] = path.read_bytes()
            return read[name]

        found = search.export_records(export)
        return found, {name: hashlib.sha256(data).hexdigest() for name, data in read.items()}

    made: list[mkdocs_adapter.BuildReport] = []

    def site_here() -> mkdocs_adapter.BuildReport:
        made.append(make_site())
        return made[0]

    try:
        return parallel.beside(prepare, site_here)
    except parallel.ChildFailed:  # the records are made from the site after MkDocs
        return (made[0] if made else make_site()), None


def _show_pages(site: Path, target: Path) -> int:
    """Put the new files of ``site`` into ``target`` now, each replaced in one step;
    returns how many differ from what ``target`` showed.

    For ``serve``, whose folder only the preview reads: the pages an edit touched
    are shown while the search index is made (at 10,000 seeds that takes seconds).
    The files are hard-linked, so :func:`update_site` later moves the same files in.
    A file ``target`` already shows with the same bytes (drawn early by ``serve``)
    is linked too but not counted.
    """
    changed = 0
    for rel in sorted(files_under(site)):
        destination = target / rel
        changed += not holds(destination, (site / rel).read_bytes())
        destination.parent.mkdir(parents=True, exist_ok=True)
        spare = destination.with_name(destination.name + ".showing")
        spare.unlink(missing_ok=True)
        try:
            os.link(site / rel, spare)
        except OSError:
            shutil.copy2(site / rel, spare)
        os.replace(spare, destination)
    return changed


def _index_for_search(
    site: Path,
    target: Path,
    store: Store,
    progress: Progress,
    shard_records: int | None,
    report: mkdocs_adapter.BuildReport,
    config_text: str,
    prepared: Prepared | None = None,
    idle: Callable[[], None] | None = None,
) -> list[str]:
    """Index the new site for search, keeping each shard of the previous index whose
    inputs (its records, the settings, Pagefind's version) are unchanged; returns the
    files of ``target`` kept that way, for :func:`update_site`.

    Pagefind has no incremental mode, so the index is split into shards
    (:func:`search.plan_shards`) and only the shards an edit touched are indexed
    again.  When nothing the index reads changed (every built page, by the digest
    the site build recorded, the data exports, the settings), the whole index is
    kept without reading a page.  A kept file is checked against the size and time
    recorded when it was written, and by SHA-256 when those moved, so a damaged
    one is indexed again, never served.  ``prepared`` records are used only when the
    exports they were made from are the site's, byte for byte.
    """
    folder = search.INDEX_FOLDER
    pages = {str(m[1]): str(m[5]) for m in report.memo.values() if m[5]}
    data = []
    for path in sorted((site / "data").glob("*.json")):
        data.append((path.name, hashlib.sha256(path.read_bytes()).hexdigest()))
    made_from = {f"{name}.json": digest for name, digest in prepared[1].items()} if prepared else {}
    ready = prepared[0] if prepared and made_from.items() <= set(data) else None
    inputs = incremental.sha(repr((config_text, sorted(pages.items()), data, shard_records)))
    old = _mapping(store.read(SEARCH_MEMO))
    old_shards = _mapping(old.get("shards"))
    root_files = _mapping(old.get("root"))

    def intact(base: Path, files: object) -> bool:
        return (
            isinstance(files, dict)
            and bool(files)
            and all(
                isinstance(rel, str) and plain_relative(rel) and _still(base / rel, seen)
                for rel, seen in files.items()
            )
        )

    if (
        old.get("inputs") == inputs
        and old_shards
        and all(_SHARD_NAME.fullmatch(str(n)) for n in old_shards)
        and all(isinstance(e, dict) for e in old_shards.values())
        and intact(target / folder, root_files)
        and all(intact(target / folder / n, e.get("files")) for n, e in old_shards.items())
    ):
        kept = [f"{folder}/{rel}" for rel in root_files]
        for name, entry in old_shards.items():
            kept += [f"{folder}/{name}/{rel}" for rel in entry["files"]]
        return kept

    kept_files: dict[str, dict[str, object]] = {}

    def recorded(name: str) -> dict[str, object]:
        """The previous index's files of shard ``name``, as its memo recorded them."""
        entry = _mapping(old_shards.get(name))
        return _mapping(entry.get("files")) if _SHARD_NAME.fullmatch(name) else {}

    def reuse(name: str, digest: str) -> bool:
        return _mapping(old_shards.get(name)).get("inputs") == digest

    def shard_intact(name: str) -> bool:
        files = recorded(name)
        if not intact(target / folder / name, files):
            return False
        kept_files[name] = files
        return True

    def earlier(name: str, rel: str, digest: str) -> Path | None:
        """The previous index's copy of a shard file with these bytes, as recorded."""
        seen = recorded(name).get(rel)
        path = target / folder / name / rel
        same = isinstance(seen, list) and seen[:1] == [digest]
        return path if same and plain_relative(rel) and _still(path, seen) else None

    known = {
        str(rel): (str(pair[0]), str(pair[1]))
        for rel, pair in _mapping(old.get("articles")).items()
        if isinstance(pair, list) and len(pair) == 2
    }
    stats = search.index_site(
        site,
        fallback=target,
        reuse=reuse,
        intact=shard_intact,
        shard_records=shard_records,
        page_digest=pages.get,
        known=known,
        earlier=earlier,
        progress=progress,
        prepared=ready,
        idle=idle,
    )
    shards: dict[str, dict[str, object]] = {}
    for name, digest in stats.shards.items():
        files: Mapping[str, object]
        if name in stats.built:
            files = _seen_files(site / folder / name, stats.written.get(name, {}))
        else:
            files = kept_files.get(name, {})
        shards[name] = {"inputs": digest, "files": files}
    # no shared files when no index was made (a builder without the search box)
    root = _seen_files(site / folder, stats.written.get("", {}))
    articles = dict(sorted(stats.articles.items()))  # pairs, written as JSON arrays
    store.write(
        SEARCH_MEMO, {"inputs": inputs, "shards": shards, "root": root, "articles": articles}
    )
    return [f"{folder}/{name}/{rel}" for name in stats.kept for rel in kept_files[name]]


def _mapping(value: object) -> dict[Any, Any]:
    """``value`` if a memo holds a mapping there, else an empty one (a memo is untrusted)."""
    return value if isinstance(value, dict) else {}


#: A shard's folder name as :func:`search.plan_shards` makes it (a memo naming anything
#: else is not trusted with a path).
_SHARD_NAME = re.compile(r"[a-z]\d{1,6}")


def _seen_files(folder: Path, digests: Mapping[str, str]) -> dict[str, list[object]]:
    """``{path: [SHA-256, size, mtime_ns]}`` of files just written under ``folder``, their
    digests taken from the bytes written (for :func:`_still`)."""
    out: dict[str, list[object]] = {}
    for rel, digest in sorted(digests.items()):
        st = (folder / rel).stat()
        out[rel] = [digest, st.st_size, st.st_mtime_ns]
    return out


def _still(path: Path, seen: object) -> bool:
    """Whether ``path`` is the file recorded as ``seen`` (:func:`_seen_files`): same size
    and time, or else the same SHA-256 (a restored or copied site moves the times)."""
    if not (isinstance(seen, list) and len(seen) == 3):
        return False
    digest, size, mtime = seen
    try:
        st = path.stat()
    except OSError:
        return False
    if st.st_size != size:
        return False
    return st.st_mtime_ns == mtime or bool(_sha_of(path) == digest)


def _sha_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _discard(scratch: Path) -> None:
    """Remove the staging folder; a big one (an old site swapped out) in the background.

    Deleting thousands of folders can take longer than the build, so such a folder is
    renamed to a trash name at once and removed by a detached process; a run that finds
    one left over with no live remover starts another (:func:`_staging`).
    """
    # an old site swapped out, the files an update replaced (after an edit, the old
    # copy of a search shard: thousands of files), or a first build's staged pages
    # (2.5 s to delete at 10,000 seeds)
    if (
        (scratch / "previous").is_dir()
        or (scratch / "replaced").is_dir()
        or _holds_many(scratch / "docs")
    ):
        with contextlib.suppress(OSError):
            trash = scratch.with_name(TRASH_PREFIX + scratch.name.removeprefix(STAGING_PREFIX))
            os.replace(scratch, trash)
            _remove_in_background(trash)
            return
    shutil.rmtree(scratch, ignore_errors=True)


def _holds_many(folder: Path, many: int = 2000) -> bool:
    """Whether ``folder`` holds at least ``many`` entries (counted only that far)."""
    seen = 0
    for _, dirs, files in os.walk(folder):
        seen += len(dirs) + len(files)
        if seen >= many:
            return True
    return False


_RMTREE = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"


@dataclass
class Bundled:
    checked: Checked
    archive: Path | None = None
    files: int = 0


OFFLINE_SHIM = "assets/javascripts/iframe-worker-shim.js"


@_locked
def bundle(
    project: Project,
    *,
    strict: bool = False,
    verbose: bool = False,
    progress: Progress = SILENT,
    cache: bool = True,
) -> Bundled:
    """An offline copy of the public site (``.html`` URLs, search from disk) as one zip file.

    ``docs/`` and ``site/`` are not touched.  The bundle's site is kept in the cache
    (``.cache/briefing/bundle-site/``) so that the next bundle reuses its unchanged pages.
    """
    from . import offline_assets

    try:
        shim = offline_assets.shim()  # shipped in the package, checked against its SHA-256
    except offline_assets.AssetError as exc:
        raise UsageError(str(exc)) from None
    store = Store(project.root, enabled=cache)
    checked = check(project, drafts=False, progress=progress, store=store)
    planned = _pages_or_none(project, checked, strict, directory_urls=False, progress=progress)
    if planned is None or checked.corpus is None:
        return Bundled(checked)
    pages, managed = planned.pages, planned.managed
    digests = planned.digests()
    del planned
    name = f"{suggest_slug(project.site.name) or 'site'}-offline"
    epoch = source_date_epoch(checked.corpus)
    kept_site = store.folder / "bundle-site" if store.enabled else None
    scratch = _staging(project)
    try:
        # The bundle's pages laid over docs/, whose own generated pages are left out.
        staged_docs = _stage(
            project, pages, managed, scratch, progress, extra_files={OFFLINE_SHIM: shim}, full=False
        )
        del pages  # as in build: MkDocs' peak, not MkDocs' plus ours
        checked = checked.without_model()
        _release_memory()
        plugins = list(project.settings.get("plugins") or ["search"])
        if not any(
            (p if isinstance(p, str) else next(iter(p), "")) in ("offline", "material/offline")
            for p in plugins
        ):
            plugins.append("offline")
        extra = dict(project.settings.get("extra") or {})
        extra["polyfills"] = [OFFLINE_SHIM]
        staged_site = scratch / name
        report = _mkdocs(
            project,
            project.docs_dir,
            staged_site,
            epoch,
            strict=strict,
            verbose=verbose,
            progress=progress,
            directory_urls=False,
            overrides={"plugins": search.bundle_plugins(plugins), "extra": extra},
            generated=digests,
            store=store if kept_site is not None else None,
            variant="bundle",
            previous_site=kept_site if kept_site is not None and kept_site.is_dir() else None,
            overlay=staged_docs,
            hidden=frozenset(managed | {MANIFEST}),
        )
        if kept_site is not None:
            update_site(staged_site, kept_site, report.kept, scratch)
            _save_site_memo(store, "bundle", report)
            staged_site = kept_site
        project.dist_dir.mkdir(parents=True, exist_ok=True)
        archive = project.dist_dir / f"{name}.zip"
        count = write_zip(staged_site, archive, name, int(epoch))
    finally:
        _discard(scratch)
    return Bundled(checked, archive, count)


def write_zip(folder: Path, archive: Path, prefix: str, epoch: int) -> int:
    """A byte-reproducible zip: sorted entries, fixed times and permissions; written atomically."""
    import datetime
    import os
    import zipfile

    when = datetime.datetime.fromtimestamp(max(epoch, 315532800), tz=datetime.UTC).timetuple()[:6]
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    tmp = archive.with_name(archive.name + ".tmp")
    tmp.unlink(missing_ok=True)  # a fresh file, with the umask's mode, not a leftover's
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in files:
            info = zipfile.ZipInfo(
                f"{prefix}/{path.relative_to(folder).as_posix()}", date_time=when
            )
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    os.replace(tmp, archive)
    return len(files)


@dataclass
class Generated:
    checked: Checked
    stats: WriteStats | None = None
    notes: tuple[str, ...] = ()


@_locked
def generate(project: Project, *, drafts: bool = False, strict: bool = False) -> Generated:
    """Check and write the generated pages into ``docs/`` without building a site: for
    running another builder (Zensical, say) on ``docs/`` by hand.  With problems nothing
    is written."""
    checked = check(project, drafts=drafts)
    planned = _pages_or_none(project, checked, strict)
    if planned is None:
        return Generated(checked)
    return Generated(
        checked, sync(project.docs_dir, planned.pages, planned.managed), tuple(planned.notes)
    )
