"""Search and filters: the Pagefind index of the hosted site, /explore/, and the settings
of the two kinds of build.

The browser tests run on a synthetic project of a few hundred seeds (bench/synth.py),
built once per session and served on 127.0.0.1; every count they check is computed
from the model the build came from.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from generator import memory, parallel, search
from generator.model import Corpus
from generator.pipeline import check
from generator.project import Project
from tests.helpers import (
    CHROMIUM,
    ROOT,
    chromium,
    copy_example,
    hashes,
    run,
    serve_folder,
    set_briefing_option,
    synth_project,
)

SEEDS = 300
#: Records per search shard in the served project: several shards to merge.
SHARD_RECORDS = 400
#: Bytes of search data one query may download (docs/performance.md).
QUERY_BUDGET = 400 * 1024


# --- settings for the two builds (no browser) -------------------------------------------


@pytest.mark.parametrize(
    ("plugins", "kept"),
    [
        (None, []),
        (["search"], []),
        (["material/search", "tags"], ["tags"]),
        ([{"search": {"lang": "en"}}, {"offline": {}}], [{"offline": {}}]),
    ],
)
def test_hosted_builds_run_no_lunr_search(
    tmp_path: Path, plugins: list[object] | None, kept: list[object]
) -> None:
    settings = {"theme": {"name": "material", "font": False}, "plugins": plugins}
    out = search.hosted_overrides(settings, tmp_path, tmp_path)
    assert out["plugins"] == kept
    assert out["theme"] == {"name": "material", "font": False, "custom_dir": str(search.OVERRIDES)}
    assert "assets/briefing/search.css" in out["extra_css"]
    assert {"path": "assets/briefing/search.js", "type": "module"} in out["extra_javascript"]


def test_a_projects_own_theme_overrides_win_over_ours(tmp_path: Path) -> None:
    own = tmp_path / "overrides" / "partials"
    own.mkdir(parents=True)
    (own / "footer.html").write_text("mine", encoding="utf-8")
    (own / "header.html").write_text("my header", encoding="utf-8")
    out = search.hosted_overrides(
        {"theme": {"name": "material", "custom_dir": "overrides"}}, tmp_path, tmp_path / "scratch"
    )
    merged = Path(out["theme"]["custom_dir"])
    assert (merged / "partials" / "footer.html").read_text() == "mine"
    assert (merged / "partials" / "header.html").read_text() == "my header"
    assert (merged / "assets" / "briefing" / "search.js").is_file()


def test_zensical_builds_get_no_overrides_and_no_index(tmp_path: Path) -> None:
    """Zensical runs no MkDocs plugins and has its own search; nothing would load Pagefind."""
    assert (
        search.hosted_overrides({"plugins": ["search"]}, tmp_path, tmp_path, builder="zensical")
        == {}
    )
    (tmp_path / "site").mkdir()
    assert search.index_site(tmp_path / "site").records == {}
    assert not (tmp_path / "site" / "pagefind").exists()


@pytest.mark.parametrize(
    ("plugins", "expected"),
    [
        (["offline"], ["search", "offline"]),
        (["search", "offline"], ["search", "offline"]),
        ([{"material/search": {}}, "offline"], [{"material/search": {}}, "offline"]),
    ],
)
def test_the_bundle_keeps_materials_search(plugins: list[object], expected: list[object]) -> None:
    assert search.bundle_plugins(plugins) == expected


def test_cbor_round_trip() -> None:
    value = ["entity", [["Baidu|baidu", [0, 3, 70000]], ["Zhipu|zhipu", []]], None, True, -5, b"x"]
    encoded = search._cbor_encode(value)
    assert search._cbor_decode(encoded) == (value, len(encoded))


def _record(day: str, n: int, kind: str = "briefing") -> search.Record:
    return search.Record(
        url=f"/{kind}/{day}-{n}/",
        kind=kind,
        title=f"{day} {n}",
        filters={},
        meta={},
        text="x",
        day=day,
    )


def _dated(days: dict[str, int]) -> list[search.Record]:
    """Records newest first, ``days[day]`` of them on each day (as :func:`search.records`)."""
    return [_record(d, n) for d in sorted(days, reverse=True) for n in range(days[d])]


@pytest.mark.parametrize(
    ("days", "cards", "sizes"),
    [
        ({"2025-01-01": 3, "2025-01-02": 3, "2025-01-03": 3}, 0, [3, 6]),  # newest first
        ({"2025-01-01": 2, "2025-01-02": 7}, 0, [7, 2]),  # a day is never split
        ({"2025-01-01": 6}, 0, [6]),
        ({"2025-01-01": 2, "2025-01-02": 2, "2025-01-03": 2, "2025-01-04": 2}, 2, [4, 6]),
        ({"2025-01-01": 3}, 9, [12]),  # the cards end the newest shard, however many
        ({}, 0, [0]),  # an empty project has one empty index
    ],
)
def test_shards_cut_whole_days_from_the_oldest(
    days: dict[str, int], cards: int, sizes: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "SHARD_RECORDS", 6)
    records = _dated(days) + [_record("", n, "entity") for n in range(cards)]
    shards = search.plan_shards(records)
    assert [len(s.records) for s in shards] == sizes
    dated = [s.name for s in shards if s.name.startswith("d")]
    assert dated == [f"d{n}" for n in reversed(range(len(dated)))]
    assert [s.name for s in shards[len(dated) :]] == [
        f"e{n}" for n in range(len(shards) - len(dated))
    ]
    # concatenated in search order, the shards give back the dated records' order
    # (newest first); the entity cards end the newest shard
    assert [r for s in shards for r in s.records if r.kind != "entity"] == records[
        : len(records) - cards
    ]
    assert shards[0].records[len(shards[0].records) - cards :] == records[len(records) - cards :]
    for shard in shards:
        others = {r.day for o in shards if o is not shard for r in o.records if r.day}
        assert not {r.day for r in shard.records if r.day} & others
    assert len(search.plan_shards(records, 100)) == 1  # the setting


@pytest.mark.parametrize(
    ("dated", "size"),
    [
        (0, 1000),
        (600, 1000),
        (3000, 1000),
        (3001, 2000),
        (3953, 2000),
        (19715, 8000),
        (96_000, 32_000),
        (200_000, 32_000),  # capped: a Pagefind of 32,000 records holds about 2 GB
    ],
)
def test_shards_are_sized_for_about_three(dated: int, size: int) -> None:
    """Powers of two from 1,000: the cut moves only when the tracker has doubled."""
    assert search.SHARD_RECORDS is None
    assert search.shard_size(dated) == size


def test_newer_records_change_only_the_newest_shard() -> None:
    """A tracker grows at its newest end: older shards (and their inputs) stay as they were."""
    older = _dated({f"2025-01-{d:02d}": 3 for d in range(1, 20)})
    cards = [_record("", n, "entity") for n in range(12)]
    before = {s.name: s.records for s in search.plan_shards(older + cards, 20)}
    grown = _dated({"2025-02-01": 2}) + older
    after = {s.name: s.records for s in search.plan_shards(grown + cards, 20)}
    changed = {name for name in after if before.get(name) != after[name]}
    assert len(after) > 3
    newest = max(after, key=lambda n: int(n[1:]))
    assert changed == {newest}
    assert after[newest][-12:] == cards


def test_records_carry_the_facets_of_the_model(example_site: Path) -> None:
    records = list(search.records(example_site))
    kinds = Counter(r.kind for r in records)
    corpus = _corpus(ROOT)
    assert kinds == {
        "briefing": len(corpus.briefings),
        "entity": len(corpus.entities),
        "event": len(corpus.events),
    }
    briefing = next(r for r in records if r.kind == "briefing")
    assert briefing.filters["source"] == ["Reuters|reuters"]
    assert briefing.filters["year"] == ["2025"]
    assert set(briefing.filters["status"]) == {"reported", "no-comment"}
    assert "Baidu|baidu" in briefing.filters["entity"]
    assert "claim-1:reported" in briefing.meta["claims"]
    assert 'id="claim-1"' in briefing.html
    event = next(r for r in records if r.kind == "event")
    assert event.url.startswith("/briefings/") and "#ev-" in event.url
    # newest first, entity cards last
    days = [r.day for r in records if r.kind != "entity"]
    assert days == sorted(days, reverse=True)
    assert [r.kind for r in records[-kinds["entity"] :]] == ["entity"] * kinds["entity"]


def test_records_made_from_the_exports_before_the_site_is_built_are_the_sites(
    example_site: Path,
) -> None:
    """A build makes the records from the staged data exports while MkDocs runs
    (``export_records``); given to ``records`` they are what it reads from the site."""
    docs = example_site.parent / "docs" / "data"
    early = search.export_records(lambda name: (docs / f"{name}.json").read_bytes())
    assert all(r.page is None and not r.html for r in early)
    made = list(search.records(example_site, prepared=early))
    read = list(search.records(example_site))
    fields = ("url", "kind", "title", "filters", "meta", "html", "text", "day", "page", "page_rel")
    assert [[getattr(r, f) for f in fields] for r in made] == [
        [getattr(r, f) for f in fields] for r in read
    ]
    assert all(r.page for r in made if r.kind != "event")


@pytest.mark.parametrize("same_bytes", [True, False])
def test_a_build_uses_the_early_records_only_if_the_sites_exports_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, same_bytes: bool
) -> None:
    """The records made beside MkDocs are used when the exports they were made from are
    the site's, byte for byte; otherwise they are made again from the site.  Either
    way the index is the same."""
    from generator import pipeline

    root = copy_example(tmp_path / "project")
    monkeypatch.setenv("BRIEFING_JOBS", "2")
    given: list[object] = []
    real_index, real_beside = search.index_site, pipeline._beside_search_records

    def index(*args: object, **kwargs: object) -> object:
        given.append(kwargs.get("prepared"))
        return real_index(*args, **kwargs)  # type: ignore[arg-type]

    def beside(*args: object, **kwargs: object) -> object:
        report, prepared = real_beside(*args, **kwargs)  # type: ignore[arg-type]
        assert prepared is not None, "the records were not made beside MkDocs"
        if not same_bytes:
            prepared = (prepared[0], {**prepared[1], "events": "0" * 64})
        return report, prepared

    monkeypatch.setattr(search, "index_site", index)
    monkeypatch.setattr(pipeline, "_beside_search_records", beside)
    code, out, err = run(root, "build", "--no-cache")
    assert code == 0, out + err
    assert (given[0] is not None) == same_bytes
    monkeypatch.undo()
    clean = copy_example(tmp_path / "clean")
    monkeypatch.setenv("BRIEFING_JOBS", "1")
    code, out, err = run(clean, "build", "--no-cache")
    assert code == 0, out + err
    assert hashes(root / "site" / "pagefind") == hashes(clean / "site" / "pagefind")


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("search-example") / "project")
    code, out, err = run(root, "build", "--strict")
    assert code == 0, out + err
    return root / "site"


def test_the_hosted_site_has_pagefind_and_no_lunr_index(example_site: Path) -> None:
    assert not (example_site / "search" / "search_index.json").exists()
    shards = json.loads((example_site / "pagefind" / "shards.json").read_text())
    assert shards == ["d0"]  # the example is small: one shard
    pages = 0
    for name in shards:
        entry = json.loads((example_site / "pagefind" / name / "pagefind-entry.json").read_text())
        pages += entry["languages"]["en"]["page_count"]
    assert pages > 20
    assert (example_site / "pagefind" / "pagefind.js").is_file()
    assert (example_site / "explore" / "index.html").is_file()
    assert not (example_site / "pagefind" / "pagefind-ui.js").exists()
    header = (example_site / "index.html").read_text(encoding="utf-8")
    assert 'action="explore/"' in header and "md-search__input" not in header


def test_indexing_twice_gives_the_same_files(example_site: Path, tmp_path: Path) -> None:
    """Pagefind writes filter values in hash-map order; canonicalise() fixes the order."""
    copy = tmp_path / "site"
    shutil.copytree(example_site, copy)
    search.index_site(copy)
    assert hashes(copy / "pagefind") == hashes(example_site / "pagefind")


def test_failed_indexing_fails_the_build_and_keeps_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_example(tmp_path / "project")
    code, _out, err = run(root, "build")
    assert code == 0, err
    before, docs = hashes(root / "site"), hashes(root / "docs")
    (root / "seeds" / "2025" / "2025-09-11-alibaba-baidu-own-chips.md").write_text(
        (ROOT / "seeds" / "2025" / "2025-09-11-alibaba-baidu-own-chips.md")
        .read_text(encoding="utf-8")
        .replace("title: Alibaba, Baidu begin", "title: Edited Alibaba, Baidu begin", 1),
        encoding="utf-8",
    )

    def broken(*args: object, **kwargs: object) -> None:
        time.sleep(0.5)  # docs/ is brought up to date meanwhile, then put back
        raise search.SearchFailed("search index: Pagefind stopped: disk full")

    monkeypatch.setattr(search, "index_site", broken)
    code, _, err = run(root, "build")
    assert code == 1
    assert "Pagefind stopped: disk full" in err and "Traceback" not in err, err
    assert hashes(root / "site") == before
    assert hashes(root / "docs") == docs, "docs/ was updated while the index was made"

    def missing(*args: object, **kwargs: object) -> None:
        raise search.SearchMissing("the search index needs Pagefind: pip install 'pagefind[bin]'")

    monkeypatch.setattr(search, "index_site", missing)
    code, _, err = run(root, "build")
    assert code == 2 and "pagefind[bin]" in err and "Traceback" not in err
    assert hashes(root / "site") == before
    assert hashes(root / "docs") == docs


# --- the synthetic project in a browser ---------------------------------------------------


def _corpus(root: Path) -> Corpus:
    checked = check(Project.open(root), drafts=False)
    assert checked.corpus is not None
    return checked.corpus


@dataclass
class Served:
    root: Path
    url: str
    corpus: Corpus
    names: dict[str, str] = field(default_factory=dict)


def _serve(root: Path, shard_records: int | None) -> Iterator[Served]:
    """Build the synthetic project at ``root`` (with that many records per search shard,
    or the default) and serve its site on 127.0.0.1."""
    synth_project(root, SEEDS)
    with pytest.MonkeyPatch.context() as patch:
        if shard_records is not None:
            patch.setattr(search, "SHARD_RECORDS", shard_records)
        code, out, err = run(root, "build")
    assert code == 0, out + err[-2000:]
    corpus = _corpus(root)
    with serve_folder(root / "site") as url:
        yield Served(root, url, corpus, {e.id: e.name for e in corpus.entities.values()})


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A synthetic project of SEEDS seeds, built once per session (one search shard)."""
    yield from _serve(tmp_path_factory.mktemp("search-synth") / "project", None)


@pytest.fixture(scope="session")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The same project with small search shards, which the browser merges (a site has
    several from about 3,500 seeds on)."""
    yield from _serve(tmp_path_factory.mktemp("search-shards") / "project", SHARD_RECORDS)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}")
    with chromium() as b:
        yield b


@dataclass
class Tab:
    page: object
    fetched: dict[str, int] = field(default_factory=dict)
    outside: list[str] = field(default_factory=list)

    def search_bytes(self) -> int:
        return sum(n for url, n in self.fetched.items() if "/pagefind/" in url)


def _tab(browser: object, width: int = 1280) -> Tab:
    context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    tab = Tab(context.new_page())

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if urlsplit(url).hostname == "127.0.0.1":
            r.continue_()  # type: ignore[attr-defined]
        else:
            tab.outside.append(url)
            r.abort()  # type: ignore[attr-defined]

    def response(resp: object) -> None:
        with contextlib.suppress(Exception):  # a response without a body (a redirect)
            tab.fetched[resp.url] = len(resp.body())  # type: ignore[attr-defined]

    context.route("**/*", route)
    tab.page.on("response", response)  # type: ignore[attr-defined]
    return tab


#: True once /explore/ has shown what its last search found: the status gives the count
#: ("N results"; "Searching…" while a search runs) and the list holds that page of
#: results.  search.js empties the list and sets the count in one step, then appends the
#: page's results (20, its PAGE) in one step once their fragments have loaded.
EXPLORE_SETTLED = """() => {
  const found = document.querySelector('.bf-explore__status')?.textContent.match(/^(\\d+) result/);
  if (!found) return false;
  const shown = document.querySelectorAll('.bf-explore__results > .bf-result').length;
  return shown >= Math.min(Number(found[1]), 20);
}"""


def _settle(page: object) -> None:
    """Wait until /explore/ shows the count and the results of its last search."""
    page.wait_for_function(EXPLORE_SETTLED)  # type: ignore[attr-defined]


def _results(page: object) -> list[str]:
    """The hrefs of the listed results on /explore/, in order, once they are all shown."""
    _settle(page)
    return page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".bf-explore__results a.bf-result__title", "els => els.map(e => e.getAttribute('href'))"
    )


def _count(page: object) -> int:
    text = page.locator(".bf-explore__status").inner_text()  # type: ignore[attr-defined]
    found = re.match(r"(\d+) result", text)
    assert found, text
    return int(found.group(1))


def _facet_counts(page: object, facet: str) -> dict[str, int]:
    return dict(
        page.eval_on_selector_all(  # type: ignore[attr-defined]
            f'.bf-facet[data-facet="{facet}"] input',
            "els => els.map(e => [e.value, Number(e.closest('label')"
            ".querySelector('.bf-facet__count').textContent)])",
        )
    )


def _open_facet(page: object, facet: str) -> None:
    """Open a facet (its counts load then) and wait for its values."""
    details = page.locator(f'.bf-facet[data-facet="{facet}"]')  # type: ignore[attr-defined]
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    page.locator(  # type: ignore[attr-defined]
        f'.bf-facet[data-facet="{facet}"] input, .bf-facet[data-facet="{facet}"] .bf-facet__none'
    ).first.wait_for()
    _settle(page)  # the search that loaded the facet's counts has shown its results too


def _busiest_entity(corpus: Corpus) -> str:
    """The entity that the most briefings list (so it is among the facet values shown first)."""
    counts = Counter(e for b in corpus.briefings for e in b.entities)
    counts.update(e for ev in corpus.events for e in ev.entities)
    return max(counts, key=lambda e: (counts[e], e))


def _event_years(corpus: Corpus, entity: str) -> Counter[str]:
    years: Counter[str] = Counter()
    for e in corpus.events:
        if entity in e.entities:
            d = e.date  # an open end counts only its known side
            first = (d.latest if d.open_start else d.earliest).year
            last = (d.earliest if d.open_end else d.latest).year
            years.update(str(y) for y in range(first, min(last, first + 20) + 1))
    return years


def test_related_briefings_are_in_neither_search(served: Served) -> None:
    """A briefing's list of related briefings (other pages' titles) is in neither search:
    Material's (the offline bundle's) skips it by ``data-search-exclude``, Pagefind by
    ``data-pagefind-ignore`` (and the record's article leaves it out).  The example has
    one briefing, so the synthetic project is read; most of its briefings have the list,
    and without one this would check nothing."""
    listed = 0
    for record in search.records(served.root / "site"):
        if record.kind != "briefing" or record.page is None:
            continue
        page = BeautifulSoup(Path(record.page).read_text(encoding="utf-8"), "lxml")
        heading = page.find(id="related-briefings")
        if heading is None:
            continue
        listing = heading.find_next_sibling()
        assert listing is not None and listing.name == "ul", record.url
        assert listing.has_attr("data-search-exclude"), record.url
        assert listing.has_attr("data-pagefind-ignore"), record.url
        related = {str(a["href"]) for a in listing.select("li a[href]")}
        assert related, record.url
        indexed = BeautifulSoup(record.html, "lxml")
        for ignored in indexed.select("[data-pagefind-ignore]"):
            ignored.decompose()
        # what the index reads after the heading (the section is the page's last)
        after = indexed.find(id="related-briefings")
        assert after is not None, record.url
        after_links = {
            a.get("href") for el in after.find_next_siblings() for a in el.select("a[href]")
        }
        assert not related & after_links, record.url
        listed += 1
    assert listed > len(served.corpus.briefings) // 2, listed


def test_a_query_finds_a_briefing_and_an_entity(served: Served, browser: object) -> None:
    entity = _busiest_entity(served.corpus)
    name = served.names[entity]
    tab = _tab(browser)
    page = tab.page
    page.goto(f"{served.url}about/")  # type: ignore[attr-defined]
    box = page.locator("#bf-search-input")  # type: ignore[attr-defined]
    box.press_sequentially(name, delay=20)
    dropdown = page.locator("#bf-search-results .bf-result")  # type: ignore[attr-defined]
    dropdown.first.wait_for(timeout=15_000)
    first = dropdown.first
    assert first.locator(".bf-result__meta").inner_text()  # kind · date · source
    box.press("Enter")  # all results, on /explore/
    page.wait_for_url(re.compile(r"/explore/\?q="))  # type: ignore[attr-defined]
    hrefs = _results(page)
    assert f"/entities/{entity}/" in hrefs, hrefs[:10]
    listed = {f"/briefings/{b.slug}/" for b in served.corpus.briefings if entity in b.entities}
    assert listed & set(hrefs), "no briefing that lists the entity among the first results"
    kinds = page.locator(".bf-result__meta").all_inner_texts()  # type: ignore[attr-defined]
    assert any(k.startswith("Briefing") for k in kinds) and any(
        k.startswith(("Company", "Person", "Product", "Organization", "Government", "Media"))
        or k.startswith(("Place", "Other"))
        for k in kinds
    )
    assert tab.outside == []


def test_a_facet_narrows_the_results_with_counts_from_the_model(
    sharded: Served, browser: object
) -> None:
    served = sharded
    corpus = served.corpus
    entity = _busiest_entity(corpus)
    tab = _tab(browser)
    page = tab.page
    page.goto(f"{served.url}explore/")  # type: ignore[attr-defined]
    everything = _results(page)
    public_events = len(corpus.events)
    assert _count(page) == len(corpus.briefings) + public_events
    # one page of results, newest first across the shards (the order they were indexed in)
    site = served.root / "site"
    assert len(json.loads((site / "pagefind" / "shards.json").read_text())) > 1
    newest = [r.url for r in search.records(site) if r.kind != "entity"][:20]
    assert everything == newest
    _open_facet(page, "entity")
    before = _facet_counts(page, "entity")
    briefings = [b for b in corpus.briefings if entity in b.entities]
    events = [e for e in corpus.events if entity in e.entities]
    assert before[entity] == len(briefings) + len(events)
    page.locator(f'.bf-facet[data-facet="entity"] input[value="{entity}"]').check()  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(rf"entity={entity}"))  # type: ignore[attr-defined]
    _results(page)
    page.wait_for_function(  # type: ignore[attr-defined]
        f"() => document.querySelector('.bf-explore__status').textContent.startsWith('{len(briefings) + len(events)} ')"
    )
    assert _count(page) == len(briefings) + len(events)
    years = Counter(str(b.date.year) for b in briefings) + _event_years(corpus, entity)
    for facet in ("year", "status", "kind"):
        _open_facet(page, facet)
    assert _facet_counts(page, "year") == dict(years)
    statuses = Counter(s for b in briefings for s in {c.status for c in b.claims})
    assert _facet_counts(page, "status") == dict(statuses)
    kinds = _facet_counts(page, "kind")
    assert kinds == {"briefing": len(briefings), "event": len(events)}
    # a second facet narrows further: one claim status
    status, n = statuses.most_common(1)[0]
    page.locator(f'.bf-facet[data-facet="status"] input[value="{status}"]').check()  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        f"() => document.querySelector('.bf-explore__status').textContent.startsWith('{n} ')"
    )
    hrefs = _results(page)
    _results(page)
    expected = {
        f"/briefings/{b.slug}/" for b in briefings if status in {c.status for c in b.claims}
    }
    assert set(hrefs) <= expected and len(hrefs) == min(n, 20)
    assert page.locator(f".bf-result__claims .bf-status-{status}").count() >= 1  # type: ignore[attr-defined]
    assert tab.outside == []


def test_a_deep_link_reproduces_the_view(sharded: Served, browser: object) -> None:
    served = sharded
    corpus = served.corpus
    entity = _busiest_entity(corpus)
    year = str(corpus.briefings[len(corpus.briefings) // 2].date.year)
    link = f"{served.url}explore/?entity={entity}&year={year}&status=confirmed"
    first = _tab(browser).page
    first.goto(link)  # type: ignore[attr-defined]
    hrefs = _results(first)
    expected = [
        b
        for b in corpus.briefings
        if entity in b.entities
        and str(b.date.year) == year
        and "confirmed" in {c.status for c in b.claims}
    ]
    assert _count(first) == len(expected)
    # browsing keeps the index's order, newest first: the first page is the newest 20
    wanted = {f"/briefings/{b.slug}/" for b in expected}
    newest = [r.url for r in search.records(served.root / "site") if r.url in wanted]
    assert len(newest) == len(expected)
    assert hrefs == newest[:20]
    for facet, value in (("entity", entity), ("year", year), ("status", "confirmed")):
        assert first.locator(f'.bf-facet[data-facet="{facet}"] input[value="{value}"]').is_checked()  # type: ignore[attr-defined]
    # add a query: the URL follows, and opening it again shows the same results
    first.locator("#bf-explore-q").press_sequentially("chips", delay=10)  # type: ignore[attr-defined]
    first.wait_for_url(re.compile(r"q=chips"))  # type: ignore[attr-defined]
    with_query = _results(first)
    again = _tab(browser).page
    again.goto(first.url)  # type: ignore[attr-defined]
    assert _results(again) == with_query
    assert (
        again.locator(".bf-explore__status").inner_text()
        == first.locator(  # type: ignore[attr-defined]
            ".bf-explore__status"
        ).inner_text()
    )


def test_a_query_downloads_little(served: Served, browser: object) -> None:
    """Bytes of search data for one query from the header, and for a filtered /explore/ view."""
    tab = _tab(browser)
    page = tab.page
    page.goto(f"{served.url}about/")  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert tab.search_bytes() == 0, "the index is loaded only when a reader searches"
    page.locator("#bf-search-input").press_sequentially("export controls", delay=20)  # type: ignore[attr-defined]
    page.locator("#bf-search-results .bf-result").first.wait_for(timeout=15_000)  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    query = tab.search_bytes()
    index = served.root / "site" / "pagefind"
    total = sum(p.stat().st_size for p in index.rglob("*") if p.is_file())
    assert query <= QUERY_BUDGET, f"{query} bytes for one query"
    assert query < total / 3, (query, total)

    explore = _tab(browser)
    explore.page.goto(f"{served.url}explore/?tag=export-controls&year=2024")  # type: ignore[attr-defined]
    _results(explore.page)
    explore.page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert explore.search_bytes() <= QUERY_BUDGET, f"{explore.search_bytes()} bytes for /explore/"
    print(
        f"\nsearch bytes: header query {query}, filtered /explore/ {explore.search_bytes()}, index {total}"
    )


def test_explore_on_a_phone_with_the_keyboard(served: Served, browser: object) -> None:
    tab = _tab(browser, width=390)
    page = tab.page
    page.goto(f"{served.url}explore/")  # type: ignore[attr-defined]
    _results(page)
    width = page.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    assert width <= 390, f"the page is {width}px wide on a 390px screen"
    # on a phone the facets start folded: open one and tick a value with the keyboard only
    summary = page.locator('.bf-facet[data-facet="kind"] summary')  # type: ignore[attr-defined]
    summary.focus()
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    box = page.locator('.bf-facet[data-facet="kind"] input[value="event"]')  # type: ignore[attr-defined]
    box.focus()
    page.keyboard.press("Space")  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r"kind=event"))  # type: ignore[attr-defined]
    _results(page)
    assert _count(page) == len(served.corpus.events)
    page.screenshot(path=str(ROOT / "tests" / "artifacts" / "explore-phone.png"), full_page=False)  # type: ignore[attr-defined]
    assert tab.outside == []


def _sharded_project(tmp_path: Path) -> Path:
    """A 60-seed synthetic project in search shards of 20 records, built once."""
    root = set_briefing_option(synth_project(tmp_path / "project", 60), "search_shard_records: 20")
    code, _, err = run(root, "build")
    assert code == 0, err
    return root


def _edit_the_oldest_title(root: Path) -> None:
    oldest = sorted((root / "seeds").rglob("*.md"))[0]
    text = oldest.read_text(encoding="utf-8")
    line = re.search(r"^title: (.*)$", text, re.M)
    assert line is not None
    edited = "title: " + json.dumps("Edited " + str(yaml.safe_load(line.group(1))))
    oldest.write_text(text.replace(line.group(0), edited, 1), encoding="utf-8")


def _assert_index_of_a_clean_build(root: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    shutil.copytree(
        root,
        clean,
        ignore=shutil.ignore_patterns("site", ".cache", ".briefing-trash-*", ".briefing-staging-*"),
    )
    code, _, err = run(clean, "build", "--no-cache")
    assert code == 0, err
    assert hashes(clean / "site" / "pagefind") == hashes(root / "site" / "pagefind")


def test_an_edit_indexes_only_the_shards_it_touched_again(tmp_path: Path) -> None:
    """Pagefind has no incremental mode; a build re-indexes only the shards whose records
    changed, and keeps the others' files as they were (same inode, same bytes)."""
    root = _sharded_project(tmp_path)
    index = root / "site" / "pagefind"

    def files() -> dict[str, dict[str, tuple[int, int]]]:
        out: dict[str, dict[str, tuple[int, int]]] = {}
        for name in json.loads((index / "shards.json").read_text()):
            folder = index / name
            out[name] = {
                p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
                for p in folder.rglob("*")
                if p.is_file()
            }
        return out

    before = files()
    _edit_the_oldest_title(root)
    code, _, err = run(root, "build")
    assert code == 0, err
    after = files()
    assert len(before) >= 5 and before.keys() == after.keys()
    redone = {name for name in before if before[name] != after[name]}
    assert "d0" in redone, "the oldest briefing's shard was not indexed again"
    assert len(redone) <= len(before) // 2, (redone, sorted(before))
    # the files the shard indexed again still has (same name, same bytes) are linked
    # from the previous index, not written again
    same = [rel for rel in after["d0"] if after["d0"][rel][0] == before["d0"].get(rel, (0,))[0]]
    assert same and len(same) < len(after["d0"]), (len(same), len(after["d0"]))
    _assert_index_of_a_clean_build(root, tmp_path)


def test_a_damaged_kept_shard_is_indexed_again_after_the_edited_one(tmp_path: Path) -> None:
    """The kept shards' files are checked while Pagefind indexes the edited shard; one
    found damaged is indexed after it, and the index equals a clean build's."""
    root = _sharded_project(tmp_path)
    index = root / "site" / "pagefind"
    kept = json.loads((index / "shards.json").read_text())[1]  # not d0 (edited below)
    damaged = sorted((index / kept / "fragment").iterdir())[0]
    damaged.write_bytes(b"not a fragment")
    _edit_the_oldest_title(root)
    code, _, err = run(root, "build")
    assert code == 0, err
    assert damaged.read_bytes() != b"not a fragment"
    _assert_index_of_a_clean_build(root, tmp_path)


@pytest.mark.parametrize("value", ["0", "-5", "many", "true", "1.5"])
def test_a_wrong_shard_size_is_one_clear_line(tmp_path: Path, value: str) -> None:
    root = copy_example(tmp_path / "project")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    setting = f"  briefing:\n    search_shard_records: {value}\n"
    config.write_text(text.replace("  briefing:\n", setting, 1), encoding="utf-8")
    assert setting in config.read_text(encoding="utf-8")
    code, out, err = run(root, "build")
    assert code == 2, out + err
    assert "extra.briefing.search_shard_records" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def test_pagefinds_take_turns_when_memory_is_short_and_write_the_same_index(
    example_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large first build must not start three 9 GB Pagefinds on a 16 GB runner: under
    a budget they take turns, and the index is the same byte for byte."""
    monkeypatch.setattr(search, "SHARD_RECORDS", 1)  # a shard per day the example has
    runs = {}
    for name, available in (("plenty", 1 << 40), ("short", 1)):
        monkeypatch.setattr(memory, "free", lambda available=available: available)
        copy = tmp_path / name
        shutil.copytree(example_site, copy)
        stats = search.index_site(copy)
        runs[name] = (stats, hashes(copy / "pagefind"))
    plenty, short = runs["plenty"][0], runs["short"][0]
    assert len(plenty.built) >= 3
    assert plenty.pagefinds == min(search.PAGEFINDS, len(plenty.built))
    assert short.pagefinds == 1
    assert runs["plenty"][1] == runs["short"][1]


def test_the_memory_gate_admits_what_fits_and_always_one() -> None:
    gate = memory.Gate(250)
    with gate.admit(1000):  # larger than the limit alone: admitted all the same
        assert gate.running == 1
    with gate.admit(100), gate.admit(100):
        assert gate.held == 200
    assert gate.most == 2 and gate.held == 0
    entered: list[contextlib.AbstractContextManager[None]] = []

    def third() -> None:
        admitted = gate.admit(100)
        admitted.__enter__()
        entered.append(admitted)

    waiting = threading.Thread(target=third)
    with gate.admit(100), gate.admit(100):
        waiting.start()
        waiting.join(timeout=0.3)
        assert waiting.is_alive()  # a third would pass the limit: it waits
    waiting.join(timeout=5)
    assert not waiting.is_alive() and gate.running == 1
    entered[0].__exit__(None, None, None)
    assert gate.running == 0 and gate.held == 0
    assert memory.Gate(None).fits([100, 1000]) is True
    assert gate.fits([1000]) is False and gate.fits([100, 100]) is True


def test_briefing_memory_bounds_the_pool_by_what_the_build_leaves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    share = search.MEMORY_SHARE
    monkeypatch.setattr(memory, "free", lambda: 100 << 30)
    monkeypatch.delenv(memory.VARIABLE, raising=False)
    assert memory.pool(share) == int((100 << 30) * share)
    own = memory.own_size()
    assert own > 10 << 20  # this process: Python, pytest and the package
    slack = 64 << 20  # this process may grow a little between the two readings
    monkeypatch.setenv(memory.VARIABLE, "8G")
    assert abs((memory.pool(share) or 0) - ((8 << 30) - own)) < slack
    monkeypatch.setenv(memory.VARIABLE, "2.5GB")
    assert abs((memory.pool(share) or 0) - (int(2.5 * (1 << 30)) - own)) < slack
    monkeypatch.setenv(memory.VARIABLE, "1K")  # less than the build itself
    assert memory.pool(share) == 0
    monkeypatch.setenv(memory.VARIABLE, "lots")
    with pytest.raises(ValueError, match="BRIEFING_MEMORY='lots'"):
        memory.pool(share)


def test_a_build_forks_its_second_process_only_when_two_fit_the_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The forked renderer copies most of its parent's pages as it goes (4.4 GB each at
    100,000 seeds): under a budget two of them may not fit, and one does the work."""
    monkeypatch.delenv(memory.VARIABLE, raising=False)
    assert memory.room_for_twin()
    monkeypatch.setenv(memory.VARIABLE, "100G")
    assert memory.room_for_twin()
    monkeypatch.setenv(memory.VARIABLE, f"{memory.own_size() // 1024}K")  # room for one
    assert not memory.room_for_twin()
    # and the fork sites ask it (other tests' threads may also forbid a fork here)
    monkeypatch.setattr(parallel.threading, "enumerate", lambda: [threading.current_thread()])
    assert not parallel.available()
    monkeypatch.delenv(memory.VARIABLE)
    assert parallel.available()
