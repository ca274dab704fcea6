"""Reused pages follow every setting a page's HTML depends on, not only mkdocs.yml's text.

Each case builds, changes a setting the way a user would, builds again (reusing pages)
and compares the result with a clean ``--no-cache`` build of the same sources, byte for
byte. Found by the exactness tests' author; each failed before the site build keyed
reuse on the resolved settings, the files extensions name and page-local plugins only.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.test_incremental import (
    MKDOCS_YML,
    build_ok,
    compare_trees,
    make_synth_project,
    rendered_and_reused,
)


def _configure(root: Path, text: str, files: dict[str, str]) -> None:
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")


def _clean(root: Path, dest: Path, extra: list[str]) -> Path:
    dest.mkdir(parents=True)
    for rel in ["mkdocs.yml", "seeds", "docs/about.md", "docs/stylesheets", *extra]:
        source = root / rel
        if source.is_dir():
            shutil.copytree(source, dest / rel)
        elif source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest / rel)
    (dest / "docs").mkdir(exist_ok=True)
    build_ok(dest, "--no-cache")
    return dest


CASES: dict[str, tuple[str, dict[str, str], Callable[[Path, pytest.MonkeyPatch], list[str]]]] = {}


def _env(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("BRIEFING_TEST_SITE_NAME", "Renamed by the environment")
    return []


def _inherit(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    (root / "base.yml").write_text("copyright: Copyright two\n", encoding="utf-8")
    return ["base.yml"]


def _meta(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    (root / "docs/.meta.yml").write_text("hide: [navigation, toc]\n", encoding="utf-8")
    return ["docs/.meta.yml"]


def _a_title_word() -> str:
    """A word of an entity's name: its card's heading goes through Markdown (abbr)."""
    import yaml

    from tests.test_incremental import is_entity, source_files

    rel = next(r for r in sorted(source_files()) if is_entity(r))
    name = str(yaml.safe_load(source_files()[rel])["name"])
    return max(name.split(), key=len).strip(",.:;'\"")


def _glossary(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    (root / "glossary.md").write_text(
        f"*[{_a_title_word()}]: the second definition\n", encoding="utf-8"
    )
    return ["glossary.md"]


CASES = {
    "!ENV in mkdocs.yml": (
        MKDOCS_YML.replace(
            "site_name: Exactness", 'site_name: !ENV [BRIEFING_TEST_SITE_NAME, "Exactness"]'
        ),
        {},
        _env,
    ),
    "INHERIT": (
        "INHERIT: base.yml\n" + MKDOCS_YML,
        {"base.yml": "copyright: Copyright one\n"},
        _inherit,
    ),
    "Material's meta plugin": (
        MKDOCS_YML.replace("plugins:\n  - search\n", "plugins:\n  - search\n  - meta\n"),
        {"docs/.meta.yml": "hide: [footer]\n"},
        _meta,
    ),
    "a file an extension appends": (
        MKDOCS_YML.replace(
            "markdown_extensions:\n",
            "markdown_extensions:\n  - abbr\n  - pymdownx.snippets:\n"
            "      base_path: [<ROOT>]\n      check_paths: true\n      auto_append: [glossary.md]\n",
        ),
        {"glossary.md": f"*[{_a_title_word()}]: the first definition\n"},
        _glossary,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_reused_pages_follow_the_settings_they_depend_on(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BRIEFING_TEST_SITE_NAME", raising=False)
    text, files, change = CASES[case]
    root = tmp_path / "work"
    make_synth_project(root)
    # snippets reads relative to the working folder unless told where; the clean copy
    # is told the same folder, so both builds read the one glossary file
    _configure(root, text.replace("<ROOT>", str(root)), files)
    build_ok(root)
    extra = [*files, *change(root, monkeypatch)]
    out = build_ok(root)
    rendered, _reused = rendered_and_reused(out)
    assert rendered > 0, out
    clean = _clean(root, tmp_path / "clean", extra)
    problems = compare_trees("site", root / "site", clean / "site")
    problems += compare_trees("docs", root / "docs", clean / "docs")
    assert not problems, f"{case}: incremental build differs:\n" + "\n".join(problems[:30])
