"""The inline SVG charts."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from dorsi.web.charts import Point, line_chart

DAY = dt.date(2026, 1, 1)


def test_empty_series_draws_nothing() -> None:
    assert line_chart([], title="x") == ""


def test_chart_is_accessible_svg_with_band() -> None:
    points = [Point(DAY, 0.5), Point(DAY + dt.timedelta(days=14), 0.8)]
    svg = line_chart(points, title="Walking speed <m/s>", unit="m/s", band=(0.39, 0.61))
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    title = root.find(f"{ns}title")
    assert title is not None
    assert title.text == "Walking speed <m/s>"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.find(f"{ns}rect") is not None
    desc = root.find(f"{ns}desc")
    assert desc is not None
    assert "0.5 m/s" in (desc.text or "")
    assert svg == line_chart(points, title="Walking speed <m/s>", unit="m/s", band=(0.39, 0.61))


@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.floats(-100, 100, allow_nan=False, allow_infinity=False)),
        min_size=1,
        max_size=30,
    )
)
def test_every_point_lands_inside_the_drawing(raw: list[tuple[int, float]]) -> None:
    points = sorted((Point(DAY + dt.timedelta(days=d), v) for d, v in raw), key=lambda p: p.day)
    root = ET.fromstring(line_chart(points, title="t"))  # noqa: S314 - our own output
    dots = root.findall("{http://www.w3.org/2000/svg}circle")
    assert len(dots) == len(points)
    for dot in dots:
        assert 0 <= float(dot.get("cx", "-1")) <= 320
        assert 0 <= float(dot.get("cy", "-1")) <= 140
