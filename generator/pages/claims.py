"""Claims: every claim thread grouped by where it stands now, and sources ranked by their
track record (the claims a source reported, and what became of them)."""

from __future__ import annotations

from markupsafe import Markup

from .. import paths, settings
from ..markup import md
from ..model import CONTESTED, OPEN_STATUSES, SETTLED_STATUSES, record_counts
from .context import Context, Pages, grouped_pages
from .kind import Kind, Step

#: The groups of the claims page, in order: (status, heading).
CLAIM_GROUPS = (
    (CONTESTED, "Contested (the latest words disagree)"),
    *((s, f"Open — {s.replace('-', ' ')}") for s in OPEN_STATUSES),
    *((s, f"Settled — {s}") for s in SETTLED_STATUSES),
)


def index(ctx: Context) -> Pages:
    """Every claim thread grouped by where it stands now, LIST_LIMIT threads to a page."""
    threads = ctx.corpus.threads
    paged = grouped_pages(
        threads,
        lambda t: t.status,
        paths.CLAIMS_INDEX,
        paths.claims_page_doc,
        settings.LIST_LIMIT,
    )
    docs, starts = paged.docs, paged.starts
    headings = dict(CLAIM_GROUPS)
    out = {}
    for n, (doc, chunk) in enumerate(zip(docs, paged.groups, strict=True), 1):
        links = ctx.links(doc)
        groups = [
            {
                "status": status,
                "title": headings[status],
                "items": [links.thread_item(t, anchor=True) for t in members],
            }
            for status, members in chunk
        ]
        overview = []
        if n == 1:
            for status, title in CLAIM_GROUPS:
                if status in starts:
                    first, count = starts[status]
                    label = f"{title.split(' (')[0]} ({count})"
                    overview.append(
                        links.page(docs[first - 1], label) if first != 1 else Markup(md(label))
                    )
        out[doc] = ctx.render(
            "claims.md.j2",
            doc,
            page_number=n,
            groups=groups,
            overview=overview,
            total=len(threads),
            pager=ctx.pager(doc, docs, n),
        )
    return out


def sources(ctx: Context) -> Pages:
    """Sources ranked by their track record; small numbers stay counts, never rates."""
    rows = []
    for eid in ctx.corpus.claims_by:
        counts = record_counts(ctx.corpus, eid)
        settled = counts["confirmed"] + counts["denied"]
        total = len(ctx.corpus.claims_by[eid])
        share = counts["confirmed"] / settled if settled else 0.0
        if settled >= settings.RATE_MINIMUM:
            shown = f"{round(share * 100)} % ({counts['confirmed']} of {settled})"
        elif settled:
            shown = f"{counts['confirmed']} of {settled}"
        else:
            shown = "none settled yet"
        rank = (
            (0, -share, -settled)
            if settled >= settings.RATE_MINIMUM
            else (1, -settled, -counts["confirmed"])
        )
        rows.append((rank, ctx.corpus.entity_name(eid).casefold(), eid, total, counts, shown))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    chunks = [
        rows[i : i + settings.LIST_LIMIT] for i in range(0, len(rows), settings.LIST_LIMIT)
    ] or [[]]
    docs = [paths.SOURCES_INDEX] + [paths.sources_page_doc(n) for n in range(2, len(chunks) + 1)]
    out = {}
    for n, (doc, chunk) in enumerate(zip(docs, chunks, strict=True), 1):
        out[doc] = ctx.render(
            "sources.md.j2",
            doc,
            page_number=n,
            rows=[
                {"entity": eid, "total": total, "counts": counts, "shown": shown}
                for _, _, eid, total, counts, shown in chunk
            ],
            minimum=settings.RATE_MINIMUM,
            pager=ctx.pager(doc, docs, n),
        )
    return out


def steps(ctx: Context) -> list[Step]:
    return [
        Step(lambda: index(ctx), weight=5, stage="rendering the claims and sources pages"),
        Step(lambda: sources(ctx), weight=1),
    ]


KIND = Kind(name="claims", generated=("claims/",), steps=steps)
