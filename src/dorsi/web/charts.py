"""Small inline SVG line charts (no JavaScript, no external library).

A chart shows one series over time, with an optional shaded band (the measure's minimal
detectable change around the baseline: values inside it are not a real change). The SVG has
a ``<title>`` and ``<desc>`` for screen readers; the page also lists the values as text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 320, 140
PAD_L, PAD_R, PAD_T, PAD_B = 42, 10, 10, 24


@dataclass(frozen=True)
class Point:
    day: dt.date
    value: float


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    unit: str = "",
    band: tuple[float, float] | None = None,
    y_min: float | None = None,
    y_max: float | None = None,
) -> str:
    """An SVG line chart of ``points`` (sorted by day), as a markup string."""
    if not points:
        return ""
    days = [p.day.toordinal() for p in points]
    values = [p.value for p in points]
    low: list[float] = [*values, *(band or ())] + ([y_min] if y_min is not None else [])
    high: list[float] = [*values, *(band or ())] + ([y_max] if y_max is not None else [])
    lo, hi = float(min(low)), float(max(high))
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    d0, d1 = min(days), max(days)
    span = max(d1 - d0, 1)

    def x(day: int) -> float:
        return float(PAD_L + (day - d0) / span * (WIDTH - PAD_L - PAD_R))

    def y(value: float) -> float:
        return PAD_T + (hi - value) / (hi - lo) * (HEIGHT - PAD_T - PAD_B)

    # A stable id per chart (pages hold several charts; ids must be unique and repeatable).
    chart_id = "c" + hashlib.sha256(f"{title}|{points!r}".encode()).hexdigest()[:10]
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}">{escape(title)}</title>',
        f"<desc>{escape(_describe(points, unit))}</desc>",
    ]
    if band is not None:
        top, bottom = y(max(band)), y(min(band))
        parts.append(
            f'<rect class="band" x="{PAD_L}" y="{top:.1f}" width="{WIDTH - PAD_L - PAD_R}" '
            f'height="{max(bottom - top, 1):.1f}"/>'
        )
    parts.append(
        f'<line class="axis" x1="{PAD_L}" y1="{HEIGHT - PAD_B}" x2="{WIDTH - PAD_R}" '
        f'y2="{HEIGHT - PAD_B}"/>'
    )
    parts.append(
        f'<text class="tick" x="{PAD_L - 4}" y="{PAD_T + 8}" text-anchor="end">{_fmt(hi)}</text>'
    )
    parts.append(
        f'<text class="tick" x="{PAD_L - 4}" y="{HEIGHT - PAD_B}" text-anchor="end">'
        f"{_fmt(lo)}</text>"
    )
    parts.append(
        f'<text class="tick" x="{PAD_L}" y="{HEIGHT - 6}">{points[0].day.isoformat()}</text>'
    )
    if len(points) > 1:
        parts.append(
            f'<text class="tick" x="{WIDTH - PAD_R}" y="{HEIGHT - 6}" text-anchor="end">'
            f"{points[-1].day.isoformat()}</text>"
        )
        coords = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in zip(days, values, strict=True))
        parts.append(f'<polyline class="line" points="{coords}"/>')
    for d, v in zip(days, values, strict=True):
        parts.append(f'<circle class="dot" cx="{x(d):.1f}" cy="{y(v):.1f}" r="3"/>')
    parts.append("</svg>")
    return "".join(parts)


def _describe(points: Sequence[Point], unit: str) -> str:
    first, last = points[0], points[-1]
    suffix = f" {unit}" if unit else ""
    if len(points) == 1:
        return f"One value: {_fmt(first.value)}{suffix} on {first.day.isoformat()}."
    return (
        f"{len(points)} values from {_fmt(first.value)}{suffix} on {first.day.isoformat()} "
        f"to {_fmt(last.value)}{suffix} on {last.day.isoformat()}."
    )


__all__ = ["Point", "line_chart"]
