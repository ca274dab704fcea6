"""The one script the offline bundle needs that MkDocs lacks, shipped inside the package.

Material's search runs in a Web Worker, which browsers refuse to start from
``file://``; Material's offline plugin fixes that with the ``iframe-worker``
shim, but links it from a public CDN.  The bundle must make no network request
and ``briefing bundle`` must work on a fresh checkout without a set-up step, so
the shim (1.4 KB, MIT licence, which allows redistribution with its notice) is
shipped in ``generator/assets/`` beside its ``LICENSE`` and checked against a
pinned SHA-256 each time it is used.

``python -m generator.offline_assets`` is the maintainer's command that puts the
files there: it downloads the pinned tarball from the npm registry, checks it
against the SHA-512 integrity the registry publishes, and writes the shim and
licence only if the shim's bytes match the pinned SHA-256.  A new version means
changing ``VERSION``, ``INTEGRITY`` and ``SHIM_SHA256`` together.
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

PACKAGE = "iframe-worker"
VERSION = "1.0.4"
#: The npm registry's ``dist.integrity`` of the tarball.
INTEGRITY = "sha512-roeaaI+Lg1LJNfgpCjoRe/+WzEjy9+Z08LoEvu85MCPbBjwm+qXz8Ag5U05lHa6V1CysZyGzE0SOkAtSUA5q7Q=="
#: SHA-256 of ``package/shim/index.js`` in that tarball: what the package ships.
SHIM_SHA256 = "e8e412dbcfea9b7e31b5ffa288d7b6035915e714c542f4176a0cdbe262fc9609"
ASSETS = Path(__file__).resolve().parent / "assets"
SHIM = ASSETS / "iframe-worker-shim.js"
LICENSE = ASSETS / "iframe-worker-LICENSE.txt"
MEMBERS = {"package/shim/index.js": SHIM, "package/LICENSE": LICENSE}
REFETCH = "python -m generator.offline_assets"


class AssetError(Exception):
    """The shipped shim is missing or altered, or the registry's copy failed its check."""


def shim() -> Path:
    """The shipped shim, after checking its bytes against the pinned SHA-256."""
    try:
        data = SHIM.read_bytes()
    except OSError:
        raise AssetError(
            f"{SHIM} is missing from the installed package; run `{REFETCH}` to restore it"
        ) from None
    if hashlib.sha256(data).hexdigest() != SHIM_SHA256:
        raise AssetError(f"{SHIM} does not match its pinned SHA-256; run `{REFETCH}` to restore it")
    return SHIM


def tarball_url(package: str, version: str) -> str:
    return f"https://registry.npmjs.org/{package}/-/{package}-{version}.tgz"


TARBALL = tarball_url(PACKAGE, VERSION)


def npm_files(package: str, version: str, integrity: str, members: list[str]) -> dict[str, bytes]:
    """The named files of an npm package's tarball, downloaded from the registry and
    checked against the SHA-512 ``integrity`` it publishes; raises :class:`AssetError`.

    The test suite fetches its own pinned asset (axe-core) the same way."""
    tarball = tarball_url(package, version)
    try:
        with urllib.request.urlopen(tarball, timeout=60) as response:
            data = response.read()
    except (urllib.error.URLError, OSError) as exc:
        raise AssetError(f"cannot download {tarball}: {getattr(exc, 'reason', exc)}") from None
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != integrity:
        raise AssetError(
            f"{package}@{version}: checksum mismatch ({digest}, expected {integrity}); "
            "refusing to use it"
        )
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in members:
            try:
                handle = archive.extractfile(member)
            except KeyError:
                handle = None
            if handle is None:
                raise AssetError(f"{package}@{version}: {member} missing from the package")
            files[member] = handle.read()
    return files


def install_pinned(
    package: str, version: str, integrity: str, members: dict[str, Path], checked: str, sha256: str
) -> None:
    """Download a pinned npm package (:func:`npm_files`), check its member ``checked``
    against ``sha256`` as well, and write each member to its path in ``members``."""
    files = npm_files(package, version, integrity, list(members))
    if hashlib.sha256(files[checked]).hexdigest() != sha256:
        raise AssetError(
            f"{package}@{version}: {checked} does not match its pinned SHA-256; refusing to use it"
        )
    for member, target in members.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[member])


def fetch() -> Path:
    """Download the pinned tarball, check it, and write the shim and its licence into assets/."""
    install_pinned(PACKAGE, VERSION, INTEGRITY, MEMBERS, "package/shim/index.js", SHIM_SHA256)
    return SHIM


def main() -> int:
    try:
        path = fetch()
    except AssetError as exc:
        print(f"offline assets: {exc}", file=sys.stderr)
        return 1
    print(f"offline assets: {path} ({PACKAGE}@{VERSION}, sha256 {SHIM_SHA256})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
