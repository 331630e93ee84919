"""The camera measure through the API (SQLite and PostgreSQL): only numbers are stored, the
server computes best and median, the best becomes ``dorsiflexion_arom_camera_deg`` (its own
series, trend only) in the review, the clinician's page, the progress note and the FHIR
export; bad input is a 422 naming the field; reads and writes are audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from dorsi.clinical.camera import CAMERA_EXERCISES
from dorsi.store.db import Database
from dorsi.store.models import AuditEntry, CameraSession, Measurement
from tests.reports.pdf import pages_text
from tests.web.conftest import (
    CHECKIN,
    PLAN,
    Clinic,
    Clock,
    TestClient,
    csrf_from,
    page_login,
    token_for,
)

REPS = [
    {"peak_deg": 6.0, "quality": "good"},
    {"peak_deg": 11.5, "quality": "good"},
    {"peak_deg": None, "quality": "poor"},
    {"peak_deg": 9.0, "quality": "good"},
]


def _url(clinic: Clinic) -> str:
    return f"/api/v1/patients/{clinic.patient_a}/camera-sessions"


def _send(
    client: TestClient, clinic: Clinic, who: str = "ann", key: str | None = None, **body: Any
) -> Any:
    data = {"exercise_id": "seated_dorsiflexion", "side": "left", "reps": REPS, **body}
    headers = token_for(client, who)
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(_url(clinic), headers=headers, json=data)


def _stored(db: Database, patient_id: int) -> list[tuple[int, float | None]]:
    """(id, best) of each stored camera session and of its measurement, in order."""
    with db.transaction() as session:
        sessions = session.execute(
            select(CameraSession.id, CameraSession.best_deg)
            .where(CameraSession.patient_id == patient_id)
            .order_by(CameraSession.id)
        ).all()
        measured = session.scalars(
            select(Measurement.value_num).where(
                Measurement.patient_id == patient_id, Measurement.source == "camera"
            )
        ).all()
    assert sorted(b for _, b in sessions if b is not None) == sorted(
        m for m in measured if m is not None
    )
    return [(i, b) for i, b in sessions]


def test_a_session_is_stored_as_numbers_with_its_best_as_its_own_measure(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    sent = _send(client, clinic)
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert (body["reps_counted"], body["reps_measured"]) == (4, 3)
    assert body["best_deg"] == 11.5
    assert body["median_deg"] == 9.0
    assert body["trend_only"] is True
    assert [r["quality"] for r in body["reps"]] == ["good", "good", "poor", "good"]

    with db.transaction() as session:
        rows = session.scalars(
            select(Measurement).where(Measurement.patient_id == clinic.patient_a)
        ).all()
        assert [(m.measure_id, m.value_num, m.source) for m in rows] == [
            ("dorsiflexion_arom_camera_deg", 11.5, "camera")
        ]
        assert rows[0].id == body["measurement_id"]
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.patient_id == clinic.patient_a)
        ).all()
    assert "session.log" in actions

    listed = client.get(_url(clinic), headers=token_for(client, "alice"))
    assert listed.status_code == 200
    assert [s["best_deg"] for s in listed.json()] == [11.5]


def test_a_session_with_no_measured_lift_stores_no_measurement(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    sent = _send(client, clinic, reps=[{"peak_deg": None, "quality": "poor"}] * 3)
    assert sent.status_code == 201, sent.text
    assert sent.json()["best_deg"] is None
    assert sent.json()["measurement_id"] is None
    with db.transaction() as session:
        assert session.scalars(select(Measurement)).all() == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reps": []}, "reps"),
        ({"reps": [{"peak_deg": 12.0, "quality": "poor"}]}, "quality"),
        ({"reps": [{"peak_deg": None, "quality": "good"}]}, "quality"),
        ({"reps": [{"peak_deg": 80.0, "quality": "good"}]}, "peak_deg"),
        ({"reps": [{"peak_deg": "12", "quality": "good"}]}, "peak_deg"),
        ({"exercise_id": "heel_walking"}, "exercise_id"),
        ({"side": "both"}, "side"),
        ({"best_deg": 40}, "best_deg"),  # the server computes the best; a client cannot send it
        ({"date": "2099-01-01"}, "date"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    client: TestClient, clinic: Clinic, change: dict[str, Any], field: str
) -> None:
    sent = _send(client, clinic, **change)
    assert sent.status_code == 422, sent.text
    assert field in sent.text


def test_the_camera_series_is_trend_only_and_everywhere_on_its_own(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    assert _send(client, clinic).status_code == 201
    clock.advance(days=7)
    assert _send(client, clinic, reps=[{"peak_deg": 14.0, "quality": "good"}]).status_code == 201
    alice = token_for(client, "alice")

    # no MDC: the review never judges it (nor counts it as the goniometer's measure)
    progress = client.get(f"/api/v1/patients/{clinic.patient_a}/progress", headers=alice).json()
    assert "dorsiflexion_arom_camera_deg" not in progress["measures"]
    assert "dorsiflexion_arom_deg" not in progress["measures"]

    fhir = client.get(f"/api/v1/patients/{clinic.patient_a}/fhir", headers=alice).json()
    camera = [
        e["resource"]
        for e in fhir["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and any(
            cd["code"] == "dorsiflexion_arom_camera_deg" for cd in e["resource"]["code"]["coding"]
        )
    ]
    assert sorted(o["valueQuantity"]["value"] for o in camera) == [11.5, 14.0]
    for o in camera:
        assert o["method"]["coding"][0]["code"] == "phone-camera-pose"
        assert "interpretation" not in o  # no MDC: never judged better or worse

    page_login(client, "alice")
    page = client.get(f"/clinic/patients/{clinic.patient_a}").text
    assert "Active ankle dorsiflexion from the phone camera (trend only)" in page
    note = " ".join(
        pages_text(client.get(f"/clinic/patients/{clinic.patient_a}/progress-note.pdf").content)
    )
    assert "Home camera: active ankle dorsiflexion (trend only)" in note
    client.cookies.clear()
    page_login(client, "ann")
    mine = client.get("/me/progress").text
    assert "Active ankle dorsiflexion from the phone camera (trend only)" in mine
    assert "14 degrees" in note or "14.0 degrees" in note


def _assign_program(client: TestClient, clinic: Clinic) -> None:
    alice = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}"
    made = client.post(f"{url}/evaluations", headers=alice, json=PLAN)
    assert made.status_code == 201, made.text
    exercises = made.json()["program"]["exercises"]
    put = client.put(f"{url}/program", headers=alice, json={"exercises": exercises})
    assert put.status_code == 200, put.text


def test_the_guided_session_offers_the_camera_and_takes_its_numbers(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _assign_program(client, clinic)
    page_login(client, "ann")
    pages = [client.get(f"/me/session?step={n}").text for n in range(8)]
    shown = [re.search(r'src="/exercises/([a-z_]+)\.svg"', t) for t in pages]
    steps = [(n, m.group(1)) for n, m in enumerate(shown) if m]
    assert steps
    for n, exercise in steps:  # offered on the seated lifts, and on no other exercise
        assert ('<section class="camera"' in pages[n]) == (exercise in CAMERA_EXERCISES)
    offered = [n for n, exercise in steps if exercise == "seated_dorsiflexion"]
    page = client.get(f"/me/session?step={offered[0]}")
    assert 'data-exercise="seated_dorsiflexion"' in page.text
    assert '<script type="module" src="/static/camera.js">' in page.text
    csrf = csrf_from(page.text)
    form = {
        "csrf_token": csrf,
        "exercise_id": "seated_dorsiflexion",
        "side": "left",
        "peaks": "7.5,,10.2,9",
        "next": f"/me/session?step={offered[0]}",
    }
    sent = client.post("/me/camera-sessions", data=form, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"/me/session?step={offered[0]}"
    with db.transaction() as session:
        values = session.scalars(
            select(Measurement.value_num).where(Measurement.source == "camera")
        ).all()
    assert values == [10.2]

    elsewhere = client.post(
        "/me/camera-sessions",
        data={**form, "next": "https://evil.example/"},
        follow_redirects=False,
    )
    assert elsewhere.headers["location"] == "/me/session"  # never an open redirect
    no_token = client.post(
        "/me/camera-sessions", data={**form, "csrf_token": "x"}, follow_redirects=False
    )
    assert no_token.status_code == 403
    bad = client.post("/me/camera-sessions", data={**form, "peaks": "12,abc"})
    assert bad.status_code == 422
    assert "peaks" in bad.text


# --- idempotency: a retried save (a lost answer, a double tap, the offline queue) ---------------


def test_a_retried_save_is_stored_once_with_the_first_answer(
    client: TestClient, clinic: Clinic, db: Database, clock: Clock
) -> None:
    first = _send(client, clinic, key="cam-7f1c-1")
    assert first.status_code == 201, first.text
    clock.advance(minutes=2)  # the retry, after a dropped connection; with the day it was made
    today = first.json()["date"]
    again = _send(client, clinic, key="cam-7f1c-1", date=today)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert _stored(db, clinic.patient_a) == [(first.json()["id"], 11.5)]

    other = _send(client, clinic, key="cam-7f1c-2")
    assert other.status_code == 201
    assert other.json()["id"] != first.json()["id"]
    assert len(_stored(db, clinic.patient_a)) == 2
    # without a key each save is stored, as before
    assert _send(client, clinic).status_code == 201
    assert len(_stored(db, clinic.patient_a)) == 3


def test_a_key_reused_for_another_session_is_refused_naming_the_header(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    assert _send(client, clinic, key="same").status_code == 201
    other = _send(client, clinic, key="same", reps=[{"peak_deg": 3.0, "quality": "good"}])
    assert other.status_code == 422
    assert other.json()["field"] == "Idempotency-Key"
    assert "different camera session" in other.json()["detail"]
    bad = _send(client, clinic, key="has space")
    assert bad.status_code == 422
    assert bad.json()["field"] == "Idempotency-Key"
    assert len(_stored(db, clinic.patient_a)) == 1


def test_a_checkins_key_and_a_camera_sessions_key_never_clash(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    headers = {**token_for(client, "ann"), "Idempotency-Key": "shared-text"}
    checkin = client.post(
        f"/api/v1/patients/{clinic.patient_a}/sessions", headers=headers, json=CHECKIN
    )
    assert checkin.status_code == 201, checkin.text
    camera = _send(client, clinic, key="shared-text")
    assert camera.status_code == 201, camera.text
    assert camera.json()["best_deg"] == 11.5
    assert len(_stored(db, clinic.patient_a)) == 1


def test_the_page_form_stores_a_save_sent_twice_once(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _assign_program(client, clinic)
    page_login(client, "ann")
    csrf = csrf_from(client.get("/me/session").text)
    form = {
        "csrf_token": csrf,
        "exercise_id": "seated_dorsiflexion",
        "side": "left",
        "peaks": "7.5,,10.2",
        "idempotency_key": "page-cam-1",
    }
    first = client.post("/me/camera-sessions", data=form, follow_redirects=False)
    assert first.status_code == 303, first.text
    # the offline queue's copy names the day it was measured: the same session
    listed = client.get(_url(clinic), headers=token_for(client, "alice")).json()
    again = client.post(
        "/me/camera-sessions", data={**form, "date": listed[0]["date"]}, follow_redirects=False
    )
    assert again.status_code == 303
    assert _stored(db, clinic.patient_a) == [(listed[0]["id"], 10.2)]
    bad = client.post("/me/camera-sessions", data={**form, "idempotency_key": "x" * 256})
    assert bad.status_code == 422
    assert "idempotency_key" in bad.text
    future = client.post(
        "/me/camera-sessions",
        data={**form, "idempotency_key": "page-cam-2", "date": "2099-01-01"},
    )
    assert future.status_code == 422
    assert "date" in future.text
    assert len(_stored(db, clinic.patient_a)) == 1


# --- RTM: a day the patient measured with the camera is a day of data ------------------------


def test_camera_days_count_as_rtm_data_days_when_the_patient_measured(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    _assign_program(client, clinic)  # monitoring starts today, 2026-03-02
    clock.advance(days=5)
    for day in ("2026-03-03", "2026-03-04", "2026-03-04"):  # two sessions on the 4th: one day
        assert _send(client, clinic, date=day).status_code == 201
    # a session with no measured lift was still measured by the phone on that day
    poor = [{"peak_deg": None, "quality": "poor"}]
    assert _send(client, clinic, date="2026-03-05", reps=poor).status_code == 201
    # the clinician entering one for the patient is not data from the patient's phone
    assert _send(client, clinic, who="alice", date="2026-03-06").status_code == 201
    alice = token_for(client, "alice")
    rtm = client.get(f"/api/v1/patients/{clinic.patient_a}/rtm", headers=alice)
    assert rtm.status_code == 200, rtm.text
    assert [p["data_days"] for p in rtm.json()["periods"]] == [3]
    codes = {c["code"] for c in rtm.json()["periods"][0]["codes"]}
    assert "98985" in codes  # 2 to 15 days of data in a 30-day period (2026)
