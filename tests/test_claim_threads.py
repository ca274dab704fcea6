"""Claim threads (SPEC §2.1, §4): ``id`` and ``updates``, what ``briefing check`` says about
them, how a thread's current status is worked out, and what the site and data show.

The check cases are a table: files and the exact ``path:line: field:`` lines they must
give.  The thread cases are a table too: claims across briefings and the status, order
and latest words of the thread they form.  The fictional project in
``tests/data/claims-project/`` has a linear, a branching and a contested thread; its
golden pages are in ``tests/golden/claims-project/`` (``tests/test_golden.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import model, settings
from generator.model import Claim, Speaker, thread_status
from generator.pipeline import check
from generator.pipeline import render as render_pages
from generator.project import Project
from tests.golden import CLAIMS_PROJECT
from tests.test_check import E, Err, assert_rejected, problem_lines

REGISTRY = {
    "seeds/entities/reuters.yml": "name: Reuters\ntype: media\n",
    "seeds/entities/the-information.yml": "name: The Information\ntype: media\n",
    "seeds/entities/nvidia.yml": "name: Nvidia\ntype: company\n",
    "seeds/entities/alibaba.yml": "name: Alibaba\ntype: company\n",
}

FIRST = "seeds/2025/first.md"
LATER = "seeds/2025/later.md"


def seed(date: str, *claims: str, draft: bool = False) -> str:
    """A seed whose claims are given as YAML lines: the first claim's first line is line 6,
    and each claim below takes the lines it is given (see the cases for their numbers)."""
    lines = ["---", f"title: A report of {date}", f"date: {date}", "source: reuters", "claims:"]
    for claim in claims:
        first, *rest = claim.strip().splitlines()
        lines.append(f"  - {first.strip()}")
        lines += [f"    {line.strip()}" for line in rest]
    if draft:
        lines.append("draft: true")
    lines += ["---", "The body.", ""]
    return "\n".join(lines)


def claim(text: str, by: str = "the-information", **extra: str) -> str:
    """A claim as YAML lines: text, by, then ``extra`` keys in order (one line each)."""
    return "\n".join([f"text: {text}", f"by: {by}", *(f"{k}: {v}" for k, v in extra.items())])


ROOT = claim("Nvidia asked suppliers to halt H20 work", id="nvidia-halts-h20")  # lines 6-8

# --- briefing check: errors -------------------------------------------------------

CHECK_ERRORS: list[tuple[str, dict[str, str], list[Err]]] = [
    (
        "updates names an unknown claim: did you mean",
        {
            FIRST: seed("2025-09-11", ROOT),
            LATER: seed(
                "2025-10-20",
                claim("Nvidia confirms", "nvidia", status="confirmed", updates="nvidia-halt-h20"),
            ),
        },
        [
            E(
                9,
                "claims[0].updates",
                "unknown claim 'nvidia-halt-h20'",
                "did you mean 'nvidia-halts-h20'",
                path=LATER,
            )
        ],
    ),
    (
        "updates names no claim at all",
        {
            FIRST: seed(
                "2025-09-11",
                claim("A denial", "nvidia", status="denied", updates="nothing-like-it"),
            )
        },
        [
            E(
                9,
                "claims[0].updates",
                "unknown claim 'nothing-like-it'",
                "give that claim an id",
                path=FIRST,
            )
        ],
    ),
    (
        "the same id in two briefings: the error names both places",
        {
            FIRST: seed("2025-09-11", ROOT),
            LATER: seed("2025-10-20", claim("Another claim", id="nvidia-halts-h20")),
        },
        [
            E(
                8,
                "claims[0].id",
                "'nvidia-halts-h20' is already the id of claims[0]",
                f"{FIRST}:8",
                path=LATER,
            )
        ],
    ),
    (
        "the same id twice in one briefing",
        {FIRST: seed("2025-09-11", ROOT, claim("Again", id="nvidia-halts-h20"))},
        [E(11, "claims[1].id", "already the id of claims[0]", f"{FIRST}:8", path=FIRST)],
    ),
    (
        "two claims that update each other loop",
        {
            FIRST: seed("2025-09-11", claim("One", id="one", updates="two")),
            LATER: seed("2025-09-11", claim("Two", id="two", updates="one")),
        },
        [E(9, "claims[0].updates", "the thread loops", "'one' → 'two' → 'one'", path=FIRST)],
    ),
    (
        "a claim that updates itself loops",
        {FIRST: seed("2025-09-11", claim("Self", id="self-made", updates="self-made"))},
        [E(9, "claims[0].updates", "the thread loops", "'self-made' → 'self-made'", path=FIRST)],
    ),
    (
        "a loop of three is one error",
        {
            FIRST: seed(
                "2025-09-11",
                claim("A", id="a", updates="c"),
                claim("B", id="b", updates="a"),
                claim("C", id="c", updates="b"),
            ),
        },
        [E(9, "claims[0].updates", "the thread loops", "'a' → 'c' → 'b' → 'a'", path=FIRST)],
    ),
    (
        "a claim in a seed with errors of its own is not also reported unknown",
        {
            FIRST: seed("2025-09-11", claim("Report", id="nvidia-halts-h20", stauts="reported")),
            LATER: seed(
                "2025-10-20",
                claim("Nvidia confirms", "nvidia", status="confirmed", updates="nvidia-halts-h20"),
            ),
        },
        [E(9, "claims[0].stauts", "unknown key", "did you mean 'status'", path=FIRST)],
    ),
    (
        "an id must be a slug",
        {FIRST: seed("2025-09-11", claim("Bad id", id='"Nvidia Halts"'))},
        [E(8, "claims[0].id", "not a valid id", "try 'nvidia-halts'", path=FIRST)],
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"), [c[1:] for c in CHECK_ERRORS], ids=[c[0] for c in CHECK_ERRORS]
)
def test_check_errors(make_project, run_cli, files: dict[str, str], expected: list[Err]) -> None:
    root = make_project({**REGISTRY, **files})
    assert_rejected(root, run_cli, expected)


# --- briefing check: warnings -----------------------------------------------------

CHECK_WARNINGS: list[tuple[str, dict[str, str], list[Err]]] = [
    (
        "later word from a briefing dated before the claim it updates",
        {
            FIRST: seed(
                "2025-09-11",
                claim("Nvidia confirms", "nvidia", status="confirmed", updates="nvidia-halts-h20"),
            ),
            LATER: seed("2025-10-20", ROOT),
        },
        [
            E(
                9,
                "claims[0].updates",
                "dated 2025-10-20",
                f"{LATER}:8",
                "after this one's 2025-09-11",
                path=FIRST,
            )
        ],
    ),
    (
        "later word from the same day or later is fine",
        {
            FIRST: seed("2025-09-11", ROOT),
            LATER: seed(
                "2025-09-11",
                claim("Nvidia confirms", "nvidia", status="confirmed", updates="nvidia-halts-h20"),
            ),
        },
        [],
    ),
]


@pytest.mark.parametrize(
    ("files", "expected"), [c[1:] for c in CHECK_WARNINGS], ids=[c[0] for c in CHECK_WARNINGS]
)
def test_check_warnings(make_project, run_cli, files: dict[str, str], expected: list[Err]) -> None:
    root = make_project({**REGISTRY, **files})
    code, _, err = run_cli(root, "check")
    errors, warnings = problem_lines(err)
    assert code == 0 and not errors, err
    warnings = [w for w in warnings if ": claims[" in w]  # not "nothing mentions 'alibaba'"
    assert len(warnings) == len(expected), "\n".join(warnings)
    for want, line in zip(expected, warnings, strict=True):
        assert line.startswith(want.prefix + "warning: "), line
        for word in want.words:
            assert word in line, line
    if expected:
        code, _, _ = run_cli(root, "check", "--strict")
        assert code == 1


def test_updates_may_name_a_claim_in_a_draft(make_project, run_cli) -> None:
    """Drafts are checked too: the id exists, so the check passes; the public site then
    shows the later word as a thread of its own (the draft is not published)."""
    root = make_project(
        {
            **REGISTRY,
            FIRST: seed("2025-09-11", ROOT, draft=True),
            LATER: seed(
                "2025-10-20",
                claim("Nvidia confirms", "nvidia", status="confirmed", updates="nvidia-halts-h20"),
            ),
        }
    )
    code, _, err = run_cli(root, "check")
    assert code == 0, err
    corpus = check(Project.open(root), drafts=False).corpus
    assert corpus is not None
    assert [(t.key, t.status, len(t.claims)) for t in corpus.threads] == [
        ("later#claim-1", "confirmed", 1)
    ]


# --- the thread model ---------------------------------------------------------------


def _corpus(make_project: Callable[..., Path], seeds: dict[str, str]) -> model.Corpus:
    root = make_project({**REGISTRY, **seeds})
    checked = check(Project.open(root), drafts=False)
    assert checked.corpus is not None, "\n".join(str(p) for p in checked.problems)
    return checked.corpus


def _status(
    status: str, updates: str = "nvidia-halts-h20", by: str = "nvidia", **extra: str
) -> str:
    return claim(f"Word {status} {by}", by, status=status, updates=updates, **extra)


THREADS: list[tuple[str, dict[str, str], dict[str, Any]]] = [
    (
        "a claim alone is a thread of one",
        {FIRST: seed("2025-09-11", ROOT)},
        {"status": "reported", "history": ["first#1"], "latest": ["first#1"]},
    ),
    (
        "linear: reported, then confirmed",
        {
            FIRST: seed("2025-09-11", ROOT),
            LATER: seed("2025-10-20", _status("confirmed")),
        },
        {"status": "confirmed", "history": ["first#1", "later#1"], "latest": ["later#1"]},
    ),
    (
        "branching: disputed, then confirmed by another party",
        {
            FIRST: seed("2025-09-11", ROOT),
            "seeds/2025/dispute.md": seed("2025-10-01", _status("disputed", by="alibaba")),
            LATER: seed("2025-10-20", _status("confirmed")),
        },
        {
            "status": "confirmed",
            "history": ["first#1", "dispute#1", "later#1"],
            "latest": ["later#1"],
            "children": {"nvidia-halts-h20": ["dispute#1", "later#1"]},
        },
    ),
    (
        "branching and contested: a confirmation and a denial on the same date",
        {
            FIRST: seed("2025-09-11", ROOT),
            "seeds/2025/denial.md": seed("2025-10-20", _status("denied", by="alibaba")),
            LATER: seed("2025-10-20", _status("confirmed")),
        },
        {
            "status": "contested",
            "history": ["first#1", "denial#1", "later#1"],
            "latest": ["denial#1", "later#1"],
        },
    ),
    (
        "contested: a confirmation and a dispute in one briefing",
        {
            FIRST: seed("2025-09-11", ROOT),
            LATER: seed("2025-10-20", _status("confirmed"), _status("disputed", by="alibaba")),
        },
        {
            "status": "contested",
            "history": ["first#1", "later#1", "later#2"],
            "latest": ["later#1", "later#2"],
        },
    ),
    (
        "a report and its denial in one briefing: the denial is the latest word",
        {FIRST: seed("2025-09-11", ROOT, _status("denied"))},
        {"status": "denied", "history": ["first#1", "first#2"], "latest": ["first#2"]},
    ),
    (
        "a chain: each word updates the one before",
        {
            FIRST: seed("2025-09-11", ROOT),
            "seeds/2025/middle.md": seed(
                "2025-10-01", _status("disputed", by="alibaba", id="alibaba-disputes")
            ),
            LATER: seed("2025-10-20", _status("denied", updates="alibaba-disputes")),
        },
        {
            "status": "denied",
            "history": ["first#1", "middle#1", "later#1"],
            "latest": ["later#1"],
            "children": {"nvidia-halts-h20": ["middle#1"], "alibaba-disputes": ["later#1"]},
        },
    ),
    (
        "a no-comment beside a confirmation does not reopen it",
        {
            FIRST: seed("2025-09-11", ROOT),
            LATER: seed("2025-10-20", _status("confirmed"), _status("no-comment", by="alibaba")),
        },
        {
            "status": "confirmed",
            "history": ["first#1", "later#1", "later#2"],
            "latest": ["later#1", "later#2"],
        },
    ),
]


def _name(c: Claim) -> str:
    return f"{c.briefing}#{c.number}"


@pytest.mark.parametrize(("seeds", "want"), [c[1:] for c in THREADS], ids=[c[0] for c in THREADS])
def test_threads(make_project, seeds: dict[str, str], want: dict[str, Any]) -> None:
    corpus = _corpus(make_project, seeds)
    thread = corpus.thread_of["nvidia-halts-h20"]
    assert thread.status == want["status"]
    assert [_name(c) for c in thread.claims] == want["history"]
    assert sorted(_name(c) for c in thread.latest) == want["latest"]
    for parent, children in want.get("children", {}).items():
        assert [_name(c) for c in thread.children[parent]] == children
    assert all(corpus.thread_of[c.key] is thread for c in thread.claims)
    assert thread.later(thread.root) == thread.claims[1:]


STATUS_CASES = [
    (["reported"], "reported"),
    (["confirmed"], "confirmed"),
    (["confirmed", "denied"], "contested"),
    (["confirmed", "disputed"], "contested"),
    (["denied", "disputed"], "denied"),
    (["confirmed", "reported"], "confirmed"),
    (["confirmed", "no-comment"], "confirmed"),
    (["reported", "no-comment"], "reported"),
    (["no-comment"], "no-comment"),
    (["disputed", "reported"], "disputed"),
]


@pytest.mark.parametrize(("statuses", "want"), STATUS_CASES)
def test_status_of_the_latest_words(statuses: list[str], want: str) -> None:
    words = [
        Claim("x", Speaker(None, "someone"), None, s, (), "b", i) for i, s in enumerate(statuses, 1)
    ]
    assert thread_status(words) == want


# --- the fixture project: pages, record, data -----------------------------------------


@pytest.fixture(scope="module")
def fixture_pages() -> dict[str, str]:
    project = Project.open(CLAIMS_PROJECT)
    checked = check(project, drafts=False)
    assert checked.corpus is not None and not checked.problems.warnings
    return render_pages(project, checked.corpus)


def test_fixture_threads() -> None:
    corpus = check(Project.open(CLAIMS_PROJECT), drafts=False).corpus
    assert corpus is not None
    assert {t.key: t.status for t in corpus.threads} == {
        "quillon-buys-vessa": "contested",
        "2025-03-03-zentara-pauses-k7#claim-3": "reported",
        "zentara-port-aster-plant": "confirmed",
        "zentara-pauses-k7": "confirmed",
    }
    # The claims page's order: contested first, then open, then settled.
    assert corpus.threads[0].key == "quillon-buys-vessa"
    assert model.record_counts(corpus, "lantern-ledger") == {
        "confirmed": 1,
        "denied": 0,
        "contested": 1,
        "open": 1,
    }
    assert model.record_counts(corpus, "orbis-wire")["confirmed"] == 1
    # Later word (a dispute, a confirmation) is not a report of the speaker's own.
    assert "port-aster-council" not in corpus.claims_by and "zentara" not in corpus.claims_by


def test_claims_json_validates_against_its_schema(fixture_pages: dict[str, str]) -> None:
    import jsonschema

    data = json.loads(fixture_pages["data/claims.json"])
    schema = json.loads(fixture_pages["data/claims.schema.json"])
    jsonschema.validate(data, schema)
    threads = {t["key"]: t for t in data}
    contested = threads["quillon-buys-vessa"]
    assert (contested["status"], contested["group"]) == ("contested", "contested")
    assert [c["status"] for c in contested["claims"]] == ["reported", "confirmed", "denied"]
    assert contested["claims"][0]["url"] == "briefings/2025-03-03-zentara-pauses-k7/#claim-2"
    assert contested["briefings"] == [
        "2025-03-03-zentara-pauses-k7",
        "2025-03-20-vessa-confirms-talks",
        "2025-03-20-zentara-confirms-pause",
    ]
    briefings = {b["slug"]: b for b in json.loads(fixture_pages["data/briefings.json"])}
    first = briefings["2025-03-20-zentara-confirms-pause"]["claims"][0]
    assert (first["id"], first["updates"]) == (None, "zentara-pauses-k7")


def test_briefing_page_shows_later_word(fixture_pages: dict[str, str]) -> None:
    page = fixture_pages["briefings/2025-03-03-zentara-pauses-k7/index.md"]
    assert (
        'Later: <span class="bf-status bf-status-confirmed">confirmed</span> by '
        '<a href="../../entities/zentara/">Zentara Semiconductor</a>, citing a company statement, '
        '20 March 2025, in <a href="../2025-03-20-zentara-confirms-pause/#claim-1">'
    ) in page
    assert "the latest words on this claim disagree" in page
    later = fixture_pages["briefings/2025-03-20-zentara-confirms-pause/index.md"]
    assert "Updates “Zentara asked its suppliers to pause work on the K7 accelerator”" in later


def test_source_card_shows_its_track_record(fixture_pages: dict[str, str]) -> None:
    card = fixture_pages["entities/lantern-ledger/index.md"]
    assert "## Track record" in card
    assert "1 of 3 later confirmed, 0 of 3 denied, 1 of 3 contested" in card
    assert '<a href="record/">' in card
    record = fixture_pages["entities/lantern-ledger/record/index.md"]
    assert "Quillon Systems is in talks to buy Vessa Labs" in record
    # An entity that reported nothing has no record.
    assert "Track record" not in fixture_pages["entities/port-aster/index.md"]
    # The threads about an entity, with their current status.
    zentara = fixture_pages["entities/zentara/index.md"]
    assert (
        '<span class="bf-status bf-status-confirmed">confirmed</span> Zentara will open' in zentara
    )


def test_feed_knows_claims_and_later_word(fixture_pages: dict[str, str]) -> None:
    import feedparser

    feed = feedparser.parse(fixture_pages["feed.xml"])
    entries = {e.link.rsplit("/", 2)[-2]: e for e in feed.entries}
    plant = entries["2025-03-10-zentara-port-aster-plant"]
    assert plant.updated.startswith("2025-04-02")  # updated by the later confirmation
    assert plant.published.startswith("2025-03-10")
    assert "later confirmed by Zentara Semiconductor, 2 April 2025" in plant.content[0].value


def _sources_project(make_project: Callable[..., Path], settled: int) -> dict[str, str]:
    """``the-information`` reports ``settled`` claims, each confirmed (but the first, denied)."""
    files = dict(REGISTRY)
    files[FIRST] = seed(
        "2025-09-11", *(claim(f"Report {i}", id=f"report-{i}") for i in range(settled))
    )
    files[LATER] = seed(
        "2025-10-20",
        *(
            _status("denied" if i == 0 else "confirmed", updates=f"report-{i}")
            for i in range(settled)
        ),
    )
    root = make_project(files)
    project = Project.open(root)
    corpus = check(project, drafts=False).corpus
    assert corpus is not None
    return render_pages(project, corpus)


def _table_rows(page: str) -> list[list[str]]:
    """The sources table's rows, each a list of its cells' texts."""
    from bs4 import BeautifulSoup

    table = BeautifulSoup(page, "html.parser").find("table")
    assert table is not None
    return [
        [" ".join(cell.get_text().split()) for cell in row.find_all("td")]
        for row in table.find_all("tr")
        if row.find("td")
    ]


@pytest.mark.parametrize(
    ("settled", "record"), [(4, "3 of 4"), (settings.RATE_MINIMUM, "90 % (9 of 10)")]
)
def test_sources_page_gives_small_numbers_as_counts(
    make_project, settled: int, record: str
) -> None:
    """Below RATE_MINIMUM settled claims a source's record is counts ("3 of 4"); from
    it on, the share with its counts ("90 % (9 of 10)").  The table is checked whole,
    row and cells, for both: the only source with claims of its own."""
    assert settings.RATE_MINIMUM == 10
    page = _sources_project(make_project, settled)["claims/sources/index.md"]
    assert _table_rows(page) == [
        ["The Information", str(settled), str(settled - 1), "1", "0", "0", record]
    ]
    assert f"only from {settings.RATE_MINIMUM} settled claims on" in page


def test_claims_page_is_paginated(make_project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "LIST_LIMIT", 3)
    pages = _sources_project(make_project, 7)
    assert {"claims/index.md", "claims/page/2/index.md", "claims/page/3/index.md"} <= set(pages)
    first = pages["claims/index.md"]
    assert "Page 1 of 3" in first and 'href="page/2/"' in first
    # The overview links each group to the page it starts on.
    assert (
        '7 threads: Settled — confirmed (6) · <a href="page/3/">Settled — denied (1)</a>' in first
    )


# --- the importer suggests updates, never sets them -------------------------------------

LATER_ARTICLE = """\
Zentara resumes K7 work after pause
(Orbis Wire) - Zentara Semiconductor asked its suppliers to pause work on the K7 \
accelerator in March, the company said on Monday, confirming an earlier report.

Yields of the K7 are still below forty percent, an engineer said.

Quillon Systems did not respond to a request for comment.
"""


def test_import_suggests_updates_as_comments(tmp_path: Path, run_cli) -> None:
    """A new claim that reads like an earlier one gets ``updates: <id>`` as a comment, with
    the earlier text and where it is; an earlier claim without an id gets an id to add.
    The draft passes check as it is (nothing set), no seed is edited, and removing the
    comment marks gives a thread."""
    import shutil

    from tests.test_import_quality import front_matter

    root = tmp_path / "project"
    shutil.copytree(CLAIMS_PROJECT, root)
    before = {p: p.read_bytes() for p in (root / "seeds").rglob("*") if p.is_file()}
    article = tmp_path / "later.txt"
    article.write_text(LATER_ARTICLE, encoding="utf-8")
    code, out, err = run_cli(root, "import", str(article), "--date", "2025-05-05")
    assert code == 0, err
    assert "2 claims may be later word on earlier ones" in out
    [draft] = [p for p in (root / "seeds").rglob("*.md") if p not in before]
    text = draft.read_text(encoding="utf-8")
    first = "seeds/2025/2025-03-03-zentara-pauses-k7.md"
    assert (
        f'    # later word on an earlier claim? {first}:10 says: "Zentara asked its suppliers '
        'to pause work on the K7 accelerator"\n'
        '    # if so, remove the "# " before updates:\n'
        "    # updates: zentara-pauses-k7\n"
    ) in text
    assert (
        f"    # that claim has no id yet: add `id: yields-of-the-k7-are-below` to it at {first}:21\n"
    ) in text
    assert "    # updates: yields-of-the-k7-are-below\n" in text
    # Never set silently; no-comment claims are not matched; no existing seed touched.
    assert all("updates" not in c for c in front_matter(draft)["claims"])
    assert text.count("# updates:") == 2
    assert {p: p.read_bytes() for p in before} == before
    assert run_cli(root, "check")[0] == 0
    # The analyst accepts the first suggestion: the thread now has the new word.
    draft.write_text(
        text.replace("    # updates: zentara-pauses-k7", "    updates: zentara-pauses-k7"),
        encoding="utf-8",
    )
    corpus = check(Project.open(root), drafts=True).corpus
    assert corpus is not None
    assert len(corpus.thread_of["zentara-pauses-k7"].claims) == 3
