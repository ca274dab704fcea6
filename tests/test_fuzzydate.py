"""Tests for generator.fuzzydate: parsing, words, ordering, errors and properties."""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.fuzzydate import FuzzyDate, FuzzyDateError, sort_events_key

D = datetime.date
MIN = datetime.date.min
MAX = datetime.date.max

# text, earliest, latest, precision, approximate, uncertain
PARSE_CASES = [
    ("2025-09-11", D(2025, 9, 11), D(2025, 9, 11), "day", False, False),
    ("2025-08", D(2025, 8, 1), D(2025, 8, 31), "month", False, False),
    ("2025-09", D(2025, 9, 1), D(2025, 9, 30), "month", False, False),
    ("2025", D(2025, 1, 1), D(2025, 12, 31), "year", False, False),
    ("1000", D(1000, 1, 1), D(1000, 12, 31), "year", False, False),
    ("9998", D(9998, 1, 1), D(9998, 12, 31), "year", False, False),
    ("early 2025", D(2025, 1, 1), D(2025, 4, 30), "part", False, False),
    ("mid 2025", D(2025, 5, 1), D(2025, 8, 31), "part", False, False),
    ("late 2025", D(2025, 9, 1), D(2025, 12, 31), "part", False, False),
    ("early 2025-08", D(2025, 8, 1), D(2025, 8, 10), "part", False, False),
    ("mid 2025-08", D(2025, 8, 11), D(2025, 8, 20), "part", False, False),
    ("late 2025-08", D(2025, 8, 21), D(2025, 8, 31), "part", False, False),
    ("late 2025-02", D(2025, 2, 21), D(2025, 2, 28), "part", False, False),
    ("late 2024-02", D(2024, 2, 21), D(2024, 2, 29), "part", False, False),
    ("late 2025-04", D(2025, 4, 21), D(2025, 4, 30), "part", False, False),
    ("2025-Q1", D(2025, 1, 1), D(2025, 3, 31), "quarter", False, False),
    ("2025-Q2", D(2025, 4, 1), D(2025, 6, 30), "quarter", False, False),
    ("2025-Q3", D(2025, 7, 1), D(2025, 9, 30), "quarter", False, False),
    ("2025-Q4", D(2025, 10, 1), D(2025, 12, 31), "quarter", False, False),
    ("2024-02-29", D(2024, 2, 29), D(2024, 2, 29), "day", False, False),
    ("2000-02-29", D(2000, 2, 29), D(2000, 2, 29), "day", False, False),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "month", False, False),
    ("1900-02", D(1900, 2, 1), D(1900, 2, 28), "month", False, False),
    ("2025-08~", D(2025, 8, 1), D(2025, 8, 31), "month", True, False),
    ("2025-08?", D(2025, 8, 1), D(2025, 8, 31), "month", False, True),
    ("2025-08%", D(2025, 8, 1), D(2025, 8, 31), "month", True, True),
    ("early 2025~", D(2025, 1, 1), D(2025, 4, 30), "part", True, False),
    ("2025-Q3?", D(2025, 7, 1), D(2025, 9, 30), "quarter", False, True),
    ("2025-09-11~", D(2025, 9, 11), D(2025, 9, 11), "day", True, False),
    ("2025%", D(2025, 1, 1), D(2025, 12, 31), "year", True, True),
    ("2025-08/2025-09", D(2025, 8, 1), D(2025, 9, 30), "interval", False, False),
    ("2025-08/..", D(2025, 8, 1), MAX, "interval", False, False),
    ("../2025-09", MIN, D(2025, 9, 30), "interval", False, False),
    ("early 2025/2025-Q3", D(2025, 1, 1), D(2025, 9, 30), "interval", False, False),
    ("2025-08~/2025-09", D(2025, 8, 1), D(2025, 9, 30), "interval", True, False),
    ("2025-08/2025-09?", D(2025, 8, 1), D(2025, 9, 30), "interval", False, True),
    ("../late 2025-08%", MIN, D(2025, 8, 31), "interval", True, True),
    ("2025-08/2025-08", D(2025, 8, 1), D(2025, 8, 31), "interval", False, False),
    ("2025/2025-03", D(2025, 1, 1), D(2025, 3, 31), "interval", False, False),
]


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision", "approximate", "uncertain"), PARSE_CASES
)
def test_parse(
    text: str,
    earliest: datetime.date,
    latest: datetime.date,
    precision: str,
    approximate: bool,
    uncertain: bool,
) -> None:
    date = FuzzyDate.parse(text)
    assert (date.earliest, date.latest, date.precision) == (earliest, latest, precision)
    assert (date.approximate, date.uncertain) == (approximate, uncertain)
    assert date.text == text  # every case above is already in normal form
    assert date.iso() == text
    assert date.sort_key == (earliest, latest)


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("  2025-08  ", "2025-08"),
        ("Early 2025", "early 2025"),
        ("MID 2025-08", "mid 2025-08"),
        ("early   2025", "early 2025"),
        ("mid-2025", "mid 2025"),
        ("LATE-2025-08~", "late 2025-08~"),
        ("2025-q3", "2025-Q3"),
        ("2025-q3 ?", "2025-Q3?"),
        ("2025-08 / 2025-09", "2025-08/2025-09"),
        ("Early 2025 / ..", "early 2025/.."),
    ],
)
def test_normalised_text(text: str, normal: str) -> None:
    assert FuzzyDate.parse(text).text == normal
    assert FuzzyDate.parse(text) == FuzzyDate.parse(normal)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2025-09-11", "11 September 2025"),
        ("2025-09-01", "1 September 2025"),
        ("2025-08", "August 2025"),
        ("2025", "2025"),
        ("early 2025", "Early 2025"),
        ("mid 2025", "Mid 2025"),
        ("late 2025", "Late 2025"),
        ("late 2025-08", "Late August 2025"),
        ("early 2025-01", "Early January 2025"),
        ("2025-Q3", "Q3 2025"),
        ("2025-08~", "c. August 2025"),
        ("2025-08?", "August 2025 (uncertain)"),
        ("2025-08%", "c. August 2025 (uncertain)"),
        ("early 2025~", "c. early 2025"),
        ("mid 2025-08%", "c. mid August 2025 (uncertain)"),
        ("late 2025?", "Late 2025 (uncertain)"),
        ("2025-Q3?", "Q3 2025 (uncertain)"),
        ("2025-09-11~", "c. 11 September 2025"),
        ("2025~", "c. 2025"),
        ("2025-08/2025-09", "August – September 2025"),
        ("2025-08/2026-01", "August 2025 – January 2026"),
        ("2025-09-11/2025-09-14", "11 – 14 September 2025"),
        ("2025-09-28/2025-10-02", "28 September – 2 October 2025"),
        ("2025-12-28/2026-01-02", "28 December 2025 – 2 January 2026"),
        ("2024/2025", "2024 – 2025"),
        ("2025-08/..", "From August 2025"),
        ("../2025-09", "Until September 2025"),
        ("early 2025/..", "From early 2025"),
        ("../2025-09~", "Until c. September 2025"),
        ("../2025-09?", "Until September 2025 (uncertain)"),
        ("early 2025/2025-Q3", "Early 2025 – Q3 2025"),
        ("2025-Q1/late 2025", "Q1 2025 – late 2025"),
        ("2025-09-11/2025-10", "11 September 2025 – October 2025"),
        ("2025-08~/2025-09", "c. August 2025 – September 2025"),
        ("2025-08/2025-09?", "August 2025 – September 2025 (uncertain)"),
        ("2025-08/2025-08", "August 2025"),
    ],
)
def test_words(text: str, words: str) -> None:
    date = FuzzyDate.parse(text)
    assert date.words() == words
    assert str(date) == words


def test_ordering() -> None:
    expected = [
        ("../2025-09", "Background"),
        ("2024/2025", "Two-year programme"),
        ("2025-01-01", "New Year"),
        ("early 2025-01", "First days"),
        ("2025-01~", "Approximate January"),
        ("2025-01", "January thing"),
        ("2025-01", "january thing"),
        ("2025-Q1", "First quarter"),
        ("early 2025", "Early in the year"),
        ("2025", "All year"),
        ("mid 2025", "Mid year"),
        ("2025-08", "August"),
        ("2025-08/..", "Ongoing"),
        ("late 2025-08", "Late August"),
        ("2025-09-11", "B"),
        ("2025-09-11", "b"),
        ("2025-09-11", "c"),
        ("2026", "Next year"),
    ]
    events = [(FuzzyDate.parse(text), title) for text, title in reversed(expected)]
    ordered = sorted(events, key=lambda event: sort_events_key(*event))
    assert [(date.text, title) for date, title in ordered] == expected


INVALID_CASES = [
    ("2025-13", "month 13"),
    ("2025-00", "month 0"),
    ("2025-02-30", "28 days"),
    ("2023-02-29", "28 days"),
    ("2025-09-31", "30 days"),
    ("2025-09-00", "day 0"),
    ("0999", "1000–9998"),
    ("10000", "four digits"),
    ("25", "four digits"),
    ("sometime 2025", "early, mid or late"),
    ("", "empty"),
    ("   ", "empty"),
    ("../..", "known end"),
    ("..", "open end"),
    ("2025-09/2025-08", "after it ends"),
    ("2025-09-14/2025-09-11", "after it ends"),
    ("late 2025/early 2025", "after it ends"),
    ("2025-08/", "missing"),
    ("/2025-08", "missing"),
    ("2025/2026/2027", "one '/'"),
    ("2025-Q5", "Q5"),
    ("2025-Q0", "Q0"),
    ("early 2025-Q3", "year or a month"),
    ("late 2025-09-11", "year or a month"),
    ("2025-08~?", "single qualifier"),
    ("~2025-08", "at the end"),
    ("~", "date before it"),
    ("2025-08/..~", "cannot be qualified"),
    ("September 2025", "month as a number"),
    ("Q3 2025", "2025-Q3"),
    ("c. 2025", "'~'"),
    ("2025-9", "two digits"),
    ("2025-09-1", "two digits"),
    ("2025-08–2025-09", "'/'"),
    ("2025-09-11T10:00", "without a time"),
    ("early", "before a year"),
    ("2025.09", "known form"),
]


@pytest.mark.parametrize(("text", "fragment"), INVALID_CASES)
def test_invalid(text: str, fragment: str) -> None:
    with pytest.raises(FuzzyDateError) as caught:
        FuzzyDate.parse(text)
    message = str(caught.value)
    assert repr(text) in message
    assert "e.g." in message
    assert fragment in message
    assert message.endswith(")")
    assert "\n" not in message


def test_error_message_matches_documented_shape() -> None:
    with pytest.raises(FuzzyDateError) as caught:
        FuzzyDate.parse("2025-13")
    assert str(caught.value) == (
        "'2025-13' is not a date: month 13 does not exist "
        "(e.g. 2025-09, early 2025, 2025-Q3, 2025-08/2025-09)"
    )
    assert isinstance(caught.value, ValueError)


def test_long_bad_value_is_shortened() -> None:
    with pytest.raises(FuzzyDateError) as caught:
        FuzzyDate.parse("x" * 500)
    assert len(str(caught.value)) < 250


@pytest.mark.parametrize("value", [2025, 2025.0, None, ["2025"]])
def test_non_text_is_rejected(value: Any) -> None:
    with pytest.raises(FuzzyDateError, match="quotes"):
        FuzzyDate.parse(value)


def test_parse_accepts_date_objects() -> None:
    day = FuzzyDate.parse(D(2025, 9, 11))
    assert day == FuzzyDate.parse("2025-09-11")
    assert FuzzyDate.parse(datetime.datetime(2025, 9, 11, 10, 30)) == day
    with pytest.raises(FuzzyDateError, match="1000–9998"):
        FuzzyDate.parse(D(999, 1, 1))


@pytest.mark.parametrize(
    ("text", "exact", "open_start", "open_end"),
    [
        ("2025-09-11", True, False, False),
        ("2025-09-11~", False, False, False),
        ("2025-09-11?", False, False, False),
        ("2025-09", False, False, False),
        ("2025-09-11/2025-09-12", False, False, False),
        ("2025-08/..", False, False, True),
        ("../2025-08", False, True, False),
    ],
)
def test_flags(text: str, exact: bool, open_start: bool, open_end: bool) -> None:
    date = FuzzyDate.parse(text)
    assert (date.is_exact_day, date.open_start, date.open_end) == (exact, open_start, open_end)


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("2025-08", "2025-08-31", True),
        ("2025-08", "2025-09-01", False),
        ("2025", "late 2025-12", True),
        ("early 2025", "mid 2025", False),
        ("2025-Q3", "late 2025", True),
        ("2025-08/..", "9998", True),
        ("../2025-08", "1000", True),
        ("../2025-08", "2025-08/..", True),
        ("../2025-07", "2025-08/..", False),
        ("2024/2025", "2025-06-01", True),
    ],
)
def test_overlaps(left: str, right: str, expected: bool) -> None:
    a, b = FuzzyDate.parse(left), FuzzyDate.parse(right)
    assert a.overlaps(b) is expected
    assert b.overlaps(a) is expected


def test_frozen() -> None:
    date = FuzzyDate.parse("2025")
    with pytest.raises(dataclasses.FrozenInstanceError):
        date.text = "2026"  # type: ignore[misc]


# --- properties ----------------------------------------------------------------------------------

days = st.dates(min_value=D(1000, 1, 1), max_value=D(9998, 12, 31))
years = st.integers(min_value=1000, max_value=9998)
months = st.integers(min_value=1, max_value=12)
qualifiers = st.sampled_from(["", "~", "?", "%"])


@given(days)
def test_any_day_is_exact(day: datetime.date) -> None:
    date = FuzzyDate.parse(day.isoformat())
    assert date.earliest == date.latest == day
    assert date.is_exact_day
    assert FuzzyDate.parse(day) == date


@given(years)
def test_parts_tile_a_year(year: int) -> None:
    early, mid, late = (FuzzyDate.parse(f"{part} {year}") for part in ("early", "mid", "late"))
    assert early.earliest == D(year, 1, 1)
    assert early.latest + datetime.timedelta(days=1) == mid.earliest
    assert mid.latest + datetime.timedelta(days=1) == late.earliest
    assert late.latest == D(year, 12, 31)


@given(years, months)
def test_parts_tile_a_month(year: int, month: int) -> None:
    parts = [FuzzyDate.parse(f"{part} {year}-{month:02d}") for part in ("early", "mid", "late")]
    assert parts[0].earliest == D(year, month, 1)
    for before, after in itertools.pairwise(parts):
        assert before.latest + datetime.timedelta(days=1) == after.earliest
        assert not before.overlaps(after)
    assert parts[-1].latest == D(year, month, calendar.monthrange(year, month)[1])
    whole = FuzzyDate.parse(f"{year}-{month:02d}")
    assert (parts[0].earliest, parts[-1].latest) == (whole.earliest, whole.latest)


@given(years)
def test_quarters_tile_a_year(year: int) -> None:
    quarters = [FuzzyDate.parse(f"{year}-Q{quarter}") for quarter in range(1, 5)]
    assert quarters[0].earliest == D(year, 1, 1)
    for before, after in itertools.pairwise(quarters):
        assert before.latest + datetime.timedelta(days=1) == after.earliest
    assert quarters[-1].latest == D(year, 12, 31)


def _point_texts() -> st.SearchStrategy[str]:
    plain = st.one_of(
        days.map(lambda day: day.isoformat()),
        st.builds(lambda y, m: f"{y}-{m:02d}", years, months),
        years.map(str),
        st.builds(lambda y, q: f"{y}-Q{q}", years, st.integers(1, 4)),
        st.builds(
            lambda part, y, m: f"{part} {y}" if m is None else f"{part} {y}-{m:02d}",
            st.sampled_from(["early", "mid", "late"]),
            years,
            st.none() | months,
        ),
    )
    return st.builds(lambda text, qualifier: text + qualifier, plain, qualifiers)


@given(_point_texts())
def test_points_round_trip_and_read(text: str) -> None:
    date = FuzzyDate.parse(text)
    assert date.text == text
    assert FuzzyDate.parse(date.iso()) == date
    assert date.earliest <= date.latest
    assert date.words()
    assert date.approximate == (text[-1] in "~%")
    assert date.uncertain == (text[-1] in "?%")


@given(_point_texts(), _point_texts())
def test_intervals_of_any_two_points(first: str, second: str) -> None:
    a, b = FuzzyDate.parse(first), FuzzyDate.parse(second)
    if a.earliest > b.latest:
        a, b = b, a
        first, second = second, first
    date = FuzzyDate.parse(f"{first}/{second}")
    assert (date.earliest, date.latest) == (a.earliest, b.latest)
    assert date.approximate == (a.approximate or b.approximate)
    assert date.uncertain == (a.uncertain or b.uncertain)
    assert FuzzyDate.parse(date.text) == date
    assert " – " in date.words() or first == second or date.words() == a.words()
    if b.earliest > a.latest:
        with pytest.raises(FuzzyDateError, match="after it ends"):
            FuzzyDate.parse(f"{second}/{first}")


@given(days, days)
def test_words_of_day_intervals_name_both_days(one: datetime.date, two: datetime.date) -> None:
    start, end = min(one, two), max(one, two)
    words = FuzzyDate.parse(f"{start.isoformat()}/{end.isoformat()}").words()
    assert str(end.day) in words and str(end.year) in words
    if start != end:
        assert words.startswith(str(start.day) + " ")
