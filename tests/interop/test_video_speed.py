"""A walking speed from a phone video stays apart from the 10-metre walk test series in the
FHIR export, the CSV and the progress note (issue 16); adherence is said in words when
nothing was planned."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from typing import Any

from dorsi.interop import codes
from dorsi.interop.csv_export import measurements_csv
from dorsi.interop.fhir import build_bundle
from dorsi.interop.record import MeasurementRow, PatientRecord
from dorsi.reports import progress_note_view
from dorsi.reports.progress_view import adherence_words, default_period
from tests.reports.demo import NAMESPACE, NOW


def _with_video_speeds(record: PatientRecord) -> PatientRecord:
    """Rosa's record plus two speeds from phone videos, far above her walk test values."""
    last = max(m.date for m in record.measurements)
    extra = tuple(
        MeasurementRow(9000 + i, "gait_speed_video_mps", value, day, "gait", None, NOW, None)
        for i, (value, day) in enumerate(
            [(0.6, last - dt.timedelta(days=20)), (1.6, last - dt.timedelta(days=1))]
        )
    )
    return dataclasses.replace(record, measurements=record.measurements + extra)


def _observations(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    ]


def _measure_code(observation: dict[str, Any]) -> str | None:
    coding = observation["code"].get("coding", [])
    return next((c["code"] for c in coding if c["system"] == codes.CS_MEASURE), None)


def test_fhir_codes_video_speed_apart_with_its_method(records: dict[str, PatientRecord]) -> None:
    bundle = build_bundle(_with_video_speeds(records["rosa"]), now=NOW, namespace=NAMESPACE)
    observations = _observations(bundle)
    video = [o for o in observations if _measure_code(o) == "gait_speed_video_mps"]
    walk = [o for o in observations if _measure_code(o) == "gait_speed_mps"]
    assert len(video) == 2
    assert len(walk) == 3
    for o in video:
        assert o["method"]["coding"] == [codes.coding(*codes.PHONE_VIDEO)]
        assert "phone video" in o["code"]["text"].lower()
        assert all(c["system"] != codes.LOINC for c in o["code"]["coding"])
    for o in walk:
        assert "coding" not in o["method"]
        assert "10-metre" in o["code"]["text"]


def test_csv_keeps_the_two_speeds_apart(records: dict[str, PatientRecord]) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(measurements_csv(_with_video_speeds(records["rosa"]).measurements))
        )
    )
    walk = [float(r["value"]) for r in rows if r["measure"] == "gait_speed_mps"]
    video = [float(r["value"]) for r in rows if r["measure"] == "gait_speed_video_mps"]
    assert walk == [0.78, 0.9, 1.05]
    assert video == [0.6, 1.6]


def test_the_note_never_judges_a_video_speed(records: dict[str, PatientRecord]) -> None:
    record = _with_video_speeds(records["rosa"])
    start, end = default_period(record, NOW.date())
    view = progress_note_view(record, start=start, end=end, created=NOW)
    ids = [line.measure_id for line in view.measures]
    assert "gait_speed_video_mps" not in ids  # no MDC: no status, no "improved"
    walk = next(line for line in view.measures if line.measure_id == "gait_speed_mps")
    assert walk.latest_value == "1.05 m/s"  # the walk test series is untouched by the videos
    listed = [g for g in view.gait_results if "phone video" in g[1].lower()]
    assert [g[2] for g in listed] == ["0.6 m/s", "1.6 m/s"]
    assert not any("phone video" in line.lower() for line in view.summary)


def test_adherence_words_never_say_0_of_0() -> None:
    assert adherence_words(0, 0, 100, has_program=False).startswith("No home program")
    assert "planned no sessions" in adherence_words(2, 0, 100, has_program=True)
    assert adherence_words(3, 4, 75, has_program=True) == (
        "Home sessions done on 3 of 4 planned days (75%)."
    )


def test_a_note_without_a_program_says_so(records: dict[str, PatientRecord]) -> None:
    record = dataclasses.replace(records["rosa"], programs=())
    start, end = default_period(record, NOW.date())
    view = progress_note_view(record, start=start, end=end, created=NOW)
    assert view.adherence_text.startswith("No home program was assigned")
    assert "0 of 0" not in " ".join(view.summary)
    assert "(100%)" not in view.adherence_text
