"""Small text helpers every step of the importer shares."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

#: Sentences longer than this are shortened in the YAML comments above proposals.
MAX_COMMENT = 200


class ImportFailed(Exception):
    """The article cannot be imported; the message is one sentence for the user.

    ``field`` and ``line`` say where in the input the problem is, so that the command
    can print it as ``path:line: field: message`` (SPEC §5).
    """

    def __init__(self, message: str, *, field: str = "file", line: int = 1) -> None:
        super().__init__(message)
        self.field = field
        self.line = line


def fold(text: str) -> str:
    """A name as compared: NFKC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def one_line(text: str) -> str:
    return " ".join(text.split())


def truncate(text: str, limit: int) -> str:
    """``text`` cut at a word boundary with "…" when longer than ``limit``."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—– ")
    return cut + "…"


def shorten(sentence: str, around: tuple[int, int] | None = None) -> str:
    """The sentence for a YAML comment: whole if short, else its start and the part that matters."""
    if len(sentence) <= MAX_COMMENT:
        return sentence
    head_words = sentence[:MAX_COMMENT].split()[:7]
    head = " ".join(head_words)
    head_end = len(sentence) - len(sentence.lstrip()) + len(head)
    if around is None:
        return head + " ..."
    more = " ..." if around[1] < len(sentence.rstrip(". ")) else ""
    window = max(0, around[0] - MAX_COMMENT)
    before = [m.start() + window for m in re.finditer(r"\S+", sentence[window : around[0]])]
    tail_start = before[-4] if len(before) >= 4 else window
    if tail_start <= head_end:
        return truncate(sentence[: around[1]].rstrip(), 2 * MAX_COMMENT) + more
    tail = truncate(sentence[tail_start : around[1]].strip(), MAX_COMMENT)
    return f"{head} ... {tail}{more}"
