"""``publish: summary`` publishes nothing from the body (SPEC §2.1; issue #11, part 1).

A seed without a ``summary:`` used to get a default one from its body's first
paragraph, which then reached the home page, lists, the page's meta description,
entity cards, tag pages, the feed, the JSON data and the search index.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from tests.conftest import MakeProject, RunCli

MARKER = "Zqxv7Secretparagraph"
SEED = "seeds/2025/2025-09-11-acme-ships.md"

FILES = {
    "seeds/entities/acme.yml": "name: Acme\ntype: company\n",
    "seeds/entities/wire.yml": "name: Wire\ntype: media\n",
    SEED: (
        "---\n"
        "title: Acme ships its chip\n"
        "date: 2025-09-11\n"
        "source: wire\n"
        "url: https://example.com/acme\n"
        "tags: [chips]\n"
        "entities: [acme]\n"
        "events:\n"
        "  - date: 2025-08\n"
        "    title: Acme starts shipping\n"
        "    entities: [acme]\n"
        "publish: summary\n"
        "---\n"
        f"Acme said on Thursday that {MARKER} shipments began.\n"
        "\n"
        f"A second paragraph, {MARKER.lower()} too.\n"
    ),
}


def _texts(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` as text (gzip files decompressed), keyed by relative path."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        out[path.relative_to(folder).as_posix()] = data.decode("utf-8", errors="replace")
    return out


def test_nothing_from_the_body_is_published(make_project: MakeProject, run_cli: RunCli) -> None:
    root = make_project(FILES)
    code, out, err = run_cli(root, "build")
    assert code == 0, out + err
    site = _texts(root / "site")
    docs = _texts(root / "docs")
    # The build really produced the places a default summary used to reach.
    for rel in (
        "index.html",
        "briefings/index.html",
        "briefings/2025-09-11-acme-ships/index.html",
        "entities/acme/index.html",
        "tags/chips/index.html",
        "feed.xml",
        "data/briefings.json",
        "timeline.ics",
        "pagefind/d0/pagefind-entry.json",  # its fragments hold each result's text
        "sitemap.xml",
    ):
        assert rel in site, rel
    assert "Acme ships its chip" in site["briefings/2025-09-11-acme-ships/index.html"]
    marker = re.compile(re.escape(MARKER), re.IGNORECASE)
    leaked = [f"site/{rel}" for rel, text in site.items() if marker.search(text)]
    leaked += [f"docs/{rel}" for rel, text in docs.items() if marker.search(text)]
    assert not leaked, f"the body leaked into {leaked}"


def test_a_given_summary_is_still_published(make_project: MakeProject, run_cli: RunCli) -> None:
    files = dict(FILES)
    files[SEED] = files[SEED].replace(
        "publish: summary\n", "summary: Acme ships.\npublish: summary\n"
    )
    root = make_project(files)
    code, out, err = run_cli(root, "build")
    assert code == 0, out + err
    page = (root / "site/briefings/2025-09-11-acme-ships/index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="Acme ships.">' in page
    assert MARKER not in page
    assert "Acme ships." in (root / "site/feed.xml").read_text(encoding="utf-8")


def test_check_warns_when_a_summary_only_seed_has_no_summary(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project(FILES)
    code, _, err = run_cli(root, "check")
    assert code == 0, err
    # publish: is on line 12 of the seed
    warnings = [line for line in err.splitlines() if line.startswith(f"{SEED}:12: summary: ")]
    assert len(warnings) == 1, err
    assert "warning" in warnings[0] and "publish: summary" in warnings[0], warnings
    code, _, err = run_cli(root, "check", "--strict")
    assert code == 1, err


def test_no_warning_when_the_summary_is_given_or_the_body_published(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    for replacement in ("summary: Acme ships.\npublish: summary\n", "publish: excerpt\n"):
        files = dict(FILES)
        files[SEED] = files[SEED].replace("publish: summary\n", replacement)
        root = make_project(files)
        code, _, err = run_cli(root, "check", "--strict")
        assert code == 0, err
