"""`briefing explain`: the dependency list behind a page's reuse, printed for people."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import EXAMPLE_SLUG, copy_example


def test_explain_lists_what_a_page_depends_on(tmp_path: Path, run_cli) -> None:
    root = copy_example(tmp_path / "p")
    code, out, err = run_cli(root, "explain", f"briefings/{EXAMPLE_SLUG}/", "entities/nvidia")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"briefing:{EXAMPLE_SLUG} key ")
    assert "  entity names " in out and "  settings " in out
    assert any(line.startswith("  event alibaba-trains-on-own-chips ") for line in lines)
    card = lines.index(next(line for line in lines if line.startswith("entity:nvidia key ")))
    assert any(line.startswith(f"  mentioned in {EXAMPLE_SLUG} ") for line in lines[card:])
    assert len(lines[card:]) == len(set(lines[card:])), "each input once"


def test_explain_refuses_what_is_not_a_unit_page(tmp_path: Path, run_cli) -> None:
    root = copy_example(tmp_path / "p")
    code, out, err = run_cli(root, "explain", "timeline/")
    assert code == 2 and out == ""
    assert "is not a briefing, entity card or tag page" in err


def test_explain_changes_with_what_the_page_shows(tmp_path: Path, run_cli) -> None:
    """A new title changes the digest of every page that shows it, and only those inputs."""
    root = copy_example(tmp_path / "p")
    _, before, _ = run_cli(root, "explain", "entities/nvidia")
    seed = root / "seeds" / "2025" / f"{EXAMPLE_SLUG}.md"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("title: Alibaba", "title: Changed Alibaba", 1), encoding="utf-8")
    _, after, _ = run_cli(root, "explain", "entities/nvidia")
    changed = {
        a.rsplit(" ", 1)[0]
        for a, b in zip(after.splitlines(), before.splitlines(), strict=True)
        if a != b
    }
    assert "entity:nvidia key" in changed
    assert f"  mentioned in {EXAMPLE_SLUG}" in changed
    assert "  entity names" not in changed and "  entity nvidia" not in changed
