"""``briefing import``: real articles (plain text, saved web pages, feeds) → draft seeds.

A small pipeline, one module per step, each tested on its own:

``read`` (text, HTML, feeds, URLs → :class:`~.read.Article`) → ``sentences`` (split where a
sentence ends, not after "U.S.") → ``dates`` (publication date, relative date phrases) →
``entities`` (registry names and aliases; new-entity candidates with a guessed type) →
``attributions`` (who says what; references and anonymous sources resolved) →
``proposals`` (claims, quotes, events) → ``draft`` (front-matter with a comment on every
proposal, checked against the schema) — run by ``command`` over files, folders and URLs.

Everything is proposed, never invented: the seed is written as a draft for an analyst to
review, and an existing file is never overwritten.
"""

from __future__ import annotations

from .command import BadOption, Imported, Importer, Outcome, import_article
from .dates import Dateline, DatePhrase, find_dateline, relative_dates
from .read import MissingDependency
from .text import ImportFailed

__all__ = [
    "BadOption",
    "DatePhrase",
    "Dateline",
    "ImportFailed",
    "Imported",
    "Importer",
    "MissingDependency",
    "Outcome",
    "find_dateline",
    "import_article",
    "relative_dates",
]
