"""The stages in order: check → render → stage → MkDocs → search index → publish.

Everything is read and modelled before anything is written, and the site is built
in a staging folder (:mod:`staging`) that replaces ``site/`` only on success, so a
failed run leaves the previous ``docs/`` and ``site/`` exactly as they were.  The
rooms around the story: :mod:`checking` (load, validate, model, warnings),
:mod:`pages` (what each kind of page shows and reads), :mod:`incremental` (which
units an edit touches), :mod:`mkdocs_adapter` (the site), :mod:`search_memo` (the
search index, shard by shard), :mod:`write` (``docs/`` and ``site/``, with one
undo), :mod:`memory` and :mod:`staging`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from . import csp, incremental, memory, mkdocs_adapter, parallel, paths, search, staging
from .cache import Store
from .checking import Checked, check
from .exports import build_time
from .load import FileCache
from .model import Corpus
from .pages import Context, render_all
from .progress import SILENT, Progress
from .project import Project
from .search_memo import Prepared, index_for_search
from .settings import SiteInfo
from .write import (
    HOME,
    MANIFEST,
    Undo,
    WriteStats,
    files_under,
    holds,
    read_manifest,
    stage_docs,
    sync,
    sync_undoable,
    update_site,
    user_conflicts,
)

__all__ = ["Built", "Checked", "Observer", "build", "check", "generate", "render"]

#: The build cache's memos of the render stage (:mod:`incremental`).
RENDER_MEMO = "render"
RELATED_MEMO = "related"


class Observer(Protocol):
    """What ``serve`` watches in a build, to show an edit's pages as soon as they exist."""

    #: whether :meth:`pages_shown` is wanted: the new pages are then put into the site
    #: folder as soon as MkDocs has made them, before the search index is made
    early_pages: bool

    def staged(self, digests: Mapping[str, str], folder: Path) -> None:
        """The generated files are staged in ``folder`` (those rendered this time), before
        MkDocs runs; ``digests`` has every generated file's SHA-256."""

    def model(self, corpus: Corpus) -> None:
        """The model, before the build lets go of it."""

    def pages_shown(self, changed: int) -> None:
        """MkDocs' pages are in the site folder; ``changed`` of its files differ."""


class _Quiet:
    """No one watching."""

    early_pages = False

    def staged(self, digests: Mapping[str, str], folder: Path) -> None:
        pass

    def model(self, corpus: Corpus) -> None:
        pass

    def pages_shown(self, changed: int) -> None:
        pass


QUIET: Observer = _Quiet()


@dataclass
class Built:
    checked: Checked
    pages: int = 0
    stats: WriteStats | None = None
    notes: tuple[str, ...] = ()
    #: pages MkDocs rendered, and pages reused from the previous site
    rendered: int = 0
    reused: int = 0


@staging.locked
@memory.collect_less
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
    observer: Observer = QUIET,
) -> Built:
    """Check, generate the pages, run MkDocs; ``docs/`` and ``site/`` change only on success.

    With ``cache`` (the default) the work of earlier builds kept in ``.cache/briefing/``
    is reused where it provably still holds; the output is the same either way.
    ``serve`` builds into its own ``site_dir`` (memo ``variant`` "serve"), keeps parsed
    files in ``files``, asks for the MkDocs session (``keep_session``) to redraw one
    page quickly after an edit, and watches the build (``observer``).
    """
    store = Store(project.root, enabled=cache)
    checked = check(
        project, drafts=drafts, progress=progress, cache=files, store=store, freeze=True
    )
    if checked.corpus is None or (strict and checked.problems.warnings):
        return Built(checked)
    gc.freeze()  # the sources and the model live until the pages are made
    with staging.workspace(project) as scratch:
        run = _Run(project, site_dir or project.site_dir, store, progress, scratch, strict, verbose)
        planned = plan(project, checked, strict, progress=progress, store=store, out_dir=run.out)
        if planned is None:
            return Built(checked)
        epoch = source_date_epoch(checked.corpus)
        pages = planned.take_pages()
        staged = stage(
            project, pages, planned.managed, scratch, progress, reused=planned.reused, full=run.full
        )
        if not run.full:
            observer.staged(planned.digests, staged)
        # MkDocs holds every page in memory itself: let go of the model and the page
        # texts first (the staged copies are read back for docs/ afterwards), so the
        # peak is MkDocs' own rather than MkDocs' plus ours.
        del pages
        observer.model(checked.corpus)
        checked = checked.without_model()
        if len(planned.digests) - len(planned.reused) > memory.RELEASE_AFTER:
            memory.release()
        report, prepared = _beside_search_records(
            lambda: _make_site(run, planned, staged, epoch, variant, keep_session),
            project,
            staged,
            run.full,
        )
        # MkDocs' files, pages and navigation and the search records live to the end of
        # the build: a full collection during the index walked them all (0.3 s at
        # 10,000 seeds, while Pagefind waited for its first records).
        gc.freeze()
        if observer.early_pages and run.target.is_dir():
            observer.pages_shown(_show_pages(run.site, run.target))
        stats = _publish(run, planned, staged, report, prepared)
        save_site_memo(store, variant, report)
    return Built(
        checked, len(planned.digests), stats, tuple(planned.notes), report.built, report.reused
    )


@dataclass(frozen=True)
class _Run:
    """One build's settings and places, as its stages share them."""

    project: Project
    #: the site folder to bring up to date (``site/``, or ``serve``'s own)
    target: Path
    store: Store
    progress: Progress
    #: the staging folder (:func:`staging.workspace`)
    scratch: Path
    strict: bool
    verbose: bool

    @property
    def full(self) -> bool:
        """Whether the builder runs as a command of its own (Zensical), which needs a whole
        docs folder staged rather than the rendered pages laid over ``docs/``."""
        return self.project.builder == "zensical"

    @property
    def out(self) -> Path | None:
        """Where rendered pages are written as soon as they are made (None: kept in memory)."""
        return None if self.full else self.scratch / "docs"

    @property
    def site(self) -> Path:
        """Where MkDocs builds the new site (what changed, when pages are reused)."""
        return self.scratch / "site"


# --- render: the pages to write -------------------------------------------------------


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

    @functools.cached_property
    def digests(self) -> dict[str, str]:
        """Every generated file's SHA-256 (the site build keys its reuse on them)."""
        out = dict(self.reused)
        out.update(self.written)
        out.update((rel, incremental.sha(text)) for rel, text in self.pages.items())
        return out

    @property
    def generated(self) -> list[str]:
        """Every generated file, sorted."""
        return sorted(self.digests)

    def take_pages(self) -> dict[str, str]:
        """The texts rendered in memory, which this plan then lets go of (after their
        digests are taken): the build stages them and frees the memory."""
        self.digests  # noqa: B018 - worked out while the texts are here
        pages, self.pages = self.pages, {}
        if self.rendered is not None:
            self.rendered.pages = {}
        return pages


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
    made = render_all(Context(corpus, site), progress)
    # Each page in its URL's folder, so that every builder reads its links alike.
    return {paths.page_file(doc, site.directory_urls): text for doc, text in made.items()}


def plan(
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
            Context(checked.corpus, site),
            project.docs_dir,
            incremental.parse_memo(store.read(RENDER_MEMO)),
            managed,
            jobs=parallel.jobs(),
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


# --- stage: the docs folder MkDocs reads ----------------------------------------------


def stage(
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


def source_date_epoch(corpus: Corpus) -> str:
    """SOURCE_DATE_EPOCH for MkDocs (sitemap dates, gzip headers): from the content, never the clock."""
    return str(int(build_time(corpus).timestamp()))


# --- MkDocs: the site -----------------------------------------------------------------


def site_build(
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
    the next build; the caller saves it (:func:`save_site_memo`) only once it has
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
        jobs=parallel.jobs(),
        overlay=overlay,
        hidden=hidden,
        builder=project.builder,
        **options,
    )


def _make_site(
    run: _Run, planned: Planned, staged: Path, epoch: str, variant: str, keep_session: bool
) -> mkdocs_adapter.BuildReport:
    """The hosted site: the staged pages laid over ``docs/`` (the whole staged folder for
    a builder of its own), reusing the previous site's unchanged pages."""
    project, digests = run.project, planned.digests
    return site_build(
        project,
        staged if run.full else project.docs_dir,
        run.site,
        epoch,
        strict=run.strict,
        verbose=run.verbose,
        progress=run.progress,
        generated=digests,
        store=run.store,
        variant=variant,
        previous_site=run.target if run.target.is_dir() else None,
        keep_session=keep_session,
        overlay=None if run.full else staged,
        hidden=frozenset((planned.managed - set(digests)) | {MANIFEST}),
        overrides=search.hosted_overrides(
            project.settings, project.config_file.parent, run.scratch, builder=project.builder
        ),
        csp=(
            csp.Options(remote_images=project.site.remote_images == "keep", wasm=True)
            if project.content_security_policy
            else None
        ),
    )


def _site_memo(variant: str) -> str:
    return f"site-{variant}"


def save_site_memo(store: Store, variant: str, report: mkdocs_adapter.BuildReport) -> None:
    store.write(_site_memo(variant), report.memo)


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
    have the same bytes (:func:`search_memo.index_for_search` checks)."""
    if full or parallel.jobs() < 2 or not parallel.available():
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


# --- publish: the search index, then docs/ and site/ under one undo -------------------

_R = TypeVar("_R")


class _InThread(Generic[_R]):
    """``work()`` in a thread of its own, for the disk work of a build while Pagefind works;
    :meth:`result` waits for the thread to end (no thread outlives its work, so the next
    build may fork: :func:`parallel.available`)."""

    def __init__(self, work: Callable[[], _R]) -> None:
        self._value: list[_R] = []
        self._error: list[BaseException] = []

        def run() -> None:
            try:
                self._value.append(work())
            except BaseException as exc:  # re-raised by result()
                self._error.append(exc)

        self._thread = threading.Thread(target=run, name="briefing-disk", daemon=True)
        self._thread.start()

    def result(self) -> _R:
        self._thread.join()
        if self._error:
            raise self._error[0]
        return self._value[0]


def _publish(
    run: _Run,
    planned: Planned,
    staged: Path,
    report: mkdocs_adapter.BuildReport,
    prepared: Prepared | None,
) -> WriteStats:
    """Index the new site for search, then bring ``docs/`` and the site folder up to date,
    both under one :class:`write.Undo`: if anything fails, both are put back.

    While Pagefind works (seconds at 10,000 seeds, with this process idle), a thread
    lists what the site holds now and another brings docs/ up to date.
    """
    project, target, store = run.project, run.target, run.store
    listing = _InThread(lambda: files_under(target)) if target.is_dir() else None
    undo = Undo(run.scratch / "replaced")
    generated = planned.generated
    units = planned.rendered

    def update_docs() -> tuple[WriteStats, dict[str, list[Any]] | None]:
        pages = StagedPages(staged, generated)
        reused = set(planned.reused)
        stats = sync_undoable(project.docs_dir, pages, planned.managed, reused, undo, staged)
        digest = planned.digests.__getitem__
        memo = incremental.make_memo(project.docs_dir, units, digest) if units else None
        return stats, memo

    docs: list[_InThread[tuple[WriteStats, dict[str, list[Any]] | None]]] = []

    def start_docs_update() -> None:
        if not docs:
            docs.append(_InThread(update_docs))

    try:
        kept = report.kept + index_for_search(
            run.site,
            target,
            store,
            run.progress,
            project.search_shard_records,
            report.pages,
            project.config_file.read_text(encoding="utf-8"),
            prepared,
            # started once Pagefind has every record, not to slow the thread sending them
            start_docs_update,
        )
        run.progress.stage("updating site/")
        start_docs_update()
        stats, render_memo = docs[0].result()
        present = listing.result() if listing else None
        update_site(run.site, target, kept, run.scratch, present=present, undo=undo)
    except BaseException:
        for running in docs:
            # a failed update undid itself; the undo below then finds nothing of it
            with contextlib.suppress(BaseException):
                running.result()
        undo()
        raise
    if render_memo is not None:
        store.write(RENDER_MEMO, render_memo)
    return stats


# --- generate: docs/ only -------------------------------------------------------------


@dataclass
class Generated:
    checked: Checked
    stats: WriteStats | None = None
    notes: tuple[str, ...] = ()


@staging.locked
def generate(project: Project, *, drafts: bool = False, strict: bool = False) -> Generated:
    """Check and write the generated pages into ``docs/`` without building a site: for
    running another builder (Zensical, say) on ``docs/`` by hand.  With problems nothing
    is written."""
    checked = check(project, drafts=drafts)
    planned = plan(project, checked, strict)
    if planned is None:
        return Generated(checked)
    return Generated(
        checked, sync(project.docs_dir, planned.pages, planned.managed), tuple(planned.notes)
    )
