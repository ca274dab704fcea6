"""axe-core, the accessibility rules engine the browser tests run, fetched and checked.

axe-core is a test-only asset, so it is not shipped with the package: the first
run downloads the pinned tarball from the npm registry, checks it against the
SHA-512 integrity the registry publishes and ``axe.min.js`` against a pinned
SHA-256, and keeps the script in ``.cache/axe/`` (``make clean`` removes it).
A later run uses the cached copy only if its bytes still match the SHA-256.
The same pinning and the same download (``install_pinned``) as the offline bundle's shim
(``generator/offline_assets.py``);
a new version means changing the three constants together.  CI keeps ``.cache/axe/``
between runs under a key made from ``VERSION`` and ``SCRIPT_SHA256``, read from this
file by ``.github/workflows/test.yml`` (string literals, so it can read them unrun).

``python -m tests.axe`` fetches it ahead of time (for example before going offline).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from generator.offline_assets import AssetError, install_pinned

PACKAGE = "axe-core"
VERSION = "4.14.1"
#: The npm registry's ``dist.integrity`` of the tarball.
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
#: SHA-256 of ``package/axe.min.js`` in that tarball.
SCRIPT_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
CACHE = Path(__file__).resolve().parent.parent / ".cache" / "axe" / VERSION
SCRIPT = CACHE / "axe.min.js"
MEMBERS = {"package/axe.min.js": SCRIPT, "package/LICENSE": CACHE / "LICENSE"}


class AxeUnavailable(Exception):
    """axe-core could not be downloaded, or what was downloaded failed its checks."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch() -> Path:
    """Download the pinned tarball, check both digests, and write the script into the cache."""
    try:
        install_pinned(PACKAGE, VERSION, INTEGRITY, MEMBERS, "package/axe.min.js", SCRIPT_SHA256)
    except AssetError as exc:
        raise AxeUnavailable(
            f"{exc}; the accessibility tests need the npm registry once "
            "(then .cache/axe/ keeps the script)"
        ) from None
    return SCRIPT


def script() -> str:
    """The text of ``axe.min.js``: the cached copy if it checks out, else a fresh download."""
    try:
        data = SCRIPT.read_bytes()
    except OSError:
        data = b""
    if _sha256(data) != SCRIPT_SHA256:
        data = fetch().read_bytes()
    return data.decode("utf-8")


def main() -> int:
    try:
        path = fetch()
    except AxeUnavailable as exc:
        print(f"axe-core: {exc}", file=sys.stderr)
        return 1
    print(f"axe-core: {path} ({PACKAGE}@{VERSION}, sha256 {SCRIPT_SHA256})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
