"""Schemathesis against the app's own OpenAPI, in-process (ASGI), with real bearer tokens.

Used by ``tests/ops/test_api_fuzz.py`` (a bounded, fixed-seed run) and
``benchmarks/fuzz_api.py`` (a longer one). Every check of Schemathesis is on. The clinic:
clinician ``alice`` with her patient A (evaluated, so the program can be edited) and A's own
login ``ann``; patient B belongs to another clinician (so A's callers get 404 for B).

Positive cases honour the rules the schema's descriptions name but JSON Schema cannot state:
a record's date lies from patient A's onset to today, exercises are unique by id, passwords
pass the policy, integers are written as integers. Nothing else about the generated data is
changed, and no check is turned off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode
from sqlalchemy import delete

from dorsi.errors import InputError
from dorsi.services.passwords import check_policy, hash_password
from dorsi.settings import load_settings
from dorsi.store.db import Database
from dorsi.store.models import Patient, PatientClinician, SignInThrottle, User
from dorsi.web.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "fuzzing horse battery"  # noqa: S105 - test accounts
PLAN = {
    "side": "left",
    "cause": "peroneal",
    "weeks_since_onset": 8,
    "dorsiflexion_mmt": "3",
    "single_leg_stance_s": 12,
    "falls_past_month": 0,
    "pain_nrs": 2,
    "uses_afo": False,
}
# Patient A's onset, from the evaluation the clinic starts with (its weeks before NOW).
ONSET = NOW.date() - dt.timedelta(weeks=PLAN["weeks_since_onset"])  # type: ignore[arg-type]


@dataclass
class Clinic:
    app: FastAPI
    client: TestClient
    patient_a: int
    patient_b: int
    tokens: dict[str, str]  # username -> bearer token

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def fresh_token(self, username: str) -> str:
        # The token route's own fuzzing fails many sign-ins from this address; the throttle
        # is tested elsewhere, so its counts are cleared before signing in on purpose.
        with self.app.state.dorsi.database.transaction() as session:
            session.execute(delete(SignInThrottle))
        answer = self.client.post(
            "/api/v1/auth/token", data={"username": username, "password": PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        token: str = answer.json()["access_token"]
        return token


def build_clinic(database: Database, data_dir: Path) -> Clinic:
    """The app on ``database`` (migrated, empty) with a small clinic and signed-in tokens."""
    settings = load_settings(data_dir=data_dir, secret_key="f" * 40)
    app = create_app(settings, database=database, clock=lambda: NOW, migrate=False)
    digest = hash_password(PASSWORD)
    ids: dict[str, int] = {}
    with database.transaction() as session:
        for name in ("alice", "bob"):
            user = User(
                username=name,
                role="clinician",
                display_name=name.title(),
                password_hash=digest,
                is_active=True,
                created_at=NOW,
            )
            session.add(user)
            session.flush()
            ids[name] = user.id
        for label, clinician in (("A", "alice"), ("B", "bob")):
            patient = Patient(
                display_name=f"Patient {label}",
                side="left",
                cause="peroneal",
                notes="",
                preferred_language="en",
                created_at=NOW,
                program_paused=False,
            )
            patient.clinicians.append(
                PatientClinician(clinician_id=ids[clinician], assigned_at=NOW)
            )
            session.add(patient)
            session.flush()
            ids[label] = patient.id
        session.add(
            User(
                username="ann",
                role="patient",
                display_name="Ann",
                password_hash=digest,
                patient_id=ids["A"],
                is_active=True,
                created_at=NOW,
            )
        )
    client = TestClient(app, raise_server_exceptions=False)
    clinic = Clinic(app, client, ids["A"], ids["B"], {})
    for name in ("alice", "ann"):
        clinic.tokens[name] = clinic.fresh_token(name)
    evaluated = client.post(
        f"/api/v1/patients/{ids['A']}/evaluations", json=PLAN, headers=clinic.headers("alice")
    )
    assert evaluated.status_code == 201, evaluated.text
    return clinic


# --- documented rules beyond JSON Schema ----------------------------------------------------


def honour_documented_rules(
    schema: Any, value: Any, today: dt.date, owner: Any = None, name: str = ""
) -> Any:
    """Make ``value`` keep the rules the descriptions in ``schema`` name (recursively): every
    date of a record from patient A's onset to today, a ``password`` that passes the policy,
    list items unique by ``id``, integers as integers, and a date described as "today or
    later" (a goal's target date) not before today."""
    if not isinstance(schema, dict):
        return value
    if schema.get("type") == "integer" and isinstance(value, float) and value.is_integer():
        value = int(value)  # "integer fields take JSON integers (3, not 3.0)"
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            value = honour_documented_rules(option, value, today, owner, name)
    if schema.get("format") == "date" and isinstance(value, str):
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(value)
            value = min(max(day, ONSET), today).isoformat()
    if "today or later" in schema.get("description", "") and isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = max(dt.date.fromisoformat(value), today).isoformat()
    if name == "password" and isinstance(value, str):
        username = owner.get("username", "") if isinstance(owner, dict) else ""
        role = owner.get("role", "patient") if isinstance(owner, dict) else "patient"
        try:
            check_policy(value, role=str(role), username=str(username))
        except InputError:
            value = "pw-" + secrets.token_hex(8)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        value = {
            k: honour_documented_rules(props.get(k), v, today, value, k) for k, v in value.items()
        }
    if isinstance(value, list):
        items = schema.get("items")
        value = [honour_documented_rules(items, v, today, owner) for v in value]
        if all(isinstance(item, dict) and "id" in item for item in value):
            seen: set[str] = set()
            unique = []
            for item in value:
                marker = repr(item["id"])
                if marker not in seen:
                    seen.add(marker)
                    unique.append(item)
            value = unique
    return value


def resolved(schema: Any, document: dict[str, Any]) -> Any:
    """``schema`` with its ``$ref`` to the document's components replaced by their text."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            target = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
            return resolved(
                {**target, **{k: v for k, v in schema.items() if k != "$ref"}}, document
            )
        return {k: resolved(v, document) for k, v in schema.items()}
    if isinstance(schema, list):
        return [resolved(v, document) for v in schema]
    return schema


def body_schema(operation: Any, document: dict[str, Any]) -> Any:
    body = operation.definition.raw.get("requestBody", {})
    schema = body.get("content", {}).get("application/json", {}).get("schema")
    return resolved(schema, document) if schema is not None else None


# --- the run ------------------------------------------------------------------------------


def _case_test(
    clinic: Clinic,
    document: dict[str, Any],
    username: str,
    operation: Any,
    mode: GenerationMode,
    max_examples: int,
    today: dt.date,
    logout: bool,
) -> Callable[[], None]:
    own_body = body_schema(operation, document)

    @given(case=operation.as_strategy(generation_mode=mode), own=st.booleans())
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run_case(case: Any, own: bool) -> None:
        # Point a case at the signed-in user's own record, unless the negative mode made the
        # id itself invalid (then replacing it would turn the case into a valid request).
        if own and isinstance((case.path_parameters or {}).get("patient_id"), int):
            case.path_parameters["patient_id"] = clinic.patient_a
        if mode is GenerationMode.POSITIVE and own_body is not None and case.body:
            case.body = honour_documented_rules(own_body, case.body, today)
        token = clinic.fresh_token(username) if logout else clinic.tokens[username]
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"})

    test: Callable[[], None] = run_case
    return test


@dataclass(frozen=True)
class Outcome:
    operation: str
    mode: str
    error: str | None


def fuzz(
    clinic: Clinic,
    username: str,
    *,
    max_examples: int,
    seed: int,
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
    report: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    """Fuzz every API operation as ``username``; one :class:`Outcome` per operation and mode."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", clinic.app)
    document: dict[str, Any] = clinic.app.openapi()
    today = NOW.date()
    outcomes: list[Outcome] = []
    for result in schema.get_all_operations():
        take = getattr(result, "ok", None)
        if take is None:  # an operation whose own schema is invalid is a failure too
            outcomes.append(Outcome("(an operation)", "schema", str(getattr(result, "err")())))  # noqa: B009
            continue
        operation = take()
        if not operation.path.startswith("/api/"):
            continue
        label = f"{operation.method.upper()} {operation.path}"
        logout = operation.path.endswith("/auth/logout")
        for mode in modes:
            run = hypothesis_seed(seed)(
                _case_test(clinic, document, username, operation, mode, max_examples, today, logout)
            )
            try:
                run()
                outcome = Outcome(label, mode.value, None)
            except Unsatisfiable:  # nothing to negate (no parameters, no body)
                outcome = Outcome(label, f"{mode.value} (no such cases)", None)
            except (Exception, BaseExceptionGroup) as exc:  # a failure found: collect, go on
                outcome = Outcome(label, mode.value, str(exc))
            outcomes.append(outcome)
            report(outcome)
    return outcomes


__all__ = ["Clinic", "Outcome", "build_clinic", "fuzz", "honour_documented_rules"]
