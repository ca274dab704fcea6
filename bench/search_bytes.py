"""Bytes of search data a reader downloads for one query, measured in Chromium.

Usage: ``.venv/bin/python bench/search_bytes.py SITE_DIR [SITE_DIR ...]``

Serves each built site on 127.0.0.1 and counts the bytes of every response under
``/pagefind/`` for: one word and two words typed in the header box, ``/explore/``
without a query (newest first), and a filtered ``/explore/`` link.  Each view is
measured in a fresh browser context (nothing cached), twice: from a plain
``http.server`` (no compression: the figures the tests check), and from one that
gzips text files as static hosts do (GitHub Pages, Netlify, nginx's usual set-up):
what a reader's browser actually receives.  Pagefind's index files are gzip
already; its script is not (45 KB, 13 KB gzipped).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import json
import sys
import threading
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Gzip(_Quiet):
    """Text files (scripts, JSON, HTML, CSS) gzipped when the browser accepts it."""

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        text = path.suffix in (".js", ".json", ".html", ".css", ".svg", ".xml")
        if not (text and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def _busiest(site: Path) -> tuple[str, str]:
    """The entity most briefings list, and a year it has briefings in."""
    briefings = json.loads((site / "data" / "briefings.json").read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for b in briefings:
        for e in b["entities"]:
            counts[e] = counts.get(e, 0) + 1
    entity = max(counts, key=lambda e: (counts[e], e))
    years = sorted({b["date"][:4] for b in briefings if entity in b["entities"]})
    return entity, years[len(years) // 2]


def measure(site: Path, compress: bool = False) -> dict[str, int]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Gzip if compress else _Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    entity, year = _busiest(site)
    out: dict[str, int] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)

            def view(name: str, url: str, typed: str | None = None) -> None:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                got: dict[str, int] = {}

                def response(resp: object) -> None:
                    with contextlib.suppress(Exception):
                        if "/pagefind/" in resp.url:  # type: ignore[attr-defined]
                            sizes = resp.request.sizes()  # type: ignore[attr-defined]
                            got[resp.url] = sizes["responseBodySize"]

                page.on("response", response)
                page.goto(url)
                if typed is not None:
                    page.locator("#bf-search-input").press_sequentially(typed, delay=20)
                    page.locator("#bf-search-results .bf-result").first.wait_for(timeout=60_000)
                else:
                    page.wait_for_function(
                        "() => document.querySelector('.bf-explore__status')"
                        "?.textContent.match(/^\\d+ result/)",
                        timeout=60_000,
                    )
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(500)
                out[name] = sum(got.values())
                out[name + " (requests)"] = len(got)
                context.close()

            view("one word", f"{base}about/", "export")
            view("two words", f"{base}about/", "export controls")
            view("browse", f"{base}explore/")
            view("filtered", f"{base}explore/?entity={entity}&year={year}&status=confirmed")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    index = site / "pagefind"
    out["index bytes"] = sum(p.stat().st_size for p in index.rglob("*") if p.is_file())
    out["shards"] = len(json.loads((index / "shards.json").read_text(encoding="utf-8")))
    return out


def main(argv: list[str]) -> int:
    for arg in argv:
        for compress in (False, True):
            result = measure(Path(arg), compress)
            print(
                arg, "(text gzipped, as static hosts serve it)" if compress else "(no compression)"
            )
            for key, value in result.items():
                print(f"  {key}: {value:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
