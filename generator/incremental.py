"""Page-level dependencies: which generated pages an edit touches, and nothing more.

The render stage's unit of work is a **unit**: a briefing's page, an entity card
(with its numbered list pages) or a tag page (likewise).  Each unit's **key** is a
hash of every value its pages read — the record itself, a digest of every entity
name (body text links any of them), and for each briefing, event or claim it
lists, the digest of what is shown of it.  The dependencies are values, not
files: a page's key changes exactly when something it shows changes, however the
change came about (an edit, a new report of a shared event, a moved timeline
page).  ``Dependencies.explain(unit)`` prints them.

Every other page (home, lists, indexes, timelines, network, data, feed and
calendar) reads the whole project and is rendered every time; together they are a
small share of the work.

A unit is reused when its key equals the one recorded when its pages were last
written and those files in ``docs/`` are still the ones written then (size and
modification time, as git's index checks a work tree).  The exactness tests
compare incremental builds after random edits with clean builds, byte for byte.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import parallel, paths
from .model import Claim, Corpus, Event, Thread
from .progress import SILENT, Progress
from .render import WHOLE_PROJECT_STEPS, Renderer

Unit = tuple[str, str]  # ("briefing", slug) | ("entity", id) | ("tag", tag)


def _h(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).hexdigest()[:24]


class Dependencies:
    """Digests of what pages show of each record, and each unit's dependency list."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self.corpus: Corpus = renderer.corpus

    @functools.cached_property
    def setting(self) -> str:
        """The site settings and the renderer's limits (long lists, split timelines, drawn
        events): a change to any of them is a change to every unit."""
        from . import render

        limits = (
            render.LIST_LIMIT,
            render.TIMELINE_PAGE_LIMIT,
            render.DRAWN_EVENTS,
            render.GRAPH_NEIGHBOURS,
            render.HOME_BRIEFINGS,
            render.LATER_WORDS,
        )
        return _h((self.renderer.site, limits))

    @functools.cached_property
    def names(self) -> str:
        """Every entity's id, name, type and aliases: any page may name or link any entity
        (mentions in bodies are found through all names and aliases)."""
        return _h([(e.id, e.name, e.type, e.aliases) for e in self.corpus.entities.values()])

    @functools.cached_property
    def _cards(self) -> dict[str, str]:
        out = {}
        for b in self.corpus.briefings:
            out[b.slug] = _h(
                (b.slug, b.title, b.date, b.source, b.via, b.summary_text, b.draft, b.url)
            )
        return out

    def card(self, slug: str) -> str:
        """What lists and links show of a briefing (absent: a draft left out)."""
        return self._cards.get(slug, "absent")

    @functools.cached_property
    def _events(self) -> dict[str, str]:
        out = {}
        for e in self.corpus.events:
            out[e.id] = _h(
                (
                    e.id,
                    e.title,
                    e.date,
                    e.entities,
                    e.tags,
                    [(r.briefing, r.date, r.title, self.card(r.briefing)) for r in e.reports],
                    self.renderer.timeline_doc(e),
                )
            )
        return out

    def event(self, e: Event) -> str:
        return self._events[e.id]

    def claim(self, c: Claim) -> str:
        return _h((c, self.card(c.briefing)))

    @functools.cached_property
    def _threads(self) -> dict[str, str]:
        return {
            t.key: _h((t.key, t.status, [self.claim(c) for c in t.claims]))
            for t in self.corpus.threads
        }

    def thread(self, t: Thread) -> str:
        """Every claim of a thread, the briefings they are in and its status: a page that
        shows a claim's later word (or where its thread stands) reads all of them."""
        return self._threads[t.key]

    def explain(self, unit: Unit) -> list[tuple[str, str]]:
        """The unit's dependencies as (what, digest) rows: its key is their hash."""
        kind, name = unit
        c = self.corpus
        rows: list[tuple[str, str]] = [("settings", self.setting), ("entity names", self.names)]
        if kind == "briefing":
            b = c.by_slug[name]
            rows.append((f"briefing {name}", _h(b)))
            for claim in b.claims:
                thread = c.thread_of[claim.key]
                if len(thread.claims) > 1:
                    rows.append((f"claim thread {thread.key}", self.thread(thread)))
            for eid in b.events:
                rows.append((f"event {eid}", self.event(c.events_by_id[eid])))
            # The related briefings as worked out now (from the memo only when what they
            # are worked out from is unchanged), so they count by what the page shows.
            for other, score in c.related(name):
                rows.append((f"related {other.slug} ({score})", self.card(other.slug)))
        elif kind == "entity":
            e = c.entities[name]
            rows.append((f"entity {name}", _h(e)))
            for f in e.facts:
                if f.source:
                    rows.append((f"fact source {f.source}", self.card(f.source)))
            for rel in e.relations:
                if rel.source:
                    rows.append((f"relation source {rel.source}", self.card(rel.source)))
            for eid in c.events_of.get(name, []):
                rows.append((f"event {eid}", self.event(c.events_by_id[eid])))
            for thread in c.threads_about(name):
                rows.append((f"claim thread {thread.key}", self.thread(thread)))
            for claim in c.claims_by.get(name, []):
                thread = c.thread_of[claim.key]
                rows.append((f"reported {claim.key}: thread {thread.key}", self.thread(thread)))
            for slug in c.mentions.get(name, []):
                rows.append((f"mentioned in {slug}", self.card(slug)))
            rows.append(("co-mentions", _h(sorted(c.co_mentions.get(name, {}).items()))))
        elif kind == "tag":
            for slug in c.tags[name]:
                rows.append((f"tagged {slug}", self.card(slug)))
            for eid in c.tag_events.get(name, []):
                rows.append((f"event {eid}", self.event(c.events_by_id[eid])))
        else:  # pragma: no cover - units are made below
            raise ValueError(kind)
        return rows

    def key(self, unit: Unit) -> str:
        return _h((unit, self.explain(unit)))

    def explain_unique(self, unit: Unit) -> list[tuple[str, str]]:
        """:meth:`explain` with repeated rows shown once (for people)."""
        return list(dict.fromkeys(self.explain(unit)))


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


def units(corpus: Corpus) -> list[Unit]:
    out: list[Unit] = [("briefing", b.slug) for b in corpus.briefings]
    out += [("entity", eid) for eid in corpus.entities]
    out += [("tag", t) for t in corpus.tags]
    return out


def render_unit(renderer: Renderer, unit: Unit) -> dict[str, str]:
    """The pages of one unit (a page and any numbered list pages it links to)."""
    kind, name = unit
    renderer._extra.clear()
    if kind == "briefing":
        main = {paths.briefing_doc(name): renderer.briefing(renderer.corpus.by_slug[name])}
    elif kind == "entity":
        main = {paths.entity_doc(name): renderer.entity(renderer.corpus.entities[name])}
    else:
        main = {paths.tag_doc(name): renderer.tag(name)}
    main.update(renderer._extra)
    renderer._extra.clear()
    return main


def render_rest(
    renderer: Renderer,
    progress: Progress = SILENT,
    take: Callable[[int], bool] | None = None,
    backwards: bool = False,
) -> dict[str, str]:
    """Every page that is not part of a unit (or the steps ``take`` grants): rendered on
    every build."""
    return renderer.whole_project_pages(progress, take, backwards)


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
    renderer: Renderer,
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
        pages = render_rest(renderer, SILENT if quiet else progress, take, backwards)
        placed = {place(d): t for d, t in pages.items()}
        return _write_out(out_dir, placed) if out_dir is not None else placed

    def store_pages(pages: dict[str, str]) -> None:
        (result.written if out_dir is not None else result.pages).update(pages)

    if jobs > 1 and not memo and parallel.available() and len(units(renderer.corpus)) > SHARED:
        _render_shared(renderer, result, progress, place, out_dir, rest, store_pages)
    elif jobs > 1 and memo and parallel.available():
        # An incremental build: most units are reused, so the whole-project pages are
        # most of its rendering.  The second core starts on them at once while this one
        # works out the units' keys and renders the few that changed; then this one
        # takes the steps left from the other end (how long the keys and the changed
        # units take varies with the edit, so a fixed split would leave a core idle).
        steps = parallel.Steps()

        def here() -> dict[str, str]:
            _render_units(renderer, docs_dir, memo, managed, result, jobs, progress, place, out_dir)
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
        _render_units(renderer, docs_dir, memo, managed, result, jobs, progress, place, out_dir)
        store_pages(rest())
    return result


#: Units to render above which two processes share them out (see _render_shared and
#: _render_parallel); units per step then.
SHARED = 200
UNIT_CHUNK = 24


def _render_shared(
    renderer: Renderer,
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
    all_units = units(renderer.corpus)
    chunks = [all_units[at : at + UNIT_CHUNK] for at in range(0, len(all_units), UNIT_CHUNK)]
    first = WHOLE_PROJECT_STEPS  # the whole-project pages' steps come first
    steps = parallel.Steps(first + len(chunks))
    label = "rendering briefings, entity cards and tags"
    Done = list[tuple[Unit, str, dict[str, str]]]

    def chunk_work(order: Iterable[int], quiet: bool) -> Done:
        deps = Dependencies(renderer)
        done: Done = []
        for n in order:
            if not steps.take(first + n):
                continue
            for unit in chunks[n]:
                pages = {place(doc): text for doc, text in render_unit(renderer, unit).items()}
                if out_dir is not None:
                    pages = _write_out(out_dir, pages)
                done.append((unit, deps.key(unit), pages))
            if not quiet:
                taken = min(steps.count() - first, len(chunks)) * UNIT_CHUNK
                progress.update(min(taken, len(all_units)), len(all_units), label)
        return done

    related = renderer.corpus.related_known

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
    renderer: Renderer,
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
    deps = Dependencies(renderer)
    todo: list[Unit] = []
    all_units = units(renderer.corpus)
    for unit in all_units:
        key = deps.key(unit)
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
        pages = {place(doc): text for doc, text in render_unit(renderer, unit).items()}
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


def explain_all(renderer: Renderer, selected: Iterable[Unit]) -> list[str]:
    """Printable dependency lists (``unit: what digest`` lines), for debugging a rebuild."""
    deps = Dependencies(renderer)
    lines = []
    for unit in selected:
        lines.append(f"{_unit_name(unit)} key {deps.key(unit)}")
        lines += [f"  {what} {digest}" for what, digest in deps.explain_unique(unit)]
    return lines
