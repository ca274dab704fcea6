"""Progress on a terminal, silence in logs: ``briefing build`` run under a real pseudo-terminal
and through a pipe, in a child process, on a copy of the example project."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from generator.progress import Progress, wanted
from tests.helpers import copy_example


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "BRIEFING_PROGRESS", "TERM")}
    env.update({"NO_MKDOCS_2_WARNING": "1", "TERM": "xterm", **extra})
    return env


def _build_on_a_terminal(root: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run ``briefing build`` with stderr on a pseudo-terminal; returns (exit code, what it showed)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "build"],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    shown = bytearray()
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return proc.wait(timeout=120), shown.decode("utf-8", "replace")


def test_a_terminal_sees_each_stage_and_the_line_is_cleared(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "p")
    code, shown = _build_on_a_terminal(root, _env())
    assert code == 0, shown
    for stage in (
        "reading and checking seeds",
        "rendering briefings, entity cards and tags",
        "MkDocs: converting pages",
        "MkDocs: writing pages",
    ):
        assert f"briefing: {stage}" in shown, f"no {stage!r} on the terminal:\n{shown!r}"
    assert "\r" in shown, "progress is not redrawn in place"
    # The last progress line is wiped before the command exits: nothing but spaces after the last \r.
    assert shown.rsplit("\r", 1)[-1].strip() == ""


@pytest.mark.parametrize("env", [{"CI": "true"}, {"BRIEFING_PROGRESS": "0"}, {"TERM": "dumb"}])
def test_ci_and_opt_out_keep_a_terminal_quiet(tmp_path: Path, env: dict[str, str]) -> None:
    root = copy_example(tmp_path / "p")
    code, shown = _build_on_a_terminal(root, _env(**env))
    assert code == 0, shown
    assert "\r" not in shown and "MkDocs: " not in shown, shown


def test_logs_get_no_progress(tmp_path: Path) -> None:
    """stderr is a pipe, as in CI logs: no carriage returns, no progress lines."""
    root = copy_example(tmp_path / "p")
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "build"],
        cwd=root,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr and "MkDocs: " not in proc.stderr, proc.stderr
    assert proc.stdout.startswith("built "), proc.stdout


def test_progress_is_throttled_and_shows_the_last_count() -> None:
    stream = FakeTerminal()
    progress = Progress(stream)
    assert progress.enabled == wanted(stream)
    progress.enabled = True
    for n in range(1, 10_001):
        progress.update(n, 10_000, "rendering")
    drawn = stream.getvalue().count("\r")
    assert 1 <= drawn < 50, f"{drawn} redraws for 10,000 updates"
    assert stream.getvalue().rstrip().endswith("rendering 10,000/10,000")
    progress.close()
    assert stream.getvalue().endswith("\r")
