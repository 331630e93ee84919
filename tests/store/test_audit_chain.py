"""The audit log's hash chain: appends, the four tamperings, anchors, concurrency, sealing."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from dorsi.services import audit
from dorsi.services.context import Actor, Ctx, run_unit
from dorsi.settings import load_settings
from dorsi.store import audit_chain
from dorsi.store.audit_chain import GENESIS, entry_hash, parse_anchor, verify
from dorsi.store.db import Database, make_engine
from dorsi.store.migrate import downgrade, upgrade
from dorsi.store.models import AuditEntry
from tests.store.audit_helpers import NOW, write_entries

ALICE = Actor(1, "alice", "clinician", "Alice")


def check(db: Database) -> audit_chain.Verdict:
    with db.transaction() as session:
        return verify(session)


def tamper(db: Database, *statements: str, change: Callable[[Session], None] | None = None) -> None:
    """Change audit rows as an attacker with database access would, in one transaction.

    On PostgreSQL the append-only trigger is switched off first (the table owner can do that;
    the chain is what still shows the change).
    """
    with db.transaction() as session:
        if not db.is_sqlite:
            session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        for statement in statements:
            session.execute(text(statement))
        if change is not None:
            change(session)
            session.flush()
        if not db.is_sqlite:
            session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))


def test_entries_are_chained_with_consecutive_ids(db: Database, tmp_path: Path) -> None:
    write_entries(db, 4, settings_dir=tmp_path, per_unit=2)
    with db.transaction() as session:
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [e.id for e in rows] == list(range(1, 9))
    assert rows[0].prev_hash == GENESIS
    for before, entry in itertools.pairwise(rows):
        assert entry.prev_hash == before.entry_hash
        assert entry.entry_hash == entry_hash(before.entry_hash, entry)
    verdict = check(db)
    assert verdict.intact
    assert (verdict.entries, verdict.head_id, verdict.head_hash) == (8, 8, rows[-1].entry_hash)


def test_an_empty_log_is_intact(db: Database) -> None:
    verdict = check(db)
    assert verdict.intact
    assert (verdict.entries, verdict.head_id, verdict.head_hash) == (0, 0, GENESIS)


def test_failed_units_are_chained_too(db: Database, tmp_path: Path) -> None:
    app_settings = load_settings(data_dir=tmp_path, secret_key="s" * 32)

    def make(session: Session) -> Ctx:
        return Ctx(db=session, now=NOW, settings=app_settings, secret=b"s" * 32, actor=ALICE)

    def work(ctx: Ctx) -> None:
        audit.note(ctx, "patient.read", 9)
        raise PermissionError("refused")

    write_entries(db, 1, settings_dir=tmp_path)
    with pytest.raises(PermissionError):
        run_unit(db, make, work)
    write_entries(db, 1, settings_dir=tmp_path)
    verdict = check(db)
    assert verdict.intact
    assert verdict.entries == 3


def test_an_append_rolled_back_leaves_the_chain_without_a_gap(db: Database, tmp_path: Path) -> None:
    write_entries(db, 1, settings_dir=tmp_path)

    def fail_after_append() -> None:
        with db.transaction() as session:
            entry = AuditEntry(at=NOW, action="x", outcome="ok", detail="", request_id="-")
            audit_chain.append(session, [entry])
            raise RuntimeError("the unit failed after its audit entry was chained")

    with pytest.raises(RuntimeError, match="failed after"):
        fail_after_append()
    write_entries(db, 1, settings_dir=tmp_path)
    verdict = check(db)
    assert verdict.intact
    assert (verdict.entries, verdict.head_id) == (2, 2)


# --- the four tamperings ----------------------------------------------------------------


def test_a_changed_entry_is_detected(db: Database, tmp_path: Path) -> None:
    write_entries(db, 5, settings_dir=tmp_path)
    tamper(db, "UPDATE audit_log SET outcome = 'denied' WHERE id = 3")
    verdict = check(db)
    assert verdict.broken is not None
    assert verdict.broken.entry_id == 3
    assert "changed" in verdict.broken.reason
    assert verdict.entries == 2


def test_a_deleted_entry_is_detected(db: Database, tmp_path: Path) -> None:
    write_entries(db, 5, settings_dir=tmp_path)
    tamper(db, "DELETE FROM audit_log WHERE id = 3")
    verdict = check(db)
    assert verdict.broken is not None
    assert verdict.broken.entry_id == 4
    assert "entry 3 is missing" in verdict.broken.reason


def test_a_deleted_entry_with_renumbered_ids_is_detected(db: Database, tmp_path: Path) -> None:
    """Closing the gap (ids shifted down) still breaks the chain at the next entry."""
    write_entries(db, 5, settings_dir=tmp_path)
    tamper(
        db,
        "DELETE FROM audit_log WHERE id = 3",
        "UPDATE audit_log SET id = 3 WHERE id = 4",
        "UPDATE audit_log SET id = 4 WHERE id = 5",
    )
    verdict = check(db)
    assert verdict.broken is not None
    assert verdict.broken.entry_id == 3


def _forged(entry_id: int, prev_hash: str) -> AuditEntry:
    forged = AuditEntry(
        id=entry_id,
        at=NOW + timedelta(seconds=2, milliseconds=500),
        actor_id=1,
        actor_username="alice",
        actor_role="clinician",
        patient_id=2,
        action="patient.read",
        outcome="ok",
        detail="",
        request_id="forged",
    )
    forged.prev_hash = prev_hash
    forged.entry_hash = entry_hash(prev_hash, forged)  # a correct hash: the attacker knows how
    return forged


def test_an_inserted_entry_is_detected(db: Database, tmp_path: Path) -> None:
    write_entries(db, 5, settings_dir=tmp_path)

    def insert(session: Session) -> None:
        second = session.get(AuditEntry, 2)
        assert second is not None
        session.add(_forged(3, second.entry_hash))

    tamper(
        db,
        "UPDATE audit_log SET id = 6 WHERE id = 5",
        "UPDATE audit_log SET id = 5 WHERE id = 4",
        "UPDATE audit_log SET id = 4 WHERE id = 3",
        change=insert,
    )
    verdict = check(db)
    assert verdict.broken is not None
    # The forged entry itself links correctly; the entry after it no longer does.
    assert verdict.broken.entry_id == 4
    assert "does not follow entry 3" in verdict.broken.reason


def test_entries_cut_off_the_end_are_caught_by_an_anchor(db: Database, tmp_path: Path) -> None:
    """Cutting entries off the end is caught only against an anchor kept elsewhere."""
    write_entries(db, 5, settings_dir=tmp_path)
    before = check(db)
    anchor = (before.head_id, before.head_hash)
    tamper(db, "DELETE FROM audit_log WHERE id = 5")
    with db.transaction() as session:
        plain = verify(session)
        anchored = verify(session, anchor=anchor)
    assert plain.intact  # the chain alone cannot see a cut-off tail ...
    assert not anchored.intact  # ... the anchor can
    assert anchored.anchor_missing is not None
    assert "entry 5 is gone" in anchored.anchor_missing


def test_a_reordered_entry_is_detected(db: Database, tmp_path: Path) -> None:
    write_entries(db, 5, settings_dir=tmp_path)
    # Swap entries 2 and 3 (every column, hashes included) through a free id.
    tamper(
        db,
        "UPDATE audit_log SET id = 100 WHERE id = 2",
        "UPDATE audit_log SET id = 2 WHERE id = 3",
        "UPDATE audit_log SET id = 3 WHERE id = 100",
    )
    verdict = check(db)
    assert verdict.broken is not None
    assert verdict.broken.entry_id == 2


def test_a_rewritten_chain_is_caught_by_an_anchor(db: Database, tmp_path: Path) -> None:
    write_entries(db, 4, settings_dir=tmp_path)
    before = check(db)
    # The attacker changes entry 3 and recomputes every hash from there on.

    def rewrite(session: Session) -> None:
        prev = session.get(AuditEntry, 2)
        assert prev is not None
        last = prev.entry_hash
        for entry_id in (3, 4):
            row = session.get(AuditEntry, entry_id)
            assert row is not None
            row.prev_hash = last
            row.entry_hash = entry_hash(last, row)
            last = row.entry_hash

    tamper(db, "UPDATE audit_log SET outcome = 'denied' WHERE id = 3", change=rewrite)
    with db.transaction() as session:
        assert verify(session).intact
        verdict = verify(session, anchor=(before.head_id, before.head_hash))
    assert verdict.anchor_missing is not None
    assert "rewritten" in verdict.anchor_missing


# --- append-only --------------------------------------------------------------------------


def test_postgres_refuses_update_and_delete_of_audit_rows(db: Database, tmp_path: Path) -> None:
    if db.is_sqlite:
        pytest.skip("the append-only trigger is PostgreSQL's (SQLite: no code path writes)")
    write_entries(db, 2, settings_dir=tmp_path)
    for statement in (
        "UPDATE audit_log SET outcome = 'denied' WHERE id = 1",
        "DELETE FROM audit_log WHERE id = 2",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.transaction() as session:
            session.execute(text(statement))
    assert check(db).intact


# --- the link the database computes -----------------------------------------------------


#: every field of an entry, as the canonical form before the split named them
_WHOLE = "id actor_id actor_username actor_role patient_id action outcome detail request_id"
#: any text PostgreSQL can store (no NUL) that encodes (no lone surrogate)
_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))


@given(
    entry_id=st.integers(min_value=1, max_value=10**15),
    actor_id=st.none() | st.integers(min_value=-(2**31), max_value=2**31 - 1),
    username=st.none() | _TEXT,
    detail=_TEXT,
    seconds=st.integers(min_value=0, max_value=10**9),
)
@settings(max_examples=200)
def test_the_parts_around_the_id_are_the_whole_entry_json(
    entry_id: int, actor_id: int | None, username: str | None, detail: str, seconds: int
) -> None:
    """Chains written before the database linked entries must still verify: the canonical
    form built from its parts is byte for byte the sorted JSON of the whole entry."""
    entry = AuditEntry(
        id=entry_id,
        at=NOW + timedelta(seconds=seconds, microseconds=seconds % 999_999),
        actor_id=actor_id,
        actor_username=username,
        actor_role=None,
        patient_id=actor_id,
        action="patient.read",
        outcome="ok",
        detail=detail,
        request_id=username or "-",
    )
    whole = {name: getattr(entry, name) for name in _WHOLE.split()}
    whole["at"] = entry.at.isoformat()
    expected = json.dumps(whole, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert audit_chain.canonical(entry) == expected.encode("ascii")
    before, after = audit_chain.canonical_parts(entry)
    assert audit_chain.link_hash(GENESIS, before, entry_id, after) == entry_hash(GENESIS, entry)


@pytest.mark.parametrize(
    "detail",
    ['quotes " and \\ backslash', "tab\tnew line\n", "ünï cödé ✓ 患者 🦶", "x" * 300, ""],
)
def test_the_database_links_entries_as_python_checks_them(db: Database, detail: str) -> None:
    """Each database writes the hash that :func:`entry_hash` recomputes, whatever the text."""
    entries = [
        AuditEntry(
            at=NOW + timedelta(microseconds=n),
            actor_id=None if n else 4,
            actor_username=None if n else "alice",
            actor_role=None if n else "clinician",
            patient_id=None if n else 12,
            action="patient.read",
            outcome="ok",
            detail=detail,
            request_id="r",
        )
        for n in range(3)
    ]
    with db.transaction() as session:
        audit_chain.append(session, entries)
    assert [e.id for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS
    with db.transaction() as session:
        stored = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    prev = GENESIS
    for written, row in zip(entries, stored, strict=True):
        assert (row.prev_hash, row.entry_hash) == (prev, written.entry_hash)
        assert row.entry_hash == entry_hash(prev, row)
        prev = row.entry_hash
    assert check(db).intact


# --- concurrency --------------------------------------------------------------------------


def test_concurrent_appends_from_two_processes_keep_one_chain(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    """Two Database objects (as two `dorsi serve` processes would have), four threads each."""
    other = Database(make_engine(database_url))
    errors: list[BaseException] = []

    def worker(target: Database) -> None:
        try:
            write_entries(target, 6, settings_dir=tmp_path, per_unit=2)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(d,)) for d in (db, other) * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.dispose()
    assert errors == []
    verdict = check(db)
    assert verdict.intact, verdict.broken
    assert verdict.entries == 8 * 6 * 2


# --- anchors ------------------------------------------------------------------------------


@given(
    entry_id=st.integers(min_value=1, max_value=10**12),
    digest=st.text(alphabet="0123456789abcdefABCDEF", min_size=64, max_size=64),
)
@settings(max_examples=50)
def test_anchor_round_trips(entry_id: int, digest: str) -> None:
    assert parse_anchor(f"{entry_id}:{digest}") == (entry_id, digest.lower())


@pytest.mark.parametrize(
    "value", ["", "12", "0:" + "a" * 64, "x:" + "a" * 64, "3:abc", "3:" + "g" * 64]
)
def test_bad_anchors_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match=r"ID:HASH|64 hex"):
        parse_anchor(value)


# --- sealing a log written before the chain ------------------------------------------------


def test_migration_seals_entries_written_before_the_chain(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/legacy.sqlite3")
    upgrade(engine, "0001")
    with engine.begin() as connection:
        for legacy_id in (1, 2, 5, 9):  # gaps, as rolled-back ids leave them
            connection.execute(
                text(
                    "INSERT INTO audit_log (id, at, action, outcome, detail, request_id) "
                    "VALUES (:id, :at, 'patient.read', 'ok', '', 'legacy')"
                ),
                {"id": legacy_id, "at": f"2026-01-0{legacy_id} 08:00:00.000000"},
            )
    upgrade(engine)
    database = Database(engine)
    verdict = check(database)
    assert verdict.intact
    assert (verdict.entries, verdict.head_id) == (4, 4)
    write_entries(database, 1, settings_dir=tmp_path)
    assert check(database).intact
    downgrade(engine, "0001")
    upgrade(engine)
    assert check(database).intact
    database.dispose()
