"""Search readers can trust at any size, in a real browser (issue: "newest first means
newest first, a name finds its card").

* Browsing without a query lists every shard's briefings and events newest first,
  and "Show more" goes on in order, on a project of real shard sizes (2,000 seeds,
  thousands of records in several shards) whose file order is unrelated to dates.
* A query that is an entity's name, one of its aliases or its id shows its card
  first, for the most-mentioned entities as for random ones.
* A briefing whose claim was later confirmed is found under "confirmed" too, and
  its result says so.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import random
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from generator import search
from generator.model import Corpus
from generator.pipeline import check
from generator.project import Project
from tests.helpers import (
    CHROMIUM,
    ROOT,
    chromium,
    run,
    serve_folder,
    set_briefing_option,
    synth_project,
)
from tests.test_search import Served, Tab, _count, _results, _settle, _tab

pytestmark = pytest.mark.slow

SEEDS = 2000
#: Bytes of the one names file a query downloads (the ranked search's own budget is
#: test_search.QUERY_BUDGET; docs/performance.md measures both at 10,000 seeds).
NAMES_BUDGET = 16 * 1024


def _shuffle_file_names(root: Path) -> None:
    """Give every seed a file name (its slug) that sorts unrelated to its date, and point
    every reference to it at the new name."""
    renamed: dict[str, str] = {}
    for path in sorted((root / "seeds").rglob("*.md")):
        slug = path.stem
        new = f"{hashlib.sha1(slug.encode()).hexdigest()[:6]}-{slug}"[:100].rstrip("-")
        renamed[slug] = new
        path.rename(path.with_name(f"{new}.md"))
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, renamed)) + r")\b")
    for path in (root / "seeds" / "entities").glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        changed = pattern.sub(lambda m: renamed[m.group(1)], text)
        if changed != text:
            path.write_text(changed, encoding="utf-8")


def _corpus(root: Path) -> Corpus:
    checked = check(Project.open(root), drafts=False)
    assert checked.corpus is not None, [str(p) for p in checked.problems.errors][:5]
    return checked.corpus


@pytest.fixture(scope="session")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A 2,000-seed synthetic project (bench/synth.py: Zipf-like popularity) with file
    names unrelated to dates, its search index in shards of 1,000 records."""
    root = synth_project(tmp_path_factory.mktemp("search-large") / "project", SEEDS)
    _shuffle_file_names(root)
    # shards of a thousand records, the smallest the default makes: four of them here
    set_briefing_option(root, "search_shard_records: 1000")
    code, out, err = run(root, "build")
    assert code == 0, out + err[-2000:]
    corpus = _corpus(root)
    with serve_folder(root / "site") as url:
        yield Served(root, url, corpus, {e.id: e.name for e in corpus.entities.values()})


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}")
    with chromium() as b:
        yield b


@contextlib.contextmanager
def _opened_at(browser: object, width: int) -> Iterator[Tab]:
    """A fresh tab ``width`` pixels wide, closed with its context afterwards (a long run
    of browser tests otherwise keeps every tab's pages alive)."""
    tab = _tab(browser, width)
    try:
        yield tab
    finally:
        tab.page.context.close()  # type: ignore[attr-defined]


def _opened(browser: object) -> contextlib.AbstractContextManager[Tab]:
    return _opened_at(browser, 1280)


def _newest_first(root: Path) -> list[search.Record]:
    """The dated records of the built site in the order browsing must list them."""

    def read(name: str) -> bytes:
        return (root / "site" / "data" / f"{name}.json").read_bytes()

    return [r for r in search.export_records(read) if r.kind != "entity"]


def _browse(page: object, url: str, pages: int) -> list[str]:
    """The hrefs /explore/ lists at ``url`` after "Show more" ``pages - 1`` times."""
    page.goto(url)  # type: ignore[attr-defined]
    shown = _results(page)
    for n in range(2, pages + 1):
        total = _count(page)
        if len(shown) >= total:
            break
        page.locator(".bf-explore__more").click()  # type: ignore[attr-defined]
        # the next page's last result is there (each page appends 20 at once)
        last = min(20 * n, total) - 1
        page.locator(".bf-explore__results > .bf-result").nth(last).wait_for()  # type: ignore[attr-defined]
        shown = _results(page)
    return shown


def _shards(root: Path) -> list[list[str]]:
    """The dated records' URLs of each shard of the built site, newest shard first."""
    records = search.export_records(lambda name: (root / "site/data" / f"{name}.json").read_bytes())
    size = search.shard_size(sum(r.kind != "entity" for r in records))
    planned = search.plan_shards(records, 1000 if size > 1000 else size)
    return [[r.url for r in s.records if r.kind != "entity"] for s in planned]


def test_browsing_lists_every_shard_newest_first(large: Served, browser: object) -> None:
    """Past the newest shard's records the list goes on with the next newest shard's (the
    merged index once went on with whichever shard scored the browse word highest)."""
    shards = _shards(large.root)
    assert len(shards) >= 4, [len(s) for s in shards]
    listed = (large.root / "site/pagefind/shards.json").read_text(encoding="utf-8")
    assert listed.count('"d') == len(shards)
    expected = [r.url for r in _newest_first(large.root)]
    assert [u for s in shards for u in s] == expected
    days = [r.day for r in _newest_first(large.root)]
    assert days == sorted(days, reverse=True)
    pages = len(shards[0]) // 20 + 3  # into the second shard by two pages at least
    with _opened(browser) as tab:
        shown = _browse(tab.page, f"{large.url}explore/", pages=pages)
        count = _count(tab.page)
    assert len(shown) == 20 * pages
    assert shown == expected[: 20 * pages]
    assert count == len(expected)


def test_browsing_with_a_filter_keeps_the_order(large: Served, browser: object) -> None:
    """A filter that leaves a few records in every shard: they come newest first."""
    records = _newest_first(large.root)
    shard_of = {url: n for n, urls in enumerate(_shards(large.root)) for url in urls}

    def urls(eid: str) -> list[str]:
        return [r.url for r in records if any(v.endswith(f"|{eid}") for v in r.filters["entity"])]

    def spread(eid: str) -> tuple[int, int]:
        found = urls(eid)
        return len({shard_of[u] for u in found}), -len(found)

    few = [e for e in large.corpus.entities if 10 <= len(urls(e)) <= 40]
    entity = max(few, key=spread)
    assert spread(entity)[0] >= 3, "the entity's records should be in several shards"
    expected = urls(entity)
    with _opened(browser) as tab:
        shown = _browse(tab.page, f"{large.url}explore/?entity={entity}", pages=2)
    assert shown == expected


#: Counts the WebAssembly instances a page makes (Pagefind's glue keeps one at a time).
COUNT_WASM = """
window.__wasmMade = 0;
for (const name of ['instantiate', 'instantiateStreaming']) {
  const made = WebAssembly[name];
  WebAssembly[name] = function (...args) { window.__wasmMade += 1; return made.apply(this, args); };
}
"""


class _AllAtOnce(http.server.SimpleHTTPRequestHandler):
    """Serves a site, holding each shard's WebAssembly file until every shard has asked
    for its own (or two seconds have passed): the files arrive together, as they can
    from a fast host, and the shards' start-ups overlap as much as they ever do."""

    barrier: threading.Barrier

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if re.search(r"/pagefind/d\d+/wasm\.[a-z-]+\.pagefind$", self.path):
            with contextlib.suppress(threading.BrokenBarrierError):
                self.barrier.wait(timeout=2)
        super().do_GET()


def test_browsing_with_filters_when_every_shard_starts_at_once(
    large: Served, browser: object
) -> None:
    """Each shard is a Pagefind instance of its own, and they share one WebAssembly
    memory: started side by side, each loaded a WebAssembly instance and all but one
    then read the wrong memory ("memory access out of bounds" at 10,000 seeds, the list
    stuck on "Searching…").  With three facets chosen, the counts are the model's."""
    records = _newest_first(large.root)
    shards = len(_shards(large.root))
    counts: dict[str, int] = {}
    for r in records:
        for value in r.filters["entity"]:
            counts[value.rsplit("|", 1)[1]] = counts.get(value.rsplit("|", 1)[1], 0) + 1
    entity = max(counts, key=lambda e: (counts[e], e))
    chosen = [r for r in records if any(v.endswith(f"|{entity}") for v in r.filters["entity"])]
    years = [y for r in chosen for y in r.filters["year"]]
    year = max(set(years), key=lambda y: (years.count(y), y))
    expected = [r.url for r in chosen if year in r.filters["year"]]
    handler = type("Handler", (_AllAtOnce,), {"barrier": threading.Barrier(shards)})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(large.root / "site"))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    errors: list[str] = []
    try:
        with _opened(browser) as tab:
            tab.page.on(  # type: ignore[attr-defined]
                "console", lambda m: errors.append(m.text) if m.type == "error" else None
            )
            tab.page.add_init_script(COUNT_WASM)  # type: ignore[attr-defined]
            tab.page.goto(f"{base}explore/?entity={entity}&year={year}")  # type: ignore[attr-defined]
            shown = _results(tab.page)
            count = _count(tab.page)
            made = tab.page.evaluate("window.__wasmMade")  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
    assert made == 1, f"{made} WebAssembly instances for {shards} shards"
    assert errors == []
    assert count == len(expected)
    assert shown == expected[:20]


def _first_result(page: object) -> str:
    _settle(page)
    return str(
        page.locator(".bf-explore__main a.bf-result__title").first.get_attribute("href")  # type: ignore[attr-defined]
    )


def _ranked_entities(corpus: Corpus) -> list[str]:
    """The 20 most-mentioned entities and 20 others at random (fixed seed)."""
    by_mentions = sorted(corpus.entities, key=lambda e: (-len(corpus.mentions.get(e, [])), e))
    top = by_mentions[:20]
    rest = sorted(set(corpus.entities) - set(top))
    return top + random.Random("cards").sample(rest, 20)


def test_a_name_finds_its_card_first(large: Served, browser: object) -> None:
    """For the 20 most-mentioned entities and 20 random ones: the name, the first alias and
    the id each put the card first (docs/performance.md reports the count)."""
    corpus = large.corpus
    missed = []
    checked = 0
    ranked = _ranked_entities(corpus)
    # every name; the aliases and ids of the five most mentioned and five random ones
    every = set(ranked[:5] + ranked[20:25])
    with _opened(browser) as tab:
        for eid in ranked:
            queries = _queries(corpus, eid) if eid in every else [corpus.entities[eid].name]
            missed += _card_queries(tab, large, eid, queries)
            checked += len(queries)
    assert any(
        re.search(r"[\u4e00-\u9fff]", a) for e in corpus.entities.values() for a in e.aliases
    )
    assert missed == [], f"{len(missed)} of {checked} missed: {missed[:10]}"


def _queries(corpus: Corpus, eid: str) -> list[str]:
    """An entity's name, its first alias and its id."""
    e = corpus.entities[eid]
    return list(dict.fromkeys([e.name, *e.aliases[:1], eid]))


def _card_queries(tab: Tab, large: Served, eid: str, queries: list[str]) -> list[str]:
    """The ``queries`` that do not show the card first; each downloads one small names
    file."""
    page = tab.page
    card = f"/entities/{eid}/"
    missed = []
    for query in queries:
        tab.fetched.clear()
        page.goto(f"{large.url}explore/?q={quote(query)}")  # type: ignore[attr-defined]
        first = _first_result(page)
        if first != card:
            missed.append(f"{query!r}: {first} (want {card})")
        names = [n for url, n in tab.fetched.items() if "/explore/names/" in url]
        assert len(names) == 1 and names[0] <= NAMES_BUDGET, (query, names)
    return missed


def test_the_header_box_shows_the_card_first(large: Served, browser: object) -> None:
    corpus = large.corpus
    eid = _ranked_entities(corpus)[0]
    with _opened(browser) as tab:
        page = tab.page
        page.goto(f"{large.url}")  # type: ignore[attr-defined]
        box = page.locator("form[data-bf-search] input[name=q]")  # type: ignore[attr-defined]
        box.fill(corpus.entities[eid].name)
        first = page.locator(".bf-search__results a.bf-result__title").first  # type: ignore[attr-defined]
        first.wait_for()
        assert first.get_attribute("href") == f"/entities/{eid}/"


# --- later word in the claim-status facet -----------------------------------------------


@pytest.fixture(scope="module")
def claims_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("search-claims") / "project"
    shutil.copytree(ROOT / "tests/data/claims-project", root)
    code, out, err = run(root, "build")
    assert code == 0, out + err[-2000:]
    corpus = _corpus(root)
    with serve_folder(root / "site") as url:
        yield Served(root, url, corpus)


def test_a_report_later_confirmed_is_found_under_confirmed(
    claims_site: Served, browser: object
) -> None:
    corpus = claims_site.corpus
    later = [
        (b, c)
        for b in corpus.briefings
        for c in b.claims
        if c.status == "reported" and corpus.thread_of[c.key].status == "confirmed"
    ]
    assert later, "the claims project has a report later confirmed"
    with _opened(browser) as tab:
        page = tab.page
        shown = _browse(page, f"{claims_site.url}explore/?status=confirmed", pages=1)
        for b, _claim in later:
            assert f"/briefings/{b.slug}/" in shown
            item = page.locator(".bf-explore__results > .bf-result").filter(  # type: ignore[attr-defined]
                has=page.locator(f'a.bf-result__title[href="/briefings/{b.slug}/"]')  # type: ignore[attr-defined]
            )
            text = item.inner_text()
            assert re.search(r"reported; later confirmed by \S", text), text


# --- pictures on a phone ----------------------------------------------------------------

#: The box of every label of every drawn graph on the page, in the drawing's units, and
#: the pairs that intersect (by more than a hair: touching is fine).
OVERLAPS = """() => {
  const found = [];
  for (const svg of document.querySelectorAll('svg.bf-graph-svg')) {
    const boxes = Array.from(svg.querySelectorAll('text')).map((t) => [t.textContent, t.getBBox()]);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, p] = boxes[i], [b, q] = boxes[j];
        const w = Math.min(p.x + p.width, q.x + q.width) - Math.max(p.x, q.x);
        const h = Math.min(p.y + p.height, q.y + q.height) - Math.max(p.y, q.y);
        if (w > 0.5 && h > 0.5) found.push(`${a} / ${b}`);
      }
    }
  }
  return found;
}"""


def _graph_pages(corpus: Corpus, most: int | None = None) -> list[str]:
    """The network page and the entity cards that draw a graph (the ``most`` with the most
    neighbours, when given)."""
    drawn = [e for e in corpus.entities.values() if e.relations or corpus.co_mentions.get(e.id)]
    drawn.sort(key=lambda e: (-len(e.relations) - len(corpus.co_mentions.get(e.id, {})), e.id))
    return ["graph/", *(f"entities/{e.id}/" for e in drawn[:most])]


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    from tests.helpers import copy_example

    root = copy_example(tmp_path_factory.mktemp("pictures") / "example")
    code, out, err = run(root, "build")
    assert code == 0, out + err[-2000:]
    with serve_folder(root / "site") as url:
        yield Served(root, url, _corpus(root))


@pytest.mark.parametrize("which", ["example", "claims", "large"])
def test_no_two_graph_labels_overlap(
    which: str, request: pytest.FixtureRequest, browser: object
) -> None:
    site: Served = request.getfixturevalue(
        {"example": "example_site", "claims": "claims_site", "large": "large"}[which]
    )
    pages = _graph_pages(site.corpus, 60 if which == "large" else None)
    assert len(pages) > 2
    found = []
    with _opened(browser) as tab:
        for page in pages:
            tab.page.goto(site.url + page)  # type: ignore[attr-defined]
            found += [f"{page}: {pair}" for pair in tab.page.evaluate(OVERLAPS)]  # type: ignore[attr-defined]
    assert found == [], f"{len(found)} overlapping labels, such as {found[:8]}"


#: On a phone's width: which drawings of the page show, whether a figure scrolls
#: sideways, and every event row's label and bar that reaches past its drawing's width.
PHONE = """() => {
  const out = { wide: 0, narrow: 0, scrolls: [], outside: [] };
  for (const fig of document.querySelectorAll('figure.bf-figure')) {
    if (!fig.querySelector('svg.bf-timeline-svg')) continue; // a graph scrolls inside its frame
    if (fig.scrollWidth > fig.clientWidth + 1) out.scrolls.push(fig.scrollWidth + ' > ' + fig.clientWidth);
  }
  for (const svg of document.querySelectorAll('svg.bf-timeline-svg')) {
    const shown = getComputedStyle(svg).display !== 'none';
    if (!shown) continue;
    if (svg.classList.contains('bf-timeline-narrow')) out.narrow++; else out.wide++;
    const width = svg.viewBox.baseVal.width;
    for (const mark of svg.querySelectorAll('a.bf-mark')) {
      for (const part of mark.querySelectorAll('text, rect.bf-bar, circle')) {
        const box = part.getBBox();
        if (box.x < 0 || box.x + box.width > width + 0.5) out.outside.push(mark.textContent.slice(0, 60));
      }
    }
  }
  return out;
}"""


def _timeline_pages(corpus: Corpus) -> list[str]:
    """The timeline's pages, an entity card and a tag page with the most events each."""
    busiest = max(corpus.entities, key=lambda e: (len(corpus.events_of.get(e, [])), e))
    tag = max(corpus.tags, key=lambda t: (len(corpus.tag_events.get(t, [])), t))
    return ["timeline/", f"entities/{busiest}/", f"tags/{tag}/"]


@pytest.mark.parametrize("which", ["example", "large"])
def test_on_a_phone_the_timeline_needs_no_sideways_scrolling(
    which: str, request: pytest.FixtureRequest, browser: object
) -> None:
    """At 390 px each drawn timeline shows every event's date, label and bar inside the
    page's width (the phone's drawing); at 1280 px the one with labels beside the bars."""
    site: Served = request.getfixturevalue({"example": "example_site", "large": "large"}[which])
    pages = _timeline_pages(site.corpus)
    if which == "large":
        year = sorted(p.name for p in (site.root / "site/timeline").iterdir() if p.name.isdigit())[
            -1
        ]
        pages.append(f"timeline/{year}/")
    drawn = 0
    for width, kind in ((390, "narrow"), (1280, "wide")):
        with _opened_at(browser, width) as tab:
            for page in pages:
                tab.page.goto(site.url + page)  # type: ignore[attr-defined]
                seen = tab.page.evaluate(PHONE)  # type: ignore[attr-defined]
                if not tab.page.locator("svg.bf-timeline-svg").count():  # type: ignore[attr-defined]
                    continue  # a timeline split by year draws on the year's pages
                drawn += 1
                other = "wide" if kind == "narrow" else "narrow"
                assert seen[kind] >= 1 and seen[other] == 0, (page, width, seen)
                if kind == "narrow":
                    assert seen["scrolls"] == [], (page, seen["scrolls"])
                    assert seen["outside"] == [], (page, seen["outside"][:5])
    assert drawn >= 4, "each size should have seen two pages with a timeline at least"
