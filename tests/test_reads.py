"""Dependencies that cannot drift: every read a unit's render makes is covered by its key.

A unit (a briefing's page, an entity card, a tag page, with their list pages) is
reused from the last build while its key is unchanged, and its key is the hash of
the rows its kind declares beside its renderer (``generator/pages/*.py``,
``reads``).  Here every unit of the fixture projects is rendered under a model that
records each attribute read of its records (briefings, entities, events, claims,
threads, an event's reports), each look-up in the Corpus' indexes and each call of
its methods; every read must be among what the unit's rows hash
(:func:`generator.pages.reads.covered`).  A template or list item that starts
showing a field the rows do not hash fails here, before it can serve a stale page.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jinja2 import ChoiceLoader, DictLoader
from markupsafe import Markup

from bench.synth import make_project
from generator import pages, settings
from generator.checking import check
from generator.model import Briefing, Corpus, Thread
from generator.pages import Context, Reads, Unit
from generator.pages.links import BriefingView, Links
from generator.pages.reads import ALL, Read, covered
from generator.project import Project

ROOT = Path(__file__).resolve().parent.parent

# --- a model that records what is read ------------------------------------------------


class _Recorder:
    """The reads of the unit being rendered (None: not recording)."""

    def __init__(self) -> None:
        self.reads: set[Read] | None = None
        self.paused = 0

    def add(self, read: Read) -> None:
        if self.reads is not None and not self.paused:
            self.reads.add(read)

    @contextlib.contextmanager
    def pause(self) -> Iterator[None]:
        self.paused += 1
        try:
            yield
        finally:
            self.paused -= 1


RECORDER = _Recorder()
#: id(record) → its name (a slug, an id, a claim's or thread's key, ``event/n`` for a report)
NAMES: dict[int, str] = {}


@functools.cache
def _recording(cls: type) -> type:
    """A subclass of a model class whose instances record every attribute read.

    A property is not a read of its own: the fields it reads are.  A cached property
    was worked out before recording started, so reading it is a read of its name.
    """
    kind = cls.__name__

    def __getattribute__(self: Any, name: str) -> Any:
        if (
            not name.startswith("__")
            and RECORDER.reads is not None
            and not RECORDER.paused
            and not isinstance(getattr(cls, name, None), property)
        ):
            RECORDER.add((kind, NAMES[id(self)], name))
        return object.__getattribute__(self, name)

    return type(f"Recording{kind}", (cls,), {"__getattribute__": __getattribute__})


class _Index(dict[Any, Any]):
    """One of the Corpus' indexes: a look-up by key, or a walk of the whole of it."""

    def __init__(self, name: str, data: dict[Any, Any]) -> None:
        super().__init__(data)
        self.name = name

    def _read(self, key: object) -> None:
        RECORDER.add(("index", f"{self.name}:{key}", ""))

    def __getitem__(self, key: Any) -> Any:
        self._read(key)
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._read(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._read(key)
        return super().__contains__(key)

    def __iter__(self) -> Iterator[Any]:
        self._read(ALL)
        return super().__iter__()

    def __len__(self) -> int:
        self._read(ALL)
        return super().__len__()

    def keys(self) -> Any:
        self._read(ALL)
        return super().keys()

    def values(self) -> Any:
        self._read(ALL)
        return super().values()

    def items(self) -> Any:
        self._read(ALL)
        return super().items()


class _List(list[Any]):
    """A list of the Corpus (every briefing, event or thread): any use walks all of it."""

    def __init__(self, name: str, data: list[Any]) -> None:
        super().__init__(data)
        self.name = name

    def __iter__(self) -> Iterator[Any]:
        RECORDER.add(("index", f"{self.name}:{ALL}", ""))
        return super().__iter__()

    def __getitem__(self, at: Any) -> Any:
        RECORDER.add(("index", f"{self.name}:{ALL}", ""))
        return super().__getitem__(at)

    def __len__(self) -> int:
        RECORDER.add(("index", f"{self.name}:{ALL}", ""))
        return super().__len__()


class _Corpus(Corpus):
    """The Corpus, its methods recorded as calls (their answers are what the rows hash)."""

    def threads_about(self, entity_id: str) -> list[Thread]:
        RECORDER.add(("call", f"threads_about:{entity_id}", ""))
        with RECORDER.pause():
            return super().threads_about(entity_id)

    def entity_name(self, entity_id: str) -> str:
        RECORDER.add(("call", f"entity_name:{entity_id}", ""))
        with RECORDER.pause():
            return super().entity_name(entity_id)

    def related(self, slug: str, limit: int = 5) -> list[tuple[Briefing, int]]:
        RECORDER.add(("call", f"related:{slug}", ""))
        with RECORDER.pause():
            return super().related(slug, limit)


_INDEXES = (
    "entities",
    "by_slug",
    "events_by_id",
    "mentions",
    "claims_about",
    "events_of",
    "tags",
    "tag_events",
    "listed",
    "co_mentions",
    "thread_of",
    "claims_by",
)
_LISTS = ("briefings", "events", "threads")


def _record(corpus: Corpus) -> None:
    """Make ``corpus`` record what is read of it (in place)."""
    for b in corpus.briefings:
        b.summary_text  # noqa: B018 - a cached property, worked out before recording
        _swap(b, b.slug)
        for c in b.claims:
            _swap(c, c.key)
    for e in corpus.entities.values():
        _swap(e, e.id)
    for ev in corpus.events:
        _swap(ev, ev.id)
        for i, r in enumerate(ev.reports):
            _swap(r, f"{ev.id}/{i}")
    for t in corpus.threads:
        _swap(t, t.key)
        for c in t.claims:  # the same objects as the briefings' claims
            NAMES.setdefault(id(c), c.key)
    corpus.rank  # noqa: B018 - a cached property of the Corpus
    for name in _INDEXES:
        object.__setattr__(corpus, name, _Index(name, getattr(corpus, name)))
    for name in _LISTS:
        object.__setattr__(corpus, name, _List(name, getattr(corpus, name)))
    object.__setattr__(corpus, "__class__", _Corpus)


def _swap(record: object, name: str) -> None:
    NAMES[id(record)] = name
    if not type(record).__name__.startswith("Recording"):
        object.__setattr__(record, "__class__", _recording(type(record)))


# --- the check ------------------------------------------------------------------------


def _matches(read: Read, covers: set[Read]) -> bool:
    """Whether a read is among what the rows hash: exactly, a whole record (``*`` for its
    field), or a whole index (``*`` for its key)."""
    kind, name, _ = read
    if read in covers or (kind, name, ALL) in covers:
        return True
    if kind in ("index", "call"):
        index = name.split(":", 1)[0]
        return (kind, f"{index}:{ALL}", "") in covers
    return False


def uncovered_reads(ctx: Context, selected: Iterable[Unit] | None = None) -> list[str]:
    """Every read of every unit's render that its rows do not cover, as printable lines."""
    corpus = ctx.corpus
    reads = Reads(ctx)
    chosen = list(selected) if selected is not None else pages.units(corpus)
    rows = {unit: pages.unit_reads(reads, unit) for unit in chosen}
    ctx.placement  # noqa: B018 - worked out before recording, as the keys read it
    _record(corpus)
    found = []
    for unit in chosen:
        covers = {read for row in rows[unit] for read in covered(corpus, row.cover)}
        RECORDER.reads = set()
        try:
            pages.render_unit(ctx, unit)
            made = RECORDER.reads
        finally:
            RECORDER.reads = None
        found += [
            f"{unit[0]} {unit[1]}: reads {read}"
            for read in sorted(made)
            if not _matches(read, covers)
        ]
    return found


# --- the projects ---------------------------------------------------------------------


def _context(root: Path, drafts: bool = False) -> Context:
    project = Project.open(root)
    checked = check(project, drafts=drafts)
    assert checked.corpus is not None, [str(p) for p in checked.problems.errors]
    return Context(checked.corpus, project.site)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic project (bench/synth.py) with what a large one has: threads of later
    word, shared events, drafts."""
    root = tmp_path_factory.mktemp("reads") / "synth"
    make_project(root, 120)
    return root


@pytest.fixture(autouse=True)
def _small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Limits small enough for these projects to have numbered list pages and a timeline
    split by year and month, as a large project has."""
    monkeypatch.setattr(settings, "LIST_LIMIT", 3)
    monkeypatch.setattr(settings, "TIMELINE_PAGE_LIMIT", 8)
    monkeypatch.setattr(settings, "DRAWN_EVENTS", 4)


@pytest.mark.parametrize("drafts", [False, True])
def test_every_read_of_the_example_is_in_its_key(drafts: bool) -> None:
    assert uncovered_reads(_context(ROOT, drafts)) == []


def test_every_read_of_the_claims_project_is_in_its_key() -> None:
    """Threads of later word: a briefing's page and the cards show the claims it updates."""
    ctx = _context(ROOT / "tests/data/claims-project")
    assert any(len(t.claims) > 1 for t in ctx.corpus.threads)
    assert uncovered_reads(ctx) == []


@pytest.mark.parametrize("drafts", [False, True])
def test_every_read_of_a_synthetic_project_is_in_its_key(synthetic: Path, drafts: bool) -> None:
    ctx = _context(synthetic, drafts)
    made = pages.render_all(ctx)
    assert any("/briefings/2.md" in doc for doc in made), "no numbered list pages"
    assert any(doc.count("/") == 2 and doc.startswith("timeline/") for doc in made), "no months"
    assert uncovered_reads(ctx) == []


# --- the check fails when a page shows what its key does not hash --------------------


def test_a_list_item_that_shows_a_new_field_is_caught(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lists of briefings (entity cards, tag pages) start showing each briefing's authors,
    which :data:`CARD_FIELDS` does not hash: an edit of the authors would leave those
    pages stale, and the check names them."""
    real = Links.briefing_item

    def with_authors(self: Links, b: BriefingView) -> Markup:
        return Markup(f"{real(self, b)}{', '.join(b.authors)}")

    monkeypatch.setattr(Links, "briefing_item", with_authors)
    found = uncovered_reads(_context(synthetic))
    assert found
    assert all("'authors')" in line for line in found), found[:5]
    assert {line.split()[0] for line in found} == {"entity", "tag"}


def test_a_template_that_shows_a_new_field_is_caught(synthetic: Path) -> None:
    """The tag page's template starts showing each event's first report's briefing slug
    beside its title (a report's ``rel``, say, is not hashed): the check names it."""
    ctx = _context(synthetic)
    text = (ROOT / "generator/templates/tag.md.j2").read_text(encoding="utf-8")
    changed = text.replace("{{ L.event_item(e) }}", "{{ L.event_item(e) }} {{ e.reports[0].rel }}")
    assert changed != text
    ctx.env.loader = ChoiceLoader([DictLoader({"tag.md.j2": changed}), ctx.env.loader])  # type: ignore[list-item]
    ctx.env.cache = None
    tagged = [
        u for u in pages.units(ctx.corpus) if u[0] == "tag" and ctx.corpus.tag_events.get(u[1])
    ]
    found = uncovered_reads(ctx, tagged)
    assert found and all("'rel')" in line for line in found), found[:5]


def test_a_key_that_stops_covering_a_field_is_caught(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other way round: the card's fields lose ``title``, which every list shows."""
    from generator.pages import reads as reads_module

    fields = tuple(f for f in reads_module.CARD_FIELDS if f != "title")
    monkeypatch.setattr(reads_module, "CARD_FIELDS", fields)
    found = uncovered_reads(_context(synthetic))
    assert any("'title')" in line for line in found), found[:5]


def test_the_recorder_sees_reads_through_views_and_indexes(synthetic: Path) -> None:
    """What the check stands on: a read through a briefing's view, an index look-up and a
    Corpus method are each recorded, and nothing is recorded outside a render."""
    ctx = _context(synthetic)
    b = ctx.corpus.briefings[0]
    _record(ctx.corpus)
    RECORDER.reads = set()
    try:
        assert ctx.views[b.slug].title == b.title
        ctx.corpus.mentions.get("nobody")
        ctx.corpus.entity_name("nobody")
        seen = RECORDER.reads
    finally:
        RECORDER.reads = None
    assert ("Briefing", b.slug, "title") in seen
    assert ("index", "mentions:nobody", "") in seen
    assert ("call", "entity_name:nobody", "") in seen
    before = len(seen)
    b.title  # noqa: B018 - not recording
    assert len(seen) == before


def test_every_unit_kind_is_checked() -> None:
    """Every kind with units declares what they read (else nothing could check them)."""
    for kind in pages.KINDS:
        assert (kind.render is None) == (kind.reads is None), kind.name
