"""The model as data for use outside the site: JSON (with JSON Schemas), Atom, iCalendar.

Every export is deterministic: no clock is read.  The feed's and calendar's
timestamps come from the content (the newest briefing's date), or from
``SOURCE_DATE_EPOCH`` when that is set.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter

from . import paths
from .fuzzydate import FuzzyDate, day_words
from .model import Briefing, Claim, Corpus, Entity, Event, Speaker, Thread

DATA_DIR = "data"


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class SpeakerOut(_Out):
    entity: str | None
    text: str


class ClaimOut(_Out):
    text: str
    by: SpeakerOut
    basis: str | None
    status: str
    entities: list[str]
    id: str | None
    updates: str | None


class QuoteOut(_Out):
    by: SpeakerOut
    role: str | None
    text: str


class BriefingOut(_Out):
    """One briefing, as in /data/briefings.json."""

    slug: str
    url: str
    title: str
    date: str
    source: str
    via: list[str]
    source_url: str | None
    authors: list[str]
    summary: str
    key_points: list[str]
    tags: list[str]
    entities: list[str]
    events: list[str]
    claims: list[ClaimOut]
    quotes: list[QuoteOut]
    publish: str
    draft: bool


class DateOut(_Out):
    """A fuzzy date: the text as written, the span it covers and how a person says it."""

    text: str
    words: str
    earliest: str | None
    latest: str | None
    precision: str
    approximate: bool
    uncertain: bool


class ReportOut(_Out):
    briefing: str
    date: DateOut
    title: str


class EventOut(_Out):
    """One event, as in /data/events.json; several briefings may report it."""

    id: str
    title: str
    date: DateOut
    entities: list[str]
    tags: list[str]
    reports: list[ReportOut]
    dates_conflict: bool


class FactOut(_Out):
    label: str
    value: str
    source: str | None


class RelationOut(_Out):
    type: str
    words: str
    other: str
    direction: str
    since: str | None
    until: str | None
    note: str | None
    source: str | None


class EntityOut(_Out):
    """One entity, as in /data/entities.json."""

    id: str
    url: str
    name: str
    type: str
    aliases: list[str]
    summary: str | None
    facts: list[FactOut]
    relations: list[RelationOut]
    links: list[str]
    briefings: list[str]
    events: list[str]


class ThreadClaimOut(_Out):
    """One word on a thread: a claim, where it was made and what it updates."""

    key: str
    id: str | None
    updates: str | None
    briefing: str
    url: str
    date: str
    text: str
    by: SpeakerOut
    basis: str | None
    status: str
    entities: list[str]


class ThreadOut(_Out):
    """A claim thread, as in /data/claims.json: a claim and every claim that updates it,
    transitively, in date order; its status is that of its latest words (contested when
    they disagree)."""

    key: str
    status: str
    group: str
    latest: list[str]
    claims: list[ThreadClaimOut]
    briefings: list[str]


EXPORTS: dict[str, type[_Out]] = {
    "briefings": BriefingOut,
    "entities": EntityOut,
    "events": EventOut,
    "claims": ThreadOut,
}


# The records are plain dicts, made field by field in the order of the models above
# (which document the shapes and give the JSON Schemas): building and dumping a
# pydantic model per record cost seconds at 10,000 briefings.  A test checks every
# record against the schema.


def _speaker(s: Speaker) -> dict[str, Any]:
    return {"entity": s.entity, "text": s.text}


def _claim(c: Claim) -> dict[str, Any]:
    return {
        "text": c.text,
        "by": _speaker(c.by),
        "basis": c.basis,
        "status": c.status,
        "entities": list(c.entities),
        "id": c.id,
        "updates": c.updates,
    }


def thread_out(t: Thread, directory_urls: bool = True) -> dict[str, Any]:
    """A thread as in /data/claims.json (:class:`ThreadOut`)."""
    from .model import status_group

    return {
        "key": t.key,
        "status": t.status,
        "group": status_group(t.status),
        "latest": [c.key for c in t.latest],
        "claims": [
            {
                "key": c.key,
                "id": c.id,
                "updates": c.updates,
                "briefing": c.briefing,
                "url": paths.doc_url(paths.briefing_doc(c.briefing), directory_urls)
                + f"#claim-{c.number}",
                "date": c.date.isoformat(),
                "text": c.text,
                "by": _speaker(c.by),
                "basis": c.basis,
                "status": c.status,
                "entities": list(c.entities),
            }
            for c in t.claims
        ],
        "briefings": list(dict.fromkeys(c.briefing for c in t.claims)),
    }


def _date(d: FuzzyDate) -> dict[str, Any]:
    return {
        "text": d.text,
        "words": d.words(),
        "earliest": None if d.open_start else d.earliest.isoformat(),
        "latest": None if d.open_end else d.latest.isoformat(),
        "precision": d.precision,
        "approximate": d.approximate,
        "uncertain": d.uncertain,
    }


def briefing_out(b: Briefing, directory_urls: bool = True) -> dict[str, Any]:
    """A briefing as in /data/briefings.json (:class:`BriefingOut`)."""
    return {
        "slug": b.slug,
        "url": paths.doc_url(paths.briefing_doc(b.slug), directory_urls),
        "title": b.title,
        "date": b.date.isoformat(),
        "source": b.source,
        "via": list(b.via),
        "source_url": b.url,
        "authors": list(b.authors),
        "summary": b.summary_text,
        "key_points": list(b.key_points),
        "tags": list(b.tags),
        "entities": list(b.entities),
        "events": list(b.events),
        "claims": [_claim(c) for c in b.claims],
        "quotes": [{"by": _speaker(q.by), "role": q.role, "text": q.text} for q in b.quotes],
        "publish": b.publish,
        "draft": b.draft,
    }


def event_out(e: Event) -> dict[str, Any]:
    """An event as in /data/events.json (:class:`EventOut`)."""
    return {
        "id": e.id,
        "title": e.title,
        "date": _date(e.date),
        "entities": list(e.entities),
        "tags": list(e.tags),
        "reports": [
            {"briefing": r.briefing, "date": _date(r.date), "title": r.title} for r in e.reports
        ],
        "dates_conflict": e.conflicting,
    }


def entity_out(e: Entity, corpus: Corpus, directory_urls: bool = True) -> dict[str, Any]:
    """An entity as in /data/entities.json (:class:`EntityOut`)."""
    return {
        "id": e.id,
        "url": paths.doc_url(paths.entity_doc(e.id), directory_urls),
        "name": e.name,
        "type": e.type,
        "aliases": list(e.aliases),
        "summary": e.summary,
        "facts": [{"label": f.label, "value": f.value, "source": f.source} for f in e.facts],
        "relations": [
            {
                "type": r.type,
                "words": r.words,
                "other": r.other,
                "direction": "in" if r.inverse else "out",
                "since": r.since,
                "until": r.until,
                "note": r.note,
                "source": r.source,
            }
            for r in e.relations
        ],
        "links": list(e.links),
        "briefings": list(corpus.mentions.get(e.id, [])),
        "events": list(corpus.events_of.get(e.id, [])),
    }


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def _dump_records(records: list[Any]) -> str:
    """A JSON array with one record per line: readable, diffable, and written by the C
    encoder (``indent`` would make Python fall back to its much slower pure-Python one)."""
    if not records:
        return "[]\n"
    lines = ",\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    return f"[\n{lines}\n]\n"


def json_files(
    corpus: Corpus, directory_urls: bool = True, names: Iterable[str] = EXPORTS
) -> dict[str, str]:
    """``data/*.json`` and their schemas ``data/*.schema.json`` (of the exports ``names``)."""
    records: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "briefings": lambda: [briefing_out(b, directory_urls) for b in corpus.briefings],
        "entities": lambda: [
            entity_out(e, corpus, directory_urls) for e in corpus.entities.values()
        ],
        "events": lambda: [event_out(e) for e in corpus.events],
        "claims": lambda: [thread_out(t, directory_urls) for t in corpus.threads],
    }
    out: dict[str, str] = {}
    for name in names:
        out[f"{DATA_DIR}/{name}.json"] = _dump_records(records[name]())
        out[f"{DATA_DIR}/{name}.schema.json"] = _schema_text(name)
    return out


@functools.cache
def _schema_text(name: str) -> str:
    model = EXPORTS[name]
    schema = TypeAdapter(list[model]).json_schema()  # type: ignore[valid-type]
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{name}.json",
        **schema,
    }
    return _dump(schema)


def build_time(corpus: Corpus) -> datetime.datetime:
    """The time stamped into feeds and calendars: SOURCE_DATE_EPOCH, else the newest briefing's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(min(int(epoch), _LATEST_STAMP), tz=datetime.UTC)
    newest = max((b.date for b in corpus.briefings), default=datetime.date(2000, 1, 1))
    # Clamped to what 32-bit time stamps (gzip headers, zip files) can hold.
    newest = min(newest, datetime.date(2105, 12, 31))
    return datetime.datetime(newest.year, newest.month, newest.day, tzinfo=datetime.UTC)


_LATEST_STAMP = int(datetime.datetime(2105, 12, 31, tzinfo=datetime.UTC).timestamp())


def atom_feed(
    corpus: Corpus,
    site_name: str,
    site_url: str | None,
    limit: int = 50,
    directory_urls: bool = True,
) -> str:
    """``feed.xml``: the newest briefings as an Atom feed (feedgen writes and escapes the XML)."""
    from feedgen.feed import FeedGenerator

    base = (site_url or "").rstrip("/") + "/" if site_url else ""
    fg = FeedGenerator()
    fg.id(base + "feed.xml" if base else "urn:briefing:" + _urn(site_name))
    fg.title(site_name)
    fg.link(href=base or "./", rel="alternate")
    if base:
        fg.link(href=base + "feed.xml", rel="self")
    fg.updated(build_time(corpus))
    fg.generator("briefing")
    fg.language("en")
    for b in reversed(corpus.briefings[:limit]):
        when = datetime.datetime(b.date.year, b.date.month, b.date.day, tzinfo=datetime.UTC)
        link = base + paths.doc_url(paths.briefing_doc(b.slug), directory_urls)
        entry = fg.add_entry()
        entry.id(link if base else f"urn:briefing:{_urn(site_name)}:{b.slug}")
        entry.title(b.title)
        entry.link(href=link or paths.doc_url(paths.briefing_doc(b.slug), directory_urls))
        entry.published(when)
        later = _later_word(corpus, b)
        last = max((w.date for w in later), default=b.date)
        entry.updated(datetime.datetime(last.year, last.month, last.day, tzinfo=datetime.UTC))
        entry.summary(b.summary_text)
        if b.claims:
            entry.content(_feed_claims(corpus, b), type="html")
        entry.author(name=corpus.entity_name(b.source))
        for tag in b.tags:
            entry.category(term=tag)
    data: bytes = fg.atom_str(pretty=True)
    return data.decode("utf-8")


def _later_word(corpus: Corpus, b: Briefing) -> list[Claim]:
    """Every later word on the briefing's claims: an entry is updated when one arrives."""
    found: list[Claim] = []
    for c in b.claims:
        thread = corpus.thread_of.get(c.key)
        if thread is not None:
            found += thread.later(c)
    return found


def _feed_claims(corpus: Corpus, b: Briefing) -> str:
    """The briefing's claims for a feed entry: each with its status, who makes it, and
    the later word on it (feedgen escapes this HTML as the entry's content)."""
    from html import escape

    items = []
    for c in b.claims:
        thread = corpus.thread_of.get(c.key)
        words = [
            f"later {w.status.replace('-', ' ')} by {corpus.entity_name(w.by.entity or '') if w.by.entity else w.by.text}, "
            f"{day_words(w.date)}"
            for w in (thread.later(c) if thread else [])
        ]
        if thread is not None and words and thread.status == "contested":
            words.append("contested: the latest words disagree")
        by = corpus.entity_name(c.by.entity) if c.by.entity else c.by.text
        note = "".join(f"; {escape(w)}" for w in words)
        items.append(
            f"<li>{escape(c.status.replace('-', ' '))}: {escape(c.text)} ({escape(by)}){note}</li>"
        )
    summary = f"<p>{escape(b.summary_text)}</p>\n" if b.summary_text else ""
    return f"{summary}<p>Claims:</p>\n<ul>\n" + "\n".join(items) + "\n</ul>"


def _urn(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "site"


def calendar(
    corpus: Corpus, site_name: str, site_url: str | None, directory_urls: bool = True
) -> str:
    """``timeline.ics``: events as all-day entries.

    A day-precision event is one all-day entry; a fuzzy but bounded date
    ("Early 2025", "2025-08~") is an all-day entry over its whole span, its
    description saying how the report dated it; an open-ended interval has no
    span to show and is left out.  Written directly (escaped and folded per RFC
    5545): a calendar library spent seconds folding lines in a large project.
    """
    stamp = build_time(corpus).strftime("%Y%m%dT%H%M%SZ")
    domain = _urn(site_name)
    base = (site_url or "").rstrip("/") + "/" if site_url else ""
    timeline = base + paths.doc_url(paths.TIMELINE_INDEX, directory_urls) if base else ""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_ical_text(f'-//briefing//{site_name}//EN')}",
        f"X-WR-CALNAME:{_ical_text(site_name)}",
    ]
    for e in corpus.events:
        d = e.date
        if d.open_start or d.open_end:
            continue
        sources = ", ".join(
            corpus.by_slug[r.briefing].title for r in e.reports if r.briefing in corpus.by_slug
        )
        end = d.latest + datetime.timedelta(days=1)
        lines += [
            "BEGIN:VEVENT",
            f"SUMMARY:{_ical_text(e.title)}",
            f"DTSTART;VALUE=DATE:{d.earliest.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{end.strftime('%Y%m%d')}",
            f"DTSTAMP:{stamp}",
            f"UID:{_ical_text(f'{e.id}@{domain}')}",
        ]
        if e.tags:
            lines.append("CATEGORIES:" + ",".join(_ical_text(tag) for tag in e.tags))
        lines.append(
            "DESCRIPTION:" + _ical_text(f"Date as reported: {d.words()}. Reported in: {sources}.")
        )
        if timeline:
            lines.append(f"URL:{timeline}#ev-{e.id}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def _ical_text(value: str) -> str:
    """An iCalendar TEXT value (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str, limit: int = 75) -> str:
    """Fold a content line at ``limit`` octets (RFC 5545 §3.1), never inside a UTF-8
    character and never right after a backslash, so an escape stays in one piece."""
    data = line.encode("utf-8")
    if len(data) <= limit:
        return line
    parts: list[bytes] = []
    start = 0
    room = limit
    while len(data) - start > room:
        end = start + room
        while end > start + 1 and (data[end] & 0xC0) == 0x80:  # a continuation byte
            end -= 1
        if data[end - 1] == 0x5C and end > start + 1:  # "\\": keep it with what it escapes
            end -= 1
        parts.append(data[start:end])
        start = end
        room = limit - 1  # continuation lines start with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")
