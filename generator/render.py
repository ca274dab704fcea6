"""Pure renderers: the model in, ``{docs path: Markdown text}`` out.

Nothing here touches the disk or MkDocs.  Templates live in ``templates/``;
every value a template prints is escaped as inert Markdown unless it was built
by one of the link helpers below (which escape their own parts), so a template
cannot forget to escape a contributor's text.
"""

from __future__ import annotations

import datetime
import functools
import html
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from . import paths, svg
from .fuzzydate import MONTH_NAMES
from .markup import MentionFinder, attr, body_html, first_paragraph, link_mentions, md
from .model import (
    CONTESTED,
    OPEN_STATUSES,
    SETTLED_STATUSES,
    Briefing,
    Claim,
    Corpus,
    Entity,
    Event,
    Speaker,
    Thread,
    record_counts,
)
from .progress import SILENT, Progress
from .search import EXPLORE_DOC

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
HOME_BRIEFINGS = 10
HOME_EVENTS = 10
#: Above this many events the timeline gets one page per year, and a year one page per month.
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
#: At most this many steps of whole-project pages (:meth:`Renderer.whole_project_pages`);
#: a first build numbers its unit chunks after them.
WHOLE_PROJECT_STEPS = 64
#: Ids of the lists and tables that carry a drawing's facts as text: the drawing's
#: ``aria-describedby`` names them (the timeline page numbers its lists, one a month).
EVENTS_LIST_ID = "bf-events"
RELATIONS_LIST_ID = "bf-relations"
CO_MENTIONED_ID = "bf-co-mentioned"
#: Later words shown under a claim on its briefing's page (the claims page has them all).
LATER_WORDS = 10
#: Below this many settled claims a source's record is given as counts ("3 of 4"), never
#: as a rate, which would make a handful of claims look like evidence.
RATE_MINIMUM = 10
#: The groups of the claims page, in order: (status, heading).
CLAIM_GROUPS = (
    (CONTESTED, "Contested (the latest words disagree)"),
    *((s, f"Open — {s.replace('-', ' ')}") for s in OPEN_STATUSES),
    *((s, f"Settled — {s}") for s in SETTLED_STATUSES),
)


@dataclass(frozen=True)
class SiteInfo:
    """What the renderers need from the site settings."""

    name: str = "Briefing"
    description: str = ""
    directory_urls: bool = True
    url: str | None = None
    #: images from other hosts in bodies: ``link`` (shown as links) or ``keep``
    remote_images: str = "link"


def _finalize(value: Any) -> Any:
    if hasattr(value, "__html__"):
        return value
    if value is None:
        return Markup("")
    return Markup(md(value))


def _join(items: Iterable[Any], sep: str = ", ") -> Markup:
    return Markup(sep.join(str(_finalize(i)) for i in items))


_UNSAFE_IN_META = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _json(value: Any) -> Markup:
    """A page-metadata value (``title:``, ``description:``): MkDocs themes print these
    without escaping, so the text is HTML-escaped first; control characters become
    ``\\uXXXX`` so that MkDocs' YAML reader accepts the block."""
    escaped = html.escape(str(value), quote=True)
    dumped = json.dumps(escaped, ensure_ascii=False)
    return Markup(_UNSAFE_IN_META.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped))


def make_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("generator", "templates"),
        autoescape=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["join"] = _join
    env.filters["json"] = _json
    return env


class Links:
    """Link helpers for one page: HTML links with the final relative URLs.

    Generated pages write their links and lists as HTML rather than Markdown links:
    MkDocs then has no Markdown to parse in them and no link to resolve, which made
    its build of a generated page cost about 2.5× that of a plain page of the same
    size.  The ids behind every link were checked when the project was loaded, and
    the tests follow every link of the built site in both URL styles.  Labels go
    through :func:`md`, whose character references are inert in Markdown and in HTML.
    """

    def __init__(self, corpus: Corpus, page: str, directory_urls: bool = True) -> None:
        self.corpus = corpus
        self.href = paths.UrlsFrom(page, directory_urls).to

    def _to(self, doc: str, label: object, cls: str = "") -> Markup:
        # The URL is made of checked slugs, ids and tags ([a-z0-9-]), dots and slashes:
        # nothing in it needs escaping inside the attribute.
        klass = f' class="{cls}"' if cls else ""
        return Markup(f'<a href="{self.href(doc)}"{klass}>{md(label)}</a>')

    def page(self, doc: str, label: str) -> Markup:
        return self._to(doc, label)

    def entity(self, entity_id: str) -> Markup:
        return self._to(paths.entity_doc(entity_id), self.corpus.entity_name(entity_id))

    def chip(self, entity_id: str) -> Markup:
        return self._to(paths.entity_doc(entity_id), self.corpus.entity_name(entity_id), "bf-chip")

    def briefing(self, slug: str) -> Markup:
        b = self.corpus.by_slug.get(slug)
        if b is None:  # a draft left out of the public site: name it without a link
            return Markup(md(slug))
        return self._to(paths.briefing_doc(slug), b.title)

    def tag(self, tag: str, count: int | None = None) -> Markup:
        label = f"{tag} ({count})" if count is not None else tag
        return self._to(paths.tag_doc(tag), label, "bf-tag")

    def external(self, url: str, label: str) -> Markup:
        # "bf-bare": the label is the address itself, which print need not repeat.
        cls = "bf-external bf-bare" if label == url else "bf-external"
        return Markup(f'<a href="{attr(url)}" class="{cls}">{md(label)}</a>')

    def speaker(self, speaker: Speaker) -> Markup:
        if speaker.entity:
            return self.entity(speaker.entity)
        return Markup(md(speaker.text))

    def provenance(self, claim: Claim) -> Markup:
        """Who asserts a claim, on what basis, and who relayed it to the publisher."""
        b = self.corpus.by_slug.get(claim.briefing)
        parts = [str(self.speaker(claim.by))]
        if claim.basis:
            parts.append(f", citing {md(claim.basis)}")
        if b is not None and claim.by.entity != b.source:
            chain = [b.source]
            if claim.by.entity in b.via:
                chain = [*reversed(b.via[: b.via.index(claim.by.entity)]), b.source]
                parts.append(" · relayed by ")
            else:
                parts.append(" · reported by ")
            parts.append(" → ".join(str(self.entity(e)) for e in chain))
        return Markup("".join(parts))

    # List items used on many pages (``<li>`` elements; templates wrap them in
    # ``<ul>``). Plain Python rather than Jinja macros: these run tens of thousands
    # of times in a large project, and macro calls are slow.

    def briefing_item(self, b: BriefingView) -> Markup:
        draft = ' <span class="bf-draft">draft</span>' if b.draft else ""
        via = "".join(f" via {md(self.corpus.entity_name(v))}" for v in b.via)
        out = (
            f"<li><strong>{self.briefing(b.slug)}</strong>{draft}<br>\n"
            f'<span class="bf-meta">{md(b.date_words)} · {md(self.corpus.entity_name(b.source))}'
            f"{via}</span>"
        )
        if b.summary_text:
            out += f"<br>\n{md(b.summary_text)}"
        return Markup(out + "</li>")

    def event_item(self, e: Event, with_sources: bool = True) -> Markup:
        fuzzy = "" if e.date.is_exact_day else " bf-fuzzy"
        out = (
            f'<li class="bf-anchor" id="ev-{e.id}"><span class="bf-when{fuzzy}">'
            f"{md(e.date.words())}</span> {md(e.title)}"
        )
        if e.entities:
            out += " · " + ", ".join(self.entity(eid) for eid in e.entities)
        if with_sources:
            reports = "; ".join(self.briefing(r.briefing) for r in e.reports)
            out += f'<br>\n<span class="bf-meta">Reported in {reports}</span>'
        if e.conflicting:
            dates = "; ".join(
                f"{md(r.date.words())} ({self.briefing(r.briefing)})" for r in e.reports
            )
            out += f'<br>\n<span class="bf-conflict">Reports disagree on the date:</span> {dates}'
        return Markup(out + "</li>")

    def claim_item(
        self,
        c: Claim,
        show_briefing: bool = False,
        anchor: str = "",
        thread: Thread | None = None,
    ) -> Markup:
        """A claim; on its briefing's page with an ``anchor`` id, which search results link to,
        and with its ``thread``: the claim it updates and the later word on it."""
        where = f" · in {self.briefing(c.briefing)}" if show_briefing else ""
        opening = f'<li class="bf-anchor" id="{anchor}">' if anchor else "<li>"
        return Markup(
            f"{opening}{self.status(c.status)} {md(c.text)}<br>\n"
            f'<span class="bf-meta">{self.provenance(c)}{where}</span>'
            f"{self.thread_notes(c, thread)}</li>"
        )

    def status(self, status: str) -> Markup:
        label = status.replace("-", " ")
        return Markup(f'<span class="bf-status bf-status-{status}">{md(label)}</span>')

    # --- claim threads ---

    def claim_ref(self, c: Claim) -> Markup:
        """The briefing a claim was made in, linked to the claim on its page."""
        b = self.corpus.by_slug.get(c.briefing)
        if b is None:
            return Markup(md(c.briefing))
        href = self.href(paths.briefing_doc(c.briefing))
        return Markup(f'<a href="{href}#claim-{c.number}">{md(b.title)}</a>')

    def word(self, c: Claim) -> Markup:
        """One word on a thread: "confirmed by Nvidia, 20 October 2025, in …"."""
        basis = f", citing {md(c.basis)}" if c.basis else ""
        return Markup(
            f"{self.status(c.status)} by {self.speaker(c.by)}{basis}, "
            f"{md(day_words(c.date))}, in {self.claim_ref(c)}"
        )

    def thread_notes(self, c: Claim, thread: Thread | None) -> Markup:
        """Under a claim on its briefing's page: the claim it updates, the later word on it,
        and where the thread stands now when that word disagrees."""
        if thread is None or len(thread.claims) < 2:
            return Markup("")
        out = ""
        parent = thread.parent(c)
        if parent is not None:
            out += (
                f'<br>\n<span class="bf-meta bf-earlier">Updates “{md(parent.text)}”: '
                f"{self.word(parent)}</span>"
            )
        later = thread.later(c)
        for w in later[:LATER_WORDS]:
            out += f'<br>\n<span class="bf-later">Later: {self.word(w)}</span>'
        if len(later) > LATER_WORDS:
            out += (
                f'<br>\n<span class="bf-meta">and {len(later) - LATER_WORDS} more later '
                "words (see the claims page)</span>"
            )
        if later and thread.status == CONTESTED:
            out += (
                f'<br>\n<span class="bf-contested">{self.status(CONTESTED)} the latest words '
                "on this claim disagree</span>"
            )
        return Markup(out)

    def thread_item(self, t: Thread, anchor: bool = False) -> Markup:
        """A thread: where it stands now, its first claim, then every later word in date order."""
        root = t.root
        opening = f'<li class="bf-anchor bf-thread" id="{t.anchor}">' if anchor else "<li>"
        out = (
            f"{opening}{self.status(t.status)} {md(root.text)}<br>\n"
            f'<span class="bf-meta">{self.provenance(root)} · {md(day_words(root.date))} · '
            f"in {self.claim_ref(root)}</span>"
        )
        rest = [c for c in t.claims if c is not root]
        if rest:
            rows = "".join(f"<li>{self.word(c)}: {md(c.text)}</li>\n" for c in rest)
            out += f'\n<ol class="bf-history">\n{rows}</ol>\n'
        return Markup(out + "</li>")


@dataclass(frozen=True)
class BriefingView:
    """A briefing with the few values derived for display."""

    b: Briefing
    date_words: str

    def __getattr__(self, name: str) -> Any:
        return getattr(self.b, name)


def _day_words(b: Briefing) -> str:
    return day_words(b.date)


def day_words(day: datetime.date) -> str:
    """``20 October 2025``."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


class Renderer:
    """Renders every page of the site from one corpus."""

    def __init__(self, corpus: Corpus, site: SiteInfo) -> None:
        self.corpus = corpus
        self.site = site
        self.env = make_environment()
        names = [(e.name, e.id) for e in corpus.entities.values()]
        names += [(a, e.id) for e in corpus.entities.values() for a in e.aliases]
        self.finder = MentionFinder(names)
        self.views = {b.slug: BriefingView(b, _day_words(b)) for b in corpus.briefings}
        self._extra: dict[str, str] = {}

    def _links(self, page: str) -> Links:
        return Links(self.corpus, page, self.site.directory_urls)

    def _render(self, template: str, page: str, **context: Any) -> str:
        links = self._links(page)
        return self.env.get_template(template).render(L=links, corpus=self.corpus, **context)

    def pages(self, progress: Progress = SILENT) -> dict[str, str]:
        """Every generated page, keyed by docs path."""
        out: dict[str, str] = {}
        total = len(self.corpus.briefings) + len(self.corpus.entities) + len(self.corpus.tags)
        done = 0
        label = "rendering briefings, entity cards and tags"
        self._extra.clear()
        for b in self.corpus.briefings:
            out[paths.briefing_doc(b.slug)] = self.briefing(b)
            done += 1
            progress.update(done, total, label)
        for e in self.corpus.entities.values():
            out[paths.entity_doc(e.id)] = self.entity(e)
            done += 1
            progress.update(done, total, label)
        for tag in self.corpus.tags:
            out[paths.tag_doc(tag)] = self.tag(tag)
            done += 1
            progress.update(done, total, label)
        out.update(self._extra)  # the numbered list pages of long lists on cards and tags
        out.update(self.whole_project_pages(progress))
        return out

    def whole_project_pages(
        self,
        progress: Progress = SILENT,
        take: Callable[[int], bool] | None = None,
        backwards: bool = False,
    ) -> dict[str, str]:
        """The pages that read the whole project: home, the indexes, timelines, network,
        browse page, data, feed and calendar (an incremental build renders them every
        time).

        With ``take``, only the steps it grants (by number), tried in order or
        ``backwards``: an incremental build renders them on both cores, each process
        taking the next step not taken yet from its own end (:func:`incremental.render`).
        """

        from .exports import EXPORTS

        def page(doc: str, make: Callable[[], str]) -> Callable[[], dict[str, str]]:
            return lambda: {doc: make()}

        def data(name: str) -> Callable[[], dict[str, str]]:
            return lambda: self.data_export(name)

        # The largest steps at both ends and the smallest in the middle: the two
        # processes of an incremental build take steps from opposite ends, so the last
        # step either takes is a short one and they finish together.
        steps: list[tuple[str | None, Callable[[], dict[str, str]]]] = [
            ("rendering the claims and sources pages", self.claims_index),
            ("writing data exports, feed and calendar", data("briefings")),
            (None, data("claims")),  # the two largest exports
            (None, self.exports),
            (None, page(paths.HOME, self.home)),
            (None, page(paths.ENTITIES_INDEX, self.entities_index)),
            (None, page(paths.GRAPH_INDEX, self.graph)),
            (None, page(EXPLORE_DOC, self.explore)),
            (None, page(paths.TAGS_INDEX, self.tags_index)),
            (None, self.sources_index),
            *(
                ("rendering the timeline" if k == 0 else None, lambda k=k: self.timelines((k, 4)))
                for k in range(4)
            ),
            (None, self.briefings_index),
            *((None, data(name)) for name in EXPORTS if name not in ("briefings", "claims")),
        ]
        assert len(steps) <= WHOLE_PROJECT_STEPS
        order = list(enumerate(steps))
        if backwards:
            order.reverse()
        self._extra.clear()
        out: dict[str, str] = {}
        for n, (stage, make) in order:
            if take is not None and not take(n):
                continue
            if stage:
                progress.stage(stage)
            out.update(make())
        out.update(self._extra)
        self._extra.clear()
        return out

    # --- long lists ---

    def _pager(self, page: str, docs: list[str], n: int) -> Markup:
        if len(docs) < 2:
            return Markup("")
        parts = []
        links = self._links(page)
        if n > 1:
            parts.append(str(links.page(docs[n - 2], "← Previous")))
        parts.append(f"Page {n} of {len(docs)}")
        if n < len(docs):
            parts.append(str(links.page(docs[n], "Next →")))
        return Markup('<p class="bf-pager">' + " · ".join(parts) + "</p>")

    def _list_pages(
        self,
        folder: str,
        title: str,
        back: tuple[str, str],
        items: Sequence[Any],
        item: Callable[[Links, Any], Markup],
    ) -> str:
        """Numbered pages ``folder/index.md``, ``folder/2.md``… listing every item; returns the first."""
        chunks = [items[i : i + LIST_LIMIT] for i in range(0, len(items), LIST_LIMIT)] or [[]]
        docs = [f"{folder}/index.md"] + [f"{folder}/{n}.md" for n in range(2, len(chunks) + 1)]
        for n, (doc, chunk) in enumerate(zip(docs, chunks, strict=True), 1):
            links = self._links(doc)
            self._extra[doc] = self._render(
                "list.md.j2",
                doc,
                title=title if n == 1 else f"{title} (page {n})",
                back=back,
                items=[item(links, x) for x in chunk],
                pager=self._pager(doc, docs, n),
            )
        return docs[0]

    def _cut(
        self,
        page: str,
        kind: str,
        title: str,
        items: Sequence[Any],
        item: Callable[[Links, Any], Markup],
    ) -> tuple[Sequence[Any], Markup]:
        """At most LIST_LIMIT items for ``page``, and a link to the full list when there are more."""
        if len(items) <= LIST_LIMIT:
            return items, Markup("")
        folder = page.removesuffix(".md") + "/" + kind
        first = self._list_pages(folder, title, (page, "← Back"), items, item)
        link = self._links(page).page(first, f"All {len(items)} {kind} →")
        return items[:LIST_LIMIT], Markup(f"<p>The first {LIST_LIMIT} of {len(items)}: {link}</p>")

    def data_export(self, name: str) -> dict[str, str]:
        """One data file (``data/<name>.json``) and its schema."""
        from . import exports

        return exports.json_files(self.corpus, self.site.directory_urls, [name])

    def exports(self) -> dict[str, str]:
        """The feed and the calendar, plus the page that documents the data files."""
        from . import exports

        urls = self.site.directory_urls
        out: dict[str, str] = {}
        out["feed.xml"] = exports.atom_feed(
            self.corpus, self.site.name, self.site.url, directory_urls=urls
        )
        out["timeline.ics"] = exports.calendar(
            self.corpus, self.site.name, self.site.url, directory_urls=urls
        )
        shapes = []
        for name, model in exports.EXPORTS.items():
            fields = [(f, _type_name(info.annotation)) for f, info in model.model_fields.items()]
            shapes.append({"name": name, "doc": (model.__doc__ or "").strip(), "fields": fields})
        out[paths.DATA_INDEX] = self._render("data.md.j2", paths.DATA_INDEX, shapes=shapes)
        return out

    # --- pages ---

    def home(self) -> str:
        recent = sorted(self.corpus.events, key=lambda e: e.sort_key, reverse=True)[:HOME_EVENTS]
        return self._render(
            "home.md.j2",
            paths.HOME,
            site_name=self.site.name,
            site_description=self.site.description,
            counts={
                "briefings": len(self.corpus.briefings),
                "entities": len(self.corpus.entities),
                "events": len(self.corpus.events),
            },
            latest=[self.views[b.slug] for b in self.corpus.briefings[:HOME_BRIEFINGS]],
            recent_events=recent,
            entity_groups=self._entity_groups(),
        )

    def briefings_index(self) -> dict[str, str]:
        """Every briefing, newest first, grouped by month, LIST_LIMIT to a page."""
        briefings = self.corpus.briefings
        chunks = [briefings[i : i + LIST_LIMIT] for i in range(0, len(briefings), LIST_LIMIT)] or [
            []
        ]
        docs = [paths.BRIEFINGS_INDEX] + [
            paths.briefings_page_doc(n) for n in range(2, len(chunks) + 1)
        ]
        tags = sorted(self.corpus.tags.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:40]
        out = {}
        for n, (doc, chunk) in enumerate(zip(docs, chunks, strict=True), 1):
            groups: list[dict[str, Any]] = []
            for b in chunk:
                title = f"{MONTH_NAMES[b.date.month - 1]} {b.date.year}"
                if not groups or groups[-1]["title"] != title:
                    groups.append({"title": title, "briefings": []})
                groups[-1]["briefings"].append(self.views[b.slug])
            out[doc] = self._render(
                "briefings.md.j2",
                doc,
                groups=groups,
                tags=[(t, len(slugs)) for t, slugs in sorted(tags)] if n == 1 else [],
                page_number=n,
                pager=self._pager(doc, docs, n),
            )
        return out

    def briefing(self, b: Briefing) -> str:
        page = paths.briefing_doc(b.slug)
        return self._render(
            "briefing.md.j2",
            page,
            b=self.views[b.slug],
            events=sorted(
                (self.corpus.events_by_id[i] for i in b.events), key=lambda e: e.sort_key
            ),
            body=Markup(self._body(b, page)),
            related=[(self.views[r.slug], s) for r, s in self.corpus.related(b.slug)],
        )

    def _body(self, b: Briefing, page: str) -> str:
        """The published part of the body (per ``publish``) as sanitised, mention-linked HTML."""
        source = self.corpus.entity_name(b.source)
        if b.publish == "summary":
            fragment = ""
        elif b.publish == "excerpt":
            fragment = body_html(first_paragraph(b.body), self.site.remote_images)
        else:
            fragment = body_html(b.body, self.site.remote_images)
        if fragment:
            fragment = link_mentions(
                fragment, self.finder, lambda eid: self._mention_target(page, eid)
            )
        note = {
            "summary": "The article's text is not published here",
            "excerpt": "An excerpt; the full text is with the publisher",
            "full": "",
        }[b.publish]
        parts = []
        if fragment:
            parts.append(
                f'<div class="bf-body bf-publish-{b.publish}">\n{fragment.strip()}\n</div>'
            )
        if note:
            link = (
                f" — {self._links(page).external(b.url, f'read it at {source}')}" if b.url else ""
            )
            parts.append(f'<p class="bf-meta"><em>{md(note)}</em>{link}.</p>')
        return "\n\n".join(parts)

    def _mention_target(self, page: str, entity_id: str) -> tuple[str, str]:
        url = paths.relative_url(page, paths.entity_doc(entity_id), self.site.directory_urls)
        return url, self.corpus.entity_name(entity_id)

    def entities_index(self) -> str:
        counts = {eid: len(slugs) for eid, slugs in self.corpus.mentions.items()}
        return self._render(
            "entities.md.j2",
            paths.ENTITIES_INDEX,
            entity_groups=self._entity_groups(),
            mention_counts=counts,
        )

    def entity(self, e: Entity) -> str:
        events = [self.corpus.events_by_id[i] for i in self.corpus.events_of.get(e.id, [])]
        briefings = [
            self.views[s]
            for s in sorted(
                self.corpus.mentions.get(e.id, []), key=lambda s: self.corpus.by_slug[s].sort_key
            )
        ]
        page = paths.entity_doc(e.id)
        threads = self.corpus.threads_about(e.id)
        neighbours = self._neighbours(e)
        shown_events, more_events = self._cut(
            page, "events", f"Events involving {e.name}", events, lambda L, x: L.event_item(x)
        )
        shown_claims, more_claims = self._cut(
            page,
            "claims",
            f"Claims about {e.name}",
            threads,
            lambda L, x: L.thread_item(x),
        )
        shown_briefings, more_briefings = self._cut(
            page,
            "briefings",
            f"Briefings mentioning {e.name}",
            briefings,
            lambda L, x: L.briefing_item(x),
        )
        return self._render(
            "entity.md.j2",
            page,
            e=e,
            type_title=TYPE_TITLES[e.type][0],
            events=shown_events,
            more_events=more_events,
            drawing=self.drawing(page, events, f"Events involving {e.name}"),
            graph=self.neighbourhood(e, neighbours),
            comentioned=neighbours[2],
            claims=shown_claims,
            more_claims=more_claims,
            record=self.record(e),
            briefings=shown_briefings,
            more_briefings=more_briefings,
        )

    # --- claim threads ---

    def record(self, e: Entity) -> dict[str, Any] | None:
        """A source's track record for its card, with its list on pages of its own."""
        claims = self.corpus.claims_by.get(e.id)
        if not claims:
            return None
        page = paths.entity_doc(e.id)
        threads = list(
            {
                self.corpus.thread_of[c.key].key: self.corpus.thread_of[c.key] for c in claims
            }.values()
        )
        folder = paths.record_doc(e.id).removesuffix("/index.md")
        first = self._list_pages(
            folder,
            f"Track record of {e.name}",
            (page, f"← {e.name}"),
            threads,
            lambda L, t: L.thread_item(t),
        )
        counts = record_counts(self.corpus, e.id)
        return {
            "total": len(claims),
            "counts": counts,
            "link": self._links(page).page(first, "Each claim and what became of it →"),
        }

    def claims_index(self) -> dict[str, str]:
        """Every claim thread grouped by where it stands now, LIST_LIMIT threads to a page."""
        threads = self.corpus.threads
        chunks = [threads[i : i + LIST_LIMIT] for i in range(0, len(threads), LIST_LIMIT)] or [[]]
        docs = [paths.CLAIMS_INDEX] + [paths.claims_page_doc(n) for n in range(2, len(chunks) + 1)]
        headings = dict(CLAIM_GROUPS)
        starts: dict[str, tuple[int, int]] = {}  # status → (first page, count)
        for n, chunk in enumerate(chunks, 1):
            for t in chunk:
                page, count = starts.get(t.status, (n, 0))
                starts[t.status] = (page, count + 1)
        out = {}
        for n, (doc, chunk) in enumerate(zip(docs, chunks, strict=True), 1):
            links = self._links(doc)
            groups: list[dict[str, Any]] = []
            for t in chunk:
                if not groups or groups[-1]["status"] != t.status:
                    groups.append({"status": t.status, "title": headings[t.status], "items": []})
                groups[-1]["items"].append(links.thread_item(t, anchor=True))
            overview = []
            if n == 1:
                for status, title in CLAIM_GROUPS:
                    if status in starts:
                        first, count = starts[status]
                        label = f"{title.split(' (')[0]} ({count})"
                        overview.append(
                            links.page(docs[first - 1], label) if first != 1 else Markup(md(label))
                        )
            out[doc] = self._render(
                "claims.md.j2",
                doc,
                page_number=n,
                groups=groups,
                overview=overview,
                total=len(threads),
                pager=self._pager(doc, docs, n),
            )
        return out

    def sources_index(self) -> dict[str, str]:
        """Sources ranked by their track record; small numbers stay counts, never rates."""
        rows = []
        for eid in self.corpus.claims_by:
            counts = record_counts(self.corpus, eid)
            settled = counts["confirmed"] + counts["denied"]
            total = len(self.corpus.claims_by[eid])
            share = counts["confirmed"] / settled if settled else 0.0
            if settled >= RATE_MINIMUM:
                shown = f"{round(share * 100)} % ({counts['confirmed']} of {settled})"
            elif settled:
                shown = f"{counts['confirmed']} of {settled}"
            else:
                shown = "none settled yet"
            rank = (
                (0, -share, -settled)
                if settled >= RATE_MINIMUM
                else (1, -settled, -counts["confirmed"])
            )
            rows.append((rank, self.corpus.entity_name(eid).casefold(), eid, total, counts, shown))
        rows.sort(key=lambda r: (r[0], r[1], r[2]))
        chunks = [rows[i : i + LIST_LIMIT] for i in range(0, len(rows), LIST_LIMIT)] or [[]]
        docs = [paths.SOURCES_INDEX] + [
            paths.sources_page_doc(n) for n in range(2, len(chunks) + 1)
        ]
        out = {}
        for n, (doc, chunk) in enumerate(zip(docs, chunks, strict=True), 1):
            out[doc] = self._render(
                "sources.md.j2",
                doc,
                page_number=n,
                rows=[
                    {"entity": eid, "total": total, "counts": counts, "shown": shown}
                    for _, _, eid, total, counts, shown in chunk
                ],
                minimum=RATE_MINIMUM,
                pager=self._pager(doc, docs, n),
            )
        return out

    # --- timelines ---

    @functools.cached_property
    def _timeline_pages(self) -> dict[str, str]:
        """Which timeline page lists each event: one page; or a page per year; or, for a
        year with too many events, a page per month (by the event's earliest month)."""
        events = self.corpus.events
        if len(events) <= TIMELINE_PAGE_LIMIT:
            return {e.id: paths.TIMELINE_INDEX for e in events}
        per_year: dict[int, int] = {}
        for e in events:
            per_year[_year(e)] = per_year.get(_year(e), 0) + 1
        where = {}
        for e in events:
            year = _year(e)
            if per_year[year] <= TIMELINE_PAGE_LIMIT:
                where[e.id] = paths.timeline_year_doc(year)
            else:
                where[e.id] = paths.timeline_month_doc(year, _anchor(e).month)
        return where

    def timeline_doc(self, event: Event) -> str:
        """The timeline page that lists ``event``."""
        return self._timeline_pages[event.id]

    def _marks(self, page: str, events: list[Event]) -> list[svg.Mark]:
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
        shown = events[-DRAWN_EVENTS:]
        note = (
            caption
            if len(shown) == len(events)
            else f"{caption} (the latest {len(shown)} of {len(events)})"
        )
        return Markup(svg.figure(svg.timeline(self._marks(page, shown), note), note, described_by))

    def timelines(self, share: tuple[int, int] = (0, 1)) -> dict[str, str]:
        """The timeline pages, split by year and then by month as the project grows.

        A page that has sub-pages (the main timeline, a split year) lists them with counts.
        With ``share`` ``(k, n)``, only every n-th page from the k-th: the timeline is
        the largest step of the whole-project pages, so it is shared out in parts.
        """
        by_page: dict[str, list[Event]] = {paths.TIMELINE_INDEX: []}
        for e in self.corpus.events:
            by_page.setdefault(self._timeline_pages[e.id], []).append(e)
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
            title = _timeline_title(doc)
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
                (_timeline_title(child).removeprefix("Timeline "), child, count(child))
                for child in sorted(children.get(doc, ()))
            ]
            out[doc] = self._render(
                "timeline.md.j2",
                doc,
                title=title,
                years=years,
                drawing=(
                    self.drawing(doc, members, caption, " ".join(g["id"] for g in lists))
                    if members
                    else Markup("")
                ),
                year_pages=rows,
            )
        return out

    # --- graphs ---

    def _node(self, page: str, entity_id: str) -> svg.Node:
        e = self.corpus.entities[entity_id]
        href = paths.relative_url(page, paths.entity_doc(entity_id), self.site.directory_urls)
        return svg.Node(e.id, e.name, e.type, href)

    def _neighbours(self, e: Entity) -> tuple[list[str], list[svg.Edge], list[str]]:
        """An entity card's graph: the neighbours drawn, the edges, and which of the
        neighbours are there only because they are often mentioned with it (the card
        names those below its relations, so that the drawing has a text alternative)."""
        edges: list[svg.Edge] = []
        neighbours: list[str] = []
        co_mentioned: list[str] = []
        for r in e.relations:
            if r.other not in neighbours and r.other != e.id:
                neighbours.append(r.other)
            edges.append(svg.Edge(e.id, r.other, r.words, False))
        co = sorted(self.corpus.co_mentions.get(e.id, {}).items(), key=lambda kv: (-kv[1], kv[0]))
        for other, count in co:
            if len(neighbours) >= GRAPH_NEIGHBOURS:
                break
            if other not in neighbours:
                neighbours.append(other)
                co_mentioned.append(other)
                plural = "s" if count != 1 else ""
                edges.append(
                    svg.Edge(e.id, other, f"mentioned together in {count} briefing{plural}", True)
                )
        neighbours = neighbours[:GRAPH_NEIGHBOURS]
        return neighbours, edges, [n for n in co_mentioned if n in neighbours]

    def neighbourhood(
        self, e: Entity, drawn: tuple[list[str], list[svg.Edge], list[str]]
    ) -> Markup:
        """The entity card's graph of ``drawn`` (from :meth:`_neighbours`)."""
        page = paths.entity_doc(e.id)
        neighbours, edges, co_mentioned = drawn
        if not neighbours:
            return Markup("")
        nodes = [self._node(page, n) for n in neighbours]
        described_by = (
            f"{RELATIONS_LIST_ID} {CO_MENTIONED_ID}" if co_mentioned else RELATIONS_LIST_ID
        )
        caption = f"{e.name} and its neighbours: relations (solid) and entities often mentioned with it (dashed)"
        return Markup(
            svg.figure(
                svg.neighbourhood(self._node(page, e.id), nodes, edges, caption),
                caption,
                described_by,
            )
        )

    def graph(self) -> str:
        page = paths.GRAPH_INDEX
        degree: dict[str, int] = {}
        edges: list[svg.Edge] = []
        rows: list[tuple[str, str, str]] = []
        for e in self.corpus.entities.values():
            for r in e.relations:
                if not r.inverse:
                    edges.append(
                        svg.Edge(
                            e.id,
                            r.other,
                            f"{e.name} {r.words} {self.corpus.entity_name(r.other)}",
                            False,
                        )
                    )
                    rows.append((e.id, r.words, r.other))
                degree[e.id] = degree.get(e.id, 0) + 1
        for eid, slugs in self.corpus.mentions.items():
            degree[eid] = degree.get(eid, 0) + len(slugs)
        top = sorted(self.corpus.entities, key=lambda i: (-degree.get(i, 0), i))[:GRAPH_NODES]
        chosen = set(top)
        nodes = [self._node(page, i) for i in sorted(chosen)]
        drawn = [ed for ed in edges if ed.a in chosen and ed.b in chosen]
        caption = "Entities and their relations"
        if len(chosen) < len(self.corpus.entities):
            caption += f" (the {len(chosen)} most connected of {len(self.corpus.entities)})"
        return self._render(
            "graph.md.j2",
            page,
            drawing=Markup(
                svg.figure(svg.network(nodes, drawn, caption), caption, RELATIONS_LIST_ID)
            ),
            relations=rows[:GRAPH_TABLE_ROWS],
            more_relations=max(len(rows) - GRAPH_TABLE_ROWS, 0),
        )

    def explore(self) -> str:
        """The browse page: search and facets run in the reader's browser (see search.py)."""
        return self._render("explore.md.j2", EXPLORE_DOC)

    def tags_index(self) -> str:
        rows = [
            (t, len(s), len(self.corpus.tag_events.get(t, []))) for t, s in self.corpus.tags.items()
        ]
        return self._render("tags.md.j2", paths.TAGS_INDEX, tags=rows)

    def tag(self, tag: str) -> str:
        events = [self.corpus.events_by_id[i] for i in self.corpus.tag_events.get(tag, [])]
        page = paths.tag_doc(tag)
        briefings, more_briefings = self._cut(
            page,
            "briefings",
            f"Briefings tagged {tag}",
            [self.views[s] for s in self.corpus.tags[tag]],
            lambda L, x: L.briefing_item(x),
        )
        shown_events, more_events = self._cut(
            page, "events", f"Events tagged {tag}", events, lambda L, x: L.event_item(x)
        )
        return self._render(
            "tag.md.j2",
            page,
            tag=tag,
            briefings=briefings,
            more_briefings=more_briefings,
            events=shown_events,
            more_events=more_events,
            drawing=self.drawing(page, events, f"Events tagged {tag}"),
        )

    def _entity_groups(self) -> list[dict[str, Any]]:
        groups = []
        for kind, (_, plural) in TYPE_TITLES.items():
            members = sorted(
                (e for e in self.corpus.entities.values() if e.type == kind),
                key=lambda e: (e.name.casefold(), e.id),
            )
            if members:
                groups.append({"title": plural, "entities": members})
        return groups


def _type_name(annotation: Any) -> str:
    """A readable type for the data documentation: ``list[ClaimOut]``, ``str | None``."""
    text = str(annotation) if getattr(annotation, "__args__", None) else annotation.__name__
    return str(text).replace("typing.", "").replace("generator.exports.", "").replace("Out", "")


def _anchor(event: Event) -> datetime.date:
    """The day an event is filed under: its earliest possible day (its latest for an open start)."""
    d = event.date
    return d.latest if d.open_start else d.earliest


def _year(event: Event) -> int:
    return _anchor(event).year


def _timeline_title(doc: str) -> str:
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
        anchor = d.latest if d.open_start else d.earliest
        year_title = str(anchor.year)
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
