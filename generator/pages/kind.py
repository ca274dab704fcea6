"""The shape every page kind has: what a kind declares, and a step of whole-project pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import Corpus
from .context import Context, Pages

if TYPE_CHECKING:
    from .reads import Reads, Row


@dataclass(frozen=True)
class Step:
    """Whole-project pages made in one go: the two processes of a build share these out."""

    make: Callable[[], Pages]
    #: how much work it is, roughly (1 small … 5 the largest): the largest steps are put at
    #: both ends of the list, from which the two processes take steps
    weight: int = 1
    #: what the progress line says when it starts
    stage: str | None = None


def _no_units(corpus: Corpus) -> Iterable[str]:
    return ()


def _no_steps(ctx: Context) -> list[Step]:
    return []


@dataclass(frozen=True)
class Kind:
    """One kind of generated page, declared in one module of :mod:`generator.pages`.

    A kind has **units** (one per record: a briefing's page, an entity card, a tag
    page; each with any numbered list pages it links to), rendered again only when
    the digests of what they read change, and/or **whole-project steps** (home, the
    indexes, the timeline, the data files), rendered on every build.
    """

    #: the unit's name in the render memo and in ``briefing explain`` (``briefing``)
    name: str
    #: the docs paths it writes (folders end in ``/``): the ignore list and ``explain``
    generated: tuple[str, ...]
    #: the names of its units (slugs, ids, tags)
    units: Callable[[Corpus], Iterable[str]] = _no_units
    #: one unit's pages
    render: Callable[[Context, str], Pages] | None = None
    #: what one unit reads (:mod:`.reads`); its key is their hash
    reads: Callable[[Reads, str], list[Row]] | None = None
    #: its whole-project steps
    steps: Callable[[Context], list[Step]] = field(default=_no_steps)
    #: ``briefing explain``'s example of a unit's page (``briefings/SLUG``)
    example: str = ""
