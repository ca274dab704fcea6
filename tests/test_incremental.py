"""SPEC §6 "Incremental is exact": a build that reuses earlier work equals a clean build.

``briefing build`` keeps what it can reuse in ``.cache/briefing/``: the render memo
(units of generated pages, keyed by everything they show, reused from ``docs/``),
the site memo (generated pages out of the nav, kept from the previous ``site/``)
and memos of work keyed by its inputs' digests.  These tests edit a small synthetic
project (``bench/synth.py``) the way an analyst would, run an incremental build after
each edit and a clean build (``--no-cache``) of a copy of the same sources in a fresh
folder, and compare every file of ``site/`` and ``docs/`` byte for byte (and their
folders and file modes).  Builds run in-process, as ``serve`` runs them; one test
runs them as separate processes.

* :class:`EditSequences` is a Hypothesis state machine of edits (titles, bodies naming
  entities or no longer naming them, tags, listed entities, shared events, their dates
  and deletion, summaries, URLs, ``via``, quotes, claims, their threads, ids and
  deletion, new / deleted / renamed seeds, entity names, aliases, relations, new,
  deleted and renamed entities, drafts, publish modes, dates, hand-written pages added,
  deleted and moved, mkdocs.yml settings (names, nav, theme features, Markdown
  extensions, ``site_url``, ``extra.briefing`` options), touched files, hand edits of
  the output and of the cache, invalid input).  :func:`test_every_rule_once` calls
  every rule once, in a fixed order, and fails if one never reached its build; the
  random sequences of ``TestEditSequences`` are the same in every run (derandomized).
  ``BRIEFING_EXACTNESS_RANDOM=1`` explores new ones, ``BRIEFING_EXACTNESS_EXAMPLES``
  and ``BRIEFING_EXACTNESS_STEPS`` size them (``BRIEFING_EXACTNESS_RANDOM=1
  BRIEFING_EXACTNESS_EXAMPLES=200 .venv/bin/python -m pytest tests/test_incremental.py``).
* The plain tests below it pin down sequences that matter: what a title edit
  re-renders, a build with no change, a shared event's date, an entity rename, a
  deleted seed.

The cache's bad cases (corrupt, truncated, foreign, lying or unwritable cache files;
hand-edited output) are in ``test_cache.py``, which uses the helpers here.
"""

from __future__ import annotations

import atexit
import contextlib
import difflib
import functools
import gzip
import hashlib
import json
import os
import posixpath
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, Phase, assume, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from bench.synth import Synth, dump_yaml
from generator import settings as limits_module
from tests.helpers import tree

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

# --- the project -------------------------------------------------------------

#: Seeds in the synthetic project (and, from Synth, ten entities): a build takes about a second.
N_SEEDS = 20

#: The project's own mkdocs.yml (not the example's, which others edit): the example's
#: features that matter here — a nav of index pages (generated pages out of it are
#: reused from the previous site), search, permalinks, a site URL for the sitemap.
MKDOCS_YML = """\
site_name: Exactness
site_description: A synthetic project for the incremental build tests.
site_url: https://example.org/exact/
use_directory_urls: true
theme:
  name: material
  font: false
  features:
    - navigation.tabs
    - search.suggest
    - content.tooltips
plugins:
  - search
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
extra_css:
  - stylesheets/extra.css
nav:
  - Home: index.md
  - Briefings: briefings/index.md
  - Entities: entities/index.md
  - Timeline: timeline/index.md
  - Tags: tags/index.md
  - Network: graph/index.md
  - Data: data/index.md
  - About: about.md
"""

#: The user's own files in docs/ (everything else there is generated).
USER_DOCS = {
    "docs/about.md": "# About\n\nA synthetic briefing project.\n",
    "docs/stylesheets/extra.css": ".bf-chip { font-weight: bold; }\n",
}

#: Where the state machine keeps the hand-written pages it adds (and moves about.md to):
#: user files too, copied to the clean build with :data:`USER_DOCS`.
NOTES = "docs/notes"

CACHE = Path(".cache") / "briefing"
#: Records per search shard here: several shards, so that edits keep some and redo others.
SHARD_RECORDS = 12


#: ``briefing`` in a process of its own, with this module's search shards.
FRESH_PROCESS = (
    "import sys; from generator import cli, search; "
    f"search.SHARD_RECORDS = {SHARD_RECORDS}; sys.exit(cli.main(sys.argv[1:]))"
)


@pytest.fixture(autouse=True, scope="module")
def _small_search_shards() -> Any:
    from generator import search

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_RECORDS", SHARD_RECORDS)
        yield


@functools.cache
def _synth_files() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(Synth(N_SEEDS).files().items()))


def source_files() -> dict[str, str]:
    """Every source file of the synthetic project: ``{path relative to the root: text}``."""
    files = dict(_synth_files())
    files["mkdocs.yml"] = MKDOCS_YML
    files.update(USER_DOCS)
    return files


def user_docs(root: Path) -> list[str]:
    """The user's own files in ``root``'s docs/: those of :data:`USER_DOCS` that exist and
    every file under :data:`NOTES` (paths relative to ``root``)."""
    found = [rel for rel in USER_DOCS if (root / rel).is_file()]
    notes = root / NOTES
    if notes.is_dir():
        found += sorted(p.relative_to(root).as_posix() for p in notes.rglob("*") if p.is_file())
    return found


def write_sources(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def make_synth_project(root: Path) -> dict[str, str]:
    """Write the synthetic project at ``root``; returns its source files."""
    files = source_files()
    write_sources(root, files)
    return files


def is_seed(rel: str) -> bool:
    return (
        rel.startswith("seeds/") and rel.endswith(".md") and not rel.startswith("seeds/entities/")
    )


def is_entity(rel: str) -> bool:
    return rel.startswith("seeds/entities/") and rel.endswith(".yml")


def split_seed(text: str) -> tuple[dict[str, Any], str]:
    """A seed file as (front-matter, body)."""
    assert text.startswith("---\n"), text[:40]
    front, _, body = text[4:].partition("\n---\n")
    return yaml.safe_load(front), body


def join_seed(data: dict[str, Any], body: str) -> str:
    return "---\n" + dump_yaml(data) + "---\n" + body


def slug_of(rel: str) -> str:
    return rel.rsplit("/", 1)[-1].removesuffix(".md")


# --- running builds ----------------------------------------------------------


def build(root: Path, *args: str) -> tuple[int, str, str]:
    """``briefing -C root build ARGS...`` in-process: ``(exit code, stdout, stderr)``."""
    from tests.conftest import invoke_cli

    os.environ.pop("GITHUB_ACTIONS", None)
    return invoke_cli(root, "build", *args)


def build_ok(root: Path, *args: str) -> str:
    code, out, err = build(root, *args)
    assert code == 0, f"build failed ({code}):\n{out}\n{err}"
    return out


_COUNTS = re.compile(r"(\d+) pages rendered, (\d+) reused")


def rendered_and_reused(out: str) -> tuple[int, int]:
    """The ``N pages rendered, M reused`` of a build's last line."""
    found = _COUNTS.search(out)
    assert found, out
    return int(found.group(1)), int(found.group(2))


def clean_copy(root: Path, dest: Path) -> Path:
    """The sources of ``root`` (seeds, mkdocs.yml, the user's docs files: :func:`user_docs`)
    in a fresh ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copyfile(root / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(root / "seeds", dest / "seeds")
    for rel in user_docs(root):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / rel, dest / rel)
    (dest / "docs").mkdir(exist_ok=True)
    return dest


def clean_build(root: Path, dest: Path, *args: str) -> tuple[int, str, str]:
    """A truly clean build of ``root``'s sources: a fresh folder, no docs/, site/ or cache."""
    clean_copy(root, dest)
    result = build(dest, "--no-cache", *args)
    assert not list((dest / CACHE).glob("*.json")), "--no-cache wrote a cache document"
    return result


def sources_digest(root: Path, *args: str) -> str:
    """A digest of what :func:`clean_copy` copies, the build's options, the page limits
    (the state machine lowers them) and the size of search shards (this module lowers it)."""
    from generator import search

    limits = (limits_module.limits(), search.SHARD_RECORDS)
    h = hashlib.sha256(repr((args, limits)).encode())
    paths = [
        root / "mkdocs.yml",
        *sorted((root / "seeds").rglob("*")),
        *(root / r for r in user_docs(root)),
    ]
    for path in paths:
        if path.is_file():
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


_CLEAN_BUILDS: dict[str, tuple[int, str, Path]] = {}


def clean_result(root: Path, *args: str) -> tuple[int, str, Path]:
    """A clean build of ``root``'s sources (with ``args``): ``(exit code, stderr, folder)``,
    made once per set of sources in a session (tests that come back to the same sources
    compare against the same build)."""
    key = sources_digest(root, *args)
    if key not in _CLEAN_BUILDS:
        folder = Path(tempfile.mkdtemp(prefix="briefing-clean-"))
        atexit.register(shutil.rmtree, folder, True)
        code, _, err = clean_build(root, folder / "clean", *args)
        _CLEAN_BUILDS[key] = (code, err, folder / "clean")
    return _CLEAN_BUILDS[key]


@contextlib.contextmanager
def clean_alongside(root: Path, *args: str) -> Iterator[None]:
    """Make the clean build of ``root``'s sources (for :func:`clean_result`) in a forked
    process while the block runs (the incremental build): on a machine with a core to
    spare, a check then costs the longer of the two builds rather than both.  Where
    there is no ``os.fork``, or that build is known, it is made when asked for."""
    key = sources_digest(root, *args)
    if key in _CLEAN_BUILDS or not hasattr(os, "fork"):
        yield
        return
    folder = Path(tempfile.mkdtemp(prefix="briefing-clean-"))
    atexit.register(shutil.rmtree, folder, True)
    report = folder / "result.json"
    pid = os.fork()
    if pid == 0:  # the child: the clean build, its result in a file, and out
        status = 1
        try:
            code, _, err = clean_build(root, folder / "clean", *args)
            report.write_text(json.dumps([code, err]), encoding="utf-8")
            status = 0
        except BaseException:
            import traceback

            report.write_text(json.dumps([None, traceback.format_exc()]), encoding="utf-8")
        finally:
            os._exit(status)
    try:
        yield
    finally:
        os.waitpid(pid, 0)
    code, err = json.loads(report.read_text(encoding="utf-8"))
    assert code is not None, f"the clean build failed in its process:\n{err}"
    _CLEAN_BUILDS[key] = (code, err, folder / "clean")


def expected(root: Path, *args: str) -> Path:
    """The folder of a successful clean build of ``root``'s sources (see :func:`clean_result`)."""
    code, err, folder = clean_result(root, *args)
    assert code == 0, err
    return folder


def digests(folder: Path) -> dict[str, str]:
    return {rel: hashlib.sha256(data).hexdigest() for rel, data in tree(folder).items()}


def _text(rel: str, data: bytes) -> list[str]:
    if rel.endswith(".gz"):
        with contextlib.suppress(OSError, EOFError):
            data = gzip.decompress(data)
    text = data.decode("utf-8", "replace")
    if rel.endswith(".json") and "\n" not in text.strip():
        with contextlib.suppress(ValueError):  # one-line JSON: a line per entry
            text = json.dumps(json.loads(text), indent=1, ensure_ascii=False)
    return [line[:300] for line in text.splitlines()]


def shape(folder: Path) -> dict[str, str]:
    """Every folder and the mode of every file under ``folder`` (empty folders count)."""
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix() + ("/" if p.is_dir() else ""): oct(p.stat().st_mode)
        for p in sorted(folder.rglob("*"))
    }


def compare_trees(label: str, got: Path, want: Path) -> list[str]:
    """Differences between two folders, as ``label/path: how`` lines, then a unified
    diff of the first file that differs (``[]`` when they are byte-identical, with the
    same folders and file modes)."""
    a, b = tree(got), tree(want)
    problems = [f"{label}/{rel}: only in the incremental build" for rel in sorted(a.keys() - b)]
    problems += [f"{label}/{rel}: only in the clean build" for rel in sorted(b.keys() - a)]
    changed = [rel for rel in sorted(a.keys() & b) if a[rel] != b[rel]]
    problems += [f"{label}/{rel}: differs" for rel in changed]
    sa, sb = shape(got), shape(want)
    problems += [
        f"{label}/{rel}: {sa.get(rel, 'absent')} in the incremental build, "
        f"{sb.get(rel, 'absent')} in the clean build"
        for rel in sorted(sa.keys() | sb.keys())
        if sa.get(rel) != sb.get(rel) and rel not in a.keys() ^ b.keys()
    ]
    if changed:
        rel = changed[0]
        diff = difflib.unified_diff(
            _text(rel, b[rel]),
            _text(rel, a[rel]),
            f"clean/{label}/{rel}",
            f"incremental/{label}/{rel}",
            lineterm="",
            n=1,
        )
        problems += list(diff)[:60]
    return problems


def assert_exact(root: Path, clean: Path) -> None:
    """``root``'s site/ and docs/ are byte-identical to the clean build in ``clean``."""
    problems = compare_trees("site", root / "site", clean / "site")
    problems += compare_trees("docs", root / "docs", clean / "docs")
    assert not problems, "incremental build differs from a clean build:\n" + "\n".join(problems)


#: The memos that describe docs/ and site/ (the files a unit wrote, the pages kept in
#: the site): a failed build must leave them as they were, as it leaves those folders.
#: Other cache documents are keyed by the digest of what they were made from, so a
#: failed build may add to them.
STATE_MEMOS = ("render.json", "site-site.json")


def outputs(root: Path) -> dict[str, dict[str, str]]:
    """Digests of what a failed build must not change: docs/, site/ and the state memos."""
    cache = digests(root / CACHE)
    return {
        "docs": digests(root / "docs"),
        "site": digests(root / "site"),
        "cache": {name: cache[name] for name in STATE_MEMOS if name in cache},
    }


def mtimes(root: Path) -> dict[str, int]:
    """Modification times of every file in docs/ and site/, and of the state memos."""
    out = {}
    for part in ("docs", "site"):
        folder = root / part
        if folder.is_dir():
            for p in sorted(folder.rglob("*")):
                if p.is_file():
                    out[p.relative_to(root).as_posix()] = p.stat().st_mtime_ns
    for name in STATE_MEMOS:
        path = root / CACHE / name
        if path.is_file():
            out[path.relative_to(root).as_posix()] = path.stat().st_mtime_ns
    return out


def touch_later(path: Path, seconds: float = 1.0) -> None:
    """Move a file's modification time ``seconds`` on, as an edit seconds later would."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + int(seconds * 1e9)))


# --- the state machine -------------------------------------------------------

#: Tags the edits choose from: some the project uses, and two that are new to it.
TAG_POOL = [
    "ai-chips",
    "export-controls",
    "semiconductors",
    "gpus",
    "sanctions",
    "brand-new",
    "fresh",
]

#: Theme features the edits switch on and off (some the project has, some it has not).
FEATURE_POOL = [
    "navigation.tabs",
    "search.suggest",
    "content.tooltips",
    "navigation.sections",
    "navigation.top",
    "navigation.indexes",
    "toc.integrate",
    "navigation.footer",
]

#: Markdown extensions the edits add and remove.
EXTENSION_POOL = ["smarty", "abbr", "def_list", "footnotes", "admonition"]

#: The ``toc`` extension's permalink settings the edits go through, in turn.
TOC_PERMALINKS: list[Any] = [True, "#", "§"]

#: Generated index pages the edits take out of the nav and put back (out of the nav,
#: a generated page may be kept from the previous site).
NAV_POOL = {
    "graph/index.md": "Network",
    "data/index.md": "Data",
    "claims/index.md": "Claims",
    "timeline/index.md": "Timeline",
}

#: Values of each ``extra.briefing`` option the edits set (None: the option removed),
#: and what the option is when it is not set (``search_shard_records``: this module's).
BRIEFING_OPTIONS: dict[str, list[Any]] = {
    "remote_images": ["keep", "link", None],
    "search_shard_records": [5, 30, None],
    # 2,000 bytes is less than most seeds: both builds must then fail alike
    "max_file_bytes": [50_000, 2_000, None],
}
BRIEFING_DEFAULTS: dict[str, Any] = {
    "remote_images": "link",
    "search_shard_records": SHARD_RECORDS,
    "max_file_bytes": 1_000_000,
}

#: A random exploration (``BRIEFING_EXACTNESS_RANDOM=1``) instead of the fixed examples
#: that ``make test`` and CI run; ``BRIEFING_EXACTNESS_EXAMPLES`` and ``..._STEPS`` size it.
RANDOM = os.environ.get("BRIEFING_EXACTNESS_RANDOM", "") not in ("", "0")
EXAMPLES = int(os.environ.get("BRIEFING_EXACTNESS_EXAMPLES", "1"))
STEPS = int(os.environ.get("BRIEFING_EXACTNESS_STEPS", "4"))


def _fuzzy(day: str, form: int) -> str:
    """A fuzzy date near the ISO ``day`` in one of several SPEC §3 forms."""
    y, m = int(day[:4]), int(day[5:7])
    return [
        day,
        f"{y:04d}-{m:02d}",
        f"{y:04d}",
        f"early {y:04d}",
        f"{y:04d}-Q{(m - 1) // 3 + 1}",
        f"{y:04d}-{m:02d}~",
        f"{y - 1:04d}-{m:02d}/{y:04d}-{m:02d}",
        f"late {y - 1:04d}",
    ][form % 8]


_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _move_links(text: str, old_dir: str, new_dir: str) -> str:
    """Relative links of a page moved from docs folder ``old_dir`` to ``new_dir``, fixed
    (as whoever moves a page fixes them), so that they name the same files."""

    def fix(found: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(old_dir, found.group(1)))
        return f"]({posixpath.relpath(target, new_dir or '.')})"

    return _LINK.sub(fix, text)


def _has_events(machine: EditSequences) -> bool:
    return any(machine.seed(rel)[0].get("events") for rel in machine.seeds())


def _has_claims(machine: EditSequences) -> bool:
    return any(machine.seed(rel)[0].get("claims") for rel in machine.seeds())


def _has_claim_ids(machine: EditSequences) -> bool:
    return bool(machine.claim_ids())


class EditSequences(RuleBasedStateMachine):
    """After every edit, an incremental build equals a clean build of the same sources.

    The working project keeps its docs/, site/ and .cache/ from build to build; the
    clean build runs with ``--no-cache`` in a fresh folder that holds only a copy of
    the sources.  An edit that makes the input invalid must fail both builds with
    exit 1 and leave the working project's docs/, site/ and cache as they were; it is
    then undone (the files go back, with new modification times).

    Every rule ends in :meth:`check`, which records the rule as fired (``fired``):
    :func:`test_every_rule_once` calls each rule once and requires all of them to fire.
    A rule that needs something the project may lack says so in a ``@precondition``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="briefing-exact-"))
        self.root = self.tmp / "work"
        self.files: dict[str, str] = {}
        self.n = 0
        self.log: list[str] = []
        self.fired: set[str] = set()
        self.flags: tuple[str, ...] = ()
        # Limits small enough for this project to have what a large one has: numbered
        # list pages of entity cards and tags, a timeline page per year, month or run of
        # days, a paged entity directory and a home page naming only some entities.
        self.limits = mock.patch.multiple(
            limits_module, LIST_LIMIT=3, TIMELINE_PAGE_LIMIT=8, DIRECTORY_LIMIT=4, HOME_ENTITIES=2
        )
        self.limits.start()

    def teardown(self) -> None:
        self.limits.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- helpers ---

    def fresh(self) -> int:
        self.n += 1
        return self.n

    def seeds(self) -> list[str]:
        return sorted(r for r in self.files if is_seed(r))

    def entity_ids(self) -> list[str]:
        return sorted(r[len("seeds/entities/") : -len(".yml")] for r in self.files if is_entity(r))

    def entity(self, eid: str) -> dict[str, Any]:
        data: dict[str, Any] = yaml.safe_load(self.files[f"seeds/entities/{eid}.yml"])
        return data

    def put_entity(self, eid: str, data: dict[str, Any]) -> None:
        self.put(f"seeds/entities/{eid}.yml", dump_yaml(data))

    def seed(self, rel: str) -> tuple[dict[str, Any], str]:
        return split_seed(self.files[rel])

    def put_seed(self, rel: str, data: dict[str, Any], body: str) -> None:
        self.put(rel, join_seed(data, body))

    def claim_ids(self) -> list[str]:
        return sorted(
            c["id"]
            for rel in self.seeds()
            for c in self.seed(rel)[0].get("claims", [])
            if "id" in c
        )

    def pages(self) -> list[str]:
        """The hand-written pages (about.md and those under :data:`NOTES`)."""
        return sorted(r for r in self.files if r.startswith("docs/") and r.endswith(".md"))

    def config(self) -> dict[str, Any]:
        """mkdocs.yml as data (the project's has only plain YAML)."""
        return dict(yaml.safe_load(self.files["mkdocs.yml"]))

    def put_config(self, data: dict[str, Any]) -> None:
        self.put("mkdocs.yml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))

    def put(self, rel: str, text: str) -> None:
        self.files[rel] = text
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def remove(self, rel: str) -> None:
        """Delete a source file, and the folders in docs/ it leaves empty (as ``git rm``
        does; the clean build's copy has no empty folders either)."""
        del self.files[rel]
        path = self.root / rel
        path.unlink()
        docs = self.root / "docs"
        folder = path.parent
        while docs in folder.parents and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent

    def pick(self, data: st.DataObject, items: list[Any], label: str) -> Any:
        return data.draw(st.sampled_from(items), label=label)

    def check(self, what: str, expect: str = "ok", undo: dict[str, str] | None = None) -> None:
        """Build incrementally and cleanly and compare; ``expect`` is ok, fail or any.

        ``undo`` (the sources before the edit) is restored when the builds fail.  The
        calling rule is recorded as fired.
        """
        rule_name = sys._getframe(1).f_code.co_name
        self.fired.add(rule_name)
        self.log.append(what)
        before = outputs(self.root)
        with clean_alongside(self.root, *self.flags):
            code, out, err = build(self.root, *self.flags)
        clean_code, clean_err, clean = clean_result(self.root, *self.flags)
        history = "\n".join(f"  {i + 1}. {s}" for i, s in enumerate(self.log))
        assert code == clean_code, (
            f"incremental build exited {code}, clean build {clean_code}, after:\n{history}\n"
            f"incremental: {err[-2000:]}\nclean: {clean_err[-2000:]}"
        )
        if expect != "any":
            wanted = 0 if expect == "ok" else 1
            assert code == wanted, f"expected exit {wanted} after:\n{history}\n{out}\n{err[-3000:]}"
        assert code in (0, 1), err
        # warnings and problems too: a memo that feeds them (mentions found in bodies,
        # say) must not make an incremental build report other ones
        assert err.splitlines() == clean_err.splitlines(), (
            f"incremental and clean builds report differently, after:\n{history}\n"
            + "\n".join(
                difflib.unified_diff(
                    clean_err.splitlines(), err.splitlines(), "clean", "incremental", lineterm=""
                )
            )
        )
        event(f"{rule_name}: exit {code}")
        if code == 0:
            try:
                assert_exact(self.root, clean)
            except AssertionError as exc:
                raise AssertionError(f"after:\n{history}\n{exc}") from None
            return
        assert outputs(self.root) == before, (
            f"a failed build changed docs/, site/ or the cache, after:\n{history}"
        )
        if undo is not None:
            for rel in sorted(set(self.files) - set(undo)):
                self.remove(rel)
            for rel, text in sorted(undo.items()):
                if self.files.get(rel) != text:
                    self.put(rel, text)
            self.log.append("(undone)")

    # --- the start ---

    @initialize(varied=st.booleans())
    def start(self, varied: bool) -> None:
        """The synthetic project, with an image from another host in one body (which
        ``extra.briefing.remote_images`` decides about), built.

        Hypothesis tries its simplest example first: every step the first rule, every
        choice the first option.  ``assume(varied)`` skips it (before any work) for
        varied examples, which ``derandomize`` keeps the same from run to run.
        """
        assume(varied)
        self.files = make_synth_project(self.root)
        rel = next(r for r in self.seeds() if self.seed(r)[0].get("publish") != "summary")
        front, body = self.seed(rel)
        image = "![A chart](https://images.example.net/chart.png)"
        self.put_seed(rel, front, f"{image} {body}")
        build_ok(self.root)

    # --- edits of seeds ---

    @rule(data=st.data())
    def edit_title(self, data: st.DataObject) -> None:
        rel = self.pick(data, self.seeds(), "seed")
        front, body = self.seed(rel)
        front["title"] = f"{front['title']} (update {self.fresh()})"
        self.put_seed(rel, front, body)
        self.check(f"edit the title of {rel}")

    @rule(data=st.data(), first=st.booleans(), listed=st.booleans())
    def name_entity_in_body(self, data: st.DataObject, first: bool, listed: bool) -> None:
        """A paragraph naming an entity (by name or alias): the mention links change."""
        rel = self.pick(data, self.seeds(), "seed")
        eid = self.pick(data, self.entity_ids(), "entity")
        ent = self.entity(eid)
        surface = self.pick(data, [ent["name"], *ent.get("aliases", [])], "surface")
        front, body = self.seed(rel)
        paragraph = f"Update {self.fresh()}: {surface} was named in a later report."
        body = f"{paragraph} {body}" if first else f"{body.rstrip()}\n\n{paragraph}\n"
        if listed and eid not in front["entities"]:
            front["entities"].append(eid)
        self.put_seed(rel, front, body)
        where = "first" if first else "last"
        self.check(f"name {surface!r} in the {where} paragraph of {rel} (listed: {listed})")

    @rule(data=st.data(), every=st.booleans(), unlisted=st.booleans())
    def remove_mention(self, data: st.DataObject, every: bool, unlisted: bool) -> None:
        """A name or alias taken out of a body (its first use, or every one): the mention
        link goes, or moves to the next use.  ``unlisted``: one of an entity the seed does
        not list, if there is one (named through an alias, that one is warned about)."""
        surfaces = [
            (eid, s)
            for eid in self.entity_ids()
            for s in [self.entity(eid)["name"], *self.entity(eid).get("aliases", [])]
        ]
        found = []
        for rel in self.seeds():
            front, body = self.seed(rel)
            found += [(rel, s, eid not in front["entities"]) for eid, s in surfaces if s in body]
        if unlisted and any(f[2] for f in found):
            found = [f for f in found if f[2]]
        rel, surface, _ = self.pick(data, found, "mention")
        front, body = self.seed(rel)
        body = body.replace(surface, "a rival", -1 if every else 1)
        self.put_seed(rel, front, body)
        self.check(f"remove {'every' if every else 'the first'} {surface!r} from {rel}")

    @rule(data=st.data())
    def change_tags(self, data: st.DataObject) -> None:
        rel = self.pick(data, self.seeds(), "seed")
        tags = data.draw(st.lists(st.sampled_from(TAG_POOL), max_size=3, unique=True), "tags")
        front, body = self.seed(rel)
        if tags:
            front["tags"] = tags
        else:
            front.pop("tags", None)
        self.put_seed(rel, front, body)
        self.check(f"set the tags of {rel} to {tags}")

    @rule(data=st.data())
    def change_listed_entities(self, data: st.DataObject) -> None:
        rel = self.pick(data, self.seeds(), "seed")
        front, body = self.seed(rel)
        eid = self.pick(data, self.entity_ids(), "entity")
        if eid in front["entities"] and len(front["entities"]) > 1:
            front["entities"].remove(eid)
            what = "unlist"
        else:
            front["entities"] = [e for e in front["entities"] if e != eid] + [eid]
            what = "list"
        self.put_seed(rel, front, body)
        self.check(f"{what} {eid} in {rel}")

    @precondition(lambda self: len(self.seeds()) >= 2)
    @rule(data=st.data(), form_a=st.integers(0, 7), form_b=st.integers(0, 7))
    def share_an_event(self, data: st.DataObject, form_a: int, form_b: int) -> None:
        """The same event id in two briefings, with dates that overlap or disagree."""
        seeds = self.seeds()
        a = self.pick(data, seeds, "seed a")
        b = self.pick(data, [s for s in seeds if s != a], "seed b")
        existing = sorted(
            {e["id"] for rel in seeds for e in self.seed(rel)[0].get("events", []) if "id" in e}
        )
        eid = self.pick(data, [*existing, f"shared-{self.fresh()}"], "event id")
        for rel, form in ((a, form_a), (b, form_b)):
            front, body = self.seed(rel)
            events = [e for e in front.get("events", []) if e.get("id") != eid]
            events.append(
                {
                    "id": eid,
                    "date": _fuzzy(front["date"], form),
                    "title": f"Shared event {eid} as {slug_of(rel)} tells it",
                    "entities": front["entities"][:1],
                }
            )
            front["events"] = events
            self.put_seed(rel, front, body)
        self.check(f"event {eid} in {a} ({form_a}) and {b} ({form_b})")

    @precondition(_has_events)
    @rule(data=st.data(), form=st.integers(0, 7))
    def change_an_event_date(self, data: st.DataObject, form: int) -> None:
        with_events = [r for r in self.seeds() if self.seed(r)[0].get("events")]
        rel = self.pick(data, with_events, "seed")
        front, body = self.seed(rel)
        i = data.draw(st.integers(0, len(front["events"]) - 1), "event")
        front["events"][i]["date"] = _fuzzy(front["date"], form)
        self.put_seed(rel, front, body)
        self.check(f"date event {i} of {rel} {front['events'][i]['date']!r}")

    @precondition(_has_events)
    @rule(data=st.data(), shared=st.booleans())
    def delete_event(self, data: st.DataObject, shared: bool) -> None:
        """An event deleted from a briefing: when others report it too (``shared``, if
        there is such an event), it stays with their reports alone."""
        found = [
            (rel, i, e.get("id"))
            for rel in self.seeds()
            for i, e in enumerate(self.seed(rel)[0].get("events", []))
        ]
        reports: dict[str, int] = {}
        for _, _, eid in found:
            if eid:
                reports[eid] = reports.get(eid, 0) + 1
        if shared and any(n > 1 for n in reports.values()):
            found = [f for f in found if f[2] and reports[f[2]] > 1]
        rel, i, eid = self.pick(data, found, "event")
        front, body = self.seed(rel)
        del front["events"][i]
        if not front["events"]:
            del front["events"]
        self.put_seed(rel, front, body)
        self.check(f"delete event {i} ({eid or 'no id'}) of {rel}")

    @rule(data=st.data(), year=st.integers(2021, 2026), month=st.integers(1, 12))
    def change_date(self, data: st.DataObject, year: int, month: int) -> None:
        rel = self.pick(data, self.seeds(), "seed")
        front, body = self.seed(rel)
        front["date"] = f"{year:04d}-{month:02d}-15"
        self.put_seed(rel, front, body)
        self.check(f"date {rel} {front['date']}")

    @rule(data=st.data())
    def change_publish(self, data: st.DataObject) -> None:
        rel = self.pick(data, self.seeds(), "seed")
        mode = self.pick(data, ["full", "excerpt", "summary"], "publish")
        front, body = self.seed(rel)
        front["publish"] = mode
        self.put_seed(rel, front, body)
        self.check(f"publish {rel}: {mode}")

    @rule(data=st.data(), drop=st.booleans())
    def edit_summary(self, data: st.DataObject, drop: bool) -> None:
        """A new summary, or none (then the first paragraph stands in, except under
        ``publish: summary``)."""
        rel = self.pick(data, self.seeds(), "seed")
        front, body = self.seed(rel)
        if drop and "summary" in front:
            del front["summary"]
            what = "drop the summary"
        else:
            front["summary"] = f"Summary {self.fresh()} of this report."
            what = "new summary"
        self.put_seed(rel, front, body)
        self.check(f"{what} of {rel}")

    @rule(data=st.data(), drop=st.booleans())
    def edit_url(self, data: st.DataObject, drop: bool) -> None:
        rel = self.pick(data, self.seeds(), "seed")
        front, body = self.seed(rel)
        if drop and "url" in front:
            del front["url"]
        else:
            front["url"] = f"https://news.example.com/moved/{self.fresh()}"
        self.put_seed(rel, front, body)
        self.check(f"url of {rel}: {front.get('url')}")

    @rule(data=st.data())
    def edit_via(self, data: st.DataObject) -> None:
        """The chain of upstream reports a briefing relays (none, one or two)."""
        rel = self.pick(data, self.seeds(), "seed")
        front, body = self.seed(rel)
        others = [e for e in self.entity_ids() if e != front["source"]]
        via = data.draw(st.lists(st.sampled_from(others), max_size=2, unique=True), "via")
        if via == front.get("via", []):  # an edit must change something
            via = via[1:] if via else others[:1]
        if via:
            front["via"] = via
        else:
            front.pop("via", None)
        self.put_seed(rel, front, body)
        self.check(f"via of {rel}: {via}")

    @rule(data=st.data(), how=st.sampled_from(["add", "edit", "delete"]))
    def edit_quotes(self, data: st.DataObject, how: str) -> None:
        """A quote added (by an entity or by free text), reworded, or deleted."""
        rel = self.pick(data, self.seeds(), "seed")
        front, body = self.seed(rel)
        quotes = front.get("quotes", [])
        n = self.fresh()
        if how == "add" or not quotes:
            by = self.pick(data, [*self.entity_ids(), "a person close to the company"], "by")
            quotes.append({"by": by, "text": f"Quote {n}: we never comment on rumours."})
            how = "add"
        else:
            i = data.draw(st.integers(0, len(quotes) - 1), "quote")
            if how == "edit":
                quotes[i] = {**quotes[i], "text": f"Quote {n}, reworded."}
            else:
                del quotes[i]
        if quotes:
            front["quotes"] = quotes
        else:
            front.pop("quotes", None)
        self.put_seed(rel, front, body)
        self.check(f"{how} a quote of {rel}")

    @rule(data=st.data())
    def toggle_draft(self, data: st.DataObject) -> None:
        rel = self.pick(data, self.seeds(), "seed")
        front, body = self.seed(rel)
        front["draft"] = not front.get("draft", False)
        self.put_seed(rel, front, body)
        self.check(f"draft {rel}: {front['draft']}")

    @rule(data=st.data(), year=st.integers(2022, 2025), events=st.integers(0, 2))
    def add_seed(self, data: st.DataObject, year: int, events: int) -> None:
        ids = self.entity_ids()
        n = self.fresh()
        day = f"{year:04d}-0{1 + n % 9}-1{n % 10}"
        slug = f"{day}-new-story-{n}"
        listed = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        front: dict[str, Any] = {
            "title": f"New story {n} about {self.entity(listed[0])['name']}",
            "date": day,
            "source": self.pick(data, ids, "source"),
            "tags": data.draw(st.lists(st.sampled_from(TAG_POOL), max_size=2, unique=True)),
            "entities": listed,
            "events": [
                {"date": _fuzzy(day, n + i), "title": f"Event {i} of story {n}", "entities": listed}
                for i in range(events)
            ],
            "claims": [{"text": f"Claim of story {n}.", "by": listed[0], "status": "reported"}],
            "publish": self.pick(data, ["full", "excerpt", "summary"], "publish"),
        }
        names = " and ".join(self.entity(e)["name"] for e in listed)
        body = f"{names} feature in story {n}.\n\nA second paragraph of story {n}.\n"
        rel = f"seeds/{year}/{slug}.md"
        self.put_seed(rel, front, body)
        self.check(f"add {rel}")

    def _rewrite_sources(self, old: str, new: str | None) -> None:
        """Point entities' fact and relation sources at briefing ``new`` (None: drop them)."""
        for eid in self.entity_ids():
            ent = self.entity(eid)
            changed = False
            for label, fact in list((ent.get("facts") or {}).items()):
                if isinstance(fact, dict) and fact.get("source") == old:
                    ent["facts"][label] = {**fact, "source": new} if new else fact["value"]
                    changed = True
            for rel in ent.get("relations") or []:
                if rel.get("source") == old:
                    if new:
                        rel["source"] = new
                    else:
                        del rel["source"]
                    changed = True
            if changed:
                self.put_entity(eid, ent)

    @precondition(lambda self: len(self.seeds()) >= 3)
    @rule(data=st.data())
    def delete_seed(self, data: st.DataObject) -> None:
        rel = self.pick(data, self.seeds(), "seed")
        gone = {c["id"] for c in self.seed(rel)[0].get("claims", []) if "id" in c}
        self.remove(rel)
        self._rewrite_sources(slug_of(rel), None)
        self._drop_updates(gone)
        self.check(f"delete {rel}")

    def _drop_updates(self, ids: set[str]) -> None:
        """Later word on claims that are gone loses its ``updates`` (else: unknown claim)."""
        for rel in self.seeds():
            front, body = self.seed(rel)
            claims = front.get("claims", [])
            if any(c.get("updates") in ids for c in claims):
                front["claims"] = [
                    {k: v for k, v in c.items() if not (k == "updates" and v in ids)}
                    for c in claims
                ]
                self.put_seed(rel, front, body)

    @rule(data=st.data(), prefix=st.sampled_from(["0", "a", "z"]), folder=st.booleans())
    def rename_seed(self, data: st.DataObject, prefix: str, folder: bool) -> None:
        """A new slug (sorting before or after the others), in the same folder or another."""
        rel = self.pick(data, self.seeds(), "seed")
        slug = f"{prefix}-renamed-{self.fresh()}-{slug_of(rel)[:30]}".rstrip("-")
        parent = "seeds/moved" if folder else rel.rsplit("/", 1)[0]
        new = f"{parent}/{slug}.md"
        text = self.files[rel]
        self.remove(rel)
        self.put(new, text)
        self._rewrite_sources(slug_of(rel), slug)
        self.check(f"rename {rel} to {new}")

    @rule(data=st.data())
    def touch(self, data: st.DataObject) -> None:
        """A file saved without a change: only its modification time moves."""
        rel = self.pick(data, sorted(self.files), "file")
        touch_later(self.root / rel, 2)
        self.check(f"touch {rel}")

    @rule(data=st.data(), status=st.sampled_from(["reported", "confirmed", "denied"]))
    def edit_a_claim(self, data: st.DataObject, status: str) -> None:
        """Claims show on the cards of the entities they are about."""
        rel = self.pick(data, self.seeds(), "seed")
        front, body = self.seed(rel)
        claims = front.get("claims") or [{"text": "A claim.", "by": front["source"]}]
        claims[0] = {**claims[0], "status": status, "text": f"Claim {self.fresh()}."}
        front["claims"] = claims
        self.put_seed(rel, front, body)
        self.check(f"claim 0 of {rel}: {status}")

    @precondition(lambda self: len(self.seeds()) >= 2)
    @rule(
        data=st.data(),
        status=st.sampled_from(["confirmed", "denied", "disputed", "reported", "no-comment"]),
        same_date=st.booleans(),
    )
    def continue_a_thread(self, data: st.DataObject, status: str, same_date: bool) -> None:
        """Later word on a claim (``updates``): the first briefing's page shows it, and the
        cards of the entities it is about and of its source show the thread and record."""
        seeds = self.seeds()
        a = self.pick(data, seeds, "claim made in")
        b = self.pick(data, [s for s in seeds if s != a], "later word in")
        front, body = self.seed(a)
        claims = front.setdefault("claims", [])
        roots = [i for i, c in enumerate(claims) if "updates" not in c]
        if not roots:
            claims.append({"text": f"A first report {self.fresh()}.", "by": front["source"]})
            roots = [len(claims) - 1]
        i = self.pick(data, roots, "claim")
        claim_id = claims[i].setdefault("id", f"claim-{self.fresh()}")
        self.put_seed(a, front, body)
        later, later_body = self.seed(b)
        if same_date:
            later["date"] = front["date"]
        ids = self.entity_ids()
        later.setdefault("claims", []).append(
            {
                "text": f"Later word {self.fresh()} on {claim_id}.",
                "by": self.pick(data, ids, "by"),
                "status": status,
                "entities": [self.pick(data, ids, "about")],
                "updates": claim_id,
            }
        )
        self.put_seed(b, later, later_body)
        self.check(f"{b} updates {claim_id} of {a}: {status}")

    @precondition(_has_claim_ids)
    @rule(data=st.data())
    def change_a_claim_id(self, data: st.DataObject) -> None:
        """A named claim gets a new id; the later word that ``updates`` it follows."""
        old = self.pick(data, self.claim_ids(), "claim id")
        new = f"renamed-claim-{self.fresh()}"
        for rel in self.seeds():
            front, body = self.seed(rel)
            claims = front.get("claims", [])
            if any(old in (c.get("id"), c.get("updates")) for c in claims):
                for c in claims:
                    for key in ("id", "updates"):
                        if c.get(key) == old:
                            c[key] = new
                self.put_seed(rel, front, body)
        self.check(f"claim id {old} becomes {new}")

    @precondition(_has_claims)
    @rule(data=st.data(), named=st.booleans())
    def delete_a_claim(self, data: st.DataObject, named: bool) -> None:
        """A claim deleted (one with an id, if ``named`` and there is one): later word on
        it loses its ``updates``, and the thread its status."""
        found = [
            (rel, i, c.get("id"))
            for rel in self.seeds()
            for i, c in enumerate(self.seed(rel)[0].get("claims", []))
        ]
        if named and any(f[2] for f in found):
            found = [f for f in found if f[2]]
        rel, i, claim_id = self.pick(data, found, "claim")
        front, body = self.seed(rel)
        del front["claims"][i]
        if not front["claims"]:
            del front["claims"]
        self.put_seed(rel, front, body)
        if claim_id:
            self._drop_updates({claim_id})
        self.check(f"delete claim {i} ({claim_id or 'no id'}) of {rel}")

    # --- edits of entities ---

    @rule(data=st.data(), as_relation=st.booleans())
    def cite_a_briefing(self, data: st.DataObject, as_relation: bool) -> None:
        """An entity's fact or relation names a briefing as its source: the card shows
        that briefing's title (and must follow its later edits)."""
        ids = self.entity_ids()
        eid = self.pick(data, ids, "entity")
        slug = slug_of(self.pick(data, self.seeds(), "source briefing"))
        ent = self.entity(eid)
        if as_relation:
            target = self.pick(data, [i for i in ids if i != eid], "target")
            ent["relations"] = [
                *(ent.get("relations") or []),
                {"type": "partners-with", "target": target, "source": slug},
            ]
        else:
            ent["facts"] = {**(ent.get("facts") or {}), "cited": {"value": "yes", "source": slug}}
        self.put_entity(eid, ent)
        self.check(f"{eid} cites {slug} ({'relation' if as_relation else 'fact'})", "any")

    @rule(data=st.data(), how=st.sampled_from(["name", "add alias", "drop alias", "summary"]))
    def edit_entity(self, data: st.DataObject, how: str) -> None:
        eid = self.pick(data, self.entity_ids(), "entity")
        ent = self.entity(eid)
        n = self.fresh()
        if how == "name":
            ent["name"] = f"{ent['name'].split(' (')[0]} (renamed {n})"
        elif how == "add alias":
            ent["aliases"] = [*ent.get("aliases", []), f"Alias{n}x"]
        elif how == "drop alias" and ent.get("aliases"):
            ent["aliases"] = ent["aliases"][1:]
        else:
            ent["summary"] = f"Summary {n} of {ent['name']}."
        self.put_entity(eid, ent)
        self.check(f"{how} of {eid}")

    @rule(data=st.data(), kind=st.sampled_from(["develops", "competes-with", "uses"]))
    def add_relation(self, data: st.DataObject, kind: str) -> None:
        """A relation shows on both entities' cards."""
        ids = self.entity_ids()
        a = self.pick(data, ids, "subject")
        b = self.pick(data, [i for i in ids if i != a], "target")
        ent = self.entity(a)
        ent["relations"] = [*ent.get("relations", []), {"type": kind, "target": b}]
        self.put_entity(a, ent)
        self.check(f"relation {a} {kind} {b}", expect="any")

    @rule(kind=st.sampled_from(["company", "person", "product"]))
    def add_entity(self, kind: str) -> None:
        n = self.fresh()
        eid = f"newco-{n}"
        self.put_entity(eid, {"name": f"Newco {n}", "type": kind, "aliases": [f"NC{n}x"]})
        self.check(f"add entity {eid}")

    @rule(data=st.data(), prefix=st.sampled_from(["0", "a", "z"]))
    def rename_entity(self, data: st.DataObject, prefix: str) -> None:
        """An entity's id (its file's name, its URL) changed with every reference to it:
        seeds' source, via, entities, events, claims and quotes, other entities' relations."""
        old = self.pick(data, self.entity_ids(), "entity")
        new = f"{prefix}-renamed-{self.fresh()}-{old}"[:60].rstrip("-")
        text = self.files[f"seeds/entities/{old}.yml"]
        self.remove(f"seeds/entities/{old}.yml")
        self.put(f"seeds/entities/{new}.yml", text)
        self._rename_references(old, new)
        self.check(f"rename entity {old} to {new}")

    @precondition(lambda self: len(self.entity_ids()) >= 4)
    @rule(data=st.data(), scrub=st.booleans())
    def delete_entity(self, data: st.DataObject, scrub: bool) -> None:
        """Without ``scrub``, a referenced entity's deletion is an error (exit 1, nothing
        written, then undone); with it, every reference goes too."""
        ids = self.entity_ids()
        eid = self.pick(data, ids, "entity")
        undo = dict(self.files)
        self.remove(f"seeds/entities/{eid}.yml")
        if scrub:
            self._scrub_entity(eid, next(i for i in ids if i != eid))
        self.check(f"delete entity {eid} (scrub: {scrub})", "ok" if scrub else "any", undo)

    def _scrub_entity(self, eid: str, other: str) -> None:
        for rel in self.seeds():
            front, body = self.seed(rel)
            before = json.dumps(front, sort_keys=True)
            if front["source"] == eid:
                front["source"] = other
            if "via" in front:
                front["via"] = [v for v in front["via"] if v != eid] or [other]
            front["entities"] = [e for e in front["entities"] if e != eid] or [other]
            for item in front.get("events", []) + front.get("claims", []):
                if "entities" in item:
                    item["entities"] = [e for e in item["entities"] if e != eid]
            for item in front.get("claims", []) + front.get("quotes", []):
                if item.get("by") == eid:
                    item["by"] = "a person familiar with the matter"
            if json.dumps(front, sort_keys=True) != before:
                self.put_seed(rel, front, body)
        for other_id in self.entity_ids():
            ent = self.entity(other_id)
            rels = ent.get("relations") or []
            kept = [r for r in rels if r.get("target") != eid]
            if kept != rels:
                ent["relations"] = kept
                self.put_entity(other_id, ent)

    def _rename_references(self, old: str, new: str) -> None:
        """Every reference to entity ``old`` made to ``new``: seeds' source, via and
        entities, their events' and claims' entities, claims' and quotes' ``by``, and
        relations' targets."""

        def swap(ids: list[str]) -> list[str]:
            return [new if i == old else i for i in ids]

        for rel in self.seeds():
            front, body = self.seed(rel)
            before = json.dumps(front, sort_keys=True)
            if front["source"] == old:
                front["source"] = new
            for item in [front, *front.get("events", []), *front.get("claims", [])]:
                for key in ("via", "entities"):
                    if key in item:
                        item[key] = swap(item[key])
            for item in front.get("claims", []) + front.get("quotes", []):
                if item.get("by") == old:
                    item["by"] = new
            if json.dumps(front, sort_keys=True) != before:
                self.put_seed(rel, front, body)
        for eid in self.entity_ids():
            ent = self.entity(eid)
            rels = ent.get("relations") or []
            if any(r.get("target") == old for r in rels):
                ent["relations"] = [
                    {**r, "target": new} if r.get("target") == old else r for r in rels
                ]
                self.put_entity(eid, ent)

    # --- settings and hand-written pages ---

    @rule(how=st.sampled_from(["site name", "description", "about page", "stylesheet"]))
    def edit_settings(self, how: str) -> None:
        """Settings every page shows, a hand-written page in the nav, a static file."""
        n = self.fresh()
        if how == "about page":
            self.put("docs/about.md", f"# About\n\nEdited {n} times.\n")
        elif how == "stylesheet":
            self.put("docs/stylesheets/extra.css", f".bf-chip {{ margin: {n}px; }}\n")
        else:
            config = self.config()
            config["site_name" if how == "site name" else "site_description"] = f"Edited {n}"
            self.put_config(config)
        self.check(f"edit the {how}")

    def _note(self, data: st.DataObject, rel: str, n: int) -> str:
        """A hand-written page linking (by relative .md links) to a briefing and an entity."""
        here = posixpath.dirname(rel.removeprefix("docs/"))
        slug = slug_of(self.pick(data, self.seeds(), "linked briefing"))
        eid = self.pick(data, self.entity_ids(), "linked entity")
        to_briefing = posixpath.relpath(f"briefings/{slug}/index.md", here)
        to_entity = posixpath.relpath(f"entities/{eid}/index.md", here)
        return (
            f"# Note {n}\n\nWhat [a report]({to_briefing}) says about "
            f"[{self.entity(eid)['name']}]({to_entity}).\n"
        )

    def _nav_entries(self, config: dict[str, Any]) -> list[dict[str, Any]]:
        return list(config.get("nav") or [])

    @rule(data=st.data(), in_nav=st.booleans(), deeper=st.booleans())
    def add_page(self, data: st.DataObject, in_nav: bool, deeper: bool) -> None:
        """A new hand-written page (in the nav or not), linking to generated pages."""
        n = self.fresh()
        rel = f"{NOTES}/{'archive/' if deeper else ''}note-{n}.md"
        self.put(rel, self._note(data, rel, n))
        if in_nav:
            config = self.config()
            config["nav"] = [*self._nav_entries(config), {f"Note {n}": rel[len("docs/") :]}]
            self.put_config(config)
        self.check(f"add {rel} (in the nav: {in_nav})")

    @precondition(lambda self: bool(self.pages()))
    @rule(data=st.data())
    def delete_page(self, data: st.DataObject) -> None:
        """A hand-written page deleted, and taken out of the nav if it was in it."""
        rel = self.pick(data, self.pages(), "page")
        self.remove(rel)
        config = self.config()
        nav = self._nav_entries(config)
        kept = [item for item in nav if rel.removeprefix("docs/") not in item.values()]
        if kept != nav:
            config["nav"] = kept
            self.put_config(config)
        self.check(f"delete {rel} (in the nav: {kept != nav})")

    @precondition(lambda self: bool(self.pages()))
    @rule(data=st.data(), deeper=st.booleans())
    def rename_page(self, data: st.DataObject, deeper: bool) -> None:
        """A hand-written page moved (to another folder depth, maybe): its nav entry and
        its own relative links follow."""
        rel = self.pick(data, self.pages(), "page")
        name = rel.rsplit("/", 1)[-1]
        new = f"{NOTES}/{'archive/' if deeper else ''}moved-{self.fresh()}-{name}"
        old_doc, new_doc = rel.removeprefix("docs/"), new.removeprefix("docs/")
        text = _move_links(self.files[rel], posixpath.dirname(old_doc), posixpath.dirname(new_doc))
        self.remove(rel)
        self.put(new, text)
        config = self.config()
        nav = self._nav_entries(config)
        moved = [{k: new_doc if v == old_doc else v for k, v in item.items()} for item in nav]
        if moved != nav:
            config["nav"] = moved
            self.put_config(config)
        self.check(f"rename {rel} to {new} (in the nav: {moved != nav})")

    @rule(data=st.data(), how=st.sampled_from(["retitle", "reorder", "in or out"]))
    def edit_nav(self, data: st.DataObject, how: str) -> None:
        """The nav (on every page in it): an entry retitled or moved, or a generated index
        page taken out of it (then MkDocs may keep it from the previous site) or put back."""
        config = self.config()
        nav = self._nav_entries(config)
        n = self.fresh()
        if how == "in or out" or len(nav) < 2:
            doc = self.pick(data, sorted(NAV_POOL), "index page")
            kept = [item for item in nav if doc not in item.values()]
            nav = kept if kept != nav else [*nav, {NAV_POOL[doc]: doc}]
            what = f"{doc} in or out of the nav"
        elif how == "retitle":
            i = data.draw(st.integers(0, len(nav) - 1), "entry")
            ((title, doc),) = nav[i].items()
            nav[i] = {f"{str(title).split(' (')[0]} ({n})": doc}
            what = f"retitle {doc}"
        else:
            i = data.draw(st.integers(0, len(nav) - 1), "entry")
            j = data.draw(st.integers(0, len(nav) - 1).filter(lambda j: j != i), "to")
            nav.insert(j, nav.pop(i))
            what = f"move nav entry {i} to {j}"
        config["nav"] = nav
        self.put_config(config)
        self.check(what)

    @rule(data=st.data())
    def toggle_theme_feature(self, data: st.DataObject) -> None:
        feature = self.pick(data, FEATURE_POOL, "feature")
        config = self.config()
        theme = dict(config["theme"])
        features = list(theme.get("features") or [])
        on = feature not in features
        theme["features"] = [*features, feature] if on else [f for f in features if f != feature]
        config["theme"] = theme
        self.put_config(config)
        self.check(f"theme feature {feature}: {'on' if on else 'off'}")

    @rule(data=st.data())
    def toggle_markdown_extension(self, data: st.DataObject) -> None:
        """A Markdown extension added or removed (what it changes shows on hand-written
        pages, if anywhere: generated pages are mostly HTML)."""
        name = self.pick(data, EXTENSION_POOL, "extension")
        config = self.config()
        extensions = list(config.get("markdown_extensions") or [])
        if name in extensions:
            extensions.remove(name)
        else:
            extensions.append(name)
        config["markdown_extensions"] = extensions
        self.put_config(config)
        self.check(f"{'add' if name in extensions else 'remove'} the {name} extension")

    @rule()
    def configure_toc(self) -> None:
        """A Markdown extension's setting: the ``toc`` permalink, on every heading of every
        page (generated ones too)."""
        config = self.config()
        extensions = list(config.get("markdown_extensions") or [])
        i = next(i for i, e in enumerate(extensions) if isinstance(e, dict) and "toc" in e)
        old = extensions[i]["toc"].get("permalink")
        new = TOC_PERMALINKS[(TOC_PERMALINKS.index(old) + 1) % len(TOC_PERMALINKS)]
        extensions[i] = {"toc": {**extensions[i]["toc"], "permalink": new}}
        config["markdown_extensions"] = extensions
        self.put_config(config)
        self.check(f"toc permalink {new!r}")

    @rule(data=st.data())
    def change_site_url(self, data: st.DataObject) -> None:
        """The site's address (the sitemap, canonical links, the feed), or none."""
        config = self.config()
        choices = [
            "https://example.org/exact/",
            "https://example.com/elsewhere/",
            "https://example.org/",
            None,
        ]
        url = self.pick(data, [u for u in choices if u != config.get("site_url")], "site_url")
        if url is None:
            del config["site_url"]
        else:
            config["site_url"] = url
        self.put_config(config)
        self.check(f"site_url: {url}")

    @rule(data=st.data(), option=st.sampled_from(sorted(BRIEFING_OPTIONS)))
    def set_briefing_option(self, data: st.DataObject, option: str) -> None:
        """An ``extra.briefing`` option set, changed or removed (a file limit lower than
        some seeds fails both builds alike; that edit is undone)."""
        undo = dict(self.files)
        config = self.config()
        extra = dict(config.get("extra") or {})
        options = dict(extra.get("briefing") or {})

        def effective(value: Any) -> Any:
            return BRIEFING_DEFAULTS[option] if value is None else value

        now = effective(options.get(option))
        changes = [v for v in BRIEFING_OPTIONS[option] if effective(v) != now]
        value = self.pick(data, changes, "value")
        if value is None:
            del options[option]
        else:
            options[option] = value
        extra["briefing"] = options
        config["extra"] = extra
        self.put_config(config)
        self.check(f"extra.briefing.{option}: {value}", "any", undo)

    @rule()
    def switch_drafts_flag(self) -> None:
        """``build --drafts`` (a preview) and ``build`` share the cache; both stay exact."""
        self.flags = () if self.flags else ("--drafts",)
        self.check(f"build {' '.join(self.flags) or 'without --drafts'}")

    # --- invalid input ---

    @rule(data=st.data())
    def break_a_seed(self, data: st.DataObject) -> None:
        """An error in a seed: both builds exit 1, nothing is written; then it is undone."""
        rel = self.pick(data, self.seeds(), "seed")
        undo = dict(self.files)
        front, body = self.seed(rel)
        front["titel"] = "a misspelt key"
        front["title"] = f"{front['title']} (broken {self.fresh()})"
        self.put_seed(rel, front, body)
        self.check(f"break {rel}", "fail", undo)

    # --- hand edits of what a build wrote ---

    @rule(data=st.data(), how=st.sampled_from(["append", "same size", "delete", "touch"]))
    def tamper_with_docs(self, data: st.DataObject, how: str) -> None:
        """A generated page in docs/ edited or deleted by hand is generated again (one only
        touched may be reused: its bytes are the same)."""
        manifest = json.loads((self.root / "docs" / ".briefing-manifest.json").read_text())
        rel = self.pick(data, sorted(manifest["files"]), "docs file")
        self._tamper(self.root / "docs" / rel, how)
        self.check(f"{how} docs/{rel} by hand")

    @rule(data=st.data(), how=st.sampled_from(["append", "same size", "delete", "touch"]))
    def tamper_with_site(self, data: st.DataObject, how: str) -> None:
        """A file in site/ (a page, the search index, an asset) edited or deleted by hand is
        made again (one only touched may be kept: its bytes are the same)."""
        site = self.root / "site"
        files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
        pages = [f for f in files if f.endswith(".html")]
        index = [f for f in files if f.startswith("pagefind/")]
        kind = self.pick(data, [k for k in (pages, index, files) if k], "kind of file")
        rel = self.pick(data, kind, "site file")
        self._tamper(self.root / "site" / rel, how)
        self.check(f"{how} site/{rel} by hand")

    @precondition(lambda self: any((self.root / CACHE).glob("*.json")))
    @rule(data=st.data(), how=st.sampled_from(["garbage", "truncate", "delete"]))
    def tamper_with_cache(self, data: st.DataObject, how: str) -> None:
        files = sorted(p.name for p in (self.root / CACHE).glob("*.json"))
        name = self.pick(data, files, "cache file")
        path = self.root / CACHE / name
        if how == "garbage":
            path.write_bytes(os.urandom(64))
        elif how == "truncate":
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        else:
            path.unlink()
        self.check(f"{how} {CACHE}/{name}")

    @staticmethod
    def _tamper(path: Path, how: str) -> None:
        if how == "delete":
            path.unlink()
            return
        if how == "touch":  # only the time moves (a copied or restored folder)
            touch_later(path, 3)
            return
        data = path.read_bytes()
        if how == "append":
            path.write_bytes(data + b"\n<!-- edited by hand -->\n")
        else:  # the same size, seconds later: only the time and the content tell
            path.write_bytes(data[:-8] + b"EDITED!\n" if len(data) > 8 else b"X" * len(data))
            touch_later(path)


#: Rounds of the tour: a rule that could not fire yet (its precondition false, or it
#: returned before its edit) is tried again after the others have changed the project.
TOUR_ROUNDS = 3


def _draw_arguments(found: Any, data: st.DataObject, name: str) -> dict[str, Any]:
    """A rule's arguments drawn from ``data``; a ``data`` argument is ``data`` itself."""
    return {
        arg: data if arg == "data" else data.draw(strategy, label=f"{name}: {arg}")
        for arg, strategy in found.arguments_strategies.items()
    }


def tour(machine: Any, data: st.DataObject) -> list[str]:
    """Run ``machine``'s initializers, then call each of its rules once in the order they
    are written, drawing their arguments from ``data``.  A rule fires when its edit
    reaches a build (it is then in ``machine.fired``); one that did not, or whose
    preconditions were false, is tried again after the others (:data:`TOUR_ROUNDS`).
    Returns the names of the rules that never fired."""
    state = type(machine).setup_state()
    for found in state.initializers:
        found.function(machine, **_draw_arguments(found, data, found.function.__name__))
    pending = sorted(state.rules, key=lambda r: r.function.__code__.co_firstlineno)
    for _ in range(TOUR_ROUNDS):
        again = []
        for found in pending:
            name = found.function.__name__
            if all(p(machine) for p in found.preconditions):
                found.function(machine, **_draw_arguments(found, data, name))
            if name not in machine.fired:
                again.append(found)
        pending = again
    return [found.function.__name__ for found in pending]


@settings(
    max_examples=1,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.generate],  # no shrinking: the failing step's history is in the message
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_every_rule_once(data: st.DataObject) -> None:
    """Every rule of :class:`EditSequences` in one fixed sequence, each edit checked against
    a clean build: all of them run in every run (the random sequences may miss some), and
    a rule added later is part of it.  Each must reach its build."""
    machine = EditSequences()
    try:
        never = tour(machine, data)
    finally:
        machine.teardown()
    everything = {found.function.__name__ for found in EditSequences.setup_state().rules}
    assert not never, f"rules that never reached a build: {never}"
    assert machine.fired == everything, sorted(everything ^ machine.fired)


class _LeakyMachine(RuleBasedStateMachine):
    """A machine with a rule that returns before its check and one whose precondition
    never holds: the tour must name both."""

    def __init__(self) -> None:
        super().__init__()
        self.fired: set[str] = set()

    def check(self) -> None:
        self.fired.add(sys._getframe(1).f_code.co_name)

    @rule(n=st.integers(0, 3))
    def checks(self, n: int) -> None:
        self.check()

    @rule()
    def returns_early(self) -> None:
        return

    @precondition(lambda self: False)
    @rule()
    def never_allowed(self) -> None:
        self.check()


@settings(max_examples=1, derandomize=True, database=None)
@given(data=st.data())
def test_the_tour_names_rules_that_never_fire(data: st.DataObject) -> None:
    """The coverage check can fail: a rule that returns before its build, or whose
    precondition never holds, is reported."""
    assert tour(_LeakyMachine(), data) == ["returns_early", "never_allowed"]


#: ``make test`` and CI: the same examples every run (from a hash of the test, not the
#: clock), and no example database (CI keeps none, so it would only differ locally).
_REPRODUCIBLE: dict[str, Any] = {} if RANDOM else {"derandomize": True, "database": None}

EditSequences.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    **_REPRODUCIBLE,
)
TestEditSequences = EditSequences.TestCase


# --- plain sequences ---------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The synthetic project, built once (a clean build with a fresh cache)."""
    root = tmp_path / "work"
    make_synth_project(root)
    build_ok(root)
    return root


def edit_seed(root: Path, rel: str, change: Callable[[dict[str, Any], str], str | None]) -> None:
    """Apply ``change(front-matter, body)`` (which may return a new body) to a seed file."""
    path = root / rel
    front, body = split_seed(path.read_text(encoding="utf-8"))
    new_body = change(front, body)
    path.write_text(join_seed(front, body if new_body is None else new_body), encoding="utf-8")


def first_seed(root: Path, pred: Callable[[dict[str, Any]], bool] = lambda f: True) -> str:
    for path in sorted((root / "seeds").rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        if is_seed(rel) and pred(split_seed(path.read_text(encoding="utf-8"))[0]):
            return rel
    raise AssertionError("no such seed")


def test_title_edit_touches_only_the_pages_that_show_it(project: Path) -> None:
    """A title shows on its briefing page, the cards of its entities, its tags' pages, the
    lists, home and exports: those change, the other briefings' pages stay byte for byte
    (same file in docs/: neither rewritten nor re-rendered), and MkDocs reuses pages."""
    rel = first_seed(project, lambda f: not f.get("draft"))
    slug = slug_of(rel)
    front, _ = split_seed((project / rel).read_text(encoding="utf-8"))
    before_docs = digests(project / "docs")
    before_times = {k: v for k, v in mtimes(project).items() if k.startswith("docs/")}
    edit_seed(project, rel, lambda f, b: f.update(title="A completely new title") or None)
    out = build_ok(project)
    rendered, reused = rendered_and_reused(out)
    assert reused > 0 and rendered > 0, out
    after_docs = digests(project / "docs")
    changed = {r for r in after_docs if before_docs.get(r) != after_docs[r]}
    assert f"briefings/{slug}/index.md" in changed
    for eid in front["entities"]:
        assert f"entities/{eid}/index.md" in changed, eid
    for tag in front.get("tags", []):
        assert f"tags/{tag}/index.md" in changed, tag
    assert "briefings/index.md" in changed
    others = [
        r
        for r in before_docs
        if r.startswith("briefings/") and r != "briefings/index.md" and slug not in r
    ]
    related = set()  # pages that list this briefing as related also show its title
    for r in others:
        if r in changed:
            assert "A completely new title" in (project / "docs" / r).read_text(encoding="utf-8")
            related.add(r)
    untouched = [r for r in others if r not in related]
    assert untouched, "every other briefing changed"
    after_times = {k: v for k, v in mtimes(project).items() if k.startswith("docs/")}
    for r in untouched:
        assert after_times[f"docs/{r}"] == before_times[f"docs/{r}"], f"{r} was rewritten"
    assert rendered < len(list((project / "site").rglob("*.html")))
    assert_exact(project, expected(project))


def test_build_without_change_renders_only_the_always_rendered_pages(
    project: Path,
) -> None:
    """With nothing changed, MkDocs renders only the nav pages (home, the indexes, the
    hand-written page) and reuses every other page; nothing in docs/ is rewritten."""
    before = mtimes(project)
    out = build_ok(project)
    rendered, reused = rendered_and_reused(out)
    nav_pages = 8  # MKDOCS_YML's nav: seven generated index pages and about.md
    assert rendered == nav_pages, out
    total = len([p for p in (project / "docs").rglob("*.md")])
    assert reused == total - nav_pages, out
    assert "0 written" in out, out
    after = mtimes(project)
    assert {k: v for k, v in after.items() if k.startswith("docs/")} == {
        k: v for k, v in before.items() if k.startswith("docs/")
    }
    assert_exact(project, expected(project))


def test_later_word_updates_the_earlier_briefing_page(project: Path) -> None:
    """A claim updated from another briefing shows that later word on its own page, and
    follows when only the later briefing is edited (its status, then its title)."""
    a = first_seed(
        project, lambda f: not f.get("draft") and f["date"] < "2024" and bool(f.get("claims"))
    )
    b = first_seed(project, lambda f: not f.get("draft") and f["date"] >= "2024")
    edit_seed(project, a, lambda f, _b: f["claims"][0].update(id="the-first-report"))
    edit_seed(
        project,
        b,
        lambda f, _b: f.setdefault("claims", []).append(
            {
                "text": "A denial.",
                "by": f["source"],
                "status": "denied",
                "updates": "the-first-report",
            }
        ),
    )
    build_ok(project)
    page = project / "docs" / "briefings" / slug_of(a) / "index.md"
    assert 'Later: <span class="bf-status bf-status-denied">denied</span>' in page.read_text()
    assert_exact(project, expected(project))
    edit_seed(project, b, lambda f, _b: f["claims"][-1].update(status="confirmed"))
    build_ok(project)
    assert 'Later: <span class="bf-status bf-status-confirmed">' in page.read_text()
    assert_exact(project, expected(project))
    edit_seed(project, b, lambda f, _b: f.update(title="A retitled later briefing"))
    build_ok(project)
    assert "A retitled later briefing</a>" in page.read_text()
    assert_exact(project, expected(project))


def test_shared_event_date_change_updates_the_other_briefing(project: Path) -> None:
    """Two briefings report one event (same id); a new date in one is shown on the
    other's page (it lists every report, and flags the disagreement)."""
    a = first_seed(project, lambda f: not f.get("draft") and f["date"] < "2024")
    b = first_seed(project, lambda f: not f.get("draft") and f["date"] >= "2024")
    for rel, date in ((a, "2022"), (b, "2022-06")):

        def report(f: dict[str, Any], _b: str, date: str = date) -> None:
            f["events"] = [
                *f.get("events", []),
                {"id": "the-shared-one", "date": date, "title": "The shared event"},
            ]

        edit_seed(project, rel, report)
    build_ok(project)
    page_b = project / "docs" / "briefings" / slug_of(b) / "index.md"
    assert "Reports disagree" not in page_b.read_text(encoding="utf-8")  # 2022 holds June 2022
    edit_seed(
        project,
        a,
        lambda f, _b: f.update(
            events=[
                e if e.get("id") != "the-shared-one" else {**e, "date": "2021-03"}
                for e in f["events"]
            ]
        ),
    )
    build_ok(project)
    text = page_b.read_text(encoding="utf-8")
    assert "March 2021" in text, "the other report's new date is not on the page"
    assert "Reports disagree" in text
    assert_exact(project, expected(project))


def test_entity_rename_updates_every_page(project: Path) -> None:
    """An entity's new name is on every page that named it, and its old name on none."""
    eid = max(
        (p.stem for p in (project / "seeds" / "entities").glob("*.yml")),
        key=lambda e: sum(
            e in p.read_text(encoding="utf-8") for p in (project / "docs").rglob("*.md")
        ),
    )
    path = project / "seeds" / "entities" / f"{eid}.yml"
    ent = yaml.safe_load(path.read_text(encoding="utf-8"))
    old = ent["name"]
    ent["name"] = "Renamed Entity Incorporated"
    path.write_text(dump_yaml(ent), encoding="utf-8")
    build_ok(project)
    link = re.compile(rf'<a [^>]*href="[^"]*entities/{eid}/"([^>]*)>([^<]*)</a>')
    linking = 0
    for page in (project / "site").rglob("*.html"):
        for attrs, label in link.findall(page.read_text(encoding="utf-8")):
            linking += 1
            if "bf-mention" in attrs:  # a body's own words, with the name as its title
                assert 'title="Renamed Entity Incorporated"' in attrs, page
            else:  # a chip, an entity link (an alias may still contain the old name)
                assert label.strip() != old, page
    assert linking > 3
    card = (project / "site" / "entities" / eid / "index.html").read_text(encoding="utf-8")
    assert "Renamed Entity Incorporated" in card
    assert_exact(project, expected(project))


def search_urls(site: Path) -> set[str]:
    """The pages the site's search index knows: Pagefind's fragments (gzip JSON), or
    Material's search index where there is one; URLs from the site root (``/a/b/``)."""
    urls = set()
    for fragment in (site / "pagefind").glob("*/fragment/*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        urls.add(json.loads(data)["url"])
    material = site / "search" / "search_index.json"
    if material.exists():
        for doc in json.loads(material.read_text(encoding="utf-8"))["docs"]:
            urls.add("/" + doc["location"].split("#")[0])
    assert urls, "no search index"
    return urls


def test_deleted_seed_leaves_site_docs_search_and_sitemap(project: Path) -> None:
    """A deleted seed's page goes from docs/ and site/, and from the search index and the
    sitemap, though both are partly built from the memo."""
    rel = first_seed(project, lambda f: not f.get("draft"))
    slug = slug_of(rel)
    # no entity may name it as a source: drop such references first (a valid edit)
    for path in (project / "seeds" / "entities").glob("*.yml"):
        if slug in path.read_text(encoding="utf-8"):
            ent = yaml.safe_load(path.read_text(encoding="utf-8"))
            ent["facts"] = {
                k: (v["value"] if isinstance(v, dict) and v.get("source") == slug else v)
                for k, v in (ent.get("facts") or {}).items()
            }
            for r in ent.get("relations") or []:
                if r.get("source") == slug:
                    del r["source"]
            path.write_text(dump_yaml(ent), encoding="utf-8")
    build_ok(project)
    assert (project / "site" / "briefings" / slug / "index.html").exists()
    assert f"/briefings/{slug}/" in search_urls(project / "site")
    (project / rel).unlink()
    build_ok(project)
    assert not (project / "docs" / "briefings" / slug).exists()
    assert not (project / "site" / "briefings" / slug).exists()
    assert f"/briefings/{slug}/" not in search_urls(project / "site")
    assert f"briefings/{slug}/" not in (project / "site" / "sitemap.xml").read_text(
        encoding="utf-8"
    )
    assert f"briefings/{slug}/" not in gzip.decompress(
        (project / "site" / "sitemap.xml.gz").read_bytes()
    ).decode("utf-8")
    assert_exact(project, expected(project))


def test_builds_in_a_fresh_process_are_exact(project: Path) -> None:
    """As a user runs it: each build a new ``briefing`` process (no state kept in memory)."""
    import subprocess
    import sys

    def briefing() -> str:
        result = subprocess.run(
            [sys.executable, "-c", FRESH_PROCESS, "-C", str(project), "build"],
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    briefing()  # the cache as a process of its own writes it
    rel = first_seed(project, lambda f: not f.get("draft"))
    edit_seed(project, rel, lambda f, b: f.update(title="Edited between two processes") or None)
    out = briefing()
    assert rendered_and_reused(out)[1] > 0, out
    assert_exact(project, expected(project))


def _memo_without_times(root: Path) -> dict[str, Any]:
    """The render memo's units, keys and files (digest and size), without file times."""
    raw = _payload(root, "render")
    return {
        unit: (key, {rel: entry[:2] for rel, entry in files.items()})
        for unit, (key, files) in raw.items()
    }


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_first_build_on_two_cores_equals_one_on_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build with no render memo shares its units (in chunks) and the whole-project
    pages out between this process and a forked child: docs/, site/ and the memo it
    leaves (each unit's key and files) equal those of a build on one core."""
    from generator import incremental

    shared: list[int] = []
    real = incremental._render_shared

    def counted(*args: Any, **kwargs: Any) -> None:
        shared.append(1)
        real(*args, **kwargs)

    one = tmp_path / "one"
    make_synth_project(one)
    monkeypatch.setenv("BRIEFING_JOBS", "1")
    build_ok(one)
    assert not shared

    two = tmp_path / "two"
    make_synth_project(two)
    monkeypatch.setenv("BRIEFING_JOBS", "2")
    monkeypatch.setattr(incremental, "SHARED", 0)
    monkeypatch.setattr(incremental, "UNIT_CHUNK", 3)
    monkeypatch.setattr(incremental, "_render_shared", counted)
    build_ok(two)
    assert shared == [1]
    assert_exact(two, one)
    assert _memo_without_times(two) == _memo_without_times(one)
    # the related briefings the child worked out are remembered too
    assert _payload(two, "related") == _payload(one, "related")


def _payload(root: Path, name: str) -> Any:
    return json.loads((root / CACHE / f"{name}.json").read_bytes().partition(b"\n")[2])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_many_units_rendered_again_are_shared_between_two_cores(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit that renders many units again (here every one: the site renamed) shares
    them out in chunks between two processes; the result equals a clean build."""
    from generator import incremental, parallel

    chunks: list[int] = []
    real = parallel.shared

    def counted(items: Any, *args: Any, **kwargs: Any) -> Any:
        if items and isinstance(items[0], tuple):  # units (MkDocs shares its pages too)
            chunks.append(len(items))
        return real(items, *args, **kwargs)

    monkeypatch.setenv("BRIEFING_JOBS", "2")
    monkeypatch.setattr(incremental, "SHARED", 0)
    monkeypatch.setattr(incremental, "UNIT_CHUNK", 3)
    monkeypatch.setattr(parallel, "shared", counted)
    settings = project / "mkdocs.yml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("site_name: ", "site_name: Renamed ", 1),
        encoding="utf-8",
    )
    build_ok(project)
    assert chunks and chunks[0] > 3, "the units were not shared out"
    assert_exact(project, expected(project))


def test_related_briefings_are_remembered_for_builds_with_and_without_drafts(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``build --drafts`` (serve, a preview) and ``build`` list related briefings out of
    different sets of briefings; alternating them works none of them out again."""
    from generator import model

    worked: list[str] = []
    real = model.Corpus._related

    def counted(self: Any, slug: str, limit: int) -> Any:
        worked.append(slug)
        return real(self, slug, limit)

    monkeypatch.setattr(model.Corpus, "_related", counted)
    rel = first_seed(project, lambda f: not f.get("draft"))
    front, body = split_seed((project / rel).read_text(encoding="utf-8"))
    (project / rel).write_text(join_seed({**front, "draft": True}, body), encoding="utf-8")
    build_ok(project)  # the draft left out: other related briefings
    assert worked
    build_ok(project, "--drafts")
    assert len(_payload(project, "related")["entries"]) == 2
    worked.clear()
    for _ in range(2):
        build_ok(project)
        build_ok(project, "--drafts")
    assert worked == []
