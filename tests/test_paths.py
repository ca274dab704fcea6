"""generator.paths: docs paths → URLs for both URL styles, relative links, slugs."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.paths import (
    MAX_SLUG_LENGTH,
    doc_url,
    inside,
    is_slug,
    relative_url,
    seed_slug,
    slug_problem,
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
