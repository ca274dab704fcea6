"""Where the timeline files each event: one page, a page per year, or a page per month.

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
    a year with too many events, a page per month (by the event's earliest month)."""
    if len(events) <= settings.TIMELINE_PAGE_LIMIT:
        return {e.id: paths.TIMELINE_INDEX for e in events}
    per_year: dict[int, int] = {}
    for e in events:
        per_year[year(e)] = per_year.get(year(e), 0) + 1
    where = {}
    for e in events:
        y = year(e)
        if per_year[y] <= settings.TIMELINE_PAGE_LIMIT:
            where[e.id] = paths.timeline_year_doc(y)
        else:
            where[e.id] = paths.timeline_month_doc(y, anchor(e).month)
    return where


def anchor(event: Event) -> datetime.date:
    """The day an event is filed under: its earliest possible day (its latest for an open start)."""
    d = event.date
    return d.latest if d.open_start else d.earliest


def year(event: Event) -> int:
    return anchor(event).year


def timeline_title(doc: str) -> str:
    """``timeline/2025/08.md`` → "Timeline August 2025"; ``timeline/2025.md`` → "Timeline 2025"."""
    if doc == paths.TIMELINE_INDEX:
        return "Timeline"
    parts = doc.removeprefix("timeline/").removesuffix(".md").split("/")
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
