"""generator.yamlsafe: plain data only, no YAML 1.1 surprises, bounded, with lines (SPEC §6)."""

from __future__ import annotations

import time

import pytest

from generator.yamlsafe import MAX_DEPTH, YamlError, parse

# --- scalars: what the author wrote is what the schema gets -----------------------

SCALARS = [
    # YAML 1.1 traps: all stay exactly the text that was written
    ("NO", "NO"),
    ("no", "no"),
    ("yes", "yes"),
    ("Yes", "Yes"),
    ("on", "on"),
    ("off", "off"),
    ("y", "y"),
    ("12:30:00", "12:30:00"),
    ("1.10", "1.10"),
    ("1.0", "1.0"),
    ("1e3", "1e3"),
    (".inf", ".inf"),
    (".nan", ".nan"),
    ("010", "010"),
    ("0o17", "0o17"),
    ("0x1F", "0x1F"),
    ("1_000", "1_000"),
    ("2025-09-11", "2025-09-11"),
    ("2025-09-11T10:00:00Z", "2025-09-11T10:00:00Z"),
    ("123456789012345678901234567890", "123456789012345678901234567890"),
    # quoting always gives text
    ('"true"', "true"),
    ("'42'", "42"),
    ("'null'", "null"),
    ("!!str 42", "42"),
    # the few plain values whose meaning is never in doubt
    ("true", True),
    ("True", True),
    ("TRUE", True),
    ("false", False),
    ("False", False),
    ("null", None),
    ("~", None),
    ("", None),
    ("0", 0),
    ("42", 42),
    ("-7", -7),
    ("+3", 3),
    ("2025", 2025),
    # ordinary text
    ("Alibaba, Baidu begin using own chips", "Alibaba, Baidu begin using own chips"),
    ("百度", "百度"),
]


@pytest.mark.parametrize(("written", "value"), SCALARS, ids=[repr(s[0]) for s in SCALARS])
def test_scalars(written: str, value: object) -> None:
    result = parse(f"key: {written}\n").value["key"]
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize("key", ["on", "NO", "yes", "y", "1.10", "2025-09-11"])
def test_keys_stay_text(key: str) -> None:
    assert parse(f"{key}: x\n").value == {key: "x"}


def test_integer_keys_become_text() -> None:
    assert parse("2025: x\n").value == {"2025": "x"}


def test_nested_data_and_aliases() -> None:
    text = "a: &v [x, 1, true, null]\nb: *v\nc: {d: [e]}\n"
    assert parse(text).value == {
        "a": ["x", 1, True, None],
        "b": ["x", 1, True, None],
        "c": {"d": ["e"]},
    }


def test_empty_document_is_none() -> None:
    assert parse("").value is None
    assert parse("# only a comment\n").value is None


# --- refused input ------------------------------------------------------------------

REFUSED = [
    # name, text, line of the error, words in the message
    ("duplicate key", "a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first on line 1)"),
    ("nested duplicate key", "a:\n  b: 1\n  b: 2\n", 3, "duplicate key 'b'"),
    ("python object", "a: !!python/object/apply:os.system [echo hi]\n", 1, "not allowed"),
    ("python name", "a: !!python/name:os.system\n", 1, "not allowed"),
    ("python mapping", "a: !!python/object:os.Foo {x: 1}\n", 1, "not allowed"),
    ("binary", "a: !!binary aGVsbG8=\n", 1, "not allowed"),
    ("float tag", "a: !!float 1.5\n", 1, "not allowed"),
    ("timestamp tag", "a: !!timestamp 2025-09-11\n", 1, "not allowed"),
    ("set", "a: !!set {x, y}\n", 1, "not allowed"),
    ("local tag", "a: !custom x\n", 1, "not allowed"),
    ("tag on the whole document", "--- !!omap\n- a: 1\n", 1, "not allowed"),
    ("merge key", "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", 3, "merge keys"),
    ("list as a key", "? [a, b]\n: c\n", 1, "plain text"),
    ("mapping as a key", "? {a: b}\n: c\n", 1, "plain text"),
    ("null key", "? ~\n: c\n", 1, "plain text"),
    ("two documents", "a: 1\n---\nb: 2\n", 2, "invalid YAML"),
    ("syntax error", "a: 1\nb: c: d\n", 2, "invalid YAML"),
    ("unclosed flow list", "a: 1\nb: [x, y\nc: 2\n", 3, "invalid YAML"),
    ("tab indentation", "a:\n\t- x\n", 2, "invalid YAML"),
    ("undefined alias", "a: *nowhere\n", 1, "invalid YAML"),
]


@pytest.mark.parametrize(
    ("text", "line", "words"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_refused(text: str, line: int, words: str) -> None:
    with pytest.raises(YamlError) as caught:
        parse(text)
    assert words in caught.value.message
    assert caught.value.line == line


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    assert parse('"<<": x\n').value == {"<<": "x"}


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]")
    started = time.perf_counter()
    with pytest.raises(YamlError) as caught:
        parse("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 2.0
    assert "alias" in caught.value.message


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 1_000, 100_000])
def test_deep_nesting_is_refused(depth: int) -> None:
    started = time.perf_counter()
    with pytest.raises(YamlError) as caught:
        parse("a: " + "[" * depth + "]" * depth + "\n")
    assert time.perf_counter() - started < 5.0
    assert "nested" in caught.value.message or "deep" in caught.value.message


def test_nesting_within_the_limit_is_fine() -> None:
    depth = MAX_DEPTH - 2
    value = parse("a: " + "[" * depth + "]" * depth + "\n").value["a"]
    for _ in range(depth - 1):
        value = value[0]
    assert value == []


# --- lines ---------------------------------------------------------------------------

TEXT = """\
title: Own chips
entities:
  - alibaba
  - baidu
events:
  - date: 2025-08
    title: Talks
"""

LINES = [
    # path, line_of with first_line=1, the same with first_line=2 (as in a seed)
    (("title",), 1, 2),
    (("entities",), 3, 4),
    (("entities", 0), 3, 4),
    (("entities", 1), 4, 5),
    (("events", 0), 6, 7),
    (("events", 0, "date"), 6, 7),
    (("events", 0, "title"), 7, 8),
    (("events", 0, "nowhere"), 6, 7),  # a missing key: its nearest ancestor
    (("nowhere",), 1, 2),
]


@pytest.mark.parametrize(("path", "line", "seed_line"), LINES, ids=[str(c[0]) for c in LINES])
def test_line_of(path: tuple[str | int, ...], line: int, seed_line: int) -> None:
    assert parse(TEXT).line_of(path) == line
    assert parse(TEXT, first_line=2).line_of(path) == seed_line


def test_key_line_points_at_the_key() -> None:
    doc = parse(TEXT, first_line=2)
    assert doc.key_line(("entities",)) == 3
    assert doc.key_line(("events", 0, "title")) == 8


@pytest.mark.parametrize(("first_line", "line"), [(1, 2), (2, 3), (10, 11)])
def test_error_lines_count_from_first_line(first_line: int, line: int) -> None:
    with pytest.raises(YamlError) as caught:
        parse("a: 1\nb: c: d\n", first_line=first_line)
    assert caught.value.line == line
    with pytest.raises(YamlError) as caught:
        parse("a: 1\na: 2\n", first_line=first_line)
    assert caught.value.line == line
    assert f"first on line {first_line}" in caught.value.message
