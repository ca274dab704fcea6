"""Where the timeline files each event: one page, a page per year, a page per month, or,
for a month with more events than a page holds, a page per run of days.

The timeline's own pages, the drawn timelines of entity cards and tag pages (their
marks link to the event on its timeline page) and the keys of every page that
lists an event (:mod:`.reads`) all read this one placement.
"""

from __future__ import annotations

import datetime
from typing import Any

from .. import paths, settings
from ..fuzzydate import MONTH_NAMES
from ..model import Event


def timeline_pages(events: list[Event]) -> dict[str, str]:
    """Which timeline page lists each event (by id): one page; or a page per year; or, for
    a year with too many events, a page per month (by the event's earliest month); or, for
    a month with too many, a page per run of whole days (:func:`month_parts`).

    Every page then lists at most TIMELINE_PAGE_LIMIT events, whatever the project's
    size.
    """
    limit = settings.TIMELINE_PAGE_LIMIT
    if len(events) <= limit:
        return {e.id: paths.TIMELINE_INDEX for e in events}
    per_year: dict[int, int] = {}
    per_month: dict[tuple[int, int], list[Event]] = {}
    for e in events:
        day = anchor(e)
        per_year[day.year] = per_year.get(day.year, 0) + 1
        per_month.setdefault((day.year, day.month), []).append(e)
    where: dict[str, str] = {}
    for (y, m), members in per_month.items():
        if per_year[y] <= limit:
            doc = paths.timeline_year_doc(y)
            where.update((e.id, doc) for e in members)
        elif len(members) <= limit:
            doc = paths.timeline_month_doc(y, m)
            where.update((e.id, doc) for e in members)
        else:
            where.update(month_parts(y, m, members, limit))
    return where


def month_parts(y: int, m: int, members: list[Event], limit: int) -> dict[str, str]:
    """A crowded month's events by page: runs of whole days, each as long as fits in
    ``limit`` events, named by its first day (``timeline/2025/01/09.md``).  A day with
    more than ``limit`` events on its own (1 January gathers "2025", "Q1 2025" and
    "January 2025") is cut into pages of ``limit``: ``01.md``, ``01-2.md``…"""
    per_day: dict[int, list[Event]] = {}
    for e in members:
        per_day.setdefault(anchor(e).day, []).append(e)
    where: dict[str, str] = {}
    start, held = 0, 0
    for day in sorted(per_day):
        events = per_day[day]
        if held and held + len(events) > limit:
            start, held = 0, 0
        if len(events) > limit:
            for n in range(0, len(events), limit):
                doc = paths.timeline_part_doc(y, m, day, n // limit + 1)
                where.update((e.id, doc) for e in events[n : n + limit])
            continue
        if not held:
            start = day
        held += len(events)
        doc = paths.timeline_part_doc(y, m, start)
        where.update((e.id, doc) for e in events)
    return where


def anchor(event: Event) -> datetime.date:
    """The day an event is filed under: its earliest possible day (its latest for an open start)."""
    d = event.date
    return d.latest if d.open_start else d.earliest


def year(event: Event) -> int:
    return anchor(event).year


def timeline_title(doc: str, members: list[Event] | None = None) -> str:
    """``timeline/2025/08.md`` → "Timeline August 2025"; ``timeline/2025.md`` → "Timeline
    2025"; a run of days, ``timeline/2025/01/09.md`` with its ``members`` (the last day
    is that of the latest of them) → "Timeline 9–17 January 2025"; the second page of
    a crowded day, ``timeline/2025/01/01-2.md`` → "Timeline 1 January 2025 (part 2)"."""
    if doc == paths.TIMELINE_INDEX:
        return "Timeline"
    parts = doc.removeprefix("timeline/").removesuffix(".md").split("/")
    if len(parts) == 3:
        month = f"{MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
        first, _, part = parts[2].partition("-")
        last = max((anchor(e).day for e in members or ()), default=int(first))
        days = f"{int(first)}–{last}" if last != int(first) else str(last)
        return f"Timeline {days} {month}" + (f" (part {part})" if part else "")
    if len(parts) == 2:
        return f"Timeline {MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    return f"Timeline {parts[0]}"


def timeline_groups(events: list[Event]) -> list[dict[str, Any]]:
    """Events (already in order) grouped by year, then by month or by their own span.

    An event inside one month sits under that month; one that spans more
    ("Early 2025", "Q3 2025") sits under its own words, never under a month it
    may not belong to.
    """
    years: list[dict[str, Any]] = []
    for e in events:
        d = e.date
        year_title = str((d.latest if d.open_start else d.earliest).year)
        if d.open_start:
            group_title = d.words()
        elif (d.earliest.year, d.earliest.month) == (d.latest.year, d.latest.month):
            group_title = f"{MONTH_NAMES[d.earliest.month - 1]} {d.earliest.year}"
        else:
            group_title = d.words()
        if not years or years[-1]["title"] != year_title:
            years.append({"title": year_title, "groups": []})
        groups = years[-1]["groups"]
        if not groups or groups[-1]["title"] != group_title:
            groups.append({"title": group_title, "events": []})
        groups[-1]["events"].append(e)
    return years
