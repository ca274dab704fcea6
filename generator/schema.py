"""The seed and entity file formats (SPEC §2), as pydantic models.

This is the boundary: raw YAML goes in, typed and normalised records come out
(a single value becomes a list, dates become :class:`FuzzyDate` or ``date``,
ids are checked once).  Past this module nothing re-checks raw YAML.  The same
models produce the JSON Schemas that editors use.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
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


#: Control characters (other than tab and line breaks) and Unicode non-characters: they
#: mean nothing in an article and break XML feeds, page metadata and terminals.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def control_problem(value: str) -> str | None:
    """Why ``value`` cannot be published as text, or None."""
    found = CONTROL.search(value)
    if found:
        return describe_control(found.group())
    return None


def describe_control(char: str) -> str:
    name = "a NUL character" if char == "\x00" else "the control character"
    return f"contains {name} U+{ord(char):04X}; remove it"


def _check_text(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    if len(value) > MAX_TEXT:
        raise ValueError(f"is longer than {MAX_TEXT} characters")
    problem = control_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _check_line(value: str) -> str:
    """One-line text: collapses inner whitespace so that it cannot start a Markdown block."""
    return " ".join(_check_text(value).split())  # str.split and \s agree on spaces


def _check_url(value: str) -> str:
    """http and https only, whatever the case or encoding of the scheme."""
    cleaned = value.strip()
    if any(ord(c) < 0x21 or c in '<>"\\' for c in cleaned):
        raise ValueError(
            "a URL cannot contain spaces, quotes, angle brackets or control characters"
        )
    parts = urlsplit(cleaned)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"'{value}' is not an http or https URL (e.g. https://www.reuters.com/...)"
        )
    return parts.geturl()


def _parse_fuzzy(value: Any) -> FuzzyDate:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(
            "expected a date such as 2025-09-11, early 2025, 2025-Q3 or 2025-08/2025-09"
        )
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
Url = Annotated[
    str, AfterValidator(_check_url), WithJsonSchema({"type": "string", "format": "uri"})
]
_ID_SCHEMA = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}


def _one_or_many(item: dict[str, Any]) -> Any:
    """JSON Schema for a list that may also be written as a single value."""
    return WithJsonSchema({"anyOf": [item, {"type": "array", "items": item}]})


IdList = Annotated[list[Id], BeforeValidator(_as_list), _one_or_many(_ID_SCHEMA)]
TagList = Annotated[list[Tag], BeforeValidator(_as_list), _one_or_many(_ID_SCHEMA)]
LineList = Annotated[
    list[Line], BeforeValidator(_as_list), _one_or_many({"type": ["string", "integer"]})
]
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


def _d(text: str, **extra: Any) -> Any:
    """A field's description: shown in the reference docs and by editors through the JSON Schema."""
    return Field(description=text, **extra)


class EventIn(_Strict):
    """An event as one briefing reports it."""

    date: Fuzzy = _d("When it happened, as precisely as the report says: a fuzzy date.")
    title: Line = _d("What happened, in one line.")
    entities: IdList = _d("Ids of the entities involved.", default=[])
    id: Id | None = _d(
        "Optional stable id: the same id in several briefings is one event, shown once with "
        "every report; differing dates are flagged.",
        default=None,
    )
    tags: TagList = _d("Tags of the event, added to the briefing's own.", default=[])


class ClaimIn(_Strict):
    """A statement with its provenance."""

    text: Line = _d("The statement, in one line.")
    by: Speaker = _d(
        'Who asserts it: an entity id, or free text that is not id-shaped ("social media posts").'
    )
    basis: Line | None = _d(
        'What the assertion rests on ("three employees who have used the chip").', default=None
    )
    status: Annotated[str, AfterValidator(_one_of(CLAIM_STATUSES))] = _d(
        "reported, confirmed, disputed, denied or no-comment.",
        default="reported",
        json_schema_extra={"enum": list(CLAIM_STATUSES)},
    )
    entities: IdList = _d("Ids of the entities the claim is about.", default=[])
    id: Id | None = _d(
        "Optional id, unique in the project, that names this claim so that later word can "
        "update it (e.g. nvidia-halts-h20).",
        default=None,
    )
    updates: Id | None = _d(
        "The id of an earlier claim this one is later word on (a confirmation, a denial): "
        "it continues that claim's thread.",
        default=None,
    )


class QuoteIn(_Strict):
    """Words someone said, verbatim."""

    by: Speaker = _d("Who said it: an entity id, or free text.")
    text: Text = _d("The words, verbatim.")
    role: Line | None = _d("The speaker's role, e.g. spokesperson.", default=None)


class SeedIn(_Strict):
    """The front-matter of a seed article (SPEC §2.1)."""

    title: Line = _d("The article's headline.")
    date: Day = _d("Publication date, YYYY-MM-DD.")
    source: Id = _d("Entity id of the publisher.")
    via: IdList = _d("Upstream reports this one relays, nearest first (entity ids).", default=[])
    url: Url | None = _d("Link to the original article (http or https).", default=None)
    authors: LineList = _d("Bylines.", default=[])
    summary: Text | None = _d(
        "One or two sentences; default: the body's first paragraph (none under publish: "
        "summary, which publishes nothing from the body).",
        default=None,
    )
    key_points: LineList = _d("The article's main points, one line each.", default=[])
    tags: TagList = _d("Topic slugs, e.g. ai-chips.", default=[])
    entities: IdList = _d("Ids of every entity the article names.", default=[])
    events: list[EventIn] = _d("Things that happened, as this article reports them.", default=[])
    claims: list[ClaimIn] = _d("Statements with their provenance.", default=[])
    quotes: list[QuoteIn] = _d("Quotations.", default=[])
    publish: Annotated[str, AfterValidator(_one_of(PUBLISH_MODES))] = _d(
        "How much of the body goes public: full, excerpt (first paragraph and a link) or "
        "summary (front-matter only).",
        default="excerpt",
        json_schema_extra={"enum": list(PUBLISH_MODES)},
    )
    draft: bool = _d(
        "Drafts appear in previews (--drafts), never in the public site.", default=False
    )


class FactIn(_Strict):
    """An infobox value with the briefing it comes from."""

    value: Line = _d("The value shown.")
    source: Id | None = _d("Slug of the briefing it comes from.", default=None)


def _as_fact(value: Any) -> Any:
    """A plain value is shorthand for ``{value: ...}``."""
    return value if isinstance(value, dict) else {"value": _as_text(value)}


FactValue = Annotated[
    FactIn,
    BeforeValidator(_as_fact),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": ["string", "integer"]},
                {
                    "type": "object",
                    "properties": {"value": {"type": ["string", "integer"]}, "source": _ID_SCHEMA},
                    "required": ["value"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


class RelationIn(_Strict):
    """A typed edge from this entity to another."""

    type: Id = _d(
        "The relation, read from this entity to the target: "
        + ", ".join(RELATION_WORDS)
        + " (or your own).",
        json_schema_extra={"examples": list(RELATION_WORDS)},
    )
    target: Id = _d("Id of the other entity.")
    since: Annotated[Line | None, WithJsonSchema({"type": ["string", "integer"]})] = _d(
        "When it began.", default=None
    )
    until: Annotated[Line | None, WithJsonSchema({"type": ["string", "integer"]})] = _d(
        "When it ended.", default=None
    )
    note: Line | None = _d("A short note.", default=None)
    source: Id | None = _d("Slug of the briefing it comes from.", default=None)


class EntityIn(_Strict):
    """An entity file ``seeds/entities/<id>.yml`` (SPEC §2.2)."""

    name: Line = _d("Display name.")
    type: Annotated[str, AfterValidator(_one_of(ENTITY_TYPES))] = _d(
        "company, person, product, organization, government, media, place or other.",
        json_schema_extra={"enum": list(ENTITY_TYPES)},
    )
    aliases: LineList = _d("Other names that refer to it in article text (any script).", default=[])
    summary: Text | None = _d("One or two sentences.", default=None)
    facts: dict[str, FactValue] = _d(
        "Infobox rows: a value, or {value: ..., source: <briefing slug>}.", default={}
    )
    relations: list[RelationIn] = _d("Typed edges to other entities.", default=[])
    links: Annotated[
        list[Url], BeforeValidator(_as_list), _one_or_many({"type": "string", "format": "uri"})
    ] = _d("Web links (http or https).", default=[])


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
    "updates": "updates: nvidia-halts-h20",
    "target": "target: ernie",
    "value": "value: Beijing",
}
