"""run_unit: work and audit commit together; on failure the audit still lands."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dorsi.errors import InputError, NotFoundError, PermissionDeniedError
from dorsi.services import audit
from dorsi.services.context import Actor, Ctx, run_unit
from dorsi.settings import load_settings
from dorsi.store.db import Database
from dorsi.store.models import AuditEntry, LoginAttempt, Patient

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALICE = Actor(1, "alice", "clinician", "Alice")


def _ctx_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = load_settings(data_dir=tmp_path, secret_key="s" * 32)

    def make(session: Session) -> Ctx:
        return Ctx(
            db=session, now=NOW, settings=settings, secret=b"s" * 32, request_id="r1", actor=ALICE
        )

    return make


def _patient() -> Patient:
    return Patient(
        display_name="P", side="left", cause="lumbar", created_at=NOW, program_paused=False
    )


def _entries(db: Database) -> list[tuple[str, str, int | None]]:
    with db.transaction() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.action, e.outcome, e.patient_id) for e in rows]


def test_success_commits_work_and_audit_together(db: Database, tmp_path: Path) -> None:
    def work(ctx: Ctx) -> int:
        patient = _patient()
        ctx.db.add(patient)
        ctx.db.flush()
        audit.note(ctx, "patient.create", patient.id)
        return patient.id

    patient_id = run_unit(db, _ctx_factory(tmp_path), work)
    assert _entries(db) == [("patient.create", "ok", patient_id)]


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (PermissionDeniedError("no"), "denied"),
        (NotFoundError("no"), "not_found"),
        (InputError("bad", field="x"), "invalid"),
        (RuntimeError("bug"), "error"),
    ],
)
def test_failure_rolls_back_the_work_but_keeps_the_audit(
    db: Database, tmp_path: Path, error: Exception, outcome: str
) -> None:
    def work(ctx: Ctx) -> None:
        ctx.db.add(_patient())
        ctx.db.flush()
        audit.note(ctx, "patient.read", 42)
        ctx.keep_on_failure.append(
            lambda: LoginAttempt(
                username_hash="u" * 64, address_hash="a" * 64, attempted_at=NOW, succeeded=False
            )
        )
        raise error

    with pytest.raises(type(error)):
        run_unit(db, _ctx_factory(tmp_path), work)
    assert _entries(db) == [("patient.read", outcome, 42)]
    with db.transaction() as session:
        assert session.scalars(select(Patient)).all() == []
        assert len(session.scalars(select(LoginAttempt)).all()) == 1


def test_canonical_form_is_stable() -> None:
    entry = AuditEntry(
        id=7,
        at=NOW,
        actor_id=1,
        actor_username="alice",
        actor_role="clinician",
        patient_id=3,
        action="patient.read",
        outcome="ok",
        detail="",
        request_id="r1",
    )
    first = audit.canonical(entry)
    assert first == audit.canonical(entry)
    assert first.startswith(b'{"action":"patient.read","actor_id":1')
    entry.outcome = "denied"
    assert audit.canonical(entry) != first
