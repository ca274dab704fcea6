"""Entity cards (a unit each, with their long lists and a source's track record on pages
of their own), the entity directory, and the network of every entity."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from .. import paths, settings, svg
from ..model import Corpus, Entity, record_counts
from .context import (
    CO_MENTIONED_ID,
    RELATIONS_LIST_ID,
    TYPE_TITLES,
    Context,
    Pages,
    grouped_pages,
)
from .kind import Kind, Step
from .reads import Reads, Row, call, listed

#: An entity card's drawn neighbourhood: the neighbours, the edges, and the neighbours
#: drawn only for being often mentioned with it.
Drawn = tuple[list[str], list[svg.Edge], list[str]]


def units(corpus: Corpus) -> list[str]:
    return list(corpus.entities)


def render(ctx: Context, entity_id: str) -> Pages:
    """An entity card: facts, relations (drawn), its timeline (drawn), the claim threads
    about it, a source's track record, and the briefings that mention it."""
    corpus = ctx.corpus
    e = corpus.entities[entity_id]
    out: Pages = {}
    events = [corpus.events_by_id[i] for i in corpus.events_of.get(e.id, [])]
    briefings = [
        ctx.views[s]
        for s in sorted(corpus.mentions.get(e.id, []), key=lambda s: corpus.by_slug[s].sort_key)
    ]
    page = paths.entity_doc(e.id)
    threads = corpus.threads_about(e.id)
    drawn = neighbours(ctx, e)
    shown_events, more_events = ctx.cut(
        out, page, "events", f"Events involving {e.name}", events, lambda L, x: L.event_item(x)
    )
    shown_claims, more_claims = ctx.cut(
        out, page, "claims", f"Claims about {e.name}", threads, lambda L, x: L.thread_item(x)
    )
    shown_briefings, more_briefings = ctx.cut(
        out,
        page,
        "briefings",
        f"Briefings mentioning {e.name}",
        briefings,
        lambda L, x: L.briefing_item(x),
    )
    text = ctx.render(
        "entity.md.j2",
        page,
        e=e,
        type_title=TYPE_TITLES[e.type][0],
        events=shown_events,
        more_events=more_events,
        drawing=ctx.drawing(page, events, f"Events involving {e.name}"),
        graph=neighbourhood(ctx, e, drawn),
        comentioned=drawn[2],
        claims=shown_claims,
        more_claims=more_claims,
        record=record(ctx, e, out),
        briefings=shown_briefings,
        more_briefings=more_briefings,
    )
    return {page: text, **out}


def reads(r: Reads, entity_id: str) -> list[Row]:
    c = r.corpus
    e = c.entities[entity_id]
    rows = [r.settings(), r.names(), r.entity(e)]
    for f in e.facts:
        if f.source:
            rows.append(r.card(f.source, f"fact source {f.source}"))
    for rel in e.relations:
        if rel.source:
            rows.append(r.card(rel.source, f"relation source {rel.source}"))
    rows.append(listed(f"events_of:{entity_id}"))
    for eid in c.events_of.get(entity_id, []):
        rows.append(r.event(c.events_by_id[eid]))
    rows.append(call(f"threads_about:{entity_id}"))
    for thread in c.threads_about(entity_id):
        rows.append(r.thread(thread))
    rows.append(listed(f"claims_by:{entity_id}"))
    for claim in c.claims_by.get(entity_id, []):
        thread = c.thread_of[claim.key]
        rows.append(r.thread(thread, f"reported {claim.key}: thread {thread.key}"))
    rows.append(listed(f"mentions:{entity_id}"))
    for slug in c.mentions.get(entity_id, []):
        rows.append(r.card(slug, f"mentioned in {slug}"))
    rows.append(r.index("co_mentions", entity_id))
    return rows


def record(ctx: Context, e: Entity, out: Pages) -> dict[str, Any] | None:
    """A source's track record for its card, with its list on pages of its own (into
    ``out``)."""
    corpus = ctx.corpus
    claims = corpus.claims_by.get(e.id)
    if not claims:
        return None
    page = paths.entity_doc(e.id)
    threads = list({corpus.thread_of[c.key].key: corpus.thread_of[c.key] for c in claims}.values())
    folder = paths.record_doc(e.id).removesuffix("/index.md")
    first = ctx.list_pages(
        out,
        folder,
        f"Track record of {e.name}",
        (page, f"← {e.name}"),
        threads,
        lambda L, t: L.thread_item(t),
    )
    counts = record_counts(corpus, e.id)
    return {
        "total": len(claims),
        "counts": counts,
        "link": ctx.links(page).page(first, "Each claim and what became of it →"),
    }


def neighbours(ctx: Context, e: Entity) -> Drawn:
    """An entity card's graph: the neighbours drawn, the edges, and which of the
    neighbours are there only because they are often mentioned with it (the card
    names those below its relations, so that the drawing has a text alternative)."""
    edges: list[svg.Edge] = []
    found: list[str] = []
    co_mentioned: list[str] = []
    for r in e.relations:
        if r.other not in found and r.other != e.id:
            found.append(r.other)
        edges.append(svg.Edge(e.id, r.other, r.words, False))
    co = sorted(ctx.corpus.co_mentions.get(e.id, {}).items(), key=lambda kv: (-kv[1], kv[0]))
    limit = settings.GRAPH_NEIGHBOURS
    for other, count in co:
        if len(found) >= limit:
            break
        if other not in found:
            found.append(other)
            co_mentioned.append(other)
            plural = "s" if count != 1 else ""
            edges.append(
                svg.Edge(e.id, other, f"mentioned together in {count} briefing{plural}", True)
            )
    found = found[:limit]
    return found, edges, [n for n in co_mentioned if n in found]


def neighbourhood(ctx: Context, e: Entity, drawn: Drawn) -> Markup:
    """The entity card's graph of ``drawn`` (from :func:`neighbours`)."""
    page = paths.entity_doc(e.id)
    found, edges, co_mentioned = drawn
    if not found:
        return Markup("")
    nodes = [ctx.node(page, n) for n in found]
    described_by = f"{RELATIONS_LIST_ID} {CO_MENTIONED_ID}" if co_mentioned else RELATIONS_LIST_ID
    caption = f"{e.name} and its neighbours: relations (solid) and entities often mentioned with it (dashed)"
    return Markup(
        svg.figure(
            svg.neighbourhood(ctx.node(page, e.id), nodes, edges, caption),
            caption,
            described_by,
        )
    )


def directory(ctx: Context) -> Pages:
    """The entity directory, grouped by type, with how many briefings mention each:
    DIRECTORY_LIMIT entities to a page, the first page saying where each type starts."""
    counts = {eid: len(slugs) for eid, slugs in ctx.corpus.mentions.items()}
    rows = [(group["title"], e) for group in ctx.entity_groups() for e in group["entities"]]
    paged = grouped_pages(
        rows,
        lambda row: row[0],
        paths.ENTITIES_INDEX,
        paths.entities_page_doc,
        settings.DIRECTORY_LIMIT,
    )
    out: Pages = {}
    for n, (doc, chunk) in enumerate(zip(paged.docs, paged.groups, strict=True), 1):
        links = ctx.links(doc)
        overview = []
        if len(paged.docs) > 1 and n == 1:
            for title, (first, count) in paged.starts.items():
                label = f"{title} ({count})"
                overview.append(links.page(paged.docs[first - 1], label) if first != 1 else label)
        out[doc] = ctx.render(
            "entities.md.j2",
            doc,
            page_number=n,
            entity_groups=[
                {
                    "title": title if paged.starts[title][0] == n else f"{title} (continued)",
                    "entities": [e for _, e in members],
                }
                for title, members in chunk
            ],
            mention_counts=counts,
            overview=overview,
            total=len(rows),
            pager=ctx.pager(doc, paged.docs, n),
        )
    return out


def network(ctx: Context) -> Pages:
    """The network page: the most connected entities and their relations, drawn, and a
    table of the relations."""
    corpus = ctx.corpus
    page = paths.GRAPH_INDEX
    degree: dict[str, int] = {}
    edges: list[svg.Edge] = []
    rows: list[tuple[str, str, str]] = []
    for e in corpus.entities.values():
        for r in e.relations:
            if not r.inverse:
                edges.append(
                    svg.Edge(
                        e.id, r.other, f"{e.name} {r.words} {corpus.entity_name(r.other)}", False
                    )
                )
                rows.append((e.id, r.words, r.other))
            degree[e.id] = degree.get(e.id, 0) + 1
    for eid, slugs in corpus.mentions.items():
        degree[eid] = degree.get(eid, 0) + len(slugs)
    top = sorted(corpus.entities, key=lambda i: (-degree.get(i, 0), i))[: settings.GRAPH_NODES]
    chosen = set(top)
    nodes = [ctx.node(page, i) for i in sorted(chosen)]
    drawn = [ed for ed in edges if ed.a in chosen and ed.b in chosen]
    caption = "Entities and their relations"
    if len(chosen) < len(corpus.entities):
        caption += f" (the {len(chosen)} most connected of {len(corpus.entities)})"
    table_rows = settings.GRAPH_TABLE_ROWS
    text = ctx.render(
        "graph.md.j2",
        page,
        drawing=Markup(svg.figure(svg.network(nodes, drawn, caption), caption, RELATIONS_LIST_ID)),
        relations=rows[:table_rows],
        more_relations=max(len(rows) - table_rows, 0),
    )
    return {page: text}


def steps(ctx: Context) -> list[Step]:
    return [Step(lambda: directory(ctx), weight=2), Step(lambda: network(ctx), weight=1)]


KIND = Kind(
    name="entity",
    generated=("entities/", "graph/"),
    units=units,
    render=render,
    reads=reads,
    steps=steps,
    example="entities/nvidia",
)
