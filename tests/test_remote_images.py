"""Images from other hosts in bodies become links (issue #11, part 2; SPEC §6).

A body's ``![chart](https://images.example.net/x.png)`` kept its remote ``<img>``:
opening the page told that host who reads it, and the offline bundle, which
promises no network request, made one.  Now such an image is a link showing its
alt text and host (or is dropped when its URL names no host).  The hosted site
may keep the images with ``extra.briefing.remote_images: keep``; the offline
bundle never does.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator import markup
from generator.markup import body_html
from generator.project import Project, UsageError
from tests.helpers import CHROMIUM, SMALL_MKDOCS_YML, chromium, write_project
from tests.helpers import run as invoke_cli

LINK = '<a href="{url}" class="bf-remote-image" rel="noopener noreferrer nofollow">{label}</a>'

# --- the transformation -----------------------------------------------------------------

#: (case, body, expected HTML of the body)
CASES = [
    (
        "markdown image",
        "![chart](https://images.example.net/x.png)",
        "<p>"
        + LINK.format(
            url="https://images.example.net/x.png", label="Image: chart (images.example.net)"
        )
        + "</p>",
    ),
    (
        "markdown image with title, in a sentence",
        'See ![a chart](http://images.example.net/x.png "Sales") here.',
        "<p>See "
        + LINK.format(
            url="http://images.example.net/x.png", label="Image: a chart (images.example.net)"
        )
        + " here.</p>",
    ),
    (
        "raw html img",
        '<p>Chart: <img src="https://cdn.example.org/c.png" alt="Q3" width="10"></p>',
        "<p>Chart: "
        + LINK.format(url="https://cdn.example.org/c.png", label="Image: Q3 (cdn.example.org)")
        + "</p>",
    ),
    (
        "raw html img, upper case, no alt",
        '<IMG SRC="https://cdn.example.org/c.png">',
        "<p>"
        + LINK.format(url="https://cdn.example.org/c.png", label="Image (cdn.example.org)")
        # Python-Markdown wraps the inline tag in a paragraph
        + "</p>",
    ),
    (
        "protocol-relative",
        "![logo](//cdn.example.org/logo.svg)",
        "<p>"
        + LINK.format(url="https://cdn.example.org/logo.svg", label="Image: logo (cdn.example.org)")
        + "</p>",
    ),
    (
        "backslashes are slashes to a browser",
        '<img src="\\\\evil.example/x.png" alt="x">',
        "<p>"
        + LINK.format(url="https://evil.example/x.png", label="Image: x (evil.example)")
        + "</p>",
    ),
    (
        "a tab inside the slashes does not count",
        '<img src="/&#9;/evil.example/x.png" alt="x">',
        "<p>"
        + LINK.format(url="https://evil.example/x.png", label="Image: x (evil.example)")
        + "</p>",
    ),
    (
        "alt text with HTML special characters is escaped",
        '![<b>"Q3" & {{ x }}</b>](https://images.example.net/x.png?a=1&b=2)',
        "<p>"
        + LINK.format(
            url="https://images.example.net/x.png?a=1&amp;b=2",
            label='Image: &lt;b&gt;"Q3" &amp; &#123;&#123; x &#125;&#125;&lt;/b&gt; '
            "(images.example.net)",
        )
        + "</p>",
    ),
    (
        "an image inside a link becomes text (no link in a link)",
        "[![chart](https://images.example.net/x.png)](https://example.com/story)",
        '<p><a href="https://example.com/story" rel="noopener noreferrer nofollow">'
        '<span class="bf-remote-image">Image: chart (images.example.net)</span></a></p>',
    ),
    (
        "no usable host: dropped",
        "Before ![x](https:x.png) after.",
        "<p>Before  after.</p>",
    ),
    (
        "mailto: is no image: dropped",
        '<img src="mailto:a@example.com" alt="x">',
        "<p></p>",
    ),
    (
        "relative image kept",
        "![local](../../assets/chart.png)",
        '<p><img alt="local" src="../../assets/chart.png"></p>',
    ),
    (
        "root-relative image kept",
        '<img src="/assets/chart.png" alt="local">',
        '<p><img src="/assets/chart.png" alt="local"></p>',
    ),
    (
        "data: URL already removed by the sanitiser",
        "![pixel](data:image/png;base64,iVBORw0KGgo=)",
        '<p><img alt="pixel"></p>',
    ),
]


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_remote_images_become_links(body: str, expected: str) -> None:
    assert body_html(body) == expected


@pytest.mark.parametrize(
    "body", [c[1] for c in CASES if "kept" in c[0] or "data:" in c[0]], ids=lambda b: b[:30]
)
def test_local_images_are_the_same_either_way(body: str) -> None:
    assert body_html(body, "keep") == body_html(body, "link")


def test_keep_leaves_remote_images_but_drops_unusable_ones() -> None:
    kept = body_html("![chart](https://images.example.net/x.png) ![x](https:nohost)", "keep")
    assert kept == '<p><img alt="chart" src="https://images.example.net/x.png"> </p>'


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("https://a.example/x.png", ("https://a.example/x.png", "a.example")),
        ("HTTP://A.Example:8080/x", ("HTTP://A.Example:8080/x", "a.example")),
        ("  //a.example/x", ("https://a.example/x", "a.example")),
        ("/\\a.example/x", ("https://a.example/x", "a.example")),
        ("https://user@a.example/x", ("https://user@a.example/x", "a.example")),
        ("https:///x.png", ("", "")),
        ("https://[::1/x", ("", "")),
        ("mailto:a@example.com", ("", "")),
        ("x.png", None),
        ("/x.png", None),
        ("../x.png", None),
        ("", None),
    ],
)
def test_remote_image_reads_urls_as_a_browser(src: str, expected: tuple[str, str] | None) -> None:
    assert markup.remote_image(src) == expected


# --- the setting ------------------------------------------------------------------------


def _yml(value: str) -> str:
    return SMALL_MKDOCS_YML + f"extra:\n  briefing:\n    remote_images: {value}\n"


@pytest.mark.parametrize(("value", "mode"), [("link", "link"), ("keep", "keep")])
def test_setting_is_read(tmp_path: Path, value: str, mode: str) -> None:
    root = write_project(tmp_path / "p", {}, _yml(value))
    assert Project.open(root).site.remote_images == mode


def test_setting_defaults_to_link(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {})
    assert Project.open(root).site.remote_images == "link"


@pytest.mark.parametrize("value", ["show", "true", "[link]", "''"])
def test_a_bad_setting_is_one_clear_sentence(tmp_path: Path, value: str) -> None:
    root = write_project(tmp_path / "p", {}, _yml(value))
    with pytest.raises(UsageError, match=r"remote_images .* must be link .* or keep"):
        Project.open(root)
    code, out, err = invoke_cli(root, "check")
    assert code == 2, out + err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "link" in err and "keep" in err


# --- briefing check -------------------------------------------------------------------

ENTITIES = {
    "seeds/entities/acme.yml": "name: Acme\ntype: company\n",
    "seeds/entities/wire.yml": "name: Wire\ntype: media\n",
}
SEED = "seeds/2025/2025-09-11-acme-chart.md"
#: The body starts on line 8 of the seed.
FRONT = (
    "---\ntitle: Acme's chart\ndate: 2025-09-11\nsource: wire\nentities: [acme]\n"
    "publish: {publish}\n---\n"
)
BODY = (
    "Acme said so, ![chart](https://images.example.net/x.png) here.\n"  # line 8
    "\n"
    "Local ![ok](chart.png) is fine.\n"  # line 10
    "\n"
    "More text.\n"
    '<img alt="second" src="//cdn.example.org/y.png">\n'  # line 13
    "\n"
    "![broken](https:nohost)\n"  # line 15
)


def _warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": body: warning: " in line]


def test_check_warns_about_remote_images_with_their_lines(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {**ENTITIES, SEED: FRONT.format(publish="full") + BODY})
    code, out, err = invoke_cli(root, "check")
    assert code == 0, out + err
    warnings = _warnings(err)
    assert [w.split(": body:")[0] for w in warnings] == [f"{SEED}:8", f"{SEED}:13", f"{SEED}:15"]
    assert "images.example.net" in warnings[0] and "cdn.example.org" in warnings[1]
    assert "download it into the project" in warnings[0] and "accept the link" in warnings[0]
    assert "names no host" in warnings[2]
    code, out, err = invoke_cli(root, "check", "--strict")
    assert code == 1, out + err


def test_check_warns_only_about_images_that_are_published(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "p",
        {
            **ENTITIES,
            SEED: FRONT.format(publish="excerpt") + BODY,
            "seeds/2025/2025-09-12-summary.md": (
                "---\ntitle: S\ndate: 2025-09-12\nsource: wire\nentities: [acme]\n"
                "summary: Acme did.\npublish: summary\n---\n" + BODY
            ),
        },
    )
    code, _, err = invoke_cli(root, "check", "--strict")
    warnings = _warnings(err)
    assert [w.split(": body:")[0] for w in warnings] == [f"{SEED}:8"], err
    assert code == 1


# --- built sites ------------------------------------------------------------------------

SITE_FILES = {**ENTITIES, SEED: FRONT.format(publish="full") + BODY}
PAGE = "briefings/2025-09-11-acme-chart"


def _remote_imgs(site: Path) -> dict[str, list[str]]:
    """``{page: [src, ...]}`` of images that load from another host, in every HTML file."""
    found = {}
    for page in sorted(site.rglob("*.html")):
        srcs = [
            str(img.get("src"))
            for img in BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").find_all("img")
            if re.match(r"\s*(https?:|[/\\]{2})", str(img.get("src") or ""), re.IGNORECASE)
        ]
        if srcs:
            found[page.relative_to(site).as_posix()] = srcs
    return found


def test_hosted_site_shows_remote_images_as_links_by_default(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", SITE_FILES)
    code, out, err = invoke_cli(root, "build")
    assert code == 0, out + err
    assert _remote_imgs(root / "site") == {}
    page = BeautifulSoup((root / "site" / PAGE / "index.html").read_text("utf-8"), "lxml")
    links = page.select("a.bf-remote-image")
    assert [(a["href"], a.get_text()) for a in links] == [
        ("https://images.example.net/x.png", "Image: chart (images.example.net)"),
        ("https://cdn.example.org/y.png", "Image: second (cdn.example.org)"),
    ]
    assert page.select_one('img[src="chart.png"]') is not None  # local images stay


def test_hosted_site_keeps_remote_images_when_asked(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", SITE_FILES, _yml("keep"))
    code, out, err = invoke_cli(root, "build")
    assert code == 0, out + err
    assert _remote_imgs(root / "site") == {
        f"{PAGE}/index.html": ["https://images.example.net/x.png", "//cdn.example.org/y.png"]
    }


# --- the offline bundle, opened from disk ----------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    with chromium() as b:
        yield b


def test_offline_bundle_makes_no_request_for_remote_images(browser: object, tmp_path: Path) -> None:
    # remote_images: keep is for the hosted site; the bundle shows links all the same.
    root = write_project(tmp_path / "p", SITE_FILES, _yml("keep"))
    code, out, err = invoke_cli(root, "bundle")
    assert code == 0, out + err
    (archive,) = (root / "dist").glob("*-offline.zip")
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path / "unzipped")
    (site,) = (tmp_path / "unzipped").iterdir()
    assert _remote_imgs(site) == {}

    requests: list[str] = []
    context = browser.new_context()  # type: ignore[attr-defined]

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if url.startswith("file:"):
            r.continue_()  # type: ignore[attr-defined]
        else:
            requests.append(url)
            r.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    page = context.new_page()
    page.goto((site / f"{PAGE}.html").as_uri())
    page.wait_for_load_state("networkidle")
    link = page.locator("a.bf-remote-image").first
    assert link.is_visible()
    assert link.inner_text() == "Image: chart (images.example.net)"
    assert re.search(r"Image: second \(cdn\.example\.org\)", page.locator("article").inner_text())
    context.close()  # type: ignore[attr-defined]
    assert requests == [], f"the offline page made {len(requests)} requests: {requests[:5]}"


def test_changing_the_setting_rebuilds_the_pages(tmp_path: Path) -> None:
    """A build that reuses earlier work must not keep images the setting now turns into links."""
    root = write_project(tmp_path / "p", SITE_FILES, _yml("keep"))
    code, out, err = invoke_cli(root, "build")
    assert code == 0, out + err
    assert _remote_imgs(root / "site")
    (root / "mkdocs.yml").write_text(_yml("link"), encoding="utf-8")
    code, out, err = invoke_cli(root, "build")
    assert code == 0, out + err
    assert _remote_imgs(root / "site") == {}
