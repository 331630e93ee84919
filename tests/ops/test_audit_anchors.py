"""Audit anchors outside the database (issue 14): ``dorsi audit anchor``, ``dorsi backup`` and
the serve/worker keeper append the chain's head to a file; ``dorsi audit verify`` checks every
anchor in it, so entries cut off the end are caught in routine verification."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from dorsi.store.audit_anchors import AnchorKeeper, read_anchors
from dorsi.store.audit_chain import head
from dorsi.store.db import Database
from tests.conftest import run_dorsi
from tests.store.audit_helpers import write_entries


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DORSI_DATABASE_URL", database_url)
    monkeypatch.setenv("DORSI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DORSI_SECRET_KEY", "s" * 32)
    monkeypatch.delenv("DORSI_AUDIT_ANCHOR_FILE", raising=False)


def cut_tail(db: Database, after_id: int) -> None:
    """What an intruder with write access to the database does: delete the newest entries."""
    with db.transaction() as session:
        if not db.is_sqlite:
            session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        session.execute(text("DELETE FROM audit_log WHERE id > :id"), {"id": after_id})
        if not db.is_sqlite:
            session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))


def current_head(db: Database) -> tuple[int, str]:
    with db.transaction() as session:
        return head(session)


@pytest.mark.usefixtures("env")
def test_truncation_is_caught_by_routine_verification_with_the_anchor_file(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    anchors = tmp_path / "elsewhere" / "audit-anchors.txt"
    write_entries(db, 5, settings_dir=tmp_path)
    first = run_dorsi("audit", "anchor", "--to", str(anchors))
    assert first.code == 0, first.stderr
    five_id, five_hash = current_head(db)
    assert first.stdout.startswith(f"audit anchor {five_id}:{five_hash} ")
    again = run_dorsi("audit", "anchor", "--to", str(anchors))
    assert "already the file's last anchor" in again.stdout
    write_entries(db, 2, settings_dir=tmp_path)
    monkeypatch.setenv("DORSI_AUDIT_ANCHOR_FILE", str(anchors))
    assert run_dorsi("audit", "anchor").code == 0  # the setting names the file
    lines = anchors.read_text().splitlines()
    assert [line.split(":")[0] for line in lines] == ["5", "7"]

    intact = run_dorsi("audit", "verify")
    assert intact.code == 0, intact.stderr
    assert "audit log intact: 7 entries" in intact.stdout
    assert "2 anchors hold" in intact.stdout

    cut_tail(db, 5)
    caught = run_dorsi("audit", "verify")
    assert caught.code == 1
    assert caught.stdout == ""
    message = caught.stderr.strip().splitlines()
    assert len(message) == 1
    assert "the anchored entry 7 is gone: the chain ends at entry 5" in message[0]
    assert f"({anchors}:2)" in message[0]  # which anchor, so the operator can find it
    as_json = run_dorsi("audit", "verify", "--json")
    assert as_json.code == 1
    assert as_json.json()["intact"] is False
    assert as_json.json()["anchors_checked"] == 2
    # without the anchors the shorter chain looks intact: the file is what catches the cut
    monkeypatch.delenv("DORSI_AUDIT_ANCHOR_FILE")
    assert run_dorsi("audit", "verify").code == 0


def test_backup_records_the_anchor_beside_the_backup_and_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'dorsi.sqlite3'}"
    anchors = tmp_path / "anchors.txt"
    monkeypatch.setenv("DORSI_DATABASE_URL", url)
    monkeypatch.setenv("DORSI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DORSI_AUDIT_ANCHOR_FILE", str(anchors))
    assert run_dorsi("db", "upgrade").code == 0
    db = Database.from_url(url)
    try:
        write_entries(db, 4, settings_dir=tmp_path)
        entry_id, entry_hash = current_head(db)
        made = run_dorsi("backup", str(tmp_path / "night.backup"))
        assert made.code == 0, made.stderr
        assert f"audit anchor {entry_id}:{entry_hash} " in made.stdout
        beside = read_anchors(tmp_path / "night.backup.anchor")
        assert [(a.entry_id, a.entry_hash) for a in beside] == [(entry_id, entry_hash)]
        assert [a.entry_id for a in read_anchors(anchors)] == [entry_id]
        cut_tail(db, 2)
    finally:
        db.dispose()
    monkeypatch.delenv("DORSI_AUDIT_ANCHOR_FILE")
    caught = run_dorsi("audit", "verify", "--anchors", str(tmp_path / "night.backup.anchor"))
    assert caught.code == 1
    assert "the anchored entry 4 is gone: the chain ends at entry 2" in caught.stderr


def test_the_keeper_appends_the_head_when_it_moves(db: Database, tmp_path: Path) -> None:
    """What ``dorsi serve`` and ``dorsi worker`` run with DORSI_AUDIT_ANCHOR_FILE set."""
    anchors = tmp_path / "anchors.txt"

    def read_head() -> tuple[int, str]:
        with Session(db.engine) as session, session.begin():
            return head(session)

    keeper = AnchorKeeper(
        anchors, read_head, interval_s=0.05, clock=lambda: datetime(2026, 3, 2, tzinfo=UTC)
    )
    assert keeper.record_once() is None  # an empty log has nothing to anchor
    write_entries(db, 3, settings_dir=tmp_path)
    keeper.start()
    try:
        deadline = time.monotonic() + 10
        while len(read_anchors(anchors) if anchors.exists() else []) < 1:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.3)  # several rounds with the same head: no new line
        assert [a.entry_id for a in read_anchors(anchors)] == [3]
        write_entries(db, 1, settings_dir=tmp_path)
        while len(read_anchors(anchors)) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        keeper.stop()
    recorded = read_anchors(anchors)
    assert [(a.entry_id, a.entry_hash) for a in recorded][-1] == current_head(db)
    assert recorded[0].at == "2026-03-02T00:00:00Z"


@pytest.mark.usefixtures("env")
def test_a_bad_anchor_file_or_none_at_all_is_bad_input(db: Database, tmp_path: Path) -> None:
    bad = tmp_path / "anchors.txt"
    bad.write_text("# anchors\n12:nothex 2026-03-02T00:00:00Z\n")
    result = run_dorsi("audit", "verify", "--anchors", str(bad))
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"{bad}, line 2" in result.stderr
    missing = run_dorsi("audit", "verify", "--anchors", str(tmp_path / "nope.txt"))
    assert missing.code == 2
    assert "does not exist" in missing.stderr
    nowhere = run_dorsi("audit", "anchor")
    assert nowhere.code == 2
    assert "--to" in nowhere.stderr
    assert "DORSI_AUDIT_ANCHOR_FILE" in nowhere.stderr
