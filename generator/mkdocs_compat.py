"""Every touch of MkDocs' and Material's private parts, in one place.

The site build (:mod:`mkdocs_engine`) runs MkDocs 1.6's own steps page by page, and
three shortcuts make it fast without changing what a reader gets: generated pages'
headings converted alone (their HTML blocks passed through), unchanged pages
reused from the previous site, and the parts of a page that show only relative
links drawn once per place.  They lean on names MkDocs and Material keep private
and on patching compiled templates, which is safe only on versions known to
behave as tested: MkDocs (or ProperDocs) 1.6 and Material 9.5 to 9.8.  On any
other version :func:`untested` names it and the adapter runs MkDocs' public
``build()`` on a whole docs folder instead (no shortcut at all).  On a tested
version, :func:`shortcuts` switches the shortcuts off, as page reuse always was,
when a plugin this module does not know is configured (it may read or change
what a page shows) and, for the parts drawn once, when the project overrides the
theme (an override may show something of the page in them).
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markdown
from mkdocs.commands import build as mkbuild
from mkdocs.structure.files import Files, _file_sort_key
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page, _ExtractTitleTreeprocessor

#: The versions the shortcuts were tested with, as ``major.minor`` prefixes.
TESTED = {
    "mkdocs": ("1.6",),
    "properdocs": ("1.6",),
    "mkdocs-material": ("9.5", "9.6", "9.7", "9.8"),
}

#: Plugins known to keep no state between pages and to change nothing the shortcuts
#: skip: with any other, pages are converted, reused and drawn as MkDocs does.
KNOWN_PLUGINS = frozenset({"search", "material/search", "offline", "material/offline"})


def versions() -> dict[str, str]:
    """The installed builder (MkDocs, or ProperDocs when it answers ``import mkdocs``) and
    Material, by their package names."""
    loaded = sys.modules.get("mkdocs")
    builder = "properdocs" if getattr(loaded, "__name__", "") == "properdocs" else "mkdocs"
    found = {}
    for name in (builder, "mkdocs-material"):
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "?"
    return found


def untested() -> str | None:
    """The first installed package whose version the shortcuts were not tested with
    (``"mkdocs-material 9.9.0"``), or None."""
    for name, version in versions().items():
        if not any(version == t or version.startswith(t + ".") for t in TESTED.get(name, ())):
            return f"{name} {version}"
    return None


@dataclass(frozen=True)
class Shortcuts:
    """Which shortcuts a build may take."""

    #: generated pages: headings through Markdown, HTML blocks passed through
    fast_pages: bool
    #: unchanged generated pages kept from the previous site; pages built on both cores
    reuse: bool
    #: navigation, header and config block drawn once per place
    draw_once: bool


def shortcuts(config: Any) -> Shortcuts:
    """The shortcuts this configuration allows (all of them for the example's)."""
    known = set(config.plugins.keys()) <= KNOWN_PLUGINS
    overridden = bool(_project_templates(config))
    return Shortcuts(fast_pages=known, reuse=known, draw_once=known and not overridden)


def _project_templates(config: Any) -> list[str]:
    """The theme folders of the project's own (``theme.custom_dir``; the hosted build
    merges it with this package's overrides, :func:`search.hosted_overrides`): any
    template there may show something of the page in a part drawn once."""
    builtin = (material_templates_dir(), os.path.dirname(os.path.abspath(mkbuild.__file__)))
    found = []
    for folder in config.theme.dirs:
        path = os.path.abspath(folder)
        if path == str(_OVERRIDES) or path.startswith(builtin[0]):
            continue
        if path.startswith(os.path.dirname(builtin[1])):  # MkDocs' own templates
            continue
        found.append(path)
    return found


def material_templates_dir() -> str:
    """The folder of Material's own templates."""
    import material  # type: ignore[import-untyped]

    return os.path.join(os.path.dirname(os.path.abspath(material.__file__)), "templates")


# --- private names --------------------------------------------------------------------

#: The order MkDocs lists a folder's files in (index and README first).
file_sort_key = _file_sort_key


def title_extractor(md: markdown.Markdown) -> Any:
    """MkDocs' tree processor that takes a page's title from its first heading, registered
    on ``md``; its ``title`` is set by each conversion."""
    extractor = _ExtractTitleTreeprocessor()
    extractor._register(md)
    return extractor


def set_title_from_render(page: Page, title: str | None) -> None:
    """What ``Page.render`` leaves for the page's title when it converts the Markdown."""
    page._title_from_render = title


@contextlib.contextmanager
def current_page(config: Any, page: Page) -> Iterator[None]:
    """The page MkDocs' config says is being built (plugins and ``url`` filters read it)."""
    config._current_page = page
    try:
        yield
    finally:
        config._current_page = None


def build_theme_template(
    name: str, env: jinja2.Environment, files: Files, config: Any, nav: Navigation
) -> None:
    mkbuild._build_theme_template(name, env, files, config, nav)


def build_extra_template(name: str, files: Files, config: Any, nav: Navigation) -> None:
    mkbuild._build_extra_template(name, files, config, nav)


# --- the parts of a page drawn once per place -----------------------------------------

#: Material's partials that show the navigation (the sidebar and the tabs): on a page
#: outside the navigation nothing in them is active, so they differ between such pages
#: only in their relative links.  A fifth of MkDocs' time per page at 10,000 seeds
#: went to drawing them again and again.
_NAV_PARTIALS = ("partials/nav.html", "partials/tabs.html")
#: This package's theme overrides, and the partials of them drawn once per place.
_OVERRIDES = Path(__file__).resolve().parent / "overrides"
_OUR_PARTIALS = ("partials/briefing/header-top.html", "partials/briefing/header-rest.html")


def _url_parts(url: str) -> list[str]:
    """A URL's folders, as MkDocs' ``get_relative_url`` splits them."""
    folder, _, name = url.rpartition("/")
    if "." in name:
        url = folder
    return [part for part in url.split("/") if part not in ("", ".")]


def _nav_targets(nav: Navigation) -> list[list[str]]:
    """The folders of every URL the navigation partials link to (pages, links, the home
    page, the theme's assets)."""
    urls: list[str] = ["assets/", nav.homepage.url if nav.homepage else ""]
    stack: list[Any] = list(nav.items)
    while stack:
        item = stack.pop()
        if isinstance(item, Section):
            stack.extend(item.children)
        elif getattr(item, "url", None) is not None:
            urls.append(str(item.url))
    return [_url_parts(url) for url in urls]


def draw_once_per_place(env: jinja2.Environment, nav: Navigation, config: Any) -> None:
    """Draw the parts of a page that show nothing of it but relative links once per place
    for pages outside the navigation (marked ``_briefing_outside_nav``), and reuse the
    HTML for the others in that place: Material's navigation partials and the
    ``config`` block of its base template, and the header around the page's title in
    this package's theme overrides.  A relative link depends only on how deep the
    page is and how many leading folders it shares with the target
    (``get_relative_url``), so a place is the page's depth and what it shares with each
    URL those parts link to.  Only Material's and this package's own templates: a
    project's overrides may show anything of the page."""
    material = material_templates_dir() + os.sep
    ours = str(_OVERRIDES) + os.sep
    # The browse page: the header's search form posts to it ('explore/' | url).
    targets = [*_nav_targets(nav), _url_parts("explore/")]
    # What else the header links to (a Theme has no ``get``).
    theme, extra = config["theme"], config["extra"] or {}
    links = [theme["logo"] if "logo" in theme else None, extra.get("homepage")]  # noqa: SIM401
    links += [alt.get("link") for alt in extra.get("alternate") or [] if isinstance(alt, dict)]
    targets += [_url_parts(link) for link in links if isinstance(link, str)]

    places: dict[str, tuple[int, ...]] = {}

    def place(page: Page) -> tuple[int, ...]:
        found = places.get(page.url)
        if found is not None:
            return found
        parts = _url_parts(page.url)
        shared = []
        for target in targets:
            common = 0
            for a, b in zip(parts, target, strict=False):
                if a != b:
                    break
                common += 1
            shared.append(common)
        found = places[page.url] = (len(parts), *shared)
        return found

    def once(draw: Callable[[Any], Iterator[str]]) -> Callable[[Any], Iterator[str]]:
        drawn: dict[tuple[int, ...], str] = {}

        def render(context: Any) -> Iterator[str]:
            page = context.get("page")
            if not getattr(page, "_briefing_outside_nav", False):
                yield from draw(context)
                return
            key = place(page)
            html = drawn.get(key)
            if html is None:
                html = drawn[key] = "".join(draw(context))
            yield html

        return render

    def template(name: str, folder: str) -> jinja2.Template | None:
        try:
            found = env.get_template(name)
        except jinja2.TemplateNotFound:
            return None
        filename = os.path.abspath(found.filename or "")
        return found if filename.startswith(folder) else None

    for name, folder in [
        *((n, material) for n in _NAV_PARTIALS),
        *((n, ours) for n in _OUR_PARTIALS),
    ]:
        if (found := template(name, folder)) is not None:
            found.root_render_func = once(found.root_render_func)
    base = template("base.html", material)
    if base is not None and template("main.html", material) and "config" in base.blocks:
        base.blocks["config"] = once(base.blocks["config"])
