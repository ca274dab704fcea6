"""``briefing diff``: what a change does to the tracker, on git histories made here.

Each test commits the claims project (tests/data/claims-project) to a fresh
repository, makes one kind of change, and reads what ``briefing diff`` says of it,
in words and as JSON (checked against its schema).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import invoke_cli

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "tests/data/claims-project"
LATER = "seeds/2025/2025-04-02-zentara-plant-approved.md"
FIRST = "seeds/2025/2025-03-10-zentara-port-aster-plant.md"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "tracker"
    shutil.copytree(PROJECT, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the tracker")
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def diff(root: Path, *args: str) -> tuple[str, dict]:
    """The text and the JSON of ``briefing diff ARGS`` (both must succeed)."""
    code, out, err = invoke_cli(root, "diff", *args)
    assert code == 0, err
    code, data, err = invoke_cli(root, "diff", *args, "--format", "json")
    assert code == 0, err
    parsed = json.loads(data)
    code, schema, _ = invoke_cli(root, "diff", "--schema")
    jsonschema.validate(parsed, json.loads(schema))
    return out, parsed


def test_a_status_change_is_old_status_to_new(repo: Path) -> None:
    edit(repo, LATER, "status: confirmed", "status: denied")
    text, data = diff(repo)
    (claim,) = data["claims"]
    assert (claim["old"], claim["new"]) == ("confirmed", "denied")
    assert claim["by"] == "Zentara Semiconductor" and claim["date"] == "2 April 2025"
    assert (
        "Zentara will open a chip packaging plant in Port Aster: confirmed → denied, "
        "by Zentara Semiconductor, 2 April 2025, in “Port Aster plant approved, Zentara says”"
    ) in text
    assert data["briefings"]["changed"][0]["fields"] == ["claims"]
    assert data["pages"]["total"] >= 3 and data["pages"]["briefing"] >= 1


def test_a_new_thread_is_named(repo: Path) -> None:
    """A claim that had no later word gets some, in a commit of its own: a new thread,
    and the claim's status moves."""
    k7 = "seeds/2025/2025-03-03-zentara-pauses-k7.md"
    edit(repo, k7, "  - text: Yields of the K7", "  - id: k7-yields\n    text: Yields of the K7")
    edit(
        repo,
        LATER,
        "claims:\n",
        "claims:\n  - text: Zentara says K7 yields are below forty percent.\n"
        "    by: zentara\n    status: confirmed\n    updates: k7-yields\n",
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "later word")
    text, data = diff(repo, "HEAD~1", "HEAD")
    assert data["base"] == "HEAD~1" and data["head"] == "HEAD"
    (thread,) = data["threads"]
    assert (thread["thread"], thread["status"], thread["claims"]) == ("k7-yields", "confirmed", 2)
    assert "new thread: Yields of the K7 are below forty percent (2 claims; now confirmed)" in text


def test_a_renamed_entity_and_a_moved_event(repo: Path) -> None:
    edit(
        repo,
        FIRST,
        "publish: full",
        "events:\n  - {id: plant-plan, date: 2025-03, title: The plant is planned, entities: [zentara]}"
        "\npublish: full",
    )
    git(repo, "commit", "-qam", "an event")
    edit(repo, "seeds/entities/zentara.yml", "name: Zentara Semiconductor", "name: Zentara Chips")
    edit(repo, FIRST, "date: 2025-03, title", "date: 2024-Q3, title")
    out, data = diff(repo)
    assert data["entities"]["renamed"] == [
        {"id": "zentara", "old": "Zentara Semiconductor", "new": "Zentara Chips"}
    ]
    assert "renamed: Zentara Semiconductor → Zentara Chips" in out
    (moved,) = data["events"]["moved"]
    assert (moved["old"], moved["new"]) == ("March 2025", "Q3 2024")
    assert "moved: The plant is planned: March 2025 → Q3 2024" in out


def test_a_deleted_briefing(repo: Path) -> None:
    (repo / "seeds/2025/2025-03-20-vessa-confirms-talks.md").unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "gone")
    out, data = diff(repo, "HEAD~1")
    assert [b["slug"] for b in data["briefings"]["removed"]] == ["2025-03-20-vessa-confirms-talks"]
    assert "removed: “" in out


def test_nothing_changed(repo: Path) -> None:
    out, data = diff(repo)
    assert out == "Nothing a reader sees changes.\n"
    assert data["pages"] == {"total": 0}
    assert git(repo, "status", "--porcelain", "--ignored") == "", "diff wrote something"


def test_a_new_warning_is_listed(repo: Path) -> None:
    edit(repo, FIRST, "publish: full", "publish: summary")
    edit(repo, FIRST, "summary: A fictional report", "key_points: [A fictional report")
    edit(repo, FIRST, "will build a plant in Port Aster.", "will build a plant in Port Aster.]")
    out, data = diff(repo)
    assert any("summary" in w for w in data["warnings"]), data["warnings"]
    assert "New warnings:" in out


def test_an_unknown_revision_is_one_clear_line(repo: Path) -> None:
    code, _out, err = invoke_cli(repo, "diff", "no-such-branch")
    assert code == 2
    assert err.strip() == (
        "briefing: unknown revision 'no-such-branch': name a commit, branch or tag (git log)"
    )


def test_a_base_that_does_not_validate_lists_its_problems(repo: Path) -> None:
    edit(repo, FIRST, "source: orbis-wire", "source: no-such-outlet")
    git(repo, "commit", "-qam", "broken")
    edit(repo, FIRST, "source: no-such-outlet", "source: orbis-wire")
    code, _out, err = invoke_cli(repo, "diff", "HEAD")
    assert code == 1, err
    assert "briefing: HEAD does not validate; its problems:" in err
    assert f"{FIRST}:4: source: " in err and "no-such-outlet" in err
    assert "Traceback" not in err


def test_outside_a_git_repository(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    shutil.copytree(PROJECT, root)
    code, _out, err = invoke_cli(root, "diff")
    assert code == 2
    assert "is not in a git repository" in err


def test_the_default_base_is_where_the_branch_left_main(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "topic")
    edit(repo, "seeds/entities/quillon.yml", "name: Quillon", "name: Quillon Systems")
    git(repo, "commit", "-qam", "rename on the branch")
    git(repo, "checkout", "-q", "main")
    edit(repo, "seeds/entities/vessa-labs.yml", "name: Vessa Labs", "name: Vessa")
    git(repo, "commit", "-qam", "rename on main")
    git(repo, "checkout", "-q", "topic")
    _out, data = diff(repo)
    assert [r["id"] for r in data["entities"]["renamed"]] == ["quillon"]
