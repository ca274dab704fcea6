"""Build one generated docs/ with MkDocs, ProperDocs and Zensical, and follow every link.

    .venv/bin/python -m pytest tests/test_builders.py      # once: makes .cache/builders/*
    .venv/bin/python bench/builders.py [--sizes 1000 2000] [--out bench/out]
                                       [--builders mkdocs properdocs zensical]

For each size N: the synthetic project ``OUT/briefing-N`` (``bench/synth.py``; made
here if missing) gets its ``docs/`` written by this checkout's generator
(``pipeline.generate``, no site build).  Then, for each builder, a copy of ``mkdocs.yml`` and
``docs/`` in ``OUT/builders-N/<builder>/`` is built by the builder's own command in a
subprocess (``mkdocs build``, ``properdocs build``, ``zensical build --clean``), timed
as ``run.py`` times its steps (wall time, CPU time and peak memory of the child), and
every page's ``href`` and ``src`` is followed: the target file must exist and a
``#fragment`` must name an element id there.  MkDocs comes from this environment,
ProperDocs and Zensical from the side environments that ``tests/test_builders.py``
creates.  One JSON line per size and builder is printed and appended to
``OUT/builders.jsonl``.
"""

from __future__ import annotations

import argparse
import posixpath
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SIDE = REPO / ".cache" / "builders"
COMMANDS = {
    "mkdocs": [sys.executable, "-m", "mkdocs", "build", "--quiet"],
    "properdocs": [str(SIDE / "properdocs-1.6.7" / "bin" / "python"), "-m", "properdocs", "build", "--quiet"],
    "zensical": [str(SIDE / "zensical-0.0.73" / "bin" / "python"), "-m", "zensical", "build", "--clean"],
}
#: The generator alone (pipeline.generate, as ``serve`` runs it): docs/ without a site build.
GENERATE = (
    "import sys; from pathlib import Path; from generator import pipeline; "
    "from generator.project import Project; "
    "g = pipeline.generate(Project.open(Path(sys.argv[1]))); "
    "sys.exit(0 if g.stats is not None else 1)"
)
URL = re.compile(r"""\b(?:href|src)=(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
ID = re.compile(r"""\bid=(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")


def _modules():
    sys.path.insert(0, str(BENCH))
    from _modules import load

    return load("run", "bench_run"), load("synth", "bench_synth")


def follow_links(site: Path, site_url: str) -> dict:
    """Every internal href/src of every page, followed; counts and the first broken ones."""
    prefix = urlsplit(site_url).path or "/"
    ids: dict[str, set[str]] = {}

    def ids_of(rel: str) -> set[str]:
        if rel not in ids:
            text = (site / rel).read_text(encoding="utf-8", errors="replace")
            ids[rel] = {next(g for g in m.groups() if g is not None) for m in ID.finditer(text)}
        return ids[rel]

    followed = 0
    broken: list[str] = []
    pages = sorted(site.rglob("*.html"))
    for path in pages:
        rel = path.relative_to(site).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in URL.finditer(text):
            url = next(g for g in match.groups() if g is not None).replace("&amp;", "&")
            if url.startswith(site_url):
                url = prefix + url[len(site_url) :]
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("mailto:", "data:", "javascript:")):
                continue
            if not parts.path:
                target = rel
            else:
                path_part = unquote(parts.path)
                if path_part.startswith("/"):
                    if not path_part.startswith(prefix):
                        broken.append(f"{rel}: {url}")
                        continue
                    target = path_part[len(prefix) :]
                else:
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path_part))
                    target = "" if target == "." else target
                if target.startswith(".."):
                    broken.append(f"{rel}: {url}")
                    continue
                if target == "" or path_part.endswith("/") or (site / target).is_dir():
                    target = posixpath.join(target, "index.html")
            followed += 1
            if not (site / target).is_file():
                broken.append(f"{rel}: {url}")
            elif parts.fragment and target.endswith(".html") and unquote(parts.fragment) not in ids_of(target):
                broken.append(f"{rel}: {url} (no such id)")
    return {"pages": len(pages), "followed": followed, "broken": len(broken), "broken_first": broken[:10]}


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/builders.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000])
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    parser.add_argument("--builders", nargs="+", default=list(COMMANDS), choices=list(COMMANDS))
    parser.add_argument("--no-links", action="store_true", help="build only; do not follow links")
    args = parser.parse_args()
    run, synth = _modules()
    out = args.out.resolve()
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    for builder in args.builders:
        if not Path(COMMANDS[builder][0]).exists():
            raise SystemExit(f"{COMMANDS[builder][0]} not found; run pytest tests/test_builders.py once")
    for size in args.sizes:
        project = out / f"briefing-{size}"
        if not (project / "mkdocs.yml").is_file():
            run.say(f"bench: writing the {size}-seed project")
            synth.make_project(project, size)
        run.say(f"bench: generating docs/ for {size} seeds")
        child = run.run_child([sys.executable, "-c", GENERATE, str(project)],
                              logs / f"builders-generate-{size}.log", cwd=REPO)
        if child["rc"] != 0:
            raise SystemExit(f"generating docs/ failed; see {child['log']}")
        site_url = synth_site_url(project)
        for builder in args.builders:
            target = out / f"builders-{size}" / builder
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            shutil.copyfile(project / "mkdocs.yml", target / "mkdocs.yml")
            shutil.copytree(project / "docs", target / "docs", ignore=shutil.ignore_patterns(".*"))
            run.say(f"bench: {builder} on {size} seeds")
            child = run.run_child(COMMANDS[builder], logs / f"builders-{builder}-{size}.log", cwd=target)
            result: dict = {"size": size, "builder": builder, "rc": child["rc"], "wall": child["wall"],
                            "cpu": child["user"] + child["sys"], "peak_rss": child["peak_rss"]}
            if child["rc"] != 0:
                tail = Path(child["log"]).read_text(encoding="utf-8", errors="replace").strip().splitlines()
                result["error"] = re.sub(r"\x1b\[[0-9;]*m", "", tail[-1] if tail else "")
            site = target / "site"
            if site.is_dir():
                search = next((p for p in (site / "search" / "search_index.json", site / "search.json")
                               if p.is_file()), None)
                result["site_bytes"] = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
                result["search_index"] = search.stat().st_size if search else 0
                if child["rc"] == 0 and not args.no_links:
                    result.update(follow_links(site, site_url))
            run.emit(result, out / "builders.jsonl")
            shutil.rmtree(target, ignore_errors=True)  # 0.5 GB a site at 10,000 seeds
    return 0


def synth_site_url(project: Path) -> str:
    """The project's ``site_url`` (absolute links to it are internal)."""
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    match = re.search(r"^site_url:\s*(\S+)", text, re.MULTILINE)
    return match.group(1) if match else "/"


if __name__ == "__main__":
    sys.exit(main())
