"""``briefing serve``: a live preview on 127.0.0.1, built by the same engine as ``build``.

Each change to ``seeds/`` (or to the user's pages in ``docs/``) runs the
incremental build into a folder of the cache (``.cache/briefing/serve-site/``),
so an edit renders only the pages it touches.  Before that, a quick step draws
the edited briefing's own page with the MkDocs session the last build kept, so it
is on screen in a fraction of a second.  Within the build, every generated file
the edit changed is drawn with that session as soon as the generator has made it,
before MkDocs runs; MkDocs' pages then replace them (a reload only if any differ),
and the search index comes last.  Pages reload themselves: each served
HTML page carries a small script that waits on ``.briefing/reload`` for the next
version of the site.  A broken seed prints its problems and the last good pages
stay.
"""

from __future__ import annotations

import contextlib
import http.server
import multiprocessing
import os
import posixpath
import signal
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from . import mkdocs_adapter, paths
from .cache import CACHE_DIR
from .load import FileCache, load_seed
from .model import Corpus, briefing_against
from .pages import briefings
from .problems import Problems
from .project import Project
from .write import write_file

POLL_SECONDS = 0.3
RELOAD_PATH = ".briefing/reload"
#: The script a served page loads to reload itself when the site changes: a file of the
#: site's own origin, so that the pages' content security policy (:mod:`csp`) allows it
#: (an inline script would need its hash).  The page says which version it shows.
RELOAD_JS = ".briefing/reload.js"
_RELOAD_TAG = '<script src="%s%s" data-version="%d" data-poll="%s%s"></script>'
_RELOAD_SOURCE = b"""(function () {
  var me = document.currentScript;
  var version = Number(me.dataset.version);
  var poll = me.dataset.poll;
  function wait() {
    fetch(poll + "?since=" + version, {cache: "no-store"})
      .then(function (r) { return r.text(); })
      .then(function (t) {
        var now = parseInt(t, 10);
        if (now > version) { location.reload(); } else { wait(); }
      })
      .catch(function () { setTimeout(wait, 1000); });
  }
  wait();
})();
"""


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """``{path: (mtime_ns, size)}`` of every file under ``folder`` (hidden folders skipped)."""
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


class LiveSite:
    """The served folder and its version number, which pages wait on to reload.

    The builder bumps the version; ``notify`` (when set) tells the HTTP server's
    process, whose own ``LiveSite`` is :meth:`moved_to` the new version.
    """

    def __init__(self, folder: Path, notify: Callable[[int], None] | None = None) -> None:
        self.folder = folder
        self.version = 1
        self.changed = threading.Condition()
        self.notify = notify

    def bump(self) -> None:
        self.moved_to(self.version + 1)
        if self.notify is not None:
            self.notify(self.version)

    def moved_to(self, version: int) -> None:
        with self.changed:
            self.version = max(self.version, version)
            self.changed.notify_all()

    def wait(self, since: int, timeout: float = 25.0) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version > since, timeout=timeout)
            return self.version


class Preview:
    """Keeps the served site in step with ``seeds/``: quick page first, then the rest."""

    def __init__(self, project: Project, *, drafts: bool, full: bool = False) -> None:
        self.project = project
        self.drafts = drafts
        self.full = full
        self.files = FileCache()
        self.site = LiveSite(project.root / CACHE_DIR / "serve-site")
        self.corpus: Corpus | None = None
        self.stop = threading.Event()
        self.state: dict[str, tuple[int, int]] = {}
        #: when the last build last changed the pages shown (before its search index)
        self.pages_shown_at: float | None = None
        self._started = 0.0
        #: every generated file's SHA-256 as the served site shows it (the last good
        #: build's), and as staged by the build running
        self._shown: dict[str, str] = {}
        self._staged: dict[str, str] = {}
        #: files the last build drew before MkDocs ran, and files MkDocs then changed
        self.drawn = 0
        self.changed_after = 0

    # --- watching the build (pipeline.Observer) ---

    #: the pages are shown as soon as MkDocs has made them, before the search index
    early_pages = True

    def model(self, corpus: Corpus) -> None:
        """Kept for :meth:`quick`: the next edit's page is drawn against it."""
        self.corpus = corpus

    def staged(self, digests: Mapping[str, str], staged: Path) -> None:
        """Before MkDocs runs: draw every generated file this build changed with the last
        build's MkDocs session, put them in place and reload the browser.

        Only when the same files are generated as last time (a page added or removed
        changes links and lists that MkDocs works out), the session has every one
        and the navigation stays the same; otherwise the pages wait for MkDocs.
        MkDocs' own pages replace these later (:meth:`pages_shown` reloads again
        only if any differ).  Whatever goes wrong here only skips this early step:
        the build goes on and reports its own problems.
        """
        previous, self._staged = self._shown, dict(digests)
        if self.full or not previous or previous.keys() != digests.keys():
            return
        changed = sorted(rel for rel, sha in digests.items() if previous[rel] != sha)
        try:
            drawn = mkdocs_adapter.draw((rel, (staged / rel).read_bytes()) for rel in changed)
        except Exception:  # an early view only: MkDocs runs next regardless
            return
        if not drawn:
            return
        for dest, data in drawn:
            write_file(self.site.folder / dest, data)
        self.drawn = len(drawn)
        self._shown_now(f"{len(drawn)} changed files drawn")

    def pages_shown(self, changed: int) -> None:
        """MkDocs' pages are in place: reload the browser now, not after the search index
        (the previous one serves until the new one is in), unless they are what was
        drawn already."""
        self.changed_after = changed
        if changed or self.pages_shown_at is None:
            self._shown_now("every page updated")

    def _shown_now(self, what: str) -> None:
        self.pages_shown_at = time.perf_counter()
        self.site.bump()
        print(
            f"briefing: {what} in {self.pages_shown_at - self._started:.2f}s; indexing for search",
            file=sys.stderr,
        )

    def build(self) -> bool:
        """The incremental build into the served folder; False when the input has problems."""
        from .pipeline import build

        started = self._started = time.perf_counter()
        self.pages_shown_at = None
        self.drawn = self.changed_after = 0
        built = build(
            self.project,
            drafts=self.drafts,
            cache=not self.full,
            site_dir=self.site.folder,
            files=self.files,
            variant="serve",
            keep_session=True,
            observer=self,
        )
        for problem in built.checked.problems:
            print(problem, file=sys.stderr)
        if built.stats is None:
            print(
                "briefing: problems above; the last good pages stay until they are fixed",
                file=sys.stderr,
            )
            return False
        self._shown = self._staged
        took = time.perf_counter() - started
        if self.pages_shown_at is None:
            self.site.bump()
        # else the browser reloaded when the pages were in place; the new search index
        # is read by the next search (served uncached), with no second reload
        print(
            f"briefing: regenerated in {took:.2f}s ({built.rendered} pages rendered, "
            f"{built.reused} reused)",
            file=sys.stderr,
        )
        return True

    def quick(self, changed: set[Path]) -> list[str]:
        """Draw the edited briefings' own pages from the last model; returns the site paths.

        Approximate on purpose (other briefings' data is as of the last build); the full
        build that follows puts every page right, this one included.
        """
        corpus = self.corpus
        if corpus is None:
            return []
        written = []
        for path in sorted(changed):
            problems = Problems()
            seed = load_seed(self.project.root, path, problems, self.project.max_file_bytes)
            b = briefing_against(seed, corpus, problems) if seed is not None else None
            if b is None or b.slug not in corpus.by_slug:
                continue  # a new briefing: the full build adds it with everything that lists it
            site = self.project.site
            doc = paths.briefing_doc(b.slug)
            page = briefings.edited(corpus, site, b)[doc]
            drawn = mkdocs_adapter.render_one(paths.page_file(doc, site.directory_urls), page)
            if drawn is None:
                continue
            dest, html = drawn
            write_file(self.site.folder / dest, html)
            written.append(dest)
        if written:
            self.site.bump()
        return written

    def watch(self, alive: Callable[[], bool] = lambda: True) -> None:
        """Rebuild on every change to the sources, until stopped or ``alive()`` is false
        (the HTTP server's process ended)."""
        self.state = self._snapshot()
        while not self.stop.wait(POLL_SECONDS) and alive():
            current = self._snapshot()
            if current == self.state:
                continue
            changed = {
                Path(p)
                for p in current.keys() | self.state.keys()
                if current.get(p) != self.state.get(p)
            }
            self.state = current
            seeds = {
                p for p in changed if p.suffix == ".md" and str(p) in current and self._is_seed(p)
            }
            if seeds:
                started = time.perf_counter()
                try:
                    shown = self.quick(seeds)
                except Exception as exc:  # the full build below still updates every page
                    print(
                        f"briefing: internal error in the quick update: {type(exc).__name__}: {exc}",
                        file=sys.stderr,
                    )
                    shown = []
                if shown:
                    print(
                        f"briefing: showed {', '.join(shown)} in "
                        f"{time.perf_counter() - started:.2f}s; now every page it touches",
                        file=sys.stderr,
                    )
            try:
                self.build()
            except Exception as exc:  # keep serving; report the bug in one line
                print(
                    f"briefing: internal error while rebuilding: {type(exc).__name__}: {exc}",
                    file=sys.stderr,
                )

    def _is_seed(self, path: Path) -> bool:
        try:
            rel = path.resolve().relative_to(self.project.seeds_dir)
        except ValueError:
            return False
        return rel.parts[:1] != ("entities",)

    def _snapshot(self) -> dict[str, tuple[int, int]]:
        """Seeds, the user's own pages and mkdocs.yml (generated pages are ours, not watched)."""
        from .write import read_manifest

        state = snapshot(self.project.seeds_dir)
        managed = read_manifest(self.project.docs_dir)
        for path, stamp in snapshot(self.project.docs_dir).items():
            rel = Path(path).relative_to(self.project.docs_dir).as_posix()
            if rel not in managed and not rel.startswith("."):
                state[path] = stamp
        try:
            st = self.project.config_file.stat()
            state[str(self.project.config_file)] = (st.st_mtime_ns, st.st_size)
        except OSError:
            pass
        return state


def _mount(site_url: str | None) -> str:
    """The path the site lives under (``/briefing/`` for ``https://example.org/briefing/``)."""
    path = urllib.parse.urlsplit(site_url or "/").path or "/"
    return path if path.endswith("/") else path + "/"


def make_handler(site: LiveSite, mount: str) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "briefing-serve"

        def log_message(self, format: str, *args: Any) -> None:  # quiet, like MkDocs
            return

        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            path = urllib.parse.unquote(parts.path)
            if path == "/" and mount != "/":
                return self._redirect(mount)
            if not path.startswith(mount):
                return self._send(404, b"not found", "text/plain")
            rel = path[len(mount) :]
            if rel == RELOAD_JS:
                return self._send(200, _RELOAD_SOURCE, "text/javascript; charset=utf-8")
            if rel == RELOAD_PATH:
                query = urllib.parse.parse_qs(parts.query)
                try:
                    since = int(query.get("since", ["0"])[0])
                except ValueError:
                    since = 0
                return self._send(200, str(site.wait(since)).encode(), "text/plain")
            clean = posixpath.normpath("/" + rel).lstrip("/")
            target = site.folder / clean if clean not in ("", ".") else site.folder
            if target.is_dir():
                if rel and not rel.endswith("/"):
                    return self._redirect(path + "/")
                target = target / "index.html"
            if not target.is_file() or ".." in Path(clean).parts:
                missing = site.folder / "404.html"
                body = missing.read_bytes() if missing.is_file() else b"not found"
                return self._send(404, self._live(body), "text/html; charset=utf-8")
            data = target.read_bytes()
            kind = _content_type(target.name)
            if kind.startswith("text/html"):
                data = self._live(data)
            return self._send(200, data, kind)

        def _live(self, html: bytes) -> bytes:
            script = (_RELOAD_TAG % (mount, RELOAD_JS, site.version, mount, RELOAD_PATH)).encode()
            marker = b"</body>"
            at = html.rfind(marker)
            return html[:at] + script + html[at:] if at >= 0 else html + script

        def _redirect(self, where: str) -> None:
            self.send_response(302)
            self.send_header("Location", where)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, code: int, data: bytes, kind: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

    return Handler


_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".ics": "text/calendar; charset=utf-8",
    ".wasm": "application/wasm",
}


def _content_type(name: str) -> str:
    return _TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")


class _Server(http.server.ThreadingHTTPServer):
    """The preview's HTTP server, quiet about browsers that go away mid-answer.

    A page that reloads (after an edit) or a tab that closes drops its connections,
    the long-polling one for reloads among them; answering them then fails with a
    broken pipe or a reset, which the standard server reports with a traceback.
    """

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            return
        print(f"briefing serve: a request failed: {error!r}", file=sys.stderr, flush=True)


def serve(project: Project, *, host: str, port: int, drafts: bool, dirty: bool) -> None:
    """Build once, then serve with live reload until interrupted (``dirty=False``: no reuse).

    The HTTP server runs in a process of its own: this one builds, and a build forks
    to use both cores, which is safe only with no other thread alive here (a thread
    answering a browser may hold a lock the forked child would wait on forever).
    The builder tells the server each new version of the site through a pipe.
    """
    preview = Preview(project, drafts=drafts, full=not dirty)
    _stop_between_builds(preview.stop)
    preview.build()
    if preview.stop.is_set():
        return
    mount = _mount(project.site.url)
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    server = context.Process(
        target=_serve_http,
        args=(str(preview.site.folder), mount, host, port, theirs),
        name="briefing-http",
        daemon=True,
    )
    server.start()
    theirs.close()
    try:
        answer = ours.recv() if ours.poll(30) else ("error", "the server did not start")
    except EOFError:
        answer = ("error", "the server stopped")
    if answer[0] != "ok":
        server.join(timeout=5)
        from .mkdocs_adapter import BuildFailed

        raise BuildFailed(f"cannot serve on {host}:{port}: {answer[1]}")
    preview.site.notify = ours.send
    print(f"Serving on http://{host}:{answer[1]}{mount}", file=sys.stderr, flush=True)
    try:
        preview.watch(alive=server.is_alive)
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop.set()
        ours.close()
        server.join(timeout=2)
        if server.is_alive():
            server.terminate()


def _stop_between_builds(stop: threading.Event) -> None:
    """Ctrl-C (or a TERM) stops ``serve`` once the build under way is done, not in the
    middle of it: an interrupt raised at any point of a build can leave a lock held
    (logging's, once) that another thread then waits on forever.  A second Ctrl-C stops
    at once.  (Nothing is set when this is not the main thread: its caller stops it.)"""

    def handle(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        # os.write, not print: the interrupted code may be inside a print to stderr
        os.write(2, b"briefing: stopping (after the build under way, if any; Ctrl-C again: now)\n")

    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGINT, handle)
        signal.signal(signal.SIGTERM, handle)


def _serve_http(folder: str, mount: str, host: str, port: int, builder: Connection) -> None:
    """The HTTP server's process: serves ``folder`` under ``mount`` and answers the pages'
    long polls with the versions the builder sends; ends when the builder's end closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the builder's to handle
    site = LiveSite(Path(folder))
    try:
        server = _Server((host, port), make_handler(site, mount))
    except OSError as exc:
        builder.send(("error", exc.strerror or str(exc)))
        return
    builder.send(("ok", server.server_address[1]))
    threading.Thread(target=server.serve_forever, args=(0.25,), daemon=True).start()
    try:
        while True:
            site.moved_to(int(builder.recv()))
    except (EOFError, OSError):
        pass
    finally:
        server.shutdown()
        server.server_close()
