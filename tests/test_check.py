"""`briefing check`: every problem in seeds and entities as `path:line: field: message`.

SPEC §2 (formats), §5 (command, exit codes, warnings) and §6 (writes nothing).
Most tests are tables: a front-matter (or a set of files) and the error lines it
must produce, each given as its exact ``path:line: field:`` prefix plus a few
words the message must contain (a suggestion or an example, mostly).
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from generator.pipeline import check
from generator.project import Project

# --- the project every case starts from -------------------------------------

#: A small registry; every file stays under 200 bytes (see the size-limit case).
REGISTRY = {
    "seeds/entities/reuters.yml": "name: Reuters\ntype: media\n",
    "seeds/entities/the-information.yml": "name: The Information\ntype: media\n",
    "seeds/entities/nvidia.yml": "name: Nvidia\ntype: company\naliases: [NVIDIA Corp.]\n",
    "seeds/entities/alibaba.yml": "name: Alibaba\ntype: company\n",
    "seeds/entities/baidu.yml": "name: Baidu\ntype: company\naliases: [Baidu Inc., 百度]\n",
}

SEED = "seeds/2025/own-chips.md"

#: A valid front-matter; as a seed, ``title`` is on line 2 and ``entities`` on line 5.
TITLE = "title: Alibaba, Baidu begin using own chips"
VALID = f"""\
{TITLE}
date: 2025-09-11
source: reuters
entities: [alibaba, baidu, nvidia]
"""


def plus(extra: str) -> str:
    """:data:`VALID` with more front-matter lines after it (the first on line 6)."""
    return VALID + textwrap.dedent(extra)


def seed_text(front: str, body: str = "The article body.\n") -> str:
    """A seed file: ``---`` on line 1, so the front-matter's first line is line 2."""
    return f"---\n{textwrap.dedent(front)}---\n{body}"


@dataclass(frozen=True)
class Err:
    """One expected error line: its exact ``path:line: field:`` prefix and words in it."""

    line: int
    field: str
    words: tuple[str, ...] = ()
    path: str = SEED

    @property
    def prefix(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: "


def E(line: int, field: str, *words: str, path: str = SEED) -> Err:  # table shorthand
    return Err(line, field, words, path)


# --- reading the output -------------------------------------------------------

LINE_RE = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.*)$")


def problem_lines(stderr: str) -> tuple[list[str], list[str]]:
    """``(errors, warnings)``: the ``path:line: field: message`` lines of the output."""
    errors, warnings = [], []
    for line in stderr.splitlines():
        m = LINE_RE.match(line)
        if m:
            (warnings if m["message"].startswith("warning: ") else errors).append(line)
    return errors, warnings


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every file and link under ``root`` with its content, to prove nothing was written."""
    found: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        for name in dirnames + filenames:
            path = here / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = f"-> {os.readlink(path)}"
            elif path.is_file():
                found[rel] = path.read_bytes()
            else:
                found[rel] = "<dir>"
    return found


def assert_rejected(root: Path, run_cli, expected: list[Err]) -> None:
    """`briefing check` fails with exactly the ``expected`` errors and writes nothing."""
    before = snapshot(root)
    code, out, err = run_cli(root, "check")
    errors, _ = problem_lines(err)
    shown = "\n".join(errors) or err
    assert "Traceback" not in out + err
    assert code == 1, shown
    for want in expected:
        matching = [line for line in errors if line.startswith(want.prefix)]
        assert matching, f"no error line starts with {want.prefix!r}; got:\n{shown}"
        for word in want.words:
            assert any(word in line for line in matching), f"{word!r} not in {matching}"
    assert len(errors) == len(expected), f"expected {len(expected)} error lines, got:\n{shown}"
    assert snapshot(root) == before, "check wrote or changed files"
    assert not any((root / "docs").iterdir())
    assert not (root / "site").exists()
    assert not (root / "dist").exists()


# --- seed front-matter (SPEC §2.1) ------------------------------------------------

SEED_CASES = [
    # name, front-matter (first line is line 2 of the file), expected error lines
    (
        "missing title",
        """\
        date: 2025-09-11
        source: reuters
        """,
        [E(2, "title", "is required", "e.g. title:")],
    ),
    (
        "missing date",
        """\
        title: Own chips
        source: reuters
        """,
        [E(2, "date", "is required", "e.g. date: 2025-09-11")],
    ),
    (
        "missing source",
        """\
        title: Own chips
        date: 2025-09-11
        """,
        [E(2, "source", "is required", "e.g. source: reuters")],
    ),
    (
        "misspelt required key",
        """\
        titel: Own chips
        date: 2025-09-11
        source: reuters
        """,
        # one problem: the suggestion says what is missing
        [E(2, "titel", "unknown key", "did you mean 'title'")],
    ),
    (
        "misspelt optional key",
        plus("""\
        sumary: One sentence.
        """),
        [E(6, "sumary", "unknown key", "did you mean 'summary'")],
    ),
    (
        "unknown entity in entities",
        """\
        title: Own chips
        date: 2025-09-11
        source: reuters
        entities: [alibaba, nvidai]
        """,
        [E(5, "entities[1]", "unknown entity 'nvidai'", "did you mean 'nvidia'")],
    ),
    (
        "unknown entity in a block list",
        """\
        title: Own chips
        date: 2025-09-11
        source: reuters
        entities:
          - alibaba
          - nvidai
        """,
        [E(7, "entities[1]", "unknown entity 'nvidai'", "did you mean 'nvidia'")],
    ),
    (
        "unknown entity in via",
        plus("""\
        via: [the-informaton]
        """),
        [E(6, "via[0]", "unknown entity 'the-informaton'", "did you mean 'the-information'")],
    ),
    (
        "unknown entity as source",
        """\
        title: Own chips
        date: 2025-09-11
        source: reuter
        """,
        [E(4, "source", "unknown entity 'reuter'", "did you mean 'reuters'")],
    ),
    (
        "unknown entity in an event",
        plus("""\
        events:
          - date: 2025-08
            title: Something happened
            entities: [alibaba, nvidai]
        """),
        [E(9, "events[0].entities[1]", "unknown entity 'nvidai'", "did you mean 'nvidia'")],
    ),
    (
        "unknown entity in a claim",
        plus("""\
        claims:
          - text: Alibaba's chip competes with Nvidia's
            by: the-information
            entities: [nvidai]
        """),
        [E(9, "claims[0].entities[0]", "unknown entity 'nvidai'", "did you mean 'nvidia'")],
    ),
    (
        "id-shaped unknown claim speaker",
        plus("""\
        claims:
          - text: Alibaba's chip competes with Nvidia's
            by: nvidai
        """),
        [E(8, "claims[0].by", "unknown entity 'nvidai'", "did you mean 'nvidia'")],
    ),
    (
        "id-shaped unknown quote speaker",
        plus("""\
        quotes:
          - by: nvidai
            text: The competition has undeniably arrived.
        """),
        [E(7, "quotes[0].by", "unknown entity 'nvidai'", "did you mean 'nvidia'")],
    ),
    (
        "bad claim status",
        plus("""\
        claims:
          - text: Alibaba's chip competes with Nvidia's
            by: the-information
            status: reproted
        """),
        [E(9, "claims[0].status", "'reproted'", "reported", "did you mean 'reported'")],
    ),
    (
        "bad publish value",
        plus("""\
        publish: excerp
        """),
        [E(6, "publish", "'excerp'", "full, excerpt, summary", "did you mean 'excerpt'")],
    ),
    (
        "event month 13",
        plus("""\
        events:
          - date: 2025-13
            title: Something happened
        """),
        [E(7, "events[0].date", "'2025-13'", "e.g.")],
    ),
    (
        "event date in words",
        plus("""\
        events:
          - date: sometime 2025
            title: Something happened
        """),
        [E(7, "events[0].date", "'sometime 2025'", "e.g.")],
    ),
    (
        "publication date without padding",
        """\
        title: Own chips
        date: 2025-9-11
        source: reuters
        """,
        [E(3, "date", "'2025-9-11'", "YYYY-MM-DD")],
    ),
    (
        "fuzzy publication date",
        """\
        title: Own chips
        date: early 2025
        source: reuters
        """,
        [E(3, "date", "'early 2025'", "YYYY-MM-DD")],
    ),
    (
        "publication date that does not exist",
        """\
        title: Own chips
        date: 2025-02-30
        source: reuters
        """,
        [E(3, "date", "'2025-02-30'", "YYYY-MM-DD")],
    ),
    (
        "javascript url",
        plus("""\
        url: javascript:alert(1)
        """),
        [E(6, "url", "http or https")],
    ),
    (
        "ftp url",
        plus("""\
        url: ftp://example.com/article
        """),
        [E(6, "url", "http or https")],
    ),
    (
        "scheme-relative url",
        plus("""\
        url: //evil.example/article
        """),
        [E(6, "url", "http or https")],
    ),
    (
        "tag that is not a slug",
        plus("""\
        tags: [ai-chips, AI Chips]
        """),
        [E(6, "tags[1]", "'AI Chips'", "try 'ai-chips'")],
    ),
    (
        "duplicate key",
        """\
        title: Own chips
        title: Own chips, again
        date: 2025-09-11
        source: reuters
        """,
        [E(3, "title", "duplicate key 'title'", "line 2")],
    ),
    (
        "number where a list of ids is expected",
        VALID.replace("[alibaba, baidu, nvidia]", "42"),
        [E(5, "entities[0]", "number 42")],
    ),
    (
        "boolean where text is expected",
        plus("""\
        summary: yes
        authors: [true]
        """),
        [E(7, "authors[0]", "true")],
    ),
    (
        "misspelt key inside an event",
        plus("""\
        events:
          - date: 2025-08
            titel: Something happened
        """),
        [E(8, "events[0].titel", "unknown key", "did you mean 'title'")],
    ),
    (
        "event id used twice in one briefing",
        plus("""\
        events:
          - id: talks
            date: 2025-08
            title: Talks begin
          - id: talks
            date: 2025-09
            title: Talks end
        """),
        [E(10, "events[1].id", "'talks'", "events[0]")],
    ),
    (
        "YAML syntax error",
        plus("""\
        summary: one: two
        """),
        [E(6, "yaml", "invalid YAML")],
    ),
    (
        "python tag",
        plus("""\
        summary: !!python/object/apply:os.system [echo hi]
        """),
        [E(6, "summary", "not allowed")],
    ),
    (
        "front-matter that is a list",
        """\
        - title
        - date
        """,
        [E(2, "yaml", "expected a mapping")],
    ),
]


@pytest.mark.parametrize(
    ("front", "expected"), [c[1:] for c in SEED_CASES], ids=[c[0] for c in SEED_CASES]
)
def test_seed_errors(make_project, run_cli, front: str, expected: list[Err]) -> None:
    root = make_project({**REGISTRY, SEED: seed_text(front)})
    assert_rejected(root, run_cli, expected)


# --- whole files: encodings, links, sizes, names (SPEC §2, §6) -----------------

LIMIT_200 = "extra:\n  briefing:\n    max_file_bytes: 200\n"


@dataclass(frozen=True)
class FileCase:
    name: str
    files: dict[str, str | bytes]
    expected: list[Err]
    mkdocs_extra: str = ""
    symlinks: dict[str, str] = field(default_factory=dict)  # link → target (relative)


FILE_CASES = [
    FileCase(
        "no front-matter",
        {SEED: "Just a body, no front-matter.\n"},
        [E(1, "front-matter", "missing", "---")],
    ),
    FileCase(
        "front-matter never closed",
        {SEED: "---\ntitle: Own chips\ndate: 2025-09-11\n"},
        [E(1, "front-matter", "---")],
    ),
    FileCase(
        "not UTF-8",
        {SEED: b"---\ntitle: Caf\xe9 chips\ndate: 2025-09-11\n---\n"},
        [E(2, "file", "UTF-8")],
    ),
    FileCase(
        "NUL byte",
        {SEED: b"---\ntitle: Own\x00chips\ndate: 2025-09-11\n---\n"},
        [E(1, "file", "binary")],
    ),
    FileCase(
        "symlinked seed",
        {"outside.md": seed_text(VALID)},
        [E(1, "file", "symbolic link", path="seeds/2025/linked.md")],
        symlinks={"seeds/2025/linked.md": "../../outside.md"},
    ),
    FileCase(
        "symlinked folder",
        {"elsewhere/more.md": seed_text(VALID)},
        [E(1, "file", "symbolic link", path="seeds/more")],
        symlinks={"seeds/more": "../elsewhere"},
    ),
    FileCase(
        "file over the size limit",
        {SEED: seed_text(VALID, "A long body. " * 30)},
        [E(1, "file", "over the limit of 200", "max_file_bytes")],
        mkdocs_extra=LIMIT_200,
    ),
    FileCase(
        "slug with capitals",
        {"seeds/2025/Own-Chips.md": seed_text(VALID)},
        [E(1, "slug", "'Own-Chips'", "try 'own-chips'", path="seeds/2025/Own-Chips.md")],
    ),
    FileCase(
        "reserved slug",
        {"seeds/index.md": seed_text(VALID)},
        [E(1, "slug", "'index'", "reserved", path="seeds/index.md")],
    ),
    FileCase(
        "same slug in two folders",
        {"seeds/2024/own-chips.md": seed_text(VALID), "seeds/2025/own-chips.md": seed_text(VALID)},
        [E(1, "slug", "'own-chips'", "seeds/2024/own-chips.md", path="seeds/2025/own-chips.md")],
    ),
    FileCase(
        "entity file name with capitals",
        {
            SEED: seed_text(VALID),
            "seeds/entities/Kunlunxin.yml": "name: Kunlunxin\ntype: company\n",
        },
        [E(1, "id", "'Kunlunxin'", "try 'kunlunxin'", path="seeds/entities/Kunlunxin.yml")],
    ),
]


@pytest.mark.parametrize("case", FILE_CASES, ids=[c.name for c in FILE_CASES])
def test_file_errors(make_project, run_cli, case: FileCase) -> None:
    root = make_project({**REGISTRY, **case.files}, mkdocs_extra=case.mkdocs_extra)
    for link, target in case.symlinks.items():
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        (root / link).symlink_to(target)
    assert_rejected(root, run_cli, case.expected)


# --- entity files (SPEC §2.2) ---------------------------------------------------

ENTITY = "seeds/entities/kunlunxin.yml"

ENTITY_CASES = [
    # name, entity file text (first line is line 1), expected error lines
    (
        "unknown type",
        """\
        name: Kunlunxin
        type: compnay
        """,
        [E(2, "type", "'compnay'", "did you mean 'company'", path=ENTITY)],
    ),
    (
        "missing name",
        """\
        type: company
        """,
        [E(1, "name", "is required", "e.g. name:", path=ENTITY)],
    ),
    (
        "missing type",
        """\
        name: Kunlunxin
        """,
        [E(1, "type", "is required", "e.g. type: company", path=ENTITY)],
    ),
    (
        "misspelt key",
        """\
        name: Kunlunxin
        type: company
        alias: [KLX]
        """,
        [E(3, "alias", "unknown key", "did you mean 'aliases'", path=ENTITY)],
    ),
    (
        "relation to an unknown entity",
        """\
        name: Kunlunxin
        type: company
        relations:
          - {type: supplies, target: baidu}
          - {type: competes-with, target: nvidai}
        """,
        [
            E(
                5,
                "relations[1].target",
                "unknown entity 'nvidai'",
                "did you mean 'nvidia'",
                path=ENTITY,
            )
        ],
    ),
    (
        "fact sourced from an unknown briefing",
        """\
        name: Kunlunxin
        type: company
        facts:
          headquarters: Beijing
          founded: {value: 2021, source: own-chipz}
        """,
        [
            E(
                5,
                "facts.founded.source",
                "unknown briefing 'own-chipz'",
                "did you mean 'own-chips'",
                path=ENTITY,
            )
        ],
    ),
    (
        "javascript link",
        """\
        name: Kunlunxin
        type: company
        links: [javascript:alert(1)]
        """,
        [E(3, "links[0]", "http or https", path=ENTITY)],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in ENTITY_CASES], ids=[c[0] for c in ENTITY_CASES]
)
def test_entity_errors(make_project, run_cli, text: str, expected: list[Err]) -> None:
    root = make_project({**REGISTRY, SEED: seed_text(VALID), ENTITY: textwrap.dedent(text)})
    assert_rejected(root, run_cli, expected)


# --- the acceptance case from the issue ---------------------------------------------


def test_three_problems_in_one_seed_are_all_reported(make_project, run_cli) -> None:
    """A misspelt key, an unknown entity id and a bad event date: three lines, one run."""
    front = """\
        title: Alibaba, Baidu begin using own chips
        date: 2025-09-11
        source: reuters
        sumary: One sentence.
        entities: [alibaba, nvidai]
        events:
          - date: 2025-13
            title: Alibaba trains on its own chips
        """
    root = make_project({**REGISTRY, SEED: seed_text(front)})
    expected = [
        E(5, "sumary", "did you mean 'summary'"),
        E(6, "entities[1]", "unknown entity 'nvidai'", "did you mean 'nvidia'"),
        E(8, "events[0].date", "'2025-13'", "e.g."),
    ]
    assert_rejected(root, run_cli, expected)


# --- what must pass -----------------------------------------------------------------

VALID_CASES = [
    ("minimal", VALID),
    ("title NO stays text", VALID.replace(TITLE, "title: NO")),
    ("title on stays text", VALID.replace(TITLE, "title: on")),
    ("a single id instead of a list", VALID.replace("[alibaba, baidu, nvidia]", "alibaba")),
    (
        "free-text claim speaker",
        plus("""\
        claims:
          - text: Alibaba's chip competes with Nvidia's
            by: social media posts
            status: no-comment
        """),
    ),
    (
        "entity-id speaker and via",
        plus("""\
        via: [the-information]
        claims:
          - text: Alibaba's chip competes with Nvidia's
            by: the-information
            basis: three employees who have used the chip
            entities: [alibaba, nvidia]
        quotes:
          - by: nvidia
            text: The competition has undeniably arrived.
        """),
    ),
    (
        "every fuzzy date form",
        plus("""\
        events:
          - date: 2025-09-11
            title: A day
          - date: 2025-08
            title: A month
          - date: 2025
            title: A year
          - date: early 2025
            title: Early
          - date: late 2025-08
            title: Late August
          - date: 2025-Q3
            title: A quarter
          - date: 2025-08~
            title: Approximate
          - date: 2025-08?
            title: Uncertain
          - date: 2025-08/2025-09
            title: An interval
          - date: 2025-08/..
            title: Open end
        """),
    ),
    (
        "every optional field",
        plus("""\
        via: [the-information]
        url: https://www.reuters.com/world/china/x-2025-09-11/
        authors: [Jane Doe, 42]
        summary: One or two sentences.
        key_points: [First point., Second point.]
        tags: [ai-chips, export-controls]
        publish: full
        draft: true
        """),
    ),
]


@pytest.mark.parametrize("front", [c[1] for c in VALID_CASES], ids=[c[0] for c in VALID_CASES])
def test_valid_seeds_pass(make_project, run_cli, front: str) -> None:
    root = make_project({**REGISTRY, SEED: seed_text(front)})
    before = snapshot(root)
    code, out, err = run_cli(root, "check")
    errors, _ = problem_lines(err)
    assert (code, errors) == (0, []), err
    assert "Traceback" not in out + err
    assert "0 errors" in out
    assert snapshot(root) == before


@pytest.mark.parametrize("title", ["NO", "on", "yes", "off", "12:30:00", "1.10", "010", "2025"])
def test_yaml_traps_keep_the_authors_text(make_project, title: str) -> None:
    front = VALID.replace(TITLE, f"title: {title}")
    root = make_project({**REGISTRY, SEED: seed_text(front)})
    checked = check(Project.open(root))
    assert not checked.problems.errors, [str(p) for p in checked.problems]
    assert checked.corpus is not None
    assert checked.corpus.by_slug["own-chips"].title == title


def test_example_project_passes_strict_check(example_root: Path, run_cli) -> None:
    code, out, err = run_cli(example_root, "check", "--strict")
    assert code == 0, err
    assert "0 errors, 0 warnings" in out


# --- warnings (SPEC §5) -----------------------------------------------------------------

WARNING_CASES = [
    # name, files, expected warning line (path, line, field, words)
    (
        "entity named through an alias but not listed",
        {
            "seeds/entities/reuters.yml": "name: Reuters\ntype: media\n"
            "relations: [{type: reports-on, target: baidu}]\n",
            "seeds/entities/baidu.yml": REGISTRY["seeds/entities/baidu.yml"],
            SEED: seed_text(
                "title: Own chips\ndate: 2025-09-11\nsource: reuters\n",
                "An opening line.\n\nShares of Baidu Inc. rose.\n",
            ),
        },
        E(8, "entities", "'baidu'", "Baidu Inc."),
    ),
    (
        "entity named through a CJK alias but not listed",
        {
            "seeds/entities/reuters.yml": "name: Reuters\ntype: media\n"
            "relations: [{type: reports-on, target: baidu}]\n",
            "seeds/entities/baidu.yml": REGISTRY["seeds/entities/baidu.yml"],
            SEED: seed_text(
                "title: Own chips\ndate: 2025-09-11\nsource: reuters\n",
                "据百度称，芯片已经可用。\n",
            ),
        },
        E(6, "entities", "'baidu'", "百度"),
    ),
    (
        "entity that nothing mentions",
        {
            "seeds/entities/reuters.yml": REGISTRY["seeds/entities/reuters.yml"],
            "seeds/entities/nvidia.yml": REGISTRY["seeds/entities/nvidia.yml"],
            SEED: seed_text("title: Own chips\ndate: 2025-09-11\nsource: reuters\n"),
        },
        E(1, "id", "'nvidia'", path="seeds/entities/nvidia.yml"),
    ),
    (
        "event dated after its article",
        {
            "seeds/entities/reuters.yml": REGISTRY["seeds/entities/reuters.yml"],
            SEED: seed_text(
                "title: Own chips\ndate: 2025-09-11\nsource: reuters\n"
                "events:\n  - date: 2025-10\n    title: Later\n"
            ),
        },
        E(6, "events[0].date", "'2025-10'", "2025-09-11"),
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"), [c[1:] for c in WARNING_CASES], ids=[c[0] for c in WARNING_CASES]
)
def test_warnings(make_project, run_cli, files: dict[str, str], expected: Err) -> None:
    root = make_project(files)
    before = snapshot(root)

    code, out, err = run_cli(root, "check")
    errors, warnings = problem_lines(err)
    assert (code, errors) == (0, []), err
    assert len(warnings) == 1, err
    assert warnings[0].startswith(expected.prefix + "warning: "), warnings
    for word in expected.words:
        assert word in warnings[0]

    code, out, err = run_cli(root, "check", "--strict")
    assert code == 1, err
    assert "Traceback" not in out + err

    code, out, err = run_cli(root, "check", "--format", "json")
    assert code == 0
    problems = json.loads(out)
    assert [(p["path"], p["line"], p["field"], p["severity"]) for p in problems] == [
        (expected.path, expected.line, expected.field, "warning")
    ]
    assert snapshot(root) == before


def test_listed_entity_named_in_body_gives_no_warning(make_project, run_cli) -> None:
    front = "title: Own chips\ndate: 2025-09-11\nsource: reuters\nentities: [baidu]\n"
    body = "Shares of Baidu Inc. rose.\n\n```\nNvidia in code is not a mention\n```\n"
    files = {
        "seeds/entities/reuters.yml": REGISTRY["seeds/entities/reuters.yml"],
        # baidu points at nvidia, so nvidia is "mentioned" by a relation, not by a seed
        "seeds/entities/baidu.yml": REGISTRY["seeds/entities/baidu.yml"]
        + "relations: [{type: customer-of, target: nvidia}]\n",
        "seeds/entities/nvidia.yml": REGISTRY["seeds/entities/nvidia.yml"],
        SEED: seed_text(front, body),
    }
    code, _, err = run_cli(make_project(files), "check", "--strict")
    assert code == 0, err


# --- output format and usage (SPEC §5) -------------------------------------------------


def test_json_format_lists_every_problem(make_project, run_cli) -> None:
    front = plus("url: ftp://example.com/a\npublish: excerp\n")
    root = make_project({**REGISTRY, SEED: seed_text(front)})
    code, out, _ = run_cli(root, "check", "--format", "json")
    assert code == 1
    problems = json.loads(out)
    assert isinstance(problems, list)
    assert all(set(p) == {"path", "line", "field", "message", "severity"} for p in problems)
    errors = [p for p in problems if p["severity"] == "error"]
    assert [(p["path"], p["line"], p["field"]) for p in errors] == [
        (SEED, 6, "url"),
        (SEED, 7, "publish"),
    ]
    assert "did you mean 'excerpt'" in errors[1]["message"]


def test_json_format_of_a_clean_project_is_an_empty_list(make_project, run_cli) -> None:
    root = make_project(
        {
            "seeds/entities/reuters.yml": REGISTRY["seeds/entities/reuters.yml"],
            SEED: seed_text("title: Own chips\ndate: 2025-09-11\nsource: reuters\n"),
        }
    )
    code, out, _ = run_cli(root, "check", "--format", "json")
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["frobnicate"], "invalid choice"),
        (["check", "--format", "xml"], "invalid choice"),
        (["check", "--no-such-option"], "unrecognized arguments"),
        ([], "required"),
    ],
    ids=["unknown command", "unknown format", "unknown option", "no command"],
)
def test_wrong_usage_exits_2(make_project, run_cli, args: list[str], words: str) -> None:
    code, out, err = run_cli(make_project(REGISTRY), *args)
    assert code == 2
    assert words in err
    assert "Traceback" not in out + err


def test_no_mkdocs_yml_exits_2(tmp_path: Path, run_cli) -> None:
    (tmp_path / "seeds").mkdir()
    code, out, err = run_cli(tmp_path, "check")
    assert code == 2
    assert "mkdocs.yml" in err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in out + err
    assert list(tmp_path.iterdir()) == [tmp_path / "seeds"]


def test_missing_folder_exits_2(tmp_path: Path, run_cli) -> None:
    code, out, err = run_cli(tmp_path / "nowhere", "check")
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in out + err
