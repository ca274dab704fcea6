"""Earlier claims an imported claim may be later word on (claim threads, SPEC §2.1).

An analyst follows a report from "reported" to "confirmed" or "denied" by writing
``updates: <id>`` on the later claim.  The importer cannot know that two sentences are
about the same thing, but it can notice when a new claim reads much like an earlier one
and say so in the draft, as a comment: the analyst decides.  Nothing is set silently and
no existing seed is touched; where the earlier claim has no id yet, the comment says
which id to give it and where.

Similarity is rapidfuzz's token-set ratio (word order and extra words matter little, so
"Nvidia confirmed it asked suppliers to halt H20 work" is close to "Nvidia asked its
suppliers to halt work on the H20").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from ..load import SeedFile
from ..paths import MAX_SLUG_LENGTH, suggest_slug
from .text import one_line, truncate

#: The lowest token-set ratio (0-100) at which a claim is said to read like an earlier one.
MIN_SCORE = 70
#: Words of an earlier claim's text that make the id the comment proposes for it.
ID_WORDS = 6
#: Claims that say nothing about the matter ("did not respond to a request for comment")
#: read alike across every article: they are neither matched nor suggested.
SKIPPED_STATUSES = frozenset({"no-comment"})


@dataclass(frozen=True)
class EarlierClaim:
    """A claim of an existing seed, with where it is written."""

    text: str
    id: str | None
    rel: str
    line: int
    date: datetime.date


class EarlierClaims:
    """The project's claims, searched for one that a new claim may update."""

    def __init__(self, seeds: list[SeedFile]) -> None:
        self.claims: list[EarlierClaim] = []
        self.ids: set[str] = set()
        for seed in sorted(seeds, key=lambda s: s.slug):
            for i, c in enumerate(seed.data.claims):
                if c.id:
                    self.ids.add(c.id)
                if c.status in SKIPPED_STATUSES:
                    continue
                line = seed.lines.line_of(("claims", i, "text"))
                self.claims.append(EarlierClaim(c.text, c.id, seed.rel, line, seed.data.date))
        #: ids proposed in this run, so that two drafts never propose the same new id
        self.proposed: dict[tuple[str, int], str] = {}

    def closest(self, text: str, published: datetime.date) -> EarlierClaim | None:
        """The earlier claim (from a seed dated no later) that reads most like ``text``."""
        earlier = [c for c in self.claims if c.date <= published]
        if not earlier:
            return None
        found = process.extractOne(
            text,
            [c.text for c in earlier],
            scorer=fuzz.token_set_ratio,
            processor=utils.default_process,
            score_cutoff=MIN_SCORE,
        )
        return earlier[found[2]] if found else None

    def suggestion(self, text: str, status: str, published: datetime.date) -> list[str]:
        """Comment lines for a proposed claim: ``updates: <id>`` and the earlier text, or
        nothing when no earlier claim reads like it."""
        if status in SKIPPED_STATUSES:
            return []
        found = self.closest(text, published)
        if found is None:
            return []
        where = f"{found.rel}:{found.line}"
        quoted = truncate(one_line(found.text), 160)
        lines = [f'later word on an earlier claim? {where} says: "{quoted}"']
        if found.id:
            claim_id = found.id
        else:
            claim_id = self._new_id(found)
            lines.append(f"that claim has no id yet: add `id: {claim_id}` to it at {where}")
        lines.append('if so, remove the "# " before updates:')
        lines.append(f"updates: {claim_id}")
        return lines

    def _new_id(self, claim: EarlierClaim) -> str:
        """An id for an earlier claim, from its first words, used by no other claim."""
        key = (claim.rel, claim.line)
        if key in self.proposed:
            return self.proposed[key]
        words = suggest_slug(claim.text).split("-")[:ID_WORDS]
        base = "-".join(words)[: MAX_SLUG_LENGTH - 4].strip("-") or "claim"
        candidate, n = base, 2
        while candidate in self.ids:
            candidate, n = f"{base}-{n}", n + 1
        self.ids.add(candidate)
        self.proposed[key] = candidate
        return candidate
