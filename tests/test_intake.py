"""Intake on a schedule: ``briefing import --feeds`` against a local HTTP server serving a
good feed, a broken one and a missing one (what the intake workflow runs daily)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import MakeProject, RunCli
from tests.helpers import serve_folder

INTAKE = Path(__file__).resolve().parent / "data" / "intake"


@pytest.fixture
def feeds(tmp_path: Path) -> Iterator[str]:
    folder = tmp_path / "served"
    folder.mkdir()
    shutil.copy(INTAKE / "08-feed-circuit-weekly.xml", folder / "good.xml")
    (folder / "broken.xml").write_text("<?xml version='1.0'?><rss><channel><item><title>oops")
    with serve_folder(folder) as url:
        yield url


def project_with(make_project: MakeProject, entries: list[dict[str, str]]) -> Path:
    settings = yaml.safe_dump({"extra": {"briefing": {"feeds": entries}}})
    root = make_project(mkdocs_extra=settings)
    shutil.rmtree(root / "seeds" / "entities")
    shutil.copytree(INTAKE / "entities", root / "seeds" / "entities")
    return root


def test_every_feed_is_read_and_a_failing_one_is_one_line(
    make_project: MakeProject, run_cli: RunCli, feeds: str
) -> None:
    root = project_with(
        make_project,
        [
            {"url": f"{feeds}good.xml", "source": "circuit-weekly"},
            {"url": f"{feeds}broken.xml", "source": "circuit-weekly"},
            {"url": f"{feeds}missing.xml", "source": "circuit-weekly"},
            {"url": f"{feeds}good.xml", "source": "no-such-outlet"},
        ],
    )
    code, out, err = run_cli(root, "import", "--feeds")
    assert code == 1, "a feed failed: the exit code says so"
    wrote = [line for line in out.splitlines() if line.startswith("wrote ")]
    assert len(wrote) == 2, out
    drafts = sorted((root / "seeds").rglob("*.md"))
    assert len(drafts) == 2
    for draft in drafts:
        assert "\ndraft: true\n" in draft.read_text(encoding="utf-8")
        assert "source: circuit-weekly" in draft.read_text(encoding="utf-8")
    lines = err.strip().splitlines()
    assert any(f"{feeds}broken.xml" in line for line in lines), err
    assert any(f"{feeds}missing.xml" in line and "404" in line for line in lines), err
    assert any("no-such-outlet" in line for line in lines), err
    assert "Traceback" not in err
    assert lines[-1] == "briefing: 3 inputs not imported; the rest were"
    code, _, err = run_cli(root, "check")
    assert code == 0, err
    # the next day: the same items are known by their URL, nothing new is written
    code, out, _ = run_cli(root, "import", "--feeds")
    assert not [line for line in out.splitlines() if line.startswith("wrote ")]
    assert out.count("is already imported") >= 2


def test_only_good_feeds_exit_zero(make_project: MakeProject, run_cli: RunCli, feeds: str) -> None:
    root = project_with(make_project, [{"url": f"{feeds}good.xml", "source": "circuit-weekly"}])
    code, out, err = run_cli(root, "import", "--feeds")
    assert code == 0, err
    assert out.count("wrote ") == 2


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([], "mkdocs.yml lists no feeds"),
        ("https://example.org/feed.xml", "must be a list"),
        ([{"url": "ftp://example.org/f", "source": "x"}], "needs an http(s) url"),
        ([{"url": "https://example.org/f"}], "needs the source"),
    ],
)
def test_a_wrong_feeds_setting_is_one_clear_line(
    make_project: MakeProject, run_cli: RunCli, entries: object, message: str
) -> None:
    settings = yaml.safe_dump({"extra": {"briefing": {"feeds": entries}}})
    root = make_project(mkdocs_extra=settings)
    code, _out, err = run_cli(root, "import", "--feeds")
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1, err


def test_feeds_or_files_not_both(make_project: MakeProject, run_cli: RunCli) -> None:
    root = make_project()
    code, _out, err = run_cli(root, "import", "--feeds", "x.txt")
    assert code == 2 and "not both" in err
    code, _out, err = run_cli(root, "import")
    assert code == 2 and "required" in err and "--feeds" in err
