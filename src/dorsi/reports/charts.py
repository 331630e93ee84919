"""Vector charts for the PDF (ReportLab graphics): a measure over time, black and white.

The band of "no real change" (baseline +/- MDC) is a light grey fill with dashed edges, the
values a solid black line with filled dots, so the chart reads the same in print and on screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from dorsi.reports._pdf import clean_meta
from dorsi.reports._reportlab import reportlab

GRADE_TICKS = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0)


def _nice_step(span: float) -> float:
    raw = span / 4 if span > 0 else 1.0
    for step in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100):
        if raw <= step:
            return float(step)
    return float(round(raw, 0))


def _label(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def line_chart(
    points: Sequence[tuple[dt.date, float]],
    *,
    width_pt: float,
    height_pt: float,
    band: tuple[float, float] | None = None,
    y_range: tuple[float, float] | None = None,
    grade_axis: bool = False,
    y_title: str = "",
) -> Any:
    """A Drawing: values over dates, with an optional band (low, high)."""
    Circle, Drawing, Line, PolyLine, Rect, String, colors = reportlab(
        "Circle", "Drawing", "Line", "PolyLine", "Rect", "String", "colors"
    )

    drawing = Drawing(width_pt, height_pt)
    left, right, bottom, top = 40.0, 10.0, 28.0, 16.0
    plot_w, plot_h = width_pt - left - right, height_pt - bottom - top
    values = [v for _, v in points]
    lows = [*values, *(band or ())]
    low, high = min(lows), max(lows)
    if y_range is not None:
        low, high = max(low, y_range[0]), min(high, y_range[1])
        low, high = min(low, *values), max(high, *values)
    if grade_axis:
        low, high = 0.0, 5.0
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    step = 1.0 if grade_axis else _nice_step(high - low)
    low = step * (low // step)
    high = step * -(-high // step)
    days = [d.toordinal() for d, _ in points]
    first, last = min(days), max(days)
    if last == first:
        first, last = first - 1, last + 1

    def x(day: int) -> float:
        return left + plot_w * (day - first) / (last - first)

    def y(value: float) -> float:
        return float(bottom + plot_h * (value - low) / (high - low))

    drawing.add(
        Rect(
            left, bottom, plot_w, plot_h, strokeColor=colors.black, fillColor=None, strokeWidth=0.6
        )
    )
    tick = low
    while tick <= high + 1e-9:
        drawing.add(
            Line(left - 3, y(tick), left, y(tick), strokeColor=colors.black, strokeWidth=0.5)
        )
        drawing.add(
            Line(
                left,
                y(tick),
                left + plot_w,
                y(tick),
                strokeColor=colors.Color(0.8, 0.8, 0.8),
                strokeWidth=0.3,
            )
        )
        drawing.add(
            String(
                left - 5,
                y(tick) - 3,
                _label(tick),
                fontName="Helvetica",
                fontSize=7,
                textAnchor="end",
            )
        )
        tick += step
    if band is not None:
        b_low, b_high = max(band[0], low), min(band[1], high)
        if b_high > b_low:
            drawing.add(
                Rect(
                    left,
                    y(b_low),
                    plot_w,
                    y(b_high) - y(b_low),
                    fillColor=colors.Color(0.88, 0.88, 0.88),
                    strokeColor=None,
                )
            )
            for edge in (b_low, b_high):
                drawing.add(
                    Line(
                        left,
                        y(edge),
                        left + plot_w,
                        y(edge),
                        strokeColor=colors.black,
                        strokeWidth=0.5,
                        strokeDashArray=[3, 2],
                    )
                )
    for label_day in sorted({first, last} | ({days[0], days[-1]} if len(days) > 1 else set())):
        text = dt.date.fromordinal(label_day).isoformat()
        drawing.add(
            String(
                x(label_day),
                bottom - 11,
                text,
                fontName="Helvetica",
                fontSize=7,
                textAnchor="middle",
            )
        )
    coords: list[float] = []
    for day, value in zip(days, values, strict=True):
        coords += [x(day), y(value)]
    if len(coords) >= 4:
        drawing.add(PolyLine(coords, strokeColor=colors.black, strokeWidth=1.4))
    for i in range(0, len(coords), 2):
        drawing.add(
            Circle(coords[i], coords[i + 1], 2.4, fillColor=colors.black, strokeColor=colors.black)
        )
    if y_title:
        drawing.add(
            String(left, height_pt - 9, clean_meta(y_title), fontName="Helvetica", fontSize=7)
        )
    return drawing


__all__ = ["line_chart"]
