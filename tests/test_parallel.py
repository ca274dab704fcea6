"""Work shared between this process and a forked child (generator/parallel.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator import parallel

pytestmark = pytest.mark.skipif(not parallel.available(), reason="needs os.fork")


def test_steps_go_to_one_process_each_from_opposite_ends() -> None:
    """Two processes taking numbered steps from opposite ends take every step exactly
    once between them, and meet in the middle when they work at the same pace."""
    steps = parallel.Steps()
    count = 100  # 0.5 s of steps: far longer than forking takes

    def take(order: range | reversed[int]) -> list[int]:
        taken = []
        for step in order:
            if steps.take(step):
                time.sleep(0.005)  # a step's work
                taken.append(step)
        return taken

    mine, theirs = parallel.beside(lambda: take(range(count)), lambda: take(reversed(range(count))))
    assert sorted(mine + theirs) == list(range(count))
    assert not set(mine) & set(theirs)
    assert mine and theirs, "one process took every step"
    assert max(theirs) < min(mine), "they did not work from opposite ends"
    assert not steps.take(0)
    steps.close()


def test_a_step_out_of_range_is_refused() -> None:
    steps = parallel.Steps(most=4)
    assert steps.take(3)
    with pytest.raises(IndexError):
        steps.take(4)
    assert steps.take(2), "the lock was not given back"
    steps.close()


def test_the_childs_error_is_reported_after_this_half_is_done() -> None:
    done = []

    def fail() -> None:
        raise ValueError("the child's half failed")

    with pytest.raises(parallel.ChildFailed, match="ValueError: the child's half failed"):
        parallel.beside(fail, lambda: done.append(1))
    assert done == [1]


def test_shared_chunks_are_each_worked_once_and_merged_in_order() -> None:
    """Chunks taken from opposite ends by two processes: every item is worked once, the
    merged result is in the items' order, and the child's state comes back."""
    items = list(range(60))

    def work(part: list[int]) -> dict[int, tuple[int, int]]:
        time.sleep(0.01)  # a chunk's work
        return {n: (n * n, os.getpid()) for n in part}

    merged, state = parallel.shared(items, work, chunk=4, child_state=os.getpid)
    assert list(merged) == items
    assert [square for square, _ in merged.values()] == [n * n for n in items]
    workers = {pid for _, pid in merged.values()}
    assert workers == {os.getpid(), state}, "both processes should have taken chunks"
    first = [n for n in items if merged[n][1] == state]
    assert first == items[: len(first)], "the child works from the start, this one from the end"


def test_a_budget_that_cannot_be_read_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import invoke_cli

    monkeypatch.setenv("BRIEFING_MEMORY", "plenty")
    code, out, err = invoke_cli(tmp_path, "check")
    assert code == 2 and out == ""
    assert err == (
        "briefing: BRIEFING_MEMORY='plenty': give the memory a build may use, as 8G, 8000M "
        "or a number of bytes\n"
    )
