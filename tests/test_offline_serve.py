"""The offline bundle opened from disk, and `briefing serve` live reload, in real headless Chromium."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import CHROMIUM, EXAMPLE_SLUG, ROOT, chromium, copy_example
from tests.helpers import run as invoke_cli

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b


def _project(tmp: Path) -> Path:
    return copy_example(tmp / "project")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example's offline bundle, built twice (for the reproducibility check) and unzipped."""
    tmp = tmp_path_factory.mktemp("bundle")
    root = _project(tmp)
    code, out, err = invoke_cli(root, "bundle", "--strict")
    assert code == 0, out + err
    archives = list((root / "dist").glob("*-offline.zip"))
    assert len(archives) == 1
    first = archives[0].read_bytes()
    code, out, err = invoke_cli(root, "bundle", "--strict")
    assert code == 0, out + err
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(archives[0].read_bytes()).hexdigest()
    unpacked = tmp / "unzipped"
    with zipfile.ZipFile(archives[0]) as zf:
        zf.extractall(unpacked)
    (site,) = list(unpacked.iterdir())
    assert not (root / "site").exists(), "bundle must not touch site/"
    return root, site


def test_bundle_is_reproducible_and_self_contained(bundle: tuple[Path, Path]) -> None:
    _, site = bundle
    assert (site / "index.html").is_file()
    assert (site / "briefings" / f"{EXAMPLE_SLUG}.html").is_file()
    assert (site / "search" / "search_index.js").is_file()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # No script, stylesheet, font or image from another host.
        remote = re.findall(
            r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(https?:)?//(?!example\.org)[^"]*"',
            html,
        )
        assert not [r for r in remote if 'rel="canonical"' not in r], (page, remote)
        assert "unpkg.com" not in html and "fonts.googleapis" not in html, page


def _blocking_context(browser: object) -> tuple[object, list[str]]:
    blocked: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if url.startswith(("file:", "data:", "blob:", "about:")):
            r.continue_()  # type: ignore[attr-defined]
        else:
            blocked.append(url)
            r.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    return context, blocked


def test_bundle_from_disk_search_and_timeline_without_network(
    browser: object, bundle: tuple[Path, Path]
) -> None:
    _, site = bundle
    context, blocked = _blocking_context(browser)
    page = context.new_page()  # type: ignore[attr-defined]
    page.goto((site / "index.html").as_uri())
    page.wait_for_selector("input.md-search__input", state="attached")
    # Typed key by key, as a reader does: Material's search listens to key events.
    page.locator("input.md-search__input").press_sequentially("Kunlunxin", delay=40)
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=30_000)
    assert results.count() >= 1
    results.first.click()
    page.wait_for_load_state()
    assert page.url.startswith("file://") and "/entities/kunlunxin.html" in page.url
    assert "Kunlunxin" in page.locator("h1").inner_text()
    page.goto((site / "timeline" / "index.html").as_uri())
    svg = page.locator("svg.bf-timeline-wide")  # (the narrow drawing is for phones)
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 50
    assert "Early 2025" in page.locator("article").inner_text()
    # Following a briefing link keeps .html URLs from disk.
    page.goto((site / "briefings" / f"{EXAMPLE_SLUG}.html").as_uri())
    page.locator("a.bf-chip", has_text="Baidu").click()
    page.wait_for_load_state()
    assert page.url.endswith("/entities/baidu.html")
    os.makedirs(ROOT / "tests" / "artifacts", exist_ok=True)
    page.screenshot(path=str(ROOT / "tests" / "artifacts" / "offline-entity.png"), full_page=True)
    context.close()  # type: ignore[attr-defined]
    assert blocked == [], f"the offline bundle made {len(blocked)} network requests: {blocked[:5]}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_serve_live_reload_in_browser(browser: object, tmp_path: Path) -> None:
    root = copy_example(tmp_path / "project")
    port = _free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "-C", str(root), "serve", "--port", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
    try:
        _wait_for(lambda: "Serving on" in log.read_text(), 60, "the server to start")
        base = re.search(r"Serving on (http://\S+)", log.read_text()).group(1)  # type: ignore[union-attr]
        assert base.startswith(f"http://127.0.0.1:{port}/")
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(f"{base}briefings/{EXAMPLE_SLUG}/")
        assert "Alibaba, Baidu begin" in page.locator("h1").inner_text()
        seed = root / "seeds" / "2025" / f"{EXAMPLE_SLUG}.md"
        text = seed.read_text(encoding="utf-8")
        seed.write_text(
            text.replace(
                "title: Alibaba, Baidu begin", "title: Live edit of Alibaba, Baidu begin", 1
            ),
            encoding="utf-8",
        )
        # No navigation by the test: the page reloads itself when the rebuild is done.
        page.wait_for_function(
            # (the page may be between two loads when this runs: no h1 yet)
            "() => (document.querySelector('h1')?.innerText ?? '').startsWith('Live edit')",
            timeout=60_000,
        )
        # A broken seed prints its problem and keeps the last good page.
        seed.write_text(text.replace("date: 2025-09-11", "date: 2025-13-45", 1), encoding="utf-8")
        _wait_for(
            lambda: (
                "date: '2025-13-45' is not a publication date" in log.read_text()
                or "2025-13-45" in log.read_text()
            ),
            20,
            "the problem to be reported",
        )
        page.reload()
        assert page.locator("h1").inner_text().startswith("Live edit")
        page.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    output = log.read_text()
    assert "Traceback" not in output
    assert "regenerated" in output


def test_every_internal_link_in_the_bundle_names_a_file(bundle: tuple[Path, Path]) -> None:
    """Opened from disk a link to a folder shows a file listing, not a page: every internal
    link and asset of the offline site must name an existing file (fragments checked too)."""
    import posixpath
    from urllib.parse import unquote, urlsplit

    from bs4 import BeautifulSoup

    _root, site = bundle
    # 404.html uses absolute URLs for the hosted site; from disk it is never shown.
    pages = sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html"
    )
    ids: dict[str, set[str]] = {}
    broken: list[str] = []
    checked = 0

    def ids_of(rel: str) -> set[str]:
        if rel not in ids:
            page = BeautifulSoup((site / rel).read_text(encoding="utf-8"), "lxml")
            ids[rel] = {str(t["id"]) for t in page.find_all(id=True)}
        return ids[rel]

    for rel in pages:
        page = BeautifulSoup((site / rel).read_text(encoding="utf-8"), "lxml")
        urls = [str(t["href"]) for t in page.find_all(["a", "link"], href=True)]
        urls += [str(t["src"]) for t in page.find_all(["img", "script"], src=True)]
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), unquote(parts.path)))
            if target.startswith("..") or not (site / target).is_file():
                broken.append(f"{rel}: {url}")
                continue
            checked += 1
            if parts.fragment and target.endswith(".html") and parts.fragment not in ids_of(target):
                broken.append(f"{rel}: {url} (no id={parts.fragment})")
    assert checked > 500, f"only {checked} internal URLs found"
    assert not broken, f"{len(broken)} broken offline link(s):\n" + "\n".join(broken[:40])


@pytest.mark.parametrize(
    ("error", "said"),
    [(BrokenPipeError, ""), (ConnectionResetError, ""), (ValueError, "a request failed")],
)
def test_serve_is_quiet_when_a_browser_goes_away(
    error: type[Exception], said: str, capfd: pytest.CaptureFixture[str]
) -> None:
    """A page reloading after an edit drops its connections mid-answer: that is no error
    to report, and nothing a request does prints a traceback."""
    import http.server
    import threading
    import urllib.request

    from generator.serve import _Server

    class Failing(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            raise error("answering failed")

    server = _Server(("127.0.0.1", 0), Failing)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/", timeout=10)
    thread.join(10)
    server.server_close()
    err = capfd.readouterr().err
    assert "Traceback" not in err
    assert (said in err) if said else err == ""
