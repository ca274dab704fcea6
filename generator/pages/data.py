"""The data files: the model as JSON (each with its JSON Schema), the Atom feed, the
calendar, and the page that documents the data files field by field.

The shapes and the writers are :mod:`generator.exports` (the search index and the
reference docs read them too); this module makes them pages of the site.
"""

from __future__ import annotations

from typing import Any

from .. import exports, paths
from .context import Context, Pages
from .kind import Kind, Step

#: The largest exports, made first (they are the largest steps of the data).
LARGEST = ("briefings", "claims")


def data_file(ctx: Context, name: str) -> Pages:
    """One data file (``data/<name>.json``) and its schema."""
    return exports.json_files(ctx.corpus, ctx.site.directory_urls, [name])


def feed_calendar_and_documentation(ctx: Context) -> Pages:
    """The feed and the calendar, plus the page that documents the data files."""
    site = ctx.site
    urls = site.directory_urls
    out: Pages = {}
    out["feed.xml"] = exports.atom_feed(ctx.corpus, site.name, site.url, directory_urls=urls)
    out["timeline.ics"] = exports.calendar(ctx.corpus, site.name, site.url, directory_urls=urls)
    shapes = []
    for name, model in exports.EXPORTS.items():
        fields = [(f, _type_name(info.annotation)) for f, info in model.model_fields.items()]
        shapes.append({"name": name, "doc": (model.__doc__ or "").strip(), "fields": fields})
    out[paths.DATA_INDEX] = ctx.render("data.md.j2", paths.DATA_INDEX, shapes=shapes)
    return out


def _type_name(annotation: Any) -> str:
    """A readable type for the data documentation: ``list[ClaimOut]``, ``str | None``."""
    text = str(annotation) if getattr(annotation, "__args__", None) else annotation.__name__
    return str(text).replace("typing.", "").replace("generator.exports.", "").replace("Out", "")


def steps(ctx: Context) -> list[Step]:
    out = [
        Step(lambda: data_file(ctx, "briefings"), 5, "writing data exports, feed and calendar"),
        Step(lambda: data_file(ctx, "claims"), 5),
        Step(lambda: feed_calendar_and_documentation(ctx), 4),
    ]
    rest = [name for name in exports.EXPORTS if name not in LARGEST]
    out += [Step(lambda name=name: data_file(ctx, name), 2) for name in rest]  # type: ignore[misc]
    return out


KIND = Kind(name="data", generated=("data/", "feed.xml", "timeline.ics"), steps=steps)
