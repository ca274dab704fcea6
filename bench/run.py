"""Benchmark: the briefing generator and `briefing build` against a plain MkDocs build.

    .venv/bin/python bench/run.py [--sizes 1000 10000] [--out bench/out]

For each size N it writes a deterministic synthetic project of N seeds and N/5
entities (``bench/synth.py``) to ``OUT/briefing-N/``, then measures, each step in
a fresh subprocess so that peak memory is the step's own (``os.wait4`` gives the
child's ``ru_maxrss``):

1. the generator alone (``generator`` stages: open → load/validate → model →
   warnings → render → write) on an empty ``docs/``, timed stage by stage inside
   the child;
2. the same after editing one seed's body (how long, and which docs files changed);
3. the whole ``briefing build``: ``generator.cli.main(["-C", P, "build"])`` in a
   fresh interpreter, i.e. the console script's code path, with timers around the
   pipeline functions so that the MkDocs part can be told apart;
4. the anchor: ``mkdocs build`` (the real CLI) of ``OUT/plain-N/``, a plain project
   with the same mkdocs.yml and the same Markdown paths and byte sizes as the
   generated ``docs/``, filled with lorem ipsum (no generator involved).

It prints a Markdown report and writes it to ``OUT/results.md`` (and the raw
numbers to ``OUT/results.json``), with a description of the machine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
# This folder is first on sys.path when a script here runs; take it off so that
# bench/profile.py does not shadow the standard library's `profile` (used by cProfile).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
# Steps import the generator from the snapshot taken at the start of the run (see
# snapshot_code), so that edits made to generator/ during a long run never mix versions.
sys.path.insert(0, os.environ.get("BENCH_CODE") or str(REPO))


def _synth():
    """bench/synth.py, imported by path."""
    sys.path.insert(0, str(BENCH))
    from _modules import load

    return load("synth", "bench_synth")


MB = 1024 * 1024

# The targets.
TARGET_GEN_SECONDS = 3.0
TARGET_GEN_SHARE = 0.10
TARGET_BUILD_VS_PLAIN = 1.3
TARGET_PAGE_GROWTH = 1.2
TARGET_MAX_PAGE = 2 * 1000 * 1000
TARGET_PEAK = 1.5 * 1024**3
TARGET_REGEN_SECONDS = 0.5


# --- child processes ----------------------------------------------------------


def run_child(cmd: list[str], log: Path, cwd: Path | None = None) -> dict:
    """Run ``cmd`` with stdout+stderr to ``log``; wall time and the child's own peak RSS."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"cmd": " ".join(cmd), "rc": proc.returncode, "wall": wall, "peak_rss": usage.ru_maxrss * 1024,
            "user": usage.ru_utime, "sys": usage.ru_stime, "log": str(log)}


def child_json(log: Path) -> dict:
    """The last line of a child's output that is a JSON object (our steps print one)."""
    for line in reversed(log.read_text(encoding="utf-8", errors="replace").splitlines()):
        if line.startswith("{") and line.endswith("}"):
            return json.loads(line)
    raise RuntimeError(f"no result in {log}:\n{log.read_text(errors='replace')[-3000:]}")


class Timers:
    """Wraps module functions so that each call adds its duration under a name."""

    def __init__(self) -> None:
        self.total: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, module: object, attr: str, name: str) -> None:
        original = getattr(module, attr, None)
        if original is None:
            print(f"bench: note: {getattr(module, '__name__', module)}.{attr} not found; stage '{name}' not timed",
                  file=sys.stderr)
            return

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.total[name] = self.total.get(name, 0.0) + time.perf_counter() - start
                self.calls[name] = self.calls.get(name, 0) + 1

        setattr(module, attr, timed)


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (st.st_size, st.st_mtime_ns)
            for p in folder.rglob("*") if p.is_file() and (st := p.stat())}


def step_generator(project_dir: Path, list_changes: bool) -> None:
    """Child: the generator stages on one project; prints one JSON line."""
    t0 = time.perf_counter()
    from generator import load as load_module
    from generator import pipeline
    from generator.project import Project
    from generator.write import read_manifest, sync, user_conflicts

    t_import = time.perf_counter() - t0
    timers = Timers()
    timers.wrap(pipeline, "load", "load+validate")
    timers.wrap(load_module, "_parse_yaml", "  yaml")
    timers.wrap(load_module, "_validate", "  pydantic")
    timers.wrap(pipeline, "build_corpus", "model")
    timers.wrap(pipeline, "_warn", "warnings")
    stages: dict[str, float] = {}
    cpu_start = time.process_time()

    start = time.perf_counter()
    project = Project.open(project_dir)
    stages["open"] = time.perf_counter() - start

    start = time.perf_counter()
    checked = pipeline.check(project, drafts=False)
    stages["check"] = time.perf_counter() - start
    if checked.corpus is None:
        print(json.dumps({"error": "input has errors", "problems": [str(p) for p in checked.problems][:50]}))
        sys.exit(1)

    start = time.perf_counter()
    pages = pipeline.render(project, checked.corpus)
    stages["render"] = time.perf_counter() - start

    before = _snapshot(project.docs_dir) if list_changes else {}
    start = time.perf_counter()
    managed = read_manifest(project.docs_dir)
    conflicts = user_conflicts(project.docs_dir, pages, managed)
    stats = sync(project.docs_dir, pages, managed)
    stages["write"] = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    changed: list[str] = []
    if list_changes:
        after = _snapshot(project.docs_dir)
        changed = sorted(p for p in after if before.get(p) != after[p])
        changed += sorted(f"(deleted) {p}" for p in before if p not in after)

    sizes = [len(text.encode("utf-8")) for path, text in pages.items() if path.endswith(".md")]
    result = {
        "import": t_import,
        "stages": stages,
        "substages": timers.total,
        "total": sum(stages.values()),
        "cpu": cpu,
        "pages": len(pages),
        "md_pages": len(sizes),
        "md_bytes_avg": sum(sizes) / max(1, len(sizes)),
        "md_bytes_max": max(sizes, default=0),
        "written": stats.written,
        "unchanged": stats.unchanged,
        "deleted": stats.deleted,
        "conflicts": conflicts,
        "changed": changed,
        "briefings": len(checked.corpus.briefings),
        "entities": len(checked.corpus.entities),
        "events": len(checked.corpus.events),
        "errors": len(checked.problems.errors),
        "warnings": len(checked.problems.warnings),
        "warning_kinds": _kinds(checked.problems.warnings),
    }
    print(json.dumps(result))


def step_serve(project_dir: Path, mkdocs_bin: str) -> None:
    """Child: what ``briefing serve`` does after an edit, with its file cache warm.

    Generate once (warming the cache), edit one seed, then time the quick step (the
    edited briefing's own page), a dirty ``mkdocs build`` (what MkDocs' live reload
    runs; here a fresh process, so it includes MkDocs' start-up), and the full
    re-generate with the warm cache. Prints one JSON line.
    """
    import subprocess

    from generator.load import FileCache
    from generator.pipeline import generate, refresh_briefings
    from generator.project import Project

    project = Project.open(project_dir)
    cache = FileCache()
    start = time.perf_counter()
    generate(project, cache=cache)
    warm = time.perf_counter() - start
    edited = edit_one_seed(project_dir, title=True)
    start = time.perf_counter()
    written = refresh_briefings(project, {project_dir / edited}, cache=cache)
    quick = time.perf_counter() - start
    start = time.perf_counter()
    dirty = subprocess.run([mkdocs_bin, "build", "--dirty", "-q", "-f", str(project_dir / "mkdocs.yml")],
                           capture_output=True, text=True)
    dirty_s = time.perf_counter() - start
    start = time.perf_counter()
    full = generate(project, cache=cache)
    full_s = time.perf_counter() - start
    print(json.dumps({
        "edited": edited, "first_generate": warm, "quick": quick, "quick_written": written,
        "dirty_mkdocs": dirty_s, "dirty_rc": dirty.returncode,
        "full_regenerate": full_s, "full_written": full.stats.written if full.stats else None,
    }))


def _kinds(problems) -> dict[str, int]:
    out: dict[str, int] = {}
    for p in problems:
        message = re.sub(r"\S+\.(md|yml|yaml)\b", "…", re.sub(r"'[^']*'", "…", p.message))
        key = f"{p.field}: {message[:70]}"
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1])[:8])


def step_build(project_dir: Path) -> None:
    """Child: ``briefing -C DIR build`` through the CLI entry point, with the pipeline's parts timed."""
    t0 = time.perf_counter()
    from generator import cli, mkdocs_adapter, pipeline

    timers = Timers()
    for attr in ("check", "render", "stage_docs", "sync", "swap_in", "source_date_epoch", "read_manifest",
                 "user_conflicts"):
        timers.wrap(pipeline, attr, attr)
    timers.wrap(mkdocs_adapter, "build", "mkdocs")
    t_import = time.perf_counter() - t0
    start = time.perf_counter()
    code = cli.main(["-C", str(project_dir), "build"])
    total = time.perf_counter() - start
    print(json.dumps({"rc": code, "import": t_import, "main": total, "parts": timers.total}))
    sys.exit(code)


# --- the site -----------------------------------------------------------------


def site_stats(site: Path) -> dict:
    html: list[tuple[int, str]] = []
    total = 0
    files = 0
    biggest = (0, "")
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        files += 1
        rel = path.relative_to(site).as_posix()
        biggest = max(biggest, (size, rel))
        if path.suffix == ".html":
            html.append((size, rel))
    html.sort(reverse=True)
    search = site / "search" / "search_index.json"
    return {
        "html_pages": len(html),
        "html_avg": sum(s for s, _ in html) / max(1, len(html)),
        "html_max": html[0][0] if html else 0,
        "html_max_page": html[0][1] if html else "",
        "html_top5": html[:5],
        "html_over_2mb": sum(1 for s, _ in html if s > TARGET_MAX_PAGE),
        "site_bytes": total,
        "site_files": files,
        "largest_file": biggest,
        "search_index": search.stat().st_size if search.exists() else 0,
    }


# --- the benchmark ------------------------------------------------------------


def edit_one_seed(project: Path, title: bool = False) -> str:
    """Append a sentence to the last paragraph of the first full-text seed (or, with ``title``,
    a word to the title of the last one); returns its path."""
    seeds = sorted((project / "seeds").rglob("*.md"))
    for path in reversed(seeds) if title else seeds:
        text = path.read_text(encoding="utf-8")
        if "\npublish: full\n" in text and "\ndraft: true\n" not in text:
            if title:  # inside the quotes of a quoted title
                text = re.sub(r"^title: (.*?)([\"']?)$", r"title: \1 (updated)\2", text, count=1, flags=re.M)
            else:
                text = text.rstrip("\n") + " An editor added this sentence for the benchmark.\n"
            path.write_text(text, encoding="utf-8")
            return path.relative_to(project).as_posix()
    raise RuntimeError("no full-text seed to edit")


def fix_nav(project: Path) -> list[str]:
    """Keep in the nav only the pages that exist in docs/; returns the kept pages."""
    synth = _synth()

    docs = project / "docs"
    keep = [p for p in synth.NAV_PAGES if (docs / p).is_file()]
    if keep != synth.NAV_PAGES:
        name = f"Synthetic briefing ({project.name})"
        (project / "mkdocs.yml").write_text(synth.mkdocs_config(name, keep), encoding="utf-8")
    return keep


def bench_size(n: int, out: Path, py: str, mkdocs_bin: str, mkdocs_only: bool = False) -> dict:
    synth = _synth()

    say(f"== {n:,} seeds")
    project = out / f"briefing-{n}"
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    res: dict = {"n": n}

    start = time.perf_counter()
    res["synth"] = synth.make_project(project, n)
    res["synth"]["seconds"] = time.perf_counter() - start
    say(f"   wrote the synthetic project in {res['synth']['seconds']:.1f} s: {res['synth']}")

    me = str(BENCH / "run.py")
    for key in ("gen_cold",):
        run = run_child([py, me, "_generator", str(project)], logs / f"{key}-{n}.log")
        run.update(child_json(Path(run["log"])))
        res[key] = run
        say(f"   generator ({key}): {run['total']:.2f} s in stages, {run['wall']:.2f} s wall, "
            f"peak {run['peak_rss'] / MB:.0f} MB, {run['written']} written, {run['unchanged']} unchanged")
        if run["rc"] != 0:
            raise RuntimeError(f"generator failed, see {run['log']}")
    res["nav"] = fix_nav(project)

    res["edited"] = edit_one_seed(project)
    run = run_child([py, me, "_generator", str(project), "--changes"], logs / f"gen_edit-{n}.log")
    run.update(child_json(Path(run["log"])))
    res["gen_edit"] = run
    say(f"   re-generate after editing {res['edited']}: {run['total']:.2f} s in stages, "
        f"{run['written']} written: {run['changed']}")

    shutil.rmtree(project / "site", ignore_errors=True)
    run = run_child([py, me, "_build", str(project)], logs / f"build-{n}.log")
    run.update(child_json(Path(run["log"])))
    res["build"] = run
    if run["rc"] != 0:
        raise RuntimeError(f"briefing build failed, see {run['log']}")
    res["build_site"] = site_stats(project / "site")
    say(f"   briefing build: {run['wall']:.1f} s wall (MkDocs {run['parts'].get('mkdocs', 0):.1f} s), "
        f"peak {run['peak_rss'] / MB:.0f} MB, {res['build_site']['html_pages']} HTML pages")

    run = run_child([py, me, "_serve", str(project), mkdocs_bin], logs / f"serve-{n}.log")
    run.update(child_json(Path(run["log"])))
    res["serve"] = run
    say(f"   serve after an edit: quick page {run.get('quick', 0):.2f} s, dirty MkDocs "
        f"{run.get('dirty_mkdocs', 0):.2f} s, full re-generate {run.get('full_regenerate', 0):.2f} s")

    plain = out / f"plain-{n}"
    res["plain_project"] = synth.make_plain_project(project / "docs", plain, f"Plain MkDocs ({n:,})", res["nav"])
    run = run_child([mkdocs_bin, "build", "-q", "-f", str(plain / "mkdocs.yml")], logs / f"plain-{n}.log")
    res["plain"] = run
    if run["rc"] != 0:
        raise RuntimeError(f"plain mkdocs build failed, see {run['log']}")
    res["plain_site"] = site_stats(plain / "site")
    if mkdocs_only:
        res["mkdocs_alone"] = mkdocs_alone(n, out, mkdocs_bin)
    say(f"   plain mkdocs build: {run['wall']:.1f} s wall, peak {run['peak_rss'] / MB:.0f} MB, "
        f"{res['plain_site']['html_pages']} HTML pages")
    return res


def mkdocs_alone(n: int, out: Path, mkdocs_bin: str) -> dict:
    """MkDocs alone (the real CLI) on the docs/ the generator wrote for briefing-N: no generator involved."""
    project = out / f"briefing-{n}"
    site = out / f"mkdocs-alone-{n}"
    shutil.rmtree(site, ignore_errors=True)
    run = run_child([mkdocs_bin, "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site)],
                    out / "logs" / f"mkdocs-alone-{n}.log")
    if run["rc"] != 0:
        raise RuntimeError(f"mkdocs build of the generated docs failed, see {run['log']}")
    run["site"] = site_stats(site)
    shutil.rmtree(site, ignore_errors=True)
    say(f"   MkDocs alone on the generated docs: {run['wall']:.1f} s wall, peak {run['peak_rss'] / MB:.0f} MB")
    return run


def emit(result: dict, log: Path) -> None:
    """Print one result as a JSON line and append it to ``log`` (the side experiments' record)."""
    line = json.dumps(result)
    print(line)
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the report ---------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        nproc = str(os.cpu_count())
    from importlib.metadata import version

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout
        except OSError:
            return ""

    dirty = [line[3:] for line in git("status", "--porcelain", "generator").splitlines() if len(line) > 3]
    return {
        "nproc": nproc,
        "cpu": cpu,
        "ram_gb": ram / 1024**3,
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "material": version("mkdocs-material"),
        "markdown": version("markdown"),
        "pydantic": version("pydantic"),
        "os": platform.platform(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "git": git("rev-parse", "--short", "HEAD").strip(),
        "generator_dirty": dirty,
        "loadavg_start": os.getloadavg(),
    }


def snapshot_code(target: Path) -> str:
    """Copy generator/ to ``target`` once, for every step of this run; returns a digest of it."""
    import hashlib

    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(REPO / "generator", target / "generator",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    digest = hashlib.sha256()
    for path in sorted((target / "generator").rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(target).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def fmt_b(n: float) -> str:
    if n >= MB:
        return f"{n / MB:.1f} MB"
    return f"{n / 1024:.1f} KB"


GEN_PARTS = ("check", "render", "sync", "read_manifest", "user_conflicts", "source_date_epoch")


def gen_in_build(r: dict) -> float:
    """The generator's part of the whole build, timed inside the same process."""
    return sum(r["build"]["parts"].get(k, 0) for k in GEN_PARTS)


def report(results: list[dict], info: dict) -> str:
    cols = [f"{r['n']:,} seeds" for r in results]
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, fn) -> None:
        rows.append((label, [fn(r) for r in results]))

    row("entities / events (public)", lambda r: f"{r['gen_cold']['entities']:,} / {r['gen_cold']['events']:,}")
    row("Markdown pages generated (+ hand-written)", lambda r: f"{r['gen_cold']['md_pages']:,} (+1)")
    row("**generator alone** (load → write, in process)", lambda r: f"**{fmt_s(r['gen_cold']['total'])}**")
    row("generator process wall (+ start-up, imports)", lambda r: fmt_s(r["gen_cold"]["wall"]))
    row("generator peak RSS", lambda r: fmt_b(r["gen_cold"]["peak_rss"]))
    row("generator CPU time (in process)", lambda r: fmt_s(r["gen_cold"]["cpu"]))
    row("**re-generate after 1 seed edit**", lambda r: f"**{fmt_s(r['gen_edit']['total'])}**, "
        f"{r['gen_edit']['written']} file(s) rewritten")
    if all("serve" in r for r in results):
        row("`serve` after an edit: the edited briefing's page (quick step, warm cache)",
            lambda r: f"{fmt_s(r['serve']['quick'])}, {len(r['serve']['quick_written'])} file(s)")
        row("`serve` after an edit: dirty `mkdocs build` (fresh process, incl. start-up)",
            lambda r: fmt_s(r["serve"]["dirty_mkdocs"]))
        row("`serve` after an edit: full re-generate (warm cache)",
            lambda r: f"{fmt_s(r['serve']['full_regenerate'])}, {r['serve']['full_written']} file(s) rewritten")
    row("**whole `briefing build`** (wall)", lambda r: f"**{fmt_s(r['build']['wall'])}**")
    row("  of which MkDocs", lambda r: fmt_s(r["build"]["parts"].get("mkdocs", 0)))
    row("  of which generator (check + render + write)", lambda r: fmt_s(gen_in_build(r)))
    row("  of which staging docs/ + swapping site/",
        lambda r: fmt_s(sum(r["build"]["parts"].get(k, 0) for k in ("stage_docs", "swap_in"))))
    row("whole build CPU time (user + sys)", lambda r: fmt_s(r["build"]["user"] + r["build"]["sys"]))
    row("whole build peak RSS", lambda r: fmt_b(r["build"]["peak_rss"]))
    row("**plain MkDocs, same pages** (wall)", lambda r: f"**{fmt_s(r['plain']['wall'])}**")
    if any("mkdocs_alone" in r for r in results):
        row("MkDocs alone on the generated docs/ (wall; peak RSS)",
            lambda r: f"{fmt_s(r['mkdocs_alone']['wall'])}; {fmt_b(r['mkdocs_alone']['peak_rss'])}"
            if "mkdocs_alone" in r else "–")
    row("plain MkDocs CPU time (user + sys)", lambda r: fmt_s(r["plain"]["user"] + r["plain"]["sys"]))
    row("plain MkDocs peak RSS", lambda r: fmt_b(r["plain"]["peak_rss"]))
    row("generator / whole build (inside the build; standalone run ÷ build)",
        lambda r: f"{gen_in_build(r) / r['build']['wall']:.1%}; {r['gen_cold']['total'] / r['build']['wall']:.1%}")
    row("whole build / plain MkDocs (wall; CPU)", lambda r: f"{r['build']['wall'] / r['plain']['wall']:.2f}×; "
        f"{(r['build']['user'] + r['build']['sys']) / (r['plain']['user'] + r['plain']['sys']):.2f}×")
    row("HTML pages in site/ (briefing / plain)",
        lambda r: f"{r['build_site']['html_pages']:,} / {r['plain_site']['html_pages']:,}")
    row("average HTML page", lambda r: fmt_b(r["build_site"]["html_avg"]))
    row("largest HTML page", lambda r: f"{fmt_b(r['build_site']['html_max'])} (`{r['build_site']['html_max_page']}`)")
    row("HTML pages over 2 MB", lambda r: str(r["build_site"]["html_over_2mb"]))
    row("search index", lambda r: fmt_b(r["build_site"]["search_index"]))
    row("total site/ size (files)", lambda r: f"{fmt_b(r['build_site']['site_bytes'])} ({r['build_site']['site_files']:,})")
    row("plain site: average / largest HTML page",
        lambda r: f"{fmt_b(r['plain_site']['html_avg'])} / {fmt_b(r['plain_site']['html_max'])}")

    lines = ["| | " + " | ".join(cols) + " |", "| --- |" + " ---: |" * len(cols)]
    lines += [f"| {label} | " + " | ".join(vals) + " |" for label, vals in rows]
    table = "\n".join(lines)

    stage_names: list[str] = []
    for r in results:
        for k in list(r["gen_cold"]["stages"]) + list(r["gen_cold"]["substages"]):
            if k not in stage_names:
                stage_names.append(k)
    order = ["open", "check", "load+validate", "  yaml", "  pydantic", "model", "warnings", "render", "write"]
    stage_names = [s for s in order if s in stage_names] + [s for s in stage_names if s not in order]
    slines = ["| generator stage | " + " | ".join(cols) + " |", "| --- |" + " ---: |" * len(cols)]
    for s in stage_names:
        vals = []
        for r in results:
            v = r["gen_cold"]["stages"].get(s, r["gen_cold"]["substages"].get(s))
            vals.append("–" if v is None else fmt_s(v))
        label = s.strip()
        label = f"  ↳ {label}" if s.startswith("  ") or s in ("load+validate", "model", "warnings") else label
        slines.append(f"| {label.replace('  ', '&nbsp;&nbsp;')} | " + " | ".join(vals) + " |")
    slines.append("| imports (not in the total) | " + " | ".join(fmt_s(r["gen_cold"]["import"]) for r in results) + " |")
    stages = "\n".join(slines)

    targets = evaluate(results)
    tlines = ["| target (from the issue) | measured | met? |", "| --- | --- | --- |"]
    tlines += [f"| {t} | {m} | {'yes' if ok else 'n/a' if ok is None else '**no**'} |" for t, m, ok in targets]

    big = results[-1]
    edit = big["gen_edit"]
    kinds: dict[str, int] = {}
    for k, v in big["gen_cold"]["warning_kinds"].items():
        k = re.sub(r"\S*seeds/\S*", "…", k)
        kinds[k] = kinds.get(k, 0) + v
    notes = [
        f"- Edited seed for the re-generate: `{big['edited']}`; files rewritten in docs/: "
        + (", ".join(f"`{c}`" for c in edit["changed"]) or "none"),
        f"- Validation: {big['gen_cold']['errors']} errors, {big['gen_cold']['warnings']} warnings at "
        f"{big['n']:,} seeds" + (f" (kinds: {'; '.join(f'`{k}`' for k in kinds)})"
                                 if big['gen_cold']['warnings'] else ""),
    ]
    for r in results:
        top = ", ".join(f"`{p}` {fmt_b(s)}" for s, p in r["build_site"]["html_top5"])
        notes.append(f"- Largest HTML pages at {r['n']:,}: {top}")

    m = info
    machine_md = (
        f"- CPU: {m['cpu']}, `nproc` = {m['nproc']}; RAM: {m['ram_gb']:.1f} GB; {m['os']}\n"
        f"- Python {m['python']}, MkDocs {m['mkdocs']}, Material {m['material']}, Markdown {m['markdown']}, "
        f"pydantic {m['pydantic']}\n"
        f"- Date: {m['date']}; commit {m['git']} (generator/ snapshot {m.get('code', '?')}, copied at the start "
        "of the run and used by every step)"
        + (f" with uncommitted changes in {', '.join(m['generator_dirty'])}" if m["generator_dirty"] else "")
        + f"\n- Load average at start / end: {' '.join(f'{x:.2f}' for x in m['loadavg_start'])} / "
        f"{' '.join(f'{x:.2f}' for x in m.get('loadavg_end', (0, 0, 0)))} (a shared, noisy machine: "
        "single runs, expect ±10–20 %)"
    )
    sizes = " ".join(str(r["n"]) for r in results)
    return (
        "# Benchmark results\n\n"
        f"Produced by `.venv/bin/python bench/run.py --sizes {sizes}`.\n\n"
        f"## Machine\n\n{machine_md}\n\n"
        f"## Results\n\n{table}\n\n"
        f"## Generator stages (first run, empty docs/)\n\n{stages}\n\n"
        f"## Targets\n\n" + "\n".join(tlines) + "\n\n"
        f"## Notes\n\n" + "\n".join(notes) + "\n"
    )


def evaluate(results: list[dict]) -> list[tuple[str, str, bool]]:
    big = results[-1]
    small = results[0]
    n = f"{big['n']:,}"
    gen = big["gen_cold"]["total"]
    gen_cpu = big["gen_cold"]["cpu"]
    share = gen_in_build(big) / big["build"]["wall"]
    ratio = big["build"]["wall"] / big["plain"]["wall"]
    growth = big["build_site"]["html_avg"] / small["build_site"]["html_avg"]
    biggest = max(r["build_site"]["html_max"] for r in results)
    peak = max(big["build"]["peak_rss"], big["gen_cold"]["peak_rss"])
    regen = big["gen_edit"]["total"]
    out = [
        (f"generator alone at {n} seeds ≤ {TARGET_GEN_SECONDS:.0f} s", f"{fmt_s(gen)} (CPU {fmt_s(gen_cpu)})",
         gen <= TARGET_GEN_SECONDS),
        (f"generator ≤ {TARGET_GEN_SHARE:.0%} of the whole build", f"{share:.1%} (timed inside the build)",
         share <= TARGET_GEN_SHARE),
        (f"whole build ≤ {TARGET_BUILD_VS_PLAIN}× plain MkDocs", f"{ratio:.2f}×", ratio <= TARGET_BUILD_VS_PLAIN),
        (f"average page grows ≤ {TARGET_PAGE_GROWTH}× from {small['n']:,} to {n}",
         f"{growth:.2f}× ({fmt_b(small['build_site']['html_avg'])} → {fmt_b(big['build_site']['html_avg'])})",
         (growth <= TARGET_PAGE_GROWTH) if len(results) > 1 else None),
        ("no page over 2 MB", f"largest {fmt_b(biggest)}", biggest <= TARGET_MAX_PAGE),
        (f"peak memory at {n} ≤ 1.5 GB", fmt_b(peak), peak <= TARGET_PEAK),
        (f"re-generate after one edit at {n} ≤ {TARGET_REGEN_SECONDS} s", fmt_s(regen),
         regen <= TARGET_REGEN_SECONDS),
    ]
    if "serve" in big:
        s = big["serve"]
        shown = s["quick"] + s["dirty_mkdocs"]
        out += [
            (f"`serve`: the edited page's generator part at {n} ≤ {TARGET_REGEN_SECONDS} s "
             "(quick step; the full re-generate follows)",
             f"{fmt_s(s['quick'])} (full, warm cache: {fmt_s(s['full_regenerate'])})",
             s["quick"] <= TARGET_REGEN_SECONDS),
            (f"`serve` shows the edited page within 2 s at {n}",
             f"{fmt_s(shown)} (quick step + dirty MkDocs build)", shown <= 2),
        ]
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_generator"]:
        step_generator(Path(argv[1]), "--changes" in argv)
        return 0
    if argv[:1] == ["_serve"]:
        step_serve(Path(argv[1]), argv[2])
        return 0
    if argv[:1] == ["_build"]:
        step_build(Path(argv[1]))
        return 0
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="numbers of seeds (default: 1000 10000)")
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="where projects and results go (default: bench/out)")
    parser.add_argument("--mkdocs-alone", action="store_true",
                        help="also time `mkdocs build` alone on the generated docs/ (no generator)")
    parser.add_argument("--report", action="store_true",
                        help="only rewrite OUT/results.md from OUT/results.json (no measuring)")
    args = parser.parse_args(argv)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    out = args.out.resolve()
    if args.report:
        data = json.loads((out / "results.json").read_text())
        text = report(data["results"], data["machine"])
        (out / "results.md").write_text(text, encoding="utf-8")
        print(text)
        return 0
    out.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    mkdocs_bin = str(Path(py).parent / "mkdocs")
    if not Path(mkdocs_bin).exists():
        mkdocs_bin = shutil.which("mkdocs") or "mkdocs"
    info = machine()
    info["code"] = snapshot_code(out / "code")
    os.environ["BENCH_CODE"] = str(out / "code")
    results = []
    for n in sorted(args.sizes):
        results.append(bench_size(n, out, py, mkdocs_bin, args.mkdocs_alone))
        # Keep what we have so far, in case a later (bigger) size fails or is interrupted.
        (out / "results.json").write_text(json.dumps({"machine": info, "results": results}, indent=1, default=str))
    info["loadavg_end"] = os.getloadavg()
    text = report(results, info)
    (out / "results.json").write_text(json.dumps({"machine": info, "results": results}, indent=1, default=str))
    (out / "results.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
