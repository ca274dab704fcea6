"""Putting an incremental build's new files into site/: exact, and undone on failure.

:func:`generator.write.update_site` moves the changed files in one by one, and swaps
a large folder none of whose files are kept (a search shard indexed again) in one
rename; either way ``site/`` ends up holding the new files plus the kept ones and
nothing else, and the returned undo puts the previous site back byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import write
from tests.helpers import tree

SHARD_FILES = write.WHOLE_FOLDER_FILES + 20


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def _shard(name: str, version: str, count: int = SHARD_FILES) -> dict[str, str]:
    return {f"pagefind/{name}/index/{i}.pf_index": f"{name} {version} {i}" for i in range(count)}


@pytest.fixture
def sites(tmp_path: Path) -> tuple[Path, Path, Path, dict[str, bytes], list[str]]:
    """A previous site (two shards, pages) and a new build that re-indexed shard d1
    (one file fewer than before), changed one page and added another."""
    target, new, scratch = tmp_path / "site", tmp_path / "new", tmp_path / "scratch"
    previous = {
        **_shard("d0", "old"),
        **_shard("d1", "old"),
        "pagefind/pagefind.js": "script",
        "a/index.html": "page a",
        "b/index.html": "page b, old",
        "stale/index.html": "a page that is gone",
    }
    _write(target, previous)
    incoming = {
        **_shard("d1", "new", SHARD_FILES - 1),
        "b/index.html": "page b, new",
        "c/index.html": "page c",
    }
    _write(new, incoming)
    kept = [*_shard("d0", "old"), "pagefind/pagefind.js", "a/index.html"]
    scratch.mkdir()
    return target, new, scratch, tree(target), kept


def test_a_large_folder_with_nothing_kept_is_swapped_whole(
    sites: tuple[Path, Path, Path, dict[str, bytes], list[str]],
) -> None:
    target, new, scratch, before, kept = sites
    expected = {rel: data for rel, data in before.items() if rel in kept}
    expected.update(tree(new))
    inode = (new / "pagefind/d1").stat().st_ino
    write.update_site(new, target, kept, scratch)
    assert tree(target) == expected
    assert (target / "pagefind/d1").stat().st_ino == inode, "the shard folder was not swapped in"
    assert not (target / f"pagefind/d1/index/{SHARD_FILES - 1}.pf_index").exists()


def test_the_undo_puts_the_previous_site_back(
    sites: tuple[Path, Path, Path, dict[str, bytes], list[str]],
) -> None:
    target, new, scratch, before, kept = sites
    undo = write.update_site(new, target, kept, scratch)
    undo()
    assert tree(target) == before


def test_a_failure_midway_leaves_the_previous_site(
    sites: tuple[Path, Path, Path, dict[str, bytes], list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The folder was swapped and a later file cannot be moved in: all is undone."""
    target, new, scratch, before, kept = sites
    real = write.os.replace

    def failing(src: object, dst: object) -> None:
        if str(dst).endswith("c/index.html"):
            raise OSError("disk full")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(write.os, "replace", failing)
    with pytest.raises(OSError):
        write.update_site(new, target, kept, scratch)
    monkeypatch.setattr(write.os, "replace", real)
    assert tree(target) == before


# --- docs/, brought up to date while the search index is made ----------------------


@pytest.fixture
def docs(tmp_path: Path) -> tuple[Path, dict[str, bytes], set[str]]:
    """A docs/ folder after a build: generated pages (listed in the manifest) and the
    user's own page."""
    folder = tmp_path / "docs"
    pages = {"briefings/a.md": "A\n", "briefings/b.md": "B\n", "entities/x.md": "X\n"}
    write.sync(folder, pages, set())
    _write(folder, {"about.md": "mine\n"})
    return folder, tree(folder), set(pages)


def _staged(tmp_path: Path, pages: dict[str, str], linked: bool) -> Path | None:
    """With ``linked``, the pages also in a staging folder that new files are linked to."""
    if not linked:
        return None
    _write(tmp_path / "staged", pages)
    return tmp_path / "staged"


@pytest.mark.parametrize("linked", [False, True])
def test_an_undoable_sync_is_a_sync_and_undoes_itself(
    docs: tuple[Path, dict[str, bytes], set[str]], tmp_path: Path, linked: bool
) -> None:
    """The pages are changed, added and deleted as :func:`write.sync` does; the undo
    puts every file back byte for byte (the manifest too) and removes the new ones.
    New files are links to the staged copies when there are some."""
    folder, before, managed = docs
    pages = {"briefings/a.md": "A, edited\n", "briefings/c.md": "C\n", "tags/t/index.md": "T\n"}
    expected = tmp_path / "expected"
    _write(expected, {"about.md": "mine\n"})
    write.sync(expected, {"briefings/a.md": "A\n", "briefings/b.md": "B\n"}, set())
    write.sync(expected, pages, {"briefings/a.md", "briefings/b.md"})
    staged = _staged(tmp_path, pages, linked)
    if staged is not None:  # a new file the staging lacks is written instead
        (staged / "tags/t/index.md").unlink()
    undo = write.Undo(tmp_path / "backup")
    stats = write.sync_undoable(folder, pages, managed, set(), undo, staged=staged)
    assert (stats.written, stats.deleted) == (3, 2)
    assert tree(folder) == tree(expected)
    if staged is not None:
        assert (folder / "briefings/c.md").samefile(staged / "briefings/c.md")
        assert not (folder / "briefings/a.md").samefile(staged / "briefings/a.md")
    undo()
    assert tree(folder) == before
    assert not (folder / "tags").exists(), "a folder made by the sync is left behind"


@pytest.mark.parametrize("linked", [False, True])
def test_an_undoable_sync_that_fails_halfway_puts_docs_back(
    docs: tuple[Path, dict[str, bytes], set[str]], tmp_path: Path, linked: bool
) -> None:
    folder, before, managed = docs
    (folder / "entities" / "y.md").mkdir(parents=True)  # a folder where a page must go
    before = tree(folder)
    pages = {
        "briefings/a.md": "A, edited\n",
        "briefings/new.md": "N\n",
        "entities/y.md": "Y\n",
        "entities/x.md": "X2\n",
    }
    staged = _staged(tmp_path, pages, linked)
    with pytest.raises(OSError):
        write.sync_undoable(
            folder, pages, managed, set(), write.Undo(tmp_path / "backup"), staged=staged
        )
    assert tree(folder) == before
