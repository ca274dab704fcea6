"""The generated docs/ builds with MkDocs, ProperDocs and Zensical, with no broken link.

Every page of every built site is followed: each ``<a href>``, ``<link href>``,
``<script src>`` and ``<img src>`` (SVG links too) must reach a file, and each
``#fragment`` an element with that id.  Zensical 0.0.73 rewrites relative links in
raw HTML as if they were relative to the source file, so before generated pages were
written into the folders of their URLs (``paths.page_file``) every link on an entity
card, briefing or tag page was one folder too high there.

ProperDocs and Zensical are installed from PyPI into side environments in
``.cache/builders/<name>/`` (created once with pip, reused after; ``make clean``
removes them): Zensical's dependencies need not agree with this project's, and
ProperDocs, once imported, answers for every ``mkdocs`` import of its process.
"""

from __future__ import annotations

import fcntl
import functools
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.conftest import MakeProject, RunCli
from tests.helpers import ROOT, copy_example, set_briefing_option, tree
from tests.helpers import run as invoke_cli

#: CI caches each side environment under a key made from these pins (and the project's
#: dependencies, and Python's version), read from this file by .github/workflows/test.yml.
PROPERDOCS = "properdocs==1.6.7"
#: The newest Zensical that installs here (0.1.x needs zensical-ui, not on PyPI for it).
ZENSICAL = "zensical==0.0.73"
BUILDERS_CACHE = ROOT / ".cache" / "builders"
SITE_URL = "https://example.org/briefing/"


def side_venv(name: str, requirements: list[str]) -> Path:
    """The Python of a virtual environment in ``.cache/builders/<name>/`` holding
    ``requirements``: created once with pip (under a lock, for parallel runs) and reused
    while the requirements stay the same."""
    folder = BUILDERS_CACHE / name
    python = folder / "bin" / "python"
    marker = folder / ".briefing-requirements"
    wanted = "\n".join(requirements) + "\n"

    def ready() -> bool:
        return python.exists() and marker.is_file() and marker.read_text() == wanted

    if ready():
        return python
    BUILDERS_CACHE.mkdir(parents=True, exist_ok=True)
    with open(BUILDERS_CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ready():
            return python
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        done = subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                *requirements,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            pytest.fail(f"pip could not install {requirements}:\n{done.stderr[-3000:]}")
        marker.write_text(wanted)
    return python


def project_requirements() -> list[str]:
    """This project's own dependencies, so a side environment can run the generator."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [str(r) for r in data["project"]["dependencies"]]


@pytest.fixture(scope="session")
def properdocs_python() -> Path:
    return side_venv(PROPERDOCS.replace("==", "-"), [PROPERDOCS, *project_requirements()])


@pytest.fixture(scope="session")
def zensical_python() -> Path:
    return side_venv(ZENSICAL.replace("==", "-"), [ZENSICAL])


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "BRIEFING_PROGRESS": "0", **extra}


def choose(root: Path, builder: str) -> Path:
    """Set ``extra.briefing.builder`` in the project's mkdocs.yml."""
    return set_briefing_option(root, f"builder: {builder}")


# --- following every link of a built site ---


@functools.lru_cache(maxsize=256)
def _page(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def _target(site: Path, page: str, url: str) -> str | None:
    """The site file an internal URL on ``page`` reaches; "" when the URL is not internal."""
    if url.startswith(SITE_URL):
        url = "/briefing/" + url[len(SITE_URL) :]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return ""
    path = unquote(parts.path)
    if path.startswith("/"):
        if not path.startswith("/briefing/"):
            return None
        target = path[len("/briefing/") :]
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        if target == ".":
            target = ""
    if target.startswith("../") or target == "..":
        return None
    if target == "" or path.endswith("/") or (site / target).is_dir():
        target = posixpath.join(target, "index.html")
    return target if (site / target).is_file() else None


def broken_links(site: Path) -> tuple[int, list[str]]:
    """(internal URLs followed, the broken ones as ``page: url``) over every page of ``site``."""
    followed = 0
    broken: list[str] = []
    for path in sorted(site.rglob("*.html")):
        page = path.relative_to(site).as_posix()
        html = _page(path)
        urls = [str(t["href"]) for t in html.find_all(["a", "link"], href=True)]
        urls += [str(t["src"]) for t in html.find_all(["script", "img"], src=True)]
        for url in urls:
            target = page if url.startswith("#") else _target(site, page, url)
            if target == "":
                continue
            followed += 1
            fragment = urlsplit(url).fragment
            if target is None:
                broken.append(f"{page}: {url}")
            elif fragment and not _page(site / target).find(id=unquote(fragment)):
                broken.append(f"{page}: {url} (no id={fragment} in {target})")
    return followed, broken


def assert_no_broken_links(site: Path, pages: int) -> None:
    built = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(built) == pages, f"{len(built)} pages built, expected {pages}"
    followed, broken = broken_links(site)
    assert followed > 50 * pages, f"only {followed} internal URLs; is the link extraction broken?"
    assert not broken, f"{len(broken)} broken link(s) in {site}:\n" + "\n".join(broken[:30])


def generator_meta(site: Path) -> str:
    tag = _page(site / "index.html").find("meta", attrs={"name": "generator"})
    assert tag is not None
    return str(tag["content"])


# --- the generated docs/ ---


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example project after ``briefing build --strict`` on MkDocs (this environment)."""
    root = choose(copy_example(tmp_path_factory.mktemp("generated") / "project"), "mkdocs")
    code, out, err = invoke_cli(root, "build", "--strict")
    assert code == 0, out + err
    yield root
    _page.cache_clear()


@pytest.fixture(scope="module")
def page_count(generated: Path) -> int:
    return sum(1 for _ in (generated / "site").rglob("*.html"))


def _docs_copy(generated: Path, dest: Path) -> Path:
    """The generated project's mkdocs.yml and docs/ alone, as a builder sees them."""
    dest.mkdir(parents=True)
    shutil.copy2(generated / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(generated / "docs", dest / "docs")
    return dest


def test_briefing_build_on_mkdocs(generated: Path, page_count: int) -> None:
    assert generator_meta(generated / "site").startswith("mkdocs-1.6")
    assert_no_broken_links(generated / "site", page_count)


def test_generated_pages_sit_in_the_folders_of_their_urls(generated: Path) -> None:
    docs = generated / "docs"
    assert (docs / "entities" / "nvidia" / "index.md").is_file()
    assert not (docs / "entities" / "nvidia.md").exists()
    assert (docs / "entities" / "index.md").is_file()


def test_the_docs_alone_build_with_mkdocs(generated: Path, page_count: int, tmp_path: Path) -> None:
    """The Markdown in docs/ is right on its own, without the generator's hand-off of HTML."""
    project = _docs_copy(generated, tmp_path / "mkdocs")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"],
        cwd=project,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert_no_broken_links(project / "site", page_count)
    # What `briefing build` hands MkDocs as finished HTML (headings and prose lines alone
    # through Markdown) is what MkDocs makes of the same Markdown, but for blank lines;
    # the navigation it draws once per place is what Material draws on each page.
    for part in _SAME_AS_MKDOCS:
        ours, theirs = _parts(generated / "site", part), _parts(project / "site", part)
        assert ours.keys() == theirs.keys()
        assert {"timeline/index.html", "claims/index.html", "entities/nvidia/index.html"} <= set(
            ours
        )
        differ = [page for page in ours if ours[page] != theirs[page]]
        assert not differ, f"{len(differ)} page(s) differ from MkDocs' own, such as {differ[:5]}"


#: Parts of a page that `briefing build` makes its own way, equal to MkDocs' own: the
#: article, the navigation sidebar, the tabs and the table of contents.
_SAME_AS_MKDOCS = (
    re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S),
    re.compile(r'(<nav class="md-nav md-nav--primary.*?</nav>)\s*</div>', re.S),
    re.compile(r'(<nav class="md-tabs".*?</nav>)', re.S),
    re.compile(r'(<div class="md-sidebar md-sidebar--secondary".*?)<div class="md-content"', re.S),
)


def _parts(site: Path, part: re.Pattern[str]) -> dict[str, str]:
    """That part of each page, with runs of blank lines made one."""
    out = {}
    for page in site.rglob("*.html"):
        found = part.search(page.read_text(encoding="utf-8"))
        if found:
            out[page.relative_to(site).as_posix()] = re.sub(r"\n\s*\n", "\n", found.group(1))
    return out


def test_the_docs_alone_build_with_properdocs(
    generated: Path, page_count: int, properdocs_python: Path, tmp_path: Path
) -> None:
    project = _docs_copy(generated, tmp_path / "properdocs")
    done = subprocess.run(
        [str(properdocs_python), "-m", "properdocs", "build", "--strict", "--quiet"],
        cwd=project,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert generator_meta(project / "site").startswith("mkdocs-ProperDocs 1.6")
    assert_no_broken_links(project / "site", page_count)


def test_the_docs_alone_build_with_zensical(
    generated: Path, page_count: int, zensical_python: Path, tmp_path: Path
) -> None:
    """Failed before page files: 640 broken links on 22 of the example's 37 pages."""
    project = _docs_copy(generated, tmp_path / "zensical")
    done = subprocess.run(
        [str(zensical_python), "-m", "zensical", "build", "--strict"],
        cwd=project,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert generator_meta(project / "site").startswith("zensical-0.0")
    assert_no_broken_links(project / "site", page_count)


def test_briefing_build_on_properdocs(
    page_count: int, properdocs_python: Path, tmp_path: Path
) -> None:
    """With ProperDocs installed and no builder chosen, ``briefing build`` runs on ProperDocs
    (the generator from this checkout, in ProperDocs' environment)."""
    root = copy_example(tmp_path / "project")
    done = subprocess.run(
        [str(properdocs_python), "-m", "generator", "-C", str(root), "build", "--strict"],
        env=_env(PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert generator_meta(root / "site").startswith("mkdocs-ProperDocs 1.6")
    assert_no_broken_links(root / "site", page_count)


def test_briefing_build_on_zensical(
    page_count: int, zensical_python: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``builder: zensical``: the generator stages docs/ and runs ``zensical build`` on it,
    found on the PATH; nothing of Zensical's (its cache) is left in the project."""
    root = choose(copy_example(tmp_path / "project"), "zensical")
    monkeypatch.setenv("PATH", f"{zensical_python.parent}{os.pathsep}{os.environ['PATH']}")
    code, out, err = invoke_cli(root, "build", "--strict")
    assert code == 0, out + err
    assert generator_meta(root / "site").startswith("zensical-0.0")
    assert_no_broken_links(root / "site", page_count)
    assert sorted(p.name for p in root.iterdir()) == [
        ".cache",
        "docs",
        "mkdocs.yml",
        "seeds",
        "site",
    ]
    assert sorted(p.name for p in (root / ".cache").iterdir()) == ["briefing"]


# --- choosing the builder ---

SEEDS = {
    "seeds/entities/reuters.yml": "name: Reuters\ntype: media\n",
    "seeds/2025/2025-05-01-x.md": "---\ntitle: X\ndate: 2025-05-01\nsource: reuters\n---\nText.\n",
}


@pytest.mark.parametrize("builder", ["zensical", "properdocs"])
def test_a_chosen_builder_that_is_missing_is_named_with_its_pip_package(
    make_project: MakeProject,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    builder: str,
) -> None:
    import importlib.util

    if importlib.util.find_spec(builder) is not None:
        pytest.skip(f"{builder} is installed in this environment")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    root = make_project(SEEDS, mkdocs_extra=f"extra:\n  briefing:\n    builder: {builder}\n")
    code, _out, err = run_cli(root, "build")
    assert code == 2
    assert f"pip install {builder}" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (root / "site").exists()


def test_the_bundle_is_built_by_mkdocs_when_zensical_builds_the_site(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The offline bundle needs MkDocs' plugin overrides, so it never needs Zensical."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    root = make_project(SEEDS, mkdocs_extra="extra:\n  briefing:\n    builder: zensical\n")
    code, out, err = run_cli(root, "bundle")
    assert code == 0, out + err
    assert len(list((root / "dist").glob("*-offline.zip"))) == 1


def test_a_users_file_at_a_generated_pages_url_is_a_conflict(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    """``docs/briefings/x.md`` would be built to the URL of the page file
    ``docs/briefings/x/index.md``: the user is told, nothing is built over it."""
    root = make_project({**SEEDS, "docs/briefings/2025-05-01-x.md": "# Mine\n"})
    code, _out, err = run_cli(root, "build")
    assert code == 1
    assert "docs/briefings/2025-05-01-x.md:1: file: exists but was not written by briefing" in err
    assert not (root / "site").exists()


def test_an_unknown_builder_is_wrong_usage(make_project: MakeProject, run_cli: RunCli) -> None:
    root = make_project(SEEDS, mkdocs_extra="extra:\n  briefing:\n    builder: hugo\n")
    code, _out, err = run_cli(root, "build")
    assert code == 2
    assert "extra.briefing.builder" in err and "mkdocs, properdocs, zensical" in err


@pytest.mark.parametrize(
    ("chosen", "installed", "mkdocs_api", "expected"),
    [
        (None, {"mkdocs"}, False, "mkdocs"),
        (None, {"mkdocs", "properdocs"}, False, "properdocs"),
        ("mkdocs", {"mkdocs", "properdocs"}, False, "mkdocs"),
        ("zensical", {"mkdocs", "zensical"}, False, "zensical"),
        # the offline bundle and serve need MkDocs' API: ProperDocs or MkDocs
        ("zensical", {"mkdocs", "zensical"}, True, "mkdocs"),
        ("zensical", {"mkdocs", "properdocs", "zensical"}, True, "properdocs"),
    ],
)
def test_choose_builder(
    monkeypatch: pytest.MonkeyPatch,
    chosen: str | None,
    installed: set[str],
    mkdocs_api: bool,
    expected: str,
) -> None:
    import importlib.util

    from generator import mkdocs_adapter

    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: object() if name in installed else None
    )
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert mkdocs_adapter.choose_builder(chosen, mkdocs_api=mkdocs_api) == expected


@pytest.mark.parametrize(
    ("line", "fast"),
    [
        ("Every briefing, newest first. Filter by tag:", True),
        ('Track records: <a href="sources/">sources</a>.', True),
        ("See [the data](data/index.md).", False),  # MkDocs rewrites Markdown links
        ("See <https://example.org/>.", False),  # an autolink is a link too
        ("Run `briefing build`.", False),
        ("1. a numbered list", False),
        ("- a list", False),
        ("| a | table |", False),
        ("a < b", False),
    ],
)
def test_only_plain_prose_lines_skip_mkdocs_markdown(line: str, fast: bool) -> None:
    """A generated page goes the fast way (headings and prose lines alone through
    Markdown) only when nothing on it needs MkDocs' own handling of Markdown."""
    from generator.mkdocs_engine import split_blocks

    page = f"# Title\n\n{line}\n\n<div>raw</div>\n"
    assert (split_blocks(page) is not None) is fast


#: Heading and prose lines that collide on purpose: equal slugs ("Claims", "Claims!"),
#: slugs that look made unique ("x_1"), an explicit id equal to another's slug, an empty
#: heading, inline markup.
_LINES = st.sampled_from(
    [
        *(f"{'#' * level} {text}" for level in (1, 2, 3) for text in ("Claims", "Claims!", "2021")),
        "## Q1 2021",
        "## A & B",
        "## x_1",
        "## Other {#claims}",
        "### *Key* points",
        "#",
        "Every event, newest first.",
    ]
)


def test_heading_lines_converted_once_equal_the_page_converted_whole() -> None:
    """Page after page, headings taken from lines converted on earlier pages give the
    HTML, table of contents and title that converting each page's headings together
    gives; where ids had to be made unique the page is converted whole.

    Both ways must be taken during the run: a change that sent every page the whole
    way would leave the property nothing to compare, and still pass."""
    from generator.mkdocs_engine import _Headings

    taken: Counter[str] = Counter()

    @settings(max_examples=300, deadline=None)
    @given(
        pages=st.lists(st.lists(_LINES, min_size=1, max_size=6), min_size=1, max_size=6),
        depth=st.sampled_from(["6", "2", "2-3"]),
    )
    def check(pages: list[list[str]], depth: str) -> None:
        config = {
            "markdown_extensions": ["toc", "attr_list", "admonition", "md_in_html", "tables"],
            "mdx_configs": {"toc": {"permalink": True, "toc_depth": depth}},
        }
        kept, whole = _Headings(config), _Headings(config)
        for lines in pages:
            html, tokens, title = whole.convert("\n\n".join(lines))
            got = kept.convert_lines(lines)
            way = "whole" if got is None else "from lines"
            taken[way] += 1
            event(way)
            if got is not None:
                assert got == (html.split("\n"), tokens, title)

    check()
    assert taken["from lines"] and taken["whole"], taken


def test_recurring_heading_lines_are_converted_once() -> None:
    from generator.mkdocs_engine import _Headings

    config = {"markdown_extensions": ["toc"], "mdx_configs": {"toc": {"permalink": True}}}
    converter = _Headings(config)
    assert converter.convert_lines(["# One", "## Claims", "## Events"]) is not None
    converted: list[str] = []
    convert = converter.convert
    converter.convert = lambda text: converted.append(text) or convert(text)  # type: ignore[method-assign]
    got = converter.convert_lines(["# Two", "## Events", "## Claims"])
    assert converted == ["# Two"]
    assert got is not None and got[0][1:] == [
        '<h2 id="events">Events<a class="headerlink" href="#events" title="Permanent link">&para;</a></h2>',
        '<h2 id="claims">Claims<a class="headerlink" href="#claims" title="Permanent link">&para;</a></h2>',
    ]
    assert converter.convert_lines(["# Three", "## Claims", "## Claims"]) is None  # claims_1


def test_parts_drawn_once_per_place_are_what_each_page_would_draw(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drawing the navigation, the header around the title and the config block once per
    place changes no byte of the site: the example built with every page drawing its own
    is the same, file for file.  The browse and claims pages are taken out of the
    navigation, so that the header's link to the browse page counts for the place."""
    from generator import mkdocs_compat

    def build(name: str) -> dict[str, bytes]:
        root = choose(copy_example(tmp_path / name), "mkdocs")
        settings = (root / "mkdocs.yml").read_text(encoding="utf-8")
        for line in ("  - Claims: claims/index.md\n", "  - Explore: explore/index.md\n"):
            assert line in settings
            settings = settings.replace(line, "")
        (root / "mkdocs.yml").write_text(settings, encoding="utf-8")
        code, out, err = invoke_cli(root, "build", "--strict", "--no-cache")
        assert code == 0, out + err
        return tree(root / "site")

    once = build("once")
    drawn: list[int] = []
    monkeypatch.setattr(mkdocs_compat, "draw_once_per_place", lambda *args: drawn.append(len(args)))
    each = build("each")
    assert drawn, "the build no longer draws parts once per place"
    assert once.keys() == each.keys()
    assert [page for page in once if once[page] != each[page]] == []
