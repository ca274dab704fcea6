"""The browse page: search and facets, which run in the reader's browser (``search.js``,
see :mod:`generator.search`), and the names files that put an entity's card first.

A query that is an entity's name, one of its aliases or its id shows the card above
the ranked results ("best match"), however many briefings mention the entity: the
ranking alone put a much-mentioned entity's card below the hundreds of pages that
name it.  The names are split into :data:`NAME_BUCKETS` small files by a sum of the
key's code points, so a query downloads one of them (search.js works out the same
bucket).
"""

from __future__ import annotations

import json
import unicodedata

from .. import paths
from ..model import Corpus
from .context import Context, Pages
from .kind import Kind, Step

#: Files the names are split into.
NAME_BUCKETS = 256
NAMES_FOLDER = "explore/names"


def explore(ctx: Context) -> Pages:
    return {paths.EXPLORE_INDEX: ctx.render("explore.md.j2", paths.EXPLORE_INDEX)}


def name_key(text: str) -> str:
    """A name as a query is compared with it: NFKC, lower case, single spaces (search.js
    does the same)."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def bucket(key: str) -> int:
    """Which names file holds ``key`` (search.js works it out the same way)."""
    return sum(ord(c) for c in key) % NAME_BUCKETS


def names(corpus: Corpus, directory_urls: bool) -> Pages:
    """``explore/names/<n>.json``: name, alias or id → the cards it names, each as
    ``[URL from the site's root, name, type]``."""
    found: list[dict[str, list[list[str]]]] = [{} for _ in range(NAME_BUCKETS)]
    for e in corpus.entities.values():
        card = [paths.doc_url(paths.entity_doc(e.id), directory_urls), e.name, e.type]
        for key in dict.fromkeys(name_key(k) for k in (e.name, *e.aliases, e.id)):
            if key:
                found[bucket(key)].setdefault(key, []).append(card)
    return {
        f"{NAMES_FOLDER}/{n}.json": json.dumps(entries, ensure_ascii=False, sort_keys=True)
        for n, entries in enumerate(found)
    }


def steps(ctx: Context) -> list[Step]:
    return [
        Step(lambda: explore(ctx), weight=0),
        Step(lambda: names(ctx.corpus, ctx.site.directory_urls), weight=1),
    ]


KIND = Kind(name="explore", generated=("explore/",), steps=steps)
