"""Publishing to a Pages branch (generator/publish.py), against a local bare repository
standing in for GitHub's: the site at the root, previews beside it, a preview taken
away when its pull request closes, a publish racing another."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from generator import publish

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def remote(tmp_path: Path) -> str:
    """A bare repository with a main branch (the project) and no Pages branch yet."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(bare))
    work = tmp_path / "project"
    git(tmp_path, "clone", "--quiet", str(bare), str(work))
    (work / "README.md").write_text("the project\n")
    git(work, "add", "README.md")
    git(work, "commit", "--quiet", "-m", "project")
    git(work, "push", "--quiet", "origin", "HEAD:main")
    return str(bare)


def site(tmp_path: Path, name: str, pages: dict[str, str]) -> Path:
    folder = tmp_path / name
    for rel, text in {"index.html": f"<h1>{name}</h1>", **pages}.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return folder


def branch(remote: str, tmp_path: Path, name: str = "gh-pages") -> dict[str, str]:
    """Every file of the branch, read from a fresh clone."""
    out = tmp_path / f"read-{len(list(tmp_path.iterdir()))}"
    git(tmp_path, "clone", "--quiet", "--branch", name, remote, str(out))
    return {
        p.relative_to(out).as_posix(): p.read_text()
        for p in sorted(out.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(out).parts
    }


def test_the_site_then_a_preview_then_the_site_again(remote: str, tmp_path: Path) -> None:
    publish.publish(site(tmp_path, "one", {"a/index.html": "A"}), remote)
    assert branch(remote, tmp_path) == {
        ".nojekyll": "",
        "a/index.html": "A",
        "index.html": "<h1>one</h1>",
    }
    publish.publish(site(tmp_path, "pr", {"b/index.html": "B"}), remote, under="pr-preview/12")
    files = branch(remote, tmp_path)
    assert files["pr-preview/12/index.html"] == "<h1>pr</h1>" and files["a/index.html"] == "A"
    # the site again, without a/: its old pages go, the preview stays
    publish.publish(site(tmp_path, "two", {"c/index.html": "C"}), remote)
    files = branch(remote, tmp_path)
    assert "a/index.html" not in files and files["c/index.html"] == "C"
    assert files["pr-preview/12/b/index.html"] == "B"
    # the project's own branch is untouched
    assert branch(remote, tmp_path, "main") == {"README.md": "the project\n"}


def test_a_preview_is_replaced_then_removed(remote: str, tmp_path: Path) -> None:
    publish.publish(site(tmp_path, "v1", {"old/index.html": "x"}), remote, under="pr-preview/7")
    publish.publish(site(tmp_path, "v2", {}), remote, under="pr-preview/7")
    files = branch(remote, tmp_path)
    assert "pr-preview/7/old/index.html" not in files
    assert files["pr-preview/7/index.html"] == "<h1>v2</h1>"
    assert publish.remove(remote, "pr-preview/7") is True
    assert not any(f.startswith("pr-preview/7/") for f in branch(remote, tmp_path))
    assert publish.remove(remote, "pr-preview/7") is False


def test_a_publish_that_loses_a_race_tries_again(
    remote: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another preview is pushed between this one's clone and its push: both end up on
    the branch."""
    publish.publish(site(tmp_path, "root", {}), remote)
    real = publish._copy
    raced: list[int] = []

    def copy_after_a_rival(source: Path, target: Path) -> None:
        if not raced:
            raced.append(1)
            publish.publish(site(tmp_path, "rival", {}), remote, under="pr-preview/2")
        real(source, target)

    monkeypatch.setattr(publish, "_copy", copy_after_a_rival)
    publish.publish(site(tmp_path, "mine", {}), remote, under="pr-preview/1")
    files = branch(remote, tmp_path)
    assert files["pr-preview/1/index.html"] == "<h1>mine</h1>"
    assert files["pr-preview/2/index.html"] == "<h1>rival</h1>"


@pytest.mark.parametrize("under", ["../up", "/abs", "a/../b", "x y", ""])
def test_only_plain_folders(remote: str, tmp_path: Path, under: str) -> None:
    with pytest.raises(publish.PublishFailed):
        publish.publish(site(tmp_path, "s", {}), remote, under=under or ".")


def test_a_folder_without_a_site_is_refused(remote: str, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(publish.PublishFailed, match=r"no index\.html"):
        publish.publish(tmp_path / "empty", remote)


def test_the_command_line_and_the_comment(remote: str, tmp_path: Path) -> None:
    built = site(tmp_path, "cli", {})
    assert publish.main(["site", str(built), "--repo", remote, "--under", "pr-preview/3"]) == 0
    assert "pr-preview/3/index.html" in branch(remote, tmp_path)
    assert publish.main(["remove", "--repo", remote, "--under", "pr-preview/3"]) == 0
    assert publish.main(["site", str(built), "--repo", str(tmp_path / "nowhere.git")]) == 1
    diff = tmp_path / "diff.md"
    diff.write_text("### Briefings\n\n- added: **A new report**\n")
    body = publish.comment(
        3, "https://example.org/site/pr-preview/3/", diff.read_text(), "https://x/artifact"
    )
    assert body.startswith(publish.MARKER + "\n")
    assert "**Preview of #3:** https://example.org/site/pr-preview/3/" in body
    assert "- added: **A new report**" in body and "https://x/artifact" in body
