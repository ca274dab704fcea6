"""The build cache: ``.cache/briefing/``, a place to keep work a later build can reuse.

Every entry is keyed by a hash of everything it was made from (input bytes, the
generator's own code, the settings it read), so a stale entry cannot match; that
is how ccache and Bazel's action cache stay exact.  Each file carries a header
with a format name, the generator's code digest and the SHA-256 of its payload:
a truncated, corrupt, hand-edited or foreign-version file fails those checks and
is treated as missing.  Deleting the folder costs only time.

Payloads are JSON (never pickle), so reading a cache never runs code.  A memo only
says what *may* be reused; every reuse is checked against the input and the files
(see :mod:`incremental` and :mod:`mkdocs_engine`), so a stale, corrupt or lying memo
costs time, not correctness.  Someone who can write both the cache and ``site/`` could
forge a memo that matches files they planted, but could as well change ``site/``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import orjson

from .write import new_temp_file

CACHE_DIR = Path(".cache") / "briefing"
_MAGIC = "briefing-cache"


@functools.cache
def code_digest() -> str:
    """A digest of the generator's own code and templates: a new version is a new cache.

    The importer is left out: it writes seeds, never pages.
    """
    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if "importer" in path.relative_to(package).parts or "__pycache__" in path.parts:
            continue
        if path.is_file() and path.suffix in (".py", ".j2", ".json", ".js", ".html", ".css"):
            h.update(path.relative_to(package).as_posix().encode())
            h.update(b"\0")
            h.update(path.read_bytes())
            h.update(b"\0")
    return h.hexdigest()[:32]


class Store:
    """Named JSON documents under the project's cache folder; a disabled store holds nothing."""

    def __init__(self, root: Path, *, enabled: bool = True, read_only: bool = False) -> None:
        self.folder = root / CACHE_DIR
        self.enabled = enabled
        #: read what earlier builds kept, write nothing (``briefing diff``)
        self.read_only = read_only

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.json"

    def read(self, name: str) -> Any | None:
        """The document, or None when it is missing or fails any check."""
        if not self.enabled:
            return None
        try:
            data = self.path(name).read_bytes()
            header, _, payload = data.partition(b"\n")
            meta = json.loads(header)
            if (
                not isinstance(meta, dict)
                or meta.get("format") != _MAGIC
                or meta.get("code") != code_digest()
                or meta.get("name") != name
                or meta.get("sha256") != hashlib.sha256(payload).hexdigest()
            ):
                return None
            return orjson.loads(payload)
        except (OSError, ValueError, UnicodeDecodeError, RecursionError):
            return None

    def write(self, name: str, document: Any) -> None:
        """Write atomically; a cache that cannot be written is only a slower next build."""
        if not self.enabled or self.read_only:
            return
        # orjson: the memos are tens of megabytes at 10,000 seeds, and the standard
        # library's json takes about five times as long to read and write them
        payload = orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS)
        header = json.dumps(
            {
                "format": _MAGIC,
                "name": name,
                "code": code_digest(),
                "sha256": hashlib.sha256(payload).hexdigest(),
            }
        ).encode()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = new_temp_file(self.folder)  # the umask's mode, not mkstemp's 0600
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(header + b"\n" + payload)
                os.replace(tmp, self.path(name))
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            pass

    def clear(self) -> bool:
        """Remove the whole cache folder; True if there was one."""
        if self.folder.is_dir():
            shutil.rmtree(self.folder)
            return True
        return False
