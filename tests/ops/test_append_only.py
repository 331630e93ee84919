"""No code path updates or deletes audit rows: watched SQL over a full flow, and the source."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy import event

from dorsi.store.audit_chain import verify
from tests.web.conftest import CHECKIN, PLAN, SCREEN_OK, Clinic, TestClient, page_login, token_for

SRC = Path(__file__).resolve().parents[2] / "src" / "dorsi"
WRITES_AUDIT = re.compile(r"^\s*(UPDATE|DELETE\s+FROM)\s+\"?audit_log\b", re.IGNORECASE)


def test_a_full_flow_never_updates_or_deletes_audit_rows(
    app: FastAPI, client: TestClient, clinic: Clinic
) -> None:
    database = app.state.dorsi.database
    seen: list[str] = []

    def watch(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", watch)
    try:
        alice = token_for(client, "alice")
        ann = token_for(client, "ann")
        base = f"/api/v1/patients/{clinic.patient_a}"
        assert client.post(f"{base}/screenings", json=SCREEN_OK, headers=alice).status_code == 201
        assert client.post(f"{base}/evaluations", json=PLAN, headers=alice).status_code == 201
        program = client.get(f"{base}/programs", headers=alice).json()[0]
        body = {"exercises": [dict(program["exercises"][0], notes="")], "notes": "edited"}
        assert client.put(f"{base}/program", json=body, headers=alice).status_code == 200
        assert client.post(f"{base}/sessions", json=CHECKIN, headers=ann).status_code == 201
        assert client.get(f"{base}/progress", headers=ann).status_code == 200
        assert client.get(f"/api/v1/patients/{clinic.patient_b}", headers=alice).status_code == 404
        assert client.post(f"{base}/sessions", json={}, headers=ann).status_code == 422
        assert client.post("/api/v1/auth/logout", headers=ann).status_code == 204
        page_login(client, "alice")
        assert client.get(f"/clinic/patients/{clinic.patient_a}").status_code == 200
    finally:
        event.remove(database.engine, "before_cursor_execute", watch)
    inserts = [s for s in seen if "INSERT INTO audit_log" in s]
    assert inserts, "the flow wrote no audit entries"
    assert [s for s in seen if WRITES_AUDIT.search(s)] == []
    with database.transaction() as session:
        assert verify(session).intact


def test_no_source_file_updates_or_deletes_audit_entries() -> None:
    """Outside the one-off sealing migration, nothing names an UPDATE or DELETE of the log."""
    patterns = (
        re.compile(r"update\(\s*AuditEntry", re.IGNORECASE),
        re.compile(r"delete\(\s*AuditEntry", re.IGNORECASE),
        re.compile(r"(UPDATE|DELETE FROM)\s+\"?audit_log", re.IGNORECASE),
    )
    allowed = {"store/migrations/versions/0002_audit_hash_chain.py"}
    found = []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if name in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{name}: {p.pattern}" for p in patterns if p.search(text)]
    assert found == []
