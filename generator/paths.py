"""Paths have kinds: a seed path, a slug or id, a docs path, a page file and a URL.

Every conversion between them lives here so that the rest of the code never
builds a path or URL by string concatenation.  A *docs path* is POSIX, relative
to ``docs/``, and names a page as the renderer knows it (``briefings/<slug>.md``);
a *page file* is where that page is written in ``docs/`` (``briefings/<slug>/index.md``
with directory URLs, see :func:`page_file`); a *URL* is relative to the site root
and depends on MkDocs' ``use_directory_urls`` (``briefings/<slug>/`` online,
``briefings/<slug>.html`` in the offline bundle).
"""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from pathlib import Path, PurePosixPath

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
MAX_SLUG_LENGTH = 120
#: Names that would collide with the index page of a generated folder.
RESERVED = frozenset({"index"})

HOME = "index.md"


def slug_problem(value: str, what: str = "id") -> str | None:
    """Why ``value`` is not a valid slug/id, or None when it is."""
    example = "e.g. alibaba, h20, jensen-huang" if what == "id" else "e.g. ai-chips"
    if not value:
        return f"an empty {what} ({example})"
    if len(value) > MAX_SLUG_LENGTH:
        return f"{what} is longer than {MAX_SLUG_LENGTH} characters"
    if not SLUG_RE.match(value):
        suggestion = suggest_slug(value)
        hint = f"; try '{suggestion}'" if suggestion and suggestion != value else ""
        return (
            f"'{value}' is not a valid {what}: use lower-case letters, digits and hyphens, "
            f"starting with a letter or digit ({example}){hint}"
        )
    if value in RESERVED:
        return f"'{value}' is reserved and cannot be used as {what}"
    return None


def is_slug(value: object) -> bool:
    return isinstance(value, str) and slug_problem(value) is None


def suggest_slug(value: str) -> str:
    """A slug close to ``value`` (for suggestions in error messages only)."""
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:MAX_SLUG_LENGTH]


def seed_slug(seed_path: Path) -> str:
    """The slug of a seed file: its path stem (``seeds/2025/x.md`` → ``x``)."""
    return seed_path.stem


def briefing_doc(slug: str) -> str:
    return f"briefings/{slug}.md"


def entity_doc(entity_id: str) -> str:
    return f"entities/{entity_id}.md"


def tag_doc(tag: str) -> str:
    return f"tags/{tag}.md"


BRIEFINGS_INDEX = "briefings/index.md"
ENTITIES_INDEX = "entities/index.md"
TIMELINE_INDEX = "timeline/index.md"
TAGS_INDEX = "tags/index.md"
GRAPH_INDEX = "graph/index.md"
DATA_INDEX = "data/index.md"
CLAIMS_INDEX = "claims/index.md"
SOURCES_INDEX = "claims/sources.md"
EXPLORE_INDEX = "explore/index.md"


def timeline_year_doc(year: int) -> str:
    return f"timeline/{year}.md"


def timeline_month_doc(year: int, month: int) -> str:
    return f"timeline/{year}/{month:02d}.md"


def timeline_part_doc(year: int, month: int, first_day: int, part: int = 1) -> str:
    """A crowded month's page of the days from ``first_day``, or the ``part``-th page of
    a crowded day (see ``pages.placement``)."""
    suffix = f"-{part}" if part > 1 else ""
    return f"timeline/{year}/{month:02d}/{first_day:02d}{suffix}.md"


def entities_page_doc(n: int) -> str:
    """Page ``n`` (from 2) of the entity directory; ``index`` is no entity's id."""
    return f"entities/index/{n}.md"


def briefings_page_doc(n: int) -> str:
    """Page ``n`` (from 2) of the briefings index; a folder no slug can name."""
    return f"briefings/page/{n}.md"


def claims_page_doc(n: int) -> str:
    """Page ``n`` (from 2) of the claims page."""
    return f"claims/page/{n}.md"


def sources_page_doc(n: int) -> str:
    """Page ``n`` (from 2) of the sources page."""
    return f"claims/sources/{n}.md"


def record_doc(entity_id: str) -> str:
    """The first page of a source's track record, beside its entity card."""
    return f"entities/{entity_id}/record/index.md"


def doc_url(docs_path: str, directory_urls: bool = True) -> str:
    """The site-root-relative URL MkDocs gives a docs path."""
    stem, ext = posixpath.splitext(docs_path)
    if ext != ".md":
        return docs_path
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def page_file(docs_path: str, directory_urls: bool = True) -> str:
    """The file in ``docs/`` that a generated page is written to: one in the folder of its URL.

    Generated pages link in raw HTML with URLs relative to the page's URL. MkDocs and
    ProperDocs pass such links through as written, while Zensical reads every relative
    link as relative to the *source file* and rewrites it. Both readings agree only
    when the file sits in its URL's folder, so with directory URLs
    ``entities/nvidia.md`` (URL ``entities/nvidia/``) is written as
    ``entities/nvidia/index.md``; with ``.html`` URLs the flat name already does.
    """
    if not directory_urls or not docs_path.endswith(".md"):
        return docs_path
    stem = docs_path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return docs_path
    return stem + "/index.md"


def url_twin(page_file_path: str) -> str | None:
    """The other docs file that MkDocs would build to the same URL (``a/b/index.md`` ↔ ``a/b.md``)."""
    if not page_file_path.endswith(".md") or page_file_path == HOME:
        return None
    if page_file_path.endswith("/index.md"):
        return page_file_path[: -len("/index.md")] + ".md"
    return page_file_path[: -len(".md")] + "/index.md"


class UrlsFrom:
    """Relative URLs from one page, for the many links a page writes.

    The page's folder is split once and each target's URL parts are cached, so a
    link costs a short comparison of path parts (equal to :func:`relative_url`).
    """

    def __init__(self, from_doc: str, directory_urls: bool = True) -> None:
        here = doc_url(from_doc, directory_urls)
        base = here if (here == "" or here.endswith("/")) else posixpath.dirname(here)
        self.base = tuple(part for part in base.split("/") if part)
        self.directory_urls = directory_urls

    def to(self, to_doc: str) -> str:
        parts, is_folder = _url_parts(to_doc, self.directory_urls)
        base = self.base
        common = 0
        limit = min(len(base), len(parts))
        while common < limit and base[common] == parts[common]:
            common += 1
        rel = "../" * (len(base) - common) + "/".join(parts[common:])
        if is_folder:
            if not rel:
                return "./"
            return rel if rel.endswith("/") else rel + "/"
        return rel  # a file: its name is always the last part


@functools.lru_cache(maxsize=1 << 16)
def _url_parts(doc: str, directory_urls: bool) -> tuple[tuple[str, ...], bool]:
    there = doc_url(doc, directory_urls)
    return tuple(part for part in there.split("/") if part), there == "" or there.endswith("/")


def clear_caches() -> None:
    """Forget memoised URL parts (before MkDocs runs, so their memory can be returned)."""
    _url_parts.cache_clear()


def relative_url(from_doc: str, to_doc: str, directory_urls: bool = True) -> str:
    """A relative URL from the page built from ``from_doc`` to ``to_doc`` (or a file)."""
    return UrlsFrom(from_doc, directory_urls).to(to_doc)


def inside(folder: Path, candidate: Path) -> bool:
    """Whether ``candidate`` stays inside ``folder`` once resolved (no ``..`` escapes)."""
    try:
        candidate.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def collision_key(name: str) -> str:
    """Key under which two names collide on a case-insensitive, normalising file system."""
    return unicodedata.normalize("NFC", name).casefold()


def posix(path: Path, root: Path) -> str:
    """A path relative to ``root`` in POSIX form, for messages and manifests."""
    try:
        return PurePosixPath(path.relative_to(root)).as_posix()
    except ValueError:
        return path.as_posix()
