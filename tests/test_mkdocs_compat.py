"""MkDocs' and Material's internals, fenced (generator/mkdocs_compat.py).

The site build's shortcuts (generated pages' headings converted alone, unchanged
pages reused, the parts of a page that show only relative links drawn once per
place) stand on private names and patched templates.  They run only on the
versions they were tested with, and switch themselves off for what they cannot
know: a plugin outside their list, a theme override of the project's own.  These
tests build the example under such settings and compare, byte for byte, with the
same build drawing every part of every page itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import invoke_cli
from tests.helpers import copy_example, tree

pytestmark = pytest.mark.slow

#: A theme override of the project's own that shows the page in the header's first part
#: (which a build would otherwise draw once per place): its URL, in a data attribute.
HEADER_TOP = '<div class="bf-here" data-page="{{ page.url }}"></div>\n'


def _example(root: Path, *, plugins: bool = False, header: bool = False) -> Path:
    copy_example(root)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if plugins:  # Material's tags and meta plugins, common in real projects
        assert "\nplugins:\n  - search\n" in text
        text = text.replace(
            "\nplugins:\n  - search\n", "\nplugins:\n  - search\n  - tags\n  - meta\n"
        )
    if header:
        assert "\ntheme:\n  name: material\n" in text
        text = text.replace(
            "\ntheme:\n  name: material\n", "\ntheme:\n  name: material\n  custom_dir: theme\n"
        )
        from generator.search import OVERRIDES

        original = (OVERRIDES / "partials/briefing/header-top.html").read_text(encoding="utf-8")
        override = root / "theme/partials/briefing/header-top.html"
        override.parent.mkdir(parents=True)
        override.write_text(HEADER_TOP + original, encoding="utf-8")
    config.write_text(text, encoding="utf-8")
    return root


def _build(root: Path, *args: str) -> dict[str, bytes]:
    code, out, err = invoke_cli(root, "build", "--strict", "--no-cache", *args)
    assert code == 0, out + err
    return tree(root / "site")


def _no_once(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every part of every page drawn by the page itself."""
    from generator import mkdocs_compat

    called: list[int] = []
    monkeypatch.setattr(mkdocs_compat, "draw_once_per_place", lambda *a: called.append(1))
    return called


@pytest.mark.parametrize(
    ("plugins", "header"),
    [(True, False), (False, True), (True, True)],
    ids=["plugins", "header", "both"],
)
def test_with_plugins_or_a_per_page_header_the_site_is_what_each_page_draws(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plugins: bool, header: bool
) -> None:
    """With common plugins or a theme override that shows the page in the header, the
    site is the same, file for file, as one where every page draws all its parts, and
    each page's header names that page."""
    built = _build(_example(tmp_path / "as-built", plugins=plugins, header=header))
    called = _no_once(monkeypatch)
    each = _build(_example(tmp_path / "each", plugins=plugins, header=header))
    assert not called, "a shortcut ran although it should have switched itself off"
    assert built.keys() == each.keys()
    assert [f for f in built if built[f] != each[f]] == []
    if header:
        for rel in (
            "briefings/index.html",
            "entities/nvidia/index.html",
            "tags/ai-chips/index.html",
        ):
            page = built[rel].decode("utf-8")
            url = rel.removesuffix("index.html")
            assert f'data-page="{url}"' in page, rel


def test_the_fence_is_what_keeps_a_per_page_header_right(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the fence (the parts drawn once whatever the theme), the override's header
    would show one page's URL on every page of its place: the test above could fail."""
    from generator import mkdocs_compat

    real = mkdocs_compat.shortcuts

    def unfenced(config: object) -> mkdocs_compat.Shortcuts:
        allowed = real(config)
        return mkdocs_compat.Shortcuts(allowed.fast_pages, allowed.reuse, draw_once=True)

    monkeypatch.setattr(mkdocs_compat, "shortcuts", unfenced)
    built = _build(_example(tmp_path / "unfenced", header=True))
    wrong = []
    for rel, data in built.items():
        found = re.search(r'data-page="([^"]*)"', data.decode("utf-8", "replace"))
        if rel.endswith(".html") and found and found.group(1) != rel.removesuffix("index.html"):
            wrong.append(rel)
    assert wrong, "drawing the header once per place no longer shows another page's URL"


def test_on_an_untested_version_the_site_is_built_by_mkdocs_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An untested MkDocs or Material: MkDocs' own public build of a whole docs folder,
    with nothing reused, the same pages, and a note that says so."""
    from generator import mkdocs_compat

    fast = _build(_example(tmp_path / "fast"))
    monkeypatch.setattr(mkdocs_compat, "TESTED", {})
    root = _example(tmp_path / "plain")
    code, out, err = invoke_cli(root, "build", "--strict")
    assert code == 0, out + err
    assert "is not a version the fast site build was tested with" in err
    code, out, err = invoke_cli(root, "build", "--strict")  # again, with a cache: nothing reused
    assert code == 0, out + err
    assert re.search(r"\d+ pages rendered, 0 reused", out + err), out + err
    plain = tree(root / "site")
    assert plain.keys() == fast.keys()
    # The fast path hands MkDocs generated pages finished; MkDocs' own conversion differs
    # from it only in blank lines between blocks.
    differ = [
        rel
        for rel in fast
        if rel.endswith(".html")
        and re.sub(rb"\n\s*\n", b"\n", fast[rel]) != re.sub(rb"\n\s*\n", b"\n", plain[rel])
    ]
    assert differ == []


def test_the_installed_versions_are_the_tested_ones() -> None:
    """The fast path is what CI measures; a newer Material or MkDocs than the fence names
    is built correctly but slowly until it is tested and added to ``TESTED``."""
    from generator import mkdocs_compat

    untested = mkdocs_compat.untested()
    if untested is not None:
        pytest.skip(f"{untested} is not in mkdocs_compat.TESTED: the site builds, slowly")
    assert mkdocs_compat.untested() is None
