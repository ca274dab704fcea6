"""Helpers shared by the golden, build and browser tests (no fixtures: those stay in each module).

Everything here works on a *copy* of a project in a temporary folder, never on
this repository's own ``docs/`` or ``site/``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import io
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator import cli

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

#: The example project: this repository.
ROOT = Path(__file__).resolve().parent.parent
#: Debian's Chromium, which the browser tests drive through Playwright, and how.
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
EXAMPLE_SLUG = "2025-09-11-alibaba-baidu-own-chips"
EXAMPLE_SEED = ROOT / "seeds" / "2025" / f"{EXAMPLE_SLUG}.md"

#: What the generator owns inside docs/ (README "Project layout", generator/paths.py).
GENERATED_FOLDERS = ("briefings", "entities", "timeline", "tags", "graph", "data", "claims")
MANIFEST = ".briefing-manifest.json"

#: A small mkdocs.yml for throw-away projects: Material, no web fonts.
SMALL_MKDOCS_YML = """\
site_name: Small
use_directory_urls: true
theme:
  name: material
  font: false
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
"""


def copy_example(dest: Path) -> Path:
    """Copy the example project's sources (no generated pages, no site/) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(ROOT / "seeds", dest / "seeds")
    docs = ROOT / "docs"
    generated: set[str] = {MANIFEST, "index.md"}
    with contextlib.suppress(OSError, ValueError, KeyError):
        generated |= set(json.loads((docs / MANIFEST).read_text(encoding="utf-8"))["files"])
    # Also whatever the generator renders today, in case docs/ holds pages of a newer
    # generator than its manifest lists (the copy must start without generated pages).
    from tests.golden import render_example

    generated |= set(render_example())
    for path in sorted(docs.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(docs).as_posix()
        if rel in generated or rel.split("/", 1)[0] in GENERATED_FOLDERS:
            continue
        target = dest / "docs" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    (dest / "docs").mkdir(exist_ok=True)
    return dest


def synth_project(root: Path, seeds: int) -> Path:
    """A synthetic project of ``seeds`` seeds at ``root`` (``bench/synth.py``: Zipf-like
    popularity, the benchmarks' project), unbuilt."""
    from bench import synth

    synth.make_project(root, seeds)
    return root


def set_briefing_option(root: Path, line: str) -> Path:
    """Add ``line`` (``key: value``) to ``extra.briefing`` in the project's mkdocs.yml."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n  briefing:\n" in text, "the project's mkdocs.yml has no extra.briefing"
    config.write_text(
        text.replace("\n  briefing:\n", f"\n  briefing:\n    {line}\n", 1), encoding="utf-8"
    )
    return root


def write_project(root: Path, files: dict[str, str], mkdocs_yml: str = SMALL_MKDOCS_YML) -> Path:
    """A throw-away briefing project with ``files`` (paths relative to ``root``)."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "seeds" / "entities").mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run(root: Path, *args: str) -> tuple[int, str, str]:
    """``briefing -C root ARGS...`` in-process: ``(exit code, stdout, stderr)``."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(["-C", str(root), *args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def tree(folder: Path) -> dict[str, bytes]:
    """``{relative path: bytes}`` of every file under ``folder`` (none if it is missing)."""
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def hashes(folder: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``folder``."""
    return {rel: hashlib.sha256(data).hexdigest() for rel, data in tree(folder).items()}


def mtimes(folder: Path) -> dict[str, int]:
    """``{relative path: mtime in ns}`` of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def tree_diff(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Human-readable differences between two :func:`hashes` results."""
    out = [f"removed: {p}" for p in sorted(before.keys() - after.keys())]
    out += [f"added: {p}" for p in sorted(after.keys() - before.keys())]
    out += [f"changed: {p}" for p in sorted(before.keys() & after.keys()) if before[p] != after[p]]
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """``folder`` served on 127.0.0.1 (any free port) while the block runs: its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def build_and_serve(root: Path, *args: str) -> Iterator[str]:
    """``briefing -C root build ARGS...``, which must succeed, then ``root/site`` served
    on 127.0.0.1 while the block runs: its base URL."""
    command = ("build", *args)
    code, out, err = run(root, *command)
    assert code == 0, f"briefing {' '.join(command)} exited {code}\n{out}\n{err}"
    with serve_folder(root / "site") as url:
        yield url


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (Playwright's ``Browser``) while the block runs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()
