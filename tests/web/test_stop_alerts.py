"""Stop alerts raised by check-ins have a life cycle (issue 16), through the API and the
pages, on SQLite and PostgreSQL: active until a clinician acknowledges them (with a note,
audited) or a later clinician screening finds it safe to go on; then resolved, with who and
when. A later stop check-in raises a new alert."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from dorsi.services.history import read_histories
from dorsi.services.review import review_patients
from dorsi.settings import Settings
from dorsi.store.db import Database
from dorsi.store.models import AuditEntry, StopAcknowledgement
from tests.web.conftest import (
    CHECKIN,
    SCREEN_OK,
    Clinic,
    Clock,
    TestClient,
    csrf_from,
    page_login,
    token_for,
)

ACK = "/alerts/acknowledge-stops"


def _kinds(client: TestClient, clinic: Clinic) -> list[str]:
    got = client.get(
        f"/api/v1/patients/{clinic.patient_a}/progress", headers=token_for(client, "alice")
    )
    assert got.status_code == 200
    return [a["kind"] for a in got.json()["alerts"]]


def _stop_checkin(client: TestClient, clinic: Clinic, **change: Any) -> None:
    response = client.post(
        f"/api/v1/patients/{clinic.patient_a}/sessions",
        headers=token_for(client, "ann"),
        json={**CHECKIN, "balance_worse": True, **change},
    )
    assert response.status_code == 201, response.text


def test_an_acknowledged_stop_alert_is_resolved_until_the_next_one(
    client: TestClient, clinic: Clinic, clock: Clock, db: Database
) -> None:
    url = f"/api/v1/patients/{clinic.patient_a}"
    _stop_checkin(client, clinic)
    clock.advance(days=3)
    assert "stop_program" in _kinds(client, clinic)
    ack = client.post(
        url + ACK, headers=token_for(client, "alice"), json={"note": "Called Ann: a bad night"}
    )
    assert ack.status_code == 201, ack.text
    body = ack.json()
    assert body["through_date"] == "2026-03-02"
    assert body["how"] == "acknowledged"
    assert body["by"] == "Alice"
    assert body["note"] == "Called Ann: a bad night"
    assert "stop_program" not in _kinds(client, clinic)
    # nothing left to acknowledge
    again = client.post(url + ACK, headers=token_for(client, "alice"), json={"note": "again"})
    assert again.status_code == 409
    # a later stop check-in raises a new alert
    clock.advance(days=1)
    _stop_checkin(client, clinic, balance_worse=False, weakness_worse=True)
    assert "stop_program" in _kinds(client, clinic)
    with db.transaction() as session:
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "alert.acknowledge")
        ).all()
        ok = [a for a in audit if a.outcome == "ok"]
        assert len(ok) == 1  # the 409 is audited too, but not as done
        assert ok[0].patient_id == clinic.patient_a
        assert ok[0].actor_username == "alice"
        assert "2026-03-02" in ok[0].detail


def test_the_clinic_list_and_the_patient_review_agree_after_acknowledging(
    client: TestClient, clinic: Clinic, clock: Clock, db: Database, settings: Settings
) -> None:
    _stop_checkin(client, clinic)
    client.post(
        f"/api/v1/patients/{clinic.patient_a}{ACK}",
        headers=token_for(client, "alice"),
        json={"note": "seen"},
    )
    with db.transaction() as session:
        (row,) = review_patients(session, [(clinic.patient_a, False)], today=clock().date())
        assert "stop_program" not in row.badges
    with db.transaction() as session:
        history = read_histories(session, [clinic.patient_a])[clinic.patient_a]
        assert history.review(clock().date()) == row.progress


def test_only_the_assigned_clinician_acknowledges_with_a_note(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    url = f"/api/v1/patients/{clinic.patient_a}{ACK}"
    _stop_checkin(client, clinic)
    assert client.post(url, headers=token_for(client, "ann"), json={"note": "x"}).status_code == 403
    assert client.post(url, headers=token_for(client, "bob"), json={"note": "x"}).status_code == 404
    for note in ("", "   "):
        empty = client.post(url, headers=token_for(client, "alice"), json={"note": note})
        assert empty.status_code == 422
        assert empty.json()["field"] == "note"
    with db.transaction() as session:
        assert session.scalars(select(StopAcknowledgement)).all() == []


def test_a_later_clinician_screening_that_finds_it_safe_resolves_it(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    _stop_checkin(client, clinic)
    clock.advance(hours=2)
    own = client.post(
        f"/api/v1/patients/{clinic.patient_a}/screenings",
        headers=token_for(client, "ann"),
        json={**SCREEN_OK, "evaluated_by_clinician": False},
    )
    assert own.status_code == 201, own.text
    assert "stop_program" in _kinds(client, clinic)  # the patient's own screening does not
    screened = client.post(
        f"/api/v1/patients/{clinic.patient_a}/screenings",
        headers=token_for(client, "alice"),
        json=SCREEN_OK,
    )
    assert screened.status_code == 201, screened.text
    assert "stop_program" not in _kinds(client, clinic)
    page_login(client, "alice")
    page = client.get(f"/clinic/patients/{clinic.patient_a}")
    assert "a screening found it safe to go on by Alice on 2026-03-02" in page.text


def test_the_patient_page_acknowledges_and_shows_who_and_when(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    _stop_checkin(client, clinic)
    csrf = page_login(client, "alice")
    page = client.get(f"/clinic/patients/{clinic.patient_a}")
    assert "Acknowledge the stop alerts" in page.text
    url = f"/clinic/patients/{clinic.patient_a}{ACK}"
    empty = client.post(url, data={"note": " ", "csrf_token": csrf})
    assert empty.status_code == 422
    assert 'id="note-error"' in empty.text
    clock.advance(minutes=5)
    done = client.post(
        url,
        data={"note": "Spoke with Ann; no fall", "csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    after = client.get(f"/clinic/patients/{clinic.patient_a}")
    assert "resolved</strong> — acknowledged by Alice on 2026-03-02 at 09:05 UTC" in after.text
    assert "Note: Spoke with Ann; no fall" in after.text
    assert "Acknowledge the stop alerts" not in after.text
    assert "Stop program" not in after.text.split('id="screening"')[0]


def test_the_cli_contract_takes_stops_resolved_through() -> None:
    from dorsi.clinical.contract import parse
    from dorsi.clinical.progress import ProgressInput, review

    session = {
        "completed": True,
        "pain_nrs": 2,
        "difficulty": "ok",
        "weakness_worse": False,
        "balance_worse": True,
    }
    base: dict[str, Any] = {
        "measurements": [],
        "sessions": [{**session, "date": "2026-03-01"}, {**session, "date": "2026-03-04"}],
    }
    today = dt.date(2026, 3, 5)

    def stop(data: dict[str, Any]) -> str:
        out = review(parse(ProgressInput, data), today=today)
        return " ".join(a.message for a in out.alerts if a.kind == "stop_program")

    assert "2026-03-01" in stop(base)
    later_only = stop({**base, "stops_resolved_through": "2026-03-01"})
    assert "2026-03-04" in later_only
    assert "2026-03-01" not in later_only
    assert stop({**base, "stops_resolved_through": "2026-03-04"}) == ""
