"""Hostile requests of the security probe: oversized headers, deep JSON, bodies that are not
UTF-8 or not JSON, names of spaces. Each is refused with a clear 4xx, through the real app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.params import Form as FormParam
from fastapi.routing import APIRoute
from sqlalchemy import func, select

from dorsi.clinical.contract import MAX_JSON_DEPTH
from dorsi.settings import load_settings
from dorsi.store.db import Database
from dorsi.store.models import Patient, User
from dorsi.web.app import create_app
from dorsi.web.deps import JsonRoute
from tests.web.conftest import (
    CHECKIN,
    SECRET,
    Clinic,
    Clock,
    TestClient,
    app_routes,
    page_login,
    token_for,
)


def evil_cookie(size_bytes: int) -> str:
    """The probe's cookie: a quoted value of backslashes and quotes, on which the cookie
    parser of Python 3.11.7 is quadratic (64 KiB: 5 s; 8 KiB: 0.3 s)."""
    return 'a="' + '\\"' * ((size_bytes - 3) // 2)


JSON = {"content-type": "application/json"}


def _count(db: Database, column: Any) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count(column))) or 0)


# --- headers ----------------------------------------------------------------------------


def test_a_64_kib_cookie_of_backslashes_and_quotes_is_refused_431(
    client: TestClient, clinic: Clinic
) -> None:
    for path in ("/healthz", "/login", "/api/v1/patients"):
        response = client.get(path, headers={"Cookie": evil_cookie(65_536)})
        assert response.status_code == 431, (path, response.text[:200])
        assert response.json()["field"] == "cookie"
        assert "at most 8192" in response.json()["detail"]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"
        # under the size cap, the backslashes are what is refused
        small = client.get(path, headers={"Cookie": evil_cookie(8000)})
        assert small.status_code == 422, (path, small.text[:200])
        assert small.json()["field"] == "cookie"
        assert "backslash" in small.json()["detail"]
    # normal cookies, quoted ones too, still sign in and open pages
    page_login(client, "alice")
    session = client.cookies["dorsi_session"]
    cookies = f'theme="dark"; dorsi_session={session}; lang=es'
    page = client.get("/clinic", headers={"Cookie": cookies}, follow_redirects=False)
    assert page.status_code == 200
    assert "Ann Example" in page.text


def test_one_long_header_and_many_headers_are_refused_431(client: TestClient) -> None:
    one = client.get("/healthz", headers={"X-Filler": "y" * 9000})
    assert one.status_code == 431
    assert one.json()["field"] == "x-filler"
    many = client.get("/healthz", headers={f"X-Filler-{i}": "y" * 7000 for i in range(5)})
    assert many.status_code == 431
    assert "in all" in many.json()["detail"]
    fine = client.get("/healthz", headers={f"X-Filler-{i}": "y" * 3000 for i in range(5)})
    assert fine.status_code == 200


def test_the_header_caps_are_settings(db: Database, clock: Clock, tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, secret_key=SECRET, max_cookie_bytes=2048)
    app = create_app(settings, database=db, clock=clock, migrate=False)
    with TestClient(app) as client:
        assert client.get("/healthz", headers={"Cookie": "a=" + "b" * 1500}).status_code == 200
        refused = client.get("/healthz", headers={"Cookie": "a=" + "b" * 2500})
        assert refused.status_code == 431
        assert "at most 2048" in refused.json()["detail"]


# --- JSON bodies ------------------------------------------------------------------------


def json_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route whose OpenAPI body is JSON: built from the app, so a
    new JSON route is covered without editing this test."""
    found = []
    for route in app_routes(app):
        if not isinstance(route, APIRoute):
            continue
        field = route.body_field
        if isinstance(route, JsonRoute) and field and not isinstance(field.field_info, FormParam):
            found += [(method, route.path) for method in sorted(route.methods or ())]
    return found


def _url(path: str, clinic: Clinic) -> str:
    return path.replace("{patient_id}", str(clinic.patient_a))


def test_every_json_route_is_found(app: FastAPI) -> None:
    routes = json_routes(app)
    assert ("POST", "/api/v1/patients/{patient_id}/sessions") in routes  # the check-in
    assert len(routes) >= 7


def test_deep_json_is_refused_422_on_every_json_route(
    app: FastAPI, client: TestClient, clinic: Clinic, db: Database
) -> None:
    headers = {**token_for(client, "alice"), **JSON}
    deep = b"[" * 5000
    nested_33 = b'{"notes": ' + b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH + b"}"
    for method, path in json_routes(app):
        for body in (deep, nested_33):
            response = client.request(method, _url(path, clinic), headers=headers, content=body)
            assert response.status_code == 422, (path, response.text[:200])
            assert response.json() == {
                "detail": f"body: is JSON nested deeper than {MAX_JSON_DEPTH} levels",
                "field": "body",
            }
    # 32 levels are let through to the contract, which names the field; brackets inside
    # text do not count
    nested_32 = b'{"notes": ' + b"[" * 31 + b"]" * 31 + b"}"
    response = client.post("/api/v1/patients", headers=headers, content=nested_32)
    assert response.status_code == 422
    assert response.json()["field"] != "body"
    name = "Ann " + "[" * 100 + "{"
    created = client.post(
        "/api/v1/patients",
        headers=headers,
        json={"display_name": name, "side": "left", "cause": "peroneal"},
    )
    assert created.status_code == 201, created.text
    assert created.json()["display_name"] == name


def test_a_body_that_is_not_utf8_is_refused_and_nothing_stored(
    app: FastAPI, client: TestClient, clinic: Clinic, db: Database
) -> None:
    headers = {**token_for(client, "alice"), **JSON}
    before = _count(db, Patient.id)
    latin1 = '{"display_name": "José", "side": "left", "cause": "peroneal"}'.encode("latin-1")
    response = client.post("/api/v1/patients", headers=headers, content=latin1)
    assert response.status_code == 422
    assert response.json()["field"] == "body"
    assert "not valid UTF-8" in response.json()["detail"]
    assert _count(db, Patient.id) == before
    checkin = json.dumps(CHECKIN).encode()[:-1] + b', "notes": "\xff"}'
    for method, path in json_routes(app):
        answer = client.request(method, _url(path, clinic), headers=headers, content=checkin)
        assert answer.status_code == 422, (path, answer.text[:200])
        assert answer.json()["detail"].startswith("body: is not valid UTF-8"), path


def test_json_routes_take_only_application_json_415(
    app: FastAPI, client: TestClient, clinic: Clinic
) -> None:
    token = token_for(client, "alice")
    body = json.dumps(CHECKIN).encode()
    for method, path in json_routes(app):
        for kind in (None, "text/plain", "application/x-www-form-urlencoded"):
            headers = {**token, "content-type": kind} if kind else token
            response = client.request(method, _url(path, clinic), headers=headers, content=body)
            assert response.status_code == 415, (path, kind, response.text[:200])
            assert response.json()["field"] == "body"
            assert "must be application/json" in response.json()["detail"]
    sessions = f"/api/v1/patients/{clinic.patient_a}/sessions"
    ok = client.post(
        sessions, headers={**token, "content-type": "Application/JSON; charset=utf-8"}, content=body
    )
    assert ok.status_code == 201, ok.text
    other_charset = client.post(
        sessions, headers={**token, "content-type": "application/json; charset=latin-1"}
    )
    assert other_charset.status_code == 415


def test_openapi_names_415_on_json_routes_only(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "415" in paths["/api/v1/patients/{patient_id}/sessions"]["post"]["responses"]
    assert "415" not in paths["/api/v1/patients"]["get"]["responses"]
    assert "415" not in paths["/api/v1/auth/token"]["post"]["responses"]


# --- forms ------------------------------------------------------------------------------

FORM = {"content-type": "application/x-www-form-urlencoded"}


def test_a_form_field_that_is_not_utf8_is_refused_naming_it(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    api = client.post("/api/v1/auth/token", headers=FORM, content=b"username=al%FFce&password=x")
    assert api.status_code == 422
    assert api.json() == {"detail": "username: is not valid UTF-8", "field": "username"}
    csrf = page_login(client, "alice")
    before = _count(db, Patient.id)
    body = f"display_name=Jos%E9&side=left&cause=peroneal&csrf_token={csrf}".encode()
    page = client.post("/clinic/patients", headers=FORM, content=body)
    assert page.status_code == 422
    assert "text/html" in page.headers["content-type"]
    assert "display_name: is not valid UTF-8" in page.text
    assert _count(db, Patient.id) == before


def test_a_form_is_buffered_only_up_to_the_general_body_cap(
    db: Database, clock: Clock, tmp_path: Path
) -> None:
    """The upload routes take large bodies, but never a large form."""
    settings = load_settings(data_dir=tmp_path, secret_key=SECRET, max_body_bytes=2048)
    app = create_app(settings, database=db, clock=clock, migrate=False)
    with TestClient(app) as client:
        body = b"walked_distance_m=" + b"9" * 5000
        response = client.post("/api/v1/patients/1/gait-videos", headers=FORM, content=body)
        assert response.status_code == 413
        assert "2048 bytes" in response.json()["detail"]


def test_raw_utf8_in_a_form_is_read_as_utf8(client: TestClient, clinic: Clinic) -> None:
    """``curl -d 'display_name=José'`` sends raw UTF-8; it must not be stored as 'JosÃ©'."""
    csrf = page_login(client, "alice")
    body = f"display_name=José Raw&side=left&cause=peroneal&csrf_token={csrf}".encode()
    page = client.post("/clinic/patients", headers=FORM, content=body, follow_redirects=False)
    assert page.status_code == 303, page.text[:300]
    headers = token_for(client, "alice")
    names = {p["display_name"] for p in client.get("/api/v1/patients", headers=headers).json()}
    assert "José Raw" in names


# --- names ------------------------------------------------------------------------------

BLANK_NAMES = ("   ", "\u00a0\u3000", " . ")


def test_a_display_name_of_spaces_is_refused_by_the_api(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    alice = {**token_for(client, "alice"), **JSON}
    root = {**token_for(client, "root"), **JSON}
    patients, users = _count(db, Patient.id), _count(db, User.id)
    for name in BLANK_NAMES:
        patient = client.post(
            "/api/v1/patients",
            headers=alice,
            json={"display_name": name, "side": "left", "cause": "peroneal"},
        )
        assert patient.status_code == 422, name
        assert patient.json()["field"] == "display_name"
        assert "letter or digit" in patient.json()["detail"]
        user = client.post(
            "/api/v1/users",
            headers=root,
            json={
                "username": "carol",
                "role": "clinician",
                "display_name": name,
                "password": "a long clinic passphrase",
            },
        )
        assert user.status_code == 422, name
        assert user.json()["field"] == "display_name"
    assert (_count(db, Patient.id), _count(db, User.id)) == (patients, users)


def test_a_display_name_of_spaces_is_refused_by_the_pages(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    patients, users = _count(db, Patient.id), _count(db, User.id)
    csrf = page_login(client, "alice")
    page = client.post(
        "/clinic/patients",
        data={"display_name": "   ", "side": "left", "cause": "peroneal", "csrf_token": csrf},
    )
    assert page.status_code == 422
    assert "letter or digit" in page.text
    client.cookies.clear()
    csrf = page_login(client, "root")
    admin = client.post(
        "/admin/users",
        data={
            "username": "carol",
            "role": "clinician",
            "display_name": "   ",
            "password": "a long clinic passphrase",
            "csrf_token": csrf,
        },
    )
    assert admin.status_code == 422
    assert "letter or digit" in admin.text
    assert (_count(db, Patient.id), _count(db, User.id)) == (patients, users)


def test_a_password_is_never_echoed_in_an_error(client: TestClient, clinic: Clinic) -> None:
    root = {**token_for(client, "root"), **JSON}
    password = "s3cret-" * 50  # over the 256 allowed
    response = client.post(
        "/api/v1/users",
        headers=root,
        json={"username": "carol", "role": "clinician", "display_name": "C", "password": password},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "password"
    assert "s3cret" not in response.text
