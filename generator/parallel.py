"""Work split between this process and one forked child: both cores, no pickled model.

Rendering and building pages are CPU-bound pure Python, so threads would not help,
and a process pool would have to pickle the model (or MkDocs' whole state) to each
worker.  A forked child already has all of it in memory, copy-on-write; it does the
second half of the work and sends only its results back through a pipe.  The
results are pickled between two processes of one build, never stored.
"""

from __future__ import annotations

import gc
import mmap
import os
import pickle
import struct
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from . import memory

T = TypeVar("T")
R = TypeVar("R")


class ChildFailed(Exception):
    """The forked half of the work raised; the message names the error."""


#: The name of the threads that wait for a finished child to exit: they hold no lock,
#: so a fork beside them is safe.
REAPER = "briefing-reaper"


def available() -> bool:
    """Whether forking a second process is safe here: a platform that forks, and no thread
    alive but this one and the reapers (a fork copies only the thread that forks, and a
    lock another thread held, in logging or I/O, would stay locked in the child); and
    room for the child within ``BRIEFING_MEMORY`` (:func:`memory.room_for_twin`)."""
    if not hasattr(os, "fork"):
        return False
    me = threading.current_thread()
    alone = all(t is me or t.name == REAPER for t in threading.enumerate())
    return alone and memory.room_for_twin()


def jobs() -> int:
    """Processes to use: two when there are two cores (the work is split in two, see
    :mod:`parallel`), one when ``BRIEFING_JOBS=1`` says so."""
    value = os.environ.get("BRIEFING_JOBS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return max(1, min(os.cpu_count() or 1, 2))


def in_two(
    items: Sequence[T],
    work: Callable[[Sequence[T]], R],
    *,
    child_state: Callable[[], Any] | None = None,
) -> tuple[R, R, Any]:
    """``work(first half)`` here and ``work(second half)`` in a forked child.

    Returns ``(mine, theirs, state)``, where ``state`` is ``child_state()`` as the child
    saw it when done (for what the child counted on the side, such as warnings).  The
    child's exception becomes :class:`ChildFailed` here, after this half is done.
    """
    half = len(items) // 2
    return _forked(lambda: work(items[half:]), lambda: work(items[:half]), child_state)


def shared(
    items: Sequence[T],
    work: Callable[[Sequence[T]], dict[Any, R]],
    *,
    chunk: int,
    child_state: Callable[[], Any] | None = None,
) -> tuple[dict[Any, R], Any]:
    """``work`` on every chunk of ``chunk`` items once, by this process and a forked
    child taking chunks from opposite ends (:class:`Steps`), so that neither waits
    for the other when their halves would cost unequal time (a fixed split left
    one core idle for 6 s of MkDocs' 20 s at 10,000 seeds).  ``work`` returns a
    dict per chunk; the chunks' dicts are merged in the items' order.  Returns
    ``(merged, state)``, ``state`` as :func:`in_two`'s."""
    parts = [items[at : at + chunk] for at in range(0, len(items), chunk)]
    steps = Steps(len(parts))

    def run(order: Sequence[int]) -> dict[int, dict[Any, R]]:
        return {n: work(parts[n]) for n in order if steps.take(n)}

    try:
        here, there, state = _forked(
            lambda: run(range(len(parts))), lambda: run(range(len(parts) - 1, -1, -1)), child_state
        )
    finally:
        steps.close()
    merged: dict[Any, R] = {}
    for n in range(len(parts)):
        merged.update(here[n] if n in here else there[n])
    return merged, state


class Steps:
    """Numbered steps that this process and a child forked after it share out: each
    step goes to whichever asks for it first (:meth:`take`), so two processes working
    from opposite ends of a list meet wherever their other work lets them."""

    def __init__(self, most: int = 256) -> None:
        self._taken = mmap.mmap(-1, max(most, 1))  # anonymous and shared: the child sees it too
        # The lock is a token in a pipe (whoever reads it holds the lock): shared
        # across the fork, and unlike a semaphore it needs no /dev/shm.
        self._token_in, self._token_out = os.pipe()
        os.write(self._token_out, b"t")

    def take(self, step: int) -> bool:
        """True for the first process to ask for ``step`` (then never again)."""
        if not 0 <= step < len(self._taken):
            raise IndexError(step)
        os.read(self._token_in, 1)
        try:
            if self._taken[step]:
                return False
            self._taken[step] = 1
            return True
        finally:
            os.write(self._token_out, b"t")

    def count(self) -> int:
        """How many steps either process has taken so far (for progress)."""
        return len(self._taken) - self._taken[:].count(0)

    def close(self) -> None:
        os.close(self._token_in)
        os.close(self._token_out)
        self._taken.close()


def beside(theirs: Callable[[], R], mine: Callable[[], T]) -> tuple[T, R]:
    """``mine()`` here while ``theirs()`` runs in a forked child: two different jobs on
    the two cores.  The child's exception becomes :class:`ChildFailed` here."""
    here, there, _ = _forked(theirs, mine, None)
    return here, there


def _forked(
    theirs: Callable[[], Any], mine: Callable[[], Any], child_state: Callable[[], Any] | None
) -> tuple[Any, Any, Any]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: do its part, send the result back, leave without cleanup
        status = 0
        try:
            os.close(read_fd)
            try:
                result: Any = ("ok", theirs())
            except BaseException as exc:
                result = ("error", f"{type(exc).__name__}: {exc}")
            state = child_state() if child_state is not None else None
            payload = pickle.dumps((result, state), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(struct.pack("<Q", len(payload)))
                pipe.write(payload)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)
    try:
        here = mine()
    finally:
        with os.fdopen(read_fd, "rb") as incoming:
            data = incoming.read()
        # The answer is complete once the pipe is closed; the child's exit (the kernel
        # unmapping its copy of a large process: 0.5 s in `serve` at 10,000 seeds) is
        # waited for in a thread, so that this process goes on meanwhile.
        threading.Thread(target=os.waitpid, args=(pid, 0), name=REAPER, daemon=True).start()
    size = struct.unpack("<Q", data[:8])[0] if len(data) >= 8 else -1
    if size < 0 or len(data) != 8 + size:
        raise ChildFailed("the second process stopped without an answer")
    # Unpickling makes many objects and no garbage: with the cycle collector on, each
    # of its passes would also walk everything this process holds (0.2 s for the
    # 20,000 search records of a 10,000-seed project).
    collecting = gc.isenabled()
    gc.disable()
    try:
        (kind, value), state = pickle.loads(data[8 : 8 + size])  # our own child, by a pipe
    finally:
        if collecting:
            gc.enable()
    if kind == "error":
        raise ChildFailed(value)
    return here, value, state
