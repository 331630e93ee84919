"""The inline SVG charts: the measure's own words on the axes, one value as a value, and the
plain better / the same / worse sentence beside each chart (English and Spanish)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dorsi.catalog.measures import load_measures
from dorsi.catalog.mmt import numeric
from dorsi.web.charts import FONT, HEIGHT, WIDTH, Point, line_chart, nice_ticks
from dorsi.web.measure_charts import Words, measure_charts, pain_chart

DAY = dt.date(2026, 1, 1)
NS = "{http://www.w3.org/2000/svg}"


def _svg(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own output


def _texts(root: ET.Element, css: str) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text") if t.get("class") == css]


def _ticks(root: ET.Element) -> list[str]:
    """The value axis' tick labels (right-aligned left of the plot), bottom to top."""
    marks = [t for t in root.iter(f"{NS}text") if t.get("class") == "tick" and t.get("x") == "46"]
    return [t.text or "" for t in sorted(marks, key=lambda t: -float(t.get("y", "0")))]


def test_empty_series_draws_nothing() -> None:
    assert line_chart([], title="x") == ""


def test_chart_is_accessible_svg_with_band_and_titled_axes() -> None:
    points = [Point(DAY, 0.5), Point(DAY + dt.timedelta(days=14), 0.8)]
    svg = line_chart(points, title="Walking speed <m/s>", unit="m/s", band=(0.39, 0.61))
    root = _svg(svg)
    assert root.get("role") == "img"
    title = root.find(f"{NS}title")
    assert title is not None
    assert title.text == "Walking speed <m/s>"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.find(f"{NS}rect") is not None
    desc = root.find(f"{NS}desc")
    assert desc is not None
    assert "0.5 m/s" in (desc.text or "")
    assert _texts(root, "axis-title") == ["m/s", "Date"]
    assert svg == line_chart(points, title="Walking speed <m/s>", unit="m/s", band=(0.39, 0.61))


def test_tick_text_is_readable_on_a_phone() -> None:
    # The chart is drawn at least 280 px wide (a 390 px phone, a three-column desktop grid).
    assert FONT * 280 / WIDTH >= 14


def test_a_single_value_is_shown_as_a_value_not_a_chart() -> None:
    shown = line_chart([Point(DAY, 0.5)], title="t", unit="m/s")
    assert "<svg" not in shown
    assert "<strong>0.5</strong> m/s on 2026-01-01" in shown


@pytest.mark.parametrize(
    ("lo", "hi", "whole"), [(0, 0.03, False), (0.42, 0.81, False), (0, 7, True), (-12, 31, False)]
)
def test_ticks_are_round_and_cover_the_values(lo: float, hi: float, whole: bool) -> None:
    ticks = nice_ticks(lo, hi, whole=whole)
    assert ticks[0] <= lo
    assert ticks[-1] >= hi
    assert len(ticks) <= 6
    if whole:
        assert all(t == int(t) for t in ticks)


def _measure_chart(measure_id: str, values: list[Any], lang: str = "en") -> Any:
    """The chart of ``values`` of one measure, the review judged from the first and last."""
    measure = load_measures().get(measure_id)
    grade = measure.value_kind == "mmt_grade"
    rows = [
        SimpleNamespace(
            id=i,
            measure_id=measure_id,
            measured_on=DAY + dt.timedelta(days=14 * i),
            value_grade=v if grade else None,
            value_num=None if grade else v,
            source="evaluation",
        )
        for i, v in enumerate(values)
    ]
    as_number = [numeric(v) if grade else float(v) for v in values]
    change = as_number[-1] - as_number[0]
    mdc = measure.mdc_at(as_number[0])
    better = change if measure.direction == "higher" else -change
    status = (
        "insufficient_data"
        if len(values) == 1
        else "improved"
        if better >= mdc
        else "worse"
        if -better >= mdc
        else "no_real_change"
    )
    review = SimpleNamespace(
        baseline=values[0],
        latest=values[-1],
        change=change,
        mdc=mdc,
        status=status,
        worse_than=("baseline",) if status == "worse" else (),
        best=None,
        best_date=None,
        previous=None,
        previous_date=None,
        latest_date=rows[-1].measured_on,
        change_from_best=None,
        mdc_from_best=None,
        change_from_previous=None,
        mdc_from_previous=None,
    )
    dashboard = SimpleNamespace(
        set_aside=[],
        measurements=rows,
        progress=SimpleNamespace(measures={measure_id: review}),
    )
    return measure_charts(dashboard, lang, reader="patient")[0]


def test_strength_is_drawn_in_grades_0_to_5() -> None:
    chart = _measure_chart("dorsiflexion_mmt", ["2+", "4-"])
    root = _svg(chart.svg)
    assert _ticks(root) == ["0", "1", "2", "3", "4", "5"]
    desc = root.find(f"{NS}desc")
    assert desc is not None
    assert "2+" in (desc.text or "")
    assert "4-" in (desc.text or "")
    assert "1.33" not in chart.svg
    assert chart.sentence == "Better: from grade 2+ to grade 4-. That is a real improvement."
    assert chart.band_note.startswith("Shaded band: a change of less than 1 full grade")


def test_no_falls_reads_as_whole_falls_and_the_same() -> None:
    chart = _measure_chart("falls_past_month", [0.0, 0.0])
    root = _svg(chart.svg)
    ticks = _ticks(root)
    assert ticks[0] == "0"
    assert all(t.isdigit() for t in ticks), ticks
    assert "-1" not in ticks
    assert chart.sentence == "The same: 0 falls in the past month, as at the start."
    assert "0.0" not in chart.sentence
    for dot in root.iter(f"{NS}circle"):
        assert float(dot.get("cy", "0")) <= HEIGHT


def test_worse_walking_speed_tells_the_patient_to_tell_the_therapist() -> None:
    chart = _measure_chart("gait_speed_mps", [0.9, 0.5])
    assert chart.verdict == "worse"
    assert chart.sentence == (
        "Worse: 0.5 m/s now, against 0.9 m/s at the start. Please tell your therapist."
    )


def test_spanish_charts_speak_spanish() -> None:
    chart = _measure_chart("gait_speed_mps", [0.62, 0.64], lang="es")
    root = _svg(chart.svg)
    assert "Fecha" in _texts(root, "axis-title")
    assert "0,62" in chart.sentence
    assert chart.sentence.startswith("Más o menos igual")
    assert "Date" not in chart.svg
    once = _measure_chart("dorsiflexion_mmt", ["3"], lang="es")
    assert "<svg" not in once.svg
    assert once.sentence == "Medido una vez hasta ahora: grado 3."


def test_pain_chart_runs_from_0_to_10() -> None:
    sessions = [
        SimpleNamespace(session_date=DAY + dt.timedelta(days=d), pain_nrs=p)
        for d, p in [(0, 2), (3, 5)]
    ]
    assert _ticks(_svg(pain_chart(sessions))) == ["0", "2", "4", "6", "8", "10"]


def test_words_of_every_measure_have_a_unit() -> None:
    for measure in load_measures().measures:
        words = Words(measure, "es")
        assert words.value(measure.max).strip()


@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.floats(-100, 100, allow_nan=False, allow_infinity=False)),
        min_size=2,
        max_size=30,
        unique_by=lambda t: t[0],
    )
)
def test_every_point_lands_inside_the_drawing(raw: list[tuple[int, float]]) -> None:
    points = sorted((Point(DAY + dt.timedelta(days=d), v) for d, v in raw), key=lambda p: p.day)
    root = _svg(line_chart(points, title="t"))
    dots = root.findall(f"{NS}circle")
    assert len(dots) == len(points)
    for dot in dots:
        assert 0 <= float(dot.get("cx", "-1")) <= WIDTH
        assert 0 <= float(dot.get("cy", "-1")) <= HEIGHT
