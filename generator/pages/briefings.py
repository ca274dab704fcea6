"""Briefings: a page per briefing (a unit), and the list of every briefing, newest first."""

from __future__ import annotations

import dataclasses
from typing import Any

from markupsafe import Markup

from .. import paths, settings
from ..fuzzydate import MONTH_NAMES
from ..markup import body_html, first_paragraph, link_mentions, md
from ..model import Briefing, Corpus
from ..settings import SiteInfo
from .context import Context, Pages
from .kind import Kind, Step
from .links import make_view
from .reads import Reads, Row, call


def units(corpus: Corpus) -> list[str]:
    return [b.slug for b in corpus.briefings]


def render(ctx: Context, slug: str) -> Pages:
    """One briefing's page: source and ``via`` chain, claims with the later word on them,
    quotes, events, entities, the published part of the body, related briefings."""
    b = ctx.corpus.by_slug[slug]
    page = paths.briefing_doc(slug)
    text = ctx.render(
        "briefing.md.j2",
        page,
        b=ctx.views[slug],
        events=sorted((ctx.corpus.events_by_id[i] for i in b.events), key=lambda e: e.sort_key),
        body=Markup(body(ctx, b, page)),
        related=[(ctx.views[r.slug], s) for r, s in ctx.corpus.related(slug)],
    )
    return {page: text}


def edited(corpus: Corpus, site: SiteInfo, b: Briefing) -> Pages:
    """The page of ``b``, an edited version of a briefing of ``corpus``, drawn against the
    rest of ``corpus`` as it is (``serve``'s quick view, before the build catches up)."""
    swapped = dataclasses.replace(corpus, by_slug={**corpus.by_slug, b.slug: b})
    ctx = Context(swapped, site)
    ctx.views[b.slug] = make_view(b)
    return render(ctx, b.slug)


def reads(r: Reads, slug: str) -> list[Row]:
    c = r.corpus
    b = c.by_slug[slug]
    rows = [r.settings(), r.names(), r.briefing(b)]
    for claim in b.claims:
        thread = c.thread_of[claim.key]
        if len(thread.claims) > 1:
            rows.append(r.thread(thread))
    for eid in b.events:
        rows.append(r.event(c.events_by_id[eid]))
    # The related briefings as worked out now (from the memo only when what they are
    # worked out from is unchanged), so they count by what the page shows.
    rows.append(call(f"related:{slug}"))
    for other, score in c.related(slug):
        rows.append(r.card(other.slug, f"related {other.slug} ({score})"))
    return rows


def body(ctx: Context, b: Briefing, page: str) -> str:
    """The published part of the body (per ``publish``) as sanitised, mention-linked HTML."""
    source = ctx.corpus.entity_name(b.source)
    if b.publish == "summary":
        fragment = ""
    elif b.publish == "excerpt":
        fragment = body_html(first_paragraph(b.body), ctx.site.remote_images)
    else:
        fragment = body_html(b.body, ctx.site.remote_images)
    if fragment:
        fragment = link_mentions(fragment, ctx.finder, lambda eid: _mention_target(ctx, page, eid))
    note = {
        "summary": "The article's text is not published here",
        "excerpt": "An excerpt; the full text is with the publisher",
        "full": "",
    }[b.publish]
    parts = []
    if fragment:
        parts.append(f'<div class="bf-body bf-publish-{b.publish}">\n{fragment.strip()}\n</div>')
    if note:
        link = f" — {ctx.links(page).external(b.url, f'read it at {source}')}" if b.url else ""
        parts.append(f'<p class="bf-meta"><em>{md(note)}</em>{link}.</p>')
    return "\n\n".join(parts)


def _mention_target(ctx: Context, page: str, entity_id: str) -> tuple[str, str]:
    url = paths.relative_url(page, paths.entity_doc(entity_id), ctx.site.directory_urls)
    return url, ctx.corpus.entity_name(entity_id)


def index(ctx: Context) -> Pages:
    """Every briefing, newest first, grouped by month, LIST_LIMIT to a page."""
    briefings = ctx.corpus.briefings
    limit = settings.LIST_LIMIT
    chunks = [briefings[i : i + limit] for i in range(0, len(briefings), limit)] or [[]]
    docs = [paths.BRIEFINGS_INDEX] + [
        paths.briefings_page_doc(n) for n in range(2, len(chunks) + 1)
    ]
    tags = sorted(ctx.corpus.tags.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:40]
    out = {}
    for n, (doc, chunk) in enumerate(zip(docs, chunks, strict=True), 1):
        groups: list[dict[str, Any]] = []
        for b in chunk:
            title = f"{MONTH_NAMES[b.date.month - 1]} {b.date.year}"
            if not groups or groups[-1]["title"] != title:
                groups.append({"title": title, "briefings": []})
            groups[-1]["briefings"].append(ctx.views[b.slug])
        out[doc] = ctx.render(
            "briefings.md.j2",
            doc,
            groups=groups,
            tags=[(t, len(slugs)) for t, slugs in sorted(tags)] if n == 1 else [],
            page_number=n,
            pager=ctx.pager(doc, docs, n),
        )
    return out


def steps(ctx: Context) -> list[Step]:
    return [Step(lambda: index(ctx), weight=3)]


KIND = Kind(
    name="briefing",
    generated=("briefings/",),
    units=units,
    render=render,
    reads=reads,
    steps=steps,
    example="briefings/2025-09-11-alibaba-baidu-own-chips",
)
