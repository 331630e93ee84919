"""Between visits (issue 18): the clinician's worklist, the patient's message thread, the
clinic's contact details; through the API and the pages, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from dorsi.clinical.progress_contract import Alert
from dorsi.services import worklist_items
from dorsi.services.review import review_patients
from dorsi.settings import load_settings
from dorsi.store.db import Database
from dorsi.store.models import (
    AuditEntry,
    MessageRead,
    Screening,
    StopAcknowledgement,
    WorklistAcknowledgement,
)
from dorsi.web.app import create_app
from tests.web.conftest import (
    CHECKIN,
    PLAN,
    SCREEN_OK,
    SECRET,
    Clinic,
    Clock,
    TestClient,
    csrf_from,
    page_login,
    token_for,
)

API = "/api/v1"


def _assign(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "alice")
    url = f"{API}/patients/{clinic.patient_a}"
    program = client.post(f"{url}/evaluations", headers=headers, json=PLAN).json()["program"]
    done = client.put(f"{url}/program", headers=headers, json={"exercises": program["exercises"]})
    assert done.status_code == 200, done.text


def _stop_checkin(client: TestClient, clinic: Clinic) -> None:
    sent = client.post(
        f"{API}/patients/{clinic.patient_a}/sessions",
        headers=token_for(client, "ann"),
        json={**CHECKIN, "weakness_worse": True},
    )
    assert sent.status_code == 201, sent.text


def _items(client: TestClient, who: str = "alice") -> list[dict[str, Any]]:
    got = client.get(f"{API}/worklist", headers=token_for(client, who))
    assert got.status_code == 200, got.text
    items: list[dict[str, Any]] = got.json()
    return items


def _audit(db: Database, action: str) -> list[AuditEntry]:
    with db.transaction() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


def test_a_stop_rule_reaches_only_the_assigned_clinicians_worklist(
    client: TestClient, clinic: Clinic, clock: Clock, db: Database
) -> None:
    _assign(client, clinic)
    _stop_checkin(client, clinic)
    items = _items(client)
    paused = [i for i in items if i["kind"] == "program_paused"]
    assert len(paused) == 1
    item = paused[0]
    assert item["patient_id"] == clinic.patient_a
    assert item["id"] == f"program_paused:{clinic.patient_a}:2026-03-02"
    assert item["acknowledged"] is False
    assert item["severity"] == "high"
    assert "Tell your therapist" not in item["detail"]
    assert "paused" in item["detail"]
    assert _items(client, "bob") == []  # not bob's patient
    for who in ("ann", "root"):  # a patient or an admin has no worklist
        assert client.get(f"{API}/worklist", headers=token_for(client, who)).status_code == 403
    reads = _audit(db, "worklist.read")
    assert any(e.patient_id == clinic.patient_a and e.outcome == "ok" for e in reads)


def test_acknowledging_a_stop_item_is_the_stop_acknowledgement(
    client: TestClient, clinic: Clinic, clock: Clock, db: Database
) -> None:
    _assign(client, clinic)
    _stop_checkin(client, clinic)
    clock.advance(hours=2)
    item_id = _items(client)[0]["id"]
    url = f"{API}/worklist/{item_id}/acknowledge"
    ann = client.post(url, headers=token_for(client, "ann"), json={"note": "x"})
    assert ann.status_code == 403  # she may read her record, not acknowledge
    assert client.post(url, headers=token_for(client, "bob"), json={}).status_code == 404
    done = client.post(url, headers=token_for(client, "alice"), json={"note": "Called Ann"})
    assert done.status_code == 201, done.text
    assert done.json()["acknowledged"] is True
    assert done.json()["acknowledged_by"] == "Alice"
    with db.transaction() as session:
        rows = session.scalars(select(StopAcknowledgement)).all()
        assert [(r.note, r.through_date) for r in rows] == [("Called Ann", dt.date(2026, 3, 2))]
        generic = session.scalar(select(func.count()).select_from(WorklistAcknowledgement))
        assert generic == 0  # one mechanism: nothing stored twice
    # the old route sees it acknowledged; the worklist keeps it, acknowledged, with the note
    again = client.post(
        f"{API}/patients/{clinic.patient_a}/alerts/acknowledge-stops",
        headers=token_for(client, "alice"),
        json={"note": "again"},
    )
    assert again.status_code == 409
    [listed] = [i for i in _items(client) if i["kind"] == "program_paused"]
    assert listed["acknowledged"] is True
    assert listed["note"] == "Called Ann"
    assert client.post(url, headers=token_for(client, "alice")).status_code == 409
    ok = [e for e in _audit(db, "alert.acknowledge") if e.outcome == "ok"]
    assert len(ok) == 1
    assert ok[0].patient_id == clinic.patient_a
    assert item_id in ok[0].detail


def test_the_stop_route_acknowledges_the_worklist_item(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    _assign(client, clinic)
    _stop_checkin(client, clinic)
    done = client.post(
        f"{API}/patients/{clinic.patient_a}/alerts/acknowledge-stops",
        headers=token_for(client, "alice"),
        json={"note": "Seen at the clinic"},
    )
    assert done.status_code == 201
    [item] = [i for i in _items(client) if i["kind"] == "program_paused"]
    assert item["acknowledged"] is True
    assert item["acknowledged_by"] == "Alice"
    # the patient sees that the clinician was told and when it was read
    page_login(client, "ann")
    today = client.get("/me").text
    assert "Your therapist was told on 2026-03-02 and read it on 2026-03-02." in today


def test_bad_item_ids_and_notes_are_refused_by_name(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "alice")
    for bad in ("nonsense", "program_paused:x:1", "message:0:1"):
        got = client.post(f"{API}/worklist/{bad}/acknowledge", headers=headers, json={})
        assert got.status_code == 422, (bad, got.text)
        assert got.json()["field"] == "item_id"
    long_note = {"note": "x" * 2001}
    got = client.post(
        f"{API}/worklist/message:{clinic.patient_a}:1/acknowledge", headers=headers, json=long_note
    )
    assert got.status_code == 422
    assert got.json()["field"] == "note"
    # well formed, but nothing open: a conflict, as acknowledge-stops answers
    got = client.post(f"{API}/worklist/message:{clinic.patient_a}:1/acknowledge", headers=headers)
    assert got.status_code == 409


def test_a_signed_in_patients_urgent_check_reaches_the_worklist(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    answers = {**SCREEN_OK, "weakness_trend": "worsening", "days_since_onset": 3}
    form = {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in answers.items()}
    # anonymous: the answer is shown, nothing is stored
    token = csrf_from(client.get("/urgent").text)
    shown = client.post("/urgent", data={**form, "csrf_token": token})
    assert shown.status_code == 200
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Screening)) == 0
    # signed in as the patient: stored, audited, on the clinician's worklist
    csrf = page_login(client, "ann")
    result = client.post("/urgent", data={**form, "csrf_token": csrf})
    assert result.status_code == 200
    with db.transaction() as session:
        stored = session.scalars(select(Screening)).all()
    assert [(s.patient_id, s.created_by_role) for s in stored] == [(clinic.patient_a, "patient")]
    level = stored[0].level
    assert level in ("emergency", "urgent", "see_clinician")
    assert "Your answers were sent to your therapist." in result.text
    assert any(e.outcome == "ok" for e in _audit(db, "patient.screen"))
    [item] = [i for i in _items(client) if i["kind"] == "urgent_check"]
    assert item["id"] == f"urgent_check:{clinic.patient_a}:{stored[0].id}"
    assert level.replace("_", " ") in item["detail"]


def test_messages_between_patient_and_clinicians(
    client: TestClient, clinic: Clinic, clock: Clock, db: Database
) -> None:
    url = f"{API}/patients/{clinic.patient_a}/messages"
    ann, alice = token_for(client, "ann"), token_for(client, "alice")
    sent = client.post(url, headers=ann, json={"text": "Brace rubbing on my shin, red mark"})
    assert sent.status_code == 201, sent.text
    assert sent.json()["read_by"] == []
    for who in ("bob", "ben", "root"):  # no access to the record: as if it did not exist
        headers = token_for(client, who)
        assert client.get(url, headers=headers).status_code == 404
        assert client.post(url, headers=headers, json={"text": "hi"}).status_code == 404
    [item] = [i for i in _items(client) if i["kind"] == "message"]
    assert item["acknowledged"] is False
    clock.advance(minutes=30)
    thread = client.get(url, headers=alice).json()
    assert [m["text"] for m in thread] == ["Brace rubbing on my shin, red mark"]
    [receipt] = thread[0]["read_by"]
    assert receipt["reader"] == "Alice"
    assert receipt["read_at"].startswith("2026-03-02T09:30")
    [item] = [i for i in _items(client) if i["kind"] == "message"]
    assert item["acknowledged"] is True  # read = acknowledged
    reply = client.post(url, headers=alice, json={"text": "Please come in on Monday."})
    assert reply.status_code == 201
    too_long = client.post(url, headers=alice, json={"text": "x" * 2001})
    assert too_long.status_code == 422
    assert too_long.json()["field"] == "text"
    blank = client.post(url, headers=ann, json={"text": "   "})
    assert blank.status_code == 422
    assert blank.json()["field"] == "text"
    extra = client.post(url, headers=ann, json={"text": "hi", "attachment": "x.png"})
    assert extra.status_code == 422  # no attachments
    # the patient's Today shows the unread reply; reading the thread clears it
    page_login(client, "ann")
    assert "New messages from your therapist: 1." in client.get("/me").text
    page = client.get("/me/messages").text
    assert "Please come in on Monday." in page
    assert "Read by Alice on 2026-03-02" in page
    assert "New messages from your therapist" not in client.get("/me").text
    with db.transaction() as session:
        receipts = session.scalar(select(func.count()).select_from(MessageRead))
    assert receipts == 2
    sends = [e for e in _audit(db, "message.send") if e.outcome == "ok"]
    assert [e.detail.split()[0] for e in sends] == ["message", "message"]
    reads = [e for e in _audit(db, "message.read") if e.outcome == "ok"]
    assert {e.actor_username for e in reads} >= {"alice", "ann"}
    assert any(
        e.outcome == "not_found" and e.actor_username == "bob" for e in _audit(db, "message.read")
    )


def test_acknowledging_a_message_item_marks_it_read(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    url = f"{API}/patients/{clinic.patient_a}/messages"
    first = client.post(url, headers=token_for(client, "ann"), json={"text": "hello"}).json()
    item_id = f"message:{clinic.patient_a}:{first['id']}"
    done = client.post(
        f"{API}/worklist/{item_id}/acknowledge",
        headers=token_for(client, "alice"),
        json={"note": "Will call"},
    )
    assert done.status_code == 201, done.text
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(MessageRead)) == 1
    page_login(client, "ann")
    assert "Read by Alice on 2026-03-02" in client.get("/me/messages").text


def test_no_checkin_and_overdue_reassessment(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    _assign(client, clinic)
    assert [i["kind"] for i in _items(client)] == []
    clock.advance(days=7)  # DORSI_NO_CHECKIN_DAYS: 7 by default
    kinds = [i["kind"] for i in _items(client)]
    assert kinds == ["no_checkin"]
    clock.advance(days=60)  # past the plan's review interval
    kinds = [i["kind"] for i in _items(client)]
    assert "reassessment_overdue" in kinds
    # a check-in clears the missing check-in
    sent = client.post(
        f"{API}/patients/{clinic.patient_a}/sessions",
        headers=token_for(client, "ann"),
        json=CHECKIN,
    )
    assert sent.status_code == 201
    assert "no_checkin" not in [i["kind"] for i in _items(client)]
    overdue = next(i for i in _items(client) if i["kind"] == "reassessment_overdue")
    done = client.post(
        f"{API}/worklist/{overdue['id']}/acknowledge", headers=token_for(client, "alice")
    )
    assert done.status_code == 201
    assert done.json()["note"] is None
    listed = [i for i in _items(client) if i["kind"] == "reassessment_overdue"]
    assert listed[0]["acknowledged"] is True
    assert _items(client)[-1]["acknowledged"] is True  # open items come first
    clock.advance(days=8)  # acknowledged items are listed for 7 days
    assert "reassessment_overdue" not in [i["kind"] for i in _items(client)]


def test_a_new_review_alert_kind_flows_through_by_name(
    client: TestClient, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kind the review learns later (e.g. ``skin_problem`` from the brace log) is listed
    under its own name, and its acknowledgement holds until newer data arrive."""
    real = review_patients

    def with_skin(db: Any, patients: Any, *, today: dt.date) -> Any:
        for reviewed in real(db, patients, today=today):
            kind: Any = "skin_problem"  # not in today's AlertKind: the point of the test
            alert = Alert.model_construct(kind=kind, message="Red mark on the shin.")
            progress = reviewed.progress.model_copy(
                update={"alerts": (*reviewed.progress.alerts, alert)}
            )
            yield type(reviewed)(
                reviewed.patient_id,
                reviewed.badges,
                progress,
                reviewed.latest_screening,
                reviewed.last_session,
            )

    monkeypatch.setattr(worklist_items, "review_patients", with_skin)
    _assign(client, clinic)
    [item] = [i for i in _items(client) if i["kind"] == "skin_problem"]
    assert item["id"] == f"skin_problem:{clinic.patient_a}:all"
    assert item["severity"] == "high"
    assert "Red mark on the shin." in item["detail"]
    done = client.post(
        f"{API}/worklist/{item['id']}/acknowledge", headers=token_for(client, "alice")
    )
    assert done.status_code == 201
    [item] = [i for i in _items(client) if i["kind"] == "skin_problem"]
    assert item["acknowledged"] is True


def test_worklist_page_acknowledges_with_a_note_and_filters_the_patient_list(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _assign(client, clinic)
    _stop_checkin(client, clinic)
    csrf = page_login(client, "alice")
    page = client.get("/clinic/worklist")
    assert page.status_code == 200
    assert 'href="/clinic/worklist"' in page.text
    assert "Ann Example" in page.text
    only_paused = client.get("/clinic?kind=program_paused").text
    assert "Ann Example" in only_paused
    assert "Ann Example" not in client.get("/clinic?kind=message").text
    # the clinician's patient page says it in clinical words, not to the patient
    dashboard = client.get(f"/clinic/patients/{clinic.patient_a}").text
    alerts = dashboard[dashboard.index('id="alerts"') : dashboard.index('id="messages"')]
    assert "Stop rule: patient-reported increased weakness (2026-03-02)" in alerts
    assert "your therapist" not in alerts.lower()
    assert "What the patient was told:" in dashboard  # their words, marked as theirs
    item_id = f"program_paused:{clinic.patient_a}:2026-03-02"
    done = client.post(
        f"/clinic/worklist/{item_id}/acknowledge",
        data={"note": "Spoke with Ann", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "Spoke with Ann" in client.get("/clinic/worklist").text
    assert "Ann Example" not in client.get("/clinic?kind=program_paused").text
    sent = client.post(
        f"/clinic/patients/{clinic.patient_a}/messages",
        data={"text": "Please rest until we speak.", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert "Please rest until we speak." in client.get(f"/clinic/patients/{clinic.patient_a}").text
    too_long = client.post(
        f"/clinic/patients/{clinic.patient_a}/messages",
        data={"text": "x" * 2001, "csrf_token": csrf},
    )
    assert too_long.status_code == 422


@pytest.fixture
def contact_app(db: Database, clock: Clock, tmp_path: Path) -> FastAPI:
    settings = load_settings(
        data_dir=tmp_path,
        secret_key=SECRET,
        clinic_phone="+1 555 0100",
        clinic_hours="Mon-Fri 8:00-17:00",
        clinic_out_of_hours="Call the on-call physiotherapist at +1 555 0199.",
    )
    return create_app(settings, database=db, clock=clock, migrate=False)


def test_the_clinic_contact_is_on_every_paused_patient_page(
    contact_app: FastAPI, clinic: Clinic
) -> None:
    with TestClient(contact_app, raise_server_exceptions=False) as client:
        _assign(client, clinic)
        csrf = page_login(client, "ann")
        assert "+1 555 0100" not in client.get("/me").text  # not paused: not shown
        assert "Your exercises are paused." not in client.get("/me/messages").text
        _stop_checkin(client, clinic)
        for path in ("/me", "/me/session", "/me/progress"):
            text = client.get(path).text
            assert "+1 555 0100" in text, path
            assert "Mon-Fri 8:00-17:00" in text, path
            assert "on-call physiotherapist" in text, path
            assert "Your therapist was told on 2026-03-02. They have not read it yet." in text
            assert text.count("How to reach the clinic") == 1, path  # the bar is left out
        # every other page a patient opens says the program is paused, and how to reach us
        others = (
            "/me/messages",
            "/me/brace",
            "/me/reminders",
            "/me/questionnaires/lefs",
            "/urgent",
            "/learn",
            "/cost",
            "/account",
        )
        for path in others:
            page = client.get(path)
            assert page.status_code == 200, path
            assert page.text.count("How to reach the clinic") == 1, path
            assert "Your exercises are paused." in page.text, path
            assert "+1 555 0100" in page.text, path
        client.post("/language", data={"lang": "es", "next": "/me", "csrf_token": csrf})
        spanish = client.get("/me").text
        assert "Cómo contactar con la clínica" in spanish
        assert "Sus ejercicios están en pausa." in client.get("/me/messages").text
        assert "Se avisó a su terapeuta el 2026-03-02. Todavía no lo ha leído." in spanish


def test_a_skin_problem_is_acknowledged_per_brace_log_entry(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    """The item's subject is the newest brace log with a problem: acknowledged, it stays so
    through check-ins and problem-free logs, and the next problem opens a new item."""
    _assign(client, clinic)
    url = f"{API}/patients/{clinic.patient_a}/brace-log"

    def log(problem: bool) -> int:
        body: dict[str, Any] = {"wear_hours": 6, "skin_problem": problem}
        if problem:
            body["seen"] = ["blister"]
        sent = client.post(url, headers=token_for(client, "ann"), json=body)
        assert sent.status_code == 201, sent.text
        log_id: int = sent.json()["id"]
        return log_id

    def skin() -> list[tuple[str, bool]]:
        return [(i["id"], i["acknowledged"]) for i in _items(client) if i["kind"] == "skin_problem"]

    first = log(True)
    assert skin() == [(f"skin_problem:{clinic.patient_a}:{first}", False)]
    done = client.post(
        f"{API}/worklist/skin_problem:{clinic.patient_a}:{first}/acknowledge",
        headers=token_for(client, "alice"),
        json={"note": "Called: padding added"},
    )
    assert done.status_code == 201, done.text
    clock.advance(hours=2)
    checkin = client.post(
        f"{API}/patients/{clinic.patient_a}/sessions",
        headers=token_for(client, "ann"),
        json=CHECKIN,
    )
    assert checkin.status_code == 201, checkin.text
    log(False)
    assert skin() == [(f"skin_problem:{clinic.patient_a}:{first}", True)]
    clock.advance(hours=2)
    second = log(True)
    assert skin() == [(f"skin_problem:{clinic.patient_a}:{second}", False)]


def test_a_note_with_a_check_in_reaches_the_worklist_in_the_patients_words(
    client: TestClient, clinic: Clinic, clock: Clock, db: Database
) -> None:
    _assign(client, clinic)
    path = f"{API}/patients/{clinic.patient_a}/sessions"
    ann = token_for(client, "ann")
    assert client.post(path, headers=ann, json=CHECKIN).status_code == 201  # no note: no item
    assert [i for i in _items(client) if i["kind"] == "checkin_note"] == []
    clock.advance(days=1)
    note = "brace rubbing on my shin, red mark"
    ann = token_for(client, "ann")
    assert client.post(path, headers=ann, json={**CHECKIN, "notes": note}).status_code == 201
    [item] = [i for i in _items(client) if i["kind"] == "checkin_note"]
    assert note in item["detail"]
    assert item["patient_id"] == clinic.patient_a
    assert item["acknowledged"] is False
    assert _items(client, "bob") == []  # not bob's patient
    url = f"{API}/worklist/{item['id']}/acknowledge"
    done = client.post(url, headers=token_for(client, "alice"), json={"note": "Called; padding"})
    assert done.status_code == 201, done.text
    [seen] = [i for i in _items(client) if i["kind"] == "checkin_note"]
    assert seen["acknowledged"] is True
    # a later note is a new item, open again
    clock.advance(days=1)
    later = {**CHECKIN, "notes": "mark is gone"}
    assert client.post(path, headers=token_for(client, "ann"), json=later).status_code == 201
    [newer] = [i for i in _items(client) if i["kind"] == "checkin_note"]
    assert newer["id"] != item["id"]
    assert newer["acknowledged"] is False
    assert "mark is gone" in newer["detail"]
