"""axe-core, the accessibility rules engine the browser tests run, fetched and checked.

axe-core is a test-only asset, so it is not shipped with the package: the first
run downloads the pinned tarball from the npm registry, checks it against the
SHA-512 integrity the registry publishes and ``axe.min.js`` against a pinned
SHA-256, and keeps the script in ``.cache/axe/`` (``make clean`` removes it).
A later run uses the cached copy only if its bytes still match the SHA-256.
The same pinning as the offline bundle's shim (``generator/offline_assets.py``);
a new version means changing the three constants together.

``python -m tests.axe`` fetches it ahead of time (for example before going offline).
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

PACKAGE = "axe-core"
VERSION = "4.14.1"
TARBALL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
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
        with urllib.request.urlopen(TARBALL, timeout=60) as response:
            data = response.read()
    except (urllib.error.URLError, OSError) as exc:
        raise AxeUnavailable(
            f"cannot download {TARBALL}: {getattr(exc, 'reason', exc)}; the accessibility "
            "tests need the npm registry once (then .cache/axe/ keeps the script)"
        ) from None
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        raise AxeUnavailable(
            f"{PACKAGE}@{VERSION}: tarball checksum mismatch ({digest}, expected {INTEGRITY}); "
            "refusing to use it"
        )
    files: dict[Path, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member, target in MEMBERS.items():
            try:
                handle = archive.extractfile(member)
            except KeyError:
                handle = None
            if handle is None:
                raise AxeUnavailable(f"{PACKAGE}@{VERSION}: {member} missing from the package")
            files[target] = handle.read()
    if _sha256(files[SCRIPT]) != SCRIPT_SHA256:
        raise AxeUnavailable(
            f"{PACKAGE}@{VERSION}: axe.min.js does not match the pinned SHA-256; refusing to use it"
        )
    CACHE.mkdir(parents=True, exist_ok=True)
    for target, content in files.items():
        target.write_bytes(content)
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
