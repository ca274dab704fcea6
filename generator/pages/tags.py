"""Tags: a page per tag (a unit) with its briefings and events, and the list of tags."""

from __future__ import annotations

from .. import paths
from ..model import Corpus
from .context import Context, Pages
from .kind import Kind, Step
from .reads import Reads, Row, listed


def units(corpus: Corpus) -> list[str]:
    return list(corpus.tags)


def render(ctx: Context, tag: str) -> Pages:
    """A tag's page: its briefings and its events, drawn."""
    out: Pages = {}
    events = [ctx.corpus.events_by_id[i] for i in ctx.corpus.tag_events.get(tag, [])]
    page = paths.tag_doc(tag)
    briefings, more_briefings = ctx.cut(
        out,
        page,
        "briefings",
        f"Briefings tagged {tag}",
        [ctx.views[s] for s in ctx.corpus.tags[tag]],
        lambda L, x: L.briefing_item(x),
    )
    shown_events, more_events = ctx.cut(
        out, page, "events", f"Events tagged {tag}", events, lambda L, x: L.event_item(x)
    )
    text = ctx.render(
        "tag.md.j2",
        page,
        tag=tag,
        briefings=briefings,
        more_briefings=more_briefings,
        events=shown_events,
        more_events=more_events,
        drawing=ctx.drawing(page, events, f"Events tagged {tag}"),
    )
    return {page: text, **out}


def reads(r: Reads, tag: str) -> list[Row]:
    c = r.corpus
    rows = [r.settings(), r.names(), listed(f"tags:{tag}")]
    for slug in c.tags[tag]:
        rows.append(r.card(slug, f"tagged {slug}"))
    rows.append(listed(f"tag_events:{tag}"))
    for eid in c.tag_events.get(tag, []):
        rows.append(r.event(c.events_by_id[eid]))
    return rows


def index(ctx: Context) -> Pages:
    """Every tag, with how many briefings and events carry it."""
    rows = [(t, len(s), len(ctx.corpus.tag_events.get(t, []))) for t, s in ctx.corpus.tags.items()]
    return {paths.TAGS_INDEX: ctx.render("tags.md.j2", paths.TAGS_INDEX, tags=rows)}


def steps(ctx: Context) -> list[Step]:
    return [Step(lambda: index(ctx), weight=1)]


KIND = Kind(
    name="tag",
    generated=("tags/",),
    units=units,
    render=render,
    reads=reads,
    steps=steps,
    example="tags/ai-chips",
)
