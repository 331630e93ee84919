"""dorsi audit verify: exit 0 intact, 1 broken (one line naming the entry), 2 bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from dorsi.store.db import Database
from tests.conftest import run_dorsi
from tests.store.audit_helpers import write_entries


@pytest.fixture
def env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DORSI_DATABASE_URL", database_url)
    monkeypatch.setenv("DORSI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DORSI_SECRET_KEY", "s" * 32)


@pytest.mark.usefixtures("env")
def test_verify_intact_then_broken(db: Database, tmp_path: Path) -> None:
    write_entries(db, 4, settings_dir=tmp_path)
    ok = run_dorsi("audit", "verify")
    assert ok.code == 0, ok.stderr
    assert "audit log intact: 4 entries; head 4:" in ok.stdout
    head = ok.stdout.split("head ", 1)[1].split()[0]
    anchored = run_dorsi("audit", "verify", "--anchor", head, "--json")
    assert anchored.code == 0, anchored.stderr
    assert anchored.json() == {
        "intact": True,
        "entries_checked": 4,
        "anchors_checked": 1,
        "head": head,
        "first_broken_entry": None,
        "reason": None,
    }

    with db.transaction() as session:
        if not db.is_sqlite:
            session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        session.execute(text("UPDATE audit_log SET detail = 'edited' WHERE id = 2"))
        if not db.is_sqlite:
            session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
    broken = run_dorsi("audit", "verify")
    assert broken.code == 1
    assert broken.stdout == ""
    lines = broken.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "broken at entry 2" in lines[0]
    as_json = run_dorsi("audit", "verify", "--json")
    assert as_json.code == 1
    assert as_json.json()["first_broken_entry"] == 2


@pytest.mark.usefixtures("env")
def test_verify_catches_a_cut_off_tail_with_an_anchor(db: Database, tmp_path: Path) -> None:
    write_entries(db, 3, settings_dir=tmp_path)
    head = run_dorsi("audit", "verify").stdout.split("head ", 1)[1].split()[0]
    with db.transaction() as session:
        if not db.is_sqlite:
            session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        session.execute(text("DELETE FROM audit_log WHERE id = 3"))
        if not db.is_sqlite:
            session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
    assert run_dorsi("audit", "verify").code == 0
    cut = run_dorsi("audit", "verify", "--anchor", head)
    assert cut.code == 1
    assert "entry 3 is gone" in cut.stderr


@pytest.mark.usefixtures("env")
@pytest.mark.parametrize("anchor", ["nope", "3:xyz", "0:" + "a" * 64])
def test_a_bad_anchor_is_bad_input(db: Database, anchor: str) -> None:
    result = run_dorsi("audit", "verify", "--anchor", anchor)
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--anchor" in result.stderr


def test_verify_without_a_database_is_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DORSI_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("DORSI_DATA_DIR", str(tmp_path))
    result = run_dorsi("audit", "verify")
    assert result.code == 2
    assert "cannot connect" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
