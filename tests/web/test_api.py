"""The JSON API of issue 3, end to end through HTTP (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dorsi.clinical.contract import parse
from dorsi.clinical.program import PlanInput, build_program
from dorsi.clinical.screening import ScreenInput, triage
from dorsi.store.db import Database
from dorsi.store.models import Program, SessionCheckin
from tests.web.conftest import (
    CHECKIN,
    PLAN,
    SCREEN_OK,
    Clinic,
    Clock,
    TestClient,
    token_for,
)


def test_healthz_answers_json(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_openapi_lists_the_issue_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path, method in [
        ("/api/v1/auth/token", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/patients", "get"),
        ("/api/v1/patients", "post"),
        ("/api/v1/patients/{patient_id}", "get"),
        ("/api/v1/patients/{patient_id}/screenings", "post"),
        ("/api/v1/patients/{patient_id}/evaluations", "post"),
        ("/api/v1/patients/{patient_id}/program", "get"),
        ("/api/v1/patients/{patient_id}/program", "put"),
        ("/api/v1/patients/{patient_id}/sessions", "post"),
        ("/api/v1/patients/{patient_id}/progress", "get"),
    ]:
        assert method in paths[path], (path, method)
    token_body = paths["/api/v1/auth/token"]["post"]["requestBody"]["content"]
    assert "application/x-www-form-urlencoded" in token_body


def test_token_then_logout_revokes_it(client: TestClient, clinic: Clinic) -> None:
    response = client.post(
        "/api/v1/auth/token", data={"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type"}
    assert body["token_type"] == "bearer"  # noqa: S105
    assert len(body["access_token"]) >= 43  # 256 bits, URL-safe base64
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get("/api/v1/patients", headers=headers).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    after = client.get("/api/v1/patients", headers=headers)
    assert after.status_code == 401
    assert after.headers["www-authenticate"] == "Bearer"


def test_usernames_are_case_insensitive(client: TestClient, clinic: Clinic) -> None:
    assert token_for(client, "ALICE")


def test_token_expires_when_idle(client: TestClient, clinic: Clinic, clock: Clock) -> None:
    headers = token_for(client, "alice")
    clock.advance(hours=25)
    assert client.get("/api/v1/patients", headers=headers).status_code == 401


def test_token_expires_absolutely(client: TestClient, clinic: Clinic, clock: Clock) -> None:
    headers = token_for(client, "alice")
    for _ in range(32):  # 32 x 23 h > 30 days, never idle for 24 h
        clock.advance(hours=23)
        client.get("/api/v1/patients", headers=headers)
    assert client.get("/api/v1/patients", headers=headers).status_code == 401


def test_create_list_and_read_patients(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "alice")
    created = client.post(
        "/api/v1/patients",
        headers=headers,
        json={"display_name": "Cara", "side": "right", "cause": "lumbar", "notes": "L5"},
    )
    assert created.status_code == 201, created.text
    patient = created.json()
    assert patient["clinicians"] == ["alice"]
    assert patient["program_paused"] is False
    listed = client.get("/api/v1/patients", headers=headers).json()
    assert {p["display_name"] for p in listed} == {"Ann Example", "Cara"}
    one = client.get(f"/api/v1/patients/{patient['id']}", headers=headers)
    assert one.json() == patient


def test_a_patient_sees_only_their_own_record(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "ann")
    listed = client.get("/api/v1/patients", headers=headers).json()
    assert [p["id"] for p in listed] == [clinic.patient_a]
    other = client.get(f"/api/v1/patients/{clinic.patient_b}", headers=headers)
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"side": "left", "cause": "lumbar"}, "display_name"),
        ({"display_name": "X", "side": "up", "cause": "lumbar"}, "side"),
        ({"display_name": "X", "side": "left", "cause": "lumbar", "ssn": "1"}, "ssn"),
        ({"display_name": "", "side": "left", "cause": "lumbar"}, "display_name"),
    ],
)
def test_bad_patient_bodies_name_the_field(
    client: TestClient, clinic: Clinic, body: dict[str, Any], field: str
) -> None:
    response = client.post("/api/v1/patients", headers=token_for(client, "alice"), json=body)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert response.json()["detail"].startswith(f"{field}: ")


def test_screening_returns_the_screen_output(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "alice")
    response = client.post(
        f"/api/v1/patients/{clinic.patient_a}/screenings", headers=headers, json=SCREEN_OK
    )
    assert response.status_code == 201, response.text
    expected = triage(parse(ScreenInput, SCREEN_OK)).model_dump(mode="json")
    assert response.json() == expected


def test_emergency_screening_pauses_and_a_clinician_proceed_resumes(
    client: TestClient, clinic: Clinic
) -> None:
    patient_headers = token_for(client, "ann")
    url = f"/api/v1/patients/{clinic.patient_a}"
    flagged = {**SCREEN_OK, "speech_difficulty": True}
    result = client.post(f"{url}/screenings", headers=patient_headers, json=flagged).json()
    assert result["level"] == "emergency"
    assert result["program_paused"] is True
    assert client.get(url, headers=patient_headers).json()["program_paused"] is True
    # The patient's own "all clear" does not restart the program...
    client.post(f"{url}/screenings", headers=patient_headers, json=SCREEN_OK)
    assert client.get(url, headers=patient_headers).json()["program_paused"] is True
    # ...a clinician's does.
    client.post(f"{url}/screenings", headers=token_for(client, "alice"), json=SCREEN_OK)
    assert client.get(url, headers=patient_headers).json()["program_paused"] is False


def test_screening_errors_match_the_cli_wording(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}/screenings"
    bad = {**SCREEN_OK, "falls_past_month": -1}
    response = client.post(url, headers=headers, json=bad)
    assert response.status_code == 422
    with pytest.raises(Exception) as cli_error:  # noqa: PT011 - compare the messages
        parse(ScreenInput, bad)
    assert response.json()["detail"] == str(cli_error.value)
    not_json = client.post(
        url, headers={**headers, "Content-Type": "application/json"}, content=b"{nope"
    )
    assert not_json.status_code == 422
    assert not_json.json()["field"] == "(input)"
    a_list = client.post(url, headers=headers, json=[1, 2])
    assert a_list.status_code == 422


def _evaluate(client: TestClient, headers: dict[str, str], patient: int, **extra: Any) -> Any:
    response = client.post(
        f"/api/v1/patients/{patient}/evaluations", headers=headers, json={**PLAN, **extra}
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_evaluation_stores_measures_and_suggests_the_plan(
    client: TestClient, clinic: Clinic
) -> None:
    headers = token_for(client, "alice")
    result = _evaluate(
        client,
        headers,
        clinic.patient_a,
        measures=[{"measure": "tug_s", "value": 14.2}],
    )
    suggestion = build_program(parse(PlanInput, PLAN)).model_dump(mode="json")
    program = result["program"]
    assert program["assigned"] is False
    assert program["phase"] == suggestion["phase"]
    assert program["phase_name"] == suggestion["phase_name"]
    assert [e["id"] for e in program["exercises"]] == [e["id"] for e in suggestion["exercises"]]
    for key in ("gait_training", "bracing", "precautions", "rationale", "review_in_days"):
        assert program[key] == suggestion[key]
    stored = {m["measure"]: m["value"] for m in result["evaluation"]["measurements"]}
    assert stored["dorsiflexion_mmt"] == "3"
    assert stored["single_leg_stance_s"] == 12
    assert stored["tug_s"] == 14.2
    assert result["evaluation"]["date"] == "2026-03-02"
    # Not assigned yet: the patient has no program until a clinician assigns one.
    current = client.get(f"/api/v1/patients/{clinic.patient_a}/program", headers=headers)
    assert current.status_code == 404


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"measures": [{"measure": "nope", "value": 1}]}, "measures.0.measure"),
        ({"measures": [{"measure": "tug_s", "value": "fast"}]}, "measures.0.value"),
        ({"measures": [{"measure": "tug_s", "value": -5}]}, "measures.0.value"),
        ({"measures": [{"measure": "tug_s", "value": 9, "x": 1}]}, "measures.0.x"),
        ({"measures": [{"measure": "pain_nrs", "value": 3}]}, "measures.0.measure"),
        ({"measures": "tug"}, "measures"),
        ({"date": "2026-13-01"}, "date"),
        ({"date": "2030-01-01"}, "date"),
        ({"dorsiflexion_mmt": "6"}, "dorsiflexion_mmt"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_bad_evaluations_name_the_field_and_save_nothing(
    client: TestClient, clinic: Clinic, extra: dict[str, Any], field: str
) -> None:
    headers = token_for(client, "alice")
    response = client.post(
        f"/api/v1/patients/{clinic.patient_a}/evaluations",
        headers=headers,
        json={**PLAN, **extra},
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    progress = client.get(f"/api/v1/patients/{clinic.patient_a}/progress", headers=headers)
    assert progress.json()["measures"] == {}


def test_program_put_assigns_a_new_version_and_keeps_history(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    headers = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}"
    suggestion = _evaluate(client, headers, clinic.patient_a)["program"]
    edited = suggestion["exercises"][:2]
    edited[0] = {**edited[0], "sets": 3, "notes": "slowly"}
    clock.advance(minutes=5)
    response = client.put(
        f"{url}/program", headers=headers, json={"exercises": edited, "notes": "n"}
    )
    assert response.status_code == 200, response.text
    program = response.json()
    assert program["assigned"] is True
    assert program["version"] == suggestion["version"] + 1
    assert program["exercises"][0]["sets"] == 3
    assert program["phase"] == suggestion["phase"]
    patient_view = client.get(f"{url}/program", headers=token_for(client, "ann"))
    assert patient_view.json() == program
    history = client.get(f"{url}/programs", headers=headers).json()
    assert [p["version"] for p in history] == [2, 1]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": "moonwalk"}, "exercises.0.id"),
        ({"sets": 0}, "exercises.0.sets"),
        ({"support": "rope"}, "exercises.0.support"),
        ({"reps": 10, "hold_s": 5}, "exercises.0.reps"),
        ({"reps": None, "hold_s": None}, "exercises.0.reps"),
    ],
)
def test_bad_program_edits_name_the_exercise_field(
    client: TestClient, clinic: Clinic, change: dict[str, Any], field: str
) -> None:
    headers = token_for(client, "alice")
    suggestion = _evaluate(client, headers, clinic.patient_a)["program"]
    exercise = {**suggestion["exercises"][0], **change}
    response = client.put(
        f"/api/v1/patients/{clinic.patient_a}/program",
        headers=headers,
        json={"exercises": [exercise]},
    )
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_program_before_any_evaluation_is_a_conflict(client: TestClient, clinic: Clinic) -> None:
    response = client.put(
        f"/api/v1/patients/{clinic.patient_a}/program",
        headers=token_for(client, "alice"),
        json={
            "exercises": [
                {
                    "id": "seated_dorsiflexion",
                    "sets": 2,
                    "reps": 10,
                    "rest_s": 60,
                    "days_per_week": 5,
                    "support": "none",
                }
            ]
        },
    )
    assert response.status_code == 409


def test_checkin_with_worse_balance_pauses_the_program(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "ann")
    url = f"/api/v1/patients/{clinic.patient_a}"
    fine = client.post(f"{url}/sessions", headers=headers, json=CHECKIN)
    assert fine.status_code == 201, fine.text
    assert fine.json()["program_paused"] is False
    assert fine.json()["advice"] == []
    worse = client.post(f"{url}/sessions", headers=headers, json={**CHECKIN, "balance_worse": True})
    body = worse.json()
    assert body["program_paused"] is True
    assert body["advice"], "the seed's advice is shown"
    assert "911" in " ".join(body["advice"]) or "emergency" in " ".join(body["advice"]).lower()
    alerts = client.get(f"{url}/progress", headers=token_for(client, "alice")).json()["alerts"]
    assert "stop_program" in [a["kind"] for a in alerts]


def test_a_checkin_belongs_to_the_newest_assigned_program(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    url = f"/api/v1/patients/{clinic.patient_a}/sessions"
    before = client.post(url, headers=token_for(client, "ann"), json=CHECKIN)
    assert before.status_code == 201, before.text
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with db.transaction() as session:
        programs = [
            Program(
                patient_id=clinic.patient_a,
                version=version,
                origin="edited",
                created_at=now,
                assigned=assigned,
                assigned_at=now if assigned else None,
                phase=1,
                phase_name="Phase 1",
                plan_json={},
            )
            for version, assigned in ((1, True), (2, True), (3, False))
        ]
        session.add_all(programs)
        session.flush()
        newest_assigned = programs[1].id
    after = client.post(url, headers=token_for(client, "ann"), json=CHECKIN)
    assert after.status_code == 201, after.text
    with db.transaction() as session:
        stored = dict(session.execute(select(SessionCheckin.id, SessionCheckin.program_id)).all())
    assert stored == {before.json()["id"]: None, after.json()["id"]: newest_assigned}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pain_nrs": 11}, "pain_nrs"),
        ({"difficulty": "meh"}, "difficulty"),
        ({"weakness_worse": "no"}, "weakness_worse"),
        ({"date": "2026-03-03"}, "date"),
        ({"trips_since_last": -1}, "trips_since_last"),
    ],
)
def test_bad_checkins_name_the_field(
    client: TestClient, clinic: Clinic, change: dict[str, Any], field: str
) -> None:
    response = client.post(
        f"/api/v1/patients/{clinic.patient_a}/sessions",
        headers=token_for(client, "ann"),
        json={**CHECKIN, **change},
    )
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_progress_is_the_review_of_the_stored_history(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    from dorsi.clinical.progress import ProgressInput, review

    headers = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}"
    suggestion = _evaluate(client, headers, clinic.patient_a)["program"]
    client.put(f"{url}/program", headers=headers, json={"exercises": suggestion["exercises"]})
    for _ in range(3):
        clock.advance(days=2)
        patient = token_for(client, "ann")
        assert client.post(f"{url}/sessions", headers=patient, json=CHECKIN).status_code == 201
    clock.advance(days=30)
    headers = token_for(client, "alice")  # the old token went idle
    _evaluate(client, headers, clinic.patient_a, dorsiflexion_mmt="4", single_leg_stance_s=25)
    got = client.get(f"{url}/progress", headers=headers)
    assert got.status_code == 200
    days = [f"2026-03-{d:02d}" for d in (4, 6, 8)]
    expected = review(
        parse(
            ProgressInput,
            {
                "measurements": [
                    {"measure": m, "value": v, "date": day}
                    for day, values in (
                        ("2026-03-02", PLAN),
                        (
                            "2026-04-07",
                            {**PLAN, "dorsiflexion_mmt": "4", "single_leg_stance_s": 25},
                        ),
                    )
                    for m, v in values.items()
                    if m
                    in ("dorsiflexion_mmt", "single_leg_stance_s", "falls_past_month", "pain_nrs")
                ],
                "sessions": [
                    {k: v for k, v in CHECKIN.items() if k not in ("sets_done", "trips_since_last")}
                    | {"date": day}
                    for day in days
                ],
                "program_start": "2026-03-02",
                "planned_days_per_week": max(e["days_per_week"] for e in suggestion["exercises"]),
            },
        ),
        today=clock.now.date(),
    ).model_dump(mode="json")
    assert got.json() == expected
    assert got.json()["measures"]["dorsiflexion_mmt"]["latest"] == "4"


def test_patient_login_with_a_one_time_link(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "alice")
    fresh = client.post(
        "/api/v1/patients",
        headers=headers,
        json={"display_name": "Dee", "side": "left", "cause": "neurological"},
    ).json()
    login = client.post(
        f"/api/v1/patients/{fresh['id']}/login", headers=headers, json={"username": "dee"}
    )
    assert login.status_code == 201, login.text
    link = login.json()["sign_in_link"]
    assert link
    assert len(link) >= 43
    form = client.get(f"/signin/{link}")
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    used = client.post(f"/signin/{link}", data={"csrf_token": token}, follow_redirects=False)
    assert used.status_code == 303
    again = client.post(f"/signin/{link}", data={"csrf_token": token}, follow_redirects=False)
    assert again.status_code == 401  # one time only


def test_duplicate_username_is_a_conflict(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "root")
    response = client.post(
        "/api/v1/users",
        headers=headers,
        json={
            "username": "Alice",
            "role": "clinician",
            "display_name": "A2",
            "password": "a-long-enough-one",
        },
    )
    assert response.status_code == 409


def test_path_ids_are_validated(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "alice")
    for bad in ("abc", "0", "-3", "99999999999999999999"):
        response = client.get(f"/api/v1/patients/{bad}", headers=headers)
        assert response.status_code == 422, bad
        assert response.json()["detail"].startswith("patient_id: ")


def test_garbage_never_gives_a_500(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}"
    bodies: list[bytes] = [
        b"",
        b"null",
        b"0",
        b'"x"',
        b"{}",
        b'{"a":' * 50,
        json.dumps(SCREEN_OK)[:-3].encode(),
        "é".encode("latin-1"),
    ]
    for path in ("/screenings", "/evaluations", "/sessions", "/program", ""):
        for body in bodies:
            method = "PUT" if path == "/program" else "POST"
            response = client.request(
                method, url + path if path else "/api/v1/patients", headers=headers, content=body
            )
            assert 400 <= response.status_code < 500, (path, body, response.text)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "completed": st.one_of(st.booleans(), st.text(max_size=3), st.integers()),
            "pain_nrs": st.one_of(st.integers(-5, 15), st.floats(allow_nan=True), st.none()),
            "difficulty": st.sampled_from(["easy", "ok", "hard", "HARD", ""]),
            "weakness_worse": st.one_of(st.booleans(), st.none()),
            "balance_worse": st.one_of(st.booleans(), st.none()),
            "date": st.one_of(st.dates().map(str), st.text(max_size=5)),
            "extra": st.integers(),
        },
    )
)
def test_any_checkin_body_is_stored_or_refused_never_a_500(
    client: TestClient, clinic: Clinic, body: dict[str, Any]
) -> None:
    headers = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}"
    # json.dumps (not httpx's json=, which refuses NaN) so the server also meets NaN/Infinity.
    response = client.post(
        f"{url}/sessions",
        headers={**headers, "content-type": "application/json"},
        content=json.dumps(body),
    )
    assert response.status_code in (201, 422), response.text
    if response.status_code == 201:
        stored = response.json()
        if stored["weakness_worse"] or stored["balance_worse"]:
            assert stored["program_paused"] is True
            assert stored["advice"]
    else:
        assert response.json()["field"]
