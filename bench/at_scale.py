"""A cold build and a title edit of one large synthetic project, under a memory budget.

Usage: ``.venv/bin/python bench/at_scale.py PROJECT [--memory 8G] [--out DIR]``

PROJECT is a synthetic project that ``bench/run.py`` wrote (``bench/synth.py``, the
same seed): its generated pages, site and cache are deleted first, so the build is
cold.  ``--memory`` is passed as ``BRIEFING_MEMORY`` (the build's processes together;
the Pagefinds take turns within what the build's own process leaves).  Prints, and
writes to ``OUT/at_scale.json``: wall and CPU time, the build's parts, the peak of
the largest process and of all processes at once (sampled PSS, see
``bench/run.py``), the site's size, files and largest page, then the same for a
rebuild after one title edit.  It takes the measurements ``bench/run.py`` takes, for
one size, without the anchors (their time at 100,000 seeds is an hour).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402


def _cold(project: Path) -> None:
    """Delete what a build made: generated docs/ pages, site/, the cache."""
    for name in ("site", ".cache"):
        shutil.rmtree(project / name, ignore_errors=True)
    manifest = project / "docs" / ".briefing-manifest.json"
    if manifest.exists():
        listed = json.loads(manifest.read_text(encoding="utf-8"))
        for rel in listed.get("files", listed) if isinstance(listed, dict) else listed:
            (project / "docs" / rel).unlink(missing_ok=True)
        manifest.unlink()
    for kind in ("briefings", "entities", "tags", "timeline", "claims", "data", "explore", "graph"):
        shutil.rmtree(project / "docs" / kind, ignore_errors=True)


def _summary(step: dict) -> dict:
    parts = step.get("parts", {})
    return {
        "wall": round(step["wall"], 1),
        "cpu": round(step["user"] + step["sys"], 1),
        "largest process MB": round(step["peak_rss"] / run.MB),
        "all processes MB": round(step["tree_pss"] / run.MB),
        "parts": {k: round(v, 1) for k, v in parts.items()},
        "search": step.get("kept", {}).get("search"),
        "cli": step.get("cli"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--memory", default="", help="BRIEFING_MEMORY for the builds")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    project = args.project.resolve()
    out = (args.out or project.parent).resolve()
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    if args.memory:
        os.environ["BRIEFING_MEMORY"] = args.memory
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    py = sys.executable
    _cold(project)
    result: dict = {"project": str(project), "memory": args.memory or None}
    cold = run.build_step(py, project, logs / "at-scale-cold.log")
    result["cold"] = _summary(cold)
    site = run.site_stats(project / "site")
    result["site"] = {
        k: site[k]
        for k in ("html_pages", "html_max", "html_max_page", "html_over_2mb", "site_bytes")
    } | {"site_files": site["site_files"], "pagefind_files": site["pagefind_files"]}
    print(json.dumps(result, indent=1), flush=True)
    result["edited"] = run.edit_one_seed(project, title=True)
    edit = run.build_step(py, project, logs / "at-scale-edit.log")
    result["edit"] = _summary(edit)
    (out / "at_scale.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
