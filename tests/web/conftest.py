"""Fixtures for the web tests: the app on each database, a controllable clock, users."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute, Mount

from dorsi.services.passwords import hash_password
from dorsi.settings import Settings, load_settings
from dorsi.store.db import Database
from dorsi.store.models import Patient, PatientClinician, User
from dorsi.web.app import create_app

with warnings.catch_warnings():
    # starlette asks for the "httpx2" fork; plain httpx works the same for tests.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

__all__ = ["TestClient"]

SECRET = "test-secret-" + "k" * 32
PASSWORD = "correct horse battery"  # noqa: S105 - test fixture


class Clock:
    """A clock the tests move by hand (UTC, aware)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path, secret_key=SECRET)


@pytest.fixture
def app(db: Database, clock: Clock, settings: Settings) -> FastAPI:
    return create_app(settings, database=db, clock=clock, migrate=False)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@lru_cache(maxsize=8)
def password_hash(password: str) -> str:
    return hash_password(password)


def add_user(
    db: Database,
    username: str,
    role: str,
    *,
    password: str = PASSWORD,
    patient_id: int | None = None,
    now: datetime | None = None,
) -> int:
    with db.transaction() as session:
        user = User(
            username=username,
            role=role,
            display_name=username.title(),
            password_hash=password_hash(password),
            patient_id=patient_id,
            is_active=True,
            created_at=now or datetime(2026, 1, 1, tzinfo=UTC),
        )
        session.add(user)
        session.flush()
        return user.id


def add_patient(db: Database, name: str, clinician_ids: tuple[int, ...] = ()) -> int:
    with db.transaction() as session:
        patient = Patient(
            display_name=name,
            side="left",
            cause="peroneal",
            notes="",
            preferred_language="en",
            created_at=datetime(2026, 1, 1, tzinfo=UTC),
            program_paused=False,
        )
        for cid in clinician_ids:
            patient.clinicians.append(
                PatientClinician(clinician_id=cid, assigned_at=datetime(2026, 1, 1, tzinfo=UTC))
            )
        session.add(patient)
        session.flush()
        return patient.id


@dataclass
class Clinic:
    """A small clinic: two clinicians, two patients (A assigned to `alice`), an admin."""

    alice: int  # clinician assigned to patient A
    bob: int  # clinician not assigned to A (assigned to B)
    admin: int
    patient_a: int
    patient_b: int
    user_a: int
    user_b: int


@pytest.fixture
def clinic(db: Database) -> Clinic:
    alice = add_user(db, "alice", "clinician")
    bob = add_user(db, "bob", "clinician")
    admin = add_user(db, "root", "admin")
    patient_a = add_patient(db, "Ann Example", (alice,))
    patient_b = add_patient(db, "Ben Example", (bob,))
    user_a = add_user(db, "ann", "patient", patient_id=patient_a)
    user_b = add_user(db, "ben", "patient", patient_id=patient_b)
    return Clinic(alice, bob, admin, patient_a, patient_b, user_a, user_b)


def app_routes(app: FastAPI) -> list[BaseRoute]:
    """Every route of the app, routers included, with full paths (mounts left out)."""
    routes = []
    for context in iter_route_contexts(app.routes):
        route = context.route
        if not isinstance(route, Mount):
            routes.append(route)
    return routes


def token_for(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Authorization headers for ``username`` (signs in through the API)."""
    response = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def csrf_from(html: str) -> str:
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def page_login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the login page; returns the session's CSRF token."""
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    home = client.get(response.headers["location"])
    assert home.status_code == 200, home.text
    return csrf_from(home.text)


SCREEN_OK: dict[str, Any] = {
    "foot_drop_onset": "gradual",
    "days_since_onset": 60,
    "evaluated_by_clinician": True,
    "weakness_trend": "stable",
    "face_droop": False,
    "arm_weakness": False,
    "speech_difficulty": False,
    "vision_loss": False,
    "saddle_numbness": False,
    "bladder_or_bowel_change": False,
    "both_legs_weak": False,
    "severe_numbness": False,
    "back_pain_with_weakness": False,
    "injury_with_severe_pain_or_swelling": False,
    "balance_affected": "no",
    "falls_past_month": 0,
}

PLAN: dict[str, Any] = {
    "side": "left",
    "cause": "peroneal",
    "weeks_since_onset": 8,
    "dorsiflexion_mmt": "3",
    "single_leg_stance_s": 12,
    "falls_past_month": 0,
    "pain_nrs": 2,
    "uses_afo": False,
}

CHECKIN: dict[str, Any] = {
    "completed": True,
    "sets_done": 6,
    "pain_nrs": 2,
    "difficulty": "ok",
    "trips_since_last": 0,
    "weakness_worse": False,
    "balance_worse": False,
}
