"""Work shared between this process and a forked child (generator/parallel.py)."""

from __future__ import annotations

import time

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
