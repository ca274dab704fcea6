"""Memory tuning for a build: the cycle collector walks less, and what the generator no
longer needs is handed back before MkDocs runs.

A build allocates millions of objects that live until its end (the records, the
model, the pages); Python's cycle collector would walk all of them again and again.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
import threading
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")

#: ``BRIEFING_MEMORY``: the memory a build may use, all its processes together (``8G``,
#: ``8000M``, or bytes).  Within it, a build forks its second process only while two
#: of it fit (:func:`room_for_twin`), and the Pagefinds share what the build leaves.
VARIABLE = "BRIEFING_MEMORY"
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMG]?)B?", re.I)


def budget() -> int | None:
    """``BRIEFING_MEMORY`` in bytes, None when it is not set; ValueError (with the words
    to show) when it cannot be read."""
    value = os.environ.get(VARIABLE, "").strip()
    if not value:
        return None
    found = _SIZE.fullmatch(value)
    if not found:
        raise ValueError(
            f"{VARIABLE}={value!r}: give the memory a build may use, as 8G, 8000M or a "
            "number of bytes"
        )
    unit = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[found.group(2).upper()]
    return int(float(found.group(1)) * unit)


def own_size() -> int:
    """This process's resident size in bytes (0 where the system cannot say)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def free() -> int | None:
    """The memory the system can give without swapping (``MemAvailable``), or None where
    it cannot say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def pool(share: float) -> int | None:
    """What helper processes started now may hold together: ``share`` of the memory the
    system has free and, when ``BRIEFING_MEMORY`` is set, no more than it leaves beside
    this process; None when neither is known.  ValueError as :func:`budget`."""
    available = free()
    part = None if available is None else int(available * share)
    total = budget()
    if total is None:
        return part
    left = max(total - own_size(), 0)
    return left if part is None else min(part, left)


class Gate:
    """Lets a piece of work start only while the memory estimated for those running and
    its own fit in ``limit`` bytes (None: no limit); one always runs, however large.

    The search's shards use it: at 100,000 seeds a first build's Pagefinds would hold
    14 GB at once; under the gate they take turns, and the build is slower, not killed.
    """

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.held = 0
        self.running = 0
        #: the most that ran at once
        self.most = 0
        self._changed = threading.Condition()

    def fits(self, needs: list[int]) -> bool:
        """Whether work of these estimates would all fit at once."""
        return self.limit is None or sum(needs) <= self.limit

    @contextlib.contextmanager
    def admit(self, need: int) -> Iterator[None]:
        with self._changed:
            while self.running and self.limit is not None and self.held + need > self.limit:
                self._changed.wait()
            self.held += need
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            yield
        finally:
            with self._changed:
                self.held -= need
                self.running -= 1
                self._changed.notify_all()


def room_for_twin() -> bool:
    """Whether a forked copy of this process fits in ``BRIEFING_MEMORY`` beside it: a
    child shares its parent's pages only until either writes to them, and Python's
    reference counts write to most (at 100,000 seeds the two held 8.8 GB together,
    4.4 GB each).  Without a budget, always."""
    try:
        limit = budget()
    except ValueError:
        return True  # the command line refused it already; nothing to hold to
    return limit is None or 2 * own_size() <= limit


#: Pages rendered above which the generator's memory is handed back before MkDocs
#: runs (a full collection and a trim cost about 0.9 s at 10,000 seeds, worth it
#: only when MkDocs will hold many pages).
RELEASE_AFTER = 1000


def release() -> None:
    """Free what the generator no longer needs and hand it back to the system.

    The memoised strings are scattered over the allocator's arenas and would keep
    them (and the freed model around them) from being returned.
    """
    from . import markup, paths

    markup.clear_caches()
    paths.clear_caches()
    gc.unfreeze()
    gc.collect()
    try:  # glibc keeps freed heap memory unless asked; elsewhere this is a no-op
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def collect_less(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``func`` with Python's cycle collector working less.

    A build allocates millions of objects that live until its end (the records, the
    model, the pages), and each full collection walks all of them: at 10,000 seeds
    that was about 2.5 s of a 23 s edit, spent in whatever code happened to allocate.
    So the young generation is collected less often, and what :func:`generator.pipeline.build` marks as
    long-lived (``gc.freeze()`` after the check) is not walked at all until the
    generator's work is done (:func:`release`) or the build ends.  What was
    alive before the build (``serve``'s last model and MkDocs session: millions of
    objects) is frozen too, so the build's collections never walk it: that made
    ``serve``'s model 0.6 s slower at 10,000 seeds than a fresh process's.
    """

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        old = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(max(old[0], 50_000), *old[1:])
        try:
            return func(*args, **kwargs)
        finally:
            gc.unfreeze()
            gc.set_threshold(*old)

    return wrapper
