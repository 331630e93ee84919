"""PNG output with Pillow's ImageDraw, from the same scene as the SVG.

Drawn at three times the size and scaled down, which smooths the edges (ImageDraw itself does
not anti-alias). Pillow is imported only here, when a PNG is asked for.
"""

from __future__ import annotations

import importlib.util
import io
import itertools
import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dorsi.errors import MissingExtraError
from dorsi.pictures.scene import (
    PAPER,
    Arrow,
    Circle,
    Group,
    Line,
    Poly,
    Primitive,
    Scene,
    Text,
)

if TYPE_CHECKING:
    from PIL import ImageDraw

SUPERSAMPLE = 3
Point = tuple[float, float]
Dash = tuple[float, ...] | None


@cache
def font_file(bold: bool) -> str | None:
    """Bitstream Vera (bold or regular), shipped with ReportLab (the documents extra): it has
    the letters of Spanish (é, ñ, ¿) that Pillow's built-in font draws as empty boxes. Found
    without importing ReportLab; ``None`` without it (the built-in font is used)."""
    spec = importlib.util.find_spec("reportlab")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "fonts" / ("VeraBd.ttf" if bold else "Vera.ttf")
    return str(path) if path.is_file() else None


def pillow() -> Any:
    """Pillow's ``(Image, ImageDraw, ImageFont)``: the one place Pillow is imported (it is
    heavy, and most commands draw no PNG)."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:  # pragma: no cover - Pillow is a core dependency
        raise MissingExtraError(
            "PNG pictures need Pillow; install it with: pip install 'Pillow>=10.1'"
        ) from None
    return Image, ImageDraw, ImageFont


class _Painter:
    def __init__(self, draw: ImageDraw.ImageDraw, scale: float, fonts: Any) -> None:
        self.draw = draw
        self.scale = scale
        self.fonts = fonts

    def p(self, point: Point) -> Point:
        return (point[0] * self.scale, point[1] * self.scale)

    def stroke(self, points: Sequence[Point], width: float, color: str, dash: Dash = None) -> None:
        pts = [self.p(q) for q in points]
        w = max(1.0, width * self.scale)
        runs = [pts] if not dash else _dashes(pts, [d * self.scale for d in dash])
        for run in runs:
            if len(run) < 2:
                continue
            self.draw.line(run, fill=color, width=round(w), joint="curve")
            r = w / 2  # round caps and joins
            for x, y in run:
                self.draw.ellipse((x - r, y - r, x + r, y + r), fill=color)

    def item(self, item: Primitive, image: Any) -> None:
        if isinstance(item, Line):
            self.stroke(item.points, item.width, item.color, item.dash)
        elif isinstance(item, Arrow):
            self.stroke(item.shaft(), item.width, item.color)
            for head in item.heads():
                self.draw.polygon([self.p(q) for q in head], fill=item.color)
                self.stroke((*head, head[0]), item.width * 0.5, item.color)
        elif isinstance(item, Poly):
            if item.fill:
                self.draw.polygon([self.p(q) for q in item.points], fill=item.fill)
            if item.stroke and item.stroke_width > 0:
                ring = (*item.points, item.points[0])
                self.stroke(ring, item.stroke_width, item.stroke, item.dash)
        elif isinstance(item, Circle):
            cx, cy = self.p(item.center)
            r = item.radius * self.scale
            if item.fill:
                self.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=item.fill)
            if item.stroke and item.stroke_width > 0:
                steps = max(24, int(r / 2))
                circle = [
                    (
                        item.center[0] + item.radius * math.cos(2 * math.pi * i / steps),
                        item.center[1] + item.radius * math.sin(2 * math.pi * i / steps),
                    )
                    for i in range(steps + 1)
                ]
                self.stroke(circle, item.stroke_width, item.stroke, item.dash)
        elif isinstance(item, Text):
            size = max(6, round(item.size * self.scale))
            shipped = font_file(item.bold)
            font = (
                self.fonts.truetype(shipped, size)
                if shipped
                else self.fonts.load_default(size=size)  # no bold face: drawn regular
            )
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[item.anchor]
            self.draw.text(self.p(item.position), item.text, fill=item.color, font=font,
                           anchor=anchor)  # fmt: skip
        else:
            self.group(item, image)

    def group(self, group: Group, image: Any) -> None:
        image_mod, draw_mod, _ = pillow()
        layer = image_mod.new("RGB", image.size, PAPER)
        painter = _Painter(draw_mod.Draw(layer), self.scale, self.fonts)
        for inner in group.items:
            painter.item(inner, layer)
        mask = image_mod.new("L", image.size, 0)
        cx, cy = self.p(group.center)
        r = group.radius * self.scale
        draw_mod.Draw(mask).ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
        image.paste(layer, mask=mask)


def _dashes(points: list[Point], pattern: list[float]) -> list[list[Point]]:
    """Split a polyline into the 'on' runs of a dash pattern."""
    runs: list[list[Point]] = []
    index, left, on = 0, pattern[0], True
    current: list[Point] = [points[0]]
    for a, b in itertools.pairwise(points):
        seg = math.dist(a, b)
        pos = 0.0
        while seg - pos > left:
            pos += left
            t = pos / seg if seg else 1.0
            cut = (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
            if on:
                current.append(cut)
                runs.append(current)
            current = [cut]
            on = not on
            index = (index + 1) % len(pattern)
            left = pattern[index]
        left -= seg - pos
        current.append(b)
    if on and len(current) > 1:
        runs.append(current)
    return runs


def render_png(scene: Scene, *, width_px: int) -> bytes:
    """The scene as PNG bytes, ``width_px`` wide (height keeps the aspect)."""
    image_mod, draw_mod, font_mod = pillow()
    height_px = max(1, round(width_px * scene.height / scene.width))
    big = (width_px * SUPERSAMPLE, height_px * SUPERSAMPLE)
    image = image_mod.new("RGB", big, PAPER)
    painter = _Painter(draw_mod.Draw(image), big[0] / scene.width, font_mod)
    for item in scene.items:
        painter.item(item, image)
    small = image.resize((width_px, height_px), image_mod.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()
