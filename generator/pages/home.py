"""The home page: the latest briefings, the latest events and the entities by type (the
most mentioned of each, when a type has many)."""

from __future__ import annotations

from typing import Any

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
        entity_groups=entity_groups(ctx),
    )
    return {paths.HOME: text}


def entity_groups(ctx: Context) -> list[dict[str, Any]]:
    """The entities by type, at most HOME_ENTITIES of each (the most mentioned, by name),
    with a link to where the directory lists them all when there are more."""
    corpus = ctx.corpus
    links = ctx.links(paths.HOME)
    groups = ctx.entity_groups()
    before = 0  # entities of the types before this one: where it starts in the directory
    for group in groups:
        members = group["entities"]
        limit = settings.HOME_ENTITIES
        group["more"] = ""
        if len(members) > limit:
            mentioned = sorted(members, key=lambda e: -len(corpus.mentions.get(e.id, ())))
            shown = {e.id for e in mentioned[:limit]}
            n = before // settings.DIRECTORY_LIMIT + 1
            doc = paths.ENTITIES_INDEX if n == 1 else paths.entities_page_doc(n)
            group["more"] = links.page(doc, f"All {len(members)} →")
            group["entities"] = [e for e in members if e.id in shown]
        before += len(members)
    return groups


def steps(ctx: Context) -> list[Step]:
    return [Step(lambda: home(ctx), weight=1)]


KIND = Kind(name="home", generated=("index.md",), steps=steps)
