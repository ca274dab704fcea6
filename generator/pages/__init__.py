"""Every kind of generated page, one module each, and the one list of them.

Each module of this package declares a :class:`~.kind.Kind`: its units (a page
per briefing, entity or tag, with the numbered list pages it links to), how a
unit renders, what a unit reads (:mod:`.reads`: its cache key), its
whole-project pages (home, indexes, timeline, data files) and the docs paths it
writes.  The renderer (:func:`render_all`), the incremental engine
(:mod:`generator.incremental`), ``briefing explain`` and the ignore list all walk
:data:`KINDS`, so a new kind of page is a new module here, its templates, and one
line below.

Renderers are pure: the model in, ``{docs path: Markdown}`` out; nothing here
touches the disk or MkDocs.
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import Corpus
from ..progress import SILENT, Progress
from ..settings import SiteInfo
from ..write import MANIFEST
from . import briefings, claims, data, entities, explore, home, tags, timeline
from .context import Context, Pages
from .kind import Kind, Step
from .reads import Reads, Row

#: Every kind of generated page. Units are rendered (and listed in the render memo) in
#: this order.
KINDS: tuple[Kind, ...] = (
    briefings.KIND,
    entities.KIND,
    tags.KIND,
    timeline.KIND,
    claims.KIND,
    home.KIND,
    explore.KIND,
    data.KIND,
)

#: A unit of pages: (kind name, unit name), e.g. ``("briefing", slug)``.
Unit = tuple[str, str]

#: At most this many whole-project steps (:func:`steps`): a first build numbers its unit
#: chunks after them.
MAX_STEPS = 64

_BY_NAME = {k.name: k for k in KINDS}


def kind(name: str) -> Kind:
    """The kind called ``name`` (a unit's first part)."""
    return _BY_NAME[name]


def units(corpus: Corpus) -> list[Unit]:
    """Every unit of the project, kind by kind."""
    return [(k.name, name) for k in KINDS if k.render is not None for name in k.units(corpus)]


def render_unit(ctx: Context, unit: Unit) -> Pages:
    """The pages of one unit (a page and any numbered list pages it links to)."""
    render = _BY_NAME[unit[0]].render
    assert render is not None
    return render(ctx, unit[1])


def unit_reads(reads: Reads, unit: Unit) -> list[Row]:
    """What one unit reads: its key is their hash (see :mod:`generator.incremental`)."""
    declared = _BY_NAME[unit[0]].reads
    assert declared is not None
    return declared(reads, unit[1])


def steps(ctx: Context) -> list[Step]:
    """Every whole-project step, the largest at both ends and the smallest in the middle:
    the two processes of an incremental build take steps from opposite ends, so the
    last step either takes is a short one and they finish together."""
    found = [step for k in KINDS for step in k.steps(ctx)]
    order = sorted(range(len(found)), key=lambda i: -found[i].weight)  # stable: kinds' order
    front = [found[i] for i in order[0::2]]
    back = [found[i] for i in order[1::2]]
    arranged = front + back[::-1]
    assert len(arranged) <= MAX_STEPS
    return arranged


def whole_project_pages(
    ctx: Context,
    progress: Progress = SILENT,
    take: Callable[[int], bool] | None = None,
    backwards: bool = False,
) -> Pages:
    """The pages that read the whole project (rendered on every build).

    With ``take``, only the steps it grants (by number), tried in order or
    ``backwards``: an incremental build renders them on both cores, each process
    taking the next step not taken yet from its own end (:func:`incremental.render`).
    """
    numbered = list(enumerate(steps(ctx)))
    if backwards:
        numbered.reverse()
    out: Pages = {}
    for n, step in numbered:
        if take is not None and not take(n):
            continue
        if step.stage:
            progress.stage(step.stage)
        out.update(step.make())
    return out


def render_all(ctx: Context, progress: Progress = SILENT) -> Pages:
    """Every generated page, keyed by docs path (a build without a render memo to reuse
    from: the offline bundle, ``briefing generate``)."""
    out: Pages = {}
    all_units = units(ctx.corpus)
    label = "rendering briefings, entity cards and tags"
    for done, unit in enumerate(all_units, 1):
        out.update(render_unit(ctx, unit))
        progress.update(done, len(all_units), label)
    out.update(whole_project_pages(ctx, progress))
    return out


def generated_paths() -> list[str]:
    """Every docs path the kinds write, folders ending in ``/``, and the manifest that
    lists the files written (:data:`write.MANIFEST`)."""
    return sorted({MANIFEST, *(path for k in KINDS for path in k.generated)})


def ignore_lines(docs: str = "docs") -> list[str]:
    """The ``.gitignore`` lines that keep generated files out of a project's history
    (``docs`` is the docs folder relative to the project's root)."""
    return [f"/{docs.strip('/')}/{path}" for path in generated_paths()]


__all__ = [
    "KINDS",
    "MAX_STEPS",
    "Context",
    "Kind",
    "Pages",
    "Reads",
    "Row",
    "SiteInfo",
    "Step",
    "Unit",
    "generated_paths",
    "ignore_lines",
    "kind",
    "render_all",
    "render_unit",
    "steps",
    "unit_reads",
    "units",
    "whole_project_pages",
]
