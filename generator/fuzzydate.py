"""Fuzzy dates for reported events.

News articles rarely give an exact day: they say "in August", "late 2025" or "around the third
quarter". Each event date is therefore kept as the text the editor wrote (a small, EDTF-like
syntax) together with the range of days it could mean, so that events can be sorted, compared and
read aloud without ever inventing a precision the source did not give.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["FuzzyDate", "FuzzyDateError", "Precision", "sort_events_key"]

Precision = Literal["day", "month", "year", "part", "quarter", "interval"]

# Written out rather than taken from `calendar.month_name`, which follows the process locale.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

MIN_YEAR = 1000
MAX_YEAR = 9998  # so that the day after any date still exists (calendars, drawings)
OPEN = ".."
DASH = " – "
PARTS = ("early", "mid", "late")

_EXAMPLES = "2025-09, early 2025, 2025-Q3, 2025-08/2025-09"
_PART_EXAMPLES = "early 2025, mid 2025-08, late 2025"
_QUALIFIER_EXAMPLES = "2025-08~, 2025-08?, 2025-08%"
_OPEN_EXAMPLES = "2025-08/.., ../2025-09"
# '~' approximate, '?' uncertain, '%' both (as in EDTF).
_QUALIFIERS: dict[str, tuple[bool, bool]] = {
    "~": (True, False),
    "?": (False, True),
    "%": (True, True),
}
_APPROX_WORDS = frozenset({"c", "ca", "circa", "about", "around", "approx", "approximately"})

_POINT_RE = re.compile(
    r"(?P<year>[0-9]+)(?:-(?P<month>[0-9]+)(?:-(?P<day>[0-9]+))?|-[qQ](?P<quarter>[0-9]+))?"
)
_PART_RE = re.compile(r"(?P<word>[A-Za-z]+)(?:-| )(?P<rest>.+)")
_WORD_RE = re.compile(r"[A-Za-z]+")
_MAX_SHOWN = 80


class FuzzyDateError(ValueError):
    """A date an editor wrote that cannot be understood.

    The message is one sentence meant to follow 'path:line: field: ' and ends with examples of good
    values, so the editor can fix the source without reading this module.
    """


def _shown(value: object, limit: int = _MAX_SHOWN) -> str:
    """Quote the offending value, shortened so one bad field cannot flood the error report."""
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 2] + "…" + text[-1]
    return text


def _error(value: object, reason: str, examples: str = _EXAMPLES) -> FuzzyDateError:
    return FuzzyDateError(f"{_shown(value)} is not a date: {reason} (e.g. {examples})")


@dataclass(frozen=True)
class FuzzyDate:
    """A reported date: the normalised text plus the range of days it could mean.

    Ordering and overlap work on [earliest, latest]; `words` renders the text for readers, never
    narrowing it to a day the source did not give.
    """

    text: str
    earliest: datetime.date
    latest: datetime.date
    precision: Precision
    approximate: bool
    uncertain: bool

    @classmethod
    def parse(cls, text: str | datetime.date) -> FuzzyDate:
        """Read an event date; accepts `datetime.date` because YAML turns 2025-09-11 into one."""
        if isinstance(text, datetime.datetime):
            text = text.date()
        if isinstance(text, datetime.date):
            if not MIN_YEAR <= text.year <= MAX_YEAR:
                raise _error(text, f"year {text.year} is outside {MIN_YEAR}–{MAX_YEAR}")
            return cls(text.isoformat(), text, text, "day", False, False)
        if not isinstance(text, str):
            raise _error(
                text,
                f"expected text but got a {type(text).__name__}; put the date in quotes",
                "'2025', '2025-09'",
            )
        return _parse_text(text)

    @property
    def sort_key(self) -> tuple[datetime.date, datetime.date]:
        """Earliest possible day first; of two dates starting together, the narrower one first."""
        return (self.earliest, self.latest)

    @property
    def is_exact_day(self) -> bool:
        """Only such dates may be shown or exported as a single calendar day."""
        return self.precision == "day" and not self.approximate and not self.uncertain

    @property
    def open_start(self) -> bool:
        """An interval with no known start ('../2025-09')."""
        return self.precision == "interval" and self.text.startswith(OPEN + "/")

    @property
    def open_end(self) -> bool:
        """An interval with no known end ('2025-08/..')."""
        return self.precision == "interval" and self.text.endswith("/" + OPEN)

    def words(self) -> str:
        """How a person would say the date, keeping exactly the precision of the source."""
        if self.precision != "interval":
            return _point_words(self, lead=True)
        return _interval_words(self)

    def iso(self) -> str:
        """The normalised machine form, for JSON export; equal to `text`."""
        return self.text

    def overlaps(self, other: FuzzyDate) -> bool:
        """Whether the two dates could share a day (their [earliest, latest] ranges meet)."""
        return self.earliest <= other.latest and other.earliest <= self.latest

    def __str__(self) -> str:
        return self.words()


def sort_events_key(date: FuzzyDate, title: str) -> tuple[datetime.date, datetime.date, str, str]:
    """Timeline order: earliest day, then latest day, then title (case-insensitive, then exact).

    The exact title is the last tie-breaker so that the order never depends on input order.
    """
    return (date.earliest, date.latest, title.casefold(), title)


# --- parsing -------------------------------------------------------------------------------------


def _parse_text(raw: str) -> FuzzyDate:
    text = " ".join(raw.split())
    if not text:
        raise _error(raw, "it is empty")
    if "/" not in text:
        if text == OPEN:
            raise _error(raw, f"'{OPEN}' only marks an open end of an interval", _OPEN_EXAMPLES)
        return _parse_point(text, raw)
    sides = [side.strip() for side in text.split("/")]
    if len(sides) > 2:
        raise _error(raw, "an interval has exactly one '/'", "2025-08/2025-09")
    start_text, end_text = sides
    for side, which in ((start_text, "start"), (end_text, "end")):
        if not side:
            raise _error(
                raw,
                f"the {which} of the interval is missing; write '{OPEN}' for an open {which}",
                _OPEN_EXAMPLES,
            )
    if start_text == OPEN and end_text == OPEN:
        raise _error(raw, "an interval needs at least one known end", _OPEN_EXAMPLES)
    start = None if start_text == OPEN else _parse_point(start_text, raw)
    end = None if end_text == OPEN else _parse_point(end_text, raw)
    if start is not None and end is not None and start.earliest > end.latest:
        raise _error(
            raw,
            f"the interval starts ({start.words()}) after it ends ({end.words()})",
            "2025-08/2025-09",
        )
    sides_parsed = [side for side in (start, end) if side is not None]
    return FuzzyDate(
        text=f"{start.text if start else OPEN}/{end.text if end else OPEN}",
        earliest=start.earliest if start else datetime.date.min,
        latest=end.latest if end else datetime.date.max,
        precision="interval",
        approximate=any(side.approximate for side in sides_parsed),
        uncertain=any(side.uncertain for side in sides_parsed),
    )


def _parse_point(side: str, raw: str) -> FuzzyDate:
    """Parse one non-interval form, with an optional trailing qualifier."""
    body = side
    suffix = ""
    while body and body[-1] in _QUALIFIERS:
        suffix = body[-1] + suffix
        body = body[:-1].rstrip()
    if len(suffix) > 1:
        raise _error(
            raw,
            "use a single qualifier: '~' approximate, '?' uncertain, '%' both",
            _QUALIFIER_EXAMPLES,
        )
    if any(mark in body for mark in _QUALIFIERS):
        raise _error(raw, "a qualifier '~', '?' or '%' goes at the end", _QUALIFIER_EXAMPLES)
    if not body:
        raise _error(raw, "a qualifier needs a date before it", _QUALIFIER_EXAMPLES)
    if body == OPEN:
        raise _error(raw, f"an open end '{OPEN}' cannot be qualified", _OPEN_EXAMPLES)
    approximate, uncertain = _QUALIFIERS[suffix] if suffix else (False, False)

    part_match = _PART_RE.fullmatch(body)
    if part_match is not None:
        word = part_match["word"].lower()
        if word in PARTS:
            base = _parse_plain(part_match["rest"], raw)
            if base.precision not in ("year", "month"):
                raise _error(raw, f"'{word}' applies to a year or a month", _PART_EXAMPLES)
            earliest, latest = _part_range(word, base)
            return FuzzyDate(
                f"{word} {base.text}{suffix}", earliest, latest, "part", approximate, uncertain
            )
    base = _parse_plain(body, raw)
    return FuzzyDate(
        base.text + suffix, base.earliest, base.latest, base.precision, approximate, uncertain
    )


def _parse_plain(body: str, raw: str) -> FuzzyDate:
    """Parse a bare day, month, year or quarter (no part word, no qualifier)."""
    match = _POINT_RE.fullmatch(body)
    if match is None:
        raise _unrecognised(body, raw)
    year = _check_year(match["year"], raw)
    if match["quarter"] is not None:
        quarter_text = match["quarter"]
        if len(quarter_text) != 1 or not 1 <= int(quarter_text) <= 4:
            raise _error(
                raw, f"quarter Q{quarter_text} does not exist; quarters run Q1 to Q4", "2025-Q3"
            )
        quarter = int(quarter_text)
        first_month = 3 * quarter - 2
        return FuzzyDate(
            f"{year:04d}-Q{quarter}",
            datetime.date(year, first_month, 1),
            _month_end(year, first_month + 2),
            "quarter",
            False,
            False,
        )
    if match["month"] is None:
        return FuzzyDate(
            f"{year:04d}",
            datetime.date(year, 1, 1),
            datetime.date(year, 12, 31),
            "year",
            False,
            False,
        )
    month = _check_month(match["month"], raw)
    if match["day"] is None:
        return FuzzyDate(
            f"{year:04d}-{month:02d}",
            datetime.date(year, month, 1),
            _month_end(year, month),
            "month",
            False,
            False,
        )
    day = _check_day(match["day"], year, month, raw)
    exact = datetime.date(year, month, day)
    return FuzzyDate(exact.isoformat(), exact, exact, "day", False, False)


def _check_year(text: str, raw: str) -> int:
    if len(text) != 4:
        raise _error(raw, f"the year must have four digits ({MIN_YEAR}–{MAX_YEAR})", "2025")
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _error(raw, f"year {year} is outside {MIN_YEAR}–{MAX_YEAR}", "2025")
    return year


def _check_month(text: str, raw: str) -> int:
    month = int(text)
    if not 1 <= month <= 12:
        raise _error(raw, f"month {month} does not exist")
    if len(text) != 2:
        raise _error(raw, "write the month with two digits", f"2025-{month:02d}")
    return month


def _check_day(text: str, year: int, month: int, raw: str) -> int:
    day = int(text)
    last = calendar.monthrange(year, month)[1]
    if day < 1:
        raise _error(raw, f"day {day} does not exist", f"{year:04d}-{month:02d}-01")
    if day > last:
        raise _error(
            raw,
            f"{MONTH_NAMES[month - 1]} {year} has only {last} days",
            f"{year:04d}-{month:02d}-{last:02d}",
        )
    if len(text) != 2:
        raise _error(raw, "write the day with two digits", f"{year:04d}-{month:02d}-{day:02d}")
    return day


def _unrecognised(body: str, raw: str) -> FuzzyDateError:
    """Explain the most likely mistake, so the suggestion fits what the editor meant."""
    if "–" in body or "—" in body:
        return _error(raw, "write an interval with '/' rather than a dash", "2025-08/2025-09")
    if ":" in body or re.search(r"[0-9]T[0-9]", body):
        return _error(raw, "give the day without a time", "2025-09-11")
    words = [word.lower() for word in _WORD_RE.findall(body)]
    for word in words:
        if any(name.lower().startswith(word) for name in MONTH_NAMES) and len(word) >= 3:
            return _error(raw, "write the month as a number", "2025-09, late 2025-08")
        if word in ("q", "quarter"):
            return _error(raw, "write a quarter after the year", "2025-Q3")
        if word in _APPROX_WORDS:
            return _error(raw, "mark an approximate date with '~' at the end", "2025-08~")
        if word in PARTS:
            return _error(raw, f"'{word}' must come before a year or a month", _PART_EXAMPLES)
        return _error(
            raw, f"{_shown(word, 30)} is not a known word; use early, mid or late", _PART_EXAMPLES
        )
    return _error(raw, "it is not in a known form")


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _part_range(word: str, base: FuzzyDate) -> tuple[datetime.date, datetime.date]:
    """Thirds: of a year Jan–Apr, May–Aug, Sep–Dec; of a month days 1–10, 11–20, 21–end."""
    index = PARTS.index(word)
    year = base.earliest.year
    if base.precision == "year":
        first = 1 + 4 * index
        return datetime.date(year, first, 1), _month_end(year, first + 3)
    month = base.earliest.month
    start = datetime.date(year, month, 1 + 10 * index)
    end = _month_end(year, month) if word == "late" else datetime.date(year, month, 10 + 10 * index)
    return start, end


# --- words ---------------------------------------------------------------------------------------


def day_words(day: datetime.date) -> str:
    """An exact day as a person writes it: ``20 October 2025``."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _month_year(day: datetime.date) -> str:
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def _day_month(day: datetime.date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]}"


def _plain_words(date: FuzzyDate, lead: bool) -> str:
    """Words for a non-interval date without its qualifier; `lead` capitalises a part word."""
    first = date.earliest
    if date.precision == "day":
        return f"{_day_month(first)} {first.year}"
    if date.precision == "month":
        return _month_year(first)
    if date.precision == "year":
        return str(first.year)
    if date.precision == "quarter":
        return f"Q{(first.month + 2) // 3} {first.year}"
    word = date.text.split()[0]
    period = _month_year(first) if first.month == date.latest.month else str(first.year)
    return f"{word.capitalize() if lead else word} {period}"


def _point_words(date: FuzzyDate, lead: bool) -> str:
    text = _plain_words(date, lead=lead and not date.approximate)
    if date.approximate:
        text = "c. " + text
    if date.uncertain:
        text += " (uncertain)"
    return text


def _interval_words(date: FuzzyDate) -> str:
    start_text, end_text = date.text.split("/")
    if start_text == OPEN:
        return "Until " + _point_words(_parse_point(end_text, date.text), lead=False)
    start = _parse_point(start_text, date.text)
    if end_text == OPEN:
        return "From " + _point_words(start, lead=False)
    end = _parse_point(end_text, date.text)
    if start.text == end.text:
        return _point_words(start, lead=True)
    qualified = start.approximate or start.uncertain or end.approximate or end.uncertain
    if not qualified and start.precision == end.precision:
        first, last = start.earliest, end.earliest
        same_year = first.year == last.year
        if start.precision == "month" and same_year:
            return f"{MONTH_NAMES[first.month - 1]}{DASH}{_month_year(last)}"
        if start.precision == "day" and same_year:
            if first.month == last.month:
                return f"{first.day}{DASH}{_day_month(last)} {last.year}"
            return f"{_day_month(first)}{DASH}{_day_month(last)} {last.year}"
    return _point_words(start, lead=True) + DASH + _point_words(end, lead=False)
