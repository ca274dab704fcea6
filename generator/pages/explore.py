"""The browse page: search and facets, which run in the reader's browser (``search.js``, see :mod:`generator.search`)."""

from __future__ import annotations

from .. import paths
from .context import Context, Pages
from .kind import Kind, Step


def explore(ctx: Context) -> Pages:
    return {paths.EXPLORE_INDEX: ctx.render("explore.md.j2", paths.EXPLORE_INDEX)}


def steps(ctx: Context) -> list[Step]:
    return [Step(lambda: explore(ctx), weight=0)]


KIND = Kind(name="explore", generated=("explore/",), steps=steps)
