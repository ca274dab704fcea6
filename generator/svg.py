"""Pictures drawn at build time as inline SVG: timelines and entity graphs.

No JavaScript and no external file, so they work offline, in print and from
``file://``.  Layouts depend only on the input (sorted ids, fixed geometry), so
the same corpus always gives the same bytes.

For readers of every kind: each drawing is a labelled group (not an image, whose
children a browser would hide, links included), its links are reachable with the
keyboard, and its figure names the list or table carrying the same facts as text
(``aria-describedby``).  A drawing never shrinks below the width at which its
labels stay readable: a narrower figure scrolls sideways inside itself.
"""

from __future__ import annotations

import datetime
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .fuzzydate import MONTH_NAMES, FuzzyDate
from .markup import attr, text

WIDTH = 680
LABEL_W = 300
ROW_H = 24
AXIS_H = 46
PAD = 8
#: The smallest font size of a drawing's text, in the drawing's units (set by
#: ``docs/stylesheets/briefing.css``), and the smallest size in CSS pixels it may be
#: drawn at: a drawing is never narrower than what keeps that size.
SMALLEST_TEXT = 12
MIN_TEXT_PX = 11
#: A label's width per character, as a share of its font size (generous for sans-serif).
CHAR_WIDTH = 0.6


def _open_svg(kind: str, box: tuple[float, float, float, float], caption: str) -> str:
    """The ``<svg>`` element: a labelled group, at least wide enough for readable text."""
    min_width = math.ceil(box[2] * MIN_TEXT_PX / SMALLEST_TEXT)
    view = " ".join(f"{v:g}" for v in box)
    return (
        f'<svg class="{kind}" viewBox="{view}" width="100%" style="min-width: {min_width}px" '
        f'role="group" aria-label="{attr(caption)}" xmlns="http://www.w3.org/2000/svg">'
    )


@dataclass(frozen=True)
class Mark:
    """One row of a timeline: a date range, a label and where it links."""

    date: FuzzyDate
    label: str
    href: str
    title: str
    #: other reports' dates when the reports disagree: drawn as red outlines on the same row
    disputed: tuple[FuzzyDate, ...] = ()


def _ordinal(day: datetime.date) -> int:
    return day.toordinal()


def _ticks(
    start: datetime.date, end: datetime.date, most: int | None = None
) -> list[tuple[datetime.date, str, str]]:
    """Axis ticks ``(day, label, year label)``: months, quarters or years depending on the span
    (and at most ``most`` of them: a narrow drawing steps over years).

    The year label (on a row of its own above) is set on a year's first tick and on the first tick.
    """
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = 1 if months <= 18 else 3 if months <= 60 else 12
    if most is not None:
        fits = (s for s in (1, 3, 12, 24, 60, 120, 1200) if s >= step and months / s <= most)
        # past a century a tick: whole years, as many as it takes
        step = next(fits, 12 * -(-months // (12 * max(most, 1))))
    ticks: list[tuple[datetime.date, str, str]] = []
    y, m = start.year, start.month
    if step >= 12:
        m = 1
    elif step == 3:
        m = (m - 1) // 3 * 3 + 1
    while (y, m) <= (end.year, end.month):
        day = datetime.date(y, m, 1)
        if day >= start:
            year = str(y) if m == 1 or not ticks else ""
            if step >= 12:
                label, year = str(y), ""
            elif step == 3:
                label = f"Q{(m - 1) // 3 + 1}"
            else:
                label = MONTH_NAMES[m - 1][:3]
            ticks.append((day, label, year))
        m += step
        if m > 12:
            y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    return ticks


def timeline(marks: Sequence[Mark], caption: str) -> str:
    """A Gantt-like SVG: each event a row, drawn over the span its date could mean.

    Exact days are dots; a fuzzy date is a bar over its whole span; approximate
    dates have a dashed outline, uncertain ones are pale with a "?"; an open
    end fades out at the edge.  Two drawings of the same rows: one with the labels
    beside the bars, and one for a phone's width (``bf-timeline-narrow``, shown
    below 600 px by the stylesheet) with each event's date and label above its bar,
    so nothing needs scrolling sideways.
    """
    if not marks:
        return ""
    return _timeline(marks, caption, narrow=False) + _timeline(marks, caption, narrow=True)


#: The phone's drawing: its width in drawing units (at least 330 px, what a 390-px phone
#: leaves for the page's text) and each event's row: its label, then its bar.
NARROW_WIDTH = 360
NARROW_ROW_H = 40
#: Characters of an event's label that fit the narrow drawing's width.
NARROW_LABEL = 46


def _timeline(marks: Sequence[Mark], caption: str, *, narrow: bool) -> str:
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
    width = NARROW_WIDTH if narrow else WIDTH
    row_h = NARROW_ROW_H if narrow else ROW_H
    x0, x1 = (PAD, width - PAD) if narrow else (LABEL_W + PAD, WIDTH - PAD)
    fade = "bf-fade-narrow" if narrow else "bf-fade"

    def x(day: datetime.date) -> float:
        day = min(max(day, low), high)
        return round(x0 + (x1 - x0) * (_ordinal(day) - _ordinal(low)) / span, 1)

    height = AXIS_H + row_h * len(marks) + PAD
    kind = "bf-timeline-svg bf-timeline-narrow" if narrow else "bf-timeline-svg bf-timeline-wide"
    out = [
        _open_svg(kind, (0, 0, width, height), caption),
        f"<title>{text(caption)}</title>",
        f'<defs><linearGradient id="{fade}" x1="0" x2="1" y1="0" y2="0">'
        '<stop offset="0" stop-color="currentColor" stop-opacity="0.55"/>'
        '<stop offset="1" stop-color="currentColor" stop-opacity="0"/></linearGradient></defs>',
    ]
    for day, label, year in _ticks(low, high, most=(x1 - x0) // 34 if narrow else None):
        tx = x(day)
        major = " bf-major" if day.month == 1 else ""
        out.append(
            f'<line class="bf-tick{major}" x1="{tx}" x2="{tx}" y1="{AXIS_H - 8}" y2="{height - PAD}"/>'
            f'<text class="bf-axis" x="{tx + 3}" y="{AXIS_H - 12}">{text(label)}</text>'
        )
        if year:
            out.append(
                f'<text class="bf-axis bf-year" x="{tx + 3}" y="{AXIS_H - 26}">{year}</text>'
            )
    for i, mark in enumerate(marks):
        y = AXIS_H + i * row_h
        d = mark.date
        if narrow:
            words = f"{d.words()}: {mark.label}"
            label = (
                words if len(words) <= NARROW_LABEL else words[: NARROW_LABEL - 1].rstrip() + "…"
            )
            label_y, mid = y + 15.0, y + row_h - 11.0
        else:
            label = mark.label if len(mark.label) <= 44 else mark.label[:43].rstrip() + "…"
            mid = y + row_h / 2
            label_y = mid + 4
        classes = ["bf-mark"]
        if d.approximate:
            classes.append("bf-approx")
        if d.uncertain:
            classes.append("bf-uncertain")
        out.append(
            f'<a href="{attr(mark.href)}" class="{" ".join(classes)}"><title>{text(mark.title)}</title>'
        )
        if i % 2 == 0:
            out.append(f'<rect class="bf-row" x="0" y="{y}" width="{width}" height="{row_h}"/>')
        out.append(f'<text class="bf-label" x="{PAD}" y="{label_y}">{text(label)}</text>')
        start = x(d.latest if d.open_start else d.earliest) if not d.open_start else x0
        end = x1 if d.open_end else x(d.latest)
        if d.is_exact_day or (d.precision == "day" and not d.open_end and not d.open_start):
            out.append(f'<circle class="bf-dot" cx="{start}" cy="{mid}" r="5"/>')
        else:
            bar = max(end - start, 4)
            fill = f' fill="url(#{fade})"' if d.open_end else ""
            out.append(
                f'<rect class="bf-bar" x="{start}" y="{mid - 5}" width="{round(bar, 1)}" height="10" rx="3"{fill}/>'
            )
        if d.uncertain:
            q = min(round(end + 4, 1), width - PAD - 6)
            out.append(f'<text class="bf-q" x="{q}" y="{mid + 4}">?</text>')
        for other in mark.disputed:
            ox0 = x0 if other.open_start else x(other.earliest)
            ox1 = x1 if other.open_end else x(other.latest)
            out.append(
                f'<rect class="bf-disputed" x="{ox0}" y="{mid - 7}" width="{round(max(ox1 - ox0, 4), 1)}" '
                f'height="14" rx="4"/>'
            )
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
    """The whole network, laid out by a force simulation with a fixed start and step count.

    Nodes start on a circle in sorted order and the simulation has no randomness,
    so the same network always gives the same picture.
    """
    ordered = sorted(nodes, key=lambda n: (n.kind, n.label.casefold(), n.id))
    count = len(ordered)
    size = max(520, min(1000, int(70 * math.sqrt(count + 1) + 260)))
    pos = _force_layout([n.id for n in ordered], [(e.a, e.b) for e in edges], size)
    return _draw(size, size, ordered, edges, pos, caption, None)


def _force_layout(
    ids: Sequence[str], links: Sequence[tuple[str, str]], size: int
) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold: linked nodes attract, all nodes repel, the step cools each round."""
    n = len(ids)
    margin = 90.0
    if n == 0:
        return {}
    centre = size / 2
    x = [
        centre + (size / 2 - margin) * math.cos(2 * math.pi * i / n - math.pi / 2) for i in range(n)
    ]
    y = [
        centre + (size / 2 - margin) * math.sin(2 * math.pi * i / n - math.pi / 2) for i in range(n)
    ]
    index = {node: i for i, node in enumerate(ids)}
    pairs = sorted(
        {
            (min(index[a], index[b]), max(index[a], index[b]))
            for a, b in links
            if a in index and b in index and a != b
        }
    )
    k = math.sqrt((size - 2 * margin) ** 2 / n) * 0.8
    step = size / 10
    for _ in range(ROUNDS):
        dx = [0.0] * n
        dy = [0.0] * n
        for i in range(n):
            xi, yi = x[i], y[i]
            for j in range(i + 1, n):
                ddx, ddy = xi - x[j], yi - y[j]
                dist2 = ddx * ddx + ddy * ddy or 0.01
                force = k * k / dist2
                dx[i] += ddx * force
                dy[i] += ddy * force
                dx[j] -= ddx * force
                dy[j] -= ddy * force
        for i, j in pairs:
            ddx, ddy = x[i] - x[j], y[i] - y[j]
            dist = math.sqrt(ddx * ddx + ddy * ddy) or 0.1
            force = dist / k
            dx[i] -= ddx * force
            dy[i] -= ddy * force
            dx[j] += ddx * force
            dy[j] += ddy * force
        for i in range(n):
            # A gentle pull to the middle keeps unlinked nodes from drifting to the edge.
            dx[i] += (centre - x[i]) * 0.02 * k / 10
            dy[i] += (centre - y[i]) * 0.02 * k / 10
            length = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) or 1.0
            move = min(length, step)
            x[i] = min(max(x[i] + dx[i] / length * move, margin), size - margin)
            y[i] = min(max(y[i] + dy[i] / length * move, margin / 2), size - margin / 2)
        step *= 0.93
    return {node: (round(x[i], 1), round(y[i], 1)) for node, i in index.items()}


ROUNDS = 120


def _draw(
    w: int,
    h: int,
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    pos: dict[str, tuple[float, float]],
    caption: str,
    centre: str | None,
) -> str:
    out: list[str] = []
    for e in edges:
        if e.a not in pos or e.b not in pos:
            continue
        (ax, ay), (bx, by) = pos[e.a], pos[e.b]
        cls = "bf-edge bf-comention" if e.mentioned else "bf-edge"
        out.append(
            f'<line class="{cls}" x1="{ax}" y1="{ay}" x2="{bx}" y2="{by}"><title>{text(e.label)}</title></line>'
        )
    mid_x, mid_y = w / 2, h / 2
    # The drawing's box grows to take in every label, which may reach past the edge.
    left, top, right, bottom = 0.0, 0.0, float(w), float(h)
    placed: list[tuple[float, float, float, float]] = []
    for n in nodes:
        nx, ny = pos[n.id]
        r = 11 if n.id == centre else 7
        label = n.label if len(n.label) <= 24 else n.label[:23] + "…"
        anchor, lx, ly, box = _place_label(label, nx, ny, r, (mid_x, mid_y), n.id == centre, placed)
        placed.append(box)
        left, right = min(left, box[0] - PAD), max(right, box[2] + PAD)
        top, bottom = min(top, box[1] - PAD), max(bottom, box[3] + PAD)
        out.append(
            f'<a href="{attr(n.href)}" class="bf-node bf-kind-{attr(n.kind)}"><title>{text(n.label)}</title>'
            f'<circle cx="{nx}" cy="{ny}" r="{r}"/>'
            f'<text x="{round(lx, 1)}" y="{round(ly, 1)}" text-anchor="{anchor}">{text(label)}</text></a>'
        )
    out.append("</svg>")
    box = (round(left, 1), round(top, 1), round(right - left, 1), round(bottom - top, 1))
    return (
        _open_svg("bf-graph-svg", box, caption) + f"<title>{text(caption)}</title>" + "".join(out)
    )


def text_width(label: str, size: float = SMALLEST_TEXT) -> float:
    """A generous estimate of a label's width: wide (CJK) characters take a whole em,
    capitals and the widest letters most of one, the rest :data:`CHAR_WIDTH`."""
    em = 0.0
    for ch in label:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            em += 1.0
        elif ch in "MWmw@%" or ch.isupper():
            em += 0.8
        elif ch == " ":
            em += 0.35
        else:
            em += CHAR_WIDTH
    return em * size


Box = tuple[float, float, float, float]


def _label_box(label: str, anchor: str, lx: float, ly: float) -> Box:
    """The box a label drawn at ``(lx, ly)`` (its baseline) covers, with a little room."""
    width = text_width(label)
    start = lx - width if anchor == "end" else lx - width / 2 if anchor == "middle" else lx
    return (start - 2, ly - SMALLEST_TEXT - 1, start + width + 2, ly + 4)


def _apart(a: Box, b: Box) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def _place_label(
    label: str,
    nx: float,
    ny: float,
    r: float,
    middle: tuple[float, float],
    central: bool,
    placed: Sequence[Box],
) -> tuple[str, float, float, Box]:
    """Where a node's label goes: away from the middle if that is free, else beside, above
    or below the node, else moved further away a row at a time, so that no two labels
    of a drawing overlap."""
    dx, dy = nx - middle[0], ny - middle[1]
    dist = math.hypot(dx, dy) or 1.0
    above = (ny - r - 6) if dy < 0 else None
    sides = [
        ("start", nx + r + 5, ny + 4),
        ("end", nx - r - 5, ny + 4),
        ("middle", nx, ny - r - 6),
        ("middle", nx, ny + r + 14),
    ]
    if central or abs(dx) / dist < 0.35:
        first = ("middle", nx, above if above is not None else ny + r + 14)
    else:
        first = sides[0] if dx > 0 else sides[1]
    tries = [first, *(s for s in sides if s != first)]
    row = SMALLEST_TEXT + 5  # a label's box is at most this high
    # Further off, a row at a time, on the side away from the middle: a placed box blocks
    # at most two rows of one position, so one of these is free.
    for step in range(1, 2 * len(placed) + 3):
        away = step * row if dy >= 0 else -step * row
        tries += [(a, x, y + away) for a, x, y in (first, *sides)]
    for anchor, lx, ly in tries:
        box = _label_box(label, anchor, lx, ly)
        if all(_apart(box, other) for other in placed):
            return anchor, lx, ly, box
    raise AssertionError("no free place for a label")  # pragma: no cover - see above


def figure(svg: str, caption: str, described_by: str) -> str:
    """Wrap a drawing as a raw HTML block that Markdown leaves alone.

    ``described_by`` is the ids (space-separated) of the lists or tables on the page
    that carry the drawing's facts as text: its text alternative.
    """
    if not svg:
        return ""
    return (
        f'<figure class="bf-figure" aria-describedby="{attr(described_by)}" data-search-exclude>'
        f"{svg}<figcaption>{text(caption)}</figcaption></figure>"
    )


Href = Callable[[str], str]
