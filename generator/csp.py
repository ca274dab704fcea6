"""A content security policy on every page: the second wall behind the sanitiser.

Seeds may come from outside contributors, and the sanitiser (:mod:`markup`) keeps
their text from becoming markup.  Should it ever let a script through, the browser
still refuses to run it: each page carries a ``<meta http-equiv>`` policy (it works
on any static host and from ``file://``) that allows scripts only from the site
itself and the inline scripts the page really has, each by the SHA-256 of its text,
worked out when the page is written.  No ``'unsafe-inline'``: an event handler, a
``javascript:`` link or a planted ``<script>`` has no matching hash, and a remote
script is from another origin.

* ``default-src 'self'``; ``object-src 'none'``; ``base-uri 'self'``;
  ``form-action 'self'``.
* Scripts: ``'self'``, the page's inline scripts by hash, and ``'wasm-unsafe-eval'``
  where Pagefind's WebAssembly runs (the hosted site; not the offline bundle).
* Styles: ``'self' 'unsafe-inline'`` (the drawings and Material set ``style``
  attributes; styles cannot run code).
* Images: ``'self' data:``, and ``https:`` when ``remote_images: keep`` loads images
  from other hosts (never in the bundle).

The offline bundle runs Material's search in a worker that its shim starts in an
iframe with a small inline script of its own, which names the worker's URL: its hash
is worked out for each page from the page's own settings (:func:`worker_bootstrap`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

#: A ``<script>`` element: its attributes and its text.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_SRC = re.compile(r"\bsrc\s*=", re.I)
#: Script types a browser runs (a JSON block, Material's ``__config``, is data).
_RUN = {"", "text/javascript", "application/javascript", "module"}
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.I)
#: How each page's policy starts (right after its charset).
_META = '<meta http-equiv="Content-Security-Policy"'
_CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)


def sha256(text: str) -> str:
    """A CSP hash source for an inline script's exact text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script of a page that a browser would run."""
    found = []
    for m in _SCRIPT.finditer(html):
        attrs, body = m.group(1), m.group(2)
        kind = _TYPE.search(attrs)
        if _SRC.search(attrs) or (kind is not None and kind.group(1).lower() not in _RUN):
            continue
        found.append(body)
    return found


def policy(hashes: list[str], *, remote_images: bool = False, wasm: bool = True) -> str:
    """The policy for a page whose inline scripts have these ``hashes``."""
    scripts = ["'self'", *dict.fromkeys(hashes)]
    if wasm:
        scripts.append("'wasm-unsafe-eval'")
    images = "'self' data: https:" if remote_images else "'self' data:"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src " + " ".join(scripts),
            "style-src 'self' 'unsafe-inline'",
            f"img-src {images}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def worker_bootstrap(html: str, shim: str) -> str | None:
    """The inline script the offline bundle's worker shim writes into its iframe for this
    page (it names the worker's URL, which this page's settings give), or None."""
    config = _CONFIG.search(html)
    send = re.search(r"function c\(s,n\)\{parent\.postMessage\(s,n\|\|\"\*\"\)\}", shim)
    load = re.search(r"function d\(\.\.\.s\)\{return s\.reduce\(.*?Promise\.resolve\(\)\)\}", shim)
    if config is None or send is None or load is None:
        return None
    try:
        url = json.loads(config.group(1)).get("search")
    except (ValueError, AttributeError):
        return None
    if not isinstance(url, str):
        return None
    return (
        f"postMessage={send.group()};importScripts={load.group()};"
        'addEventListener("error",({error})=>{parent.dispatchEvent(new ErrorEvent("error",'
        f'{{filename:"{url}",error}}))}})'
    )


def secure(
    html: str, *, remote_images: bool = False, wasm: bool = True, shim: str | None = None
) -> str:
    """The page with its policy as the first thing in ``<head>`` (after the charset)."""
    scripts = inline_scripts(html)
    if shim is not None:
        boot = worker_bootstrap(html, shim)
        if boot is not None:
            scripts.append(boot)
    meta = (
        _META
        + ' content="'
        + policy([sha256(s) for s in scripts], remote_images=remote_images, wasm=wasm)
        + '">'
    )
    at = _CHARSET.search(html) or _HEAD.search(html)
    if at is None:
        return html
    return html[: at.end()] + meta + html[at.end() :]


def has_policy(html: str) -> bool:
    """Whether the page already starts its head with a policy of ours (a page that merely
    mentions one in its text does not)."""
    at = _CHARSET.search(html) or _HEAD.search(html)
    return at is not None and html.startswith(_META, at.end())


@dataclass(frozen=True)
class Options:
    """What a site's policy allows besides its own scripts (one per site variant)."""

    #: images from other hosts load (``remote_images: keep`` on the hosted site)
    remote_images: bool = False
    #: Pagefind's WebAssembly runs (the hosted site)
    wasm: bool = True
    #: the offline bundle's worker shim, whose iframe script each page allows
    shim: str | None = None

    def apply(self, html: str) -> str:
        return secure(html, remote_images=self.remote_images, wasm=self.wasm, shim=self.shim)

    @property
    def key(self) -> str:
        """What pages reused from an earlier build must have been written with."""
        shim = hashlib.sha256(self.shim.encode()).hexdigest() if self.shim else ""
        return f"csp1:{self.remote_images}:{self.wasm}:{shim}"


def secure_site(folder: Path, options: Options) -> int:
    """Give every HTML page under ``folder`` its policy (a site another builder wrote);
    returns how many pages."""
    count = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            if name.endswith(".html"):
                path = Path(dirpath) / name
                text = path.read_text(encoding="utf-8")
                if not has_policy(text):
                    path.write_text(options.apply(text), encoding="utf-8")
                count += 1
    return count
