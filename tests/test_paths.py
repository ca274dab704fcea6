"""generator.paths: docs paths → URLs for both URL styles, relative links, slugs."""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest

from generator.paths import (
    MAX_SLUG_LENGTH,
    doc_url,
    inside,
    is_slug,
    page_file,
    relative_url,
    seed_slug,
    slug_problem,
    url_twin,
)

DOC_URLS = [
    # docs path, online (directory URLs), offline bundle (.html)
    ("index.md", "", "index.html"),
    ("about.md", "about/", "about.html"),
    ("briefings/index.md", "briefings/", "briefings/index.html"),
    (
        "briefings/2025-09-11-own-chips.md",
        "briefings/2025-09-11-own-chips/",
        "briefings/2025-09-11-own-chips.html",
    ),
    ("entities/baidu.md", "entities/baidu/", "entities/baidu.html"),
    ("timeline/2025.md", "timeline/2025/", "timeline/2025.html"),
    ("data/events.json", "data/events.json", "data/events.json"),
    ("feed.xml", "feed.xml", "feed.xml"),
]


@pytest.mark.parametrize(("docs_path", "online", "offline"), DOC_URLS, ids=[c[0] for c in DOC_URLS])
def test_doc_url(docs_path: str, online: str, offline: str) -> None:
    assert doc_url(docs_path, directory_urls=True) == online
    assert doc_url(docs_path, directory_urls=False) == offline


RELATIVE_URLS = [
    # from, to, online (directory URLs), offline bundle (.html)
    ("briefings/x.md", "entities/y.md", "../../entities/y/", "../entities/y.html"),
    ("briefings/x.md", "index.md", "../../", "../index.html"),
    ("briefings/x.md", "briefings/index.md", "../", "index.html"),
    ("briefings/x.md", "briefings/z.md", "../z/", "z.html"),
    ("briefings/x.md", "briefings/x.md", "./", "x.html"),
    ("briefings/x.md", "data/events.json", "../../data/events.json", "../data/events.json"),
    ("index.md", "entities/y.md", "entities/y/", "entities/y.html"),
    ("index.md", "briefings/index.md", "briefings/", "briefings/index.html"),
    ("index.md", "index.md", "./", "index.html"),
    ("index.md", "feed.xml", "feed.xml", "feed.xml"),
    ("briefings/index.md", "briefings/x.md", "x/", "x.html"),
    ("briefings/index.md", "index.md", "../", "../index.html"),
    ("entities/y.md", "briefings/index.md", "../../briefings/", "../briefings/index.html"),
    ("timeline/index.md", "timeline/2025.md", "2025/", "2025.html"),
    ("about.md", "entities/y.md", "../entities/y/", "entities/y.html"),
]


@pytest.mark.parametrize(
    ("from_doc", "to_doc", "online", "offline"),
    RELATIVE_URLS,
    ids=[f"{c[0]}->{c[1]}" for c in RELATIVE_URLS],
)
def test_relative_url(from_doc: str, to_doc: str, online: str, offline: str) -> None:
    assert relative_url(from_doc, to_doc, directory_urls=True) == online
    assert relative_url(from_doc, to_doc, directory_urls=False) == offline


PAGE_FILES = [
    # docs path, its page file online (directory URLs), offline bundle (.html)
    ("index.md", "index.md", "index.md"),
    ("briefings/index.md", "briefings/index.md", "briefings/index.md"),
    ("briefings/x.md", "briefings/x/index.md", "briefings/x.md"),
    ("briefings/page/2.md", "briefings/page/2/index.md", "briefings/page/2.md"),
    ("entities/y.md", "entities/y/index.md", "entities/y.md"),
    ("timeline/2025.md", "timeline/2025/index.md", "timeline/2025.md"),
    ("timeline/2025/08.md", "timeline/2025/08/index.md", "timeline/2025/08.md"),
    ("data/events.json", "data/events.json", "data/events.json"),
    ("feed.xml", "feed.xml", "feed.xml"),
]


@pytest.mark.parametrize(
    ("docs_path", "online", "offline"), PAGE_FILES, ids=[c[0] for c in PAGE_FILES]
)
def test_page_file_sits_in_the_folder_of_its_url(docs_path: str, online: str, offline: str) -> None:
    assert page_file(docs_path, directory_urls=True) == online
    assert page_file(docs_path, directory_urls=False) == offline
    for directory_urls, written in ((True, online), (False, offline)):
        url = doc_url(docs_path, directory_urls)
        assert doc_url(written, directory_urls) == url, "a page file keeps its page's URL"
        if written.endswith(".md"):
            assert _folder(written) == _folder(url)


def _folder(path: str) -> str:
    """The folder part of a path or URL, with its slash (``a/b/`` → ``a/b/``, ``a/b.html`` → ``a/``)."""
    if path == "" or path.endswith("/"):
        return path
    folder = posixpath.dirname(path)
    return folder + "/" if folder else ""


def _mkdocs_reading(from_doc: str, link: str, directory_urls: bool) -> str:
    """Where a browser goes from the built page: MkDocs and ProperDocs leave raw-HTML links as written."""
    return posixpath.normpath(_folder(doc_url(from_doc, directory_urls)) + link)


def _zensical_reading(written: str, link: str) -> str:
    """Where Zensical 0.0.73 sends it: it reads the link as relative to the source file and
    rewrites it for the built page (measured: ``../nvidia/`` on a flat entity card became
    ``../../nvidia/``)."""
    return posixpath.normpath(_folder(written) + link)


@pytest.mark.parametrize(
    ("from_doc", "to_doc", "online", "offline"),
    RELATIVE_URLS,
    ids=[f"{c[0]}->{c[1]}" for c in RELATIVE_URLS],
)
def test_links_read_alike_by_every_builder(
    from_doc: str, to_doc: str, online: str, offline: str
) -> None:
    """Written from its page file, a generated page's link reaches the same page whether the
    builder keeps it as written (MkDocs, ProperDocs) or rewrites it from the source file
    (Zensical) — and in the offline bundle, too."""
    for directory_urls, link in ((True, online), (False, offline)):
        target = posixpath.normpath(doc_url(to_doc, directory_urls) or ".")
        written = page_file(from_doc, directory_urls)
        assert _mkdocs_reading(from_doc, link, directory_urls) == target
        assert _zensical_reading(written, link) == target


def test_a_flat_page_file_is_read_differently_by_zensical() -> None:
    """Why page files exist: from ``entities/y.md`` Zensical sends ``../z/`` one folder too high."""
    link = relative_url("entities/y.md", "entities/z.md")
    assert link == "../z/"
    assert _mkdocs_reading("entities/y.md", link, True) == "entities/z"
    assert _zensical_reading("entities/y.md", link) == "z"  # broken
    assert _zensical_reading(page_file("entities/y.md"), link) == "entities/z"


@pytest.mark.parametrize(
    ("written", "twin"),
    [
        ("briefings/x/index.md", "briefings/x.md"),
        ("briefings/x.md", "briefings/x/index.md"),
        ("briefings/index.md", "briefings.md"),
        ("index.md", None),
        ("data/events.json", None),
    ],
)
def test_url_twin_is_the_other_file_with_the_same_url(written: str, twin: str | None) -> None:
    assert url_twin(written) == twin
    if twin is not None:
        assert doc_url(twin) == doc_url(written)


VALID_SLUGS = ["alibaba", "h20", "a", "2025", "2025-09-11-own-chips", "x" * MAX_SLUG_LENGTH]

SLUG_PROBLEMS = [
    # value, kind, words the reason must contain
    ("", "id", ["empty id", "e.g."]),
    ("index", "id", ["'index'", "reserved"]),
    ("index", "slug", ["'index'", "reserved"]),
    ("x" * (MAX_SLUG_LENGTH + 1), "id", [f"longer than {MAX_SLUG_LENGTH}"]),
    ("Baidu", "id", ["'Baidu'", "not a valid id", "try 'baidu'"]),
    ("Own-Chips", "slug", ["not a valid slug", "try 'own-chips'"]),
    ("AI Chips", "tag", ["not a valid tag", "e.g. ai-chips", "try 'ai-chips'"]),
    ("ai_chips", "tag", ["try 'ai-chips'"]),
    ("-leading", "id", ["not a valid id", "try 'leading'"]),
    ("café", "id", ["try 'cafe'"]),
    ("../etc/passwd", "id", ["not a valid id"]),
    ("a/b", "id", ["not a valid id", "try 'a-b'"]),
    ("a.md", "id", ["not a valid id"]),
    ("trailing\n", "id", ["not a valid id"]),
    ("百度", "id", ["not a valid id"]),
]


@pytest.mark.parametrize("value", VALID_SLUGS)
def test_valid_slugs(value: str) -> None:
    assert slug_problem(value) is None
    assert is_slug(value)


@pytest.mark.parametrize(
    ("value", "what", "words"), SLUG_PROBLEMS, ids=[f"{c[1]}:{c[0][:20]!r}" for c in SLUG_PROBLEMS]
)
def test_slug_problems(value: str, what: str, words: list[str]) -> None:
    problem = slug_problem(value, what)
    assert problem is not None
    for word in words:
        assert word in problem
    assert not is_slug(value)


@pytest.mark.parametrize("value", [None, 42, ["alibaba"]])
def test_non_text_is_not_a_slug(value: object) -> None:
    assert not is_slug(value)


@pytest.mark.parametrize(
    ("path", "slug"),
    [
        ("seeds/2025/2025-09-11-alibaba-baidu-own-chips.md", "2025-09-11-alibaba-baidu-own-chips"),
        ("seeds/x.md", "x"),
        ("seeds/a/b/c/deep.md", "deep"),
    ],
)
def test_seed_slug_is_the_path_stem(path: str, slug: str) -> None:
    assert seed_slug(Path(path)) == slug


def test_inside(tmp_path: Path) -> None:
    (tmp_path / "docs" / "briefings").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "docs" / "escape").symlink_to(tmp_path / "elsewhere")
    docs = tmp_path / "docs"
    assert inside(docs, docs / "briefings" / "x.md")
    assert not inside(docs, docs / ".." / "elsewhere" / "x.md")
    assert not inside(docs, docs / "escape" / "x.md")
