"""Page-level dependencies: which generated pages an edit touches, and nothing more.

The render stage's unit of work is a **unit**: a briefing's page, an entity card
(with its numbered list pages) or a tag page (likewise), as the page kinds in
:mod:`generator.pages` declare them.  Each unit's **key** is a hash of every value
its pages read, as its kind declares them beside its renderer
(:mod:`generator.pages.reads`): the record itself, a digest of every entity name
(body text links any of them), and for each briefing, event or claim it lists,
the digest of what is shown of it.  ``tests/test_reads.py`` renders every unit
under a model that records each attribute read and checks the key covers it.  The dependencies are values, not
files: a page's key changes exactly when something it shows changes, however the
change came about (an edit, a new report of a shared event, a moved timeline
page).  ``briefing explain PAGE`` prints them.

Every other page (home, lists, indexes, timelines, network, data, feed and
calendar) reads the whole project and is rendered every time; together they are a
small share of the work.

A unit is reused when its key equals the one recorded when its pages were last
written and those files in ``docs/`` are still the ones written then (size and
modification time, as git's index checks a work tree).  The exactness tests
compare incremental builds after random edits with clean builds, byte for byte.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import parallel
from .model import Corpus
from .pages import (
    MAX_STEPS,
    Context,
    Reads,
    Unit,
    render_unit,
    unit_reads,
    units,
    whole_project_pages,
)
from .pages.reads import digest as _h
from .progress import SILENT, Progress


def unit_key(reads: Reads, unit: Unit) -> str:
    """The unit's key: the hash of what it reads (:func:`generator.pages.unit_reads`)."""
    return _h((unit, [(row.label, row.digest) for row in unit_reads(reads, unit)]))


def explain(reads: Reads, unit: Unit) -> list[tuple[str, str]]:
    """The unit's reads as (what, digest) rows for people: each once, and without the rows
    that only say which index a list of rows walks."""
    rows = [(row.label, row.digest) for row in unit_reads(reads, unit) if row.digest]
    return list(dict.fromkeys(rows))


def related_index(corpus: Corpus) -> str:
    """What related briefings are worked out from (they change only with it)."""
    from . import model

    return _h(
        (
            model.RELATED_TAG_LIMIT,
            [(b.slug, b.date, b.tags, b.entities) for b in corpus.briefings],
        )
    )


#: Related briefings are remembered for the last two projects built, newest first:
#: ``serve`` and the preview build with drafts and ``build`` without them are two
#: projects to these lists, and each would otherwise make the other work all of
#: them out again (about 1 s at 10,000 seeds).
RELATED_KEPT = 2


def _entries(raw: Any) -> list[Any]:
    entries = raw.get("entries") if isinstance(raw, dict) else None
    return entries if isinstance(entries, list) else []


def preload_related(corpus: Corpus, raw: Any) -> None:
    """Related briefings from the memo of an earlier build, when worked out from the same
    index; anything malformed or stale is ignored (they are then worked out again)."""
    index = related_index(corpus)
    entry = next(
        (e for e in _entries(raw) if isinstance(e, dict) and e.get("index") == index), None
    )
    known = entry.get("related") if entry is not None else None
    if not isinstance(known, dict):
        return
    loaded: dict[str, list[tuple[str, int]]] = {}
    for slug, rows in known.items():
        if slug not in corpus.by_slug or not isinstance(rows, list):
            return
        pairs = []
        for row in rows:
            if not (
                isinstance(row, list)
                and len(row) == 2
                and row[0] in corpus.by_slug
                and isinstance(row[1], int)
            ):
                return
            pairs.append((row[0], row[1]))
        loaded[slug] = pairs
    corpus.related_known.update(loaded)


def related_memo(corpus: Corpus, raw: Any = None) -> dict[str, Any]:
    """The memo to write: this project's related briefings first, then those of the other
    project last built (from ``raw``, the memo read; checked only when used)."""
    index = related_index(corpus)
    current = {
        "index": index,
        "related": {slug: [list(p) for p in rows] for slug, rows in corpus.related_known.items()},
    }
    others = [e for e in _entries(raw) if isinstance(e, dict) and e.get("index") != index]
    return {"entries": [current, *others[: RELATED_KEPT - 1]]}


@dataclass
class Rendered:
    """The outcome of an incremental render."""

    #: pages rendered this time and kept in memory: docs path → text
    pages: dict[str, str]
    #: pages whose file in docs/ is reused as it is: docs path → SHA-256 of its text
    reused: dict[str, str]
    #: pages rendered this time and written straight to ``out_dir``: path → SHA-256
    written: dict[str, str] = field(default_factory=dict)
    #: unit → (key, its docs paths), for the memo written after docs/ is updated
    units: dict[Unit, tuple[str, list[str]]] = field(default_factory=dict)
    rendered_units: int = 0


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def parse_memo(raw: Any) -> dict[str, tuple[str, dict[str, tuple[str, int, int]]]]:
    """The render memo as saved by :func:`make_memo`; anything malformed is an empty memo."""
    out: dict[str, tuple[str, dict[str, tuple[str, int, int]]]] = {}
    if not isinstance(raw, dict):
        return out
    for unit, value in raw.items():
        try:
            key, files = value
            parsed = {
                str(rel): (str(h), int(size), int(mtime)) for rel, (h, size, mtime) in files.items()
            }
        except (TypeError, ValueError, AttributeError):
            return {}
        if not isinstance(key, str) or not all(paths_ok(r) for r in parsed):
            return {}
        out[str(unit)] = (key, parsed)
    return out


def paths_ok(rel: str) -> bool:
    from .write import plain_relative

    return plain_relative(rel)


def _unit_name(unit: Unit) -> str:
    return f"{unit[0]}:{unit[1]}"


def render(
    ctx: Context,
    docs_dir: Path,
    memo: Mapping[str, tuple[str, dict[str, tuple[str, int, int]]]],
    managed: set[str],
    *,
    jobs: int = 1,
    progress: Progress = SILENT,
    place: Callable[[str], str] = lambda doc: doc,
    out_dir: Path | None = None,
) -> Rendered:
    """Render what changed; reuse the rest from ``docs/`` (see the module's docstring).

    ``place`` turns a page's docs path into the file it is written to.  With an
    ``out_dir`` each page is written there as soon as it is rendered (by whichever
    process rendered it) and only its digest is kept, so the pages of a large project
    are never all in memory at once.
    """
    result = Rendered({}, {})

    def rest(
        take: Callable[[int], bool] | None = None, backwards: bool = False, quiet: bool = False
    ) -> dict[str, str]:
        """Whole-project pages by file: their text (or with ``out_dir`` their digest)."""
        pages = whole_project_pages(ctx, SILENT if quiet else progress, take, backwards)
        placed = {place(d): t for d, t in pages.items()}
        return _write_out(out_dir, placed) if out_dir is not None else placed

    def store_pages(pages: dict[str, str]) -> None:
        (result.written if out_dir is not None else result.pages).update(pages)

    if jobs > 1 and not memo and parallel.available() and len(units(ctx.corpus)) > SHARED:
        _render_shared(ctx, result, progress, place, out_dir, rest, store_pages)
    elif jobs > 1 and memo and parallel.available():
        # An incremental build: most units are reused, so the whole-project pages are
        # most of its rendering.  The second core starts on them at once while this one
        # works out the units' keys and renders the few that changed; then this one
        # takes the steps left from the other end (how long the keys and the changed
        # units take varies with the edit, so a fixed split would leave a core idle).
        steps = parallel.Steps()

        def here() -> dict[str, str]:
            _render_units(ctx, docs_dir, memo, managed, result, jobs, progress, place, out_dir)
            return rest(steps.take, backwards=True)

        try:
            mine, theirs = parallel.beside(lambda: rest(steps.take, quiet=True), here)
        except parallel.ChildFailed as exc:
            raise RuntimeError(f"rendering in a second process failed: {exc}") from None
        finally:
            steps.close()
        store_pages(theirs)
        store_pages(mine)
    else:
        _render_units(ctx, docs_dir, memo, managed, result, jobs, progress, place, out_dir)
        store_pages(rest())
    return result


#: Units to render above which two processes share them out (see _render_shared and
#: _render_parallel); units per step then.
SHARED = 200
UNIT_CHUNK = 24


def _render_shared(
    ctx: Context,
    result: Rendered,
    progress: Progress,
    place: Callable[[str], str],
    out_dir: Path | None,
    rest: Callable[..., dict[str, str]],
    store_pages: Callable[[dict[str, str]], None],
) -> None:
    """A build with no memo (the first, or after ``--no-cache``): every unit is rendered,
    so no key decides anything up front.  Units in chunks and the whole-project pages
    are one list of steps that this process and a forked child take from opposite
    ends, each working out the keys of the units it renders: a fixed split of the
    units, then the whole-project pages on one core, left a core idle for a tenth of
    the build at 10,000 seeds."""
    all_units = units(ctx.corpus)
    chunks = [all_units[at : at + UNIT_CHUNK] for at in range(0, len(all_units), UNIT_CHUNK)]
    first = MAX_STEPS  # the whole-project pages' steps come first
    steps = parallel.Steps(first + len(chunks))
    label = "rendering briefings, entity cards and tags"
    Done = list[tuple[Unit, str, dict[str, str]]]

    def chunk_work(order: Iterable[int], quiet: bool) -> Done:
        reads = Reads(ctx)
        done: Done = []
        for n in order:
            if not steps.take(first + n):
                continue
            for unit in chunks[n]:
                pages = {place(doc): text for doc, text in render_unit(ctx, unit).items()}
                if out_dir is not None:
                    pages = _write_out(out_dir, pages)
                done.append((unit, unit_key(reads, unit), pages))
            if not quiet:
                taken = min(steps.count() - first, len(chunks)) * UNIT_CHUNK
                progress.update(min(taken, len(all_units)), len(all_units), label)
        return done

    related = ctx.corpus.related_known

    def child() -> tuple[dict[str, str], Done, dict[str, list[tuple[str, int]]]]:
        pages = rest(steps.take, quiet=True)
        done = chunk_work(range(len(chunks)), quiet=True)
        return pages, done, related  # the related briefings it worked out, for the memo

    def here() -> tuple[dict[str, str], Done]:
        done = chunk_work(range(len(chunks) - 1, -1, -1), quiet=False)
        return rest(steps.take, backwards=True), done

    try:
        (my_rest, mine), (their_rest, theirs, their_related) = parallel.beside(child, here)
    except parallel.ChildFailed as exc:
        raise RuntimeError(f"rendering in a second process failed: {exc}") from None
    finally:
        steps.close()
    for slug, rows in their_related.items():
        related.setdefault(slug, rows)
    made = {unit: (key, pages) for unit, key, pages in theirs + mine}
    for unit in all_units:  # in the units' order, as a build with a memo records them
        key, pages = made[unit]
        store_pages(pages)
        result.units[unit] = (key, sorted(pages))
    result.rendered_units = len(all_units)
    store_pages(their_rest)
    store_pages(my_rest)


def _render_units(
    ctx: Context,
    docs_dir: Path,
    memo: Mapping[str, tuple[str, dict[str, tuple[str, int, int]]]],
    managed: set[str],
    result: Rendered,
    jobs: int,
    progress: Progress,
    place: Callable[[str], str],
    out_dir: Path | None,
) -> None:
    """Work out every unit's key; reuse the units whose key and files are unchanged and
    render the others into ``result``."""
    reads = Reads(ctx)
    todo: list[Unit] = []
    all_units = units(ctx.corpus)
    for unit in all_units:
        key = unit_key(reads, unit)
        old = memo.get(_unit_name(unit))
        if old is not None and old[0] == key and _still_there(docs_dir, old[1], managed):
            result.reused.update({rel: h for rel, (h, _, _) in old[1].items()})
            result.units[unit] = (key, sorted(old[1]))
        else:
            todo.append(unit)
            result.units[unit] = (key, [])
    label = "rendering briefings, entity cards and tags"
    done = 0

    def make(unit: Unit) -> dict[str, str]:
        """The unit's pages by file: their text, or with an ``out_dir`` their digest."""
        pages = {place(doc): text for doc, text in render_unit(ctx, unit).items()}
        return _write_out(out_dir, pages) if out_dir is not None else pages

    def record(unit: Unit, pages: dict[str, str]) -> None:
        nonlocal done
        (result.written if out_dir is not None else result.pages).update(pages)
        result.units[unit] = (result.units[unit][0], sorted(pages))
        done += 1
        progress.update(done, len(todo), label)

    if jobs > 1 and len(todo) > SHARED and parallel.available():
        _render_parallel(todo, make, record)
    else:
        for unit in todo:
            record(unit, make(unit))
    result.rendered_units = len(todo)


def _write_out(out_dir: Path, pages: dict[str, str]) -> dict[str, str]:
    digests = {}
    for rel, text in pages.items():
        data = text.encode("utf-8")
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        digests[rel] = hashlib.sha256(data).hexdigest()
    return digests


def _still_there(docs_dir: Path, files: dict[str, tuple[str, int, int]], managed: set[str]) -> bool:
    """Whether the unit's files in docs/ are the ones it wrote: the same size and time, or
    (a restored or copied docs/) the same size and SHA-256."""
    for rel, (digest, size, mtime) in files.items():
        if rel not in managed:
            return False
        now = _stat(docs_dir / rel)
        if now == (size, mtime):
            continue
        if now is None or now[0] != size:
            return False
        try:
            if hashlib.sha256((docs_dir / rel).read_bytes()).hexdigest() != digest:
                return False
        except OSError:
            return False
    return True


def _render_parallel(
    todo: list[Unit],
    make: Callable[[Unit], dict[str, str]],
    record: Callable[[Unit, dict[str, str]], None],
) -> None:
    """The units in chunks that this process and a forked child (which has the model
    already) take from opposite ends, as a first build's are (:func:`_render_shared`)."""

    def work(part: Sequence[Unit]) -> dict[Unit, dict[str, str]]:
        return {unit: make(unit) for unit in part}

    try:
        made, _ = parallel.shared(todo, work, chunk=UNIT_CHUNK)
    except parallel.ChildFailed as exc:
        raise RuntimeError(f"rendering in a second process failed: {exc}") from None
    for unit, pages in made.items():
        record(unit, pages)


def make_memo(
    docs_dir: Path, rendered: Rendered, page_sha: Callable[[str], str]
) -> dict[str, list[Any]]:
    """The render memo for the next build: each unit's key and its files as written now."""
    memo: dict[str, list[Any]] = {}
    for unit, (key, rels) in rendered.units.items():
        files = {}
        for rel in rels:
            st = _stat(docs_dir / rel)
            if st is None:
                break
            files[rel] = [page_sha(rel), st[0], st[1]]
        else:
            memo[_unit_name(unit)] = [key, files]
    return memo


def explain_all(ctx: Context, selected: Iterable[Unit]) -> list[str]:
    """Printable dependency lists (``unit: what digest`` lines), for debugging a rebuild."""
    reads = Reads(ctx)
    lines = []
    for unit in selected:
        lines.append(f"{_unit_name(unit)} key {unit_key(reads, unit)}")
        lines += [f"  {what} {digest}" for what, digest in explain(reads, unit)]
    return lines
