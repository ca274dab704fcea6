"""Site settings and the limits every page kind shares.

This module imports nothing of the package, so that any other module may import it
without making a cycle.  The limits are read as ``settings.LIST_LIMIT`` (not copied
by ``from … import``) so that a test can lower one in one place; every unit's cache
key covers all of them (:func:`limits`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SiteInfo:
    """What the page kinds need from the site settings."""

    name: str = "Briefing"
    description: str = ""
    directory_urls: bool = True
    url: str | None = None
    #: images from other hosts in bodies: ``link`` (shown as links) or ``keep``
    remote_images: str = "link"


#: ``extra.briefing.remote_images``: images from other hosts shown as links, or loaded.
REMOTE_IMAGE_MODES = ("link", "keep")
#: ``extra.briefing.max_file_bytes`` unless set: a seed or entity file larger is refused.
DEFAULT_MAX_BYTES = 1_000_000
#: The builders that can build the generated docs/, by the name used in mkdocs.yml.
BUILDERS = ("mkdocs", "properdocs", "zensical")

# --- limits that keep every page's size bounded as a project grows ---

#: Briefings and events on the home page.
HOME_BRIEFINGS = 10
HOME_EVENTS = 10
#: Entities of each type named on the home page (the most mentioned; the directory has all).
HOME_ENTITIES = 40
#: Entities on one page of the entity directory (about 180 KB of HTML).
DIRECTORY_LIMIT = 1000
#: Above this many events the timeline gets one page per year, a year one page per month,
#: and a month one page per run of days.
TIMELINE_PAGE_LIMIT = 150
#: Longest list on one page: longer ones show their first items and link to numbered list pages,
#: so that no page grows with the project.
LIST_LIMIT = 100
#: At most this many events are drawn on one entity card or tag page (the list has them all).
DRAWN_EVENTS = 60
#: Neighbours drawn around an entity, and entities drawn on the network page.
GRAPH_NEIGHBOURS = 14
GRAPH_NODES = 60
#: Rows of the relations table on the network page (each entity card lists its own in full).
GRAPH_TABLE_ROWS = 300
#: Later words shown under a claim on its briefing's page (the claims page has them all).
LATER_WORDS = 10
#: Below this many settled claims a source's record is given as counts ("3 of 4"), never
#: as a rate, which would make a handful of claims look like evidence.
RATE_MINIMUM = 10

_LIMITS = (
    "HOME_BRIEFINGS",
    "HOME_EVENTS",
    "HOME_ENTITIES",
    "DIRECTORY_LIMIT",
    "TIMELINE_PAGE_LIMIT",
    "LIST_LIMIT",
    "DRAWN_EVENTS",
    "GRAPH_NEIGHBOURS",
    "GRAPH_NODES",
    "GRAPH_TABLE_ROWS",
    "LATER_WORDS",
    "RATE_MINIMUM",
)


def limits() -> tuple[tuple[str, int], ...]:
    """Every limit by name, as set now: a change to any of them is a change to every page."""
    here = globals()
    return tuple((name, here[name]) for name in _LIMITS)
