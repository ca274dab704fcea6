"""Measure one per-year site cut from a benchmark project (the "split the site by year" option).

    .venv/bin/python bench/split.py YEAR [--size 10000] [--out bench/out]

Needs ``OUT/briefing-SIZE/`` from ``bench/run.py``.  Writes ``OUT/split-SIZE-YEAR/``
with the seeds of that year and *all* entities (a conservative cut: every entity
card is still built), drops the ``source:`` of entity facts and relations that
point at a briefing of another year (in a real split those would become links to
the other year's site), then measures, like run.py, the generator alone and the
whole ``briefing build`` in fresh subprocesses.  Prints one JSON line and appends
it to ``OUT/split.jsonl``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent


def _run_module():
    """bench/run.py, imported by path."""
    sys.path.insert(0, str(BENCH))
    from _modules import load

    return load("run", "bench_run")


def make_year(source: Path, target: Path, year: int) -> dict[str, int]:
    if target.exists():
        shutil.rmtree(target)
    (target / "seeds" / "entities").mkdir(parents=True)
    shutil.copytree(source / "seeds" / str(year), target / "seeds" / str(year))
    slugs = {p.stem for p in (target / "seeds").rglob("*.md")}
    dropped = 0
    for path in sorted((source / "seeds" / "entities").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for fact in (data.get("facts") or {}).values():
            if isinstance(fact, dict) and fact.get("source") and fact["source"] not in slugs:
                del fact["source"]
                dropped += 1
        for rel in data.get("relations") or []:
            if rel.get("source") and rel["source"] not in slugs:
                del rel["source"]
                dropped += 1
        (target / "seeds" / "entities" / path.name).write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    shutil.copyfile(source / "mkdocs.yml", target / "mkdocs.yml")
    (target / "docs").mkdir()
    shutil.copyfile(source / "docs" / "about.md", target / "docs" / "about.md")
    shutil.copytree(source / "docs" / "stylesheets", target / "docs" / "stylesheets")
    return {"seeds": len(slugs), "sources_dropped": dropped}


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/split.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("year", type=int)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    args = parser.parse_args()
    out = args.out.resolve()
    if (out / "code" / "generator").is_dir():  # the generator/ snapshot of the last run.py run
        import os

        os.environ.setdefault("BENCH_CODE", str(out / "code"))
    run = _run_module()
    source = out / f"briefing-{args.size}"
    target = out / f"split-{args.size}-{args.year}"
    result: dict = {"size": args.size, "year": args.year, **make_year(source, target, args.year)}
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    me = str(BENCH / "run.py")
    gen = run.run_child([py, me, "_generator", str(target)], logs / f"split-gen-{args.year}.log")
    gen.update(run.child_json(Path(gen["log"])))
    build = run.run_child([py, me, "_build", str(target)], logs / f"split-build-{args.year}.log")
    build.update(run.child_json(Path(build["log"])))
    site = run.site_stats(target / "site")
    result.update({
        "gen_seconds": gen["total"], "gen_peak": gen["peak_rss"], "gen_warnings": gen["warnings"],
        "build_wall": build["wall"], "build_cpu": build["user"] + build["sys"],
        "build_mkdocs": build["parts"].get("mkdocs", 0), "build_peak": build["peak_rss"],
        "html_pages": site["html_pages"], "html_avg": site["html_avg"], "html_max": site["html_max"],
        "html_max_page": site["html_max_page"], "site_bytes": site["site_bytes"],
        "search_index": site["search_index"],
    })
    run.emit(result, out / "split.jsonl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
