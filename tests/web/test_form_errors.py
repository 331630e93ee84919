"""Every form shows all its errors at once, beside their fields, in plain words in the page's
language, and keeps what was typed (SQLite, PostgreSQL)."""

from __future__ import annotations

import re

from pydantic import Field

from dorsi.clinical.contract import Contract, parse
from dorsi.errors import InputError
from dorsi.store.db import Database
from dorsi.store.models import Patient
from dorsi.web.i18n import use_language
from dorsi.web.pages.forms import field_errors
from tests.web.conftest import CHECKIN, PLAN, Clinic, TestClient, page_login, token_for


def _form(values: dict[str, object]) -> dict[str, str]:
    return {k: ("yes" if v else "no") if isinstance(v, bool) else str(v) for k, v in values.items()}


def _assign(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}"
    suggestion = client.post(f"{url}/evaluations", headers=headers, json=PLAN).json()["program"]
    response = client.put(
        f"{url}/program", headers=headers, json={"exercises": suggestion["exercises"]}
    )
    assert response.status_code == 200


class _Three(Contract):
    a: int = Field(ge=0)
    b: int = Field(le=10)
    c: str = Field(max_length=3)


def test_field_errors_lists_every_problem_in_plain_words() -> None:
    try:
        parse(_Three, {"a": -5, "b": 99, "c": "long"})
    except InputError as exc:
        errors = field_errors(exc)
    else:  # pragma: no cover - the body is bad
        raise AssertionError("refused")
    assert errors == {
        "a": "Please enter 0 or more.",
        "b": "Please enter 10 or less.",
        "c": "This is too long: please keep it to 3 characters or fewer. Nothing was saved.",
    }
    with use_language("es"):
        assert errors["b"].__html__() == "Escriba 10 o menos."  # type: ignore[attr-defined]


def test_an_error_the_service_words_itself_is_kept() -> None:
    assert field_errors(InputError("is not a known exercise", field="x")) == {
        "x": "is not a known exercise"
    }


def test_check_in_marks_every_bad_field_and_keeps_what_was_typed(
    client: TestClient, clinic: Clinic
) -> None:
    _assign(client, clinic)
    csrf = page_login(client, "ann")
    typed = {"sets_done": "-5", "pain_nrs": "99", "trips_since_last": "100000"}
    bad = client.post("/me/session", data={**_form(CHECKIN), **typed, "csrf_token": csrf})
    assert bad.status_code == 422
    for field, value in typed.items():
        assert f'id="{field}-error"' in bad.text, field
        assert re.search(rf'name="{field}"[^>]*value="{re.escape(value)}"', bad.text), field
    assert "Please enter 0 or more." in bad.text
    assert "Please enter 10 or less." in bad.text
    assert "Please check the 3 answers marked below." in bad.text
    assert "more problem" not in bad.text
    assert "Please check:" not in bad.text


def test_check_in_errors_in_spanish(client: TestClient, clinic: Clinic, db: Database) -> None:
    _assign(client, clinic)
    with db.transaction() as session:
        patient = session.get(Patient, clinic.patient_a)
        assert patient is not None
        patient.preferred_language = "es"
    csrf = page_login(client, "ann")
    bad = client.post("/me/session", data={**_form(CHECKIN), "pain_nrs": "99", "csrf_token": csrf})
    assert bad.status_code == 422
    assert "Escriba 10 o menos." in bad.text
    assert "Please enter" not in bad.text


def test_long_notes_are_refused_not_cut(client: TestClient, clinic: Clinic) -> None:
    _assign(client, clinic)
    csrf = page_login(client, "ann")
    notes = "a" * 2001
    bad = client.post("/me/session", data={**_form(CHECKIN), "notes": notes, "csrf_token": csrf})
    assert bad.status_code == 422
    assert 'id="notes-error"' in bad.text
    assert "keep it to 2000 characters or fewer" in bad.text
    assert notes in bad.text  # what was typed comes back whole


def test_a_program_without_exercises_is_refused_in_plain_words(
    client: TestClient, clinic: Clinic
) -> None:
    headers = token_for(client, "alice")
    client.post(f"/api/v1/patients/{clinic.patient_a}/evaluations", headers=headers, json=PLAN)
    csrf = page_login(client, "alice")
    url = f"/clinic/patients/{clinic.patient_a}/program"
    page = client.get(url)
    ids = re.findall(r'name="exercise" value="([a-z_]+)"', page.text)
    assert ids
    form: dict[str, object] = {"csrf_token": csrf, "exercise": ids, "op": "assign"}
    for ex in ids:
        for field in ("sets", "amount", "rest_s", "days_per_week"):
            match = re.search(rf'name="{ex}__{field}"[^>]*value="([^"]*)"', page.text)
            assert match
            form[f"{ex}__{field}"] = match.group(1)
        form[f"{ex}__remove"] = "1"
    bad = client.post(url, data=form)
    assert bad.status_code == 422
    assert "A program needs at least one exercise." in bad.text
    assert "list should have" not in bad.text
    assert re.findall(r'name="exercise" value="([a-z_]+)"', bad.text) == ids


def test_only_supported_languages_can_be_chosen(client: TestClient, clinic: Clinic) -> None:
    csrf = page_login(client, "alice")
    form = {"display_name": "Cara", "side": "left", "cause": "lumbar", "csrf_token": csrf}
    bad = client.post("/clinic/patients", data={**form, "preferred_language": "fr"})
    assert bad.status_code == 422
    assert 'id="preferred_language-error"' in bad.text
    assert "Please choose English or Spanish." in bad.text
    assert '<option value="es"' in client.get("/clinic/patients/new").text
    api = client.post(
        "/api/v1/patients",
        headers=token_for(client, "alice"),
        json={
            "display_name": "Cara",
            "side": "left",
            "cause": "lumbar",
            "preferred_language": "fr",
        },
    )
    assert api.status_code == 422
    assert "preferred_language" in api.text


def test_account_page_in_spanish(client: TestClient, clinic: Clinic, db: Database) -> None:
    with db.transaction() as session:
        patient = session.get(Patient, clinic.patient_a)
        assert patient is not None
        patient.preferred_language = "es"
    page_login(client, "ann")
    client.get("/me")  # the patient's pages keep the saved language in the cookie
    page = client.get("/account")
    assert "Su cuenta" in page.text
    assert "Elija una contraseña" in page.text
    assert "Choose a password" not in page.text
