"""The whole briefing project as one cross-linked model.

Built once, after every file has been validated and before anything is
written: references are resolved here (unknown ids become problems with their
line), events reported by several briefings are merged, relations get their
inverse, and the indexes every page needs (mentions, claims about an entity,
tags) are computed once.
"""

from __future__ import annotations

import datetime
import functools
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .fuzzydate import FuzzyDate, sort_events_key
from .load import EntityFile, SeedFile, Sources, field_label
from .paths import is_slug
from .problems import Problems, did_you_mean
from .schema import RELATION_WORDS
from .yamlsafe import Path_

#: A tag on more briefings than this does not count towards "related briefings".
RELATED_TAG_LIMIT = 200


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    source: str | None


@dataclass(frozen=True)
class Relation:
    """A typed edge; ``words`` reads from ``subject`` to ``other``."""

    type: str
    subject: str
    other: str
    words: str
    inverse: bool
    since: str | None = None
    until: str | None = None
    note: str | None = None
    source: str | None = None


@dataclass
class Entity:
    id: str
    name: str
    type: str
    aliases: list[str]
    summary: str | None
    facts: list[Fact]
    links: list[str]
    rel: str
    relations: list[Relation] = field(default_factory=list)


@dataclass(frozen=True)
class Speaker:
    """Who asserts or says something: an entity, or a free-text description."""

    entity: str | None
    text: str


@dataclass(frozen=True)
class Claim:
    text: str
    by: Speaker
    basis: str | None
    status: str
    entities: tuple[str, ...]
    briefing: str
    #: its place in the briefing's ``claims`` (from 1): the page's anchor ``claim-<number>``
    number: int = 0
    #: the briefing's date: threads are ordered by it
    date: datetime.date = datetime.date(1970, 1, 1)
    id: str | None = None
    updates: str | None = None

    @property
    def key(self) -> str:
        """Names the claim in the project: its ``id``, else its briefing and place."""
        return self.id or f"{self.briefing}#claim-{self.number}"

    @property
    def order(self) -> tuple[datetime.date, str, int]:
        """Briefing date, then file order: the order of a thread's history."""
        return (self.date, self.briefing, self.number)


@dataclass(frozen=True)
class Quote:
    by: Speaker
    text: str
    role: str | None
    briefing: str


@dataclass(frozen=True)
class Report:
    """One briefing's account of an event."""

    briefing: str
    date: FuzzyDate
    title: str
    rel: str = ""
    line: int = 0


@dataclass
class Event:
    id: str
    title: str
    date: FuzzyDate
    entities: list[str]
    tags: list[str]
    reports: list[Report]

    @property
    def conflicting(self) -> bool:
        """Reports whose date ranges do not all overlap."""
        dates = [r.date for r in self.reports]
        return any(not a.overlaps(b) for i, a in enumerate(dates) for b in dates[i + 1 :])

    @property
    def sort_key(self) -> tuple[object, ...]:
        return (*sort_events_key(self.date, self.title), self.id)


@dataclass
class Briefing:
    slug: str
    title: str
    date: datetime.date
    source: str
    via: list[str]
    url: str | None
    authors: list[str]
    summary: str | None
    key_points: list[str]
    tags: list[str]
    entities: list[str]
    events: list[str]
    claims: list[Claim]
    quotes: list[Quote]
    publish: str
    draft: bool
    body: str
    rel: str

    @property
    def sort_key(self) -> tuple[object, ...]:
        """Newest first, then by slug for a stable order."""
        return (-self.date.toordinal(), self.slug)

    @functools.cached_property
    def summary_text(self) -> str:
        """The summary, or else the body's first paragraph as plain text (lists, feed, data).

        Under ``publish: summary`` there is no default: nothing from the body may go
        public (SPEC §2.1), so such a briefing without a summary is listed without one.
        Cached: it converts Markdown, and pages, the feed and the data export all ask.
        """
        from .markup import first_paragraph, plain_text

        if self.summary or self.publish == "summary":
            return self.summary or ""
        return plain_text(first_paragraph(self.body))


#: Statuses of a thread that is still open, and of one that is settled (SPEC §4).
OPEN_STATUSES = ("reported", "disputed", "no-comment")
SETTLED_STATUSES = ("confirmed", "denied")
CONTESTED = "contested"
#: When the latest words on a thread agree, the one that says most sets its status.
_PRECEDENCE = ("confirmed", "denied", "disputed", "reported", "no-comment")


def reported(c: Claim) -> bool:
    """Whether a claim is something its speaker put forward, which its track record counts:
    a report (or a first report already disputed), not later word on someone else's."""
    return c.status == "reported" or (c.status == "disputed" and c.updates is None)


@dataclass
class Thread:
    """A claim and every claim that updates it, transitively (it may branch)."""

    root: Claim
    #: every claim of the thread in date order (briefing date, then file order)
    claims: list[Claim]
    #: the current status: a claim status, or ``contested``
    status: str
    #: the latest words, which set the status
    latest: list[Claim]
    #: claim key → the claims that update it directly
    children: dict[str, list[Claim]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.root.key

    @property
    def anchor(self) -> str:
        """The thread's HTML id on the claims pages."""
        return "thread-" + self.key.replace("#claim-", "-claim-")

    @property
    def last_date(self) -> datetime.date:
        return self.claims[-1].date

    @property
    def settled(self) -> bool:
        return self.status in SETTLED_STATUSES

    def later(self, claim: Claim) -> list[Claim]:
        """The later word on ``claim``: every claim that updates it, transitively, in date order."""
        found: list[Claim] = []
        todo = list(self.children.get(claim.key, []))
        seen = {claim.key}
        while todo:
            c = todo.pop()
            if c.key in seen:
                continue
            seen.add(c.key)
            found.append(c)
            todo.extend(self.children.get(c.key, []))
        return sorted(found, key=lambda c: c.order)

    def parent(self, claim: Claim) -> Claim | None:
        if claim is self.root or claim.updates is None:
            return None
        return next((c for c in self.claims if c.id == claim.updates), None)


def thread_status(latest: Iterable[Claim]) -> str:
    """The status the latest words give a thread: ``contested`` when they hold a
    confirmation and a denial or dispute; otherwise the word that says most (a repeat of
    the report or a no-comment beside a confirmation does not make it open again)."""
    statuses = {c.status for c in latest}
    if "confirmed" in statuses and statuses & {"denied", "disputed"}:
        return CONTESTED
    return next((s for s in _PRECEDENCE if s in statuses), "reported")


def status_group(status: str) -> str:
    """``open``, ``settled`` or ``contested``: how the claims page groups a thread."""
    if status == CONTESTED:
        return CONTESTED
    return "settled" if status in SETTLED_STATUSES else "open"


@dataclass
class Corpus:
    """Everything a page may need, indexed."""

    briefings: list[Briefing]
    entities: dict[str, Entity]
    events: list[Event]
    by_slug: dict[str, Briefing]
    events_by_id: dict[str, Event]
    mentions: dict[str, list[str]]
    claims_about: dict[str, list[Claim]]
    events_of: dict[str, list[str]]
    tags: dict[str, list[str]]
    tag_events: dict[str, list[str]]
    #: the briefings that list each entity in ``entities``
    listed: dict[str, list[str]] = field(default_factory=dict)
    #: how many briefings list both entities, per pair (for "often mentioned with")
    co_mentions: dict[str, dict[str, int]] = field(default_factory=dict)
    #: ids referred to by any seed, drafts included (for the "nothing mentions it" warning)
    referenced: set[str] = field(default_factory=set)
    #: every claim thread, in the order of the claims pages (see :func:`build_threads`)
    threads: list[Thread] = field(default_factory=list)
    #: claim key → its thread
    thread_of: dict[str, Thread] = field(default_factory=dict)
    #: entity id → the claims it made that its track record counts, newest first
    claims_by: dict[str, list[Claim]] = field(default_factory=dict)
    #: related briefings already worked out: slug → [(slug, score)] (see :meth:`related`)
    related_known: dict[str, list[tuple[str, int]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def threads_about(self, entity_id: str) -> list[Thread]:
        """The threads with a claim about the entity, in the order their claims are listed."""
        return list(
            {
                self.thread_of[c.key].key: self.thread_of[c.key]
                for c in self.claims_about.get(entity_id, [])
            }.values()
        )

    def entity_name(self, entity_id: str) -> str:
        entity = self.entities.get(entity_id)
        return entity.name if entity else entity_id

    def related(self, slug: str, limit: int = 5) -> list[tuple[Briefing, int]]:
        """Briefings sharing entities and tags with ``slug``, best first (a tag counts double).

        Entities and tags listed by more than RELATED_TAG_LIMIT briefings are too common
        to count, unless nothing more specific finds enough briefings.

        Counted through the listing indexes, so the cost follows the briefings that
        share something, not the size of the corpus.
        """
        known = self.related_known.get(slug) if limit == 5 else None
        if known is not None:
            return [(self.by_slug[s], n) for s, n in known]
        found = self._related(slug, limit)
        if limit == 5:
            self.related_known[slug] = [(b.slug, n) for b, n in found]
        return found

    def _related(self, slug: str, limit: int) -> list[tuple[Briefing, int]]:
        this = self.by_slug[slug]
        scores: Counter[str] = Counter()
        common: list[list[str]] = []
        for eid in set(this.entities):
            sharing = self.listed.get(eid, [])
            if len(sharing) > RELATED_TAG_LIMIT:
                # Listed by hundreds of briefings, it says little about which are related
                # to this one (and counting it costs the most); kept as a fallback below.
                common.append(sharing)
                continue
            scores.update(sharing)
        for tag in set(this.tags):
            sharing = self.tags.get(tag, [])
            if len(sharing) > RELATED_TAG_LIMIT:  # too common to say two briefings are related
                continue
            scores.update(sharing)
            scores.update(sharing)  # a tag counts double
        scores.pop(slug, None)
        if len(scores) < limit and common:  # nothing more specific: the common ones decide
            for sharing in common:
                scores.update(sharing)
            scores.pop(slug, None)
        if not scores or limit <= 0:
            return []
        # Best score first, then newest first. A popular entity gives thousands of
        # candidates, so rank them without a Python key per candidate: find the cut-off
        # score, sort the few above it, and take the newest of those at it.
        rank = self.rank
        cut = heapq.nlargest(limit, scores.values())[-1]
        above = sorted(
            (s for s, n in scores.items() if n > cut), key=lambda s: (-scores[s], rank[s])
        )
        at = heapq.nsmallest(
            limit - len(above), [s for s, n in scores.items() if n == cut], key=rank.__getitem__
        )
        return [(self.by_slug[s], scores[s]) for s in above + at]

    @functools.cached_property
    def rank(self) -> dict[str, int]:
        """Each briefing's position in the newest-first order."""
        return {b.slug: i for i, b in enumerate(self.briefings)}


class _Refs:
    """Resolves ids against the registry, reporting unknown ones at their line."""

    def __init__(self, ids: Iterable[str], problems: Problems, broken: Iterable[str] = ()) -> None:
        self.ids = set(ids)
        self.broken = set(broken) - self.ids
        self.problems = problems

    def entity(self, value: str, rel: str, doc_line: int, field: str) -> bool:
        if value in self.ids:
            return True
        if value in self.broken:  # its own file already has an error
            return False
        self.problems.add(
            rel,
            doc_line,
            field,
            f"unknown entity '{value}'{did_you_mean(value, self.ids)}; "
            f"add seeds/entities/{value}.yml (briefing new entity {value} --type company)"
            if is_slug(value)
            else f"unknown entity '{value}'",
        )
        return False

    def speaker(self, value: str, rel: str, doc_line: int, field: str) -> Speaker:
        """An id-shaped value must name an entity; anything else is a free-text speaker."""
        if value in self.ids:
            return Speaker(value, value)
        if is_slug(value):
            self.entity(value, rel, doc_line, field)
        return Speaker(None, value)


def build_corpus(sources: Sources, problems: Problems, *, drafts: bool = False) -> Corpus:
    """Resolve references and build every index; drafts are checked but kept only with ``drafts``."""
    entities: dict[str, Entity] = {}
    for ef in sources.entities:
        entities[ef.id] = _entity(ef)
    refs = _Refs(entities, problems, sources.all_ids)
    slugs = {s.slug for s in sources.seeds} | set(sources.all_slugs)
    for ef in sources.entities:
        _relations(ef, entities, refs, slugs, problems)

    partly_referenced: set[str] = set()
    for partial in sources.partial:
        for path, value, is_speaker in partial.references:
            partly_referenced.add(value)
            line = partial.lines.line_of(path)
            if is_speaker:
                refs.speaker(value, partial.rel, line, field_label(path))
            else:
                refs.entity(value, partial.rel, line, field_label(path))
    everything: list[Briefing] = []
    events: dict[str, Event] = {}
    # In slug order, so that where files sit in seeds/ never changes the output
    # (an event reported by several briefings takes its title from the first).
    for seed in sorted(sources.seeds, key=lambda s: s.slug):
        everything.append(
            _briefing(seed, refs, events, problems, keep=drafts or not seed.data.draft)
        )
    briefings = [b for b in everything if drafts or not b.draft]
    for ef in sources.entities:
        for label, fact in ef.data.facts.items():
            _briefing_ref(ef, ("facts", label, "source"), fact.source, slugs, problems)
    briefings.sort(key=lambda b: b.sort_key)
    check_claim_ids(sources, everything, problems)
    ordered_events = sorted(events.values(), key=lambda e: e.sort_key)
    for event in ordered_events:
        event.reports.sort(key=lambda r: (r.briefing,))
    corpus = _index(briefings, entities, ordered_events)
    build_threads(corpus)
    corpus.referenced = set().union(partly_referenced, *(_referenced(b) for b in everything))
    return corpus


def briefing_against(seed: SeedFile, corpus: Corpus, problems: Problems) -> Briefing | None:
    """The briefing of one edited seed, its references resolved against an earlier model
    (``serve``'s quick view of the edited page); None when it has problems (they go into
    ``problems``) or names an event the model does not know."""
    events: dict[str, Event] = {}
    b = _briefing(seed, _Refs(corpus.entities, problems), events, problems, keep=True)
    if problems.errors or any(e not in corpus.events_by_id for e in b.events):
        return None
    return b


def _briefing_ref(
    ef: EntityFile,
    path: tuple[str | int, ...],
    slug: str | None,
    slugs: set[str],
    problems: Problems,
) -> None:
    """An entity file's ``source:`` must name a briefing."""
    if slug and slug not in slugs:
        problems.add(
            ef.rel,
            ef.lines.line_of(path),
            field_label(path),
            f"unknown briefing '{slug}'{did_you_mean(slug, slugs)}",
        )


def _referenced(b: Briefing) -> set[str]:
    """Every entity id a briefing refers to, anywhere in its front-matter."""
    ids = {b.source, *b.via, *b.entities}
    for c in b.claims:
        ids.update(c.entities)
        if c.by.entity:
            ids.add(c.by.entity)
    ids.update(q.by.entity for q in b.quotes if q.by.entity)
    return ids


def _entity(ef: EntityFile) -> Entity:
    d = ef.data
    facts = [Fact(label, f.value, f.source) for label, f in d.facts.items()]
    return Entity(ef.id, d.name, d.type, list(d.aliases), d.summary, facts, list(d.links), ef.rel)


def _relations(
    ef: EntityFile, entities: dict[str, Entity], refs: _Refs, slugs: set[str], problems: Problems
) -> None:
    for i, r in enumerate(ef.data.relations):
        line = ef.lines.line_of(("relations", i, "target"))
        if not refs.entity(r.target, ef.rel, line, f"relations[{i}].target"):
            continue
        _briefing_ref(ef, ("relations", i, "source"), r.source, slugs, problems)
        forward, backward = RELATION_WORDS.get(
            r.type, (r.type.replace("-", " "), f"{r.type.replace('-', ' ')} (from)")
        )
        common = {"since": r.since, "until": r.until, "note": r.note, "source": r.source}
        entities[ef.id].relations.append(
            Relation(r.type, ef.id, r.target, forward, False, **common)
        )
        if r.target != ef.id:
            entities[r.target].relations.append(
                Relation(r.type, r.target, ef.id, backward, True, **common)
            )


def _briefing(
    seed: SeedFile, refs: _Refs, events: dict[str, Event], problems: Problems, *, keep: bool
) -> Briefing:
    d, rel, lines = seed.data, seed.rel, seed.lines

    def at(*path: str | int) -> int:
        return lines.line_of(tuple(path))

    known = refs.ids

    def ids(values: list[str], *path: str | int) -> list[str]:
        # Known ids first: finding a value's line is only worth it for a problem.
        return [
            v
            for i, v in enumerate(values)
            if v in known or refs.entity(v, rel, at(*path, i), field_label((*path, i)))
        ]

    refs.entity(d.source, rel, at("source"), "source")
    via = ids(d.via, "via")
    mentioned = ids(d.entities, "entities")
    claims: list[Claim] = []
    for i, c in enumerate(d.claims):
        by = refs.speaker(c.by, rel, at("claims", i, "by"), f"claims[{i}].by")
        ents = ids(c.entities, "claims", i, "entities")
        claims.append(
            Claim(
                c.text,
                by,
                c.basis,
                c.status,
                tuple(ents),
                seed.slug,
                i + 1,
                d.date,
                c.id,
                c.updates,
            )
        )
    quotes = [
        Quote(
            refs.speaker(q.by, rel, at("quotes", i, "by"), f"quotes[{i}].by"),
            q.text,
            q.role,
            seed.slug,
        )
        for i, q in enumerate(d.quotes)
    ]
    event_ids: list[str] = []
    seen_ids: dict[str, int] = {}
    for i, e in enumerate(d.events):
        ents = [
            v
            for j, v in enumerate(e.entities)
            if refs.entity(v, rel, at("events", i, "entities", j), f"events[{i}].entities[{j}]")
        ]
        event_id = e.id or f"{seed.slug}-event-{i + 1}"
        if event_id in seen_ids:
            problems.add(
                rel,
                at("events", i, "id"),
                f"events[{i}].id",
                f"'{event_id}' is used twice in this briefing (also events[{seen_ids[event_id]}])",
            )
            continue
        seen_ids[event_id] = i
        if e.date.earliest > d.date:
            problems.add(
                rel,
                at("events", i, "date"),
                f"events[{i}].date",
                f"'{e.date.text}' is after the article's date {d.date.isoformat()}",
                "warning",
            )
        if not keep:
            continue
        report = Report(seed.slug, e.date, e.title, rel, at("events", i, "date"))
        tags = sorted(set(e.tags) | set(d.tags))
        if event_id in events:
            event = events[event_id]
            event.reports.append(report)
            event.entities = sorted(set(event.entities) | set(ents))
            event.tags = sorted(set(event.tags) | set(tags))
            if report.date.sort_key < event.date.sort_key:
                event.date = report.date
        else:
            events[event_id] = Event(event_id, e.title, e.date, sorted(set(ents)), tags, [report])
        event_ids.append(event_id)
    return Briefing(
        slug=seed.slug,
        title=d.title,
        date=d.date,
        source=d.source,
        via=via,
        url=d.url,
        authors=list(d.authors),
        summary=d.summary,
        key_points=list(d.key_points),
        tags=list(d.tags),
        entities=mentioned,
        events=event_ids,
        claims=claims,
        quotes=quotes,
        publish=d.publish,
        draft=d.draft,
        body=seed.body,
        rel=rel,
    )


def _index(briefings: list[Briefing], entities: dict[str, Entity], events: list[Event]) -> Corpus:
    mentions: dict[str, list[str]] = defaultdict(list)
    claims_about: dict[str, list[Claim]] = defaultdict(list)
    tags: dict[str, list[str]] = defaultdict(list)
    for b in briefings:
        for c in b.claims:
            for eid in c.entities:
                claims_about[eid].append(c)
        for eid in sorted(_referenced(b)):
            mentions[eid].append(b.slug)
        for t in b.tags:
            tags[t].append(b.slug)
    events_of: dict[str, list[str]] = defaultdict(list)
    tag_events: dict[str, list[str]] = defaultdict(list)
    for e in events:
        for eid in e.entities:
            events_of[eid].append(e.id)
        for t in e.tags:
            tag_events[t].append(e.id)
    co: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    listing: dict[str, list[str]] = defaultdict(list)
    for b in briefings:
        listed = sorted(set(b.entities))
        for eid in listed:
            listing[eid].append(b.slug)
        for i, first in enumerate(listed):
            for second in listed[i + 1 :]:
                co[first][second] += 1
                co[second][first] += 1
    for rels in (e.relations for e in entities.values()):
        rels.sort(key=lambda r: (r.inverse, r.words, entities[r.other].name.casefold(), r.other))
    return Corpus(
        briefings=briefings,
        entities=dict(sorted(entities.items())),
        events=events,
        by_slug={b.slug: b for b in briefings},
        events_by_id={e.id: e for e in events},
        mentions=dict(mentions),
        claims_about=dict(claims_about),
        events_of=dict(events_of),
        tags=dict(sorted(tags.items())),
        tag_events=dict(tag_events),
        co_mentions={k: dict(v) for k, v in co.items()},
        listed=dict(listing),
    )


# --- claim threads (SPEC §2.1) ---


def check_claim_ids(sources: Sources, briefings: list[Briefing], problems: Problems) -> None:
    """Claim ids are unique, ``updates`` names a claim, threads do not loop, and later
    word comes from a briefing no older than the claim it updates (drafts included)."""
    lines = {s.slug: (s.rel, s.lines) for s in sources.seeds}

    def where(c: Claim, key: str) -> tuple[str, int, str]:
        rel, doc = lines[c.briefing]
        return rel, doc.line_of(("claims", c.number - 1, key)), f"claims[{c.number - 1}].{key}"

    named: dict[str, Claim] = {}
    for b in sorted(briefings, key=lambda b: b.slug):
        for c in b.claims:
            if c.id is None:
                continue
            first = named.get(c.id)
            if first is None:
                named[c.id] = c
                continue
            rel, line, label = where(c, "id")
            first_rel, first_line, first_label = where(first, "id")
            problems.add(
                rel,
                line,
                label,
                f"'{c.id}' is already the id of {first_label.removesuffix('.id')} in "
                f"{first_rel}:{first_line}; a claim id names one claim in the project",
            )
    elsewhere = {
        claim["id"]
        for partial in sources.partial
        if isinstance(partial.lines.value, dict)
        and isinstance(partial.lines.value.get("claims"), list)
        for claim in partial.lines.value["claims"]
        if isinstance(claim, dict) and isinstance(claim.get("id"), str)
    }
    for b in briefings:
        for c in b.claims:
            if c.updates is None:
                continue
            target = named.get(c.updates)
            rel, line, label = where(c, "updates")
            if target is None:
                if c.updates not in elsewhere:  # a seed with errors of its own may name it
                    problems.add(
                        rel,
                        line,
                        label,
                        f"unknown claim '{c.updates}'{did_you_mean(c.updates, named)}; "
                        "updates names the id of an earlier claim (give that claim an "
                        f"id: {c.updates} first)",
                    )
                continue
            if target.date > c.date:
                target_rel, target_line, _ = where(target, "id")
                problems.add(
                    rel,
                    line,
                    label,
                    f"'{c.updates}' comes from a briefing dated {target.date.isoformat()} "
                    f"({target_rel}:{target_line}), after this one's {c.date.isoformat()}; "
                    "later word normally updates an earlier claim",
                    "warning",
                )
    reported: set[str] = set()
    for start in named.values():
        path = [start]
        while path[-1].updates is not None and path[-1].updates in named:
            nxt = named[path[-1].updates]
            if nxt in path:
                loop = path[path.index(nxt) :]
                keys = frozenset(c.key for c in loop)
                if not keys & reported:
                    reported |= keys
                    first = min(loop, key=lambda c: where(c, "updates")[:2])
                    i = loop.index(first)
                    ring = [*loop[i:], *loop[:i], first]
                    rel, line, label = where(first, "updates")
                    problems.add(
                        rel,
                        line,
                        label,
                        "the thread loops: "
                        + " → ".join(f"'{c.id}'" for c in ring)
                        + "; one of these claims must update nothing (the first report)",
                    )
                break
            path.append(nxt)


def build_threads(corpus: Corpus) -> None:
    """Group the published claims into threads and work out each thread's status.

    A claim whose ``updates`` names no published claim (one in a draft, or a loop that
    the check reports) starts a thread of its own.
    """
    claims = [c for b in corpus.briefings for c in b.claims]
    by_id = {c.id: c for c in sorted(claims, key=lambda c: c.order, reverse=True) if c.id}

    def root_of(c: Claim) -> Claim:
        seen = {c.key}
        while c.updates is not None and c.updates in by_id:
            parent = by_id[c.updates]
            if parent.key in seen:  # a loop: an error already reported
                return c
            seen.add(parent.key)
            c = parent
        return c

    members: dict[str, list[Claim]] = defaultdict(list)
    roots: dict[str, Claim] = {}
    children: dict[str, dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    for c in claims:
        root = root_of(c)
        roots[root.key] = root
        members[root.key].append(c)
        if c is not root and c.updates is not None:
            children[root.key][by_id[c.updates].key].append(c)
    threads: list[Thread] = []
    for key, found in members.items():
        found.sort(key=lambda c: c.order)
        last = found[-1].date
        on_last = [c for c in found if c.date == last]
        # The latest words: the claims of the last day that nothing of that day updates
        # (a briefing may report a claim and its denial together).
        updated = {c.updates for c in on_last}
        latest = [c for c in on_last if c.id is None or c.id not in updated]
        tree = {k: sorted(v, key=lambda c: c.order) for k, v in children.get(key, {}).items()}
        threads.append(Thread(roots[key], found, thread_status(latest), latest, tree))
    group_rank = {CONTESTED: 0, "open": 1, "settled": 2}
    status_rank = {s: i for i, s in enumerate((CONTESTED, *OPEN_STATUSES, *SETTLED_STATUSES))}
    threads.sort(
        key=lambda t: (
            group_rank[status_group(t.status)],
            status_rank[t.status],
            -t.last_date.toordinal(),
            t.root.briefing,
            t.root.number,
        )
    )
    corpus.threads = threads
    corpus.thread_of = {c.key: t for t in threads for c in t.claims}
    by: dict[str, list[Claim]] = defaultdict(list)
    for b in corpus.briefings:
        for c in b.claims:
            if c.by.entity and reported(c):
                by[c.by.entity].append(c)
    corpus.claims_by = dict(by)


def record_counts(corpus: Corpus, entity_id: str) -> dict[str, int]:
    """A source's track record: of the claims it reported, how many are now confirmed,
    denied, contested or still open."""
    counts = {"confirmed": 0, "denied": 0, "contested": 0, "open": 0}
    for c in corpus.claims_by.get(entity_id, []):
        status = corpus.thread_of[c.key].status
        counts[status if status in counts else "open"] += 1
    return counts


def unused_entities(corpus: Corpus) -> list[str]:
    """Entities that no briefing refers to and no relation points at."""
    targeted = {r.other for e in corpus.entities.values() for r in e.relations if not r.inverse}
    return [eid for eid in corpus.entities if eid not in corpus.referenced | targeted]


__all__ = ["Briefing", "Claim", "Corpus", "Entity", "Event", "Path_", "Thread", "build_corpus"]
