"""A password change or reset, or a "sign out everywhere", ends the user's other sessions."""

from __future__ import annotations

from sqlalchemy import select

from dorsi.store.db import Database
from dorsi.store.models import AuditEntry
from tests.web.conftest import PASSWORD, Clinic, TestClient, csrf_from, page_login, token_for

NEW_PASSWORD = "a brand new walk in the park"  # noqa: S105 - test fixture


def _signed_in(client: TestClient, cookie: str) -> bool:
    client.cookies.set("dorsi_session", cookie)
    return bool(client.get("/account", follow_redirects=False).status_code == 200)


def _token_works(client: TestClient, headers: dict[str, str]) -> bool:
    return bool(client.get("/api/v1/patients", headers=headers).status_code == 200)


def _audit(db: Database, action: str) -> list[AuditEntry]:
    with db.transaction() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _two_sessions(client: TestClient, username: str) -> tuple[str, str]:
    page_login(client, username)
    first = client.cookies["dorsi_session"]
    client.cookies.clear()
    page_login(client, username)
    return first, client.cookies["dorsi_session"]


def test_changing_the_password_ends_every_other_session_and_token(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    other, mine = _two_sessions(client, "ann")
    token = token_for(client, "ann")
    client.cookies.set("dorsi_session", mine)
    csrf = csrf_from(client.get("/account").text)
    changed = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
            "csrf_token": csrf,
        },
    )
    assert changed.status_code == 200, changed.text
    assert "signed out on your other devices" in changed.text
    assert _signed_in(client, mine)  # the device in the patient's hand stays signed in
    assert not _signed_in(client, other)
    assert not _token_works(client, token)
    assert token_for(client, "ann", NEW_PASSWORD)
    (entry,) = _audit(db, "user.password")
    assert entry.outcome == "ok"
    assert entry.actor_username == "ann"
    assert f"user={clinic.user_a} ended=2" in entry.detail


def test_a_clinician_reset_of_the_patients_password_ends_every_session(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    patient = token_for(client, "ann")
    alice = token_for(client, "alice")
    reset = client.post(
        f"/api/v1/patients/{clinic.patient_a}/login",
        headers=alice,
        json={"username": "ann", "password": NEW_PASSWORD},
    )
    assert reset.status_code == 201, reset.text
    assert not _token_works(client, patient)
    assert _token_works(client, alice)
    assert any(e.detail == f"user={clinic.user_a} ended=1" for e in _audit(db, "user.password"))


def test_the_patients_clinician_signs_the_patient_out_everywhere(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    patient = token_for(client, "ann")
    url = f"/api/v1/patients/{clinic.patient_a}/login/signout"
    assert client.post(url, headers=token_for(client, "bob")).status_code == 404
    assert client.post(url, headers=patient).status_code == 403
    assert _token_works(client, patient)
    done = client.post(url, headers=token_for(client, "alice"))
    assert done.status_code == 200, done.text
    assert done.json() == {"ended": 1}
    assert not _token_works(client, patient)
    outcomes = sorted(e.outcome for e in _audit(db, "patient.signout"))
    assert outcomes == ["denied", "not_found", "ok"]
    (entry,) = _audit(db, "user.signout")
    assert entry.actor_username == "alice"
    assert entry.patient_id == clinic.patient_a


def test_the_clinic_page_button_signs_the_patient_out(client: TestClient, clinic: Clinic) -> None:
    patient = token_for(client, "ann")
    page_login(client, "alice")
    page = client.get(f"/clinic/patients/{clinic.patient_a}")
    assert "Sign the patient out everywhere" in page.text
    done = client.post(
        f"/clinic/patients/{clinic.patient_a}/signout", data={"csrf_token": csrf_from(page.text)}
    )
    assert done.status_code == 200, done.text
    assert "signed out everywhere (1 session(s) ended)" in done.text
    assert not _token_works(client, patient)


def test_an_admin_signs_any_user_out_everywhere(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    alice = token_for(client, "alice")
    url = f"/api/v1/users/{clinic.alice}/signout"
    assert client.post(url, headers=token_for(client, "bob")).status_code == 403
    assert _token_works(client, alice)
    done = client.post(url, headers=token_for(client, "root"))
    assert done.json() == {"ended": 1}
    assert not _token_works(client, alice)
    assert (
        client.post("/api/v1/users/99999/signout", headers=token_for(client, "root")).status_code
        == 404
    )
    # the page button does the same
    bob = token_for(client, "bob")
    csrf = page_login(client, "root")
    page = client.post(f"/admin/users/{clinic.bob}/signout", data={"csrf_token": csrf})
    assert page.status_code == 200, page.text
    assert "2 session(s) and token(s) ended." in page.text  # bob's two tokens
    assert not _token_works(client, bob)
    assert [e.outcome for e in _audit(db, "user.signout")] == ["ok", "ok"]
