"""The cases of issue 16 through the API's progress review, on stored data (SQLite and
PostgreSQL): a peak then a decline, a stop alert the clinician acknowledged, pain creeping up
over a month, and several check-ins on one day. The CLI side is
tests/scenarios/test_progress_course_scenarios.py; the JSON keys are the same contract."""

from __future__ import annotations

import datetime as dt

from tests.web.conftest import Clinic, Clock, TestClient, token_for
from tests.web.course_history import (
    PEAK_DAYS,
    PEAK_MISSED_DAYS,
    assign,
    checkin,
    evaluate,
    kinds,
    peak_then_decline,
    progress,
)


def test_peak_then_decline_is_worse_than_the_best_and_not_ready(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    start = peak_then_decline(client, clinic, clock)
    out = progress(client, clinic.patient_a, token_for(client, "alice"))
    assert set(out) == {"measures", "alerts", "adherence"}
    best_day = (start + dt.timedelta(days=PEAK_DAYS[1])).isoformat()
    grade, speed = out["measures"]["dorsiflexion_mmt"], out["measures"]["gait_speed_mps"]
    for item, best, latest in ((grade, "4", "3"), (speed, 0.9, 0.62)):
        assert item["latest"] == latest
        assert item["status"] == "worse"
        assert item["status_from_baseline"] == "improved"  # still above the first value
        assert item["best"] == best
        assert item["best_date"] == best_day
        assert "best" in item["worse_than"]
    assert speed["change_from_best"] == -0.28
    worsening = [a["message"] for a in out["alerts"] if a["kind"] == "worsening"]
    assert len(worsening) == 2
    assert any(f"best of grade 4 on {best_day}" in text for text in worsening)
    assert any(f"best of 0.9 m/s on {best_day}" in text for text in worsening)
    assert "ready_to_progress" not in kinds(out)
    # Check-ins on most days: the hold is the decline, not adherence.
    assert "low_adherence" not in kinds(out)
    adherence = out["adherence"]
    assert set(adherence) == {"sessions_done", "sessions_planned", "percent"}
    assert adherence["sessions_done"] == PEAK_DAYS[-1] + 1 - len(PEAK_MISSED_DAYS)


def test_a_stop_alert_acknowledged_no_longer_stops_and_a_newer_one_does(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    start = clock().date()
    alice = token_for(client, "alice")
    assign(client, clinic.patient_a, alice, evaluate(client, clinic.patient_a, alice, start))
    clock.advance(days=35)
    alice, ann = token_for(client, "alice"), token_for(client, "ann")
    warning = start + dt.timedelta(days=2)  # a balance warning five weeks ago
    checkin(client, clinic.patient_a, ann, warning, balance_worse=True)
    for offset in range(3, 36):
        checkin(client, clinic.patient_a, ann, start + dt.timedelta(days=offset))
    before = progress(client, clinic.patient_a, alice)
    stops = [a["message"] for a in before["alerts"] if a["kind"] == "stop_program"]
    assert len(stops) == 1
    assert warning.isoformat() in stops[0]
    ack = client.post(
        f"/api/v1/patients/{clinic.patient_a}/alerts/acknowledge-stops",
        headers=alice,
        json={"note": "Ann tripped on a rug; balance back to usual"},
    )
    assert ack.status_code == 201, ack.text
    assert ack.json()["through_date"] == warning.isoformat()
    after = progress(client, clinic.patient_a, alice)
    assert "stop_program" not in kinds(after)
    assert after["measures"] == before["measures"]
    assert after["adherence"] == before["adherence"]
    clock.advance(days=1)
    newer = clock().date()
    checkin(client, clinic.patient_a, token_for(client, "ann"), newer, weakness_worse=True)
    again = progress(client, clinic.patient_a, token_for(client, "alice"))
    stops = [a["message"] for a in again["alerts"] if a["kind"] == "stop_program"]
    assert len(stops) == 1
    assert newer.isoformat() in stops[0]
    assert warning.isoformat() not in stops[0]


def test_pain_creeping_from_1_to_5_over_a_month_raises_pain_rising(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    start = clock().date()
    alice = token_for(client, "alice")
    for patient in (clinic.patient_a, clinic.patient_b):
        headers = alice if patient == clinic.patient_a else token_for(client, "bob")
        assign(client, patient, headers, evaluate(client, patient, headers, start))
    clock.advance(days=30)
    ann, ben = token_for(client, "ann"), token_for(client, "ben")
    for offset in range(31):
        day = start + dt.timedelta(days=offset)
        checkin(client, clinic.patient_a, ann, day, pain_nrs=round(1 + 4 * offset / 30))
        checkin(client, clinic.patient_b, ben, day, pain_nrs=1)
    creeping = progress(client, clinic.patient_a, token_for(client, "alice"))
    assert "pain_rising" in kinds(creeping)
    assert "ready_to_progress" not in kinds(creeping)
    message = next(a["message"] for a in creeping["alerts"] if a["kind"] == "pain_rising")
    assert "pain" in message.lower()
    steady = progress(client, clinic.patient_b, token_for(client, "bob"))
    assert "pain_rising" not in kinds(steady)


def test_several_checkins_on_one_day_count_once(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    start = clock().date()
    alice = token_for(client, "alice")
    per_week = assign(
        client, clinic.patient_a, alice, evaluate(client, clinic.patient_a, alice, start)
    )
    clock.advance(days=13)
    ann = token_for(client, "ann")
    days = [start + dt.timedelta(days=o) for o in range(14) if o not in (2, 9)]
    for day in days:
        checkin(client, clinic.patient_a, ann, day)
    once = progress(client, clinic.patient_a, token_for(client, "alice"))["adherence"]
    assert once["sessions_done"] == min(len(days), once["sessions_planned"])
    assert once["sessions_planned"] == max(1, round(14 * per_week / 7))
    # Two more "completed" check-ins on the last day, seconds apart, without a key.
    for _ in range(2):
        checkin(client, clinic.patient_a, ann, days[-1])
    twice = progress(client, clinic.patient_a, token_for(client, "alice"))["adherence"]
    assert twice == once
    # A check-in on a day that had none still counts.
    checkin(client, clinic.patient_a, ann, start + dt.timedelta(days=9))
    more = progress(client, clinic.patient_a, token_for(client, "alice"))["adherence"]
    assert more["sessions_done"] == min(len(days) + 1, more["sessions_planned"])
