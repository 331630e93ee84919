"""``dorsi reminders send`` (the cron command): sends what is due, and nothing the second time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dorsi.cli import main
from dorsi.settings import get_settings
from tests.reminders.servers import smtp_server
from tests.web.conftest import SECRET, Clinic, TestClient, token_for


def test_a_second_run_sends_nothing(
    client: TestClient,
    clinic: Clinic,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    every_day = {
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        "time": "00:00",  # due all day: the command runs on the real clock
        "timezone": "UTC",
        "channels": {"email": True},
        "email": "ann@example.org",
    }
    saved = client.put(
        f"/api/v1/patients/{clinic.patient_a}/reminders",
        headers=token_for(client, "ann"),
        json=every_day,
    )
    assert saved.status_code == 200, saved.text
    with smtp_server() as (port, inbox):
        for name, value in {
            "DORSI_DATABASE_URL": database_url,
            "DORSI_DATA_DIR": str(tmp_path),
            "DORSI_SECRET_KEY": SECRET,
            "DORSI_SMTP_HOST": "127.0.0.1",
            "DORSI_SMTP_PORT": str(port),
            "DORSI_SMTP_SECURITY": "none",
            "DORSI_SMTP_PASSWORD": "never-shown-password",
        }.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        try:
            assert main(["reminders", "send", "--json"]) == 0
            first = json.loads(capsys.readouterr().out)
            assert main(["reminders", "send"]) == 0
            second = capsys.readouterr()
        finally:
            get_settings.cache_clear()
    assert (first["sent"], first["by_email"]) == (1, 1)
    assert second.out.startswith("reminders: 0 sent")
    assert len(inbox.messages) == 1
    assert "never-shown-password" not in second.out + second.err
