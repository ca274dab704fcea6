"""What every page kind renders with: the model, the site settings, the templates, the
mention finder, and the helpers for long lists, pagers and drawn timelines.

A :class:`Context` holds nothing a render changes: a page kind's renderer returns
its pages (``{docs path: Markdown}``), the numbered list pages of a long list
included, so rendering a unit twice gives the same pages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from markupsafe import Markup

from .. import paths, settings, svg
from ..markup import MentionFinder
from ..model import Corpus, Event
from ..settings import SiteInfo
from .links import BriefingView, Links, make_environment, make_view
from .placement import timeline_pages

#: Entity types as the pages name them: (one, many).
TYPE_TITLES = {
    "company": ("Company", "Companies"),
    "person": ("Person", "People"),
    "product": ("Product", "Products"),
    "organization": ("Organization", "Organizations"),
    "government": ("Government", "Governments"),
    "media": ("Media", "Media"),
    "place": ("Place", "Places"),
    "other": ("Other", "Other"),
}
#: Ids of the lists and tables that carry a drawing's facts as text: the drawing's
#: ``aria-describedby`` names them (the timeline page numbers its lists, one a month).
EVENTS_LIST_ID = "bf-events"
RELATIONS_LIST_ID = "bf-relations"
CO_MENTIONED_ID = "bf-co-mentioned"

#: Pages rendered: docs path → Markdown (or another text file's contents).
Pages = dict[str, str]
#: A list item drawn with the list page's links.
Item = Callable[[Links, Any], Markup]


class GroupedPages(NamedTuple):
    """A long list in groups, cut into numbered pages (:func:`grouped_pages`)."""

    #: The pages' docs paths, the first one's first.
    docs: list[str]
    #: Each page's groups, in order: (group, its items on that page).
    groups: list[list[tuple[str, list[Any]]]]
    #: Each group's first page (from 1) and its number of items.
    starts: dict[str, tuple[int, int]]


def grouped_pages(
    items: Sequence[Any],
    group: Callable[[Any], str],
    first: str,
    later: Callable[[int], str],
    limit: int,
) -> GroupedPages:
    """``items`` (already in group order) cut into pages of ``limit``, each page's items
    grouped by ``group``; page 1 is ``first`` and page n is ``later(n)``.  A group that
    runs over a page boundary continues on the next page."""
    chunks = [items[i : i + limit] for i in range(0, len(items), limit)] or [[]]
    docs = [first] + [later(n) for n in range(2, len(chunks) + 1)]
    pages: list[list[tuple[str, list[Any]]]] = []
    starts: dict[str, tuple[int, int]] = {}
    for n, chunk in enumerate(chunks, 1):
        groups: list[tuple[str, list[Any]]] = []
        for x in chunk:
            name = group(x)
            if not groups or groups[-1][0] != name:
                groups.append((name, []))
            groups[-1][1].append(x)
            page, count = starts.get(name, (n, 0))
            starts[name] = (page, count + 1)
        pages.append(groups)
    return GroupedPages(docs, pages, starts)


class Context:
    """The model, the settings and the shared helpers of every page kind's renderer."""

    def __init__(self, corpus: Corpus, site: SiteInfo) -> None:
        self.corpus = corpus
        self.site = site
        self.env = make_environment()
        names = [(e.name, e.id) for e in corpus.entities.values()]
        names += [(a, e.id) for e in corpus.entities.values() for a in e.aliases]
        self.finder = MentionFinder(names)
        self.views: dict[str, BriefingView] = {b.slug: make_view(b) for b in corpus.briefings}

    def links(self, page: str) -> Links:
        return Links(self.corpus, page, self.site.directory_urls)

    def render(self, template: str, page: str, **context: Any) -> str:
        links = self.links(page)
        return self.env.get_template(template).render(L=links, corpus=self.corpus, **context)

    # --- long lists ---

    def pager(self, page: str, docs: list[str], n: int) -> Markup:
        if len(docs) < 2:
            return Markup("")
        parts = []
        links = self.links(page)
        if n > 1:
            parts.append(str(links.page(docs[n - 2], "← Previous")))
        parts.append(f"Page {n} of {len(docs)}")
        if n < len(docs):
            parts.append(str(links.page(docs[n], "Next →")))
        return Markup('<p class="bf-pager">' + " · ".join(parts) + "</p>")

    def list_pages(
        self,
        out: Pages,
        folder: str,
        title: str,
        back: tuple[str, str],
        items: Sequence[Any],
        item: Item,
    ) -> str:
        """Numbered pages ``folder/index.md``, ``folder/2.md``… listing every item, into
        ``out``; returns the first."""
        limit = settings.LIST_LIMIT
        chunks = [items[i : i + limit] for i in range(0, len(items), limit)] or [[]]
        docs = [f"{folder}/index.md"] + [f"{folder}/{n}.md" for n in range(2, len(chunks) + 1)]
        for n, (doc, chunk) in enumerate(zip(docs, chunks, strict=True), 1):
            links = self.links(doc)
            out[doc] = self.render(
                "list.md.j2",
                doc,
                title=title if n == 1 else f"{title} (page {n})",
                back=back,
                items=[item(links, x) for x in chunk],
                pager=self.pager(doc, docs, n),
            )
        return docs[0]

    def cut(
        self,
        out: Pages,
        page: str,
        kind: str,
        title: str,
        items: Sequence[Any],
        item: Item,
    ) -> tuple[Sequence[Any], Markup]:
        """At most LIST_LIMIT items for ``page``, and a link to the full list when there are
        more (its pages go into ``out``)."""
        limit = settings.LIST_LIMIT
        if len(items) <= limit:
            return items, Markup("")
        folder = page.removesuffix(".md") + "/" + kind
        first = self.list_pages(out, folder, title, (page, "← Back"), items, item)
        link = self.links(page).page(first, f"All {len(items)} {kind} →")
        return items[:limit], Markup(f"<p>The first {limit} of {len(items)}: {link}</p>")

    # --- the timeline's pages, and drawn timelines that link to them ---

    @functools.cached_property
    def placement(self) -> dict[str, str]:
        """Event id → the timeline page that lists it (:func:`.placement.timeline_pages`)."""
        return timeline_pages(self.corpus.events)

    def timeline_doc(self, event: Event) -> str:
        """The timeline page that lists ``event``."""
        return self.placement[event.id]

    def marks(self, page: str, events: list[Event]) -> list[svg.Mark]:
        marks = []
        for e in events:
            target = self.timeline_doc(e)
            href = (
                f"#ev-{e.id}"
                if target == page
                else (paths.relative_url(page, target, self.site.directory_urls) + f"#ev-{e.id}")
            )
            others = tuple(r.date for r in e.reports if r.date != e.date) if e.conflicting else ()
            note = (
                " (reports disagree: " + "; ".join(r.date.words() for r in e.reports) + ")"
                if others
                else ""
            )
            marks.append(
                svg.Mark(e.date, e.title, href, f"{e.date.words()}: {e.title}{note}", others)
            )
        return marks

    def drawing(
        self, page: str, events: list[Event], caption: str, described_by: str = EVENTS_LIST_ID
    ) -> Markup:
        """An SVG timeline of (at most DRAWN_EVENTS of the latest) ``events``.

        ``described_by`` names the ids of the page's lists of the same events: the
        drawing's text alternative.
        """
        shown = events[-settings.DRAWN_EVENTS :]
        note = (
            caption
            if len(shown) == len(events)
            else f"{caption} (the latest {len(shown)} of {len(events)})"
        )
        return Markup(svg.figure(svg.timeline(self.marks(page, shown), note), note, described_by))

    def node(self, page: str, entity_id: str) -> svg.Node:
        e = self.corpus.entities[entity_id]
        href = paths.relative_url(page, paths.entity_doc(entity_id), self.site.directory_urls)
        return svg.Node(e.id, e.name, e.type, href)

    def entity_groups(self) -> list[dict[str, Any]]:
        """The entities by type (the home page and the entity directory), by name."""
        groups = []
        for kind, (_, plural) in TYPE_TITLES.items():
            members = sorted(
                (e for e in self.corpus.entities.values() if e.type == kind),
                key=lambda e: (e.name.casefold(), e.id),
            )
            if members:
                groups.append({"title": plural, "entities": members})
        return groups
