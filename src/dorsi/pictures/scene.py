"""Drawing primitives shared by the SVG and PNG renderers.

A :class:`Scene` is a flat list of primitives on a canvas whose unit is one centimetre of the
world and whose y axis points down (as on a screen). Renderers only scale it. Each primitive
carries a ``role`` (ghost, body, far, highlight, prop, arrow, label, ...) and the ``part`` it
draws, so tests and the SVG's ``data-part`` attributes can find it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

Point = tuple[float, float]

# One palette, chosen to read in black-and-white print: the moving part prints darkest, the
# body mid grey, the other leg and the props lighter, and the start pose lightest and dashed.
INK = "#1a1a1a"
BODY = "#767676"
FAR = "#b8b8b8"
HIGHLIGHT = "#0b4a8b"
ARROW = "#b03a12"
GHOST_FILL = "#e4e4e4"
GHOST_LINE = "#5c5c5c"
PROP_LINE = "#8a8a8a"
PROP_FILL = "#f3f3f3"
PAPER = "#ffffff"

GHOST_DASH = (2.2, 1.6)


@dataclass(frozen=True)
class Line:
    """A round-capped polyline."""

    points: tuple[Point, ...]
    width: float
    color: str
    dash: tuple[float, ...] | None = None
    role: str = ""
    part: str = ""


@dataclass(frozen=True)
class Poly:
    """A closed polygon with optional fill and outline."""

    points: tuple[Point, ...]
    fill: str | None
    stroke: str | None = None
    stroke_width: float = 0.0
    dash: tuple[float, ...] | None = None
    role: str = ""
    part: str = ""


@dataclass(frozen=True)
class Circle:
    center: Point
    radius: float
    fill: str | None
    stroke: str | None = None
    stroke_width: float = 0.0
    dash: tuple[float, ...] | None = None
    role: str = ""
    part: str = ""


@dataclass(frozen=True)
class Arrow:
    """A line with a filled head at its end (and at its start when ``both_ways``)."""

    points: tuple[Point, ...]
    width: float
    color: str
    both_ways: bool = False
    role: str = "arrow"
    part: str = ""

    def heads(self) -> tuple[tuple[Point, ...], ...]:
        """The head triangles, tip first."""
        heads = [arrow_head(self.points, self.width)]
        if self.both_ways:
            heads.append(arrow_head(tuple(reversed(self.points)), self.width))
        return tuple(heads)

    def shaft(self) -> tuple[Point, ...]:
        """The line without the part covered by the head(s), so no line pokes past a tip."""
        points = _trim_end(self.points, head_length(self.width) * 0.8)
        if self.both_ways:
            points = tuple(
                reversed(_trim_end(tuple(reversed(points)), head_length(self.width) * 0.8))
            )
        return points


@dataclass(frozen=True)
class Text:
    """Text whose baseline is centred (``anchor='middle'``) or starts/ends at ``position``."""

    position: Point
    text: str
    size: float
    color: str = INK
    anchor: str = "middle"
    bold: bool = False
    role: str = "label"
    part: str = ""


@dataclass(frozen=True)
class Group:
    """Primitives clipped to a circle (a close-up), with a frame drawn round it."""

    center: Point
    radius: float
    items: tuple[Primitive, ...]
    role: str = "zoom"
    part: str = ""


Primitive = Line | Poly | Circle | Arrow | Text | Group


@dataclass(frozen=True)
class Scene:
    """What to draw: a canvas ``width`` x ``height`` (cm) and its primitives, back to front."""

    width: float
    height: float
    items: tuple[Primitive, ...]
    title: str
    description: str
    meta: dict[str, str] = field(default_factory=dict)


def head_length(width: float) -> float:
    return width * 3.6


def arrow_head(points: tuple[Point, ...], width: float) -> tuple[Point, Point, Point]:
    """Triangle (tip, left, right) at the last point of ``points``, along the last direction."""
    tip = points[-1]
    back = _point_back_along(points, head_length(width))
    dx, dy = tip[0] - back[0], tip[1] - back[1]
    norm = math.hypot(dx, dy) or 1.0
    ux, uy = dx / norm, dy / norm
    half = width * 1.9
    base = (tip[0] - ux * head_length(width), tip[1] - uy * head_length(width))
    return (
        tip,
        (base[0] - uy * half, base[1] + ux * half),
        (base[0] + uy * half, base[1] - ux * half),
    )


def _point_back_along(points: tuple[Point, ...], distance: float) -> Point:
    remaining = distance
    for a, b in zip(reversed(points[1:]), reversed(points[:-1]), strict=True):
        seg = math.dist(a, b)
        if seg >= remaining and seg > 0:
            t = remaining / seg
            return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
        remaining -= seg
    return points[0]


def _trim_end(points: tuple[Point, ...], distance: float) -> tuple[Point, ...]:
    remaining = distance
    pts = list(points)
    while len(pts) >= 2:
        seg = math.dist(pts[-2], pts[-1])
        if seg > remaining:
            a, b = pts[-2], pts[-1]
            t = (seg - remaining) / seg
            pts[-1] = (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
            return tuple(pts)
        remaining -= seg
        pts.pop()
    return tuple(pts)


def bounds(item: Primitive) -> tuple[float, float, float, float]:
    """(min x, min y, max x, max y) of a primitive, line widths and text size included."""
    if isinstance(item, Line | Arrow):
        pad = item.width * (2.0 if isinstance(item, Arrow) else 0.5)
        xs = [p[0] for p in item.points]
        ys = [p[1] for p in item.points]
        return (min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)
    if isinstance(item, Poly):
        pad = item.stroke_width / 2
        xs = [p[0] for p in item.points]
        ys = [p[1] for p in item.points]
        return (min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)
    if isinstance(item, Circle | Group):
        r = item.radius + (item.stroke_width / 2 if isinstance(item, Circle) else 0.6)
        return (item.center[0] - r, item.center[1] - r, item.center[0] + r, item.center[1] + r)
    width = text_width(item.text, item.size)
    x, y = item.position
    left = {"start": x, "middle": x - width / 2, "end": x - width}[item.anchor]
    return (left, y - item.size * 0.8, left + width, y + item.size * 0.25)


def text_width(text: str, size: float) -> float:
    """A generous estimate of the width of ``text`` in a sans-serif font of ``size``."""
    return len(text) * size * 0.56
