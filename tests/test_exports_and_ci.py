"""Feeds, calendar, JSON exports, generated reference files and CI workflow rules."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.helpers import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


@pytest.fixture(scope="module")
def exports() -> dict[str, str]:
    from tests.golden import render_example

    return {path: data.decode("utf-8") for path, data in render_example().items()}


def test_atom_feed_is_valid_for_an_independent_parser(exports: dict[str, str]) -> None:
    import feedparser

    feed = feedparser.parse(exports["feed.xml"])
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "China AI Chips Briefing"
    (entry,) = feed.entries
    assert entry.title == "Alibaba, Baidu begin using own chips to train AI models"
    assert entry.link.endswith("/briefings/2025-09-11-alibaba-baidu-own-chips/")
    assert entry.published.startswith("2025-09-11")
    assert {t.term for t in entry.tags} >= {"ai-chips", "export-controls"}


def test_calendar_is_valid_for_an_independent_parser(exports: dict[str, str]) -> None:
    import datetime

    import vobject

    cal = vobject.readOne(exports["timeline.ics"])
    events = {e.uid.value.split("@")[0]: e for e in cal.vevent_list}
    # Day-precision events are single all-day entries.
    report = events["the-information-reports-alibaba-baidu-own-chips"]
    assert report.dtstart.value == datetime.date(2025, 9, 11)
    assert report.dtend.value == datetime.date(2025, 9, 12)
    # A fuzzy date is an all-day entry over its whole span, saying how it was reported.
    early = events["alibaba-trains-on-own-chips"]
    assert (early.dtstart.value, early.dtend.value) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 5, 1),
    )
    assert "Early 2025" in early.description.value
    late = events["nvidia-white-house-talks-will-take-time"]
    assert (late.dtstart.value, late.dtend.value) == (
        datetime.date(2025, 8, 21),
        datetime.date(2025, 9, 1),
    )


@pytest.mark.parametrize("name", ["briefings", "entities", "events", "claims"])
def test_json_exports_match_their_published_schemas(exports: dict[str, str], name: str) -> None:
    import jsonschema

    data = json.loads(exports[f"data/{name}.json"])
    schema = json.loads(exports[f"data/{name}.schema.json"])
    jsonschema.validate(data, schema)
    assert data, f"{name}.json is empty"


def test_events_json_keeps_fuzzy_dates(exports: dict[str, str]) -> None:
    events = {e["id"]: e for e in json.loads(exports["data/events.json"])}
    date = events["alibaba-trains-on-own-chips"]["date"]
    assert date == {
        "text": "early 2025",
        "words": "Early 2025",
        "earliest": "2025-01-01",
        "latest": "2025-04-30",
        "precision": "part",
        "approximate": False,
        "uncertain": False,
    }


def test_reference_files_are_up_to_date() -> None:
    from generator.reference import generated

    stale = [
        rel
        for rel, text in generated(ROOT).items()
        if (ROOT / rel).read_text(encoding="utf-8") != text
    ]
    assert not stale, f"run `python -m generator.reference` (or make golden): stale {stale}"


def test_editor_schema_accepts_the_example_entities() -> None:
    import jsonschema

    from generator.load import split_front_matter
    from generator.yamlsafe import parse  # YAML 1.2-like, as editors read it: dates stay text

    schema = json.loads((ROOT / "generator" / "schemas" / "entity.schema.json").read_text())
    for path in sorted((ROOT / "seeds" / "entities").glob("*.yml")):
        jsonschema.validate(parse(path.read_text()).value, schema)
    seed_schema = json.loads((ROOT / "generator" / "schemas" / "seed.schema.json").read_text())
    for path in sorted((ROOT / "seeds").rglob("*.md")):
        front = split_front_matter(path.read_text())
        assert front is not None
        jsonschema.validate(parse(front[0]).value, seed_schema)


def _workflow(name: str) -> dict[str, object]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def test_every_workflow_parses_and_sets_its_permissions() -> None:
    """pull_request_target (write access in the base's context) only where no code of the
    pull request runs: taking a closed pull request's preview away (test_workflows.py)."""
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"pages.yml", "preview.yml", "test.yml"}
    for path in files:
        data = _workflow(path.name)
        triggers = data["on"]
        names = set(triggers) if isinstance(triggers, dict | list) else {triggers}
        if path.name != "preview-close.yml":
            assert "pull_request_target" not in names, path.name
        assert "permissions" in data, f"{path.name}: set top-level permissions explicitly"


def test_preview_workflow_is_read_only_and_builds_drafts_and_bundle() -> None:
    data = _workflow("preview.yml")
    assert "pull_request" in data["on"]
    assert data["permissions"] == {"contents": "read"}
    for job in data["jobs"].values():  # type: ignore[union-attr]
        assert job.get("permissions", {"contents": "read"}) == {"contents": "read"}
        runs = " ".join(step.get("run", "") for step in job["steps"])
        assert "--strict" in runs and "--drafts" in runs
        assert "bundle" in runs
        uploads = [
            s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact")
        ]
        assert {s["with"]["name"] for s in uploads} >= {"preview", "offline-bundle"}


def test_pages_workflow_builds_with_make_site_on_main() -> None:
    data = _workflow("pages.yml")
    assert data["on"]["push"]["branches"] == ["main"]  # type: ignore[index]
    runs = " ".join(step.get("run", "") for job in data["jobs"].values() for step in job["steps"])  # type: ignore[union-attr]
    assert "make site" in runs
    assert "generator.publish site site" in runs


@pytest.mark.parametrize("name", ["pages.yml", "preview.yml"])
def test_site_workflows_keep_the_build_cache_and_build_each_variant_once(name: str) -> None:
    """A one-seed change builds warm in CI: the cache (memos, generated docs files) and site/
    are restored keyed on the generator's code and the locked dependencies, and each
    variant (public site or drafts preview, offline bundle) is built once."""
    data = _workflow(name)
    steps = [step for job in data["jobs"].values() for step in job["steps"]]  # type: ignore[union-attr]
    caches = [s for s in steps if str(s.get("uses", "")).startswith("actions/cache@")]
    assert len(caches) == 1, name
    paths = caches[0]["with"]["path"].split()
    assert paths == [".cache/briefing", "site"]
    key = caches[0]["with"]["key"]
    assert "hashFiles('generator/**', 'pyproject.toml', 'requirements/site.txt')" in key
    assert caches[0]["with"]["restore-keys"].strip()
    runs = [str(s.get("run", "")) for s in steps]
    joined = "\n".join(runs)
    order = [
        joined.index("generator.ci_cache import"),
        joined.index("briefing build") if name == "preview.yml" else joined.index("make site"),
        joined.index("generator.ci_cache export"),
    ]
    assert order == sorted(order), "import the cache, build, then export it"
    builds = joined.count("make site") + joined.count("briefing build")
    bundles = joined.count("make bundle") + joined.count("briefing bundle")
    assert builds == 1, f"{name}: the site is built {builds} times"
    assert bundles == (1 if name == "preview.yml" else 0)


TRICKY_TITLES = [
    'Comma, semicolon; back\\slash and "quotes" in one title',
    "华为与中芯国际在上海签署先进封装合作协议" * 4,  # multi-byte text across the folds
    "A very long title " + "with many words " * 12 + "that needs folding",
    "Emoji 🚀 and accents é ü at the fold boundary " + "x" * 20 + "é" * 10,
]


def test_calendar_escapes_and_folds_any_text_for_an_independent_parser(tmp_path) -> None:
    """Titles with iCalendar's special characters and multi-byte text come back exactly."""
    from icalendar import Calendar

    from generator.exports import calendar
    from generator.pipeline import check
    from generator.project import Project
    from tests.helpers import write_project

    files = {
        "seeds/entities/reuters.yml": "name: Reuters\ntype: media\n",
        "seeds/entities/acme.yml": "name: Acme, Inc.\ntype: company\n",
    }
    for i, title in enumerate(TRICKY_TITLES):
        quoted = json.dumps(title, ensure_ascii=False)
        files[f"seeds/2025/2025-05-0{i + 1}-t{i}.md"] = (
            f"---\ntitle: {quoted}\ndate: 2025-05-0{i + 1}\nsource: reuters\n"
            f"entities: [acme, reuters]\ntags: [a-b, 'c']\n"
            f"events:\n  - date: 2025-05-0{i + 1}\n    id: ev-{i}\n    title: {quoted}\n"
            "    entities: [acme]\n---\nAcme said so.\n"
        )
    root = write_project(tmp_path / "p", files)
    checked = check(Project.open(root))
    assert checked.corpus is not None, [str(p) for p in checked.problems]
    text = calendar(checked.corpus, "Site, with; specials", "https://example.org/site/")

    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    for line in raw.split(b"\r\n"):
        line.decode("utf-8")  # no multi-byte character was cut at a fold

    cal = Calendar.from_ical(text)
    assert "\r\nX-WR-CALNAME:Site\\, with\\; specials\r\n" in text  # TEXT escapes
    events = {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    assert set(events) == {f"ev-{i}" for i in range(len(TRICKY_TITLES))}
    for i, title in enumerate(TRICKY_TITLES):
        event = events[f"ev-{i}"]
        assert str(event["SUMMARY"]) == title
        assert title in str(event["DESCRIPTION"])
        assert event.decoded("DTSTART").isoformat() == f"2025-05-0{i + 1}"
        assert str(event["URL"]) == f"https://example.org/site/timeline/#ev-ev-{i}"
