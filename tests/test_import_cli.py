"""`briefing import` and `briefing new entity|briefing` run through the real CLI (SPEC §5).

Exit codes: 0 success, 1 problems in the input (each as ``path:line: field: message``),
2 wrong usage in one sentence. Every draft written here must pass ``briefing check``.
URLs are fetched from a local http.server on 127.0.0.1 only.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.helpers import serve_folder
from tests.test_import_quality import INTAKE, front_matter

MakeProject = Callable[..., Path]
PROBLEM_LINE = re.compile(r"^[^:\n]+:\d+: [^:\n]+: .+$")


@pytest.fixture
def project(make_project: MakeProject) -> Path:
    """A project whose registry is the gold set's."""
    root = make_project()
    shutil.rmtree(root / "seeds" / "entities")
    shutil.copytree(INTAKE / "entities", root / "seeds" / "entities")
    return root


def drafts(root: Path) -> list[Path]:
    return sorted((root / "seeds").rglob("*.md"))


def test_wire_text_needs_no_options(project: Path, run_cli: RunCli) -> None:
    code, out, err = run_cli(project, "import", str(INTAKE / "01-wire-corvane-shipments.txt"))
    assert code == 0, err
    [line] = out.splitlines()
    assert line.startswith("wrote seeds/2026/2026-03-04-corvane-weighs-cutting-chip-shipments")
    assert "01-wire-corvane-shipments.txt" in line and "claims" in line
    assert run_cli(project, "check")[0] == 0


def test_saved_web_page_takes_its_metadata(project: Path, run_cli: RunCli) -> None:
    code, _, err = run_cli(project, "import", str(INTAKE / "07-saved-page-lumisyn.html"))
    assert code == 0, err
    [seed] = drafts(project)
    front = front_matter(seed)
    assert (front["source"], front["date"]) == ("harbor-ledger", "2026-07-16")
    assert front["url"].startswith("https://www.harborledger.example/tech/2026/07/16/")
    assert front["authors"] == ["Dana Whitlock"]
    body = seed.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert "Lumisyn on Thursday released Orion-9" in body
    for junk in ("Subscribe", "Advertisement", "Related stories", "Privacy policy"):
        assert junk not in body
    code, _out, err = run_cli(project, "check")
    assert code == 0, err


def test_feed_gives_one_draft_per_item_and_skips_known_urls(project: Path, run_cli: RunCli) -> None:
    feed = str(INTAKE / "08-feed-circuit-weekly.xml")
    code, out, err = run_cli(project, "import", feed)
    assert code == 0, err
    assert [line.split()[0] for line in out.splitlines()] == ["wrote", "wrote"]
    assert len(drafts(project)) == 2
    code, out, err = run_cli(project, "import", feed)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 2 and all(line.startswith("skipped ") for line in lines)
    assert "https://circuitweekly.example/2026/09/corvane-veltra-m3 is already imported" in out
    assert len(drafts(project)) == 2
    assert run_cli(project, "check")[0] == 0


def test_folder_reports_every_file_and_fails_only_the_bad_ones(
    project: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("02-wire-deeptide-funding.txt", "07-saved-page-lumisyn.html"):
        shutil.copy(INTAKE / name, inbox / name)
    # newspaper style: no dateline, no date line
    shutil.copy(INTAKE / "03-newspaper-qilin-denial.txt", inbox / "03-undated.txt")
    (inbox / "notes.pdf").write_bytes(b"%PDF-1.4")
    (inbox / ".hidden.txt").write_text("ignored\n")
    code, out, err = run_cli(project, "import", str(inbox))
    assert code == 1
    assert out.count("wrote ") == 2
    assert "skipped " in out and "notes.pdf" in out and ".hidden" not in out
    problems = [line for line in err.splitlines() if not line.startswith("briefing:")]
    assert len(problems) == 1, err
    assert PROBLEM_LINE.match(problems[0]), problems[0]
    assert problems[0].startswith(f"{inbox / '03-undated.txt'}:1: date: no publication date")
    assert "--date YYYY-MM-DD" in problems[0]
    assert "Traceback" not in err
    assert run_cli(project, "check")[0] == 0


def test_date_and_source_only_where_the_file_does_not_say(project: Path, run_cli: RunCli) -> None:
    article = str(INTAKE / "03-newspaper-qilin-denial.txt")
    code, _, err = run_cli(project, "import", article, "--date", "2026-04-20")
    assert code == 1 and ":1: source: no dateline" in err
    code, _out, err = run_cli(
        project, "import", article, "--date", "2026-04-20", "--source", "lantern-post"
    )
    assert code == 0, err
    assert front_matter(drafts(project)[0])["source"] == "lantern-post"


USAGE = [
    # arguments, words of the one-sentence message
    (["import", "x.txt", "--source", "nobody"], ["unknown --source 'nobody'"]),
    (["import", "x.txt", "--source", "Lantern Postt"], ["is not an entity id"]),
    (["import", "x.txt", "--date", "2026-13-01"], ["is not a date"]),
    (["import"], ["required"]),
    (["new", "entity", "Bad_Id", "--type", "company"], ["Bad_Id"]),
    (["new", "entity", "acme", "--type", "corporation"], ["--type must be one of"]),
    (["new", "entity", "corvane", "--type", "company"], ["already exists"]),
    (["new", "briefing", "no-date-here"], ["--date YYYY-MM-DD"]),
    (["new", "briefing", "x", "--date", "2026-02-30"], ["is not a date"]),
    (["new", "briefing", "2026-01-02-x", "--source", "Not An Id"], ["--source"]),
]


@pytest.mark.parametrize(("args", "words"), USAGE, ids=[" ".join(a) for a, _ in USAGE])
def test_wrong_usage_exits_2_with_one_sentence(
    project: Path, run_cli: RunCli, args: list[str], words: list[str]
) -> None:
    before = sorted(p for p in (project / "seeds").rglob("*") if p.is_file())
    code, out, err = run_cli(project, *args)
    assert code == 2, (out, err)
    message = err.strip().splitlines()[-1]
    for word in words:
        assert word in message
    assert "Traceback" not in err
    assert sorted(p for p in (project / "seeds").rglob("*") if p.is_file()) == before


def test_new_entity_then_a_seed_that_uses_it_passes_check(project: Path, run_cli: RunCli) -> None:
    code, out, err = run_cli(project, "new", "entity", "deeptide", "--type", "company")
    assert (code, out.strip()) == (0, "wrote seeds/entities/deeptide.yml"), err
    text = (project / "seeds" / "entities" / "deeptide.yml").read_text(encoding="utf-8")
    assert 'name: "Deeptide"' in text and "type: company" in text
    code, out, err = run_cli(
        project, "new", "entity", "sun-lihua", "--type", "person", "--name", "Sun Lihua"
    )
    assert code == 0, err
    code, out, err = run_cli(project, "import", str(INTAKE / "07-saved-page-lumisyn.html"))
    assert code == 0, err
    front = front_matter(drafts(project)[0])
    assert "deeptide" in front["entities"]  # now found through the registry
    assert {q["by"] for q in front["quotes"]} == {"sun-lihua"}
    code, _, err = run_cli(project, "check")
    assert code == 0, err


def test_new_briefing_scaffold_passes_check_once_filled(project: Path, run_cli: RunCli) -> None:
    code, out, err = run_cli(
        project, "new", "briefing", "2026-01-02-a-note", "--source", "meridian-wire"
    )
    assert code == 0, err
    assert out.startswith("wrote seeds/2026/2026-01-02-a-note.md")
    seed = project / "seeds" / "2026" / "2026-01-02-a-note.md"
    front = front_matter(seed)
    assert (front["date"], front["source"], front["draft"]) == ("2026-01-02", "meridian-wire", True)
    code, _, err = run_cli(project, "check")
    assert code == 0, err
    code, _, err = run_cli(project, "new", "briefing", "2026-01-02-a-note")
    assert code == 2 and "already exists" in err


# --- URLs, from a server on 127.0.0.1 only ----------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A local web server for tmp_path/www, stopped after the test."""
    www = tmp_path / "www"
    www.mkdir()
    shutil.copy(INTAKE / "07-saved-page-lumisyn.html", www / "page.html")
    (www / "big.html").write_text("<html><body>" + "<p>x</p>" * 50_000 + "</body></html>")

    with serve_folder(www) as url:
        yield url.rstrip("/")


def test_url_is_fetched_and_imported_like_a_saved_page(
    make_project: MakeProject, run_cli: RunCli, server: str
) -> None:
    root = make_project(mkdocs_extra="extra:\n  briefing:\n    max_file_bytes: 200000\n")
    shutil.rmtree(root / "seeds" / "entities")
    shutil.copytree(INTAKE / "entities", root / "seeds" / "entities")
    code, out, err = run_cli(
        root, "import", f"{server}/page.html", f"{server}/missing.html", f"{server}/big.html"
    )
    assert code == 1
    assert out.count("wrote ") == 1, out
    front = front_matter(drafts(root)[0])
    assert front["source"] == "harbor-ledger"  # from the page's metadata, not the server
    problems = [line for line in err.splitlines() if not line.startswith("briefing:")]
    assert len(problems) == 2, err
    assert all(PROBLEM_LINE.match(p.replace("http://", "http//")) for p in problems), problems
    assert "404" in problems[0] and "url:" in problems[0]
    assert "over the limit" in problems[1]
    assert run_cli(root, "check")[0] == 0
