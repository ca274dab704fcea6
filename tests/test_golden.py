"""Generated Markdown, byte for byte, against tests/golden/example/ (the example project)
and tests/golden/claims-project/ (a fictional project whose claims form threads)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tests.golden import GOLDEN, GOLDEN_DIR, read_golden, render_example

HINT = "run `make golden` (python -m tests.golden refresh), review the diff and commit it"
DIFF_LINES = 40


def _short_diff(path: str, expected: bytes, actual: bytes) -> str:
    diff = difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(keepends=True),
        actual.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile=f"golden/{path}",
        tofile=f"rendered/{path}",
        n=2,
    )
    lines = list(diff)
    text = "".join(lines[:DIFF_LINES])
    if len(lines) > DIFF_LINES:
        text += f"\n... ({len(lines) - DIFF_LINES} more diff lines)"
    if expected != actual and not text:  # same lines, different bytes (line endings, BOM)
        text = f"{path}: same text, different bytes ({len(expected)} vs {len(actual)} bytes)"
    return text


def test_golden_files_exist() -> None:
    assert GOLDEN_DIR.is_dir() and any(GOLDEN_DIR.iterdir()), (
        f"no golden files in {GOLDEN_DIR}; {HINT}"
    )


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_generated_pages_match_golden_copy(name: str) -> None:
    folder, root = GOLDEN[name]
    actual = render_example(root)
    expected = read_golden(folder)
    assert expected, f"no golden files in {folder}; {HINT}"
    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    assert not missing and not extra, (
        f"the generated files differ from the golden copy: {HINT}\n"
        f"  no longer generated: {missing}\n  newly generated: {extra}"
    )
    differing = [p for p in sorted(actual) if actual[p] != expected[p]]
    if differing:
        first = differing[0]
        raise AssertionError(
            f"{len(differing)} generated file(s) differ from the golden copy "
            f"({', '.join(differing[:5])}{', ...' if len(differing) > 5 else ''}): {HINT}\n"
            + _short_diff(first, expected[first], actual[first])
        )


def test_rendering_is_repeatable() -> None:
    assert render_example() == render_example()


def test_claims_golden_shows_a_thread() -> None:
    """The fixture's golden pages hold a thread: a claim, its later word, and where it stands."""
    folder = GOLDEN["claims-project"][0]
    claims = (folder / "claims" / "index.md").read_text(encoding="utf-8")
    assert 'id="thread-zentara-pauses-k7"' in claims
    assert "Zentara confirmed that it asked suppliers to pause K7 work" in claims
    assert "## Contested (the latest words disagree)" in claims
    briefing = Path(folder, "briefings", "2025-03-03-zentara-pauses-k7", "index.md")
    assert "Later: " in briefing.read_text(encoding="utf-8")
