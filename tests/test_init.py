"""Your own tracker in five minutes: ``briefing init``, and briefing installed as a tool.

A new project builds strictly with no warning, a fresh git repository stays clean
after its build, init never overwrites, and a wheel of the package (templates, theme
overrides, schemas, the offline shim, the scaffold) works outside this repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator import starter
from tests.conftest import invoke_cli

ROOT = Path(__file__).resolve().parent.parent


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_init_then_build_strictly_and_git_stays_clean(tmp_path: Path) -> None:
    code, out, err = invoke_cli(tmp_path, "init", "tracker", "--title", "Battery: supply & demand")
    assert code == 0, err
    root = tmp_path / "tracker"
    assert "wrote 15 files into " in out and "tracker/: a new briefing project" in out
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "a new tracker")
    code, out, err = invoke_cli(root, "build", "--strict")
    assert code == 0, err
    assert "warning" not in err.lower(), err
    assert (root / "site/index.html").is_file()
    assert "Battery: supply &amp; demand" in (root / "site/index.html").read_text(encoding="utf-8")
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
    code, out, err = invoke_cli(root, "check", "--strict")
    assert code == 0, err


def test_init_writes_a_small_complete_project(tmp_path: Path) -> None:
    code, _out, err = invoke_cli(tmp_path, "init", "--site-url", "https://example.org/chips")
    assert code == 0, err
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    year = str(__import__("datetime").date.today().year)
    assert written == sorted(
        [
            ".github/dependabot.yml",
            ".github/workflows/intake.yml",
            ".github/workflows/pages.yml",
            ".github/workflows/preview-close.yml",
            ".github/workflows/preview-publish.yml",
            ".github/workflows/preview.yml",
            ".gitignore",
            "README.md",
            "docs/about.md",
            "docs/stylesheets/briefing.css",
            "mkdocs.yml",
            "requirements.txt",
            "seeds/entities/sample-chips.yml",
            "seeds/entities/sample-wire.yml",
            f"seeds/{year}/sample-chips-opens-a-plant.md",
        ]
    )
    config = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")
    assert "site_url: https://example.org/chips/\n" in config
    assert (
        f'site_name: "{tmp_path.name.replace("-", " ").replace("_", " ").split()[0][:1].upper()}'
        in config
    )
    for sample in (
        "seeds/entities/sample-chips.yml",
        f"seeds/{year}/sample-chips-opens-a-plant.md",
    ):
        assert "SAMPLE" in (tmp_path / sample).read_text(encoding="utf-8")
    ignored = (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    from generator import pages

    assert set(pages.ignore_lines()) <= set(ignored)
    assert f"briefing=={starter.version()}" in (tmp_path / "requirements.txt").read_text()


def test_init_refuses_a_project_and_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: mine\n")
    code, _out, err = invoke_cli(tmp_path, "init")
    assert code == 2
    assert "already holds a project (mkdocs.yml)" in err
    other = tmp_path / "other"
    (other / "docs").mkdir(parents=True)
    (other / "README.md").write_text("my notes\n")
    (other / "docs/about.md").write_text("mine\n")
    code, _out, err = invoke_cli(tmp_path, "init", "other")
    assert code == 2
    assert "already has README.md, docs/about.md" in err
    assert sorted(p.name for p in other.rglob("*")) == ["README.md", "about.md", "docs"]
    assert (other / "README.md").read_text() == "my notes\n"


def test_version() -> None:
    code = subprocess.run(
        [sys.executable, "-m", "generator", "--version"], capture_output=True, text=True, cwd=ROOT
    )
    assert code.returncode == 0
    assert code.stdout.strip() == f"briefing {starter.version()}"


def test_the_scaffold_keeps_the_examples_stylesheet() -> None:
    """The drawings' stylesheet a new project gets is the example's (one changes, both do)."""
    ours = (ROOT / "docs/stylesheets/briefing.css").read_bytes()
    assert (ROOT / "generator/scaffold/docs/stylesheets/briefing.css").read_bytes() == ours


@pytest.mark.slow
def test_a_wheel_works_outside_this_repository(tmp_path: Path) -> None:
    """``pip install`` of a built wheel gives a briefing that starts, builds and bundles a
    new project in any folder: every file it needs comes with the package."""
    wheels = tmp_path / "wheels"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = wheels.glob("briefing-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "generator/pages/__init__.py",
        "generator/templates/briefing.md.j2",
        "generator/overrides/partials/header.html",
        "generator/overrides/assets/briefing/search.js",
        "generator/schemas/entity.schema.json",
        "generator/assets/iframe-worker-shim.js",
        "generator/scaffold/mkdocs.yml",
        "generator/scaffold/.github/workflows/pages.yml",
    ):
        assert needed in names, needed
    target = tmp_path / "installed"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "NO_MKDOCS_2_WARNING": "1"}

    def briefing(*args: str) -> str:
        run = subprocess.run(
            [sys.executable, "-m", "generator", *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        return run.stdout

    where = subprocess.run(
        [sys.executable, "-c", "import generator; print(generator.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(target)), where
    briefing("init", "tracker")
    briefing("-C", "tracker", "build", "--strict")
    briefing("-C", "tracker", "bundle", "--strict")
    assert (work / "tracker/site/pagefind/pagefind.js").is_file()
    assert list((work / "tracker/dist").glob("*-offline.zip"))
