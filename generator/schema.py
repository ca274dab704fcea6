"""The seed and entity file formats (SPEC §2), as pydantic models.

This is the boundary: raw YAML goes in, typed and normalised records come out
(a single value becomes a list, dates become :class:`FuzzyDate` or ``date``,
ids are checked once).  Past this module nothing re-checks raw YAML.  The same
models produce the JSON Schemas that editors use.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    WithJsonSchema,
)

from .fuzzydate import FuzzyDate, FuzzyDateError
from .paths import slug_problem

ENTITY_TYPES = (
    "company",
    "person",
    "product",
    "organization",
    "government",
    "media",
    "place",
    "other",
)
CLAIM_STATUSES = ("reported", "confirmed", "disputed", "denied", "no-comment")
PUBLISH_MODES = ("full", "excerpt", "summary")

#: Relation types with the words used on each side: (forward, inverse).
RELATION_WORDS: dict[str, tuple[str, str]] = {
    "develops": ("develops", "developed by"),
    "makes": ("makes", "made by"),
    "owns": ("owns", "owned by"),
    "leads": ("leads", "led by"),
    "member-of": ("member of", "has member"),
    "competes-with": ("competes with", "competes with"),
    "supplies": ("supplies", "supplied by"),
    "customer-of": ("customer of", "has customer"),
    "regulates": ("regulates", "regulated by"),
    "part-of": ("part of", "includes"),
    "successor-of": ("successor of", "succeeded by"),
    "based-in": ("based in", "home to"),
    "publishes": ("publishes", "published by"),
    "uses": ("uses", "used by"),
    "governs": ("governs", "governed by"),
    "negotiates-with": ("negotiates with", "negotiates with"),
    "reports-on": ("reports on", "reported on by"),
    "related-to": ("related to", "related to"),
    "invests-in": ("invests in", "investor"),
    "partners-with": ("partners with", "partners with"),
    "employs": ("employs", "works for"),
    "works-for": ("works for", "employs"),
    "subsidiary-of": ("subsidiary of", "parent of"),
}

MAX_TEXT = 20_000


# --- normalisers and checks (each raises ValueError with a teaching message) ---


def _as_list(value: Any) -> Any:
    """A single value where a list is expected becomes a one-item list."""
    if value is None:
        return []
    if isinstance(value, str | int):
        return [value]
    return value


def _as_text(value: Any) -> Any:
    """Numbers are accepted where text is expected (``founded: 1993``); booleans are not."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _check_id(value: str) -> str:
    problem = slug_problem(value, "id")
    if problem:
        raise ValueError(problem)
    return value


def _check_tag(value: str) -> str:
    problem = slug_problem(value, "tag")
    if problem:
        raise ValueError(problem)
    return value


def _one_of(choices: tuple[str, ...]) -> Any:
    def check(value: str) -> str:
        if value not in choices:
            from .problems import did_you_mean

            raise ValueError(
                f"'{value}' is not one of: {', '.join(choices)}{did_you_mean(value, choices)}"
            )
        return value

    return check


def _check_text(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    if len(value) > MAX_TEXT:
        raise ValueError(f"is longer than {MAX_TEXT} characters")
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    return value


def _check_line(value: str) -> str:
    """One-line text: collapses inner whitespace so that it cannot start a Markdown block."""
    return re.sub(r"\s+", " ", _check_text(value)).strip()


def _check_url(value: str) -> str:
    """http and https only, whatever the case or encoding of the scheme."""
    cleaned = value.strip()
    if any(ord(c) < 0x21 or c in "<>\"\\" for c in cleaned):
        raise ValueError("a URL cannot contain spaces, quotes, angle brackets or control characters")
    parts = urlsplit(cleaned)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"'{value}' is not an http or https URL (e.g. https://www.reuters.com/...)")
    return parts.geturl()


def _parse_fuzzy(value: Any) -> FuzzyDate:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("expected a date such as 2025-09-11, early 2025, 2025-Q3 or 2025-08/2025-09")
    try:
        return FuzzyDate.parse(value)
    except FuzzyDateError as exc:
        raise ValueError(str(exc)) from None


def _parse_day(value: Any) -> datetime.date:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"'{value}' is not a publication date: use YYYY-MM-DD (e.g. 2025-09-11)")


Text = Annotated[str, BeforeValidator(_as_text), AfterValidator(_check_text)]
Line = Annotated[str, BeforeValidator(_as_text), AfterValidator(_check_line)]
Id = Annotated[
    str,
    AfterValidator(_check_id),
    WithJsonSchema({"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}),
]
Tag = Annotated[str, AfterValidator(_check_tag)]
Url = Annotated[str, AfterValidator(_check_url), WithJsonSchema({"type": "string", "format": "uri"})]
IdList = Annotated[list[Id], BeforeValidator(_as_list)]
TagList = Annotated[list[Tag], BeforeValidator(_as_list)]
LineList = Annotated[list[Line], BeforeValidator(_as_list)]
Fuzzy = Annotated[
    FuzzyDate,
    BeforeValidator(_parse_fuzzy),
    WithJsonSchema(
        {
            "type": ["string", "integer"],
            "description": "A fuzzy date: 2025-09-11, 2025-08, 2025, early 2025, late 2025-08, "
            "2025-Q3, 2025-08~, 2025-08?, 2025-08/2025-09, 2025-08/..",
        }
    ),
]
Day = Annotated[
    datetime.date,
    BeforeValidator(_parse_day),
    WithJsonSchema({"type": "string", "format": "date"}),
]
#: Who asserts something: an entity id, or free text that is not id-shaped.
Speaker = Line


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, arbitrary_types_allowed=True
    )


class EventIn(_Strict):
    """An event as one briefing reports it."""

    date: Fuzzy
    title: Line
    entities: IdList = []
    id: Id | None = None
    tags: TagList = []


class ClaimIn(_Strict):
    """A statement with its provenance."""

    text: Line
    by: Speaker
    basis: Line | None = None
    status: Annotated[str, AfterValidator(_one_of(CLAIM_STATUSES))] = "reported"
    entities: IdList = []


class QuoteIn(_Strict):
    """Words someone said, verbatim."""

    by: Speaker
    text: Text
    role: Line | None = None


class SeedIn(_Strict):
    """The front-matter of a seed article (SPEC §2.1)."""

    title: Line
    date: Day
    source: Id
    via: IdList = []
    url: Url | None = None
    authors: LineList = []
    summary: Text | None = None
    key_points: LineList = []
    tags: TagList = []
    entities: IdList = []
    events: list[EventIn] = []
    claims: list[ClaimIn] = []
    quotes: list[QuoteIn] = []
    publish: Annotated[str, AfterValidator(_one_of(PUBLISH_MODES))] = "excerpt"
    draft: bool = False


class FactIn(_Strict):
    """An infobox value with the briefing it comes from."""

    value: Line
    source: Id | None = None


def _as_fact(value: Any) -> Any:
    """A plain value is shorthand for ``{value: ...}``."""
    return value if isinstance(value, dict) else {"value": _as_text(value)}


FactValue = Annotated[FactIn, BeforeValidator(_as_fact)]


class RelationIn(_Strict):
    """A typed edge from this entity to another."""

    type: Id
    target: Id
    since: Line | None = None
    until: Line | None = None
    note: Line | None = None
    source: Id | None = None


class EntityIn(_Strict):
    """An entity file ``seeds/entities/<id>.yml`` (SPEC §2.2)."""

    name: Line
    type: Annotated[str, AfterValidator(_one_of(ENTITY_TYPES))]
    aliases: LineList = []
    summary: Text | None = None
    facts: dict[str, FactValue] = {}
    relations: list[RelationIn] = []
    links: Annotated[list[Url], BeforeValidator(_as_list)] = []


def field_names(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


#: The sub-model found under each field, for "did you mean" on nested keys.
NESTED: dict[str, type[BaseModel]] = {
    "events": EventIn,
    "claims": ClaimIn,
    "quotes": QuoteIn,
    "relations": RelationIn,
    "facts": FactIn,
}

#: A good value for each field, shown when it is missing.
EXAMPLES: dict[str, str] = {
    "title": "title: Alibaba, Baidu begin using own chips to train AI models",
    "date": "date: 2025-09-11",
    "source": "source: reuters",
    "name": "name: Baidu",
    "type": "type: company",
    "text": "text: Alibaba's AI chip can now compete with Nvidia's H20",
    "by": "by: the-information",
    "target": "target: ernie",
    "value": "value: Beijing",
}
