"""Profile the generator stages on a synthetic project.

    .venv/bin/python bench/profile.py SIZE [--out bench/out] [--sort cumulative|tottime] [--top 25]

Writes (or reuses, when it already exists) the synthetic project
``OUT/profile-SIZE/`` (the same deterministic data as ``bench/run.py``), then runs
open → check (load, validate, model, warnings) → render → write under cProfile and
prints the top functions by cumulative time.  The raw profile is saved as
``OUT/profile-SIZE.pstats`` (open it with ``python -m pstats`` or snakeviz), and the
printed table as ``OUT/profile-SIZE.txt``.  Profiling slows Python code down by
roughly 1.5–2×; compare functions with each other, not with bench/run.py's times.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
# This folder is first on sys.path when a script here runs; take it off so that
# bench/profile.py does not shadow the standard library's `profile` (used by cProfile).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(REPO))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402


def _synth():
    """bench/synth.py, imported by path."""
    sys.path.insert(0, str(BENCH))
    from _modules import load

    return load("synth", "bench_synth")


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/profile.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int, help="number of seeds (entities: one per five seeds)")
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    parser.add_argument("--sort", choices=("cumulative", "tottime"), default="cumulative")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--fresh", action="store_true", help="regenerate the synthetic project and empty docs/")
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

    synth = _synth()
    from generator import pipeline
    from generator.project import Project
    from generator.write import read_manifest, sync, user_conflicts

    root = (args.out / f"profile-{args.size}").resolve()
    if args.fresh or not (root / "mkdocs.yml").exists():
        print(f"writing the synthetic project {root} ...", file=sys.stderr)
        synth.make_project(root, args.size)
    else:
        # Start from an empty docs/ each time so that every page is written, as on a first build.
        for sub in ("briefings", "entities", "timeline", "tags", "graph", "data"):
            shutil.rmtree(root / "docs" / sub, ignore_errors=True)

    def stages() -> None:
        project = Project.open(root)
        checked = pipeline.check(project, drafts=False)
        if checked.corpus is None:
            raise SystemExit("the synthetic project has errors:\n" + "\n".join(map(str, checked.problems)))
        pages = pipeline.render(project, checked.corpus)
        managed = read_manifest(project.docs_dir)
        user_conflicts(project.docs_dir, pages, managed)
        sync(project.docs_dir, pages, managed)

    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    stages()
    profiler.disable()
    wall = time.perf_counter() - start

    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
    text = f"generator stages on {args.size:,} seeds under cProfile: {wall:.2f} s\n" + buffer.getvalue()
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(args.out / f"profile-{args.size}.pstats")
    (args.out / f"profile-{args.size}.txt").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
