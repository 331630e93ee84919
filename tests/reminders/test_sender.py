"""The sender: real Web Push (a push service served by the test checks the VAPID signature and
decrypts the payload) and real e-mail (an aiosmtpd server); idempotent; the rules hold."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from dorsi.services import webpush
from dorsi.services.reminder_sender import send_due
from dorsi.settings import Settings, load_settings
from dorsi.store.db import Database
from dorsi.store.models import AuditEntry, Patient, PushSubscription, ReminderSent
from tests.reminders.servers import Browser, PushService, smtp_server
from tests.web.conftest import CHECKIN, SECRET, Clinic, Clock, TestClient, token_for

Inbox = Any


@pytest.fixture
def push() -> Iterator[PushService]:
    with PushService() as service:
        yield service


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, smtp: tuple[int, Inbox]) -> Settings:
    return load_settings(
        data_dir=tmp_path,
        secret_key=SECRET,
        push_hosts="127.0.0.1",
        push_allow_http=True,
        push_subject="mailto:clinic@example.org",
        smtp_host="127.0.0.1",
        smtp_port=smtp[0],
        smtp_security="none",
        smtp_from="Dorsi <reminders@example.org>",
    )


# Monday 2026-03-02, 09:00 UTC (the clock fixture): due at 08:00 on Mondays.
MONDAY = {"days": ["mon"], "time": "08:00", "timezone": "UTC"}


def _set(client: TestClient, clinic: Clinic, who: str, **channels: bool) -> None:
    body = {**MONDAY, "channels": channels, "email": "ann@example.org"}
    answer = client.put(
        f"/api/v1/patients/{clinic.patient_a}/reminders",
        headers=token_for(client, who),
        json=body,
    )
    assert answer.status_code == 200, answer.text


def _subscribe(client: TestClient, clinic: Clinic, endpoint: str, keys: dict[str, str]) -> None:
    answer = client.post(
        f"/api/v1/patients/{clinic.patient_a}/push-subscriptions",
        headers=token_for(client, "ann"),
        json={"endpoint": endpoint, "keys": keys, "expirationTime": None},
    )
    assert answer.status_code == 201, answer.text


def test_push_reaches_the_browser_once_and_gone_browsers_are_removed(
    client: TestClient,
    clinic: Clinic,
    db: Database,
    settings: Settings,
    clock: Clock,
    push: PushService,
    smtp: tuple[int, Inbox],
) -> None:
    _set(client, clinic, "ann", push=True, email=True)
    phone = push.endpoint("ok", "phone")
    laptop = push.endpoint("ok", "laptop")
    old = push.endpoint("gone", "old")
    for endpoint, name in ((phone, "phone"), (laptop, "laptop"), (old, "old")):
        _subscribe(client, clinic, endpoint, push.browsers[name].keys())

    report = send_due(db, settings, now=clock)
    assert push.errors == []
    assert (report.sent, report.by_push, report.by_email) == (1, 1, 0)
    assert report.browsers_removed == 1
    assert sorted(r.path for r in push.received) == ["/ok/laptop", "/ok/phone"]
    for received in push.received:
        assert received.payload["title"] == "Time for your foot exercises"
        assert received.payload["url"] == "/me"
        assert received.vapid_key == webpush.public_key(settings)
        assert received.claims["sub"] == "mailto:clinic@example.org"
    assert smtp[1].messages == []  # the push reached the patient: no e-mail as well
    with db.transaction() as session:
        left = session.scalars(select(PushSubscription.endpoint)).all()
        assert sorted(left) == sorted([phone, laptop])
        actions = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "reminder.send")
        ).all()
        assert actions == ["reminder delivered by push; 1 browser(s) unsubscribed"]

    clock.advance(hours=2)
    again = send_due(db, settings, now=clock)
    assert (again.sent, again.not_sent["already_sent"]) == (0, 1)
    assert len(push.received) == 2
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ReminderSent)) == 1


def test_e_mail_goes_through_the_smtp_server(
    client: TestClient,
    clinic: Clinic,
    db: Database,
    settings: Settings,
    clock: Clock,
    smtp: tuple[int, Inbox],
) -> None:
    _set(client, clinic, "alice", email=True)  # a clinician sets them for the patient
    report = send_due(db, settings, now=clock)
    assert (report.sent, report.by_email) == (1, 1)
    (message,) = smtp[1].messages
    assert message["To"] == "ann@example.org"
    assert message["From"] == "Dorsi <reminders@example.org>"
    assert message["Subject"] == "Time for your foot exercises"
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_payload(decode=True)
    assert isinstance(text, bytes)
    assert "stop these reminders" in text.decode()
    assert smtp[1].envelopes == [("reminders@example.org", ["ann@example.org"])]
    assert send_due(db, settings, now=clock).sent == 0
    assert len(smtp[1].messages) == 1


def test_spanish_patients_get_spanish_words(
    client: TestClient,
    clinic: Clinic,
    db: Database,
    settings: Settings,
    clock: Clock,
    smtp: tuple[int, Inbox],
) -> None:
    with db.transaction() as session:
        patient = session.get(Patient, clinic.patient_a)
        assert patient is not None
        patient.preferred_language = "es"
    _set(client, clinic, "ann", email=True)
    send_due(db, settings, now=clock)
    (message,) = smtp[1].messages
    assert message["Subject"] == "Es hora de sus ejercicios del pie"


@pytest.mark.parametrize("why", ["done_today", "paused", "not_yet", "quiet_hours"])
def test_no_reminder_when_a_rule_says_no(
    why: str,
    client: TestClient,
    clinic: Clinic,
    db: Database,
    settings: Settings,
    clock: Clock,
    smtp: tuple[int, Inbox],
) -> None:
    body: dict[str, Any] = {
        **MONDAY,
        "channels": {"email": True},
        "email": "ann@example.org",
    }
    if why == "not_yet":
        body["time"] = "10:00"
    if why == "quiet_hours":
        body.update(time="07:00", quiet_start="08:30", quiet_end="12:00")
    ann = token_for(client, "ann")
    url = f"/api/v1/patients/{clinic.patient_a}"
    assert client.put(f"{url}/reminders", headers=ann, json=body).status_code == 200
    if why == "done_today":
        done = client.post(f"{url}/sessions", headers=ann, json={**CHECKIN, "date": "2026-03-02"})
        assert done.status_code == 201
    if why == "paused":
        with db.transaction() as session:
            patient = session.get(Patient, clinic.patient_a)
            assert patient is not None
            patient.program_paused = True
    report = send_due(db, settings, now=clock)
    assert report.sent == 0
    assert report.not_sent[why] == 1
    assert smtp[1].messages == []


def test_the_vapid_key_is_made_once_and_kept_private(settings: Settings, app: Any) -> None:
    path = settings.data_dir / webpush.KEY_FILE
    assert path.exists()  # made when the app started
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    first = webpush.public_key(settings)
    assert webpush.public_key(settings) == first


def test_subscriptions_must_point_at_a_push_service(client: TestClient, clinic: Clinic) -> None:
    ann = token_for(client, "ann")
    url = f"/api/v1/patients/{clinic.patient_a}/push-subscriptions"
    keys = Browser().keys()
    for endpoint in ("https://evil.example.org/x", "ftp://127.0.0.1/x", "http://localhost/x"):
        answer = client.post(url, headers=ann, json={"endpoint": endpoint, "keys": keys})
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == "endpoint"
    short = client.post(
        url,
        headers=ann,
        json={"endpoint": "http://127.0.0.1/x", "keys": {**keys, "auth": "A" * 16}},
    )
    assert (short.status_code, short.json()["field"]) == (422, "keys.auth")
    off_curve = client.post(
        url,
        headers=ann,
        json={"endpoint": "http://127.0.0.1/x", "keys": {**keys, "p256dh": "B" + "A" * 86}},
    )
    assert (off_curve.status_code, off_curve.json()["field"]) == (422, "keys.p256dh")
    clinician = client.post(
        url,
        headers=token_for(client, "alice"),
        json={"endpoint": "http://127.0.0.1/x", "keys": keys},
    )
    assert clinician.status_code == 403  # a notification belongs on the patient's device
