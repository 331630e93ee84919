"""Choosing the language of the pages: Accept-Language, the switcher, the patient's record."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from dorsi.catalog.exercises import load_exercises
from dorsi.catalog.red_flags import load_red_flags
from dorsi.store.db import Database
from dorsi.store.models import AuditEntry, Patient
from dorsi.web.i18n import LANG_COOKIE
from tests.web.conftest import PASSWORD, SCREEN_OK, Clinic, TestClient, csrf_from, page_login

ES = {"accept-language": "es-MX,es;q=0.9,en;q=0.5"}


def html_lang(text: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', text)
    assert found, text[:200]
    return found.group(1)


def _yes_no(values: dict[str, object]) -> dict[str, str]:
    return {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in values.items()}


def sign_in(client: TestClient, username: str) -> None:
    """Sign in through the login page (without visiting the role's home page)."""
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def choose(client: TestClient, lang: str, next_path: str = "/learn", page: str = "/learn") -> str:
    csrf = csrf_from(client.get(page).text)
    response = client.post(
        "/language",
        data={"lang": lang, "next": next_path, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


@pytest.mark.parametrize("path", ["/urgent", "/cost", "/learn", "/language", "/login"])
def test_anonymous_pages_follow_accept_language(client: TestClient, path: str) -> None:
    spanish = client.get(path, headers=ES)
    english = client.get(path, headers={"accept-language": "en-US"})
    assert spanish.status_code == english.status_code == 200
    assert html_lang(spanish.text) == "es"
    assert html_lang(english.text) == "en"
    assert "Saltar al contenido principal" in spanish.text
    assert "Skip to main content" in english.text


def test_no_header_and_unknown_languages_mean_english(client: TestClient) -> None:
    assert html_lang(client.get("/urgent").text) == "en"
    assert html_lang(client.get("/urgent", headers={"accept-language": "fr, de"}).text) == "en"


def test_self_check_questions_and_choices_come_in_spanish(client: TestClient) -> None:
    page = client.get("/urgent", headers=ES).text
    spanish = load_red_flags("es")
    for question in spanish.questions:
        assert question.question.replace("'", "&#39;") in page
        for choice in question.choices:
            assert choice.label in page
    assert load_red_flags("en").questions[0].question not in page


def test_self_check_result_in_spanish_has_the_same_level(client: TestClient) -> None:
    answers = {**SCREEN_OK, "face_droop": True}
    results = {}
    for lang, headers in (("en", {"accept-language": "en"}), ("es", ES)):
        client.cookies.clear()
        csrf = csrf_from(client.get("/urgent", headers=headers).text)
        response = client.post(
            "/urgent", data={**_yes_no(answers), "csrf_token": csrf}, headers=headers
        )
        assert response.status_code == 200, response.text
        results[lang] = response.text
    assert "Emergency" in results["en"]
    assert "Emergencia" in results["es"]
    es_rule = next(r for r in load_red_flags("es").rules if r.id == "stroke_face_droop")
    assert es_rule.reason in results["es"]
    assert load_red_flags("es").level_info("emergency").advice in results["es"]


def test_switcher_sets_a_cookie_and_returns_to_the_page(client: TestClient) -> None:
    location = choose(client, "es", "/cost")
    assert location == "/cost"
    assert client.cookies.get(LANG_COOKIE) == "es"
    # The cookie wins over the browser's header.
    page = client.get("/cost", headers={"accept-language": "en"})
    assert html_lang(page.text) == "es"
    assert "¿Cuánto me costará la terapia?" in page.text
    choose(client, "en", "/cost")
    assert html_lang(client.get("/cost", headers=ES).text) == "en"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil", ""])
def test_switcher_only_returns_to_same_site_paths(client: TestClient, target: str) -> None:
    assert choose(client, "es", target) == "/learn"


@pytest.mark.parametrize("bad", ["fr", "", "x" * 30])
def test_unsupported_language_is_refused_naming_the_field(client: TestClient, bad: str) -> None:
    csrf = csrf_from(client.get("/language").text)
    response = client.post("/language", data={"lang": bad, "next": "/", "csrf_token": csrf})
    assert response.status_code == 422
    assert 'id="lang-error"' in response.text
    assert "es (Español)" in response.text
    assert LANG_COOKIE not in client.cookies


def test_switcher_needs_the_form_token(client: TestClient) -> None:
    client.get("/language")
    response = client.post("/language", data={"lang": "es", "next": "/"}, follow_redirects=False)
    assert response.status_code == 403
    assert LANG_COOKIE not in client.cookies


def test_a_stale_cookie_is_ignored(client: TestClient) -> None:
    client.cookies.set(LANG_COOKIE, "klingon", domain="testserver.local")
    assert html_lang(client.get("/urgent", headers=ES).text) == "es"
    assert html_lang(client.get("/urgent").text) == "en"


def test_patient_choice_is_saved_on_the_record_and_audited(
    client: TestClient, with_program: Clinic, db: Database
) -> None:
    page_login(client, "ann")
    assert html_lang(client.get("/me").text) == "en"
    choose(client, "es", "/me", page="/me")
    with db.transaction() as session:
        patient = session.get(Patient, with_program.patient_a)
        assert patient is not None
        assert patient.preferred_language == "es"
        audited = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "patient.language")
        ).all()
    assert [(a.patient_id, a.detail, a.outcome) for a in audited] == [
        (with_program.patient_a, "es", "ok")
    ]
    today = client.get("/me")
    assert html_lang(today.text) == "es"
    spanish = load_exercises("es")
    for exercise in spanish.exercises:
        if f'id="ex-{exercise.id}"' in today.text:
            assert exercise.name in today.text
            assert exercise.steps[0] in today.text
    assert spanish.common_stop_rules[0] in today.text
    assert load_exercises("en").common_stop_rules[0] not in today.text


def test_the_record_wins_over_the_cookie_on_another_device(
    client: TestClient, with_program: Clinic, db: Database
) -> None:
    with db.transaction() as session:
        patient = session.get(Patient, with_program.patient_a)
        assert patient is not None
        patient.preferred_language = "es"
    page_login(client, "ann")
    client.cookies.set(LANG_COOKIE, "en", domain="testserver.local")
    today = client.get("/me")
    assert html_lang(today.text) == "es"
    # ... and the cookie follows the record, so pages without the record agree.
    assert client.cookies.get(LANG_COOKIE) == "es"
    assert html_lang(client.get("/urgent").text) == "es"


@pytest.mark.parametrize("step", [0, 1, 999])
def test_guided_session_and_check_in_in_spanish(
    client: TestClient, with_program: Clinic, step: int
) -> None:
    page_login(client, "ann")
    choose(client, "es", "/me", page="/me")
    page = client.get(f"/me/session?step={step}")
    assert page.status_code == 200
    assert html_lang(page.text) == "es"
    if step == 999:
        assert "¿Cómo le fue?" in page.text
        assert "¿La debilidad está peor?" in page.text
    else:
        assert "Ejercicio" in page.text
        assert 'data-word-rest="Descanso"' in page.text


def test_check_in_that_pauses_gives_the_advice_in_spanish(
    client: TestClient, with_program: Clinic
) -> None:
    page_login(client, "ann")
    choose(client, "es", "/me", page="/me")
    csrf = csrf_from(client.get("/me/session?step=999").text)
    body = {
        "completed": "yes",
        "pain_nrs": "2",
        "difficulty": "ok",
        "weakness_worse": "yes",
        "balance_worse": "no",
        "csrf_token": csrf,
    }
    done = client.post("/me/session", data=body)
    assert done.status_code == 200, done.text
    assert "Por favor, deje sus ejercicios por ahora" in done.text
    assert "Usted anotó que sentía la pierna o el pie más débil." in done.text
    assert "llame ya al 911" in done.text
    today = client.get("/me")
    assert "Usted anotó que sintió la pierna o el pie más débil" in today.text
    assert "(en inglés)" not in today.text


def test_progress_words_in_spanish(client: TestClient, with_program: Clinic) -> None:
    page_login(client, "ann")
    choose(client, "es", "/me/progress", page="/me")
    page = client.get("/me/progress")
    assert page.status_code == 200
    assert "Mi progreso" in page.text
    assert "Fuerza de los músculos que levantan el pie (prueba manual)" in page.text


def test_clinician_pages_stay_english(client: TestClient, with_program: Clinic) -> None:
    sign_in(client, "alice")
    client.cookies.set(LANG_COOKIE, "es", domain="testserver.local")
    learn = f"/clinic/patients/{with_program.patient_a}/learn"
    for path in ("/clinic/patients/new", learn, "/urgent", "/learn"):
        page = client.get(path, headers=ES)
        assert page.status_code == 200, (path, page.text[:300])
        assert html_lang(page.text) == "en"
        assert 'action="/language"' not in page.text
