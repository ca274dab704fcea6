"""End to end: ``briefing build --strict`` with a real MkDocs build, checked in the HTML.

The example project is copied (sources only, no generated pages) into a temporary
folder and built once per module; tests that change a project work on their own
copy or on a small throw-away project.
"""

from __future__ import annotations

import functools
import gzip
import posixpath
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from generator.project import Project
from tests.helpers import (
    EXAMPLE_SLUG,
    MANIFEST,
    copy_example,
    hashes,
    mtimes,
    run,
    tree_diff,
    write_project,
)

BRIEFING_HTML = f"briefings/{EXAMPLE_SLUG}/index.html"
BRIEFING_PAGE = f"briefings/{EXAMPLE_SLUG}/"


# --- helpers ---------------------------------------------------------------------------


def soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "lxml")


@functools.lru_cache(maxsize=64)
def ids_in(path: Path) -> frozenset[str]:
    """Every element id in an HTML file."""
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    return frozenset(str(t["id"]) for t in page.find_all(id=True))


def norm(text: str) -> str:
    """Whitespace collapsed, so text can be compared across line breaks and tags."""
    return " ".join(text.split())


def content(page: BeautifulSoup) -> Tag:
    """The page's article (Material's ``md-content``), without nav, header and footer."""
    article = page.select_one("article.md-content__inner")
    assert article is not None, "no <article class='md-content__inner'> in the page"
    return article


def text_of(node: Tag) -> str:
    return norm(node.get_text())


def site_url_of(root: Path) -> str:
    """The project's ``site_url`` (absolute URLs to it, e.g. in 404.html, are internal)."""
    return str(Project.open(root).settings.get("site_url") or "")


def resolve(site: Path, page_rel: str, url: str, site_url: str = "") -> str | None:
    """The file in ``site`` an internal URL on page ``page_rel`` points to, as a site path.

    Returns ``""`` for URLs that are not internal (other hosts, mailto:, pure
    fragments) and ``None`` when an internal URL resolves to nothing.
    """
    parts = urlsplit(url)
    site_path = urlsplit(site_url).path or "/"
    site_path = site_path if site_path.endswith("/") else site_path + "/"
    path = parts.path
    if parts.scheme or parts.netloc:
        if site_url and url.startswith(site_url):
            path = "/" + url[len(site_url) :].split("#", 1)[0].split("?", 1)[0]
            site_path = "/"
        else:
            return ""
    if not path:
        return ""
    path = unquote(path)
    if path.startswith("/"):
        if not path.startswith(site_path):
            return None
        target = path[len(site_path) :]
    else:
        base = posixpath.dirname(page_rel)
        target = posixpath.normpath(posixpath.join(base, path))
        if path.endswith("/") and not target.endswith("/"):
            target += "/"
    if target.startswith("../") or target == "..":
        return None
    if target in ("", ".", "./"):
        target = "index.html"
    elif target.endswith("/") or (site / target).is_dir():
        target = target.rstrip("/") + "/index.html"
    return target if (site / target).is_file() else None


def links(page: BeautifulSoup) -> list[str]:
    """Every URL the page links to or loads: <a href>, <link href>, <img src>, <script src>."""
    urls = [str(a["href"]) for a in page.find_all(["a", "link"], href=True)]
    urls += [str(t["src"]) for t in page.find_all(["img", "script"], src=True)]
    return urls


def hrefs_to(node: Tag, site: Path, page_rel: str, target: str) -> list[Tag]:
    """The <a> elements inside ``node`` that resolve to the site file ``target``."""
    return [
        a
        for a in node.find_all("a", href=True)
        if resolve(site, page_rel, str(a["href"])) == target
    ]


def seed_front_matter(root: Path) -> dict:
    text = (root / "seeds" / "2025" / f"{EXAMPLE_SLUG}.md").read_text(encoding="utf-8")
    _, head, body = text.split("---\n", 2)
    data = yaml.safe_load(head)
    data["_body"] = body
    return data


def paragraphs(body: str) -> list[str]:
    return [norm(p) for p in re.split(r"\n\s*\n", body.strip()) if p.strip()]


def build(root: Path, *args: str) -> tuple[int, str, str]:
    return run(root, "build", *args)


# --- the example project, built once ------------------------------------------------------


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example project's sources, built with ``briefing build --strict``."""
    root = copy_example(tmp_path_factory.mktemp("example") / "project")
    code, out, err = build(root, "--strict")
    assert code == 0, f"briefing build --strict exited {code}\nstdout:\n{out}\nstderr:\n{err}"
    return root


@pytest.fixture(scope="module")
def site(example: Path) -> Path:
    return example / "site"


@pytest.fixture(scope="module")
def front(example: Path) -> dict:
    return seed_front_matter(example)


def test_copy_starts_without_generated_pages(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "p")
    assert not (root / "docs" / "index.md").exists()
    assert not (root / "docs" / MANIFEST).exists()
    for folder in ("briefings", "entities", "timeline", "tags", "graph", "data", "claims"):
        assert not (root / "docs" / folder).exists(), folder


def test_spec_pages_exist(example: Path, site: Path, front: dict) -> None:
    expected = [
        "index.html",
        "briefings/index.html",
        BRIEFING_HTML,
        "entities/index.html",
        "timeline/index.html",
        "tags/index.html",
        "graph/index.html",
        "claims/index.html",
        "claims/sources/index.html",
        "data/claims.json",
        "data/claims.schema.json",
    ]
    expected += [
        f"entities/{p.stem}/index.html"
        for p in sorted((example / "seeds" / "entities").glob("*.yml"))
    ]
    expected += [f"tags/{tag}/index.html" for tag in front["tags"]]
    missing = [rel for rel in expected if not (site / rel).is_file()]
    assert not missing, f"pages missing from site/: {missing}"


def test_every_internal_link_and_asset_resolves(example: Path, site: Path) -> None:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) > 20
    site_url = site_url_of(example)
    broken: list[str] = []
    checked = 0
    for rel in pages:
        for url in links(soup(site, rel)):
            target = resolve(site, rel, url, site_url)
            if target is None:
                broken.append(f"{rel}: {url}")
            elif target:
                checked += 1
    assert checked > 500, f"only {checked} internal URLs found; is the link extraction broken?"
    assert not broken, f"{len(broken)} internal URL(s) resolve to nothing:\n" + "\n".join(
        broken[:40]
    )


def test_every_fragment_resolves(example: Path, site: Path) -> None:
    """Links with a ``#fragment`` (event anchors, headings) land on an element with that id."""
    site_url = site_url_of(example)
    missing: list[str] = []
    events = 0
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        for a in soup(site, rel).find_all("a", href=True):
            url = str(a["href"])
            fragment = urlsplit(url).fragment
            if not fragment:
                continue
            target = rel if url.startswith("#") else resolve(site, rel, url, site_url)
            if target == "":
                continue  # another site
            events += fragment.startswith("ev-")
            if target is None:
                missing.append(f"{rel}: {url} (no page)")
            elif fragment not in ids_in(site / target):
                missing.append(f"{rel}: {url} (no id={fragment} in {target})")
    assert events > 0, "no links to event anchors (#ev-...) found"
    assert not missing, "\n".join(missing[:40])


def test_site_does_not_depend_on_the_clock(site: Path) -> None:
    """Deterministic across days too: no build date (today) in the site (e.g. sitemap lastmod)."""
    today = datetime.now(UTC).date().isoformat()
    stamped = [
        p.relative_to(site).as_posix()
        for p in sorted(site.rglob("*"))
        if p.is_file()
        and p.suffix in {".html", ".xml", ".json", ".ics"}
        and today in p.read_text(encoding="utf-8", errors="replace")
    ]
    assert not stamped, f"today's date {today} is stamped into: {stamped}"
    gz = site / "sitemap.xml.gz"
    if gz.exists():
        mtime = int.from_bytes(gz.read_bytes()[4:8], "little")
        assert datetime.fromtimestamp(mtime, UTC).date().isoformat() != today, (
            "sitemap.xml.gz carries today's date in its gzip header"
        )


# --- the briefing page ----------------------------------------------------------------------


def test_briefing_shows_every_claim_with_status_and_basis(site: Path, front: dict) -> None:
    article = content(soup(site, BRIEFING_HTML))
    text = text_of(article)
    for claim in front["claims"]:
        assert norm(claim["text"]) in text, f"claim missing: {claim['text']}"
        if claim.get("basis"):
            assert norm(claim["basis"]) in text, f"basis missing: {claim['basis']}"
    items = [li for li in article.find_all("li") if li.select_one(".bf-status")]
    assert len(items) == len(front["claims"])
    for claim in front["claims"]:
        item = next(li for li in items if norm(claim["text"]) in text_of(li))
        badge = item.select_one(".bf-status")
        assert badge is not None
        assert f"bf-status-{claim['status']}" in badge["class"]
        assert text_of(badge) == claim["status"].replace("-", " ")
    badges = {text_of(b) for b in article.select(".bf-status")}
    assert "no comment" in badges and "reported" in badges


def test_briefing_shows_quote_events_and_entity_chips(site: Path, front: dict) -> None:
    article = content(soup(site, BRIEFING_HTML))
    text = text_of(article)
    quote = norm(front["quotes"][0]["text"])
    assert any(quote in text_of(bq) for bq in article.find_all("blockquote")), (
        "Nvidia quote missing"
    )
    quote_block = next(bq for bq in article.find_all("blockquote") if quote in text_of(bq))
    assert hrefs_to(quote_block, site, BRIEFING_HTML, "entities/nvidia/index.html"), (
        "quote not linked to Nvidia"
    )
    for event in front["events"]:
        assert norm(event["title"]) in text, f"event missing: {event['title']}"
    chips = article.select("a.bf-chip")
    targets = {resolve(site, BRIEFING_HTML, str(a["href"])) for a in chips}
    for entity_id in front["entities"]:
        assert f"entities/{entity_id}/index.html" in targets, f"no entity chip for {entity_id}"


def test_briefing_publishes_only_the_excerpt(site: Path, front: dict) -> None:
    assert front["publish"] == "excerpt"
    article = content(soup(site, BRIEFING_HTML))
    text = text_of(article)
    paras = paragraphs(front["_body"])
    assert len(paras) > 3
    assert paras[0] in text, "the first paragraph (the excerpt) is not shown"
    body = article.select_one(".bf-body")
    assert body is not None
    assert [text_of(p) for p in body.find_all("p")] == [paras[0]]
    shown = [p for p in paras[1:] if p in text]
    assert not shown, f"publish: excerpt, yet later paragraphs are public: {shown}"
    # Entity names in the excerpt link to their cards.
    assert hrefs_to(body, site, BRIEFING_HTML, "entities/alibaba/index.html")


# --- entity cards, timeline, home ---------------------------------------------------------------


def test_every_entity_card_lists_the_briefings_that_mention_it(
    example: Path, site: Path, front: dict
) -> None:
    listed = set(front["entities"])
    briefing = BRIEFING_HTML
    for path in sorted((example / "seeds" / "entities").glob("*.yml")):
        rel = f"entities/{path.stem}/index.html"
        article = content(soup(site, rel))
        found = hrefs_to(article, site, rel, briefing)
        if path.stem in listed:
            assert found, f"the card of {path.stem} does not list the briefing"
        else:
            assert not found, f"the card of {path.stem} lists a briefing that does not mention it"
            assert "No briefing mentions" in text_of(article)


def test_relations_show_both_directions(site: Path) -> None:
    nvidia = text_of(content(soup(site, "entities/nvidia/index.html")))
    h20 = content(soup(site, "entities/h20/index.html"))
    assert "makes H20" in nvidia
    made_by = [li for li in h20.find_all("li") if text_of(li).startswith("made by")]
    assert made_by and hrefs_to(
        made_by[0], site, "entities/h20/index.html", "entities/nvidia/index.html"
    )


EXPECTED_ORDER = [  # earliest possible date, then latest, then title (SPEC §3)
    ("alibaba-trains-on-own-chips", "Early 2025"),
    ("nvidia-h20-export-license-deal", "August 2025"),
    ("nvidia-white-house-talks-will-take-time", "Late August 2025"),
    ("baidu-tests-ernie-on-kunlun-p800", "c. 11 September 2025"),
    ("nvidia-responds-to-own-chips-report", "11 September 2025"),
    ("the-information-reports-alibaba-baidu-own-chips", "11 September 2025"),
]


def test_timeline_lists_events_in_date_order(site: Path, front: dict) -> None:
    article = content(soup(site, "timeline/index.html"))
    anchors = [str(s["id"]) for s in article.select(".bf-anchor[id^=ev-]")]
    assert sorted(anchors) == sorted(f"ev-{e['id']}" for e in front["events"]), (
        "events missing or repeated"
    )
    assert anchors == [f"ev-{i}" for i, _ in EXPECTED_ORDER]
    words = [text_of(w) for w in article.select(".bf-when")]
    assert words == [w for _, w in EXPECTED_ORDER]
    text = text_of(article)
    assert "Early 2025" in text and "Late August 2025" in text
    for event in front["events"]:
        assert norm(event["title"]) in text
    svg = article.find("svg")
    assert svg is not None, "no drawn (SVG) timeline"
    assert svg.find_all("a"), "the SVG timeline has no marks"


def test_home_lists_the_briefing(site: Path, front: dict) -> None:
    article = content(soup(site, "index.html"))
    found = hrefs_to(article, site, "index.html", BRIEFING_HTML)
    assert found, "the home page does not link to the briefing"
    assert norm(front["title"]) in text_of(article)


def test_briefings_and_tag_pages_list_the_briefing(site: Path, front: dict) -> None:
    for rel in ["briefings/index.html"] + [f"tags/{t}/index.html" for t in front["tags"]]:
        assert hrefs_to(content(soup(site, rel)), site, rel, BRIEFING_HTML), (
            f"{rel} does not list it"
        )


# --- guarantees: deterministic, nothing rewritten, failed runs change nothing ------------------


@dataclass
class Snapshot:
    """File hashes of site/ and docs/ and the mtimes of docs/ after one build."""

    site: dict[str, str]
    docs: dict[str, str]
    mtimes: dict[str, int]
    sitemap_gz: bytes
    stdout: str = ""

    @classmethod
    def take(cls, root: Path, stdout: str = "") -> Snapshot:
        gz = root / "site" / "sitemap.xml.gz"
        return cls(
            hashes(root / "site"),
            hashes(root / "docs"),
            mtimes(root / "docs"),
            gz.read_bytes() if gz.exists() else b"",
            stdout,
        )


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> tuple[Snapshot, Snapshot]:
    """A copy of the example built twice with the same input: a snapshot after each build."""
    root = copy_example(tmp_path_factory.mktemp("twice") / "project")
    code, out, err = build(root, "--strict")
    assert code == 0, err
    first = Snapshot.take(root, out)
    time.sleep(0.05)  # so that a rewritten file would get a different mtime
    code, out, err = build(root, "--strict")
    assert code == 0, err
    return first, Snapshot.take(root, out)


def test_two_builds_give_identical_site(rebuilt: tuple[Snapshot, Snapshot]) -> None:
    first, second = rebuilt
    diff = tree_diff(first.site, second.site)
    notes = []
    if "changed: sitemap.xml.gz" in diff:
        a, b = first.sitemap_gz, second.sitemap_gz
        if gzip.decompress(a) == gzip.decompress(b):
            notes.append(
                "sitemap.xml.gz differs only in its gzip header "
                f"(the mtime field, bytes 4-7): {a[4:8].hex()} vs {b[4:8].hex()}"
            )
    assert not diff, "two builds of the same input differ in site/:\n" + "\n".join(diff + notes)


def test_builds_in_different_folders_are_identical(
    site: Path, rebuilt: tuple[Snapshot, Snapshot]
) -> None:
    """No absolute path or folder name of the project leaks into the site."""
    diff = tree_diff(hashes(site), rebuilt[0].site)
    assert not diff, "the same input built in two folders differs:\n" + "\n".join(diff)


def test_two_builds_give_identical_docs(rebuilt: tuple[Snapshot, Snapshot]) -> None:
    first, second = rebuilt
    diff = tree_diff(first.docs, second.docs)
    assert not diff, "two builds of the same input differ in docs/:\n" + "\n".join(diff)


def test_second_build_rewrites_no_generated_file(rebuilt: tuple[Snapshot, Snapshot]) -> None:
    first, second = rebuilt
    before, after = first.mtimes, second.mtimes
    touched = sorted(p for p in before if p in after and before[p] != after[p])
    assert not touched, f"the second build rewrote unchanged files: {touched}"
    assert "(0 written" in second.stdout, second.stdout


BROKEN_SEED = """\
---
title: A seed with a typo
date: 2025-09-12
source: reuters
entities: [reuters]
pubish: full
---
Reuters reports.
"""


def test_seed_error_exits_1_and_changes_nothing(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "project")
    assert build(root, "--strict")[0] == 0
    before = Snapshot.take(root)
    bad = root / "seeds" / "2025" / "2025-09-12-broken.md"
    bad.write_text(BROKEN_SEED, encoding="utf-8")
    code, _out, err = build(root, "--strict")
    assert code == 1, err
    assert "seeds/2025/2025-09-12-broken.md:6: pubish:" in err, err
    assert "Traceback" not in err
    after = Snapshot.take(root)
    assert tree_diff(before.site, after.site) == []
    assert tree_diff(before.docs, after.docs) == []
    assert before.mtimes == after.mtimes
    assert not list(root.glob(".briefing-staging*")), "a staging folder was left behind"


def test_failed_mkdocs_build_changes_nothing(tmp_path: Path) -> None:
    """Valid seeds but a strict MkDocs failure (a hand-written page with a broken link)."""
    root = copy_example(tmp_path / "project")
    assert build(root, "--strict")[0] == 0
    seeds = root / "seeds" / "2025"
    text = (seeds / f"{EXAMPLE_SLUG}.md").read_text(encoding="utf-8")
    text = text.replace("title: Alibaba,", "title: Changed title, Alibaba,", 1)
    (seeds / "2025-09-12-copy.md").write_text(text, encoding="utf-8")
    notes = "# Notes\n\nSee [this](missing-page.md).\n"
    (root / "docs" / "notes.md").write_text(notes, encoding="utf-8")
    before = Snapshot.take(root)
    code, _out, err = build(root, "--strict")
    assert code == 1, err
    assert "Traceback" not in err
    after = Snapshot.take(root)
    assert tree_diff(before.site, after.site) == []
    assert tree_diff(before.docs, after.docs) == []
    assert before.mtimes == after.mtimes
    assert not (root / "docs" / "briefings" / "2025-09-12-copy").exists()
    assert not list(root.glob(".briefing-staging*")), "a staging folder was left behind"


def test_users_own_file_in_generated_folder_survives(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "project")
    mine = root / "docs" / "briefings" / "my-notes.md"
    mine.parent.mkdir(parents=True, exist_ok=True)
    mine.write_text("# My notes\n\nKept by hand.\n", encoding="utf-8")
    for _ in range(2):
        code, _out, err = build(root, "--strict")
        assert code == 0, err
        assert mine.read_text(encoding="utf-8") == "# My notes\n\nKept by hand.\n"
        assert "briefings/my-notes.md" not in (root / "docs" / MANIFEST).read_text(encoding="utf-8")
        assert (root / "site" / "briefings" / "my-notes" / "index.html").is_file()
    # A build that deletes a stale generated page (a tag no longer used) keeps the user's files.
    own_tag_file = root / "docs" / "tags" / "my-tag-notes.md"
    own_tag_file.write_text("# About our tags\n", encoding="utf-8")
    seed_file = root / "seeds" / "2025" / f"{EXAMPLE_SLUG}.md"
    text = seed_file.read_text(encoding="utf-8")
    text = text.replace(", china, us-china-relations]", ", us-china-relations]", 1)
    seed_file.write_text(text, encoding="utf-8")
    code, _out, err = build(root, "--strict")
    assert code == 0, err
    assert not (root / "docs" / "tags" / "china").exists(), "the stale tag page was not removed"
    assert mine.read_text(encoding="utf-8") == "# My notes\n\nKept by hand.\n"
    assert own_tag_file.read_text(encoding="utf-8") == "# About our tags\n"


# --- small projects: drafts, conflicting event dates, relations ---------------------------------

ENTITIES = {
    "seeds/entities/reuters.yml": "name: Reuters\ntype: media\n",
    "seeds/entities/acme.yml": (
        "name: Acme\ntype: company\nsummary: Makes widgets.\n"
        "relations:\n  - {type: makes, target: widget-x}\n"
    ),
    "seeds/entities/widget-x.yml": "name: Widget X\ntype: product\n",
}


def seed(title: str, date: str, *, extra: str = "", body: str = "Acme said so.") -> str:
    head = f"title: {title}\ndate: {date}\nsource: reuters\nentities: [acme, reuters]\n{extra}"
    return f"---\n{head}---\n{body}\n"


def test_drafts_appear_only_with_drafts_flag(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            **ENTITIES,
            "seeds/2025/2025-05-01-public.md": seed("Public briefing", "2025-05-01"),
            "seeds/2025/2025-05-02-secret.md": seed(
                "Secret draft briefing", "2025-05-02", extra="draft: true\n"
            ),
        },
    )
    draft_page = root / "site" / "briefings" / "2025-05-02-secret" / "index.html"

    def site_text() -> str:
        kinds = {".html", ".json", ".xml", ".ics"}
        files = [p for p in sorted((root / "site").rglob("*")) if p.is_file() and p.suffix in kinds]
        return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)

    code, _out, err = build(root)
    assert code == 0, err
    assert (root / "site" / "briefings" / "2025-05-01-public" / "index.html").is_file()
    assert not draft_page.exists()
    assert not (root / "docs" / "briefings" / "2025-05-02-secret").exists()
    assert "Secret draft briefing" not in site_text(), "the draft leaks into the public site"

    code, _out, err = build(root, "--drafts")
    assert code == 0, err
    assert draft_page.is_file()
    page = BeautifulSoup(draft_page.read_text(encoding="utf-8"), "lxml")
    assert "Secret draft briefing" in text_of(content(page))
    assert page.select_one(".bf-draft") is not None, "a draft preview is not marked as a draft"

    code, _out, err = build(root)
    assert code == 0, err
    assert not draft_page.exists(), "a public build after a preview still has the draft"
    assert not (root / "docs" / "briefings" / "2025-05-02-secret").exists()
    assert "Secret draft briefing" not in site_text()


EVENT = "    id: widget-launch\n    title: Acme launches Widget X\n    entities: [acme, widget-x]\n"
CONFLICT = {
    **ENTITIES,
    "seeds/2025/2025-05-01-first.md": seed(
        "First report",
        "2025-05-01",
        extra=f"events:\n  - date: early 2025\n{EVENT}",
    ),
    "seeds/2026/2026-01-15-second.md": seed(
        "Second report",
        "2026-01-15",
        extra=f"events:\n  - date: late 2025\n{EVENT}",
    ),
}


def test_same_event_with_disagreeing_dates(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CONFLICT)
    code, _out, err = build(root)
    assert code == 0, err
    site = root / "site"
    article = content(soup(site, "timeline/index.html"))
    anchors = article.select("#ev-widget-launch")
    assert len(anchors) == 1, f"the event is shown {len(anchors)} times on the timeline"
    listed = [li for li in article.find_all("li") if "Acme launches Widget X" in text_of(li)]
    assert len(listed) == 1, f"the event is listed {len(listed)} times"
    svg = article.find("svg")
    assert svg is not None
    marks = [
        a for a in svg.find_all("a", href=True) if str(a["href"]).endswith("#ev-widget-launch")
    ]
    assert len(marks) == 1, f"the event is drawn {len(marks)} times"
    item = anchors[0] if anchors[0].name == "li" else anchors[0].find_parent("li")
    assert item is not None
    for slug in ("2025-05-01-first", "2026-01-15-second"):
        assert hrefs_to(item, site, "timeline/index.html", f"briefings/{slug}/index.html"), (
            f"no link to {slug}"
        )
    assert "disagree" in text_of(item)
    assert "Early 2025" in text_of(item) and "Late 2025" in text_of(item)


def test_check_warns_about_disagreeing_event_dates(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CONFLICT)
    code, _out, err = run(root, "check")
    assert code == 0, err
    lines = [line for line in err.splitlines() if "widget-launch" in line]
    assert lines, f"no warning about the event's dates:\n{err}"
    assert all("warning" in line for line in lines)
    assert any(line.startswith("seeds/2026/2026-01-15-second.md:") for line in lines), lines
    code, _out, err = run(root, "check", "--strict")
    assert code == 1


def test_makes_relation_shows_made_by_on_target(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CONFLICT)
    code, _out, err = build(root)
    assert code == 0, err
    site = root / "site"
    rel = "entities/widget-x/index.html"
    card = content(soup(site, rel))
    made_by = [li for li in card.find_all("li") if text_of(li).startswith("made by")]
    assert made_by, f"no 'made by' on the Widget X card:\n{text_of(card)[:500]}"
    assert hrefs_to(made_by[0], site, rel, "entities/acme/index.html")
    acme = content(soup(site, "entities/acme/index.html"))
    makes = [li for li in acme.find_all("li") if text_of(li).startswith("makes")]
    assert makes and hrefs_to(
        makes[0], site, "entities/acme/index.html", "entities/widget-x/index.html"
    )


def test_only_the_disagreeing_report_is_warned_about(tmp_path: Path) -> None:
    """Three reports of one event, two agreeing: one warning, on the odd one out."""
    root = write_project(
        tmp_path / "p",
        {
            **ENTITIES,
            "seeds/2024/2024-11-05-a.md": seed(
                "Report A", "2024-11-05", extra=f"events:\n  - date: 2024-10\n{EVENT}"
            ),
            "seeds/2025/2025-07-11-b.md": seed(
                "Report B", "2025-07-11", extra=f"events:\n  - date: 2024-10\n{EVENT}"
            ),
            "seeds/2025/2025-08-01-c.md": seed(
                "Report C", "2025-08-01", extra=f"events:\n  - date: 2023-07\n{EVENT}"
            ),
        },
    )
    code, _out, err = run(root, "check")
    assert code == 0, err
    lines = [line for line in err.splitlines() if "widget-launch" in line]
    assert len(lines) == 1, lines
    assert lines[0].startswith("seeds/2025/2025-08-01-c.md:"), lines
    assert "'2023-07' here but '2024-10' in seeds/2024/2024-11-05-a.md" in lines[0]


def _preview_of_two_briefings(tmp_path: Path) -> tuple[Path, str, Any]:
    """A project of two briefings and ``serve``'s preview after its first build:
    ``(root, the first seed's path, the preview)``."""
    from generator.serve import Preview

    one = "seeds/2025/2025-05-01-one.md"
    root = write_project(
        tmp_path / "p",
        {
            **ENTITIES,
            one: seed("First title", "2025-05-01"),
            "seeds/2025/2025-05-02-two.md": seed("Second title", "2025-05-02"),
        },
    )
    preview = Preview(Project.open(root), drafts=True)
    assert preview.build()
    return root, one, preview


def test_serve_shows_the_edited_page_first_then_every_page_it_touches(tmp_path: Path) -> None:
    """``serve``'s quick step draws only the edited briefing's page, with the MkDocs session
    the last build kept; nothing for a seed with errors or a seed that has no page yet;
    the full incremental build that follows updates the lists too."""
    root, one, preview = _preview_of_two_briefings(tmp_path)
    site = preview.site.folder
    page = site / "briefings" / "2025-05-01-one" / "index.html"
    index = site / "briefings" / "index.html"
    other = site / "briefings" / "2025-05-02-two" / "index.html"
    before = {p: p.stat().st_mtime_ns for p in (index, other)}
    version = preview.site.version

    (root / one).write_text(seed("Edited title", "2025-05-01"), encoding="utf-8")
    assert preview.quick({root / one}) == ["briefings/2025-05-01-one/index.html"]
    assert "Edited title" in page.read_text(encoding="utf-8")
    assert "Edited title" not in index.read_text(encoding="utf-8"), "lists wait for the full run"
    assert {p: p.stat().st_mtime_ns for p in (index, other)} == before
    assert preview.site.version == version + 1, "the browser is told to reload"

    (root / one).write_text(seed("Broken", "2025-13-01"), encoding="utf-8")
    assert preview.quick({root / one}) == []
    assert not preview.build(), "a seed with errors builds nothing"
    assert "Edited title" in page.read_text(encoding="utf-8")

    (root / one).write_text(seed("Edited title", "2025-05-01"), encoding="utf-8")
    new = root / "seeds" / "2025" / "2025-05-03-new.md"
    new.write_text(seed("A new briefing", "2025-05-03"), encoding="utf-8")
    assert preview.quick({new}) == []
    assert not (site / "briefings" / "2025-05-03-new").exists()
    assert preview.build()
    assert "A new briefing" in index.read_text(encoding="utf-8")
    assert "Edited title" in index.read_text(encoding="utf-8")
    assert (site / "briefings" / "2025-05-03-new" / "index.html").is_file()


def test_serve_shows_every_touched_page_before_the_search_index_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an edit, ``serve`` puts the touched pages in place and tells the browser to
    reload before Pagefind runs (the old index serves meanwhile); once the build is done
    the folder equals what a build without that early step gives."""
    from generator import search

    root, one, preview = _preview_of_two_briefings(tmp_path)
    site = preview.site.folder
    index = site / "briefings" / "index.html"
    seen: dict[str, object] = {}
    real = search.index_site

    def indexing(*args: object, **kwargs: object) -> object:
        seen["version"] = preview.site.version
        seen["index"] = index.read_text(encoding="utf-8")
        seen["shown"] = preview.pages_shown_at
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "index_site", indexing)
    version = preview.site.version
    (root / one).write_text(seed("Edited title", "2025-05-01"), encoding="utf-8")
    assert preview.build()
    assert seen, "the search index was not made"
    assert "Edited title" in str(seen["index"]), "the lists waited for the search index"
    assert seen["version"] == version + 1 and seen["shown"] is not None
    assert preview.site.version == version + 1, "one reload, not a second for the index"
    shown = hashes(site)
    monkeypatch.undo()
    (root / one).write_text(seed("First title", "2025-05-01"), encoding="utf-8")
    assert preview.build()
    (root / one).write_text(seed("Edited title", "2025-05-01"), encoding="utf-8")
    from generator import pipeline

    monkeypatch.setattr(pipeline, "_show_pages", lambda site, target: None)
    assert preview.build()  # the pages put in only at the end, as `briefing build` does
    assert hashes(site) == shown


def test_serve_draws_an_edits_files_before_mkdocs_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the generated pages out of the navigation (as in a real project), the files
    an edit changed are drawn with the last build's MkDocs session before MkDocs runs.
    MkDocs' pages are the same bytes, so the browser reloads once, and the folder
    equals a build without the early step.  A new briefing waits for MkDocs (its page
    is not in the session, and the lists link it)."""
    from generator import mkdocs_adapter
    from generator.serve import Preview
    from tests.helpers import SMALL_MKDOCS_YML

    one = "seeds/2025/2025-05-01-one.md"
    nav = "nav:\n  - Home: index.md\n  - Briefings: briefings/index.md\n"
    root = write_project(
        tmp_path / "p",
        {
            **ENTITIES,
            one: seed("First title", "2025-05-01"),
            "seeds/2025/2025-05-02-two.md": seed("Second title", "2025-05-02"),
        },
        SMALL_MKDOCS_YML + nav,
    )
    preview = Preview(Project.open(root), drafts=True)
    assert preview.build()
    site = preview.site.folder
    watched = {
        "list": site / "briefings" / "index.html",
        "card": site / "entities" / "acme" / "index.html",
        "data": site / "data" / "briefings.json",
    }
    seen: dict[str, Any] = {}
    real = mkdocs_adapter.build

    def building(*args: Any, **kwargs: Any) -> Any:
        seen.update({k: path.read_text(encoding="utf-8") for k, path in watched.items()})
        seen["version"], seen["shown"] = preview.site.version, preview.pages_shown_at
        return real(*args, **kwargs)

    monkeypatch.setattr(mkdocs_adapter, "build", building)
    version = preview.site.version
    (root / one).write_text(seed("Edited title", "2025-05-01"), encoding="utf-8")
    assert preview.build()
    for what in watched:
        assert "Edited title" in seen[what], f"the {what} waited for MkDocs"
    assert seen["version"] == version + 1 and seen["shown"] is not None
    assert preview.site.version == version + 1, "MkDocs' pages differ from those drawn"
    shown = hashes(site)

    new = root / "seeds" / "2025" / "2025-05-03-new.md"
    new.write_text(seed("A new briefing", "2025-05-03"), encoding="utf-8")
    version = preview.site.version
    assert preview.build()
    assert "A new briefing" not in seen["list"] and seen["shown"] is None
    assert preview.site.version == version + 1
    new.unlink()
    assert preview.build()

    monkeypatch.undo()
    (root / one).write_text(seed("First title", "2025-05-01"), encoding="utf-8")
    assert preview.build()
    monkeypatch.setattr(Preview, "staged", lambda self, digests, staged: None)
    (root / one).write_text(seed("Edited title", "2025-05-01"), encoding="utf-8")
    assert preview.build()
    assert hashes(site) == shown


def test_serve_builds_when_drawing_early_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The early drawing is a preview only: if it fails, the build goes on and shows
    MkDocs' pages."""
    from generator import mkdocs_adapter

    root, one, preview = _preview_of_two_briefings(tmp_path)
    calls: list[int] = []

    def failing(changed: object) -> None:
        calls.append(1)
        raise RuntimeError("a plugin broke")

    monkeypatch.setattr(mkdocs_adapter, "draw", failing)
    (root / one).write_text(seed("Edited title", "2025-05-01"), encoding="utf-8")
    assert preview.build()
    assert calls, "the early step was not tried"
    index = preview.site.folder / "briefings" / "index.html"
    assert "Edited title" in index.read_text(encoding="utf-8")


def test_related_briefings_rank_by_shared_entities_and_tags_then_newest(tmp_path: Path) -> None:
    """A shared tag counts double, ties go to the newest, an entity (or tag) on more than
    RELATED_TAG_LIMIT briefings is ignored unless nothing more specific is shared."""
    from generator import model
    from generator.pipeline import check
    from generator.project import Project

    def brief(slug: str, date: str, entities: list[str], tags: list[str]) -> str:
        return (
            f"---\ntitle: {slug}\ndate: {date}\nsource: reuters\n"
            f"entities: [{', '.join(entities)}]\ntags: [{', '.join(tags)}]\n---\nText.\n"
        )

    files = dict(ENTITIES)
    files["seeds/entities/widget-y.yml"] = "name: Widget Y\ntype: product\n"
    files["seeds/2025/2025-01-01-a.md"] = brief("a", "2025-01-01", ["acme", "widget-x"], ["chips"])
    files["seeds/2025/2025-01-02-tag.md"] = brief("tag", "2025-01-02", ["reuters"], ["chips"])
    files["seeds/2025/2025-01-03-one.md"] = brief("one", "2025-01-03", ["widget-x"], ["other"])
    files["seeds/2025/2025-01-04-both.md"] = brief("both", "2025-01-04", ["acme", "widget-x"], [])
    files["seeds/2025/2025-01-05-one2.md"] = brief("one2", "2025-01-05", ["widget-x"], [])
    files["seeds/2025/2025-01-06-lone.md"] = brief("lone", "2025-01-06", ["widget-y"], [])
    root = write_project(tmp_path / "p", files)
    checked = check(Project.open(root))
    assert checked.corpus is not None, [str(p) for p in checked.problems]
    corpus = checked.corpus

    def related(slug: str, limit: int = 5) -> list[tuple[str, int]]:
        return [(b.slug, score) for b, score in corpus.related(f"2025-01-0{slug}", limit)]

    # a: "both" shares 2 entities (2), "tag" a tag (2, older than "both"), "one2"/"one" 1 each.
    assert related("1-a") == [
        ("2025-01-04-both", 2),
        ("2025-01-02-tag", 2),
        ("2025-01-05-one2", 1),
        ("2025-01-03-one", 1),
    ]
    assert related("1-a", limit=1) == [("2025-01-04-both", 2)]
    assert related("6-lone") == [], "nothing shared, nothing related"

    # With a limit of 3, widget-x (on 4 briefings) is "common": for "a", acme and the tag find
    # two briefings; enough for one, too few for five, when widget-x counts again.
    old = model.RELATED_TAG_LIMIT
    try:
        model.RELATED_TAG_LIMIT = 3
        assert related("1-a", limit=1) == [("2025-01-02-tag", 2)]
        assert related("1-a")[0] == ("2025-01-04-both", 2)
    finally:
        model.RELATED_TAG_LIMIT = old


@pytest.mark.parametrize("command", ["build", "bundle"])
def test_the_model_is_released_before_mkdocs_runs(
    tmp_path: Path, monkeypatch, command: str
) -> None:
    """MkDocs holds every page itself: while it runs, no corpus, briefing or rendered page of
    the generator may still be alive, so the peak memory is MkDocs' own."""
    import gc
    import weakref

    from generator import incremental, mkdocs_adapter, model, pipeline

    root = write_project(
        tmp_path / "p",
        {
            **ENTITIES,
            **{
                f"seeds/2025/2025-05-0{i}-b{i}.md": seed(f"B{i}", f"2025-05-0{i}")
                for i in range(1, 4)
            },
        },
    )

    class Pages(dict):  # a dict that can be watched with a weak reference
        pass

    refs: list[weakref.ref] = []
    original_render = pipeline.render
    original_incremental = incremental.render

    def watched_render(*args, **kwargs):
        pages = Pages(original_render(*args, **kwargs))
        refs.append(weakref.ref(pages))
        return pages

    def watched_incremental(*args, **kwargs):  # build renders through the incremental stage
        rendered = original_incremental(*args, **kwargs)
        rendered.pages = Pages(rendered.pages)
        refs.append(weakref.ref(rendered.pages))
        return rendered

    seen: dict[str, int] = {}
    original_build = mkdocs_adapter.build

    def models() -> list[object]:
        gc.unfreeze()  # a build freezes its model, and gc.get_objects() skips frozen ones
        gc.collect()
        return [o for o in gc.get_objects() if isinstance(o, model.Corpus | model.Briefing)]

    # Only this build's model counts: objects an earlier test keeps (a module fixture's
    # project, say) are alive before the build starts and stay out of the count.
    earlier = {id(o) for o in models()}

    def counting_build(*args, **kwargs):
        alive = [o for o in models() if id(o) not in earlier]
        seen["corpus"] = sum(isinstance(o, model.Corpus) for o in alive)
        seen["briefings"] = sum(isinstance(o, model.Briefing) for o in alive)
        seen["page sets"] = sum(ref() is not None for ref in refs)
        return original_build(*args, **kwargs)

    monkeypatch.setattr(pipeline, "render", watched_render)
    monkeypatch.setattr(incremental, "render", watched_incremental)
    monkeypatch.setattr(mkdocs_adapter, "build", counting_build)
    code, _out, err = run(root, command)
    assert code == 0, err
    assert len(refs) == 1
    assert seen == {"corpus": 0, "briefings": 0, "page sets": 0}, seen
    if command == "build":
        assert (root / "site" / "briefings" / "2025-05-01-b1" / "index.html").is_file()
    else:
        assert len(list((root / "dist").glob("*-offline.zip"))) == 1


def test_a_site_with_html_urls_builds_with_search_and_right_data_urls(tmp_path: Path) -> None:
    """``use_directory_urls: false``: every build used to stop with "search index: cannot
    read index.html" (the data exports gave folder URLs whatever the setting)."""
    import json

    from tests.helpers import SMALL_MKDOCS_YML

    root = write_project(
        tmp_path / "p",
        {**ENTITIES, "seeds/2025/2025-05-01-one.md": seed("First title", "2025-05-01")},
        SMALL_MKDOCS_YML.replace("use_directory_urls: true", "use_directory_urls: false"),
    )
    code, out, err = run(root, "build")
    assert code == 0, out + err
    site = root / "site"
    (briefing,) = json.loads((site / "data/briefings.json").read_text(encoding="utf-8"))
    assert briefing["url"] == "briefings/2025-05-01-one.html"
    assert (site / briefing["url"]).is_file()
    entity = json.loads((site / "data/entities.json").read_text(encoding="utf-8"))[0]
    assert entity["url"].endswith(".html") and (site / entity["url"]).is_file()
    assert list((site / "pagefind").glob("*/pagefind-entry.json"))
