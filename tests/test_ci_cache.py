"""The CI cache round trip: what pages.yml and preview.yml do with actions/cache.

A run saves `.cache/briefing` and `site/` (with the generated docs files mirrored into
the cache by `python -m generator.ci_cache export`); the next run starts from a fresh
checkout, gets them back with new inodes and times (as a restored archive has), puts
the generated docs files back (`import`) and builds warm — byte-identical to a clean
build, without overwriting a file of the project's own.
"""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

from generator import ci_cache
from tests.test_incremental import (
    USER_DOCS,
    assert_exact,
    build_ok,
    clean_copy,
    edit_seed,
    first_seed,
    make_synth_project,
    rendered_and_reused,
)


def _checkout(root: Path, dest: Path) -> Path:
    """What a fresh checkout has: the sources, none of the generated files."""
    return clean_copy(root, dest)


def _restore(archive: Path, dest: Path) -> None:
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")


def test_a_restored_ci_cache_builds_warm_and_exact(tmp_path: Path) -> None:
    first = tmp_path / "run1"
    make_synth_project(first)
    build_ok(first)
    assert ci_cache.main(["export", str(first)]) == 0
    archive = tmp_path / "cache.tar"
    with tarfile.open(archive, "w") as tar:  # what actions/cache saves
        tar.add(first / ".cache" / "briefing", ".cache/briefing")
        tar.add(first / "site", "site")

    second = _checkout(first, tmp_path / "run2")
    rel = first_seed(second, lambda f: not f.get("draft"))
    edit_seed(second, rel, lambda f, _b: f.update(title=str(f["title"]) + " (pull request)"))
    # A page of the project's own where a generated page was: it must win.
    own = second / "docs" / "briefings" / "index.md"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text("# My own briefings page\n", encoding="utf-8")
    _restore(archive, second)
    assert ci_cache.main(["import", str(second)]) == 0
    assert own.read_text(encoding="utf-8") == "# My own briefings page\n"
    own.unlink()  # a conflict would stop the build; the point was that import kept it

    out = build_ok(second)
    rendered, reused = rendered_and_reused(out)
    assert reused > rendered, out
    clean = _checkout(second, tmp_path / "clean")
    build_ok(clean, "--no-cache")
    assert_exact(second, clean)


def test_import_does_nothing_where_docs_has_a_manifest(tmp_path: Path) -> None:
    """A working copy that has built before keeps its own generated files."""
    root = tmp_path / "p"
    make_synth_project(root)
    build_ok(root)
    assert ci_cache.main(["export", str(root)]) == 0
    manifest = root / "docs" / ".briefing-manifest.json"
    before = manifest.read_bytes()
    assert ci_cache.import_docs(root, root / "docs") == 0
    assert manifest.read_bytes() == before
    assert all((root / rel).exists() for rel in USER_DOCS)
    shutil.rmtree(root / ".cache")
    assert ci_cache.import_docs(root, root / "docs") == 0, "nothing to put back without a cache"
