"""Problems found in the input: one line each, ``path:line: field: message``.

Validation never stops at the first problem: every stage appends to a
:class:`Problems` list so that one run reports everything, and nothing is
written unless the list holds no errors.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file."""

    path: str
    line: int
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        field = self.field or "(empty key)"
        path = one_line(self.path).replace(":", "\\x3a")  # a colon in a file name stays parseable
        return f"{path}:{self.line}: {one_line(field)}: {prefix}{one_line(self.message)}"

    def annotation(self) -> str:
        """The problem as a GitHub Actions workflow command (its data percent-encoded)."""
        kind = "error" if self.severity == "error" else "warning"

        def prop(value: str) -> str:
            return _encode(value).replace(":", "%3A").replace(",", "%2C")

        return (
            f"::{kind} file={prop(self.path)},line={self.line},title={prop(self.field or '(empty key)')}"
            f"::{_encode(self.message)}"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }


class Problems:
    """An ordered, de-duplicated collection of problems."""

    def __init__(self) -> None:
        self._items: list[Problem] = []
        self._seen: set[Problem] = set()

    def add(
        self, path: str, line: int, field: str, message: str, severity: Severity = "error"
    ) -> None:
        problem = Problem(path, max(line, 1), field, message, severity)
        if problem not in self._seen:
            self._seen.add(problem)
            self._items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(p.path, p.line, p.field, p.message, p.severity)

    def __iter__(self) -> Iterator[Problem]:
        return iter(sorted(self._items, key=lambda p: (p.path, p.line, p.field, p.message)))

    def __len__(self) -> int:
        return len(self._items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if p.severity == "warning"]


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """Control characters (line breaks, terminal escapes) shown as ``\\xNN``: a problem is one line."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _encode(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix, or '' when nothing is close."""
    matches = difflib.get_close_matches(value, sorted(set(choices)), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""
