"""``briefing import``: a raw news article (plain text) → a draft seed for an analyst to review.

The first line is the title; the dateline (``BEIJING, Sept 11 (Reuters) -``) names the source.
Everything else is proposed, never invented: entities are the registry's names and aliases found
in the text, events come from relative dates ("late last month") resolved against the
publication date, claims from attribution phrases ("X reported, citing ..."), quotes from quoted
text with a speaker.  Each proposal carries the sentence it came from as a YAML comment, the seed
is written as a draft, and an existing file is never overwritten.
"""

from __future__ import annotations

import bisect
import datetime
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import yamlsafe
from .fuzzydate import FuzzyDate, FuzzyDateError
from .load import load
from .markup import MentionFinder
from .paths import MAX_SLUG_LENGTH, collision_key, posix, slug_problem, suggest_slug
from .problems import Problems, did_you_mean
from .project import Project
from .schema import SeedIn

__all__ = [
    "DatePhrase",
    "Dateline",
    "ImportFailed",
    "Imported",
    "find_dateline",
    "import_article",
    "relative_dates",
]

#: Words of a title that make its slug; the date in front keeps slugs unique per day.
SLUG_WORDS = 8
MAX_TITLE = 300
MAX_EVENT_TITLE = 120
#: Claims, quotes and the summary are cut (with "…") at this length; the schema allows 20,000.
MAX_CLAIM = 2000
#: Sentences longer than this are shortened in the YAML comments above proposals.
MAX_COMMENT = 200


class ImportFailed(Exception):
    """The article cannot be imported; the message is one sentence for the user."""


@dataclass(frozen=True)
class Imported:
    """What ``import_article`` wrote."""

    path: Path
    slug: str
    found_entities: list[str]
    events: int
    claims: int
    quotes: int = 0
    source: str = ""
    via: list[str] = field(default_factory=list)
    #: capitalised names and acronyms that look like entities but are not in the registry
    not_in_registry: list[str] = field(default_factory=list)


# --- the registry -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entity:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    id: str


class _Registry:
    """The project's entities, searchable by name and alias."""

    def __init__(self, entities: Iterable[_Entity]) -> None:
        self.entities = {e.id: e for e in entities}
        names = [(e.name, e.id) for e in self.entities.values()]
        names += [(a, e.id) for e in self.entities.values() for a in e.aliases]
        self.finder = MentionFinder(names)
        # Media first, so that a dateline's "(Reuters)" means the agency, not a namesake.
        ordered = sorted(self.entities.values(), key=lambda e: (e.type != "media", e.id))
        self._by_name: dict[str, str] = {}
        for e in ordered:
            for surface in (e.name, *e.aliases):
                self._by_name.setdefault(_fold(surface), e.id)

    def mentions(self, text: str) -> list[_Mention]:
        return [_Mention(s, e, i) for s, e, i in self.finder.find(text)]

    def ids_in(self, text: str) -> list[str]:
        return _unique(m.id for m in self.mentions(text))

    def is_media(self, entity_id: str | None) -> bool:
        return entity_id is not None and self.entities[entity_id].type == "media"

    def exactly(self, text: str) -> str | None:
        """The entity whose name or alias is ``text`` (case-insensitive; media first)."""
        return self._by_name.get(_fold(text))

    def named(self, text: str) -> str | None:
        """The entity whose name or alias is exactly ``text`` (media first), or one named in it."""
        exact = self.exactly(text)
        if exact is not None:
            return exact
        found = self.ids_in(text)
        media = [i for i in found if self.is_media(i)]
        return next(iter(media or found), None)


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- reading the article ------------------------------------------------------------------------


def _read_article(source_file: Path, max_bytes: int) -> str:
    name = source_file.name or str(source_file)
    if not source_file.exists():
        raise ImportFailed(f"{source_file} does not exist")
    if not source_file.is_file():
        raise ImportFailed(f"{source_file} is not a file; give the path of a .txt article")
    try:
        size = source_file.stat().st_size
        if size > max_bytes:
            raise ImportFailed(
                f"{name} is {size:,} bytes, over the limit of {max_bytes:,} "
                "(raise max_file_bytes under extra.briefing in mkdocs.yml)"
            )
        raw = source_file.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{name} cannot be read: {exc.strerror or exc}") from None
    if b"\x00" in raw:
        raise ImportFailed(f"{name} is a binary file, not UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"{name} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text).replace("\t", " ")
    # Other control characters (and the Unicode line separators) carry nothing in an article.
    text = "".join(
        "\n" if ch in "\u2028\u2029\x85" else ch
        for ch in text
        if ch == "\n" or unicodedata.category(ch) != "Cc" or ch == "\x85"
    )
    if not text.strip():
        raise ImportFailed(f"{name} is empty")
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class _Article:
    title: str
    paragraphs: list[str]
    authors: list[str]
    header: list[str]  # lines between the title and the body (bylines, dates)


_BYLINE = re.compile(r"By\s+(?P<names>[^\d()]{3,120})", re.IGNORECASE)
_NAME = re.compile(r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|bin|al))*")


def _split_article(text: str) -> _Article:
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.strip())
    title = _one_line(lines[index])
    if len(title) > MAX_TITLE:
        raise ImportFailed(
            f"the first line is {len(title)} characters long, which does not look like a title; "
            "put the headline on the first line"
        )
    if find_dateline(title) is not None:
        raise ImportFailed(
            "the first line is already the dateline; put the headline on the first line"
        )
    rest = lines[index + 1 :]
    # Short lines right under the title: a byline, a date line.
    header: list[str] = []
    authors: list[str] = []
    while rest:
        line = rest[0].strip()
        if not line:
            rest.pop(0)
            continue
        byline = _BYLINE.fullmatch(line)
        names = _names(byline["names"]) if byline is not None else []
        if names:
            authors += names
        elif not _is_date_line(line):
            break
        header.append(line)
        rest.pop(0)
    blocks = [b for b in re.split(r"\n\s*\n", "\n".join(rest)) if b.strip()]
    if len(blocks) <= 1 and blocks:
        # No blank lines between paragraphs: every line is one.
        paragraphs = [_one_line(line) for line in blocks[0].split("\n") if line.strip()]
    else:
        paragraphs = [_one_line(b) for b in blocks]
    for paragraph in paragraphs:
        credit = re.search(r"\((?:Reporting|Writing) by ([^;)]+)", paragraph)
        if credit is not None:
            authors += _names(re.sub(r"\s+(?:in|from)\s+[A-Z][\w ]*$", "", credit[1]))
    return _Article(title, paragraphs, _unique(authors), header)


def _names(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", text.strip())
    return [p for p in parts if _NAME.fullmatch(p) and 2 <= len(p.split()) <= 4]


# --- dates ---------------------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = "|".join(_WEEKDAYS)

_FULL_DATES = (
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    re.compile(
        rf"\b(?P<mname>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mname>{_MONTH})\.?,?\s+(?P<year>\d{{4}})\b",
        re.IGNORECASE,
    ),
)
_MONTH_DAY = re.compile(rf"\b(?P<mname>{_MONTH})\.?\s+(?P<day>\d{{1,2}})\b", re.IGNORECASE)


def _full_date(text: str) -> tuple[datetime.date, re.Match[str]] | None:
    for pattern in _FULL_DATES:
        for m in pattern.finditer(text):
            month = _MONTHS[m["mname"].lower()] if m.groupdict().get("mname") else int(m["month"])
            try:
                return datetime.date(int(m["year"]), month, int(m["day"])), m
            except ValueError:
                continue
    return None


def _is_date_line(line: str) -> bool:
    """A short line that is mostly a date ("September 11, 2025 8:14 AM", "Published 2025-09-11")."""
    found = _full_date(line)
    if found is None or len(line) > 80:
        return False
    rest = line[: found[1].start()] + line[found[1].end() :]
    return len(re.findall(r"[A-Za-z]{3,}", rest)) <= 5


@dataclass(frozen=True)
class Dateline:
    """``BEIJING, Sept 11 (Reuters) -``: where the body starts, who filed it and (maybe) when."""

    text: str
    agency: str
    lead: str
    end: int


_DATELINE = re.compile(
    r"(?P<lead>[^()\n]{0,80}?)\s*\((?P<agency>[^()\n]{2,60})\)\s*(?:--|-|–|—|:)\s*"
)


def find_dateline(paragraph: str) -> Dateline | None:
    """The dateline at the start of the first paragraph, if it has one."""
    m = _DATELINE.match(paragraph)
    if m is None:
        return None
    lead = m["lead"].strip()
    agency = _one_line(m["agency"])
    if len(agency.split()) > 5 or not agency[0].isupper():
        return None
    # The lead is empty, a place in capitals ("BEIJING", "SAN FRANCISCO/SHANGHAI") or a date.
    if lead:
        place = lead.split(",")[0].strip()
        if not (re.fullmatch(r"[A-Z][A-Z .'/&-]*", place) or _MONTH_DAY.match(place)):
            return None
    return Dateline(m.group().strip(), agency, lead, m.end())


def _publication_date(article: _Article, dateline: Dateline | None) -> datetime.date:
    """The dateline's date, else a date line under the title; ImportFailed asks for --date."""
    if dateline is not None:
        found = _full_date(dateline.lead)
        if found is not None:
            return found[0]
    for line in article.header:
        found = _full_date(line)
        if found is not None:
            return found[0]
    for paragraph in article.paragraphs:
        if _is_date_line(paragraph):
            found = _full_date(paragraph)
            if found is not None:
                return found[0]
    if dateline is not None and _MONTH_DAY.search(dateline.lead):
        seen = _MONTH_DAY.search(dateline.lead)
        assert seen is not None
        raise ImportFailed(
            f"the dateline gives '{seen.group()}' without a year; pass --date YYYY-MM-DD"
        )
    raise ImportFailed(
        "no publication date found in the article (looked for a dated dateline or a line "
        "such as 'September 11, 2025'); pass --date YYYY-MM-DD"
    )


# --- relative dates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DatePhrase:
    """A date phrase in a text and the fuzzy date it means, given the publication date."""

    start: int
    end: int
    phrase: str
    date: str


_PART = r"(?:(?P<part>early|mid|late|(?:the\s+)?(?:beginning|start|middle|end)\s+of)(?:\s+|-))?"
_LEAD = r"(?:(?P<pre>since|in|on|during|from|until|by|as\s+of|over|last|this|next)\s+)?"

_PATTERNS: dict[str, re.Pattern[str]] = {
    "relative": re.compile(
        r"\b(?:(?:since|in|during|from|until|by|as\s+of|over)\s+)?"
        + _PART
        + r"(?:the\s+)?(?P<rel>this|last|next|previous|past|coming|current)\s+"
        r"(?P<unit>year|month|week|quarter)\b",
        re.IGNORECASE,
    ),
    "earlier": re.compile(
        r"\b(?P<rel>earlier|later)\s+(?:this|in\s+the)\s+(?P<unit>year|month|week)\b",
        re.IGNORECASE,
    ),
    "day": re.compile(r"\b(?P<word>yesterday|tomorrow)\b", re.IGNORECASE),
    "weekend": re.compile(
        r"\b(?:(?:over|during|at|on)\s+)?(?P<rel>last|this|the)\s+weekend\b", re.IGNORECASE
    ),
    "weekday": re.compile(rf"\b{_LEAD}(?P<wd>{_WEEKDAY})\b", re.IGNORECASE),
    "month": re.compile(
        rf"\b{_LEAD}{_PART}(?P<mname>{_MONTH})\b\.?"
        r"(?:\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b)?(?:,?\s+(?P<year>(?:19|20)\d{2})\b)?",
        re.IGNORECASE,
    ),
    "day-month": re.compile(
        rf"\b(?:on\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mname>{_MONTH})\b\.?"
        r"(?:,?\s+(?P<year>(?:19|20)\d{2})\b)?",
        re.IGNORECASE,
    ),
    "year": re.compile(
        rf"\b{_LEAD}{_PART}(?P<year>(?:19|20)\d{{2}})\b(?![-–/%]\d|\d)", re.IGNORECASE
    ),
    "ago": re.compile(
        r"\b(?P<n>an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
        r"\s+(?P<unit>day|week|month|year)s?\s+ago\b",
        re.IGNORECASE,
    ),
}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_FUTURE = re.compile(
    r"\b(?:will|would|shall|due|scheduled|slated|expected|plans?\s+to|set\s+(?:to|for)|"
    r"upcoming|going\s+to)\b",
    re.IGNORECASE,
)


def _part_word(part: str | None) -> str | None:
    if not part:
        return None
    word = part.lower().split()[-2] if " " in part else part.lower()
    return {"beginning": "early", "start": "early", "middle": "mid", "end": "late"}.get(word, word)


def _with_part(part: str | None, base: str) -> str:
    word = _part_word(part)
    return f"{word} {base}" if word else base


def _month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _shift_month(day: datetime.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _interval(first: datetime.date, last: datetime.date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()}/{last.isoformat()}"


def _resolve(kind: str, m: re.Match[str], published: datetime.date) -> str | None:
    """The fuzzy date text a phrase means, or None for the future or a phrase to skip."""
    g = m.groupdict()
    if kind in ("relative", "earlier"):
        rel, unit = g["rel"].lower(), g["unit"].lower()
        if rel in ("next", "coming", "later", "past"):
            return None
        back = 1 if rel in ("last", "previous") else 0
        part = g.get("part")
        if unit == "year":
            return _with_part(part, f"{published.year - back:04d}")
        if unit == "month":
            return _with_part(part, _month_text(*_shift_month(published, -back)))
        if unit == "quarter":
            year, month = _shift_month(published, -3 * back)
            return f"{year:04d}-Q{(month + 2) // 3}"
        monday = published - datetime.timedelta(days=published.weekday() + 7 * back)
        end = monday + datetime.timedelta(days=6) if back else published
        return _interval(monday, end)
    if kind == "day":
        if g["word"].lower() == "tomorrow":
            return None
        return (published - datetime.timedelta(days=1)).isoformat()
    if kind == "weekend":
        if g["rel"].lower() == "last":
            sunday = published - datetime.timedelta(days=(published.weekday() + 1) % 7 or 7)
            return _interval(sunday - datetime.timedelta(days=1), sunday)
        saturday = published - datetime.timedelta(days=(published.weekday() - 5) % 7)
        return _interval(saturday, min(saturday + datetime.timedelta(days=1), published))
    if kind == "weekday":
        word, pre = g["wd"], (g["pre"] or "").lower()
        if not word[0].isupper() or pre == "next":
            return None
        target = _WEEKDAYS.index(word.lower())
        back = (published.weekday() - target) % 7
        if pre == "last" and back == 0:
            back = 7
        if pre == "this" and target > published.weekday():
            return None
        before = m.string[max(0, m.start() - 60) : m.start()]
        if pre not in ("last", "since") and _FUTURE.search(before):
            return None
        return (published - datetime.timedelta(days=back)).isoformat()
    if kind in ("month", "day-month"):
        word = g["mname"]
        if not word[0].isupper():
            return None
        pre = (g.get("pre") or "").lower()
        if kind == "month" and not (pre or g.get("part") or g["day"] or g["year"]):
            return None  # a bare "March" is too often something else ("May", "March Madness")
        if pre == "next":
            return None
        month = _MONTHS[word.lower()]
        if g["year"]:
            year = int(g["year"])
        else:
            year = published.year
            first_day = datetime.date(year, month, 1)
            if first_day > published or (pre == "last" and month == published.month):
                year -= 1
        if g["day"]:
            try:
                day = datetime.date(year, month, int(g["day"]))
            except ValueError:
                return None
            if not g["year"] and day > published:
                day = day.replace(year=year - 1) if not (month == 2 and day.day == 29) else day
            return day.isoformat()
        return _with_part(g.get("part"), _month_text(year, month))
    if kind == "year":
        if not (g.get("pre") or g.get("part")) or (g.get("pre") or "").lower() in (
            "next",
            "this",
            "last",
        ):
            return None
        return _with_part(g.get("part"), g["year"])
    if kind == "ago":
        n = int(g["n"]) if g["n"].isdigit() else _NUMBERS[g["n"].lower()]
        if n == 0:
            return None
        unit = g["unit"].lower()
        if unit in ("day", "week"):
            days = n * (7 if unit == "week" else 1)
            return (published - datetime.timedelta(days=days)).isoformat() + "~"
        if unit == "month":
            return _month_text(*_shift_month(published, -n)) + "~"
        return f"{published.year - n:04d}~"
    return None  # pragma: no cover - every kind is handled above


def relative_dates(text: str, published: datetime.date) -> list[DatePhrase]:
    """Date phrases in ``text`` ("since early this year", "late last month", "on Thursday"),
    resolved against the publication date; future ones ("next month") are left out."""
    found: list[tuple[int, int, str, re.Match[str]]] = []
    for kind, pattern in _PATTERNS.items():
        for m in pattern.finditer(text):
            if m.group().strip():
                found.append((m.start(), m.end(), kind, m))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    result: list[DatePhrase] = []
    last_end = -1
    for start, end, kind, m in found:
        if start < last_end:
            continue
        last_end = end
        value = _resolve(kind, m, published)
        if value is None:
            continue
        try:
            parsed = FuzzyDate.parse(value)
        except FuzzyDateError:
            continue
        if parsed.earliest > published:
            continue
        result.append(DatePhrase(start, end, m.group().strip(), parsed.text))
    return result


# --- sentences -----------------------------------------------------------------------------------

_ABBREVIATIONS = _words(
    "mr mrs ms dr prof inc corp co ltd jr sr st no vs etc gov sen rep gen lt col approx "
    "jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k u.n e.u"
)
_END = re.compile(r"[.!?]+[\"”’)\]]*\s+")


def _sentences(paragraph: str) -> list[tuple[int, str]]:
    """``(offset, sentence)`` for each sentence; never splits inside quotes or after "U.S."."""
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
        before = paragraph[max(start, m.start() - 40) : m.start()].split()
        word = before[-1].lower().rstrip(".") if before else ""
        nxt = paragraph[m.end() : m.end() + 1]
        if (
            not nxt
            or not (nxt.isupper() or nxt.isdigit() or nxt in '"“‘(')
            or word in _ABBREVIATIONS
            or re.fullmatch(r"[a-z]", word)
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


@dataclass(frozen=True)
class _Sentence:
    text: str
    mentions: list[_Mention]

    def ids(self) -> list[str]:
        return _unique(m.id for m in self.mentions)


def _shorten(sentence: str, around: tuple[int, int] | None = None) -> str:
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
        return _truncate(sentence[: around[1]].rstrip(), 2 * MAX_COMMENT) + more
    tail = _truncate(sentence[tail_start : around[1]].strip(), MAX_COMMENT)
    return f"{head} ... {tail}{more}"


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—– ")
    return cut + "…"


# --- attributions -------------------------------------------------------------------------------

_VERBS = (
    "said|says|reported|reports|told|wrote|writes|added|announced|confirmed|denied|disputed|"
    "stated|noted"
)
_VERB_RE = re.compile(rf"\b(?P<verb>{_VERBS})\b")
#: How far before a verb its subject is looked for (subjects have at most ten words).
_LOOKBACK = 200
_ACCORDING = re.compile(r"\baccording\s+to\s+(?P<who>[^,;.]+)", re.IGNORECASE)
_CITING = re.compile(r"\bciting\s+(?P<basis>[^,;]+?)\s*(?=[,;]|\.\s|\.?$)")
_SUBJECT_CUT = re.compile(
    r"[,;:()\"“”—–]|\b(?:that|while|but|after|before|when|which|who|because|although|whereas)\b"
)
_TRAILING_ADVERBS = _words(
    "also has have had previously earlier separately later first recently further then "
    "repeatedly publicly"
)
_PASSIVE = _words("was were is are be been being the a an widely so as not it's")
_PRONOUNS = _words("he she they it we i you this")
_PEOPLE = re.compile(
    r"\b(?:people|persons?|sources?|insiders?|officials?|employees?|executives?|documents?|"
    r"analysts?)\b",
    re.IGNORECASE,
)
_REPORT_WORDS = re.compile(
    r"\b(?:report|newspaper|publication|outlet|article|story)\b", re.IGNORECASE
)
_NO_COMMENT = re.compile(
    r"\b(?:did\s+not|didn't|does\s+not|doesn't|could\s+not|couldn't)\s+(?:immediately\s+)?"
    r"(?:respond|reply|return|comment)|\bdeclined\s+to\s+comment|\bno\s+immediate\s+comment|"
    r"\bnot\s+(?:immediately\s+)?available\s+for\s+comment|\bcould\s+not\s+be\s+"
    r"(?:immediately\s+)?reached|\brefused\s+to\s+comment",
    re.IGNORECASE,
)
_CONNECTIVE = re.compile(
    r"^(?:Meanwhile|However|Separately|Still|Also|Moreover|Furthermore|Instead|Nonetheless|"
    r"Nevertheless|In addition|Additionally|Elsewhere|Previously|Earlier|Later|Indeed|But|And|"
    r"Yet|So)\s*,?\s+(?=\S)"
)
_ROLES = (
    ("spokesperson", re.compile(r"\bspokes(?:person|man|woman)\b", re.IGNORECASE)),
    ("CEO", re.compile(r"\b(?:CEO|chief executive(?: officer)?)\b")),
    ("founder", re.compile(r"\bfounder\b", re.IGNORECASE)),
    ("chairman", re.compile(r"\bchair(?:man|woman|person)?\b", re.IGNORECASE)),
    ("analyst", re.compile(r"\banalyst\b", re.IGNORECASE)),
    ("minister", re.compile(r"\bminister\b", re.IGNORECASE)),
)


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\"[^\"]*\"|“[^”]*”", text)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``pos`` is inside one of the sorted, non-overlapping ``spans``."""
    i = bisect.bisect_left(spans, (pos, pos)) - 1
    return i >= 0 and spans[i][0] < pos < spans[i][1]


@dataclass(frozen=True)
class _Speaker:
    """Who says something: an entity id or free text, and what the text gives as basis/role."""

    by: str
    entity: str | None
    basis: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class _Attribution:
    speaker: _Speaker
    verb: str
    start: int  # where the attribution (and the clause boundary before it) begins
    end: int  # where it ends
    front: bool  # the sentence starts with it ("X said that ...")
    subject: str
    verb_end: int


class _Context:
    """What the whole article tells about attributions: its source and the reports it relays."""

    def __init__(self, registry: _Registry, source: str) -> None:
        self.registry = registry
        self.source = source
        self.via: list[str] = []

    @property
    def publisher(self) -> str:
        return self.via[0] if self.via else self.source

    def speaker(self, subject: str, offset: int, mentions: list[_Mention]) -> _Speaker | None:
        """Resolve a subject ("an Nvidia spokesperson", "the report", "two people ...")."""
        words = subject.split()
        if not words or len(words) > 10:
            return None
        first = bisect.bisect_left(mentions, offset, key=lambda m: m.start)
        last = bisect.bisect_left(mentions, offset + len(subject), key=lambda m: m.start)
        inside = [m for m in mentions[first:last] if m.end <= offset + len(subject)]
        role = next((name for name, pattern in _ROLES if pattern.search(subject)), None)
        if inside:
            entity = inside[-1].id
            if not self.registry.is_media(entity) and len(inside) > 1:
                # "Nvidia CEO Jensen Huang": the person; "an Nvidia spokesperson": the company.
                people = [m.id for m in inside if self.registry.entities[m.id].type == "person"]
                entity = people[-1] if people else entity
            return _Speaker(entity, entity, role=role)
        if words[0].lower() in _PRONOUNS and len(words) == 1:
            return None
        if _PEOPLE.search(subject):
            return _Speaker(self.publisher, self.publisher, basis=subject)
        if _REPORT_WORDS.search(subject):
            return _Speaker(self.publisher, self.publisher)
        text = _strip_dates(subject)
        text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE).strip()
        if not text:
            return None
        return _Speaker(text[0].upper() + text[1:], None, role=role)

    def attributions(self, sentence: _Sentence) -> Iterator[_Attribution]:
        text = sentence.text
        quotes = _quoted_spans(text)
        lead = _CONNECTIVE.match(text)
        lead_end = lead.end() if lead else 0
        for m in _VERB_RE.finditer(text):
            if _inside(m.start(), quotes):
                continue
            window = max(0, m.start() - _LOOKBACK)
            cuts = list(_SUBJECT_CUT.finditer(text, window, m.start()))
            cut = cuts[-1] if cuts else None
            sub_start = cut.end() if cut else window
            sub_start = max(sub_start, lead_end) if sub_start <= lead_end else sub_start
            raw = text[sub_start : m.start()]
            subject = raw.strip()
            words = subject.split()
            while words and words[-1].lower() in _TRAILING_ADVERBS:
                words.pop()
            if not words or words[-1].lower() in _PASSIVE:
                continue
            subject = " ".join(words)
            offset = sub_start + (len(raw) - len(raw.lstrip()))
            speaker = self.speaker(subject, offset, sentence.mentions)
            if speaker is None:
                continue
            front = sub_start <= lead_end
            end = _clause_end(text, m.end())
            start = cut.start() if cut and not front and cut.group() in ",;—–" else sub_start
            basis = _CITING.search(text, m.end(), min(len(text), end + 1))
            if basis is not None:
                speaker = _Speaker(speaker.by, speaker.entity, basis["basis"], speaker.role)
            yield _Attribution(speaker, m["verb"], start, end, front, subject, m.end())
        for m in _ACCORDING.finditer(text):
            who = m["who"].strip()
            speaker = self.speaker(who, m.start("who"), sentence.mentions)
            if speaker is None:
                continue
            start = m.start()
            comma = re.search(r",\s*$", text[max(0, start - 8) : start])
            if comma is not None:
                start = max(0, start - 8) + comma.start()
            yield _Attribution(speaker, "according to", start, m.end(), start == 0, who, m.end())

    def find_via(self, sentence: _Sentence) -> None:
        for a in self.attributions(sentence):
            entity = a.speaker.entity
            if self.registry.is_media(entity) and entity != self.source and entity is not None:
                self.via = _unique([*self.via, entity])
        text = sentence.text
        for m in sentence.mentions:
            if not self.registry.is_media(m.id) or m.id == self.source:
                continue
            before = text[max(0, m.start - 40) : m.start].lower()
            after = text[m.end : m.end + 20].lower()
            if re.match(r"(?:'s|’s)?\s+report\b", after) or re.search(
                r"\b(?:report|reports|story|article)\s+(?:by|in|from)\s+$", before
            ):
                self.via = _unique([*self.via, m.id])


_CLAUSE_END = re.compile(r"[,;]|\.(?:\s|$)|$")


def _clause_end(text: str, pos: int) -> int:
    """Where the attribution clause starting before ``pos`` ends (", citing ..." included)."""
    limit = min(len(text), pos + _LOOKBACK)
    m = _CLAUSE_END.search(text, pos, limit)
    end = m.start() if m else limit
    follow = re.compile(r",\s*(?:citing|according\s+to)\b").match(text, end)
    if follow is not None:
        limit = min(len(text), follow.end() + _LOOKBACK)
        again = _CLAUSE_END.search(text, follow.end(), limit)
        end = again.start() if again else limit
    return end


def _strip_dates(text: str) -> str:
    out = text
    for phrase in reversed(relative_dates(text, datetime.date(9999, 12, 31))):
        out = out[: phrase.start] + out[phrase.end :]
    return _one_line(out)


def _clean_claim(text: str) -> str:
    text = _one_line(text)
    text = re.sub(r"\s+([,;]|\.(?!\.))", r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    text = _CONNECTIVE.sub("", text)
    text = text.strip(" ,;:—–-")
    text = re.sub(r",([\"”])$", r"\1", text)
    text = text.rstrip(".").rstrip()
    text = re.sub(r",([\"”])$", r"\1", text)
    quoted = re.fullmatch(r"[\"“]([^\"“”]+)[\"”]", text)
    if quoted:
        text = quoted[1].strip().rstrip(",.").strip()
    return _truncate(text[:1].upper() + text[1:], MAX_CLAIM) if text else text


# --- proposals ----------------------------------------------------------------------------------


@dataclass
class _Proposal:
    comment: str
    fields: dict[str, Any]


_STOP = _words("the a an of to and that its has have been their in on for with by as")


def _id_from(title: str, taken: set[str]) -> str:
    text = re.sub(r"['’]", "", title)
    words = [w for w in suggest_slug(text).split("-") if w and w not in _STOP]
    base = "-".join(words[:6])[:60].strip("-") or "event"
    if slug_problem(base):
        base = "event"
    candidate, n = base, 2
    while collision_key(candidate) in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(collision_key(candidate))
    return candidate


_CLAUSE_SPLIT = re.compile(
    r",\s+(?=(?:while|but|and|as|with|which|although|though|after|before|partly|citing|"
    r"according|whereas|even)\b)|;\s+|\s+[—–]\s+"
)


def _event_title(sentence: _Sentence, phrase: DatePhrase, context: _Context) -> str:
    """The clause that holds the date phrase, without the phrase (the date is shown apart)."""
    title = _clause_with(sentence, phrase, context)
    without = re.sub(rf"\s*\b{re.escape(phrase.phrase)}\b", "", title, count=1)
    without = _one_line(re.sub(r"\s+([,;:])", r"\1", without)).strip(" ,;:")
    if len(without.split()) >= 3:
        title = without[:1].upper() + without[1:]
    return _truncate(title, MAX_EVENT_TITLE)


def _clause_with(sentence: _Sentence, phrase: DatePhrase, context: _Context) -> str:
    text = sentence.text.rstrip().rstrip(".")
    for a in context.attributions(sentence):
        if not a.front and a.start <= phrase.start < a.end and a.verb != "according to":
            content = text[: a.start] + text[a.end :]
            first = _CLAUSE_SPLIT.split(_clean_claim(content))[0]
            who = a.subject[:1].upper() + a.subject[1:]
            return f"{who} {a.verb}: {first}"
    lead = _CONNECTIVE.match(text)
    offset = lead.end() if lead else 0
    body = text[offset:]
    pos = phrase.start - offset
    clauses: list[tuple[int, int]] = []
    start = 0
    for m in _CLAUSE_SPLIT.finditer(body):
        clauses.append((start, m.start()))
        start = m.end()
    clauses.append((start, len(body)))
    chosen = next(((a, b) for a, b in clauses if a <= pos <= b), clauses[0])
    if chosen[1] - chosen[0] < 30:
        chosen = (0, chosen[1])
    title = body[chosen[0] : chosen[1]].strip(" ,;")
    return title[:1].upper() + title[1:]


def _events(
    sentences: list[_Sentence], published: datetime.date, context: _Context, taken: set[str]
) -> list[_Proposal]:
    out: list[_Proposal] = []
    for sentence in sentences:
        seen: set[str] = set()
        for phrase in relative_dates(sentence.text, published):
            if phrase.date in seen:
                continue
            seen.add(phrase.date)
            title = _event_title(sentence, phrase, context)
            fields: dict[str, Any] = {
                "id": _id_from(title, taken),
                "date": phrase.date,
                "title": title,
                "entities": sentence.ids(),
            }
            comment = _shorten(sentence.text, (phrase.start, phrase.end))
            out.append(_Proposal(f'"{comment}" ({phrase.phrase} → {phrase.date})', fields))
    return out


def _claims(sentences: list[_Sentence], context: _Context) -> list[_Proposal]:
    out: list[_Proposal] = []
    registry, source = context.registry, context.source
    provenance = {source, *context.via}
    for sentence in sentences:
        text = sentence.text
        no_comment = _NO_COMMENT.search(text)
        if no_comment is not None:
            entities = [i for i in sentence.ids() if i != source]
            fields: dict[str, Any] = {
                "text": _clean_claim(text),
                "by": source,
                "status": "no-comment",
                "entities": entities,
            }
            out.append(_Proposal(f'"{_shorten(text)}"', fields))
            continue
        attribution = next(iter(context.attributions(sentence)), None)
        if attribution is None:
            continue
        if attribution.front:
            rest = text[attribution.end :] if attribution.verb == "according to" else ""
            if not rest:
                after = text[attribution.verb_end :]
                that = re.match(r"\s*(?:[^,\"“]{0,60}?\s)?that\s+(?P<rest>.+)", after)
                rest = that["rest"] if that else text
            claim_text = _clean_claim(rest)
        else:
            claim_text = _clean_claim(text[: attribution.start] + text[attribution.end :])
        if not claim_text:
            continue
        speaker = attribution.speaker
        status = {"confirmed": "confirmed", "denied": "denied", "disputed": "disputed"}.get(
            attribution.verb, "reported"
        )
        entities = [
            i
            for i in sentence.ids()
            if not (registry.is_media(i) and (i == speaker.entity or i in provenance))
        ]
        fields = {"text": claim_text, "by": speaker.by}
        if speaker.basis:
            fields["basis"] = speaker.basis
        fields["status"] = status
        fields["entities"] = entities
        around = (attribution.start, attribution.end)
        out.append(_Proposal(f'"{_shorten(text, around)}"', fields))
    return out


_QUOTE = re.compile(r"\"(?P<a>[^\"]{2,})\"|“(?P<b>[^”]{2,})”")
_SAY = r"(?:said|says|added|adds|told\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*|wrote|stated|noted)"
_AFTER = re.compile(rf"\s*,?\s*(?P<who>[^.;:!?\"“”]{{1,80}}?)\s+{_SAY}\b")
_AFTER_INVERTED = re.compile(rf"\s*,?\s*{_SAY}\s+(?P<who>[^.;:!?\"“”,]{{1,60}})")
_BEFORE = re.compile(rf"(?P<who>[^.;:!?\"“”,]{{1,80}}?)\s+{_SAY}\s*[,:]?\s*$")


def _quotes(paragraphs: list[str], registry: _Registry, context: _Context) -> list[_Proposal]:
    out: list[_Proposal] = []
    for paragraph in paragraphs:
        mentions = registry.mentions(paragraph)
        previous: _Speaker | None = None
        for m in _QUOTE.finditer(paragraph):
            quote = _one_line(m["a"] or m["b"] or "").strip().rstrip(",").strip()
            speaker: _Speaker | None = None
            after = _AFTER.match(paragraph, m.end())
            inverted = _AFTER_INVERTED.match(paragraph, m.end())
            before = _BEFORE.search(paragraph, max(0, m.start() - _LOOKBACK), m.start())
            for found in (after, inverted, before):
                if found is None:
                    continue
                who = found["who"].strip()
                speaker = context.speaker(who, found.start("who"), mentions)
                if speaker is not None:
                    break
            if speaker is None and previous is not None and len(quote.split()) >= 4:
                speaker = previous  # a quote continued after "... ," he said.
            if speaker is None or len(quote.split()) < 3:
                continue
            previous = speaker
            fields: dict[str, Any] = {"by": speaker.by}
            if speaker.role:
                fields["role"] = speaker.role
            fields["text"] = _truncate(quote, MAX_CLAIM)
            out.append(_Proposal(f'"{_shorten(paragraph, m.span())}"', fields))
    return out


# --- names not in the registry ------------------------------------------------------------------

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[\w][\w&'’.-]*[\w]|\w")
_CONNECTORS = frozenset({"of", "de", "van", "von", "bin", "al", "&", "der", "la"})
_COMMON_ACRONYMS = _words(
    "AI CEO CFO CTO COO US U.S. UK U.K. EU E.U. UN U.N. GPU GPUS CPU CPUS IPO AM PM GMT EST "
    "UTC USD TV IT PC OK I II III R&D AI's HQ Q1 Q2 Q3 Q4 ID FY LLM LLMS API APIS"
)
_TITLES = _words(
    "CEO President Chairman Chairwoman Minister Secretary Chief Executive Senator Sen. Mr Mr. "
    "Ms Ms. Mrs Mrs. Dr Dr. Premier Vice Director Founder Governor Gov. Representative "
    "Rep."
)
_CALENDAR = frozenset(
    [w.capitalize() for w in _WEEKDAYS] + [w.capitalize() for w in _MONTHS] + ["Sept."]
)


def _name_tokens(text: str) -> list[tuple[int, int, str]]:
    tokens = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        if word.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.){2,}", word):
            word = word.rstrip(".")
        tokens.append((m.start(), m.start() + len(word), word))
    return tokens


def _is_acronym(word: str) -> bool:
    base = re.sub(r"(?:'s|’s)$", "", word)
    return bool(
        re.fullmatch(r"(?:[A-Z]\.){2,}", base)
        or (re.fullmatch(r"[A-Z0-9&-]{2,}", base) and sum(c.isupper() for c in base) >= 2)
        or (re.fullmatch(r"[A-Z][A-Za-z]*\d[\w-]*", base))
    )


def _not_in_registry(sentences: list[_Sentence], registry: _Registry) -> list[str]:
    """Capitalised runs and acronyms (not a sentence's first word) that the registry misses."""
    known = {_fold(n) for e in registry.entities.values() for n in (e.name, *e.aliases)}
    capitalised_inside: set[str] = set()
    for sentence in sentences:
        for i, (_, _, word) in enumerate(_name_tokens(sentence.text)):
            if i and word[:1].isupper():
                capitalised_inside.add(re.sub(r"(?:'s|’s)$", "", word))
    found: list[str] = []
    for sentence in sentences:
        text = sentence.text
        covered = [(m.start, m.end) for m in sentence.mentions]
        runs: list[list[tuple[int, int, str]]] = [[]]
        tokens = _name_tokens(text)
        next_mention = 0
        for i, (start, end, word) in enumerate(tokens):
            gap = text[tokens[i - 1][1] : start] if i else ""
            first = i == 0 or text[max(0, start - 8) : start].rstrip()[-1:] in ('"', "“", "(")
            base = re.sub(r"(?:'s|’s)$", "", word)
            is_name = word[:1].isupper() and (
                not first or _is_acronym(word) or base in capitalised_inside
            )
            while next_mention < len(covered) and covered[next_mention][1] <= start:
                next_mention += 1
            in_registry = next_mention < len(covered) and covered[next_mention][0] < end
            run = runs[-1]
            if run and (gap.strip() or in_registry):
                runs.append([])
                run = runs[-1]
            if in_registry:
                continue
            if is_name:
                run.append((start, end, base))
                if base != word:  # a possessive ends the name
                    runs.append([])
            elif word in _CONNECTORS and run:
                run.append((start, end, word))
            elif run:
                runs.append([])
        for run in runs:
            words = [w for _, _, w in run]
            while words and (
                words[0] in _TITLES
                or words[0] in _CONNECTORS
                or words[0] in _COMMON_ACRONYMS
                or words[0] in ("The", "A", "An")
            ):
                words.pop(0)
            while words and (
                words[-1] in _CONNECTORS or words[-1] in _CALENDAR or words[-1] in _COMMON_ACRONYMS
            ):
                words.pop()
            names = [w for w in words if w not in _CONNECTORS]
            if not names or all(w in _CALENDAR for w in names):
                continue
            if len(names) == 1 and not (_is_acronym(names[0]) and names[0] not in _COMMON_ACRONYMS):
                continue
            if len(names) > 1 and all(w in _COMMON_ACRONYMS or w in _TITLES for w in names):
                continue
            name = " ".join(words)
            if _fold(name) in known or any(_fold(name) == _fold(f) for f in found):
                continue
            found.append(name)
    return found


def _entity_hint(name: str) -> str:
    slug = suggest_slug(re.sub(r"['’]", "", name)) or "ID"
    kind = "TYPE"
    if re.search(r"\b(?:Corp|Inc|Group|Ltd|Co|Holdings|Technologies|Technology|Company)\b", name):
        kind = "company"
    elif re.search(r"\b(?:Ministry|Department|Commission|Bureau|Administration|Agency)\b", name):
        kind = "government"
    elif re.search(r"\d", name):
        kind = "product"
    return f"briefing new entity {slug} --type {kind}"


# --- writing ------------------------------------------------------------------------------------

_PLAIN_ID = re.compile(r"[a-z][a-z0-9-]*\Z")
_YAML_WORDS = _words("true false null yes no on off y n")


def _q(value: str) -> str:
    """A double-quoted YAML scalar that reads back as exactly ``value``."""
    dumped = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=1_000_000_000)
    return dumped.strip().removesuffix("...").strip()


def _id(value: str) -> str:
    return value if _PLAIN_ID.match(value) and value not in _YAML_WORDS else _q(value)


def _ids(values: list[str]) -> str:
    return "[" + ", ".join(_id(v) for v in values) + "]"


def _comment(text: str) -> str:
    return "# " + _one_line(text)


def _items(name: str, proposals: list[_Proposal], ids: tuple[str, ...]) -> list[str]:
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
    return lines


@dataclass
class _Draft:
    title: str
    date: datetime.date
    source: str
    source_note: str
    via: list[str]
    authors: list[str]
    summary: str
    entities: list[str]
    unknown: list[str]
    events: list[_Proposal]
    claims: list[_Proposal]
    quotes: list[_Proposal]
    body: str
    origin: str

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
            lines.append("  # not in the registry (add with briefing new entity ID --type T):")
            lines += ["  #   " + _one_line(f"{n}: {_entity_hint(n)}") for n in self.unknown]
        lines += _items("events", self.events, ("id",))
        lines += _items("claims", self.claims, ("by",))
        lines += _items("quotes", self.quotes, ("by",))
        lines += ["publish: excerpt", "draft: true", "---"]
        return "\n".join(lines) + "\n" + self.body


def _body(paragraphs: list[str]) -> str:
    out = []
    for p in paragraphs:
        p = re.sub(r"^(#+)", r"\\\1", p)  # a hashtag at a paragraph's start is not a heading
        p = re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", p)  # "1. " is not a list here
        out.append(p)
    return "\n\n".join(out) + ("\n" if out else "")


# --- the command --------------------------------------------------------------------------------


def _resolve_source(
    registry: _Registry, source: str | None, dateline: Dateline | None
) -> tuple[str, str]:
    """``(entity id, how it was found)``."""
    if source is not None:
        value = source.strip()
        if value in registry.entities:
            return value, "given with --source"
        named = registry.exactly(value)
        if named is not None:
            return named, f"--source {value}"
        hint = did_you_mean(value, registry.entities)
        problem = slug_problem(value, "id")
        what = f"'{value}' is not an entity id" if problem else f"unknown --source '{value}'"
        raise ImportFailed(
            f"{what}{hint}; give the id of the publisher in seeds/entities/ "
            f"(or add it with: briefing new entity {suggest_slug(value) or 'ID'} --type media)"
        )
    if dateline is None:
        raise ImportFailed(
            "no dateline such as '(Reuters) -' at the start of the article, so the source is "
            "unknown; pass --source ID"
        )
    found = registry.named(dateline.agency)
    if found is None:
        slug = suggest_slug(dateline.agency) or "ID"
        raise ImportFailed(
            f"the dateline '{dateline.text}' names '{dateline.agency}', which is not in the "
            f"registry; add it (briefing new entity {slug} --type media) or pass --source ID"
        )
    return found, f'from the dateline "{dateline.text}"'


def _title_slug(title: str) -> str:
    words = suggest_slug(re.sub(r"['’]", "", title)).split("-")
    return "-".join(w for w in words[:SLUG_WORDS] if w)


def import_article(
    project: Project,
    source_file: Path,
    *,
    date: datetime.date | None = None,
    source: str | None = None,
    out_dir: Path | None = None,
) -> Imported:
    """Turn a raw article into a draft seed ``seeds/<year>/<date>-<slug>.md``; never overwrites."""
    text = _read_article(source_file, project.max_file_bytes)
    article = _split_article(text)
    problems = Problems()
    sources = load(project.root, project.seeds_dir, problems, max_bytes=project.max_file_bytes)
    registry = _Registry(
        _Entity(e.id, e.data.name, e.data.type, tuple(e.data.aliases)) for e in sources.entities
    )
    first = article.paragraphs[0] if article.paragraphs else ""
    dateline = find_dateline(first)
    if isinstance(date, datetime.datetime):
        date = date.date()
    published = date if date is not None else _publication_date(article, dateline)
    source_id, source_note = _resolve_source(registry, source, dateline)

    slug_words = _title_slug(article.title) or suggest_slug(source_file.stem)[:60] or "article"
    slug = f"{published.isoformat()}-{slug_words}"[:MAX_SLUG_LENGTH].rstrip("-")
    folder = out_dir if out_dir is not None else project.seeds_dir / f"{published.year:04d}"
    target = folder / f"{slug}.md"
    shown = posix(target, project.root)
    if target.exists():
        raise ImportFailed(
            f"{shown} already exists; it was left as it was (import never overwrites)"
        )
    taken_slugs = {collision_key(s) for s in sources.all_slugs}
    if collision_key(slug) in taken_slugs:
        raise ImportFailed(
            f"a seed with the slug '{slug}' already exists in {posix(project.seeds_dir, project.root)}"
            "; import never overwrites"
        )

    # Sentences of the body, with the dateline left out of the first paragraph.
    analysed = [first[dateline.end :] if dateline else first, *article.paragraphs[1:]]
    sentences = [
        _Sentence(s, registry.mentions(s))
        for paragraph in analysed
        for _, s in _sentences(paragraph)
    ]
    context = _Context(registry, source_id)
    title_sentence = _Sentence(article.title, registry.mentions(article.title))
    for sentence in [title_sentence, *sentences]:
        context.find_via(sentence)
    everything = "\n".join([article.title, *article.paragraphs])
    entities = registry.ids_in(everything)
    for extra in (source_id, *context.via):
        if extra not in entities:
            entities.append(extra)

    taken_events = {
        collision_key(e.id or f"{s.slug}-event-{i + 1}")
        for s in sources.seeds
        for i, e in enumerate(s.data.events)
    }
    events = _events(sentences, published, context, taken_events)
    claims = _claims(sentences, context)
    quotes = _quotes(analysed, registry, context)
    unknown = _not_in_registry(sentences, registry)
    summary = _truncate(sentences[0].text, MAX_CLAIM) if sentences else ""
    origin = _one_line(source_file.name).replace("`", "'")
    draft = _Draft(
        title=article.title,
        date=published,
        source=source_id,
        source_note=source_note,
        via=context.via,
        authors=article.authors,
        summary=summary,
        entities=entities,
        unknown=unknown,
        events=events,
        claims=claims,
        quotes=quotes,
        body=_body(article.paragraphs),
        origin=origin,
    )
    rendered = draft.render()
    _self_check(rendered, shown)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(rendered)
    except FileExistsError:
        raise ImportFailed(
            f"{shown} already exists; it was left as it was (import never overwrites)"
        ) from None
    except OSError as exc:
        raise ImportFailed(f"{shown} cannot be written: {exc.strerror or exc}") from None
    return Imported(
        path=target,
        slug=slug,
        found_entities=entities,
        events=len(events),
        claims=len(claims),
        quotes=len(quotes),
        source=source_id,
        via=list(context.via),
        not_in_registry=unknown,
    )


def _self_check(rendered: str, shown: str) -> None:
    """The draft must read back through the project's own loader and schema."""
    front = rendered.split("\n---\n", 1)[0].removeprefix("---\n")
    try:
        doc = yamlsafe.parse(front, first_line=2)
        SeedIn.model_validate(doc.value)
    except (yamlsafe.YamlError, ValidationError) as exc:  # pragma: no cover - a bug if reached
        raise ImportFailed(
            f"the draft for {shown} does not validate ({exc}); nothing was written"
        ) from None
