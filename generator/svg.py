"""Pictures drawn at build time as inline SVG: timelines and entity graphs.

No JavaScript and no external file, so they work offline, in print and from
``file://``.  Layouts depend only on the input (sorted ids, fixed geometry), so
the same corpus always gives the same bytes.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .fuzzydate import MONTH_NAMES, FuzzyDate
from .markup import attr, text

WIDTH = 760
LABEL_W = 300
ROW_H = 24
AXIS_H = 34
PAD = 8


@dataclass(frozen=True)
class Mark:
    """One row of a timeline: a date range, a label and where it links."""

    date: FuzzyDate
    label: str
    href: str
    title: str


def _ordinal(day: datetime.date) -> int:
    return day.toordinal()


def _ticks(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str, bool]]:
    """Axis ticks ``(day, label, major)``: months, quarters or years depending on the span."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = 1 if months <= 18 else 3 if months <= 60 else 12
    ticks: list[tuple[datetime.date, str, bool]] = []
    y, m = start.year, start.month
    if step == 12:
        m = 1
    elif step == 3:
        m = (m - 1) // 3 * 3 + 1
    while (y, m) <= (end.year, end.month):
        day = datetime.date(y, m, 1)
        if day >= start:
            major = m == 1
            if step == 12:
                label = str(y)
            elif step == 3:
                label = f"Q{(m - 1) // 3 + 1}" + (f" {y}" if m == 1 else "")
            else:
                label = MONTH_NAMES[m - 1][:3] + (f" {y}" if m == 1 or not ticks else "")
            ticks.append((day, label, major))
        m += step
        if m > 12:
            y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    return ticks


def timeline(marks: Sequence[Mark], caption: str) -> str:
    """A Gantt-like SVG: each event a row, drawn over the span its date could mean.

    Exact days are dots; a fuzzy date is a bar over its whole span; approximate
    dates have a dashed outline, uncertain ones are pale with a "?"; an open
    end fades out at the edge.
    """
    if not marks:
        return ""
    bounded = [m.date for m in marks]
    lows = [d.earliest for d in bounded if not d.open_start]
    highs = [d.latest for d in bounded if not d.open_end]
    low = min(lows or [d.latest for d in bounded])
    high = max(highs or [d.earliest for d in bounded])
    low = datetime.date(low.year, low.month, 1)
    high = datetime.date(
        high.year + (high.month == 12), high.month % 12 + 1, 1
    ) - datetime.timedelta(days=1)
    span = max(_ordinal(high) - _ordinal(low) + 1, 28)
    x0, x1 = LABEL_W + PAD, WIDTH - PAD

    def x(day: datetime.date) -> float:
        day = min(max(day, low), high)
        return round(x0 + (x1 - x0) * (_ordinal(day) - _ordinal(low)) / span, 1)

    height = AXIS_H + ROW_H * len(marks) + PAD
    out = [
        f'<svg class="bf-timeline-svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{attr(caption)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{text(caption)}</title>",
        '<defs><linearGradient id="bf-fade" x1="0" x2="1" y1="0" y2="0">'
        '<stop offset="0" stop-color="currentColor" stop-opacity="0.55"/>'
        '<stop offset="1" stop-color="currentColor" stop-opacity="0"/></linearGradient></defs>',
    ]
    for day, label, major in _ticks(low, high):
        tx = x(day)
        out.append(
            f'<line class="bf-tick{" bf-major" if major else ""}" x1="{tx}" x2="{tx}" y1="{AXIS_H - 8}" '
            f'y2="{height - PAD}"/><text class="bf-axis" x="{tx + 3}" y="{AXIS_H - 14}">{text(label)}</text>'
        )
    for i, mark in enumerate(marks):
        y = AXIS_H + i * ROW_H
        mid = y + ROW_H / 2
        d = mark.date
        label = mark.label if len(mark.label) <= 44 else mark.label[:43].rstrip() + "…"
        classes = ["bf-mark"]
        if d.approximate:
            classes.append("bf-approx")
        if d.uncertain:
            classes.append("bf-uncertain")
        out.append(
            f'<a href="{attr(mark.href)}" class="{" ".join(classes)}"><title>{text(mark.title)}</title>'
        )
        if i % 2 == 0:
            out.append(f'<rect class="bf-row" x="0" y="{y}" width="{WIDTH}" height="{ROW_H}"/>')
        out.append(f'<text class="bf-label" x="{PAD}" y="{mid + 4}">{text(label)}</text>')
        start = x(d.latest if d.open_start else d.earliest) if not d.open_start else x0
        end = x1 if d.open_end else x(d.latest)
        if d.is_exact_day or (d.precision == "day" and not d.open_end and not d.open_start):
            out.append(f'<circle class="bf-dot" cx="{start}" cy="{mid}" r="5"/>')
        else:
            width = max(end - start, 4)
            fill = ' fill="url(#bf-fade)"' if d.open_end else ""
            out.append(
                f'<rect class="bf-bar" x="{start}" y="{mid - 5}" width="{round(width, 1)}" height="10" rx="3"{fill}/>'
            )
        if d.uncertain:
            out.append(f'<text class="bf-q" x="{round(end + 4, 1)}" y="{mid + 4}">?</text>')
        out.append("</a>")
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str
    href: str


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    label: str
    mentioned: bool  # a co-mention rather than a typed relation


def neighbourhood(centre: Node, nodes: Sequence[Node], edges: Sequence[Edge], caption: str) -> str:
    """The entity in the middle, its neighbours on a circle in a fixed order."""
    size = 520
    cx = cy = size / 2
    radius = 185 if len(nodes) > 1 else 0
    pos: dict[str, tuple[float, float]] = {centre.id: (cx, cy)}
    for i, node in enumerate(nodes):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(nodes), 1)
        pos[node.id] = (
            round(cx + radius * math.cos(angle), 1),
            round(cy + radius * math.sin(angle), 1),
        )
    return _draw(size, size, [centre, *nodes], edges, pos, caption, centre.id)


def network(nodes: Sequence[Node], edges: Sequence[Edge], caption: str) -> str:
    """The whole network: entities on concentric rings by type, in a fixed order."""
    kinds = sorted({n.kind for n in nodes})
    count = len(nodes)
    size = max(560, min(1400, int(90 * math.sqrt(count + 1) + 200)))
    cx = cy = size / 2
    pos: dict[str, tuple[float, float]] = {}
    ordered = sorted(nodes, key=lambda n: (kinds.index(n.kind), n.label.casefold(), n.id))
    for i, node in enumerate(ordered):
        angle = -math.pi / 2 + 2 * math.pi * i / max(count, 1)
        ring = size / 2 - 70 - (i % 2) * 40
        pos[node.id] = (
            round(cx + ring * math.cos(angle), 1),
            round(cy + ring * math.sin(angle), 1),
        )
    return _draw(size, size, ordered, edges, pos, caption, None)


def _draw(
    w: int,
    h: int,
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    pos: dict[str, tuple[float, float]],
    caption: str,
    centre: str | None,
) -> str:
    out = [
        f'<svg class="bf-graph-svg" viewBox="0 0 {w} {h}" width="100%" role="img" '
        f'aria-label="{attr(caption)}" xmlns="http://www.w3.org/2000/svg"><title>{text(caption)}</title>'
    ]
    for e in edges:
        if e.a not in pos or e.b not in pos:
            continue
        (ax, ay), (bx, by) = pos[e.a], pos[e.b]
        cls = "bf-edge bf-comention" if e.mentioned else "bf-edge"
        out.append(
            f'<line class="{cls}" x1="{ax}" y1="{ay}" x2="{bx}" y2="{by}"><title>{text(e.label)}</title></line>'
        )
    mid_x, mid_y = w / 2, h / 2
    for n in nodes:
        nx, ny = pos[n.id]
        r = 11 if n.id == centre else 7
        label = n.label if len(n.label) <= 24 else n.label[:23] + "…"
        # Labels point away from the middle so that neighbours' labels do not collide.
        dx, dy = nx - mid_x, ny - mid_y
        dist = math.hypot(dx, dy) or 1.0
        if n.id == centre or abs(dx) / dist < 0.35:
            anchor, lx, ly = "middle", nx, (ny - r - 6 if dy < 0 else ny + r + 14)
        elif dx > 0:
            anchor, lx, ly = "start", nx + r + 5, ny + 4
        else:
            anchor, lx, ly = "end", nx - r - 5, ny + 4
        out.append(
            f'<a href="{attr(n.href)}" class="bf-node bf-kind-{attr(n.kind)}"><title>{text(n.label)}</title>'
            f'<circle cx="{nx}" cy="{ny}" r="{r}"/>'
            f'<text x="{round(lx, 1)}" y="{round(ly, 1)}" text-anchor="{anchor}">{text(label)}</text></a>'
        )
    out.append("</svg>")
    return "".join(out)


def figure(svg: str, caption: str) -> str:
    """Wrap a drawing as a raw HTML block that Markdown leaves alone."""
    if not svg:
        return ""
    return f'<figure class="bf-figure">{svg}<figcaption>{text(caption)}</figcaption></figure>'


Href = Callable[[str], str]
