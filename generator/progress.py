"""Progress for long builds: one self-overwriting line on a terminal, nothing in logs.

A 10,000-seed build runs for minutes; on a terminal the reader sees which stage
is running and how far it is.  When stderr is not a terminal (CI, a pipe, a log
file) or ``CI`` is set, nothing is printed, so logs stay free of carriage returns.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

#: At most this many redraws per second.
RATE = 10


def wanted(stream: TextIO) -> bool:
    """Progress only for a person watching a terminal."""
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("BRIEFING_PROGRESS") == "0":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """``stage`` names what runs; ``update`` says how far it is; ``close`` clears the line."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = wanted(self.stream) if enabled is None else enabled
        self._last = 0.0
        self._width = 0
        self._stage = ""

    def stage(self, name: str) -> None:
        self._stage = name
        self._draw(name)

    def update(self, done: int, total: int | None = None, what: str | None = None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        finished = total is not None and done >= total
        if not finished and now - self._last < 1 / RATE:
            return
        label = what or self._stage
        count = f"{done:,}/{total:,}" if total else f"{done:,}"
        self._draw(f"{label} {count}")

    def close(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def _draw(self, text: str) -> None:
        if not self.enabled:
            return
        self._last = time.monotonic()
        line = f"briefing: {text}"
        pad = max(0, self._width - len(line))
        self.stream.write("\r" + line + " " * pad)
        self.stream.flush()
        self._width = len(line)


#: A progress that never prints, for callers that do not want one.
SILENT = Progress(enabled=False)
