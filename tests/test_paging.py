"""Pages that would grow with the project are cut: a crowded month's timeline into runs of
days, the entity directory into numbered pages, the home page's entities to the most
mentioned.  Built for real (MkDocs, strict) from a synthetic project with the limits
lowered, so that a few hundred seeds have what 100,000 would have."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest

from generator import settings
from generator.pages.placement import anchor, timeline_pages
from tests.conftest import invoke_cli
from tests.helpers import synth_project

ROOT = Path(__file__).resolve().parent.parent
SEEDS = 400
TIMELINE_LIMIT = 12
DIRECTORY = 25
HOME = 3
EVENT_ITEM = re.compile(r'<li[^>]* id="ev-([^"]+)"')
HREF = re.compile(r'href="([^"#:]*)(?:#[^"]*)?"')


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = synth_project(tmp_path_factory.mktemp("paging") / "project", SEEDS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "TIMELINE_PAGE_LIMIT", TIMELINE_LIMIT)
        patch.setattr(settings, "DIRECTORY_LIMIT", DIRECTORY)
        patch.setattr(settings, "HOME_ENTITIES", HOME)
        patch.delenv("GITHUB_ACTIONS", raising=False)
        code, out, err = invoke_cli(root, "build")
    assert code == 0, out + err[-3000:]
    return root


def _page(site: Path, url_path: str) -> Path:
    return site / url_path / "index.html" if not url_path.endswith(".html") else site / url_path


def _links_resolve(site: Path, page: Path) -> list[str]:
    """The page's relative links whose target is missing from the site."""
    base = page.relative_to(site).as_posix()
    missing = []
    for href in HREF.findall(page.read_text(encoding="utf-8")):
        if not href or href.startswith(("/", "data:")):
            continue
        target = urldefrag(urljoin("http://site/" + base, href)).url
        path = site / target.removeprefix("http://site/")
        if not (path.is_file() or (path / "index.html").is_file()):
            missing.append(href)
    return missing


def test_crowded_months_are_cut_into_runs_of_whole_days(built: Path) -> None:
    site = built / "site"
    pages = sorted((site / "timeline").rglob("index.html"))
    listed: Counter[str] = Counter()
    parts = [p for p in pages if len(p.relative_to(site / "timeline").parts) == 4]
    assert parts, "no month was crowded enough to be cut: lower the limit"
    for page in pages:
        text = page.read_text(encoding="utf-8")
        ids = EVENT_ITEM.findall(text)
        listed.update(ids)
        assert _links_resolve(site, page) == [], page
        if page in parts:
            # a run of days: at most the limit (a single day may hold more) and titled by its days
            title = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
            assert title and re.match(r"Timeline \d+(–\d+)? [A-Z][a-z]+ \d{4}", title.group(1))
    # every event listed once, on the page the drawings link to
    from generator.checking import check
    from generator.project import Project

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "TIMELINE_PAGE_LIMIT", TIMELINE_LIMIT)
        corpus = check(Project.open(built), drafts=False).corpus
        assert corpus is not None
        where = timeline_pages(corpus.events)
    assert set(listed) == {e.id for e in corpus.events}
    assert max(listed.values()) == 1
    by_page = Counter(where.values())
    assert max(by_page.values()) <= TIMELINE_LIMIT
    # runs of whole days, in order, except a day too crowded for one page (DD, DD-2…)
    months: dict[str, list[tuple[list[int], int, int]]] = {}
    for doc in by_page:
        if doc.count("/") == 3:  # timeline/Y/MM/DD.md
            days = [anchor(e).day for e in corpus.events if where[e.id] == doc]
            key = [int(n) for n in re.findall(r"\d+", doc)]
            months.setdefault(doc.rsplit("/", 1)[0], []).append((key, min(days), max(days)))
    for pages_of_month in months.values():
        pages_of_month.sort()
        for (_, _, last), (key, first, end) in itertools.pairwise(pages_of_month):
            assert last < first or (last == first == end and len(key) == 4), pages_of_month
    assert any("-" in doc for doc in by_page), "no day was crowded enough to be cut"
    # a split month lists its runs of days, with counts that add up to the month
    hub = next(p.parent.parent / "index.html" for p in parts)
    hub_text = hub.read_text(encoding="utf-8")
    rows = re.findall(r'<td><a href="([^"]+)">[^<]+</a></td><td[^>]*>(\d+)</td>', hub_text)
    assert rows and all(re.fullmatch(r"\d\d(-\d+)?/", href) for href, _ in rows)
    month = hub.parent.relative_to(site / "timeline").as_posix()
    in_month = sum(n for d, n in by_page.items() if d.startswith(f"timeline/{month}/"))
    assert sum(int(n) for _, n in rows) == in_month


def test_the_entity_directory_is_paged_and_lists_every_entity_once(built: Path) -> None:
    site = built / "site"
    first = site / "entities" / "index.html"
    pages = [first, *sorted((site / "entities" / "index").glob("*/index.html"))]
    assert len(pages) > 2
    seen: Counter[str] = Counter()
    for n, page in enumerate(pages, 1):
        text = page.read_text(encoding="utf-8")
        rows = re.findall(r"<tr><td><a href=\"([^\"]+)\"", text)
        assert 0 < len(rows) <= DIRECTORY, page
        seen.update(
            urljoin("http://site/" + page.relative_to(site).as_posix(), href) for href in rows
        )
        assert f"Page {n} of {len(pages)}" in text
        assert _links_resolve(site, page) == [], page
    assert max(seen.values()) == 1
    assert len(seen) == len(list((built / "seeds" / "entities").glob("*.yml")))
    # the first page says where each type starts
    overview = re.search(r"<p>\d+ entities: (.*?)</p>", first.read_text(encoding="utf-8"))
    assert overview and "Companies (" in overview.group(1)


def test_the_home_page_names_the_most_mentioned_of_each_type(built: Path) -> None:
    site = built / "site"
    home = site / "index.html"
    text = home.read_text(encoding="utf-8")
    section = text[text.index('id="entities"') :]
    lines = re.findall(r"<p><strong>([^<]+):</strong>(.*?)</p>", section, re.S)
    assert lines
    more = 0
    for _, line in lines:
        cards = re.findall(r'href="entities/(?!index)[^"]+"', line)
        assert len(cards) <= HOME
        if "→" in line:
            more += 1
            assert re.search(r'href="entities/(index/\d+/)?"[^>]*>All \d+ →', line), line
    assert more
    assert _links_resolve(site, home) == []
