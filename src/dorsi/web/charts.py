"""Small inline SVG line charts (no JavaScript, no external library).

A chart shows one series over time in the measure's own words: its ticks are labelled the way
the measure is written (MMT grades 0 to 5, whole falls, m/s), both axes have a title, and the
text is large enough to read on a phone (16 user units in a 320-unit-wide drawing, so at least
14 px wherever the chart is drawn 280 px wide or more). An optional shaded band is the
measure's minimal detectable change around the baseline: values inside it are not a real
change. A single value is not a chart (an axis around one dot says nothing): it is shown as
the value itself. The SVG has a ``<title>`` and ``<desc>`` for screen readers; the page also
lists the values as text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 320, 230
FONT = 16
PAD_L, PAD_R, PAD_T, PAD_B = 52, 16, 34, 54
MAX_TICKS = 5


@dataclass(frozen=True)
class Point:
    day: dt.date
    value: float


@dataclass(frozen=True)
class Axis:
    """How the values of one measure are read: their valid range, whether only whole numbers
    make sense (falls, trips, grades) and how a value is written (``"2+"``, ``"0.85"``)."""

    lowest: float | None = None
    highest: float | None = None
    whole: bool = False
    label: Callable[[float], str] | None = None
    #: fixed tick values (MMT: every whole grade 0 to 5), else round ones are chosen
    ticks: tuple[float, ...] = ()

    def text(self, value: float) -> str:
        return self.label(value) if self.label is not None else fmt(value)


def fmt(value: float) -> str:
    """A number as people write it: no trailing zeros, at most two decimals."""
    if abs(value - round(value)) < 1e-9:
        return str(round(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def nice_ticks(lo: float, hi: float, *, whole: bool = False) -> list[float]:
    """At most :data:`MAX_TICKS` round tick values covering ``lo``..``hi``."""
    span = max(hi - lo, 1e-9)
    raw = span / (MAX_TICKS - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1.0, float(math.ceil(step)))
    first = math.floor(lo / step + 1e-9) * step
    ticks: list[float] = []
    value = first
    while value <= hi + step * 1e-6 and len(ticks) < 50:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < hi - 1e-9:
        ticks.append(round(value, 10))
    return ticks


def _range(values: Sequence[float], band: tuple[float, float] | None, axis: Axis) -> list[float]:
    lo = min([*values, *(band or ())])
    hi = max([*values, *(band or ())])
    if axis.lowest is not None:
        lo = max(lo, axis.lowest)
    if axis.highest is not None:
        hi = min(hi, axis.highest)
    if hi - lo < 1e-9:  # one flat line: give it room, inside the valid range
        step = 1.0 if axis.whole else max(abs(hi) * 0.5, 0.1)
        lo, hi = lo - step, hi + step
        if axis.lowest is not None and lo < axis.lowest:
            lo, hi = axis.lowest, axis.lowest + 2 * step
        if axis.highest is not None and hi > axis.highest:
            hi = axis.highest
    return nice_ticks(lo, hi, whole=axis.whole)


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    unit: str = "",
    band: tuple[float, float] | None = None,
    y_min: float | None = None,
    y_max: float | None = None,
    axis: Axis | None = None,
    y_title: str | None = None,
    x_title: str = "Date",
    day_text: Callable[[dt.date], str] = dt.date.isoformat,
    one_value: str = "{value} {unit} on {day}",
) -> str:
    """An SVG line chart of ``points`` (sorted by day), as a markup string.

    ``axis`` says how the values are read (default: any number, limited to ``y_min`` ..
    ``y_max`` when given); ``y_title`` titles the value axis (default: ``unit``). With one
    point the answer is a paragraph holding the value (``one_value`` words it), not a chart.
    """
    if not points:
        return ""
    axis = axis or Axis(lowest=y_min, highest=y_max)
    if y_min is not None or y_max is not None:
        axis = Axis(
            lowest=y_min if y_min is not None else axis.lowest,
            highest=y_max if y_max is not None else axis.highest,
            whole=axis.whole,
            label=axis.label,
            ticks=axis.ticks,
        )
    if len(points) == 1:
        only = points[0]
        words = one_value.format(
            value=f"<strong>{escape(axis.text(only.value))}</strong>",
            unit=escape(unit),
            day=escape(day_text(only.day)),
        )
        return f'<p class="chart-one">{words.replace("  ", " ")}</p>'
    days = [p.day.toordinal() for p in points]
    values = [p.value for p in points]
    if band is not None:  # the band cannot reach outside the values the measure can take
        band = (
            max(min(band), axis.lowest) if axis.lowest is not None else min(band),
            min(max(band), axis.highest) if axis.highest is not None else max(band),
        )
    ticks = list(axis.ticks) or _range(values, band, axis)
    lo, hi = ticks[0], ticks[-1]
    d0, d1 = min(days), max(days)
    span = max(d1 - d0, 1)
    bottom_y = HEIGHT - PAD_B

    def x(day: int) -> float:
        return float(PAD_L + (day - d0) / span * (WIDTH - PAD_L - PAD_R))

    def y(value: float) -> float:
        return PAD_T + (hi - value) / (hi - lo) * (bottom_y - PAD_T)

    # A stable id per chart (pages hold several charts; ids must be unique and repeatable).
    chart_id = "c" + hashlib.sha256(f"{title}|{points!r}".encode()).hexdigest()[:10]
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}" font-size="{FONT}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}">{escape(title)}</title>',
        f"<desc>{escape(_describe(points, unit, axis, day_text))}</desc>",
        f'<text class="axis-title" x="4" y="{FONT + 2}">{escape(y_title or unit)}</text>',
    ]
    if band is not None and max(band) > min(band):
        top, bottom = y(max(band)), y(min(band))
        parts.append(
            f'<rect class="band" x="{PAD_L}" y="{top:.1f}" width="{WIDTH - PAD_L - PAD_R}" '
            f'height="{max(bottom - top, 1):.1f}"/>'
        )
    for tick in ticks:
        ty = y(tick)
        parts.append(
            f'<line class="grid" x1="{PAD_L}" y1="{ty:.1f}" x2="{WIDTH - PAD_R}" y2="{ty:.1f}"/>'
        )
        parts.append(
            f'<text class="tick" x="{PAD_L - 6}" y="{ty + FONT * 0.35:.1f}" text-anchor="end">'
            f"{escape(axis.text(tick))}</text>"
        )
    parts.append(
        f'<line class="axis" x1="{PAD_L}" y1="{bottom_y}" x2="{WIDTH - PAD_R}" y2="{bottom_y}"/>'
    )
    parts.append(f'<line class="axis" x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{bottom_y}"/>')
    parts.append(
        f'<text class="tick" x="{PAD_L}" y="{bottom_y + FONT + 4}">'
        f"{escape(day_text(points[0].day))}</text>"
    )
    parts.append(
        f'<text class="tick" x="{WIDTH - PAD_R}" y="{bottom_y + FONT + 4}" text-anchor="end">'
        f"{escape(day_text(points[-1].day))}</text>"
    )
    parts.append(
        f'<text class="axis-title" x="{(PAD_L + WIDTH - PAD_R) / 2:.0f}" y="{HEIGHT - 6}" '
        f'text-anchor="middle">{escape(x_title)}</text>'
    )
    coords = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in zip(days, values, strict=True))
    parts.append(f'<polyline class="line" points="{coords}"/>')
    for d, v in zip(days, values, strict=True):
        parts.append(f'<circle class="dot" cx="{x(d):.1f}" cy="{y(v):.1f}" r="4"/>')
    parts.append("</svg>")
    return "".join(parts)


def _describe(
    points: Sequence[Point], unit: str, axis: Axis, day_text: Callable[[dt.date], str]
) -> str:
    suffix = f" {unit}" if unit else ""
    return "; ".join(f"{day_text(p.day)}: {axis.text(p.value)}{suffix}" for p in points) + "."


__all__ = ["Axis", "Point", "fmt", "line_chart", "nice_ticks"]
