"""The home page: the latest briefings, the latest events and the entities by type."""

from __future__ import annotations

from .. import paths, settings
from .context import Context, Pages
from .kind import Kind, Step


def home(ctx: Context) -> Pages:
    corpus = ctx.corpus
    recent = sorted(corpus.events, key=lambda e: e.sort_key, reverse=True)[: settings.HOME_EVENTS]
    text = ctx.render(
        "home.md.j2",
        paths.HOME,
        site_name=ctx.site.name,
        site_description=ctx.site.description,
        counts={
            "briefings": len(corpus.briefings),
            "entities": len(corpus.entities),
            "events": len(corpus.events),
        },
        latest=[ctx.views[b.slug] for b in corpus.briefings[: settings.HOME_BRIEFINGS]],
        recent_events=recent,
        entity_groups=ctx.entity_groups(),
    )
    return {paths.HOME: text}


def steps(ctx: Context) -> list[Step]:
    return [Step(lambda: home(ctx), weight=1)]


KIND = Kind(name="home", generated=("index.md",), steps=steps)
