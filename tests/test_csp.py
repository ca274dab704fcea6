"""The second wall: every page's content security policy, checked in real headless Chromium.

The sanitiser keeps a seed's text from becoming markup.  These tests act as if it had
failed: they plant four scripts in a built page (an inline ``<script>``, an ``onerror``
handler, a ``javascript:`` link and a script from another host, which the test serves
so that it *would* run) and check that Chromium refuses every one with a policy
violation, on the hosted site and in the offline bundle opened from disk.  The same
page without its policy runs all four: the plant is real, so the check can fail.

Every page type is then used with the policy on (search, filters, the palette toggle,
the timeline) and must raise no violation at all.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator import csp
from tests.helpers import (
    CHROMIUM,
    EXAMPLE_SLUG,
    build_and_serve,
    chromium,
    copy_example,
    run,
    set_briefing_option,
)

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}", allow_module_level=True)

from playwright.sync_api import Browser, ConsoleMessage, Page, Route

from tests.test_search import EXPLORE_SETTLED

#: The page types of the site (as in the accessibility tests): hosted address, bundle file.
PAGE_TYPES = {
    "home": ("", "index.html"),
    "briefing list": ("briefings/", "briefings/index.html"),
    "briefing": (f"briefings/{EXAMPLE_SLUG}/", f"briefings/{EXAMPLE_SLUG}.html"),
    "entity directory": ("entities/", "entities/index.html"),
    "entity card": ("entities/nvidia/", "entities/nvidia.html"),
    "timeline": ("timeline/", "timeline/index.html"),
    "tag list": ("tags/", "tags/index.html"),
    "tag page": ("tags/export-controls/", "tags/export-controls.html"),
    "network": ("graph/", "graph/index.html"),
    "data": ("data/", "data/index.html"),
    "claims": ("claims/", "claims/index.html"),
    "claim sources": ("claims/sources/", "claims/sources.html"),
    "search and browse": ("explore/", "explore/index.html"),
    "about": ("about/", "about.html"),
}

#: What a sanitiser bug could let through: each pushes its name when it runs.
REMOTE = "https://planted.example/evil.js"
PLANTED = (
    '<div id="planted">'
    '<script>window.__ran.push("inline")</script>'
    '<img src="planted-missing.png" alt="" onerror="window.__ran.push(\'handler\')">'
    '<a id="planted-link" href="javascript:window.__ran.push(\'link\')">planted link</a>'
    f'<script src="{REMOTE}"></script>'
    "</div>"
)
EVERY_PLANT = {"inline", "handler", "link", "remote"}

#: Runs before any script of each page (a DevTools script: the page's policy does not
#: apply to it): where planted scripts report, and every violation is kept.
WATCH = """
window.__ran = [];
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  {directive: e.effectiveDirective, blocked: e.blockedURI}));
"""


@dataclass
class Watched:
    """One tab's console lines about the policy (iframes and workers included)."""

    page: Page
    console: list[str] = field(default_factory=list)
    remote_served: list[str] = field(default_factory=list)

    def violations(self) -> list[dict[str, str]]:
        found: list[dict[str, str]] = self.page.evaluate("window.__violations || []")
        return found

    def ran(self) -> set[str]:
        return set(self.page.evaluate("window.__ran || []"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("csp") / "project")


@pytest.fixture(scope="module")
def hosted(project: Path) -> Iterator[tuple[str, Path]]:
    """The example built with ``briefing build --strict``, served: base URL and folder."""
    with build_and_serve(project, "--strict") as url:
        yield url, project / "site"


@pytest.fixture(scope="module")
def bundled(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's offline bundle, unzipped: its folder."""
    code, out, err = run(project, "bundle", "--strict")
    assert code == 0, f"briefing bundle exited {code}\n{out}\n{err}"
    (archive,) = (project / "dist").glob("*-offline.zip")
    unpacked = tmp_path_factory.mktemp("csp-bundle")
    with zipfile.ZipFile(archive) as z:
        z.extractall(unpacked)
    (folder,) = (p for p in unpacked.iterdir() if p.is_dir())
    return folder


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    """A tab that records policy violations; the planted remote script is served (so
    that only the policy can stop it) and every other outside request is refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.add_init_script(WATCH)
    page = context.new_page()
    tab = Watched(page)

    def route(r: Route) -> None:
        url = r.request.url
        if url == REMOTE:
            tab.remote_served.append(url)
            r.fulfill(body="window.__ran.push('remote')", content_type="text/javascript")
        elif url.startswith(("http://127.0.0.1", "file:", "data:", "blob:", "about:")):
            r.continue_()
        else:
            r.abort()

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            tab.console.append(message.text)

    context.route("**/*", route)
    page.on("console", console)
    try:
        yield tab
    finally:
        context.close()


def _policy_of(html: str) -> str:
    found = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert len(found) == 1, f"{len(found)} policies"
    return found[0]


def _plant(page_file: Path, dest: Path, *, keep_policy: bool) -> None:
    """``page_file`` with the planted scripts at the top of its article, as ``dest``."""
    html = page_file.read_text(encoding="utf-8")
    at = re.search(r'<article class="md-content__inner md-typeset">', html)
    assert at is not None, "no article in the page"
    html = html[: at.end()] + PLANTED + html[at.end() :]
    if not keep_policy:
        html = re.sub(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">', "", html)
    dest.write_text(html, encoding="utf-8")


def _try_every_plant(tab: Watched, url: str) -> None:
    tab.remote_served.clear()
    tab.page.goto(url, wait_until="load")
    tab.page.wait_for_load_state("networkidle")
    tab.page.locator("#planted-link").click()
    tab.page.wait_for_timeout(300)  # a javascript: link runs (or is refused) after the click


# --- the policy as written -------------------------------------------------------------


def test_the_policy_allows_what_a_page_has_and_nothing_else() -> None:
    page = (
        '<html><head><meta charset="utf-8"><script>var a=1</script>'
        '<script id="__config" type="application/json">{"search": "x.js"}</script>'
        '<script src="assets/app.js"></script><script type="module">import "./m.js"</script>'
        "</head><body></body></html>"
    )
    secured = csp.secure(page, remote_images=False, wasm=False)
    policy = _policy_of(secured)
    assert secured.index("Content-Security-Policy") > secured.index('<meta charset="utf-8">')
    assert secured.index("Content-Security-Policy") < secured.index("<script")
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    # the two scripts a browser runs, by hash; not the JSON block; never 'unsafe-inline'
    assert directives["script-src"] == " ".join(
        ["'self'", csp.sha256("var a=1"), csp.sha256('import "./m.js"')]
    )
    assert "unsafe-inline" not in directives["script-src"]
    hosted = _policy_of(csp.secure(page, remote_images=True, wasm=True))
    assert "'wasm-unsafe-eval'" in hosted and "img-src 'self' data: https:" in hosted


def _check_every_page(folder: Path) -> int:
    """Each HTML page has one policy, before its first script, listing exactly the hashes
    of the inline scripts it runs (the bundle adds its worker shim's iframe script)."""
    pages = 0
    for path in folder.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        policy = _policy_of(html)
        assert html.index("Content-Security-Policy") < html.find("<script") or "<script" not in html
        script_src = next(d for d in policy.split("; ") if d.startswith("script-src "))
        listed = set(re.findall(r"'sha256-[^']+'", script_src))
        needed = {csp.sha256(s) for s in csp.inline_scripts(html)}
        assert needed <= listed, f"{path}: an inline script is not allowed"
        assert len(listed - needed) <= 1, f"{path}: hashes of scripts the page does not have"
        assert "unsafe-inline" not in script_src and "unsafe-eval'" not in script_src.replace(
            "'wasm-unsafe-eval'", ""
        )
        pages += 1
    return pages


def test_every_hosted_page_and_bundle_page_has_its_policy(
    hosted: tuple[str, Path], bundled: Path
) -> None:
    _url, site = hosted
    assert _check_every_page(site) > 40
    assert _check_every_page(bundled) > 40
    assert "'wasm-unsafe-eval'" in (site / "explore" / "index.html").read_text(encoding="utf-8")
    assert "wasm-unsafe-eval" not in (bundled / "index.html").read_text(encoding="utf-8")


def test_the_policy_can_be_turned_off(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "project")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    set_briefing_option(root, "content_security_policy: false")
    code, out, err = run(root, "build")
    assert code == 0, out + err
    assert "Content-Security-Policy" not in (root / "site" / "index.html").read_text("utf-8")
    config.write_text(text, encoding="utf-8")
    set_briefing_option(root, "content_security_policy: maybe")
    code, out, err = run(root, "build")
    assert code == 2, out + err
    assert "content_security_policy" in err and "true or false" in err
    # back on: an incremental build gives every page its policy again
    config.write_text(text, encoding="utf-8")
    code, out, err = run(root, "build")
    assert code == 0, out + err
    assert all(
        "Content-Security-Policy" in p.read_text("utf-8") for p in (root / "site").rglob("*.html")
    )


# --- the planted scripts ---------------------------------------------------------------


def test_planted_scripts_are_refused_on_the_hosted_site(
    hosted: tuple[str, Path], watched: Watched
) -> None:
    url, site = hosted
    page_file = site / "briefings" / EXAMPLE_SLUG / "index.html"
    _plant(page_file, page_file.parent / "planted.html", keep_policy=True)
    _plant(page_file, page_file.parent / "unprotected.html", keep_policy=False)

    _try_every_plant(watched, f"{url}briefings/{EXAMPLE_SLUG}/unprotected.html")
    assert watched.ran() == EVERY_PLANT, "without the policy the planted scripts must run"

    _try_every_plant(watched, f"{url}briefings/{EXAMPLE_SLUG}/planted.html")
    assert watched.ran() == set(), f"planted scripts ran: {watched.ran()}"
    _assert_four_refusals(watched)


def test_planted_scripts_are_refused_in_the_bundle_from_disk(
    bundled: Path, watched: Watched, tmp_path: Path
) -> None:
    page_file = bundled / "briefings" / f"{EXAMPLE_SLUG}.html"
    _plant(page_file, page_file.parent / "planted.html", keep_policy=True)
    _plant(page_file, page_file.parent / "unprotected.html", keep_policy=False)

    _try_every_plant(watched, (page_file.parent / "unprotected.html").as_uri())
    assert watched.ran() == EVERY_PLANT, "without the policy the planted scripts must run"

    _try_every_plant(watched, (page_file.parent / "planted.html").as_uri())
    assert watched.ran() == set(), f"planted scripts ran: {watched.ran()}"
    _assert_four_refusals(watched)


def _assert_four_refusals(tab: Watched) -> None:
    """The page reported a violation for each plant: inline, handler, link, remote."""
    seen = tab.violations()
    directives = [v["directive"] for v in seen]
    inline = [v for v in seen if v["blocked"] == "inline"]
    assert directives.count("script-src-attr") == 1, seen  # the onerror handler
    assert sum(1 for v in inline if v["directive"] == "script-src-elem") == 2, (
        seen
    )  # <script>, javascript:
    assert [v for v in seen if v["blocked"] == REMOTE], seen  # the remote script
    assert not tab.remote_served, "the remote script was fetched: the policy did not stop it"


# --- everything a reader uses still works with the policy on --------------------------


def test_every_page_type_of_the_hosted_site_raises_no_violation(
    hosted: tuple[str, Path], watched: Watched
) -> None:
    url, _site = hosted
    page = watched.page
    for name, (address, _file) in PAGE_TYPES.items():
        page.goto(f"{url}{address}", wait_until="load")
        page.wait_for_load_state("networkidle")
        assert watched.violations() == [], f"{name}: {watched.violations()}"
    # search from the header, then filters on /explore/
    page.goto(f"{url}explore/?q=chips", wait_until="load")
    page.wait_for_function(EXPLORE_SETTLED, timeout=30_000)
    assert page.locator(".bf-explore__results > .bf-result").count() >= 1
    facet = page.locator('.bf-facet[data-facet="kind"]')
    facet.locator("summary").click()  # its counts load now
    choice = facet.locator('input[value="briefing"]')
    choice.check()
    page.wait_for_url(re.compile(r"kind=briefing"))
    page.wait_for_function(EXPLORE_SETTLED)
    assert page.locator(".bf-explore__results > .bf-result").count() >= 1
    # the palette toggle, remembered across pages
    page.goto(f"{url}timeline/", wait_until="load")
    before = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    after = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert before != after, "the palette toggle did nothing"
    assert page.locator("svg.bf-timeline-wide").first.is_visible()
    assert watched.violations() == [], watched.violations()
    assert watched.console == [], watched.console


def test_every_page_type_of_the_bundle_raises_no_violation(bundled: Path, watched: Watched) -> None:
    page = watched.page
    for name, (_address, file) in PAGE_TYPES.items():
        page.goto((bundled / file).as_uri(), wait_until="load")
        assert watched.violations() == [], f"{name}: {watched.violations()}"
    # Material's own search, whose worker the bundle starts from an iframe
    page.goto((bundled / "index.html").as_uri(), wait_until="load")
    page.locator("input.md-search__input").press_sequentially("Kunlunxin", delay=40)
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=30_000)
    assert results.count() >= 1
    assert watched.violations() == [], watched.violations()
    assert watched.console == [], watched.console


def test_a_page_that_mentions_a_policy_still_gets_one(tmp_path: Path) -> None:
    """Another builder's site is secured page by page: a page whose text speaks of a
    policy (the security docs do) gets its own, once however often it is secured."""
    page = tmp_path / "security" / "index.html"
    page.parent.mkdir()
    page.write_text(
        '<html><head><meta charset="utf-8"></head><body><p>Each page carries a '
        "<code>&lt;meta http-equiv=&quot;Content-Security-Policy&quot;&gt;</code>: "
        '<meta http-equiv="Content-Security-Policy"> Content-Security-Policy</p></body></html>',
        encoding="utf-8",
    )
    for _ in range(2):
        assert csp.secure_site(tmp_path, csp.Options()) == 1
        html = page.read_text(encoding="utf-8")
        assert csp.has_policy(html)
        assert html.count('<meta http-equiv="Content-Security-Policy" content=') == 1
