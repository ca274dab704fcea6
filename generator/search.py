"""Search and filters: a Pagefind index for the hosted site, Material's search for the bundle.

Material's own search downloads its whole index before the first query (110 MB at
10,000 seeds).  The hosted site instead gets a Pagefind index, split into chunks
so that a query downloads only the parts it needs, with facets (entity, entity
type, tag, source, year, claim status) that the browse page ``/explore/`` and the
search box in the header use.  The offline bundle opens from ``file://``, where
Pagefind cannot load, so it keeps Material's search, restricted to briefings,
entity cards and timelines (``search: exclude`` on the other generated pages).

:func:`index_site` reads only the built site (the data exports and the briefing
and entity pages), so it is a pure function of what MkDocs wrote and can run
again on an unchanged site with the same result.  It talks to the Pagefind binary
from the ``pagefind[bin]`` wheel directly, in batches of requests that the service
handles in order: the ``pagefind`` Python wrapper waits 0.1 s per request (2,000
records took 200 s).
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import orjson

from . import memory, paths
from .mkdocs_adapter import BuildFailed, MkDocsMissing
from .progress import SILENT, Progress
from .write import files_under, linked, plain_relative

#: The browse page (a generated docs path).
EXPLORE_DOC = paths.EXPLORE_INDEX
#: The search box's script in the built site (from the theme overrides).
SCRIPT = "assets/briefing/search.js"
#: Where the index goes inside the site.
INDEX_FOLDER = "pagefind"
#: Facets, in the order the browse page shows them.  ``kind`` tells briefings,
#: entity cards and events apart.
FACETS = ("kind", "entity", "type", "tag", "source", "year", "status")
#: Theme overrides shipped in the package: the header search box and its script.
OVERRIDES = Path(__file__).resolve().parent / "overrides"
#: What Pagefind leaves out of a page's text, besides what the templates mark
#: ``data-pagefind-ignore`` (lists of other pages): drawings, heading permalinks and
#: the page title (already the record's title).  The templates mark with
#: ``data-search-exclude`` what the offline bundle's Material search leaves out: the
#: same lists, and also a briefing's events (the timeline has them) and entity chips.
EXCLUDE_SELECTORS = ("svg", "figure", ".headerlink", "h1")
#: A word every dated record (briefing, event) carries in its metadata.  Browsing
#: without a query searches for it: Pagefind 1.5 answers a search without words by
#: downloading every index chunk (17 MB at 10,000 seeds), a search for one word
#: downloads only that word's chunk.
BROWSE_WORD = "zzbrowse"


class SearchMissing(MkDocsMissing):
    """Pagefind's binary is not installed (exit 2, like a missing MkDocs)."""


class SearchFailed(BuildFailed):
    """Indexing failed; the build fails and the previous site stays."""


# --- MkDocs configuration for the two kinds of build ---------------------------------


def _plugin_name(entry: object) -> str:
    return (
        entry
        if isinstance(entry, str)
        else next(iter(entry), "")
        if isinstance(entry, dict)
        else ""
    )


def _is_search(entry: object) -> bool:
    return _plugin_name(entry) in ("search", "material/search")


def hosted_overrides(
    settings: Mapping[str, Any], config_dir: Path, scratch: Path, *, builder: str | None = None
) -> dict[str, Any]:
    """MkDocs settings for the hosted site: no lunr search (Pagefind replaces it, and it
    was 27 % of MkDocs' time) and the theme overrides with the Pagefind search box.

    A project that has its own ``theme.custom_dir`` keeps it: both folders are merged
    into ``scratch`` with the project's files taking precedence.  Zensical runs no
    MkDocs plugins and has a search of its own: it gets no overrides (which it
    could not take), and :func:`index_site` then finds no search script to serve.
    """
    if builder == "zensical":
        return {}
    plugins = [p for p in (settings.get("plugins") or ["search"]) if not _is_search(p)]
    theme_setting = settings.get("theme") or {"name": "material"}
    theme = dict(theme_setting) if isinstance(theme_setting, dict) else {"name": theme_setting}
    custom = theme.get("custom_dir")
    if custom:
        merged = scratch / "theme-overrides"
        shutil.copytree(OVERRIDES, merged, dirs_exist_ok=True)
        shutil.copytree(config_dir / str(custom), merged, dirs_exist_ok=True)
        theme["custom_dir"] = str(merged)
    else:
        theme["custom_dir"] = str(OVERRIDES)
    extra_css = [*(settings.get("extra_css") or []), "assets/briefing/search.css"]
    scripts = [*(settings.get("extra_javascript") or [])]
    scripts.append({"path": SCRIPT, "type": "module"})
    return {"plugins": plugins, "theme": theme, "extra_css": extra_css, "extra_javascript": scripts}


def bundle_plugins(plugins: list[Any]) -> list[Any]:
    """The bundle's plugins: Material's search stays (it works from ``file://``), added if absent."""
    return plugins if any(_is_search(p) for p in plugins) else ["search", *plugins]


# --- records: what is indexed, with which facets ---------------------------------------


@dataclass
class Record:
    """One search result: a briefing, an entity card or an event."""

    url: str
    kind: str
    title: str
    filters: dict[str, list[str]]
    meta: dict[str, str]
    #: A page's HTML (briefings, entity cards) or plain text (events).
    html: str = ""
    text: str = ""
    day: str = ""  # for the order: newest first
    #: The built page (briefings, entity cards) whose article :meth:`article` reads when
    #: ``html`` was not read up front (a path string: 20,000 ``Path`` objects cost a
    #: noticeable part of an edit), and its path in the site (for its digest).
    page: str | None = None
    page_rel: str = ""

    def article(self) -> str:
        if not self.html and self.page is not None:
            self.html = _article(self.page)
        return self.html


@dataclass
class IndexStats:
    records: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    #: the files this run wrote (kept shards are not counted) and their bytes
    files: int = 0
    bytes: int = 0
    #: shard name ("" for the shared files) → its files written by this run → SHA-256
    written: dict[str, dict[str, str]] = field(default_factory=dict)
    #: every shard's name → the digest of its inputs (:func:`shard_inputs`)
    shards: dict[str, str] = field(default_factory=dict)
    built: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    #: every page's path in the site → (digest of the built page, of its article)
    articles: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: the most Pagefind processes that indexed at once (:class:`memory.Gate`)
    pagefinds: int = 0


def _label(name: str, ident: str) -> str:
    """A facet value that carries both what readers see and what the URL says: ``Name|id``."""
    return f"{name.replace('|', '/')}|{ident}"


def _years(earliest: str | None, latest: str | None) -> list[str]:
    """The years a fuzzy date may fall in (an open end counts only its known side)."""
    first = int((earliest or latest or "0")[:4])
    last = int((latest or earliest or "0")[:4])
    if not first:
        return []
    return [str(y) for y in range(first, min(last, first + 20) + 1)]


_ARTICLE = re.compile(r"<article\b[^>]*>(.*)</article>", re.S)
#: Drawings and the (unnested) lists marked ``data-pagefind-ignore``: Pagefind would
#: skip them anyway, and on entity cards they are most of the bytes it has to parse.
_SKIPPED = re.compile(
    r"<figure\b.*?</figure>|<ul\b[^>]*\bdata-pagefind-ignore\b[^>]*>.*?</ul>", re.S
)


def _article(page: str | Path) -> str:
    """The main content of a built page (Material's ``<article>``), without the theme around it."""
    try:
        with open(page, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise SearchFailed(
            f"search index: cannot read {os.path.basename(page)}: {exc.strerror}"
        ) from None
    found = _ARTICLE.search(text)
    return _SKIPPED.sub("", found.group(1)) if found else ""


def _page_file(url: str) -> str:
    """The file a page URL is served from (``briefings/x/`` → ``briefings/x/index.html``;
    with ``use_directory_urls: false`` the URL is the file, ``briefings/x.html``)."""
    return url + "index.html" if url.endswith("/") or not url else url


#: The data exports the records are read from (``data/<name>.json``).
RECORD_EXPORTS = ("briefings", "entities", "events", "claims")


def records(
    site_dir: Path,
    fallback: Path | None = None,
    *,
    read_pages: bool = True,
    prepared: list[Record] | None = None,
) -> Iterator[Record]:
    """Every search record of a built site, newest first (entity cards last).

    Read from the site's data exports (the model as JSON) and its briefing and
    entity pages, so nothing but the built site is needed.  With ``read_pages``
    false a page's article is read only when :meth:`Record.article` asks for it.
    ``prepared`` are the records already made from the same exports
    (:func:`export_records`): only their pages are looked up here.
    """
    # An incremental build's new site holds only what changed: list it once rather
    # than ask the disk about every page twice.
    here = files_under(site_dir) if fallback is not None else None
    site, old = str(site_dir), str(fallback or site_dir)

    def find(rel: str) -> str:
        return os.path.join(site if here is None or rel in here else old, rel)

    if prepared is None:

        def read(name: str) -> bytes:
            with open(find(f"data/{name}.json"), "rb") as handle:
                return handle.read()

        prepared = export_records(read)
    for record in prepared:
        if record.page_rel:
            record.page = find(record.page_rel)
            if read_pages:
                record.html = _article(record.page)
        yield record


def export_records(read: Callable[[str], bytes]) -> list[Record]:
    """The records of :func:`records` made from the data exports alone (``read(name)``
    gives the bytes of ``data/<name>.json``, for each of :data:`RECORD_EXPORTS`): their
    pages are named but not looked up, so this can run before the site is built."""
    try:
        briefings, entities, events, threads = (orjson.loads(read(name)) for name in RECORD_EXPORTS)
    except (OSError, ValueError) as exc:
        raise SearchFailed(f"search index: cannot read the site's data exports: {exc}") from None
    name_of = {e["id"]: str(e["name"]) for e in entities}
    type_of = {e["id"]: e["type"] for e in entities}
    labels = {ident: _label(n, ident) for ident, n in name_of.items()}
    url_of = {b["slug"]: "/" + b["url"] for b in briefings}
    source_of = {b["slug"]: b["source"] for b in briefings}

    def name(ident: str) -> str:
        return name_of.get(ident, ident)

    def entity_values(ids: list[str]) -> list[str]:
        return [labels.get(i) or _label(i, i) for i in dict.fromkeys(ids)]

    def types(ids: list[str]) -> list[str]:
        return sorted({type_of[i] for i in ids if i in type_of})

    later = _later_words(threads, name)
    dated: list[Record] = []
    for b in briefings:
        words = [
            (n, c["status"], later.get(c["id"] or f"{b['slug']}#claim-{n}"))
            for n, c in enumerate(b["claims"], 1)
        ]
        statuses = sorted({s for _, status, word in words for s in (status, *(word or ())[:1])})
        claims = ";".join(
            f"claim-{n}:{status}" + (f":{word[0]}:{quote(word[1])}" if word else "")
            for n, status, word in words
        )
        dated.append(
            Record(
                url="/" + b["url"],
                kind="briefing",
                title=b["title"],
                filters={
                    "kind": ["briefing"],
                    "entity": entity_values(b["entities"]),
                    "type": types(b["entities"]),
                    "tag": list(b["tags"]),
                    "source": [_label(name(b["source"]), b["source"])],
                    "year": [b["date"][:4]],
                    "status": statuses,
                },
                meta={
                    "kind": "briefing",
                    "date": b["date"],
                    "source": name(b["source"]),
                    "claims": claims,
                    "browse": BROWSE_WORD,
                },
                page_rel=_page_file(b["url"]),
                day=b["date"],
            )
        )
    for ev in events:
        reports = [r["briefing"] for r in ev["reports"] if r["briefing"] in url_of]
        if not reports:
            continue
        sources = list(dict.fromkeys(source_of[r] for r in reports))
        names = [name(i) for i in ev["entities"]]
        date = ev["date"]
        dated.append(
            Record(
                url=f"{url_of[reports[0]]}#ev-{ev['id']}",
                kind="event",
                title=ev["title"],
                filters={
                    "kind": ["event"],
                    "entity": entity_values(ev["entities"]),
                    "type": types(ev["entities"]),
                    "tag": list(ev["tags"]),
                    "source": [_label(name(s), s) for s in sources],
                    "year": _years(date["earliest"], date["latest"]),
                },
                meta={
                    "kind": "event",
                    "date": date["words"],
                    "source": ", ".join(name(s) for s in sources),
                    "browse": BROWSE_WORD,
                },
                text=" ".join([ev["title"], date["words"], *names]),
                day=date["earliest"] or date["latest"] or "",
            )
        )
    # Newest first: the shards are cut from this order, and without a query Pagefind
    # lists a shard's results in the order they were added (browsing lists the shards
    # one after another: search.js).
    dated.sort(key=lambda r: r.day, reverse=True)
    cards = [
        Record(
            url="/" + e["url"],
            kind="entity",
            title=e["name"],
            filters={
                "kind": ["entity"],
                "entity": [_label(e["name"], e["id"])],
                "type": [e["type"]],
            },
            meta={"kind": "entity", "type": e["type"]},
            page_rel=_page_file(e["url"]),
        )
        for e in sorted(entities, key=lambda e: str(e["name"]).casefold())
    ]
    return dated + cards


def _later_words(
    threads: list[dict[str, Any]], name: Callable[[str], str]
) -> dict[str, tuple[str, str]]:
    """Claim key → (where its thread stands now, who said so), for every claim whose thread
    now stands elsewhere than the claim's own status because of later word (a report
    later confirmed: its briefing is found under "confirmed" too, and says so)."""
    out: dict[str, tuple[str, str]] = {}
    for thread in threads:
        claims = {c["key"]: c for c in thread["claims"]}
        latest = [claims[k] for k in thread["latest"] if k in claims]
        word = next(
            (c for c in latest if c["status"] == thread["status"]), latest[-1] if latest else None
        )
        if word is None:
            continue
        by = word["by"]
        who = name(by["entity"]) if by.get("entity") else str(by.get("text") or "")
        if thread["status"] == "contested":  # the latest words disagree: no one has the last
            who = ""
        for c in thread["claims"]:
            if c["key"] not in thread["latest"] and c["status"] != thread["status"]:
                out[c["key"]] = (thread["status"], who)
    return out


def _stored_filters(filters: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The filters as Pagefind stores them: the entity facet split by the first letter
    of the id (``entity-a`` … ``entity-z``, ``entity-0``), so that a link naming one
    entity downloads one letter's file, not every entity's list (search.js joins them)."""
    out = {key: values for key, values in filters.items() if key != "entity"}
    for value in filters.get("entity", []):
        first = value.rsplit("|", 1)[-1][:1]
        out.setdefault(f"entity-{first if 'a' <= first <= 'z' else '0'}", []).append(value)
    return out


def _page_html(record: Record) -> str:
    """What Pagefind reads for a page record: its article, with the facets as hidden data."""
    parts = ['<div hidden data-pagefind-ignore="index">']
    parts.append(f'<span data-pagefind-meta="title">{html.escape(record.title)}</span>')
    for key, value in record.meta.items():
        if value:
            parts.append(f'<span data-pagefind-meta="{key}">{html.escape(value)}</span>')
    for key, values in _stored_filters(record.filters).items():
        for value in values:
            parts.append(f'<span data-pagefind-filter="{key}">{html.escape(value)}</span>')
    parts.append("</div>")
    return f"<html><body>{''.join(parts)}<main>{record.article()}</main></body></html>"


# --- the Pagefind service ---------------------------------------------------------------


class _Pagefind:
    """The ``pagefind --service`` binary: base64 JSON messages, each ended by a comma."""

    def __init__(self) -> None:
        try:
            import pagefind_bin  # type: ignore[import-untyped]
        except ImportError:
            raise SearchMissing(
                "the search index needs Pagefind: pip install 'pagefind[bin]' (or pip install -e .)"
            ) from None
        binary = pagefind_bin.get_executable()
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self._proc = subprocess.Popen(
            [str(binary), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        self._buffer = b""
        self._next = 0
        self._answers: dict[int, dict[str, Any]] = {}

    def request(self, *payloads: dict[str, Any]) -> list[dict[str, Any]]:
        return self.receive(self.send(*payloads))

    def send(self, *payloads: dict[str, Any]) -> list[int]:
        """Send messages without waiting for their answers; returns their ids.

        The service reads its input into a queue as it comes and writes its answers
        from a thread of its own, so a sender that is one batch ahead never blocks it.
        """
        assert self._proc.stdin is not None
        ids = []
        try:
            for payload in payloads:
                self._next += 1
                ids.append(self._next)
                message = orjson.dumps({"message_id": self._next, "payload": payload})
                self._proc.stdin.write(base64.b64encode(message) + b",")
            self._proc.stdin.flush()
        except BrokenPipeError:
            raise SearchFailed(f"search index: Pagefind stopped: {self._stderr()}") from None
        return ids

    def receive(self, ids: list[int]) -> list[dict[str, Any]]:
        """The answers to the messages ``ids`` (sent by :meth:`send`), in their order."""
        assert self._proc.stdout is not None
        wanted = set(ids)
        while not wanted <= self._answers.keys():
            while b"," not in self._buffer:
                chunk = os.read(self._proc.stdout.fileno(), 1 << 16)
                if not chunk:
                    raise SearchFailed(f"search index: Pagefind stopped: {self._stderr()}")
                self._buffer += chunk
            raw, _, self._buffer = self._buffer.partition(b",")
            answer = orjson.loads(base64.b64decode(raw))
            self._answers[int(answer.get("message_id") or 0)] = answer["payload"]
        out = [self._answers.pop(i, {"type": "Error", "message": "no answer"}) for i in ids]
        for answer in out:
            if answer.get("type") == "Error":
                raise SearchFailed(f"search index: Pagefind: {answer.get('message', '?')}")
        return out

    def _stderr(self) -> str:
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return text[-1] if text else f"exit code {self._proc.poll()}"

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._log.close()


def _language(site_dir: Path) -> str:
    """The site's language, as Material writes it on the home page (``<html lang="en">``)."""
    for name in ("index.html", "404.html"):
        page = site_dir / name
        if page.is_file():
            found = re.search(
                r'<html[^>]*\blang="([A-Za-z-]+)"', page.read_text(encoding="utf-8")[:2000]
            )
            if found:
                return found.group(1).split("-")[0].lower()
    return "en"


#: Pagefind has no incremental mode and indexes a shard in time proportional to its
#: records (about 1 ms each here, with writing), so a build re-indexes only the
#: shards whose records changed; but a query downloads one index chunk per word from
#: every shard (25-50 KB each), so more shards cost readers bytes.  The records per
#: shard are chosen for about SHARDS shards: the smallest of 1,000, 2,000, 4,000...
#: that holds the dated records in SHARDS (powers of two, so that the cut moves, and
#: every shard is indexed again, only when the tracker has doubled).
SHARDS = 3
MIN_SHARD_RECORDS = 1000
#: But no more than this many: Pagefind holds about 62 KB per record while it indexes
#: (8.0 GB for the 128,000 records of a 100,000-seed shard), so a shard of 32,000 fits
#: in about 2 GB.  Past 96,000 dated records (some 48,000 seeds) there are then more
#: than three shards: a query downloads an index chunk from each (25-50 KB), beside
#: metadata that grows with the records however they are cut (about 1.4 MB at
#: 100,000 seeds), so the cap costs a query some 10 % more bytes there and saves the
#: build 6 GB.
MAX_SHARD_RECORDS = 32_000
#: A fixed number of records per shard instead (``extra.briefing.search_shard_records``
#: in mkdocs.yml sets it for a project; the tests set it here).
SHARD_RECORDS: int | None = None


def shard_size(dated: int) -> int:
    """Records per shard for ``dated`` dated records (see :data:`SHARDS`)."""
    if SHARD_RECORDS:
        return SHARD_RECORDS
    size = MIN_SHARD_RECORDS
    while size * SHARDS < dated and size < MAX_SHARD_RECORDS:
        size *= 2
    return size


#: The list of shards, in the order the search merges them (see search.js).
SHARDS_FILE = "shards.json"
#: Files of a Pagefind output that each shard keeps (the rest is shared or unused).
_SHARD_FILES = re.compile(
    r"^(pagefind-entry\.json|pagefind\..*\.pf_meta|wasm\..*\.pagefind|(index|fragment|filter)/.*)$"
)


@dataclass
class Shard:
    """One Pagefind index: a run of consecutive dated records, or of entity cards."""

    name: str
    records: list[Record]

    def requests(
        self, language: str, digest: Callable[[Record], str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """What Pagefind is sent for this shard (without the index's id), in order, each
        page read only when its turn comes.

        With ``digest``, a page's contents are replaced by ``digest(record)`` (a digest
        of the built page): what :func:`shard_inputs` hashes without reading pages.
        """
        for record in self.records:
            if record.page is not None or record.html:
                contents = (
                    _page_html(record)
                    if digest is None
                    else [record.title, record.meta, record.filters, digest(record)]
                )
                yield (
                    {
                        "type": "AddFile",
                        "url": record.url,
                        "file_path": None,
                        "file_contents": contents,
                    }
                )
            else:
                yield (
                    {
                        "type": "AddRecord",
                        "url": record.url,
                        "content": record.text,
                        "language": language,
                        "meta": {"title": record.title, **record.meta},
                        "filters": _stored_filters(record.filters),
                        "sort": None,
                    }
                )


def plan_shards(all_records: list[Record], size: int | None = None) -> list[Shard]:
    """Split the records (newest first, entity cards last) into shards, in search order.

    Dated records are cut from the oldest day forward into shards of about ``size``
    records (:func:`shard_size` by default), a day never split, so adding newer
    briefings changes only the newest shard and an edit only its own shard; the
    shards' order, newest first, is the order of browsing.

    The entity cards go at the end of the newest shard.  Each shard scores words
    against its own statistics: a shard of cards alone ranked a card far below the
    events naming it.  Browsing searches a word every dated record has and no card
    has, so it scores highest in the shard with the cards, the newest, and equally
    in the others: the merged list stays newest first.
    """
    dated = [r for r in all_records if r.kind != "entity"]
    size = size or shard_size(len(dated))
    cards = [r for r in all_records if r.kind == "entity"]
    days: list[list[Record]] = []
    for record in reversed(dated):  # oldest first; a day's records stay together
        if days and days[-1][0].day == record.day:
            days[-1].append(record)
        else:
            days.append([record])
    runs: list[list[Record]] = [[]]
    for day in days:
        if runs[-1] and len(runs[-1]) + len(day) > size:
            runs.append([])
        runs[-1].extend(day)
    last = len(runs) - 1
    shards = [
        Shard(f"d{n}", [*reversed(run), *(cards if n == last else [])])
        for n, run in enumerate(runs)
    ]
    shards.reverse()  # newest first
    return shards


_BATCH = 256


#: ``earlier(shard, file, SHA-256)``: the previous index's copy of a shard file with
#: those bytes, if it is still there as recorded, to link instead of writing.
Earlier = Callable[[str, str, str], Path | None]


def _build_shard(
    service: _Pagefind,
    shard: Shard,
    requests: Iterable[dict[str, Any]],
    config: dict[str, Any],
    output: Path,
    earlier: Earlier | None = None,
    sent: Callable[[], None] | None = None,
) -> tuple[bytes, dict[str, str], int]:
    """Index one shard into ``output/<name>/``; returns Pagefind's ``pagefind.js``, the
    SHA-256 of every file written (so nobody reads them back to hash them) and their
    bytes.  ``sent()`` is called once Pagefind has every record of the shard."""
    (created,) = service.request({"type": "NewIndex", "config": config})
    index = created["index_id"]
    # Sent in batches, one batch ahead: the service handles its messages one by one
    # in order (so the records keep their order) while the next batch is read from
    # the pages here, and a batch saves a round trip per message.
    pending: list[int] = []
    batch: list[dict[str, Any]] = []
    for request in requests:
        batch.append({**request, "index_id": index})
        if len(batch) == _BATCH:
            ahead = service.send(*batch)
            service.receive(pending)
            pending, batch = ahead, []
    service.receive(pending + service.send(*batch))
    if sent is not None:
        sent()
    # The files come back in the answer and are written here: the service's own
    # WriteFiles answers before its writes are done, and a file could be left empty.
    (answer,) = service.request({"type": "GetFiles", "index_id": index})
    files: dict[str, bytes] = {}
    for item in answer["files"]:
        rel = str(item["path"])
        if not plain_relative(rel):
            raise SearchFailed(f"search index: unexpected file name from Pagefind: {rel}")
        files[rel] = base64.b64decode(item["content"])
    script = files.get("pagefind.js", b"")
    folder = output / shard.name
    written: dict[str, str] = {}
    size = 0
    for rel, data in sorted(canonicalise(files).items()):
        if _SHARD_FILES.match(rel):
            digest = hashlib.sha256(data).hexdigest()
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            # Most of a shard indexed again is the same files as before (they are named
            # by their content): those are linked, not written.  Creating thousands of
            # files right after thousands were deleted is slow on ext4 (it skips the
            # recently freed inodes one by one: 2 s for a 6,000-file shard here).
            source = earlier(shard.name, rel, digest) if earlier is not None else None
            if source is None or not linked(source, path):
                path.write_bytes(data)
            written[rel] = digest
            size += len(data)
    return script, written, size


def shard_inputs(shard: Shard, requests: Iterable[dict[str, Any]], config: dict[str, Any]) -> str:
    """A digest of everything a shard's index is made from (its records, the settings
    and Pagefind's version): equal digests give byte-identical shards."""
    digest = hashlib.sha256(repr((_pagefind_version(), config, shard.name)).encode())
    for request in requests:
        digest.update(orjson.dumps(request, option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()


@functools.cache
def _pagefind_version() -> str:
    try:
        from importlib.metadata import version

        return version("pagefind_bin")
    except Exception:  # an unknown version only costs a rebuild
        return "?"


def index_site(
    site_dir: Path,
    *,
    fallback: Path | None = None,
    reuse: Callable[[str, str], bool] | None = None,
    intact: Callable[[str], bool] | None = None,
    shard_records: int | None = None,
    page_digest: Callable[[str], str | None] | None = None,
    known: Mapping[str, tuple[str, str]] | None = None,
    earlier: Earlier | None = None,
    progress: Progress = SILENT,
    prepared: list[Record] | None = None,
    idle: Callable[[], None] | None = None,
) -> IndexStats:
    """Index a built site into ``site_dir/pagefind/``: briefings, entity cards and events.

    The records are split into shards (:func:`plan_shards`).  ``reuse(name, inputs)``
    says whether the previous site has a copy of a shard made from the same inputs,
    and ``intact(name)`` whether its files are still as written: such a shard is not
    indexed again, and the caller keeps its files.  Checking that the kept shards'
    thousands of files are intact takes a while, so it runs in a thread while Pagefind
    indexes the shards that changed; a damaged one is indexed after them.
    A shard's inputs name each page by a digest of the article Pagefind reads from
    it.  ``page_digest(path in the site)`` gives the built page's digest (the site
    build's memo) and ``known`` the ``(page digest, article digest)`` pairs of the
    previous build (:attr:`IndexStats.articles`): a page whose digest did not move is
    not read again, except for the shards indexed again.  ``earlier`` finds the
    previous index's copy of a file, linked instead of written when the bytes match.
    The other shards are indexed by a Pagefind process each, at once (both cores).
    ``fallback`` is an earlier site whose files stand in for those ``site_dir`` lacks
    (an incremental build writes only the pages that changed).  ``prepared`` are the
    records made from the site's exports beforehand (:func:`export_records`).
    ``idle()`` is called once every record has been sent to Pagefind, which then
    works for seconds while this process only waits.  Raises
    :class:`SearchMissing` when Pagefind is not installed and :class:`SearchFailed`
    when indexing fails; either way the caller's build fails.
    """
    started = time.perf_counter()
    if not (site_dir / SCRIPT).is_file() and not (fallback and (fallback / SCRIPT).is_file()):
        return IndexStats()  # built without the search box (Zensical): nothing would load it
    progress.stage("indexing the site for search (Pagefind)")
    output = site_dir / INDEX_FOLDER
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    language = _language(site_dir)
    config = {"exclude_selectors": list(EXCLUDE_SELECTORS), "force_language": language}
    stats = IndexStats()
    all_records = list(records(site_dir, fallback, read_pages=False, prepared=prepared))
    for record in all_records:
        stats.records[record.kind] = stats.records.get(record.kind, 0) + 1

    def digest(record: Record) -> str:
        """A digest of what Pagefind reads of a page: its article, re-read only when
        the built page changed since the digest was taken (``known``)."""
        page = page_digest(record.page_rel) if page_digest is not None else None
        old = known.get(record.page_rel) if known is not None else None
        if page and old and old[0] == page:
            article = old[1]
        else:
            article = hashlib.sha256(record.article().encode("utf-8")).hexdigest()
        stats.articles[record.page_rel] = (page or "", article)
        return article

    shards = plan_shards(all_records, shard_records)
    todo: list[Shard] = []
    keep: list[Shard] = []
    for shard in shards:
        inputs = shard_inputs(shard, shard.requests(language, digest), config)
        stats.shards[shard.name] = inputs
        (keep if reuse is not None and reuse(shard.name, inputs) else todo).append(shard)
    old_script = fallback / INDEX_FOLDER / "pagefind.js" if fallback else None
    script = old_script.read_bytes() if old_script and old_script.is_file() else b""
    if not todo and not script:  # nothing to index, but the script is lost: index a shard
        todo.append(keep.pop(0))
    damaged: Future[list[Shard]] | None = None
    scripts: list[bytes] = []
    with ThreadPoolExecutor(max_workers=1) as checker:
        if intact is not None and keep:
            damaged = checker.submit(lambda: [s for s in keep if not intact(s.name)])
        if todo:
            scripts = _index_in_parallel(todo, language, config, output, stats, earlier, idle)
        again = damaged.result() if damaged is not None else []
    if again:
        scripts += _index_in_parallel(again, language, config, output, stats, earlier)
        todo += again
    kept = {id(shard) for shard in keep} - {id(shard) for shard in again}
    stats.kept = [shard.name for shard in shards if id(shard) in kept]
    script = next((s for s in scripts if s), script)
    listing = json.dumps([s.name for s in shards]).encode()
    shared = stats.written.setdefault("", {})
    for name, data in (("pagefind.js", script), (SHARDS_FILE, listing)):
        (output / name).write_bytes(data)
        shared[name] = hashlib.sha256(data).hexdigest()
        stats.files += 1
        stats.bytes += len(data)
    stats.built = [shard.name for shard in todo]
    stats.seconds = time.perf_counter() - started
    return stats


#: What one record costs a Pagefind process in memory while it indexes its shard, with
#: room to spare: 62 KB was measured at 100,000 seeds (8.0 GB for 128,000 records), 83 KB
#: at 10,000 (three processes, 1.8 GB for 21,715).
PAGEFIND_RECORD_BYTES = 90_000
#: The share of the memory free when indexing starts that the Pagefinds running at
#: once may take together, by that estimate (one always runs, whatever its size).
MEMORY_SHARE = 0.8


def _need(shard: Shard) -> int:
    return len(shard.records) * PAGEFIND_RECORD_BYTES


#: Pagefind processes at once, at most.  One per shard, even on two cores: the three
#: shards of a large tracker are unequal (8,000, 8,000 and 5,800 records at 10,000
#: seeds), and two processes taking them in turn left a core idle for a third of the
#: indexing.  Three share both cores to the end.
PAGEFINDS = 3


def _index_in_parallel(
    todo: list[Shard],
    language: str,
    config: dict[str, Any],
    output: Path,
    stats: IndexStats,
    earlier: Earlier | None = None,
    idle: Callable[[], None] | None = None,
) -> list[bytes]:
    """Index the shards with up to :data:`PAGEFINDS` Pagefind processes, each taking
    the next shard left; returns the ``pagefind.js`` each wrote and records the files
    in ``stats``.

    Each process works alone on its shard (Pagefind is single-threaded per index), so
    they use both cores; the threads here only pass messages.
    """
    jobs = sorted(todo, key=lambda shard: -len(shard.records))  # the largest first: even split
    try:
        gate = memory.Gate(memory.pool(MEMORY_SHARE))
    except ValueError as exc:  # BRIEFING_MEMORY: the command line says it first
        raise SearchFailed(str(exc)) from None
    # a Pagefind process keeps the memory it grew to: when the shards do not all fit at
    # once, each process is closed after its shard
    tight = not gate.fits([_need(shard) for shard in todo])
    lock = threading.Lock()
    scripts: list[bytes] = []
    errors: list[BaseException] = []
    unsent = [len(todo)]

    def sent() -> None:
        """One more shard's records are all with Pagefind: ``idle()`` after the last."""
        with lock:
            unsent[0] -= 1
            last = unsent[0] == 0
        if last and idle is not None:
            idle()

    def worker() -> None:
        service: _Pagefind | None = None
        try:
            while not errors:
                with lock:
                    if not jobs:
                        return
                    shard = jobs.pop(0)
                with gate.admit(_need(shard)):
                    service = service or _Pagefind()
                    script, written, size = _build_shard(
                        service, shard, shard.requests(language), config, output, earlier, sent
                    )
                    if tight:
                        service.close()
                        service = None
                with lock:
                    scripts.append(script)
                    stats.written[shard.name] = written
                    stats.files += len(written)
                    stats.bytes += size
        except BaseException as exc:  # raised again in the caller's thread
            errors.append(exc)
        finally:
            if service is not None:
                service.close()

    # Daemon threads: a Ctrl-C that stops the caller mid-way must not leave the process
    # waiting for them at exit (a thread may then wait on a lock the interrupted caller
    # held, such as logging's).
    threads = [
        threading.Thread(target=worker, name="briefing-pagefind", daemon=True)
        for _ in range(min(PAGEFINDS, len(todo)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    stats.pagefinds = max(stats.pagefinds, gate.most)
    return scripts


# --- byte-identical output ---------------------------------------------------------------
#
# Pagefind 1.5 writes the values of a filter, and the filters in its metadata file,
# in hash-map order, which changes from run to run (upstream issue #638).  The site
# must be byte-identical for the same input, so those two structures are put in
# order here: the files are gzip-compressed CBOR behind a ``pagefind_dcd`` signature,
# and each is named by a hash of its content, which the metadata file and
# ``pagefind-entry.json`` refer to.

_SIGNATURE = b"pagefind_dcd"


def _cbor_decode(data: bytes, at: int = 0) -> tuple[Any, int]:
    """The subset of CBOR Pagefind writes: integers, strings, arrays, maps, booleans, null."""
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if info < 24:
        arg = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        arg = int.from_bytes(data[at : at + size], "big")
        at += size
    else:
        raise ValueError(f"unsupported CBOR item {head:#x}")
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major in (2, 3):
        raw = data[at : at + arg]
        return (raw if major == 2 else raw.decode("utf-8")), at + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, at = _cbor_decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs = []
        for _ in range(arg):
            key, at = _cbor_decode(data, at)
            value, at = _cbor_decode(data, at)
            pairs.append((key, value))
        return dict(pairs), at
    if major == 7 and info in (20, 21, 22):
        return {20: False, 21: True, 22: None}[info], at
    raise ValueError(f"unsupported CBOR item {head:#x}")


def _cbor_head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")


def _cbor_encode(value: Any) -> bytes:
    if value is None or isinstance(value, bool):
        return bytes([0xF6 if value is None else 0xF5 if value else 0xF4])
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
    if isinstance(value, bytes):
        return _cbor_head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _cbor_head(3, len(raw)) + raw
    if isinstance(value, list):
        return _cbor_head(4, len(value)) + b"".join(_cbor_encode(v) for v in value)
    if isinstance(value, dict):
        return _cbor_head(5, len(value)) + b"".join(
            _cbor_encode(k) + _cbor_encode(v) for k, v in value.items()
        )
    raise TypeError(f"cannot encode {type(value).__name__} as CBOR")


def _decode_pf(data: bytes, name: str) -> Any:
    raw = gzip.decompress(data)
    if not raw.startswith(_SIGNATURE):
        raise ValueError(f"{name}: not a Pagefind file")
    value, end = _cbor_decode(raw, len(_SIGNATURE))
    if end != len(raw):
        raise ValueError(f"{name}: trailing bytes")
    return value


def _encode_pf(value: Any) -> tuple[bytes, str]:
    """A Pagefind file's bytes (gzip without a timestamp) and the hex digest that names it."""
    raw = _SIGNATURE + _cbor_encode(value)
    return gzip.compress(raw, compresslevel=9, mtime=0), hashlib.sha256(raw).hexdigest()


def canonicalise(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind's output (``{path: bytes}``) with its hash-ordered structures in a fixed
    order (see above), before anything is written."""
    out = dict(files)
    try:
        entry = json.loads(out["pagefind-entry.json"])
        for language, info in entry["languages"].items():
            prefix = f"{language}_"
            meta_name = f"pagefind.{info['hash']}.pf_meta"
            meta = _decode_pf(out.pop(meta_name), meta_name)
            renamed: dict[str, str] = {}
            for old in sorted({str(f[1]) for f in meta[3]}):
                old_name = f"filter/{old}.pf_filter"
                name, values = _decode_pf(out.pop(old_name), old_name)
                values.sort(key=lambda v: v[0])
                data, digest = _encode_pf([name, values])
                new = prefix + digest[: len(old) - len(prefix)]
                out[f"filter/{new}.pf_filter"] = data
                renamed[old] = new
            meta[3] = sorted(([f[0], renamed[f[1]]] for f in meta[3]), key=lambda f: str(f[0]))
            data, digest = _encode_pf(meta)
            new_hash = prefix + digest[: len(info["hash"]) - len(prefix)]
            out[f"pagefind.{new_hash}.pf_meta"] = data
            info["hash"] = new_hash
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        raise SearchFailed(f"search index: unexpected Pagefind output ({exc})") from None
    out["pagefind-entry.json"] = json.dumps(
        entry, ensure_ascii=False, separators=(",", ":")
    ).encode()
    return out
