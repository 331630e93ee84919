"""Read-first units (run_read, run_staged): a read-only snapshot, then one short write."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dorsi.errors import NotFoundError
from dorsi.services import audit, progress
from dorsi.services.context import Actor, Ctx, Staged, run_read, run_staged, run_unit
from dorsi.services.progress import _INSERT_CHECKIN
from dorsi.settings import load_settings
from dorsi.store import audit_chain
from dorsi.store.db import Database, ReadOnlyError
from dorsi.store.models import AuditEntry, Patient, PatientClinician, SessionCheckin, User

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALICE = Actor(1, "alice", "clinician", "Alice")
MakeCtx = Callable[[Session], Ctx]


def _ctx_factory(tmp_path: Path, actor: Actor = ALICE) -> MakeCtx:
    settings = load_settings(data_dir=tmp_path, secret_key="s" * 32)

    def make(session: Session) -> Ctx:
        return Ctx(
            db=session, now=NOW, settings=settings, secret=b"s" * 32, request_id="r1", actor=actor
        )

    return make


def _patient(name: str = "P") -> Patient:
    return Patient(
        display_name=name, side="left", cause="lumbar", created_at=NOW, program_paused=False
    )


def _user(username: str) -> User:
    return User(
        username=username, role="clinician", display_name=username, password_hash=None,
        created_at=NOW,
    )  # fmt: skip


def _add_patient(db: Database, name: str = "P") -> int:
    with db.transaction() as session:
        patient = _patient(name)
        session.add(patient)
        session.flush()
        return patient.id


def _entries(db: Database) -> list[tuple[str, str, int | None]]:
    with db.transaction() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.action, e.outcome, e.patient_id) for e in rows]


def _names(db: Database) -> list[str]:
    with db.transaction() as session:
        return list(session.scalars(select(Patient.display_name).order_by(Patient.id)))


def _usernames(db: Database) -> list[str]:
    with db.transaction() as session:
        return list(session.scalars(select(User.username).order_by(User.id)))


# --- run_read ---------------------------------------------------------------------------


def test_run_read_returns_what_it_read_and_audits_ok(db: Database, tmp_path: Path) -> None:
    patient_id = _add_patient(db, "Reader")

    def work(ctx: Ctx) -> str:
        assert ctx.reading
        audit.note(ctx, "patient.read", patient_id, "first")
        audit.note(ctx, "patient.read", patient_id, "second")
        patient = ctx.db.get(Patient, patient_id)
        assert patient is not None
        return patient.display_name

    assert run_read(db, _ctx_factory(tmp_path), work) == "Reader"
    assert _entries(db) == [("patient.read", "ok", patient_id)] * 2
    with db.transaction() as session:
        details = session.scalars(select(AuditEntry.detail).order_by(AuditEntry.id)).all()
        actors = session.scalars(select(AuditEntry.actor_username)).all()
    assert details == ["first", "second"]
    assert actors == ["alice", "alice"]


@pytest.mark.parametrize("flush", [True, False], ids=["flush", "at-commit"])
def test_run_read_refuses_an_orm_add(db: Database, tmp_path: Path, flush: bool) -> None:
    def work(ctx: Ctx) -> None:
        audit.note(ctx, "patient.create", None)
        ctx.db.add(_patient("sneaked in"))
        if flush:
            ctx.db.flush()

    with pytest.raises(ReadOnlyError):
        run_read(db, _ctx_factory(tmp_path), work)
    assert _names(db) == []
    assert _entries(db) == [("patient.create", "error", None)]


def test_run_read_refuses_an_orm_update(db: Database, tmp_path: Path) -> None:
    patient_id = _add_patient(db, "Unchanged")

    def work(ctx: Ctx) -> None:
        audit.note(ctx, "patient.update", patient_id)
        ctx.db.execute(update(Patient).values(display_name="changed"))

    with pytest.raises(ReadOnlyError):
        run_read(db, _ctx_factory(tmp_path), work)
    assert _names(db) == ["Unchanged"]
    assert _entries(db) == [("patient.update", "error", patient_id)]


def test_run_read_refuses_a_change_to_a_loaded_row(db: Database, tmp_path: Path) -> None:
    patient_id = _add_patient(db, "Unchanged")

    def work(ctx: Ctx) -> None:
        patient = ctx.db.get(Patient, patient_id)
        assert patient is not None
        patient.display_name = "changed"

    with pytest.raises(ReadOnlyError):
        run_read(db, _ctx_factory(tmp_path), work)
    assert _names(db) == ["Unchanged"]


@pytest.mark.parametrize("how", ["prepared", "text"])
def test_run_read_refuses_a_write_outside_the_orm(db: Database, tmp_path: Path, how: str) -> None:
    patient_id = _add_patient(db, "Unchanged")

    def work(ctx: Ctx) -> None:
        if how == "prepared":
            _INSERT_CHECKIN.rows(
                ctx.db,
                patient_id=patient_id, program_id=None, session_date=date(2026, 3, 1),
                created_at=NOW, created_by_id=None, completed=True, sets_done=None,
                pain_nrs=1, difficulty="ok", trips_since_last=None, weakness_worse=False,
                balance_worse=False, notes="",
            )  # fmt: skip
        else:
            ctx.db.execute(text("UPDATE patients SET display_name = 'changed'"))

    try:
        run_read(db, _ctx_factory(tmp_path), work)
    except Exception as exc:  # a refusal may come from the driver (e.g. a read-only BEGIN)
        assert "read" in str(exc).lower()  # noqa: PT017
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(SessionCheckin)) == 0
    assert _names(db) == ["Unchanged"]


def test_a_snapshot_reads_one_state_while_a_writer_commits(db: Database) -> None:
    patient_id = _add_patient(db, "before")
    with db.snapshot() as reader:
        first = reader.scalar(select(Patient.display_name).where(Patient.id == patient_id))
        with db.transaction() as writer:  # the writer is not blocked by the reader
            writer.execute(update(Patient).values(display_name="after"))
        again = reader.scalar(select(Patient.display_name).where(Patient.id == patient_id))
    assert _names(db) == ["after"]
    assert (first, again) == ("before", "before")


# --- run_staged -------------------------------------------------------------------------


def test_run_staged_writes_the_staged_change_with_the_audit(db: Database, tmp_path: Path) -> None:
    events: list[str] = []
    readers: list[Session] = []

    def work(ctx: Ctx) -> Staged[int]:
        readers.append(ctx.db)
        audit.note(ctx, "patient.create", None, "staged")
        new = _patient("Staged")
        ctx.write(lambda db: events.append("ctx.write"))
        events.append("read")

        def write(session: Session) -> None:
            assert session is not readers[0]
            assert not ctx.reading
            assert ctx.db is session  # services see the write session now
            events.append("write")
            session.add(new)
            session.flush()

        return Staged(write=write, answer=lambda: new.id)

    new_id = run_staged(db, _ctx_factory(tmp_path), work)
    assert events == ["read", "ctx.write", "write"]
    assert _names(db) == ["Staged"]
    with db.transaction() as session:
        assert session.get(Patient, new_id) is not None
    assert _entries(db) == [("patient.create", "ok", None)]


def test_run_staged_commits_write_and_audit_in_one_transaction(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the audit append fails after the staged write, the staged write is undone too."""
    real_append = audit_chain.append
    calls: list[int] = []

    def failing_append(session: Session, entries: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:  # the unit's own append; the failure audit may then land
            raise RuntimeError("audit append failed")
        return real_append(session, entries)

    monkeypatch.setattr(audit_chain, "append", failing_append)

    def work(ctx: Ctx) -> Staged[None]:
        audit.note(ctx, "patient.create", None)
        ctx.write(lambda db: db.add(_user("by-ctx-write")))
        return Staged(write=lambda db: db.add(_patient("Staged")), answer=lambda: None)

    with pytest.raises(RuntimeError, match="audit append failed"):
        run_staged(db, _ctx_factory(tmp_path), work)
    assert _names(db) == []
    assert _usernames(db) == []
    assert _entries(db) == [("patient.create", "error", None)]


def test_a_failing_staged_write_keeps_nothing_and_audits_the_failure(
    db: Database, tmp_path: Path
) -> None:
    with db.transaction() as session:
        session.add(_user("taken"))

    def work(ctx: Ctx) -> Staged[None]:
        audit.note(ctx, "patient.create", None)
        ctx.write(lambda db: db.add(_user("by-ctx-write")))

        def write(session: Session) -> None:
            session.add(_patient("half"))
            session.flush()
            session.add(_user("taken"))  # unique username: IntegrityError
            session.flush()

        return Staged(write=write, answer=lambda: None)

    with pytest.raises(IntegrityError):
        run_staged(db, _ctx_factory(tmp_path), work)
    assert _names(db) == []
    assert _usernames(db) == ["taken"]
    assert _entries(db) == [("patient.create", "error", None)]
    # the next unit runs normally
    run_staged(
        db,
        _ctx_factory(tmp_path),
        lambda ctx: Staged(write=lambda s: s.add(_patient("next")), answer=lambda: None),
    )
    assert _names(db) == ["next"]


def test_a_failure_while_reading_writes_nothing_staged(db: Database, tmp_path: Path) -> None:
    def work(ctx: Ctx) -> Staged[None]:
        audit.note(ctx, "patient.read", 77)
        ctx.write(lambda db: db.add(_patient("never")))
        raise NotFoundError("no patient 77")

    with pytest.raises(NotFoundError):
        run_staged(db, _ctx_factory(tmp_path), work)
    assert _names(db) == []
    assert _entries(db) == [("patient.read", "not_found", 77)]


def test_ctx_write_outside_a_read_phase_applies_at_once(db: Database, tmp_path: Path) -> None:
    def work(ctx: Ctx) -> list[str]:
        assert not ctx.reading
        ctx.write(lambda db: db.add(_patient("now")))
        ctx.db.flush()
        assert ctx.staged == []
        return list(ctx.db.scalars(select(Patient.display_name)))

    assert run_unit(db, _ctx_factory(tmp_path), work) == ["now"]
    assert _names(db) == ["now"]


# --- the real staged check-in -----------------------------------------------------------


def _clinic(db: Database) -> tuple[Actor, int]:
    with db.transaction() as session:
        user = _user("clin")
        patient = _patient("Checker")
        session.add_all([user, patient])
        session.flush()
        session.add(PatientClinician(patient_id=patient.id, clinician_id=user.id, assigned_at=NOW))
        return Actor(user.id, "clin", "clinician", "clin"), patient.id


CHECKIN = {
    "date": "2026-03-01",
    "completed": True,
    "sets_done": 3,
    "pain_nrs": 2,
    "difficulty": "ok",
    "weakness_worse": False,
    "balance_worse": False,
    "notes": "fine",
}


def test_a_staged_check_in_matches_the_one_written_in_one_unit(
    db: Database, tmp_path: Path
) -> None:
    actor, patient_id = _clinic(db)
    make = _ctx_factory(tmp_path, actor)
    staged = run_staged(db, make, lambda ctx: progress.stage_session(ctx, patient_id, CHECKIN))
    plain = run_unit(db, make, lambda ctx: progress.log_session(ctx, patient_id, CHECKIN))
    assert staged.id != plain.id
    assert staged.model_dump(exclude={"id"}) == plain.model_dump(exclude={"id"})
    with db.transaction() as session:
        rows = session.scalars(select(SessionCheckin).order_by(SessionCheckin.id)).all()
        names = [c.name for c in SessionCheckin.__table__.columns if c.name != "id"]
        assert [r.id for r in rows] == [staged.id, plain.id]
        assert {n: getattr(rows[0], n) for n in names} == {n: getattr(rows[1], n) for n in names}
        assert rows[0].created_at == NOW
        assert rows[0].created_by_id == actor.id
    assert _entries(db) == [("session.log", "ok", patient_id)] * 2


def test_a_staged_check_in_that_worsened_pauses_the_program(db: Database, tmp_path: Path) -> None:
    actor, patient_id = _clinic(db)
    answer = run_staged(
        db,
        _ctx_factory(tmp_path, actor),
        lambda ctx: progress.stage_session(ctx, patient_id, {**CHECKIN, "weakness_worse": True}),
    )
    assert answer.program_paused
    assert answer.advice
    with db.transaction() as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        assert patient.program_paused
        assert patient.paused_at == NOW
        assert session.scalar(select(func.count()).select_from(SessionCheckin)) == 1


def test_a_staged_check_in_by_a_stranger_writes_nothing(db: Database, tmp_path: Path) -> None:
    _, patient_id = _clinic(db)
    stranger = Actor(9999, "stranger", "clinician", "S")
    with pytest.raises(NotFoundError):
        run_staged(
            db,
            _ctx_factory(tmp_path, stranger),
            lambda ctx: progress.stage_session(ctx, patient_id, CHECKIN),
        )
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(SessionCheckin)) == 0
    assert _entries(db) == [("session.log", "not_found", patient_id)]


# --- the audit chain --------------------------------------------------------------------


def _mixed_units(db: Database, make: MakeCtx, n: int) -> None:
    def note(ctx: Ctx) -> None:
        audit.note(ctx, "patient.read", n)

    run_unit(db, make, note)
    run_read(db, make, note)

    def staged(ctx: Ctx) -> Staged[None]:
        note(ctx)
        audit.note(ctx, "patient.update", n)
        return Staged(write=lambda s: s.add(_patient(f"s{n}")), answer=lambda: None)

    run_staged(db, make, staged)

    def failing_read(ctx: Ctx) -> None:
        note(ctx)
        raise NotFoundError("gone")

    with pytest.raises(NotFoundError):
        run_read(db, make, failing_read)

    def failing_write(ctx: Ctx) -> Staged[None]:
        note(ctx)
        return Staged(
            write=lambda s: s.execute(text("SELECT * FROM no_such_table")), answer=lambda: None
        )

    with pytest.raises(Exception, match="no_such_table"):
        run_staged(db, make, failing_write)


def test_the_chain_holds_after_mixed_units(db: Database, tmp_path: Path) -> None:
    make = _ctx_factory(tmp_path)
    for n in range(5):
        _mixed_units(db, make, n)
    entries = _entries(db)
    assert len(entries) == 5 * 6
    outcomes = [outcome for _, outcome, _ in entries[:6]]
    assert outcomes == ["ok"] * 4 + ["not_found", "error"]
    with db.transaction() as session:
        verdict = audit_chain.verify(session)
        ids = session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
    assert verdict.intact, verdict.broken
    assert verdict.entries == 30
    assert list(ids) == list(range(1, 31))


def test_the_chain_holds_with_threads_mixing_units(db: Database, tmp_path: Path) -> None:
    make = _ctx_factory(tmp_path)
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait()
        try:
            for n in range(5):
                _mixed_units(db, make, n)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with db.transaction() as session:
        verdict = audit_chain.verify(session)
        ids = session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
        patients = session.scalar(select(func.count()).select_from(Patient))
    assert verdict.intact, verdict.broken
    assert list(ids) == list(range(1, 4 * 5 * 6 + 1))
    assert patients == 4 * 5
