"""The search index from one build to the next: which shards an edit leaves as they were.

Pagefind has no incremental mode, so the index is split into shards
(:func:`search.plan_shards`) and only the shards an edit touched are indexed again.
This module keeps, in the build cache, what each shard was made from and the
files it wrote (:class:`SearchMemo`), and decides what can be kept: when nothing
the index reads changed (every built page, by the digest the site build recorded,
the data exports, the settings), the whole index is kept without reading a page.
A kept file is checked against the size and time recorded when it was written, and
by SHA-256 when those moved, so a damaged one is indexed again, never served.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import search
from .cache import Store
from .progress import Progress
from .write import plain_relative

#: The memo's name in the build cache.
NAME = "search"

#: A shard's folder name as :func:`search.plan_shards` makes it (a memo naming anything
#: else is not trusted with a path).
SHARD_NAME = re.compile(r"[a-z]\d{1,6}")

#: Search records made before the site is built, and the SHA-256 of each export
#: they were made from (``data/<name>.json``).
Prepared = tuple[list[search.Record], dict[str, str]]


class Malformed(ValueError):
    """A memo that is not what this module wrote: it is then not used at all."""


@dataclass(frozen=True)
class Seen:
    """A file as it was written: its SHA-256, size and modification time."""

    sha: str
    size: int
    mtime: int

    @classmethod
    def of(cls, path: Path, sha: str) -> Seen:
        st = path.stat()
        return cls(sha, st.st_size, st.st_mtime_ns)

    def still(self, path: Path) -> bool:
        """Whether ``path`` is this file: same size and time, or else the same SHA-256 (a
        restored or copied site moves the times)."""
        try:
            st = path.stat()
        except OSError:
            return False
        if st.st_size != self.size:
            return False
        return st.st_mtime_ns == self.mtime or _sha_of(path) == self.sha

    def to_json(self) -> list[Any]:
        return [self.sha, self.size, self.mtime]

    @classmethod
    def from_json(cls, raw: Any) -> Seen:
        if not (
            isinstance(raw, list)
            and len(raw) == 3
            and isinstance(raw[0], str)
            and all(isinstance(n, int) and not isinstance(n, bool) for n in raw[1:])
        ):
            raise Malformed("a file's record")
        return cls(raw[0], raw[1], raw[2])


Files = dict[str, Seen]


def _files_from_json(raw: Any) -> Files:
    if not isinstance(raw, dict):
        raise Malformed("a list of files")
    out = {}
    for rel, seen in raw.items():
        if not (isinstance(rel, str) and plain_relative(rel)):
            raise Malformed("a file's path")
        out[rel] = Seen.from_json(seen)
    return out


def _intact(base: Path, files: Files) -> bool:
    return bool(files) and all(seen.still(base / rel) for rel, seen in files.items())


@dataclass(frozen=True)
class Shard:
    """One shard of the index: the digest of its inputs and the files it wrote."""

    inputs: str
    files: Files


@dataclass
class SearchMemo:
    """What the last build's index was made from, shard by shard."""

    #: the digest of everything the index reads (the settings, every built page's digest,
    #: the data exports): equal means the whole index can be kept
    inputs: str = ""
    shards: dict[str, Shard] = field(default_factory=dict)
    #: the files shared by every shard (Pagefind's script, the merged entry)
    root: Files = field(default_factory=dict)
    #: every page's path in the site → (digest of the built page, of its article)
    articles: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def read(cls, store: Store) -> SearchMemo:
        """The memo in ``store``; an empty one when it is missing or malformed (a memo is
        untrusted: it costs time, never correctness)."""
        try:
            return cls.from_json(store.read(NAME))
        except Malformed:
            return cls()

    @classmethod
    def from_json(cls, raw: Any) -> SearchMemo:
        if raw is None:
            return cls()
        if not isinstance(raw, dict) or not isinstance(raw.get("inputs", ""), str):
            raise Malformed("the memo")
        shards = {}
        for name, entry in (raw.get("shards") or {}).items():
            if not (isinstance(entry, dict) and SHARD_NAME.fullmatch(str(name))):
                raise Malformed("a shard")
            if not isinstance(entry.get("inputs"), str):
                raise Malformed("a shard's inputs")
            shards[str(name)] = Shard(entry["inputs"], _files_from_json(entry.get("files")))
        articles = {}
        for rel, pair in (raw.get("articles") or {}).items():
            if not (isinstance(pair, list) and len(pair) == 2):
                raise Malformed("an article")
            articles[str(rel)] = (str(pair[0]), str(pair[1]))
        return cls(raw.get("inputs", ""), shards, _files_from_json(raw.get("root") or {}), articles)

    def to_json(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "shards": {
                name: {"inputs": s.inputs, "files": _files_to_json(s.files)}
                for name, s in self.shards.items()
            },
            "root": _files_to_json(self.root),
            "articles": dict(sorted(self.articles.items())),  # pairs, written as arrays
        }

    def kept_whole(self, index: Path, inputs: str) -> list[str] | None:
        """Every file of the index under ``index`` when nothing it reads changed and all of
        them are still as written; else None."""
        if not (
            self.inputs == inputs
            and self.shards
            and _intact(index, self.root)
            and all(_intact(index / name, s.files) for name, s in self.shards.items())
        ):
            return None
        kept = list(self.root)
        for name, s in self.shards.items():
            kept += [f"{name}/{rel}" for rel in s.files]
        return kept


def _files_to_json(files: Files) -> dict[str, list[Any]]:
    return {rel: seen.to_json() for rel, seen in files.items()}


def _seen_files(folder: Path, digests: Mapping[str, str]) -> Files:
    """The files just written under ``folder``, their digests taken from the bytes written."""
    return {rel: Seen.of(folder / rel, sha) for rel, sha in sorted(digests.items())}


def _sha_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def index_for_search(
    site: Path,
    target: Path,
    store: Store,
    progress: Progress,
    shard_records: int | None,
    page_digests: Mapping[str, str],
    config_text: str,
    prepared: Prepared | None = None,
    idle: Callable[[], None] | None = None,
) -> list[str]:
    """Index the new ``site`` for search, keeping each shard of ``target``'s index (the
    previous site) whose inputs (its records, the settings, Pagefind's version) are
    unchanged; returns the files of ``target`` kept that way, for :func:`write.update_site`.

    ``page_digests`` are the built pages' digests by their path in the site (the site
    build's memo).  ``prepared`` records are used only when the exports they were
    made from are the site's, byte for byte.
    """
    folder = search.INDEX_FOLDER
    index = target / folder
    data = []
    for path in sorted((site / "data").glob("*.json")):
        data.append((path.name, hashlib.sha256(path.read_bytes()).hexdigest()))
    made_from = {f"{name}.json": sha for name, sha in prepared[1].items()} if prepared else {}
    ready = prepared[0] if prepared and made_from.items() <= set(data) else None
    inputs = _digest(repr((config_text, sorted(page_digests.items()), data, shard_records)))
    old = SearchMemo.read(store)
    whole = old.kept_whole(index, inputs)
    if whole is not None:
        return [f"{folder}/{rel}" for rel in whole]

    kept_files: dict[str, Files] = {}

    def reuse(name: str, digest: str) -> bool:
        shard = old.shards.get(name)
        return shard is not None and shard.inputs == digest

    def intact(name: str) -> bool:
        shard = old.shards.get(name)
        if shard is None or not _intact(index / name, shard.files):
            return False
        kept_files[name] = shard.files
        return True

    def earlier(name: str, rel: str, digest: str) -> Path | None:
        """The previous index's copy of a shard file with these bytes, as recorded."""
        shard = old.shards.get(name)
        seen = shard.files.get(rel) if shard is not None else None
        path = index / name / rel
        return path if seen is not None and seen.sha == digest and seen.still(path) else None

    stats = search.index_site(
        site,
        fallback=target,
        reuse=reuse,
        intact=intact,
        shard_records=shard_records,
        page_digest=page_digests.get,
        known=old.articles,
        earlier=earlier,
        progress=progress,
        prepared=ready,
        idle=idle,
    )
    new = SearchMemo(inputs=inputs, articles=dict(stats.articles))
    for name, digest in stats.shards.items():
        if name in stats.built:
            files = _seen_files(site / folder / name, stats.written.get(name, {}))
        else:
            files = kept_files.get(name, {})
        new.shards[name] = Shard(digest, files)
    # no shared files when no index was made (a builder without the search box)
    new.root = _seen_files(site / folder, stats.written.get("", {}))
    store.write(NAME, new.to_json())
    return [f"{folder}/{name}/{rel}" for name in stats.kept for rel in kept_files[name]]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
