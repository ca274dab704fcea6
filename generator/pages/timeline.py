"""The timeline: every reported event by year and month, drawn and listed, split into a
page per year and a page per month as the project grows (:mod:`.placement`)."""

from __future__ import annotations

from markupsafe import Markup

from .. import paths
from ..model import Event
from .context import EVENTS_LIST_ID, Context, Pages
from .kind import Kind, Step
from .placement import timeline_groups, timeline_title

#: The timeline is the largest of the whole-project steps: it is made in this many parts.
PARTS = 4


def pages(ctx: Context, share: tuple[int, int] = (0, 1)) -> Pages:
    """The timeline pages, split by year and then by month as the project grows.

    A page that has sub-pages (the main timeline, a split year) lists them with counts.
    With ``share`` ``(k, n)``, only every n-th page from the k-th: the timeline is
    the largest step of the whole-project pages, so it is shared out in parts.
    """
    by_page: dict[str, list[Event]] = {paths.TIMELINE_INDEX: []}
    for e in ctx.corpus.events:
        by_page.setdefault(ctx.placement[e.id], []).append(e)
    children: dict[str, set[str]] = {}
    for doc in list(by_page):
        if doc == paths.TIMELINE_INDEX:
            continue
        parts = doc.removeprefix("timeline/").removesuffix(".md").split("/")
        year_doc = paths.timeline_year_doc(int(parts[0]))
        if len(parts) == 2:  # a month of a split year
            by_page.setdefault(year_doc, [])
            children.setdefault(year_doc, set()).add(doc)
        children.setdefault(paths.TIMELINE_INDEX, set()).add(year_doc)

    def count(doc: str) -> int:
        return len(by_page[doc]) + sum(count(child) for child in children.get(doc, ()))

    out: dict[str, str] = {}
    k, n = share
    for doc, members in list(by_page.items())[k::n]:
        title = timeline_title(doc)
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
            (timeline_title(child).removeprefix("Timeline "), child, count(child))
            for child in sorted(children.get(doc, ()))
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
