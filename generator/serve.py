"""``briefing serve``: regenerate pages when a seed or entity changes, while MkDocs serves them.

A background thread polls ``seeds/`` (sizes and mtimes; cheap even for
thousands of files) and re-runs the generator with a file cache, so only
edited files are parsed again and only changed pages are written.  A broken
seed prints its problems and leaves the last good pages in place.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

from .load import FileCache
from .pipeline import generate, refresh_briefings
from .project import Project

POLL_SECONDS = 0.3


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """``{path: (mtime_ns, size)}`` of every file under ``folder``."""
    state: dict[str, tuple[int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            path = os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            state[path] = (st.st_mtime_ns, st.st_size)
    return state


class Regenerator:
    """Keeps ``docs/`` in step with ``seeds/``."""

    def __init__(self, project: Project, *, drafts: bool) -> None:
        self.project = project
        self.drafts = drafts
        self.cache = FileCache()
        self.state: dict[str, tuple[int, int]] = {}
        self.stop = threading.Event()

    def run_once(self) -> bool:
        """Regenerate; True when the pages were written (False: problems, nothing written)."""
        started = time.perf_counter()
        result = generate(self.project, drafts=self.drafts, cache=self.cache)
        for problem in result.checked.problems:
            print(problem, file=sys.stderr)
        took = time.perf_counter() - started
        if result.stats is None:
            print(
                "briefing: problems above; the last good pages stay until they are fixed",
                file=sys.stderr,
            )
            return False
        s = result.stats
        print(
            f"briefing: regenerated in {took:.2f}s ({s.written} written, {s.deleted} removed)",
            file=sys.stderr,
        )
        return True

    def quick(self, changed: set[Path]) -> None:
        """Show an edited briefing's own page first; the full run then updates the rest."""
        started = time.perf_counter()
        written = refresh_briefings(self.project, changed, drafts=self.drafts, cache=self.cache)
        if written:
            print(
                f"briefing: updated {', '.join(written)} in {time.perf_counter() - started:.2f}s; "
                "now the pages that list it",
                file=sys.stderr,
            )

    def watch(self) -> None:
        self.state = snapshot(self.project.seeds_dir)
        while not self.stop.wait(POLL_SECONDS):
            current = snapshot(self.project.seeds_dir)
            if current != self.state:
                changed = {
                    Path(path)
                    for path in current.keys() | self.state.keys()
                    if current.get(path) != self.state.get(path)
                }
                self.state = current
                if all(path.suffix == ".md" and str(path) in current for path in changed):
                    try:
                        self.quick(changed)
                    except Exception as exc:  # the full run below still updates every page
                        print(
                            f"briefing: internal error in the quick update: {type(exc).__name__}: {exc}",
                            file=sys.stderr,
                        )
                try:
                    self.run_once()
                except Exception as exc:  # keep serving; report the bug in one line
                    print(
                        f"briefing: internal error while regenerating: {type(exc).__name__}: {exc}",
                        file=sys.stderr,
                    )


def serve(project: Project, *, host: str, port: int, drafts: bool, dirty: bool) -> None:
    """Generate once, then serve with live reload until interrupted."""
    from . import mkdocs_adapter

    regenerator = Regenerator(project, drafts=drafts)
    regenerator.run_once()
    thread = threading.Thread(target=regenerator.watch, name="briefing-watch", daemon=True)
    thread.start()
    try:
        mkdocs_adapter.serve(
            project.config_file, host=host, port=port, dirty=dirty, builder=project.builder
        )
    finally:
        regenerator.stop.set()
