"""Test helpers: a patient's course of care entered through the API, as the app stores it.

The clinician evaluates on day 0 (the clock's day) and assigns the suggested program; the
clock then moves on, and later evaluations and the patient's check-ins are sent with their
own dates, so everything is stored and checked (dates, onset, idempotency) as in real use.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.web.conftest import CHECKIN, PLAN, Clinic, Clock, TestClient, token_for

# Grade 2 -> 4 -> 3 and 0.50 -> 0.90 -> 0.62 m/s, four weeks apart (issue 16's first case).
PEAK_GRADES = ("2", "4", "3")
PEAK_SPEEDS_MPS = (0.5, 0.9, 0.62)
PEAK_DAYS = (0, 28, 56)
# The days without a check-in in that course (every other day has one).
PEAK_MISSED_DAYS = (9, 19, 29, 39, 49)


def evaluate(
    client: TestClient,
    patient_id: int,
    headers: dict[str, str],
    day: dt.date,
    **change: Any,
) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/patients/{patient_id}/evaluations",
        headers=headers,
        json={**PLAN, **change, "date": day.isoformat()},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def assign(
    client: TestClient, patient_id: int, headers: dict[str, str], suggestion: dict[str, Any]
) -> int:
    """Assign the suggested program; returns the days a week it plans (the most any asks)."""
    response = client.put(
        f"/api/v1/patients/{patient_id}/program",
        headers=headers,
        json={"exercises": suggestion["program"]["exercises"]},
    )
    assert response.status_code == 200, response.text
    return max(int(e["days_per_week"]) for e in response.json()["exercises"])


def checkin(
    client: TestClient, patient_id: int, headers: dict[str, str], day: dt.date, **change: Any
) -> None:
    response = client.post(
        f"/api/v1/patients/{patient_id}/sessions",
        headers=headers,
        json={**CHECKIN, **change, "date": day.isoformat()},
    )
    assert response.status_code == 201, response.text


def progress(client: TestClient, patient_id: int, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(f"/api/v1/patients/{patient_id}/progress", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def kinds(review: dict[str, Any]) -> list[str]:
    return [a["kind"] for a in review["alerts"]]


def peak_then_decline(client: TestClient, clinic: Clinic, clock: Clock) -> dt.date:
    """Patient A: the peak-then-decline course, a check-in every day from the program's start
    to day 56 (today on return) but :data:`PEAK_MISSED_DAYS`. Returns day 0."""
    start = clock().date()
    alice = token_for(client, "alice")
    first = evaluate(
        client,
        clinic.patient_a,
        alice,
        start,
        dorsiflexion_mmt=PEAK_GRADES[0],
        gait_speed_mps=PEAK_SPEEDS_MPS[0],
    )
    assign(client, clinic.patient_a, alice, first)
    clock.advance(days=PEAK_DAYS[-1])
    alice = token_for(client, "alice")
    for offset, grade, speed in zip(
        PEAK_DAYS[1:], PEAK_GRADES[1:], PEAK_SPEEDS_MPS[1:], strict=True
    ):
        day = start + dt.timedelta(days=offset)
        evaluate(client, clinic.patient_a, alice, day, dorsiflexion_mmt=grade, gait_speed_mps=speed)
    ann = token_for(client, "ann")
    for offset in range(PEAK_DAYS[-1] + 1):
        if offset not in PEAK_MISSED_DAYS:
            checkin(client, clinic.patient_a, ann, start + dt.timedelta(days=offset))
    return start
