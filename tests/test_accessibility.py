"""Every reader, every device: the built example site checked in headless Chromium.

- axe-core (``tests/axe.py``: pinned and checksum-checked) on every page type, at
  desktop and phone sizes, in the light and dark schemes: no serious or critical
  finding under the WCAG 2.0/2.1 A and AA rules.  No rule is switched off.
- The drawings on a phone: labels at least 11 px high, the page not scrolling sideways.
- Each drawing names, as its description, the lists that carry the same facts.
- The keyboard reaches every link in order, the drawings' links included, each with
  a visible focus, and leaves the drawings again.
- Dark mode: Material's palette toggle; badges, draft marks and drawings legible.
- Print: a briefing and an entity card as PDF, without the site's navigation, with
  external links' addresses.

The target and how it is checked are in ``docs/accessibility.md``.  Screenshots go
to ``tests/artifacts/``.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import axe
from tests.golden import CLAIMS_PROJECT
from tests.helpers import CHROMIUM, EXAMPLE_SLUG, build_and_serve, chromium, copy_example, run

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}", allow_module_level=True)

from playwright.sync_api import Browser, BrowserContext, Page

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

#: Every page type of a briefing site (README "What the site contains"), as a page of
#: the example.  A page type that the example lacks fails the test: it is not skipped.
PAGE_TYPES = {
    "home": "",
    "briefing list": "briefings/",
    "briefing": f"briefings/{EXAMPLE_SLUG}/",
    "entity directory": "entities/",
    "entity card": "entities/nvidia/",
    "timeline": "timeline/",
    "tag list": "tags/",
    "tag page": "tags/export-controls/",
    "network": "graph/",
    "data": "data/",
    "claims": "claims/",
    "claim sources": "claims/sources/",
    "search and browse": "explore/",
    "about": "about/",
    "accessibility": "accessibility/",
}
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
MODES = {
    "desktop-light": (DESKTOP, "light"),
    "desktop-dark": (DESKTOP, "dark"),
    "phone-light": (PHONE, "light"),
    "phone-dark": (PHONE, "dark"),
}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MIN_TEXT_PX = 11
ARTICLE = "https://www.reuters.com/world/china/alibaba-baidu-begin-using-own-chips-2025-09-11/"

RUN_AXE = """async ([tags, context]) => {
  const result = await axe.run(context || document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
  });
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || ''))}));
}"""


@pytest.fixture(scope="module")
def axe_script() -> str:
    """axe-core's script; the tests fail (not skip) when it cannot be had or checked."""
    try:
        return axe.script()
    except axe.AxeUnavailable as exc:
        pytest.fail(f"axe-core: {exc}")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example project."""
    root = copy_example(tmp_path_factory.mktemp("a11y") / "project")
    # The example briefing gains the address of its article, so that a briefing page has
    # an external link whose words are not its address (print must show the address).
    seed = root / "seeds" / "2025" / f"{EXAMPLE_SLUG}.md"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("\nsource: reuters\n", f"\nsource: reuters\nurl: {ARTICLE}\n", 1))
    assert ARTICLE in seed.read_text(encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site_url(project: Path) -> Iterator[str]:
    """The example project built with ``briefing build --strict``, served on 127.0.0.1."""
    with build_and_serve(project, "--strict") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def views(browser: Browser, axe_script: str) -> Iterator[dict[str, Page]]:
    """One tab per size and scheme, each loading axe-core into every page it opens."""
    contexts: list[BrowserContext] = []
    tabs: dict[str, Page] = {}
    for name, (viewport, scheme) in MODES.items():
        context = browser.new_context(
            viewport=viewport,
            color_scheme=scheme,  # type: ignore[arg-type]
            service_workers="block",
        )
        context.add_init_script(script=axe_script)
        contexts.append(context)
        tabs[name] = context.new_page()
    try:
        yield tabs
    finally:
        for context in contexts:
            context.close()


def open_page(page: Page, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    if url.endswith("explore/"):  # results are drawn by a script after the index loads
        page.wait_for_load_state("networkidle")


def scheme_of(page: Page) -> str:
    return str(page.evaluate("document.body.getAttribute('data-md-color-scheme')"))


def findings(page: Page, context: str | None = None) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.evaluate(RUN_AXE, [WCAG_TAGS, context])
    return result


def describe(found: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: {v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']}")
            lines.extend(f"    {node[:300]}" for node in v["nodes"][:5])
    return "\n".join(lines)


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# --- axe-core on every page type, size and scheme ------------------------------------


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_no_serious_accessibility_findings(
    page_type: str, site_url: str, views: dict[str, Page]
) -> None:
    found: dict[str, list[dict[str, Any]]] = {}
    for mode, page in views.items():
        open_page(page, site_url + PAGE_TYPES[page_type])
        expected = "slate" if mode.endswith("dark") else "default"
        assert scheme_of(page) == expected, f"{mode}: the page is not in the {expected} scheme"
        violations = findings(page)
        if violations:
            found[f"/{PAGE_TYPES[page_type]} at {mode}"] = violations
    assert not found, f"axe-core {axe.VERSION}, serious and critical findings:\n{describe(found)}"


def test_offline_bundle_from_disk(project: Path, views: dict[str, Page], tmp_path: Path) -> None:
    """The offline bundle's pages differ in their header (Material's own search box)."""
    code, out, err = run(project, "bundle")
    assert code == 0, f"briefing bundle exited {code}\n{out}\n{err}"
    (archive,) = (project / "dist").glob("*.zip")
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path)
    (folder,) = (p for p in tmp_path.iterdir() if p.is_dir())
    found: dict[str, list[dict[str, Any]]] = {}
    for rel in ("index.html", f"briefings/{EXAMPLE_SLUG}.html", "explore/index.html"):
        for mode, page in views.items():
            page.goto((folder / rel).as_uri(), wait_until="load")
            violations = findings(page)
            if violations:
                found[f"{rel} at {mode}"] = violations
    assert not found, f"axe-core {axe.VERSION}, serious and critical findings:\n{describe(found)}"


def test_claim_threads_with_the_site_styles(
    tmp_path_factory: pytest.TempPathFactory, views: dict[str, Page]
) -> None:
    """The claim-threads fixture's seeds (later words, contested threads, track records,
    which the example lacks) in the example's project settings and styles."""
    root = copy_example(tmp_path_factory.mktemp("a11y-claims") / "project")
    shutil.rmtree(root / "seeds")
    shutil.copytree(CLAIMS_PROJECT / "seeds", root / "seeds")
    found: dict[str, list[dict[str, Any]]] = {}
    with build_and_serve(root) as base:
        for path in (
            "claims/",
            "claims/sources/",
            "briefings/2025-03-03-zentara-pauses-k7/",
            "entities/lantern-ledger/",
            "entities/lantern-ledger/record/",
        ):
            for mode in ("desktop-dark", "phone-light"):
                page = views[mode]
                open_page(page, base + path)
                violations = findings(page)
                if violations:
                    found[f"/{path} at {mode}"] = violations
    assert not found, f"axe-core {axe.VERSION}, serious and critical findings:\n{describe(found)}"


def test_badges_draft_marks_and_warnings_in_both_schemes(
    site_url: str, views: dict[str, Page]
) -> None:
    """Every claim status, the draft mark and the date-conflict warning, whether or not the
    example shows them, against both schemes' backgrounds."""
    samples = "".join(
        f'<p><span class="bf-status bf-status-{s}">{s.replace("-", " ")}</span> a claim</p>'
        for s in ("reported", "confirmed", "disputed", "denied", "no-comment", "contested")
    )
    samples += (
        '<p><span class="bf-draft">Draft — not in the public site</span></p>'
        '<p><span class="bf-conflict">Reports disagree on the date:</span> early 2025</p>'
        '<p><span class="bf-type">Company</span> <span class="bf-meta">also known as X</span></p>'
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for mode in ("desktop-light", "desktop-dark"):
        page = views[mode]
        open_page(page, f"{site_url}briefings/{EXAMPLE_SLUG}/")
        page.evaluate(
            """html => { const div = document.createElement('div');
                 div.id = 'bf-samples'; div.innerHTML = html;
                 document.querySelector('article').prepend(div); }""",
            samples,
        )
        violations = findings(page, "#bf-samples")
        if violations:
            found[mode] = violations
    assert not found, describe(found)


# --- the drawings: readable on a phone, described by their lists, legible in both schemes


def test_phone_drawings_keep_labels_readable(site_url: str, views: dict[str, Page]) -> None:
    page = views["phone-light"]
    for path, selector in (
        # on a phone the timeline is the drawing made for its width
        ("timeline/", ".bf-timeline-narrow .bf-label"),
        ("timeline/", ".bf-timeline-narrow .bf-axis"),
        ("entities/nvidia/", ".bf-graph-svg .bf-node text"),
        ("graph/", ".bf-graph-svg .bf-node text"),
    ):
        open_page(page, site_url + path)
        sizes = page.locator(selector).evaluate_all(
            """els => els.map(el => {
                 const svg = el.ownerSVGElement;
                 return {height: el.getBoundingClientRect().height,
                         font: parseFloat(getComputedStyle(el).fontSize) * svg.getScreenCTM().a};
               })"""
        )
        assert sizes, f"/{path}: no {selector}"
        smallest = min(s["font"] for s in sizes)
        assert smallest >= MIN_TEXT_PX - 0.01, f"/{path} {selector}: drawn at {smallest:.1f} px"
        assert min(s["height"] for s in sizes) >= MIN_TEXT_PX, f"/{path} {selector}: {sizes[:3]}"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"/{path}: the page scrolls sideways ({width} px)"
    open_page(page, f"{site_url}timeline/")
    figure = page.locator("figure.bf-figure").first
    figure.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-timeline.png"))
    assert not page.locator(".bf-timeline-wide").first.is_visible()
    box = page.locator(".bf-timeline-narrow .bf-label").first.bounding_box()
    assert box is not None and box["height"] >= MIN_TEXT_PX, box


def test_drawings_are_described_by_their_lists(site_url: str, views: dict[str, Page]) -> None:
    """Each drawing's ``aria-describedby`` names lists that hold every event or entity it
    draws (an event by its anchor, an entity by a link to its card)."""
    page = views["desktop-light"]
    for path in ("timeline/", "entities/nvidia/", "tags/export-controls/", "graph/"):
        open_page(page, site_url + path)
        missing = page.evaluate(
            """() => [...document.querySelectorAll('figure.bf-figure')].map(figure => {
                 const ids = (figure.getAttribute('aria-describedby') || '').split(/\\s+/)
                   .filter(Boolean);
                 const lists = ids.map(id => document.getElementById(id));
                 if (!ids.length || lists.includes(null)) return ['no list: ' + ids.join(' ')];
                 const self = location.pathname;
                 const wanted = [...figure.querySelectorAll('svg a')].map(a => {
                   const url = new URL(a.getAttribute('href'), location.href);
                   return url.hash ? url.hash.slice(1) : url.pathname;
                 }).filter(w => w !== self);
                 const found = new Set();
                 for (const list of lists) {
                   list.querySelectorAll('[id]').forEach(el => found.add(el.id));
                   list.querySelectorAll('a[href]').forEach(a =>
                     found.add(new URL(a.getAttribute('href'), location.href).pathname));
                 }
                 return wanted.filter(w => !found.has(w));
               }).flat()"""
        )
        assert page.locator("figure.bf-figure").count() > 0, f"/{path}: no drawing"
        assert not missing, f"/{path}: drawn but not in the described lists: {missing}"


def _contrast_script() -> str:
    """Each element's contrast with the page, its colour laid over the page's at its alpha;
    ``null`` where the property holds no colour (``none``), which the test reports."""
    return """([selector, property]) => {
      const rgba = s => { const m = s.match(/^rgba?\\(([^)]*)\\)$/);
        if (!m) return null;
        const [r, g, b, a = 1] = m[1].split(/[\\s,\\/]+/).map(Number); return [r, g, b, a]; };
      const over = ([r, g, b, a], bg) => [r, g, b].map((v, i) => v * a + bg[i] * (1 - a));
      const lum = c => { const [r, g, b] = c.map(v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
      const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05); };
      const page = rgba(getComputedStyle(document.body).backgroundColor);
      return [...document.querySelectorAll(selector)].map(el => {
        const paint = rgba(getComputedStyle(el)[property]);
        return paint && ratio(over(paint, page), page); });
    }"""


@pytest.mark.parametrize("mode", ["desktop-light", "desktop-dark"])
def test_drawings_legible_in_both_schemes(mode: str, site_url: str, views: dict[str, Page]) -> None:
    """Text in the drawings at 4.5:1 against the page, marks and dots at 3:1 (WCAG 1.4.3
    and 1.4.11); axe-core does not measure SVG."""
    page = views[mode]
    checks = [
        ("timeline/", ".bf-timeline-svg .bf-label", "fill", 4.5),
        ("timeline/", ".bf-timeline-svg .bf-axis", "fill", 4.5),
        ("timeline/", ".bf-timeline-svg .bf-bar", "stroke", 3.0),
        ("timeline/", ".bf-timeline-svg .bf-dot", "fill", 3.0),  # most dots have no stroke
        ("entities/nvidia/", ".bf-graph-svg .bf-node text", "fill", 4.5),
        ("entities/nvidia/", ".bf-graph-svg .bf-node circle", "fill", 3.0),
    ]
    low: list[str] = []
    for path, selector, prop, minimum in checks:
        open_page(page, site_url + path)
        ratios = page.evaluate(_contrast_script(), [selector, prop])
        assert ratios, f"/{path}: nothing matches {selector}"
        if None in ratios:
            low.append(f"/{path} {selector}: {ratios.count(None)} without a {prop} colour")
        elif min(ratios) < minimum:
            low.append(f"/{path} {selector} {prop}: {min(ratios):.2f}:1 < {minimum}:1")
    assert not low, "\n".join(low)


# --- keyboard --------------------------------------------------------------------------

FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]"

TAG_FOCUSABLES = """selector => {
  const all = [...document.querySelectorAll(selector)].filter(el =>
    el.tabIndex >= 0 && !el.disabled && el.checkVisibility({visibilityProperty: true}));
  all.forEach((el, i) => el.setAttribute('data-kb', String(i)));
  return all.map(el => ({
    index: el.getAttribute('data-kb'),
    inContent: !!el.closest('article'),
    inDrawing: !!el.closest('figure.bf-figure'),
  }));
}"""

ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  // Material's palette toggle: a hidden radio button whose label shows the focus.
  const label = el.matches('input.md-option') && el.nextElementSibling;
  const shown = label && label.matches('label') ? label : el;
  const style = getComputedStyle(shown);
  const visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== 'none';
  return {index: el.getAttribute('data-kb'), visible,
          what: el.tagName + ' ' + (el.textContent || el.getAttribute('aria-label') || '').trim()
            .slice(0, 40)};
}"""


@pytest.mark.parametrize("path", ["timeline/", "entities/nvidia/", "graph/"])
def test_keyboard_reaches_every_link_in_order(
    path: str, site_url: str, views: dict[str, Page]
) -> None:
    page = views["desktop-light"]
    open_page(page, site_url + path)
    focusables = page.evaluate(TAG_FOCUSABLES, FOCUSABLE)
    content = {f["index"] for f in focusables if f["inContent"]}
    drawing = [f["index"] for f in focusables if f["inDrawing"]]
    assert drawing, f"/{path}: no link in the drawing"
    seen: list[str] = []
    unmarked_focus: list[str] = []
    page.locator("body").focus()
    for _ in range(len(focusables) + 20):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active is None or active["index"] is None:
            if seen:  # past the last element (the browser's own controls), or back at the top
                break
            continue
        if seen and active["index"] == seen[0]:
            break
        seen.append(active["index"])
        if not active["visible"]:
            unmarked_focus.append(active["what"])
    order = [int(i) for i in seen]
    assert order == sorted(order), f"/{path}: focus jumps back and forth: {order}"
    missing = content - set(seen)
    assert not missing, f"/{path}: {len(missing)} links in the content never get focus"
    after = [i for i in order if i > int(drawing[-1])]
    assert after, f"/{path}: focus stays in the drawing"
    assert not unmarked_focus, f"/{path}: focus not visible on {unmarked_focus[:5]}"
    assert set(drawing) <= set(seen)


# --- dark mode -------------------------------------------------------------------------


def test_palette_toggle_switches_and_is_remembered(site_url: str, browser: Browser) -> None:
    context = browser.new_context(viewport=DESKTOP, color_scheme="light")
    try:
        page = context.new_page()
        open_page(page, f"{site_url}timeline/")
        assert scheme_of(page) == "default"
        page.get_by_title("Switch to dark mode").click()
        assert scheme_of(page) == "slate"
        shot(page, "timeline-dark")
        open_page(page, f"{site_url}entities/nvidia/")
        assert scheme_of(page) == "slate", "the chosen scheme is not kept from page to page"
        page.get_by_title("Switch to light mode").click()
        assert scheme_of(page) == "default"
    finally:
        context.close()


# --- print -----------------------------------------------------------------------------


def pdf_text(page: Page) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    return "\n".join(p.extract_text() for p in reader.pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(
    ("path", "expected", "address"),
    [
        (
            f"briefings/{EXAMPLE_SLUG}/",
            [
                "Alibaba, Baidu begin using own chips to train AI models",
                "Alibaba's AI chip is now good enough to compete with Nvidia's H20",
                "The competition has undeniably arrived",
                "Alibaba starts using its own chips to train smaller AI models",
                "no comment",
            ],
            ARTICLE,
        ),
        (
            "entities/nvidia/",
            [
                "Nvidia",
                "Often mentioned with Nvidia",
                "Nvidia strikes a deal with President Trump",
                "Claims about Nvidia",
            ],
            "https://www.nvidia.com",
        ),
    ],
)
def test_print_shows_content_without_navigation(
    path: str, expected: list[str], address: str, site_url: str, browser: Browser
) -> None:
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        open_page(page, site_url + path)
        text = pdf_text(page)
    finally:
        context.close()
    flat = squeeze(text).casefold()
    for words in expected:
        assert squeeze(words).casefold() in flat, f"/{path} printed without {words!r}:\n{text}"
    assert squeeze(address).casefold() in flat, f"/{path}: no link address in print:\n{text}"
    for chrome in ("Table of contents", "Made with", "Skip to content", "Search briefings"):
        assert squeeze(chrome).casefold() not in flat, f"/{path}: {chrome!r} printed"
    first_line = text.strip().splitlines()[0]
    assert "Explore" not in first_line and "Network" not in first_line, first_line
