"""Reading: any input an analyst has (plain text, a saved web page, a feed, a URL) → articles.

Every reader returns the same :class:`Article`: a title, paragraphs, and what the input
itself says about date, authors, publisher and URL, so that the later steps do not care
where an article came from. Text is normalised here (UTF-8, NFC, no control characters).
"""

from __future__ import annotations

import calendar
import datetime
import html
import re
import time
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .dates import find_dateline, full_date, is_date_line
from .text import ImportFailed, one_line, unique

MAX_TITLE = 300
#: Suffixes read as each kind of input; anything else is sniffed from its first bytes.
TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
FEED_SUFFIXES = (".xml", ".rss", ".atom")
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + FEED_SUFFIXES
#: ``briefing import URL`` gives up after this many seconds, or past the size limit.
FETCH_TIMEOUT = 20.0


class MissingDependency(Exception):
    """A library that this kind of input needs is not installed (exit 2, one sentence)."""


@dataclass(frozen=True)
class Article:
    """An article as read, before analysis."""

    title: str
    paragraphs: list[str]
    origin: str  # what messages call it: "page.html", "feed.xml item 2"
    header: list[str] = field(default_factory=list)  # bylines and date lines under the title
    authors: list[str] = field(default_factory=list)
    date: datetime.date | None = None
    publisher: str | None = None  # the publisher's name, from the page's or feed's metadata
    site: str | None = None  # the page's or feed's URL, to match an entity's links
    url: str | None = None
    kind: str = "text"


# --- bytes and text ----------------------------------------------------------------------


def read_bytes(source_file: Path, max_bytes: int) -> bytes:
    name = source_file.name or str(source_file)
    if not source_file.exists():
        raise ImportFailed(f"{source_file} does not exist", line=0)
    if not source_file.is_file():
        raise ImportFailed(
            f"{source_file} is not a file; give the path of an article (.txt, .html, a feed) "
            "or of a folder of them",
            line=0,
        )
    try:
        size = source_file.stat().st_size
        if size > max_bytes:
            raise ImportFailed(
                f"{name} is {size:,} bytes, over the limit of {max_bytes:,} "
                "(raise max_file_bytes under extra.briefing in mkdocs.yml)",
                line=0,
            )
        return source_file.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{name} cannot be read: {exc.strerror or exc}", line=0) from None


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text with one kind of line end, NFC, and no control characters."""
    if b"\x00" in raw:
        raise ImportFailed(f"{name} is a binary file, not UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"{name} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from None
    return clean(text)


def clean(text: str) -> str:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text).replace("\t", " ").replace("\xa0", " ")
    # Other control characters (and the Unicode line separators) carry nothing in an article.
    return "".join(
        "\n" if ch in "\u2028\u2029\x85" else ch
        for ch in text
        if ch == "\n" or unicodedata.category(ch) != "Cc" or ch == "\x85"
    )


def kind_of(path: Path, raw: bytes) -> str:
    """``text``, ``html`` or ``feed``: by suffix, else by what the file starts with."""
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return sniff(raw)


def sniff(raw: bytes) -> str:
    head = raw[:2000].lstrip().lower()
    if re.search(rb"<rss\b|<feed\b|<rdf:rdf\b", head):
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "html"
    return "text"


# --- plain text ---------------------------------------------------------------------------

_BYLINE = re.compile(r"By\s+(?P<names>[^\d()]{3,120})", re.IGNORECASE)
_NAME = re.compile(r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|bin|al))*")


def names(text: str) -> list[str]:
    """People's names in a byline ("Jane Doe and John Roe")."""
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", text.strip())
    return [p for p in parts if _NAME.fullmatch(p) and 2 <= len(p.split()) <= 4]


def text_article(text: str, origin: str) -> Article:
    """A plain-text article: the title on its first line, then bylines, date lines, the body."""
    if not text.strip():
        raise ImportFailed(f"{origin} is empty")
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if line.strip())
    title = one_line(lines[index])
    if len(title) > MAX_TITLE:
        raise ImportFailed(
            f"the first line is {len(title)} characters long, which does not look like a title; "
            "put the headline on the first line",
            field="title",
            line=index + 1,
        )
    if find_dateline(title) is not None:
        raise ImportFailed(
            "the first line is already the dateline; put the headline on the first line",
            field="title",
            line=index + 1,
        )
    header, authors, paragraphs = _header_and_body(lines[index + 1 :])
    return Article(title, paragraphs, origin, header, authors)


def _header_and_body(rest: list[str]) -> tuple[list[str], list[str], list[str]]:
    # Short lines right under the title: a byline, a date line.
    header: list[str] = []
    authors: list[str] = []
    rest = list(rest)
    while rest:
        line = rest[0].strip()
        if not line:
            rest.pop(0)
            continue
        byline = _BYLINE.fullmatch(line)
        found = names(byline["names"]) if byline is not None else []
        if found:
            authors += found
        elif not is_date_line(line):
            break
        header.append(line)
        rest.pop(0)
    blocks = [b for b in re.split(r"\n\s*\n", "\n".join(rest)) if b.strip()]
    if len(blocks) <= 1 and blocks:
        # No blank lines between paragraphs: every line is one.
        paragraphs = [one_line(line) for line in blocks[0].split("\n") if line.strip()]
    else:
        paragraphs = [one_line(b) for b in blocks]
    for paragraph in paragraphs:
        credit = re.search(r"\((?:Reporting|Writing) by ([^;)]+)", paragraph)
        if credit is not None:
            authors += names(re.sub(r"\s+(?:in|from)\s+[A-Z][\w ]*$", "", credit[1]))
    return header, unique(authors), paragraphs


# --- saved web pages ------------------------------------------------------------------------


def html_article(raw: bytes, origin: str, url: str | None = None) -> Article:
    """A saved web page: the article text without navigation, ads, related links or footer
    (trafilatura), and title, date, author, publisher and canonical URL from its metadata
    (OpenGraph, ``article:published_time``, JSON-LD ``NewsArticle``)."""
    try:
        import trafilatura
    except ImportError as exc:  # pragma: no cover - a broken install
        raise MissingDependency(
            f"reading saved web pages needs trafilatura and lxml_html_clean ({exc}); "
            "install the project again with: pip install -e ."
        ) from None
    page = _text_of(raw)
    document = trafilatura.bare_extraction(
        page,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_links=False,
        favor_precision=True,
        output_format="python",
    )
    if document is None or not (getattr(document, "text", None) or "").strip():
        raise ImportFailed(f"{origin} has no article text that could be told from the page")
    title = one_line(clean(getattr(document, "title", None) or ""))
    text = clean(getattr(document, "text", None) or "")
    lines = [one_line(line) for line in text.split("\n") if line.strip()]
    if lines and title and one_line(lines[0]).casefold() == title.casefold():
        lines = lines[1:]
    if not title:
        if not lines:
            raise ImportFailed(f"{origin} has neither a title nor article text")
        title, lines = lines[0], lines[1:]
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1].rsplit(" ", 1)[0] + "…"
    header, authors, paragraphs = _header_and_body(lines)
    meta_authors = [
        one_line(a)
        for a in re.split(r";|\s+and\s+", getattr(document, "author", None) or "")
        if a.strip()
    ]
    day = _iso_day(getattr(document, "date", None))
    canonical = getattr(document, "url", None) or url
    if canonical and not re.match(r"https?://", canonical):
        canonical = url
    return Article(
        title=title,
        paragraphs=paragraphs,
        origin=origin,
        header=header,
        authors=unique([*meta_authors, *authors]),
        date=day,
        publisher=one_line(getattr(document, "sitename", None) or "") or None,
        site=canonical or getattr(document, "hostname", None),
        url=canonical,
        kind="html",
    )


def _text_of(raw: bytes) -> str:
    """A page's text: its declared charset, else UTF-8 (with replacement: pages are messy)."""
    head = raw[:4000].decode("ascii", "replace")
    m = re.search(r"charset=[\"']?([\w-]+)", head, re.IGNORECASE)
    encoding = m.group(1) if m else "utf-8"
    try:
        return raw.decode(encoding, "replace")
    except LookupError:
        return raw.decode("utf-8", "replace")


def _iso_day(value: object) -> datetime.date | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


# --- feeds ------------------------------------------------------------------------------------


class _Blocks(HTMLParser):
    """The text of an HTML fragment, one string per block element (a paragraph each)."""

    BLOCKS = frozenset(
        [
            "p",
            "div",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "br",
            "tr",
            "section",
            "article",
        ]
    )
    SKIP = frozenset(("script", "style", "nav", "footer", "aside", "figure", "figcaption"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._now: list[str] = []
        self._skipping = 0

    def _flush(self) -> None:
        text = one_line("".join(self._now))
        if text:
            self.blocks.append(text)
        self._now = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._now.append(data)


def fragment_paragraphs(fragment: str) -> list[str]:
    """Paragraphs of a feed item's HTML (or plain text) content."""
    if "<" not in fragment:
        return [one_line(p) for p in re.split(r"\n\s*\n", html.unescape(fragment)) if p.strip()]
    parser = _Blocks()
    parser.feed(fragment)
    parser.close()
    parser._flush()
    return [clean(b) for b in parser.blocks]


def feed_articles(raw: bytes, origin: str) -> list[Article]:
    """One article per item of an RSS or Atom feed (feedparser), newest last as in the file."""
    try:
        import feedparser  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - a broken install
        raise MissingDependency(
            "reading feeds needs feedparser; install the project again with: pip install -e ."
        ) from None
    parsed: Any = feedparser.parse(raw)
    feed = parsed.get("feed", {})
    entries = parsed.get("entries", [])
    if not entries:
        problem = parsed.get("bozo_exception")
        why = f" ({one_line(str(problem))})" if parsed.get("bozo") and problem else ""
        raise ImportFailed(f"{origin} is not an RSS or Atom feed with items{why}")
    publisher = one_line(feed.get("title", "")) or None
    site = feed.get("link") or None
    out: list[Article] = []
    for number, entry in enumerate(entries, start=1):
        content = entry.get("content") or []
        fragment = content[0].get("value", "") if content else entry.get("summary", "")
        paragraphs = fragment_paragraphs(fragment)
        title = one_line(html.unescape(entry.get("title", ""))) or (
            paragraphs[0] if paragraphs else ""
        )
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        day = (
            datetime.datetime.fromtimestamp(calendar.timegm(stamp), datetime.UTC).date()
            if isinstance(stamp, time.struct_time)
            else None
        )
        link = entry.get("link") or None
        authors = [one_line(a.get("name", "")) for a in entry.get("authors", []) if a.get("name")]
        out.append(
            Article(
                title=title[:MAX_TITLE],
                paragraphs=paragraphs,
                origin=f"{origin} item {number}",
                authors=unique(authors),
                date=day,
                publisher=publisher,
                site=link or site,
                url=link if link and re.match(r"https?://", link) else None,
                kind="feed",
            )
        )
    return out


# --- URLs -------------------------------------------------------------------------------------


def fetch(url: str, max_bytes: int, timeout: float = FETCH_TIMEOUT) -> tuple[bytes, str]:
    """The bytes at ``url`` (http or https only) and the URL they came from after redirects.

    Bounded in time and size: a page larger than ``max_bytes`` is refused, not truncated.
    """
    if not re.match(r"https?://[^/\s]+", url):
        raise ImportFailed(f"{url} is not an http or https URL", field="url", line=0)
    request = urllib.request.Request(
        url, headers={"User-Agent": "briefing-import/1 (+https://pypi.org/project/briefing)"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise ImportFailed(
                    f"{url} is {int(length):,} bytes, over the limit of {max_bytes:,}",
                    field="url",
                    line=0,
                )
            data: bytes = response.read(max_bytes + 1)
            final: str = response.geturl()
    except urllib.error.HTTPError as exc:
        raise ImportFailed(f"{url} answered {exc.code} {exc.reason}", field="url", line=0) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ImportFailed(
            f"{url} could not be fetched ({one_line(str(reason))})", field="url", line=0
        ) from None
    if len(data) > max_bytes:
        raise ImportFailed(f"{url} is over the limit of {max_bytes:,} bytes", field="url", line=0)
    return data, final


def first_date_line(article: Article) -> datetime.date | None:
    """A date from the lines under the title (used when a page's metadata has none)."""
    for line in article.header:
        found = full_date(line)
        if found is not None:
            return found[0]
    return None
