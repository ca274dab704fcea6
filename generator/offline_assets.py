"""Fetch, at set-up time, the one script the offline bundle needs that MkDocs lacks.

Material's search runs in a Web Worker, which browsers refuse to start from
``file://``; Material's offline plugin fixes that with the ``iframe-worker``
shim, but links it from a public CDN.  The bundle must make no network request,
so ``make`` downloads the shim once from the npm registry (a package registry,
pinned by version and checked against its published SHA-512) into
``.cache/offline/``, and ``briefing bundle`` copies it into the bundle.  Nothing
is fetched while building.

Run as ``python -m generator.offline_assets [PROJECT_DIR]``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

PACKAGE = "iframe-worker"
VERSION = "1.0.4"
TARBALL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
INTEGRITY = "sha512-roeaaI+Lg1LJNfgpCjoRe/+WzEjy9+Z08LoEvu85MCPbBjwm+qXz8Ag5U05lHa6V1CysZyGzE0SOkAtSUA5q7Q=="
MEMBERS = {
    "package/shim/index.js": "iframe-worker-shim.js",
    "package/LICENSE": "iframe-worker-LICENSE.txt",
}
CACHE = Path(".cache") / "offline"
SHIM = CACHE / "iframe-worker-shim.js"


def shim_path(root: Path) -> Path:
    return root / SHIM


def fetch(root: Path) -> Path:
    """Download and unpack the shim into ``root/.cache/offline`` unless it is already there."""
    target = shim_path(root)
    if target.is_file():
        return target
    with urllib.request.urlopen(TARBALL, timeout=60) as response:
        data = response.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        raise SystemExit(f"{PACKAGE}@{VERSION}: checksum mismatch ({digest}); refusing to use it")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member, name in MEMBERS.items():
            handle = archive.extractfile(member)
            if handle is None:
                raise SystemExit(f"{PACKAGE}@{VERSION}: {member} missing from the package")
            (target.parent / name).write_bytes(handle.read())
    return target


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    print(f"offline assets: {fetch(root).relative_to(root)}")
