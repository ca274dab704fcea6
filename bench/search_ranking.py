"""Does a name find its card? Measured in Chromium on a built site.

Usage: ``.venv/bin/python bench/search_ranking.py SITE_DIR [SITE_DIR ...]``

For the 20 entities the most briefings list and 20 others drawn at random (a fixed
seed, as ``tests/test_search_trust.py`` draws them), opens ``/explore/?q=NAME`` and
reports for how many the entity's card is the first result shown (the best match
above the list, where the site has one), and for how many it is first in the
ranked list alone; and the bytes each query downloaded (Pagefind's files and the
names file; no compression, every view in a fresh browser context).  Works on a
site built by an older generator too (no best match: the first result is the
ranked list's).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import random
import statistics
import sys
import threading
from pathlib import Path
from urllib.parse import quote

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SETTLED = """() => {
  const found = document.querySelector('.bf-explore__status')?.textContent.match(/^(\\d+) result/);
  if (!found) return false;
  const shown = document.querySelectorAll('.bf-explore__results > .bf-result').length;
  return shown >= Math.min(Number(found[1]), 20);
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def entities(site: Path) -> list[tuple[str, str]]:
    """(id, name) of the 20 most-mentioned entities and 20 others at random."""
    data = json.loads((site / "data" / "entities.json").read_text(encoding="utf-8"))
    ranked = sorted(data, key=lambda e: (-len(e["briefings"]), e["id"]))
    top = ranked[:20]
    rest = sorted((e for e in ranked[20:]), key=lambda e: e["id"])
    chosen = top + random.Random("cards").sample(rest, 20)
    return [(e["id"], e["name"]) for e in chosen]


def measure(site: Path) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    first = ranked_first = 0
    sizes: list[int] = []
    misses: list[str] = []
    chosen = entities(site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            for eid, name in chosen:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                got: dict[str, int] = {}

                def response(resp: object, got: dict[str, int] = got) -> None:
                    with contextlib.suppress(Exception):
                        url = resp.url  # type: ignore[attr-defined]
                        if "/pagefind/" in url or "/explore/names/" in url:
                            got[url] = resp.request.sizes()["responseBodySize"]  # type: ignore[attr-defined]

                page.on("response", response)
                page.goto(f"{base}explore/?q={quote(name)}")
                page.wait_for_function(SETTLED, timeout=60_000)
                page.wait_for_load_state("networkidle")
                card = f"/entities/{eid}/"
                shown = page.locator(".bf-explore__main a.bf-result__title").first.get_attribute("href")
                listed = page.locator(".bf-explore__results a.bf-result__title").first.get_attribute("href")
                first += shown == card
                ranked_first += listed == card
                if shown != card:
                    misses.append(name)
                sizes.append(sum(got.values()))
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return {
        "card first": f"{first} of {len(chosen)}",
        "card first in the ranked list alone": f"{ranked_first} of {len(chosen)}",
        "bytes per query (median, largest)": f"{statistics.median(sizes):,.0f}, {max(sizes):,}",
        "missed": misses[:10],
    }


def main(argv: list[str]) -> int:
    for arg in argv:
        print(arg)
        for key, value in measure(Path(arg)).items():
            print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
