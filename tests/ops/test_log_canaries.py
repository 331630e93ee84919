"""Secrets and clinical text never reach the logs: canaries in a password and in notes.

Two views: every log record of the app in-process (all loggers at DEBUG), and the stdout and
stderr of a real ``dorsi serve`` process driven over HTTP. Each flow signs in (right and wrong
passwords), saves notes, and hits errors (bad input, a too-large body, a database error).
"""

from __future__ import annotations

import logging
import secrets
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from dorsi.services import patients
from dorsi.services.context import Ctx
from tests.browser.server import dorsi_exe, running_server, server_env
from tests.web.conftest import CHECKIN, Clinic, TestClient, add_user, page_login

PASSWORD_CANARY = "Canary-Pw-" + secrets.token_hex(6)
NOTES_CANARY = "canary-notes-" + secrets.token_hex(6)
CANARIES = (PASSWORD_CANARY, NOTES_CANARY, PASSWORD_CANARY.lower(), NOTES_CANARY.upper())


def assert_clean(text_seen: str) -> None:
    for canary in CANARIES:
        assert canary not in text_seen, f"{canary!r} leaked into the logs"


def drive(call: Any, *, clinician: dict[str, str], patient_id: int) -> None:
    """The flows, against any client with .post/.get (TestClient or httpx.Client)."""
    bad = call.post("/api/v1/auth/token", data={"username": "carla", "password": NOTES_CANARY})
    assert bad.status_code == 401
    created = call.post(
        "/api/v1/patients",
        json={"display_name": "Pat", "side": "left", "cause": "lumbar", "notes": NOTES_CANARY},
        headers=clinician,
    )
    assert created.status_code == 201, created.text
    checkin = call.post(
        f"/api/v1/patients/{patient_id}/sessions",
        json={**CHECKIN, "notes": NOTES_CANARY},
        headers=clinician,
    )
    assert checkin.status_code == 201, checkin.text
    invalid = call.post(
        f"/api/v1/patients/{patient_id}/sessions",
        json={**CHECKIN, "pain_nrs": NOTES_CANARY, "notes": NOTES_CANARY},
        headers=clinician,
    )
    assert invalid.status_code == 422
    too_long = call.post(
        "/api/v1/patients",
        json={"display_name": "P", "side": "left", "cause": "x", "notes": NOTES_CANARY * 400},
        headers=clinician,
    )
    assert too_long.status_code == 422
    huge = call.post(
        "/api/v1/patients",
        content=b'{"notes": "' + NOTES_CANARY.encode() * 80_000 + b'"}',
        headers={**clinician, "Content-Type": "application/json"},
    )
    assert huge.status_code == 413
    login = call.post(
        f"/api/v1/patients/{created.json()['id']}/login",
        json={"username": "pat-" + secrets.token_hex(3), "password": PASSWORD_CANARY + "x"},
        headers=clinician,
    )
    assert login.status_code == 201, login.text


def test_no_canary_in_any_log_record_in_process(
    app: FastAPI,
    client: TestClient,
    clinic: Clinic,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    database = app.state.dorsi.database
    add_user(database, "carla", "clinician", password=PASSWORD_CANARY)
    token = client.post(
        "/api/v1/auth/token", data={"username": "carla", "password": PASSWORD_CANARY}
    )
    assert token.status_code == 200
    # Carla is Ann's clinician too, so she may write to Ann's record.
    with database.transaction() as session:
        session.execute(
            text(
                "INSERT INTO patient_clinicians (patient_id, clinician_id, assigned_at) "
                "SELECT :p, id, :at FROM users WHERE username = 'carla'"
            ),
            {"p": clinic.patient_a, "at": "2026-01-01 00:00:00"},
        )
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    drive(client, clinician=headers, patient_id=clinic.patient_a)
    page_login(client, "carla", PASSWORD_CANARY)

    # An unexpected database error whose statement carries the notes: a 500, logged.
    def failing(ctx: Ctx, data: Any) -> Any:
        ctx.db.execute(text("SELECT CAST(:v AS INTEGER)"), {"v": NOTES_CANARY})
        raise AssertionError("the cast should have failed")  # pragma: no cover

    monkeypatch.setattr(patients, "create_patient", failing)
    broken = client.post(
        "/api/v1/patients",
        json={"display_name": "Pat", "side": "left", "cause": "lumbar", "notes": NOTES_CANARY},
        headers=headers,
    )
    assert broken.status_code == 500
    assert any(r.levelno >= logging.ERROR for r in caplog.records)  # it was logged ...
    out, err = capsys.readouterr()
    assert_clean(caplog.text + out + err)  # ... without the canary


def test_uvicorns_exception_log_is_redacted(app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    """Starlette re-raises a 500's exception to the server, and uvicorn logs it."""
    del app  # creating the app installs the filter
    caplog.set_level(logging.DEBUG)
    try:
        int(NOTES_CANARY)
    except ValueError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    assert "Exception in ASGI application" in caplog.text
    assert "builtins.ValueError: [message withheld" in caplog.text
    assert "test_log_canaries.py" in caplog.text  # the frames are kept
    assert_clean(caplog.text)


def test_no_canary_in_a_real_servers_output(tmp_path: Path) -> None:
    env = {**server_env(tmp_path), "DORSI_SECRET_KEY": "k" * 40}
    made = subprocess.run(
        [dorsi_exe(), "users", "create", "--role", "clinician", "--username", "carla"],
        env=env,
        input=PASSWORD_CANARY + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert_clean(made.stdout + made.stderr)
    log_path = tmp_path / "server.log"
    with (
        running_server(env, log_path) as (base_url, _proc),
        httpx.Client(base_url=base_url) as call,
    ):
        token = call.post(
            "/api/v1/auth/token", data={"username": "carla", "password": PASSWORD_CANARY}
        )
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        first = call.post(
            "/api/v1/patients",
            json={"display_name": "Ann", "side": "left", "cause": "lumbar", "notes": "-"},
            headers=headers,
        )
        assert first.status_code == 201, first.text
        drive(call, clinician=headers, patient_id=int(first.json()["id"]))
    output = log_path.read_text("utf-8", errors="replace")
    assert "Dorsi is running" in output  # the log was captured
    assert_clean(output)
