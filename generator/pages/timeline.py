"""The timeline: every reported event by year and month, drawn and listed, split into a
page per year, a page per month and a page per run of days as the project grows
(:mod:`.placement`)."""

from __future__ import annotations

import re

from markupsafe import Markup

from .. import paths
from ..model import Event
from .context import EVENTS_LIST_ID, Context, Pages
from .kind import Kind, Step
from .placement import timeline_groups, timeline_title

#: The timeline is the largest of the whole-project steps: it is made in this many parts.
PARTS = 4


def pages(ctx: Context, share: tuple[int, int] = (0, 1)) -> Pages:
    """The timeline pages, split by year, by month and by runs of days as the project grows.

    A page that has sub-pages (the main timeline, a split year or month) lists them with
    counts.
    With ``share`` ``(k, n)``, only every n-th page from the k-th: the timeline is
    the largest step of the whole-project pages, so it is shared out in parts.
    """
    by_page: dict[str, list[Event]] = {paths.TIMELINE_INDEX: []}
    for e in ctx.corpus.events:
        by_page.setdefault(ctx.placement[e.id], []).append(e)
    children: dict[str, set[str]] = {}
    for doc in list(by_page):
        # A page lists its sub-pages: the timeline its years, a split year its months,
        # a split month its runs of days.
        parts = doc.removeprefix("timeline/").removesuffix(".md").split("/")
        while doc != paths.TIMELINE_INDEX:
            parts = parts[:-1]
            parent = (
                paths.TIMELINE_INDEX
                if not parts
                else paths.timeline_year_doc(int(parts[0]))
                if len(parts) == 1
                else paths.timeline_month_doc(int(parts[0]), int(parts[1]))
            )
            by_page.setdefault(parent, [])
            children.setdefault(parent, set()).add(doc)
            doc = parent

    def count(doc: str) -> int:
        return len(by_page[doc]) + sum(count(child) for child in children.get(doc, ()))

    out: dict[str, str] = {}
    k, n = share
    for doc, members in list(by_page.items())[k::n]:
        title = timeline_title(doc, members)
        years = timeline_groups(members)
        lists = [group for year in years for group in year["groups"]]
        for number, group in enumerate(lists, 1):
            group["id"] = f"{EVENTS_LIST_ID}-{number}"
        caption = (
            "Every reported event over time"
            if doc == paths.TIMELINE_INDEX
            else f"Events of {title.removeprefix('Timeline ')}"
        )
        rows = [
            (timeline_title(child, by_page[child]).removeprefix("Timeline "), child, count(child))
            for child in sorted(children.get(doc, ()), key=_in_order)
        ]
        out[doc] = ctx.render(
            "timeline.md.j2",
            doc,
            title=title,
            years=years,
            drawing=(
                ctx.drawing(doc, members, caption, " ".join(g["id"] for g in lists))
                if members
                else Markup("")
            ),
            year_pages=rows,
        )
    return out


def _in_order(doc: str) -> list[int]:
    """``timeline/2025/01/01-2.md`` → [2025, 1, 1, 2]: sub-pages in date order (as text,
    ``01-2`` would come before ``01``)."""
    return [int(n) for n in re.findall(r"\d+", doc)]


def steps(ctx: Context) -> list[Step]:
    return [
        Step(
            lambda k=k: pages(ctx, (k, PARTS)),  # type: ignore[misc]
            weight=3,
            stage="rendering the timeline" if k == 0 else None,
        )
        for k in range(PARTS)
    ]


KIND = Kind(name="timeline", generated=("timeline/",), steps=steps)
