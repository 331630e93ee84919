"""SVG output: plain string building, scalable, with an accessible title and description."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from dorsi.pictures.scene import (
    PAPER,
    Arrow,
    Circle,
    Line,
    Poly,
    Primitive,
    Scene,
    Text,
)

FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _points(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in points)


def _meta(item: Primitive) -> str:
    attrs = ""
    if item.role:
        attrs += f' class="{item.role}"'
    if item.part:
        attrs += f" data-part={quoteattr(item.part)}"
    return attrs


def _dash(dash: tuple[float, ...] | None) -> str:
    return "" if not dash else f' stroke-dasharray="{" ".join(_num(d) for d in dash)}"'


def _paint(fill: str | None, stroke: str | None, width: float) -> str:
    out = f' fill="{fill or "none"}"'
    if stroke and width > 0:
        out += f' stroke="{stroke}" stroke-width="{_num(width)}" stroke-linejoin="round"'
    return out


def element(item: Primitive, ids: list[int]) -> str:
    """One primitive as SVG markup (``ids`` numbers the clip paths of close-ups)."""
    if isinstance(item, Line):
        return (
            f'<polyline{_meta(item)} points="{_points(item.points)}" fill="none" '
            f'stroke="{item.color}" stroke-width="{_num(item.width)}" stroke-linecap="round" '
            f'stroke-linejoin="round"{_dash(item.dash)}/>'
        )
    if isinstance(item, Arrow):
        heads = "".join(
            f'<polygon points="{_points(head)}" fill="{item.color}" stroke="{item.color}" '
            f'stroke-width="{_num(item.width * 0.5)}" stroke-linejoin="round"/>'
            for head in item.heads()
        )
        return (
            f'<g{_meta(item)}><polyline points="{_points(item.shaft())}" fill="none" '
            f'stroke="{item.color}" stroke-width="{_num(item.width)}" stroke-linecap="round" '
            f'stroke-linejoin="round"/>{heads}</g>'
        )
    if isinstance(item, Poly):
        return (
            f'<polygon{_meta(item)} points="{_points(item.points)}"'
            f"{_paint(item.fill, item.stroke, item.stroke_width)}{_dash(item.dash)}/>"
        )
    if isinstance(item, Circle):
        return (
            f'<circle{_meta(item)} cx="{_num(item.center[0])}" cy="{_num(item.center[1])}" '
            f'r="{_num(item.radius)}"{_paint(item.fill, item.stroke, item.stroke_width)}'
            f"{_dash(item.dash)}/>"
        )
    if isinstance(item, Text):
        anchor = {"start": "start", "middle": "middle", "end": "end"}[item.anchor]
        weight = ' font-weight="bold"' if item.bold else ""
        return (
            f'<text{_meta(item)} x="{_num(item.position[0])}" y="{_num(item.position[1])}" '
            f'font-size="{_num(item.size)}" text-anchor="{anchor}" fill="{item.color}"'
            f"{weight}>{escape(item.text)}</text>"
        )
    ids.append(len(ids) + 1)
    clip = f"zoom{ids[-1]}"
    inner = "".join(element(i, ids) for i in item.items)
    cx, cy, r = _num(item.center[0]), _num(item.center[1]), _num(item.radius)
    return (
        f'<g{_meta(item)}><clipPath id="{clip}"><circle cx="{cx}" cy="{cy}" r="{r}"/></clipPath>'
        f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{PAPER}"/>'
        f'<g clip-path="url(#{clip})">{inner}</g></g>'
    )


def render_svg(scene: Scene, *, width_px: int, extra: str = "", style: str = "") -> str:
    """The scene as a standalone SVG document ``width_px`` wide (height keeps the aspect)."""
    height_px = round(width_px * scene.height / scene.width)
    ids: list[int] = []
    body = "\n".join(element(item, ids) for item in scene.items)
    style_block = f"<style>{style}</style>\n" if style else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width_px}" '
        f'height="{height_px}" viewBox="0 0 {_num(scene.width)} {_num(scene.height)}" '
        f'role="img" aria-labelledby="title desc" font-family="{FONT}">\n'
        f'<title id="title">{escape(scene.title)}</title>\n'
        f'<desc id="desc">{escape(scene.description)}</desc>\n'
        f"{style_block}"
        f'<rect width="100%" height="100%" fill="{PAPER}"/>\n'
        f"{body}\n{extra}</svg>\n"
    )
