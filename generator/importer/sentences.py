"""Sentences: a paragraph split where a sentence ends, and nowhere else.

A full stop after an abbreviation ("U.S. rivals", "Corvane Inc. said", "Oct. 16",
"No. 4471") or inside a quotation does not end a sentence; one after a company suffix
does only when a word that starts sentences follows ("... Inc. The company said").
"""

from __future__ import annotations

import re

from .text import words

#: Never the end of a sentence, whatever follows.
ABBREVIATIONS = words(
    "mr mrs ms dr prof st no nos vs etc gov sen rep gen lt col capt sgt approx fig para "
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun "
    "e.g i.e u.s u.k u.n e.u u.s.a calif ariz mass wash conn penn fla ill mich minn "
    "tenn va ore colo ga md mo nev wis"
)
#: The end of a sentence only before a word that starts one ("... Inc. The company said").
SUFFIXES = words("inc corp co ltd llc plc bhd jr sr")
_STARTERS = words(
    "The A An It Its He She They We I In On At As But And Yet So This That These Those "
    "Shares Analysts Meanwhile However Separately Still Earlier Later Last"
)
_END = re.compile(r"[.!?]+[\"”’)\]]*\s+")


def split_sentences(paragraph: str) -> list[tuple[int, str]]:
    """``(offset, sentence)`` for each sentence of ``paragraph``."""
    out: list[tuple[int, str]] = []
    start = 0
    counted = 0
    straight = opened = closed = 0
    for m in _END.finditer(paragraph):
        chunk = paragraph[counted : m.end()]
        straight += chunk.count('"')
        opened += chunk.count("“")
        closed += chunk.count("”")
        counted = m.end()
        before = paragraph[max(start, m.start() - 40) : m.start() + 1].split()
        last = before[-1] if before else ""
        word = last.lower().rstrip(".!?")
        nxt = paragraph[m.end() : m.end() + 1]
        next_word = paragraph[m.end() :].split(" ", 1)[0]
        ends_with_stop = m.group().startswith(".")
        if (
            not nxt
            or not (nxt.isupper() or nxt.isdigit() or nxt in '"“‘(')
            or (ends_with_stop and word in ABBREVIATIONS)
            or (ends_with_stop and word in SUFFIXES and next_word not in _STARTERS)
            or (ends_with_stop and re.fullmatch(r"(?:[a-z]\.)*[a-z]", word) is not None)
            or m.group().startswith("..")
            or straight % 2 == 1
            or opened > closed
        ):
            continue
        out.append((start, paragraph[start : m.end()].strip()))
        start = m.end()
    if paragraph[start:].strip():
        out.append((start, paragraph[start:].strip()))
    return out
