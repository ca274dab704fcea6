"""What a unit of pages reads, as digests: its cache key is their hash.

A page kind declares, beside its renderer, the rows its unit reads (``reads(r,
name)``): the record itself, what is shown of every briefing, event or claim
thread it lists, and the indexes it walks.  A row is ``(label, digest, cover)``:
the label and digest make the key and ``briefing explain``'s lines; the cover
names what the digest hashes, so that ``tests/test_reads.py`` can render every
unit under a model that records each attribute read and check that every read is
covered by one of the unit's rows (:func:`covered`).  A template that starts
showing a field the rows do not hash fails that test until the rows cover it.

The digests hash values, not files: a unit's key changes exactly when something
it shows changes, however the change came about (an edit, a new report of a
shared event, a moved timeline page).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from typing import NamedTuple

from .. import settings
from ..model import Briefing, Claim, Corpus, Entity, Event, Thread
from .context import Context
from .links import CARD_FIELDS, EVENT_FIELDS


def digest(value: object) -> str:
    """A short digest of a value's ``repr`` (records are dataclasses: their repr is their
    content)."""
    return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).hexdigest()[:24]


class Row(NamedTuple):
    """One thing a unit reads: a label for people, a digest of its value, and what the
    digest covers (``(kind, name)``; see :func:`covered`)."""

    label: str
    digest: str
    cover: tuple[str, str]


class Reads:
    """Digests of what pages show of each record, made once per build and shared by every
    unit's rows."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.corpus: Corpus = ctx.corpus

    @functools.cached_property
    def _setting(self) -> str:
        return digest((self.ctx.site, settings.limits()))

    def settings(self) -> Row:
        """The site settings and every limit (long lists, split timelines, drawn events): a
        change to any of them is a change to every unit."""
        return Row("settings", self._setting, ("settings", ""))

    @functools.cached_property
    def _names(self) -> str:
        return digest([(e.id, e.name, e.type, e.aliases) for e in self.corpus.entities.values()])

    def names(self) -> Row:
        """Every entity's id, name, type and aliases: any page may name or link any entity
        (mentions in bodies are found through all names and aliases)."""
        return Row("entity names", self._names, ("names", ""))

    @functools.cached_property
    def _cards(self) -> dict[str, str]:
        return {
            b.slug: digest(tuple(getattr(b, f) for f in CARD_FIELDS)) for b in self.corpus.briefings
        }

    def card(self, slug: str, label: str) -> Row:
        """What lists and links show of a briefing (absent: a draft left out)."""
        return Row(label, self._cards.get(slug, "absent"), ("card", slug))

    def briefing(self, b: Briefing) -> Row:
        """The whole record, its claims and quotes included."""
        return Row(f"briefing {b.slug}", digest(b), ("briefing", b.slug))

    def entity(self, e: Entity) -> Row:
        """The whole record, its facts and relations included."""
        return Row(f"entity {e.id}", digest(e), ("entity", e.id))

    @functools.cached_property
    def _events(self) -> dict[str, str]:
        out = {}
        for e in self.corpus.events:
            out[e.id] = digest(
                (
                    *(getattr(e, f) for f in EVENT_FIELDS if f != "reports"),
                    [(r.briefing, r.date, r.title, self._card(r.briefing)) for r in e.reports],
                    self.ctx.timeline_doc(e),
                )
            )
        return out

    def _card(self, slug: str) -> str:
        return self._cards.get(slug, "absent")

    def event(self, e: Event, label: str = "") -> Row:
        """What lists show of an event, the briefings that report it and its timeline page."""
        return Row(label or f"event {e.id}", self._events[e.id], ("event", e.id))

    def _claim(self, c: Claim) -> str:
        return digest((c, self._card(c.briefing)))

    @functools.cached_property
    def _threads(self) -> dict[str, str]:
        return {
            t.key: digest((t.key, t.status, [self._claim(c) for c in t.claims]))
            for t in self.corpus.threads
        }

    def thread(self, t: Thread, label: str = "") -> Row:
        """Every claim of a thread, the briefings they are in and its status: a page that
        shows a claim's later word (or where its thread stands) reads all of them."""
        return Row(label or f"claim thread {t.key}", self._threads[t.key], ("thread", t.key))

    def index(self, name: str, key: str) -> Row:
        """One entry of one of the model's indexes, whole (``co_mentions``: who is mentioned
        with an entity, and how often)."""
        value = getattr(self.corpus, name).get(key)
        rows = sorted(value.items()) if isinstance(value, dict) else value
        return Row(name.replace("_", "-"), digest(rows), ("index", f"{name}:{key}"))


# --- what a row's digest covers (for tests/test_reads.py) --------------------------------
#
# A read is ``(record kind, record name, attribute)`` (the model's records: ``Briefing``,
# ``Entity``, ``Event``, ``Claim``, ``Thread`` and an event's ``Report``), ``("index",
# "<index>:<key>", "")`` for a look-up in one of the Corpus' indexes (``"*"`` for walking
# a whole one), or ``("call", "<method>:<argument>", "")`` for a Corpus method whose
# answer the rows hash (the reads inside it are not the unit's).  Each function below
# mirrors the digest of the same name above: change them together.

Read = tuple[str, str, str]
ALL = "*"


def covered(corpus: Corpus, cover: tuple[str, str]) -> Iterator[Read]:
    """The reads the digest of a row with this ``cover`` hashes."""
    kind, name = cover
    if kind == "settings":
        return
    if kind == "names":
        for e in corpus.entities.values():
            for field in ("id", "name", "type", "aliases"):
                yield ("Entity", e.id, field)
        yield ("index", f"entities:{ALL}", "")
        yield ("call", f"entity_name:{ALL}", "")
    elif kind == "card":
        yield ("index", f"by_slug:{name}", "")
        for field in CARD_FIELDS:
            yield ("Briefing", name, field)
    elif kind == "briefing":
        yield ("index", f"by_slug:{name}", "")
        yield ("Briefing", name, ALL)
        b = corpus.by_slug[name]
        for c in b.claims:
            yield ("Claim", c.key, ALL)
            # Its thread is looked up to show the later word; a thread of more than this
            # claim is a row of its own (the briefing's reads add it), one of this claim
            # alone shows nothing else of it.
            yield ("index", f"thread_of:{c.key}", "")
            yield ("Thread", corpus.thread_of[c.key].key, "claims")
    elif kind == "entity":
        yield ("index", f"entities:{name}", "")
        yield ("Entity", name, ALL)
    elif kind == "event":
        event = corpus.events_by_id[name]
        yield ("index", f"events_by_id:{name}", "")
        for field in EVENT_FIELDS:
            yield ("Event", name, field)
        for i, r in enumerate(event.reports):
            for field in ("briefing", "date", "title"):
                yield ("Report", f"{name}/{i}", field)
            yield from covered(corpus, ("card", r.briefing))
    elif kind == "thread":
        t = corpus.thread_of[name]
        yield ("Thread", name, ALL)
        for c in t.claims:
            yield ("index", f"thread_of:{c.key}", "")
            yield ("Claim", c.key, ALL)
            yield from covered(corpus, ("card", c.briefing))
    elif kind == "index":
        yield ("index", name, "")
    elif kind == "call":
        yield ("call", name, "")
    else:  # pragma: no cover - the rows above are the only kinds
        raise ValueError(kind)


def call(name: str, label: str = "") -> Row:
    """A Corpus method's answer, hashed by the rows that follow it (``related``, say): this
    row adds nothing to the key, only the cover."""
    return Row(label or name, "", ("call", name))


def listed(name: str) -> Row:
    """An index entry whose items each get a row of their own (the briefings that mention an
    entity, say): their rows in its order hash it; this row adds only the cover."""
    return Row(name, "", ("index", name))
