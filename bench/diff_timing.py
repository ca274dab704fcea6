"""How long ``briefing diff`` takes on a large project, beside a cold build of it.

Usage: ``.venv/bin/python bench/diff_timing.py [--seeds N] [--out DIR]``

Writes a synthetic project (``bench/synth.py``) of N seeds (10,000 by default) under
git, commits it, then makes the change a pull request typically makes: one briefing's
title edited, one claim confirmed by a later briefing, one new briefing.  Times
``briefing diff`` three ways, each once warm (the operating system's file cache
holds the project; nothing of briefing's own is cached between those runs):

- ``main HEAD`` (two revisions, as the preview workflow runs it);
- the working tree against the merge base (as an author runs it before committing);
- ``--format json``.

Then a cold ``briefing build`` of the same project, for the ratio, and the first
diff once more, now with the build's cache (as a preview job that restores the cache
runs it).  Prints one
Markdown table.  Noisy machines: compare the ratio, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synth import make_project  # noqa: E402


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def _briefing(root: Path, *args: str) -> tuple[float, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "-C", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    took = time.perf_counter() - started
    if done.returncode not in (0,):
        raise SystemExit(f"briefing {' '.join(args)} exited {done.returncode}\n{done.stderr}")
    return took, done.stdout


def _front(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text.split("---", 2)[1])
    return data


def _edit(root: Path) -> None:
    """One title edited; one new briefing, dated after all others, confirming a claim."""
    seeds = sorted((root / "seeds").rglob("*.md"))
    first = seeds[len(seeds) // 2]
    text = first.read_text(encoding="utf-8")
    text = re.sub(
        r"(?m)^title: .*$", "title: An edited title for the diff benchmark", text, count=1
    )
    first.write_text(text, encoding="utf-8")
    # the claim a later briefing confirms (synthetic claims have no ids: give one one)
    donor = next(
        p for p in seeds[len(seeds) // 3 :] if "\nclaims:\n- text:" in p.read_text("utf-8")
    )
    text = donor.read_text(encoding="utf-8")
    donor.write_text(text.replace("\nclaims:\n- text:", "\nclaims:\n- id: bench-claim\n  text:", 1))
    claim_id, source = "bench-claim", _front(donor)["source"]
    front: dict[str, Any] = {"title": "A later word", "date": "2030-01-01", "source": source}
    front["claims"] = [
        {
            "text": "The earlier report is confirmed.",
            "by": source,
            "status": "confirmed",
            "updates": claim_id,
        }
    ]
    page = "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\nA later word.\n"
    (root / "seeds" / "2030-01-01-a-later-word.md").write_text(page, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seeds", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out-diff")
    args = parser.parse_args()
    root = args.out / f"diff-{args.seeds}"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    make_project(root, args.seeds)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(
        root, "-c", "user.name=bench", "-c", "user.email=bench@example.org", "commit", "-qm", "base"
    )
    _edit(root)
    worktree, text = _briefing(root, "diff")  # the working tree against main
    _git(root, "checkout", "-q", "-b", "change")
    _git(root, "add", "-A")
    _git(
        root,
        "-c",
        "user.name=bench",
        "-c",
        "user.email=bench@example.org",
        "commit",
        "-qm",
        "change",
    )
    revisions, markdown = _briefing(root, "diff", "main", "HEAD", "--format", "markdown")
    as_json, data = _briefing(root, "diff", "main", "HEAD", "--format", "json")
    cold, _ = _briefing(root, "build")
    # a preview job restores the build cache first, and an author has built before
    warm, again = _briefing(root, "diff", "main", "HEAD", "--format", "markdown")
    assert again == markdown, "the diff with the build cache differs from the one without"
    summary = json.loads(data)
    rows = [
        ("`briefing diff main HEAD --format markdown`", revisions),
        ("`briefing diff` (working tree against the merge base)", worktree),
        ("`briefing diff main HEAD --format json`", as_json),
        ("the first, after the build (its cache warm)", warm),
        ("cold `briefing build` of the same project", cold),
    ]
    print(
        f"{args.seeds:,} seeds; the change: one title edited, one new briefing with a later word\n"
    )
    print("| Run | Seconds | ÷ cold build |\n| --- | ---: | ---: |")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.1f} | {seconds / cold:.2f} |")
    print("\nWhat it said (markdown):\n")
    print(markdown.strip())
    print("\nJSON keys:", sorted(summary))
    assert text.strip(), "the working-tree diff printed nothing"


if __name__ == "__main__":
    main()
