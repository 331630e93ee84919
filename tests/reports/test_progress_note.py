"""The progress note: content a payer reviewer needs, deterministic bytes, golden pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from dorsi.interop.record import PatientRecord, StoredCheckin
from dorsi.reports import default_period, progress_note_view, render_progress_note
from dorsi.reports._pdf import pdf_date
from tests.reports.conftest import ARTEFACTS, GOLDEN
from tests.reports.demo import NOW
from tests.reports.pdf import compare_golden, grey_only, page_sizes, pages_text, render_pages


def _note(record: PatientRecord, **period: dt.date) -> bytes:
    start, end = default_period(record, NOW.date())
    view = progress_note_view(
        record, start=period.get("start", start), end=period.get("end", end), created=NOW
    )
    return render_progress_note(view)


def test_rosa_note_text_has_every_section(records: dict[str, PatientRecord]) -> None:
    text = "\n".join(pages_text(_note(records["rosa"])))
    flat = " ".join(text.split())
    for words in (
        "Rosa Demo",
        "Dr Demo (physical therapist)",
        "M21.371 Foot drop, right foot",
        "G57.31",
        "Common peroneal (fibular) nerve problem",
        "Fibular head compression",  # the record's own notes, as recorded
        "Evaluation and reassessment values",
        "Beyond MDC?",
        "Beyond MCID?",
        "Measures over time",
        "Adherence",
        "Days with data",
        "Pain",
        "Current program",
        "Alerts and their resolution",
        "Plan",
        "Next review date",
    ):
        assert words in flat, words
    # Measurable progress reads on page 1: real improvement of the walking speed and its MCID.
    first_page = " ".join(pages_text(_note(records["rosa"]))[0].split())
    assert "0.78 m/s to 1.05 m/s (+0.27 m/s)" in first_page
    assert "(MCID)" in first_page
    assert "Gait video results" not in flat  # only when a gait video was analysed


def test_table_values_come_from_the_progress_review(records: dict[str, PatientRecord]) -> None:
    from dorsi.catalog.measures import load_measures

    record = records["rosa"]
    start, end = default_period(record, NOW.date())
    view = progress_note_view(record, start=start, end=end, created=NOW)
    lines = {m.measure_id: m for m in view.measures}
    speed = lines["gait_speed_mps"]
    assert speed.first_value == "0.78 m/s"
    assert speed.latest_value == "1.05 m/s"
    assert speed.change == pytest.approx(0.27)
    assert speed.exceeds_mdc == "yes"
    assert speed.status == "improved"
    mcid = load_measures().get("gait_speed_mps").mcid
    assert mcid is not None
    assert speed.mcid == mcid.value
    assert speed.exceeds_mcid == "yes"
    assert lines["dorsiflexion_mmt"].first_value == "2+/5"
    assert lines["single_leg_stance_s"].exceeds_mcid == "none published"
    falls = lines["falls_past_month"]
    assert falls.exceeds_mdc == "no"
    assert falls.status == "no_real_change"


def test_plateau_note_explains_the_review(records: dict[str, PatientRecord]) -> None:
    text = " ".join(" ".join(pages_text(_note(records["omar"]))).split())
    assert "No measure changed by more than its measurement error (MDC)" in text
    assert "Plateau" in text


def test_paused_program_shows_the_alert_and_that_it_is_open(
    records: dict[str, PatientRecord],
) -> None:
    record = records["grace"]
    start, end = default_period(record, NOW.date())
    view = progress_note_view(record, start=start, end=end, created=NOW)
    worse = [a for a in view.alerts if a.what.startswith("Check-in: weakness worse")]
    assert worse
    assert worse[0].resolution.startswith("Open")
    assert view.program_paused
    text = " ".join(" ".join(pages_text(render_progress_note(view))).split())
    assert "The home program is paused" in text


def test_a_clinician_screening_resolves_a_pause(records: dict[str, PatientRecord]) -> None:
    record = records["grace"]
    worse = next(c for c in record.checkins if c.weakness_worse)
    clear = dataclasses.replace(
        record.screenings[0],
        id=999,
        created_at=worse.created_at + dt.timedelta(days=1),
        created_by_role="clinician",
        level="proceed",
    )
    patient = dataclasses.replace(record.patient, program_paused=False, paused_reason=None)
    cleared = dataclasses.replace(record, patient=patient, screenings=(*record.screenings, clear))
    view = progress_note_view(cleared, start=record.checkins[0].date, end=NOW.date(), created=NOW)
    line = next(a for a in view.alerts if a.what.startswith("Check-in: weakness worse"))
    day = (worse.created_at + dt.timedelta(days=1)).date().isoformat()
    assert line.resolution == f"Cleared by a clinician screening on {day}."


def test_period_limits_values_and_review(records: dict[str, PatientRecord]) -> None:
    record = records["rosa"]
    first = record.evaluations[0].date
    view = progress_note_view(record, start=first, end=first + dt.timedelta(days=5), created=NOW)
    assert {m.values_count for m in view.measures} == {1}
    assert {m.exceeds_mdc for m in view.measures} == {"one value"}
    assert all(p.end <= first + dt.timedelta(days=5) for p in view.periods)
    text = " ".join(pages_text(render_progress_note(view))[0].split())
    assert f"{first.isoformat()} to {(first + dt.timedelta(days=5)).isoformat()}" in text


def test_deterministic_and_dated_from_the_clock(records: dict[str, PatientRecord]) -> None:
    one, two = _note(records["rosa"]), _note(records["rosa"])
    assert one == two
    assert pdf_date(NOW).encode() in one
    assert b"/Creator (Dorsi)" in one
    later = dataclasses.replace(
        progress_note_view(records["rosa"], start=dt.date(2026, 2, 1), end=NOW.date(), created=NOW),
        created=NOW + dt.timedelta(days=1),
    )
    assert pdf_date(NOW + dt.timedelta(days=1)).encode() in render_progress_note(later)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_paper_sizes(records: dict[str, PatientRecord], paper: str) -> None:
    record = records["omar"]
    start, end = default_period(record, NOW.date())
    view = progress_note_view(record, start=start, end=end, created=NOW)
    sizes = set(page_sizes(render_progress_note(view, paper=paper)))  # type: ignore[arg-type]
    assert sizes == ({(612.0, 792.0)} if paper == "letter" else {(595.3, 841.9)})


def test_golden_pages_black_and_white(records: dict[str, PatientRecord]) -> None:
    pages = render_pages(_note(records["rosa"]))
    assert len(pages) >= 3
    for index, image in enumerate(pages):
        assert grey_only(image), f"page {index + 1} uses colour"
        compare_golden(
            image, GOLDEN / f"progress-note-rosa-p{index + 1}.png", ARTEFACTS, tolerance=0.004
        )


def test_rtm_days_per_30_day_period(records: dict[str, PatientRecord]) -> None:
    record = records["rosa"]
    start = dt.date(2026, 1, 1)
    days = [start + dt.timedelta(days=i) for i in range(0, 16)]  # 16 days in period 1
    days += [start + dt.timedelta(days=30 + i) for i in (0, 5)]  # 2 days in period 2
    checkins = tuple(
        StoredCheckin(
            id=i,
            date=d,
            created_at=NOW,
            created_by_id=None,
            completed=True,
            sets_done=6,
            pain_nrs=1,
            difficulty="ok",
            trips_since_last=0,
            weakness_worse=False,
            balance_worse=False,
        )
        for i, d in enumerate(days)
    )
    synthetic = dataclasses.replace(record, checkins=checkins, measurements=(), camera_days=())
    view = progress_note_view(synthetic, start=start, end=dt.date(2026, 3, 1), created=NOW)
    bands = [(p.start, p.end, p.days_with_data, p.rtm_band) for p in view.periods]
    assert bands == [
        (dt.date(2026, 1, 1), dt.date(2026, 1, 30), 16, "16 or more days"),
        (dt.date(2026, 1, 31), dt.date(2026, 3, 1), 2, "2 to 15 days"),
    ]


def test_pain_trend_in_words(records: dict[str, PatientRecord]) -> None:
    record = records["rosa"]
    start, end = default_period(record, NOW.date())
    view = progress_note_view(record, start=start, end=end, created=NOW)
    assert re.search(r"average [\d.]+ over the first 7 check-ins", view.pain_trend)
    assert "lower" in view.pain_trend
