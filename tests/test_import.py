"""`briefing import` (SPEC §5): a raw article → a draft seed that passes `briefing check`.

Tables first (relative dates, datelines, sources, unreadable input), then the real raw article
imported into a copy of the example project and compared with the hand-written seed made from it.
``python -m tests.test_import`` prints that comparison (found / missed / extra).
"""

from __future__ import annotations

import datetime
import difflib
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import yamlsafe
from generator.importer import (
    Imported,
    ImportFailed,
    find_dateline,
    import_article,
    relative_dates,
)
from generator.load import split_front_matter
from generator.project import Project
from tests.helpers import EXAMPLE_SEED, copy_example, run

#: The raw seed article (a copy of ../shared/seeds/000_3a5611438ce89561.txt, so that the
#: tests do not depend on what lies beside the checkout).
RAW = Path(__file__).resolve().parent / "data" / "reuters-2025-09-11-alibaba-baidu.txt"
PUBLISHED = datetime.date(2025, 9, 11)  # a Thursday

MakeProject = Callable[..., Path]


def front_matter(path: Path) -> dict[str, Any]:
    """A seed's front-matter, read the way the project reads it."""
    parts = split_front_matter(path.read_text(encoding="utf-8"))
    assert parts is not None, f"{path} has no front-matter"
    value = yamlsafe.parse(parts[0], first_line=2).value
    assert isinstance(value, dict)
    return value


# --- relative dates (SPEC §3, §5) -----------------------------------------------------------

THU = PUBLISHED
MON = datetime.date(2025, 9, 8)
JAN = datetime.date(2025, 1, 15)
FEB = datetime.date(2025, 2, 10)

RELATIVE = [
    # phrase, publication date, fuzzy date (None: nothing proposed)
    ("since early this year", THU, "early 2025"),
    ("earlier this year", THU, "2025"),
    ("this year", THU, "2025"),
    ("late this year", THU, "late 2025"),
    ("late this year", FEB, None),  # September–December is still to come in February
    ("late last month", THU, "late 2025-08"),
    ("early last month", JAN, "early 2024-12"),
    ("last month", THU, "2025-08"),
    ("last month", JAN, "2024-12"),
    ("earlier this month", THU, "2025-09"),
    ("at the end of last month", THU, "late 2025-08"),
    ("early last year", THU, "early 2024"),
    ("mid last year", THU, "mid 2024"),
    ("late last year", THU, "late 2024"),
    ("last year", THU, "2024"),
    ("on Thursday", THU, "2025-09-11"),  # the publication day itself
    ("Thursday", THU, "2025-09-11"),
    ("on Friday", THU, "2025-09-05"),
    ("on Monday", THU, "2025-09-08"),
    ("on Sunday", MON, "2025-09-07"),
    ("last Thursday", THU, "2025-09-04"),
    ("last week", THU, "2025-09-01/2025-09-07"),
    ("this week", THU, "2025-09-08/2025-09-11"),
    ("this week", MON, "2025-09-08"),
    ("yesterday", THU, "2025-09-10"),
    ("over the weekend", THU, "2025-09-06/2025-09-07"),
    ("in March", THU, "2025-03"),
    ("in March", FEB, "2024-03"),  # March has not come yet: the previous one
    ("in September", THU, "2025-09"),
    ("in October", THU, "2024-10"),
    ("in early March", THU, "early 2025-03"),
    ("mid-March", THU, "mid 2025-03"),
    ("on March 3", THU, "2025-03-03"),
    ("on Sept. 5", THU, "2025-09-05"),
    ("on 5 September", THU, "2025-09-05"),
    ("March 3, 2024", THU, "2024-03-03"),
    ("in 2021", THU, "2021"),
    ("mid-2024", THU, "mid 2024"),
    ("last quarter", THU, "2025-Q2"),
    ("two weeks ago", THU, "2025-08-28~"),
    ("three months ago", THU, "2025-06~"),
    # the future and things that are not dates
    ("next month", THU, None),
    ("next year", THU, None),
    ("later this year", THU, None),
    ("next Friday", THU, None),
    ("tomorrow", THU, None),
    ("by 2030", THU, None),
    ("the company will report on Friday", THU, None),
    ("the talks are set for Friday", THU, None),
    ("it may be too late", THU, None),
    ("15% of China sales", THU, None),
    ("the 2025 model", THU, None),
]


@pytest.mark.parametrize(("phrase", "published", "expected"), RELATIVE)
def test_relative_date(phrase: str, published: datetime.date, expected: str | None) -> None:
    found = relative_dates(phrase, published)
    assert [p.date for p in found] == ([expected] if expected else []), found


def test_relative_dates_in_a_sentence_keep_their_phrase_and_position() -> None:
    sentence = "Nvidia CEO Jensen Huang late last month said that the talks will take time."
    [phrase] = relative_dates(sentence, PUBLISHED)
    assert (phrase.phrase, phrase.date) == ("late last month", "late 2025-08")
    assert sentence[phrase.start : phrase.end] == "late last month"


# --- datelines (the source of an article) -------------------------------------------------

DATELINES = [
    # first paragraph, agency (None: no dateline), lead
    ("(Reuters) - China's Alibaba and Baidu ...", "Reuters", ""),
    ("BEIJING, Sept 11 (Reuters) - China's Alibaba ...", "Reuters", "BEIJING, Sept 11"),
    ("SHANGHAI/BEIJING, Sept. 11, 2025 (Reuters) -- Alibaba", "Reuters",
     "SHANGHAI/BEIJING, Sept. 11, 2025"),
    ("HONG KONG, Sept 11 (Reuters Breakingviews) - x", "Reuters Breakingviews",
     "HONG KONG, Sept 11"),
    ("WASHINGTON (AP) — The White House ...", "AP", "WASHINGTON"),
    ("(Bloomberg) -- Alibaba ...", "Bloomberg", ""),
    ("Alibaba (the company) - said ...", None, ""),
    ("China's Alibaba and Baidu have started ...", None, ""),
]  # fmt: skip


@pytest.mark.parametrize(("paragraph", "agency", "lead"), DATELINES)
def test_dateline(paragraph: str, agency: str | None, lead: str) -> None:
    found = find_dateline(paragraph)
    if agency is None:
        assert found is None
        return
    assert found is not None
    assert (found.agency, found.lead) == (agency, lead)
    assert paragraph[found.end :].startswith(("China", "Alibaba", "The", "x"))


REGISTRY = {
    "seeds/entities/reuters.yml": "name: Reuters\ntype: media\naliases: [Thomson Reuters]\n",
    "seeds/entities/reuters-building.yml": "name: Reuters Building\ntype: place\n"
    "aliases: [Reuters]\n",  # a namesake: the dateline means the media entity
    "seeds/entities/the-information.yml": "name: The Information\ntype: media\n",
    "seeds/entities/alibaba.yml": "name: Alibaba\ntype: company\naliases: [阿里巴巴]\n",
    "seeds/entities/baidu.yml": "name: Baidu\ntype: company\n",
    "seeds/entities/nvidia.yml": "name: Nvidia\ntype: company\n",
}
BODY = "Alibaba and Baidu train AI models on their own chips, The Information reported.\n"

SOURCES = [
    # name, first paragraph, options, expected source (or words of the ImportFailed message)
    ("agency in the dateline", "(Reuters) - ", {"date": PUBLISHED}, "reuters"),
    ("place and date before it", "BEIJING, Sept 11, 2025 (Reuters) - ", {}, "reuters"),
    ("alias in the dateline", "(Thomson Reuters) - ", {"date": PUBLISHED}, "reuters"),
    ("--source wins", "(Reuters) - ", {"date": PUBLISHED, "source": "the-information"},
     "the-information"),
    ("--source by name", "", {"date": PUBLISHED, "source": "The Information"},
     "the-information"),
    ("no dateline", "", {"date": PUBLISHED}, ["no dateline", "--source"]),
    ("unknown agency", "(Foo News) - ", {"date": PUBLISHED},
     ["'Foo News'", "not in the registry", "briefing new entity foo-news --type media"]),
    ("unknown --source", "(Reuters) - ", {"date": PUBLISHED, "source": "reuter"},
     ["unknown --source 'reuter'", "did you mean 'reuters'"]),
    ("dateline without a year", "BEIJING, Sept 11 (Reuters) - ", {},
     ["'Sept 11' without a year", "--date"]),
    ("no date at all", "(Reuters) - ", {}, ["no publication date", "--date YYYY-MM-DD"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("first", "options", "expected"), [c[1:] for c in SOURCES], ids=[c[0] for c in SOURCES]
)
def test_source_and_date_detection(
    make_project: MakeProject,
    tmp_path: Path,
    first: str,
    options: dict[str, Any],
    expected: str | list[str],
) -> None:
    root = make_project(REGISTRY)
    article = tmp_path / "article.txt"
    article.write_text(f"Alibaba, Baidu use own chips\n\n{first}{BODY}", encoding="utf-8")
    project = Project.open(root)
    if isinstance(expected, list):
        with pytest.raises(ImportFailed) as failed:
            import_article(project, article, **options)
        for words in expected:
            assert words in str(failed.value)
        assert "\n" not in str(failed.value)
        assert not list((root / "seeds").rglob("*.md"))
        return
    imported = import_article(project, article, **options)
    front = front_matter(imported.path)
    assert front["source"] == expected == imported.source
    assert front["date"] == "2025-09-11"
    assert imported.path == root / "seeds" / "2025" / "2025-09-11-alibaba-baidu-use-own-chips.md"
    if expected == "reuters":
        assert front["via"] == ["the-information"]
    code, _, err = run(root, "check")
    assert code == 0, err


# --- input that cannot be imported --------------------------------------------------------

BAD_INPUT: list[tuple[str, bytes | None, list[str]]] = [
    ("missing file", None, ["does not exist"]),
    ("empty", b"", ["is empty"]),
    ("only whitespace", b" \n\n\t \n", ["is empty"]),
    ("not UTF-8", "Titel\n\n(Reuters) - Gr\u00fc\u00dfe".encode("latin-1"), ["not UTF-8", "0xfc"]),
    ("binary", b"PK\x03\x04\x00\x00", ["binary"]),
    ("no title", b"(Reuters) - Alibaba and Baidu ...\n", ["first line is already the dateline"]),
    ("one huge line", b"x " * 400, ["does not look like a title"]),
]


@pytest.mark.parametrize(
    ("content", "words"), [c[1:] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
def test_unreadable_input_fails_with_one_sentence(
    make_project: MakeProject, tmp_path: Path, content: bytes | None, words: list[str]
) -> None:
    root = make_project(REGISTRY)
    article = tmp_path / "article.txt"
    if content is not None:
        article.write_bytes(content)
    with pytest.raises(ImportFailed) as failed:
        import_article(Project.open(root), article, date=PUBLISHED, source="reuters")
    message = str(failed.value)
    for word in words:
        assert word in message
    assert "\n" not in message and "Traceback" not in message
    assert not list((root / "seeds").rglob("*.md"))


def test_a_folder_is_not_an_article(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project(REGISTRY)
    with pytest.raises(ImportFailed, match="not a file"):
        import_article(Project.open(root), tmp_path, date=PUBLISHED, source="reuters")


# --- awkward text is written safely --------------------------------------------------------

HOSTILE_TITLE = 'Alibaba: "own chips" # not a comment --- {x} [y] &a *b !tag | > % @ `z` \\ é 中'


def test_hostile_text_round_trips_and_passes_check(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project(REGISTRY)
    article = tmp_path / "odd.txt"
    body = [
        "(Reuters) - Alibaba said on Monday: yes, no, null, true ~ 12:30 010 2025-09-11.",
        "---",
        "# hashtag at the start",
        '"It is {{ config }} <script>alert(1)</script>," an Alibaba spokesperson said.',
        "阿里巴巴 began using its chips last month.",
    ]
    article.write_text("\r\n".join([f"  {HOSTILE_TITLE}  ", "", *body]) + "\r\n", encoding="utf-8")
    imported = import_article(Project.open(root), article, date=PUBLISHED)
    front = front_matter(imported.path)
    assert front["title"] == HOSTILE_TITLE
    assert front["draft"] is True
    assert front["quotes"][0]["by"] == "alibaba"
    assert front["quotes"][0]["role"] == "spokesperson"
    assert "alibaba" in front["entities"]  # also through the CJK alias
    assert [e["date"] for e in front["events"]] == ["2025-09-08", "2025-08"]
    assert imported.slug.startswith("2025-09-11-alibaba-own-chips-not-a-comment")
    code, _, err = run(root, "check")
    assert code == 0, err


def test_lines_without_blank_lines_are_paragraphs(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project(REGISTRY)
    article = tmp_path / "a.txt"
    article.write_text("Title here\n(Reuters) - First.\nSecond paragraph.\n", encoding="utf-8")
    imported = import_article(Project.open(root), article, date=PUBLISHED)
    parts = split_front_matter(imported.path.read_text(encoding="utf-8"))
    assert parts is not None
    assert parts[1] == "(Reuters) - First.\n\nSecond paragraph.\n"


def test_date_line_under_the_title_gives_the_date(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project(REGISTRY)
    article = tmp_path / "a.txt"
    article.write_text(
        "Baidu trains Ernie on Kunlun chips\nBy Jane Doe and John Roe\n"
        "September 10, 2025 8:14 AM GMT+8\n\n(Reuters) - Baidu said on Tuesday it ...\n",
        encoding="utf-8",
    )
    imported = import_article(Project.open(root), article)
    front = front_matter(imported.path)
    assert front["date"] == "2025-09-10"
    assert front["authors"] == ["Jane Doe", "John Roe"]
    assert [e["date"] for e in front["events"]] == ["2025-09-09"]
    assert "September 10" not in imported.path.read_text(encoding="utf-8").split("---")[-1]


def test_out_dir_and_imported_summary(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project(REGISTRY)
    article = tmp_path / "a.txt"
    article.write_text(f"Own chips\n\n(Reuters) - {BODY}", encoding="utf-8")
    imported = import_article(
        Project.open(root), article, date=PUBLISHED, out_dir=root / "seeds" / "inbox"
    )
    assert imported.path == root / "seeds" / "inbox" / "2025-09-11-own-chips.md"
    assert imported.found_entities == ["reuters", "alibaba", "baidu", "the-information"]
    assert (imported.events, imported.claims) == (0, 1)
    with pytest.raises(ImportFailed, match="already exists"):
        import_article(Project.open(root), article, date=PUBLISHED)  # same slug, other folder


# --- the real article, against the hand-written seed ---------------------------------------

EXPECTED_ENTITIES = {
    "alibaba", "baidu", "nvidia", "the-information", "reuters", "ernie", "kunlun-p800", "h20",
    "h100", "blackwell", "jensen-huang", "donald-trump", "us-government", "chinese-government",
}  # fmt: skip


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    root = copy_example(tmp_path_factory.mktemp("import") / "project")
    return import_article(Project.open(root), RAW, date=PUBLISHED)


def test_example_seed_is_written_where_the_spec_says(imported: Imported) -> None:
    root = imported.path.parents[2]
    assert imported.path.parent == root / "seeds" / "2025"
    assert imported.slug == "2025-09-11-alibaba-baidu-begin-using-own-chips-to-train"
    assert imported.path.stem == imported.slug


def test_example_front_matter(imported: Imported) -> None:
    front = front_matter(imported.path)
    assert front["title"] == (
        "Alibaba, Baidu begin using own chips to train AI models, The Information reports"
    )
    assert (front["date"], front["source"], front["via"]) == (
        "2025-09-11",
        "reuters",
        ["the-information"],
    )
    assert front["summary"].startswith("China's Alibaba and Baidu have started using")
    assert (front["key_points"], front["tags"]) == ([], [])
    assert (front["publish"], front["draft"]) == ("excerpt", True)
    assert set(front["entities"]) >= EXPECTED_ENTITIES
    assert set(imported.found_entities) >= EXPECTED_ENTITIES
    assert imported.not_in_registry == []


def test_example_events(imported: Imported) -> None:
    events = front_matter(imported.path)["events"]
    by_date = {e["date"]: e for e in events}
    assert {"early 2025", "late 2025-08", "2025-09-11"} <= set(by_date)
    assert "alibaba" in by_date["early 2025"]["entities"]
    assert {"jensen-huang", "nvidia"} <= set(by_date["late 2025-08"]["entities"])
    assert all(len(e["title"]) <= 120 for e in events)
    assert len({e["id"] for e in events}) == len(events) == imported.events
    text = imported.path.read_text(encoding="utf-8")
    assert '# "Alibaba has been using its own chips ... ' in text
    assert "since early this year" in text.split("early 2025")[0].rsplit("\n  - ", 1)[-1]


def test_example_claims_and_quote(imported: Imported) -> None:
    front = front_matter(imported.path)
    claims = front["claims"]
    assert len(claims) == imported.claims
    by_basis = {c.get("basis"): c for c in claims}
    four = by_basis["four people with direct knowledge of the matter"]
    assert (four["by"], four["status"]) == ("the-information", "reported")
    assert four["text"].startswith("China's Alibaba and Baidu have started using")
    three = by_basis["three employees who have used the chip"]
    assert three["by"] == "the-information"
    assert three["text"] == "Alibaba's AI chip is now good enough to compete with Nvidia's H20"
    assert set(three["entities"]) == {"alibaba", "nvidia", "h20"}
    [silent] = [c for c in claims if c["status"] == "no-comment"]
    # "by the party that declined" (the hand-written seed says reuters: the asker)
    assert (silent["by"], silent["entities"]) == ("alibaba", ["alibaba", "baidu"])
    huang = [c for c in claims if c["by"] == "jensen-huang"]
    assert huang and huang[0]["text"].startswith("The discussions with the White House")
    [quote] = front["quotes"]
    assert (quote["by"], quote["role"]) == ("nvidia", "spokesperson")
    assert quote["text"].startswith("The competition has undeniably arrived ... We'll continue")
    assert not quote["text"].endswith((",", '"'))


def test_example_body_is_the_article_without_its_title(imported: Imported) -> None:
    parts = split_front_matter(imported.path.read_text(encoding="utf-8"))
    assert parts is not None
    raw = RAW.read_text(encoding="utf-8")
    expected = [p.strip() for p in re.split(r"\n\s*\n", raw.split("\n", 1)[1]) if p.strip()]
    assert parts[1].split("\n\n") == [*expected[:-1], expected[-1] + "\n"]


def test_example_seed_passes_check(imported: Imported) -> None:
    root = imported.path.parents[2]
    code, out, err = run(root, "check")
    assert code == 0, err
    assert "0 errors" in out


def test_importing_again_never_overwrites(imported: Imported) -> None:
    root = imported.path.parents[2]
    before = imported.path.read_bytes()
    with pytest.raises(ImportFailed, match="already exists") as failed:
        import_article(Project.open(root), RAW, date=PUBLISHED)
    assert "never overwrites" in str(failed.value)
    assert imported.path.read_bytes() == before


def test_missing_date_fails_clearly(imported: Imported) -> None:
    root = imported.path.parents[2]
    with pytest.raises(ImportFailed) as failed:
        import_article(Project.open(root), RAW)
    message = str(failed.value)
    assert "no publication date" in message and "--date YYYY-MM-DD" in message


def test_import_is_deterministic(imported: Imported, tmp_path: Path) -> None:
    root = copy_example(tmp_path / "again")
    again = import_article(Project.open(root), RAW, date=PUBLISHED)
    assert again.path.read_bytes() == imported.path.read_bytes()


def test_names_missing_from_the_registry_are_listed(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "fewer")
    for entity in ("kunlun-p800", "jensen-huang"):
        (root / "seeds" / "entities" / f"{entity}.yml").unlink()
    result = import_article(Project.open(root), RAW, date=PUBLISHED)
    assert result.not_in_registry == ["Kunlun P800", "Jensen Huang"]
    text = result.path.read_text(encoding="utf-8")
    assert "#   Kunlun P800: briefing new entity kunlun-p800 --type product" in text
    assert "#   Jensen Huang: briefing new entity jensen-huang --type" in text


def test_names_missing_from_a_small_registry(make_project: MakeProject) -> None:
    root = make_project(REGISTRY)
    result = import_article(Project.open(root), RAW, date=PUBLISHED)
    assert set(result.not_in_registry) >= {
        "Kunlun P800",
        "H20",
        "H100",
        "Jensen Huang",
        "White House",
        "Donald Trump",
    }
    assert not {"AI", "CEO", "U.S.", "China", "Thursday", "Meanwhile"} & set(result.not_in_registry)
    code, _, err = run(root, "check")
    assert code == 0, err


# --- comparison with the hand-written seed --------------------------------------------------


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.casefold().split(), b.casefold().split()).ratio()


def _match(
    found: list[dict[str, Any]],
    wanted: list[dict[str, Any]],
    same: Callable[[dict[str, Any], dict[str, Any]], bool],
) -> tuple[int, int, int]:
    """``(found, missed, extra)``: each hand-written item matched to at most one proposal."""
    free = list(found)
    hits = 0
    for want in wanted:
        match = next((f for f in free if same(f, want)), None)
        if match is not None:
            free.remove(match)
            hits += 1
    return hits, len(wanted) - hits, len(free)


def compare(imported_seed: Path, handwritten: Path = EXAMPLE_SEED) -> dict[str, tuple[int, ...]]:
    """Entities, events and claims of an imported seed against a hand-written one."""
    got, want = front_matter(imported_seed), front_matter(handwritten)
    ents_got, ents_want = set(got["entities"]), set(want["entities"])
    events = _match(
        got["events"],
        want["events"],
        lambda f, w: f["date"] == w["date"] and bool(set(f["entities"]) & set(w["entities"])),
    )
    claims = _match(
        got["claims"],
        want["claims"],
        lambda f, w: (
            f["by"] == w["by"]
            and f["status"] == w["status"]
            and _similar(f["text"], w["text"]) >= 0.5
        ),
    )
    quotes = _match(
        got["quotes"],
        want["quotes"],
        lambda f, w: f["by"] == w["by"] and _similar(f["text"], w["text"]) >= 0.8,
    )
    return {
        "entities": (
            len(ents_got & ents_want),
            len(ents_want - ents_got),
            len(ents_got - ents_want),
        ),
        "events": events,
        "claims": claims,
        "quotes": quotes,
    }


def report(result: dict[str, tuple[int, ...]]) -> str:
    lines = [f"{'':10} {'found':>6} {'missed':>7} {'extra':>6}"]
    for name, (hit, missed, extra) in result.items():
        lines.append(f"{name:10} {hit:>6} {missed:>7} {extra:>6}")
    return "\n".join(lines)


def test_comparison_with_the_hand_written_seed(
    imported: Imported, capsys: pytest.CaptureFixture[str]
) -> None:
    result = compare(imported.path)
    with capsys.disabled():
        print("\nimported vs hand-written seed\n" + report(result))
    assert result["entities"] == (14, 0, 0)
    assert result["events"][0] >= 3
    assert result["claims"][0] >= 5
    assert result["quotes"] == (1, 0, 0)


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        root = copy_example(Path(folder) / "project")
        result = import_article(Project.open(root), RAW, date=PUBLISHED)
        print(f"wrote {result.path.relative_to(root)}")
        print(report(compare(result.path)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
