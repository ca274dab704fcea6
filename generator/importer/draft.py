"""The draft: front-matter written line by line, so that every proposal keeps its comment.

Values are quoted so that they read back as exactly the text (YAML 1.1 words such as
``no`` stay text), and the finished draft must pass the project's own loader and schema
before it is written.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import yaml
from pydantic import ValidationError

from .. import yamlsafe
from ..schema import SeedIn
from .entities import Candidate
from .proposals import Proposal
from .text import ImportFailed, one_line, words

_PLAIN_ID = re.compile(r"[a-z][a-z0-9-]*\Z")
_YAML_WORDS = words("true false null yes no on off y n")


def _q(value: str) -> str:
    """A double-quoted YAML scalar that reads back as exactly ``value``."""
    dumped = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=1_000_000_000)
    return dumped.strip().removesuffix("...").strip()


def _id(value: str) -> str:
    return value if _PLAIN_ID.match(value) and value not in _YAML_WORDS else _q(value)


def _ids(values: list[str]) -> str:
    return "[" + ", ".join(_id(v) for v in values) + "]"


def _comment(text: str) -> str:
    return "# " + one_line(text)


def _items(name: str, proposals: list[Proposal], ids: tuple[str, ...]) -> list[str]:
    if not proposals:
        return [f"{name}: []"]
    lines = [f"{name}:"]
    for proposal in proposals:
        lines.append("  " + _comment(proposal.comment))
        for i, (key, value) in enumerate(proposal.fields.items()):
            lead = "  - " if i == 0 else "    "
            if isinstance(value, list):
                rendered = _ids(value)
            elif key in (*ids, "status") and isinstance(value, str) and _PLAIN_ID.match(value):
                rendered = _id(value)
            else:
                rendered = _q(str(value))
            lines.append(f"{lead}{key}: {rendered}")
        lines += ["    " + _comment(note) for note in proposal.notes]
    return lines


@dataclass
class Draft:
    title: str
    date: datetime.date
    source: str
    source_note: str
    via: list[str]
    authors: list[str]
    summary: str
    entities: list[str]
    unknown: list[Candidate]
    events: list[Proposal]
    claims: list[Proposal]
    quotes: list[Proposal]
    body: str
    origin: str
    url: str | None = None

    def render(self) -> str:
        lines = [
            "---",
            _comment(
                f"Draft made by `briefing import` from {self.origin}: check every field "
                "against the article, then set draft: false."
            ),
            f"title: {_q(self.title)}",
            f"date: {self.date.isoformat()}",
            f"source: {_id(self.source)}  {_comment(self.source_note)}",
            f"via: {_ids(self.via)}",
        ]
        if self.url:
            lines.append(f"url: {_q(self.url)}")
        if self.authors:
            lines.append(f"authors: [{', '.join(_q(a) for a in self.authors)}]")
        if self.summary:
            lines.append(f"summary: {_q(self.summary)}")
        lines += ["key_points: []", "tags: []"]
        if self.entities or self.unknown:
            lines.append("entities:" if self.entities else "entities: []")
            lines += [f"  - {_id(e)}" for e in self.entities]
        else:
            lines.append("entities: []")
        if self.unknown:
            lines.append("  # not in the registry (type guessed; add with briefing new entity):")
            for c in self.unknown:
                note = " (the article's main subject)" if c.subject else ""
                lines.append("  #   " + one_line(f"{c.name}: {c.command}{note}"))
        lines += _items("events", self.events, ("id",))
        lines += _items("claims", self.claims, ("by",))
        lines += _items("quotes", self.quotes, ("by",))
        lines += ["publish: excerpt", "draft: true", "---"]
        return "\n".join(lines) + "\n" + self.body


def markdown_body(paragraphs: list[str]) -> str:
    out = []
    for p in paragraphs:
        p = re.sub(r"^(#+)", r"\\\1", p)  # a hashtag at a paragraph's start is not a heading
        p = re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", p)  # "1. " is not a list here
        out.append(p)
    return "\n\n".join(out) + ("\n" if out else "")


def self_check(rendered: str, shown: str) -> None:
    """The draft must read back through the project's own loader and schema."""
    front = rendered.split("\n---\n", 1)[0].removeprefix("---\n")
    try:
        doc = yamlsafe.parse(front, first_line=2)
        SeedIn.model_validate(doc.value)
    except (yamlsafe.YamlError, ValidationError) as exc:  # pragma: no cover - a bug if reached
        raise ImportFailed(
            f"the draft for {shown} does not validate ({exc}); nothing was written"
        ) from None
