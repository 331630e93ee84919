"""The request's unit of work (dorsi.web.deps): committed before the answer is sent.

A commit that fails must turn into an error answer (never a 201 for a check-in that was not
stored); the audit entries of the request land in the same transaction as its writes.
"""

from __future__ import annotations

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from dorsi.store.db import Database
from dorsi.store.models import AuditEntry, SessionCheckin
from tests.web.conftest import CHECKIN, Clinic, TestClient, token_for


def _count(db: Database, what: object) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(what)) or 0)  # type: ignore[arg-type]


def test_a_failing_commit_is_an_error_answer_and_nothing_is_stored(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    headers = token_for(client, "ann")
    url = f"/api/v1/patients/{clinic.patient_a}/sessions"

    def fail(_session: Session) -> None:
        raise RuntimeError("the disk is full")

    event.listen(Session, "before_commit", fail)
    try:
        answer = client.post(url, headers=headers, json=CHECKIN)
    finally:
        event.remove(Session, "before_commit", fail)
    assert answer.status_code == 500, answer.text
    assert "nothing was changed" in answer.json()["detail"]
    assert _count(db, SessionCheckin) == 0


def test_a_check_in_and_its_audit_entry_are_committed_together(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    headers = token_for(client, "ann")
    before = _count(db, AuditEntry)
    answer = client.post(
        f"/api/v1/patients/{clinic.patient_a}/sessions", headers=headers, json=CHECKIN
    )
    assert answer.status_code == 201, answer.text
    assert _count(db, SessionCheckin) == 1
    with db.transaction() as session:
        newest = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert _count(db, AuditEntry) == before + 1
    assert newest is not None
    assert (newest.action, newest.outcome, newest.patient_id) == (
        "session.log",
        "ok",
        clinic.patient_a,
    )
