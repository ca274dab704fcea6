"""Dates: the publication date (dateline, date line, metadata) and relative date phrases.

"late last month" means nothing without the day the article appeared; every phrase is
resolved against it into a fuzzy date (SPEC §3), and phrases about the future are left out.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from ..fuzzydate import FuzzyDate, FuzzyDateError
from .text import ImportFailed, one_line

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


def full_date(text: str) -> tuple[datetime.date, re.Match[str]] | None:
    """The first whole date in ``text`` ("Sept. 11, 2025", "11 September 2025", "2025-09-11")."""
    for pattern in _FULL_DATES:
        for m in pattern.finditer(text):
            month = _MONTHS[m["mname"].lower()] if m.groupdict().get("mname") else int(m["month"])
            try:
                return datetime.date(int(m["year"]), month, int(m["day"])), m
            except ValueError:
                continue
    return None


def is_date_line(line: str) -> bool:
    """A short line that is mostly a date ("September 11, 2025 8:14 AM", "Published 2025-09-11")."""
    found = full_date(line)
    if found is None or len(line) > 80:
        return False
    rest = line[: found[1].start()] + line[found[1].end() :]
    return len(re.findall(r"[A-Za-z]{3,}", rest)) <= 5


@dataclass(frozen=True)
class Dateline:
    """``BEIJING, Sept 11 (Reuters) -``: where the body starts, who filed it and (maybe) when.

    A press release's ``SAN JOSE, Calif., June 2, 2026 --`` is a dateline without an agency
    (``agency`` is empty): it dates the article but names no publisher.
    """

    text: str
    agency: str
    lead: str
    end: int


_DATELINE = re.compile(
    r"(?P<lead>[^()\n]{0,80}?)\s*(?:\((?P<agency>[^()\n]{2,60})\)|/(?P<wire>[A-Z][\w ]{1,40})/)"
    r"\s*(?:--|-|–|—|:)\s*"
)
_RELEASE_DATELINE = re.compile(r"(?P<lead>[^()\n]{0,80}?\d{4})\s*(?:--|–|—|-)\s+")


def _place(lead: str) -> bool:
    """The lead of a dateline: a place in capitals ("BEIJING", "SAN FRANCISCO/SHANGHAI") or a date."""
    place = lead.split(",")[0].strip()
    return bool(re.fullmatch(r"[A-Z][A-Z .'/&-]*", place) or _MONTH_DAY.match(place))


def find_dateline(paragraph: str) -> Dateline | None:
    """The dateline at the start of the first paragraph, if it has one."""
    m = _DATELINE.match(paragraph)
    if m is not None:
        lead = m["lead"].strip()
        agency = one_line(m["agency"] or m["wire"])
        if len(agency.split()) <= 5 and agency[0].isupper() and (not lead or _place(lead)):
            return Dateline(m.group().strip(), agency, lead, m.end())
    release = _RELEASE_DATELINE.match(paragraph)
    if release is not None and _place(release["lead"]) and full_date(release["lead"]):
        return Dateline(release.group().strip(), "", release["lead"].strip(), release.end())
    return None


def publication_date(
    dateline: Dateline | None, header: list[str], paragraphs: list[str]
) -> datetime.date:
    """The dateline's date, else a date line under the title; ImportFailed asks for --date."""
    if dateline is not None:
        found = full_date(dateline.lead)
        if found is not None:
            return found[0]
    for line in header:
        found = full_date(line)
        if found is not None:
            return found[0]
    for paragraph in paragraphs:
        if is_date_line(paragraph):
            found = full_date(paragraph)
            if found is not None:
                return found[0]
    if dateline is not None and _MONTH_DAY.search(dateline.lead):
        seen = _MONTH_DAY.search(dateline.lead)
        assert seen is not None
        raise ImportFailed(
            f"the dateline gives '{seen.group()}' without a year; pass --date YYYY-MM-DD",
            field="date",
        )
    raise ImportFailed(
        "no publication date found in the article (looked for a dated dateline or a line "
        "such as 'September 11, 2025'); pass --date YYYY-MM-DD",
        field="date",
    )


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
    # "since the start of the year": the current one
    "the-unit": re.compile(
        r"\b(?:(?:since|in|from|until|by|at)\s+)?(?:the\s+)?"
        r"(?P<part>beginning|start|middle|end)\s+of\s+the\s+(?P<unit>year|month)\b",
        re.IGNORECASE,
    ),
    "earlier": re.compile(
        r"\b(?P<rel>earlier|later)\s+(?:this|in\s+the)\s+(?P<unit>year|month|week)\b",
        re.IGNORECASE,
    ),
    "day": re.compile(r"\b(?P<word>yesterday|today|tomorrow)\b", re.IGNORECASE),
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
#: A goal or plan before "this year" makes it a target, not something that happened.
_INTENT = re.compile(
    r"\b(?:aim(?:s|ed)?|plan(?:s|ned)?|hope[sd]?|intend(?:s|ed)?|target(?:s|ed)?|expect(?:s|ed)?|"
    r"want(?:s|ed)?|seeks?|sought)\s+to\b|\b(?:will|would|could|may|might)\b",
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
    if kind == "the-unit":
        unit = g["unit"].lower()
        base = str(published.year) if unit == "year" else _month_text(*_shift_month(published, 0))
        return _with_part(g["part"], base)
    if kind in ("relative", "earlier"):
        rel, unit = g["rel"].lower(), g["unit"].lower()
        before = m.string[max(0, m.start() - 80) : m.start()]
        if rel in ("this", "current") and not g.get("part") and _INTENT.search(before):
            return None
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
        if g["word"].lower() == "today":
            return published.isoformat()
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
