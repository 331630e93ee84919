"""What the browser review found, checked on the served HTML: the paused box says its advice
once, the patient's menu is short, the guided session puts the trainer first, staff tables
stack on a phone, the favicon, and the walking-video pages in the patient's language."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from sqlalchemy import update

from dorsi.catalog.red_flags import load_red_flags
from dorsi.clinical.contract import parse
from dorsi.clinical.progress_alerts import ADVICE_EMERGENCY
from dorsi.clinical.screening import ScreenInput, triage
from dorsi.education import load_topics
from dorsi.store.db import Database
from dorsi.store.models import Patient
from tests.web.conftest import (
    CHECKIN,
    PLAN,
    SCREEN_OK,
    Clinic,
    TestClient,
    page_login,
    token_for,
)


def _assign(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}"
    suggestion = client.post(f"{url}/evaluations", headers=headers, json=PLAN).json()["program"]
    answer = client.put(
        f"{url}/program", headers=headers, json={"exercises": suggestion["exercises"]}
    )
    assert answer.status_code == 200, answer.text


def _pause_by_check_in(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "ann")
    answer = client.post(
        f"/api/v1/patients/{clinic.patient_a}/sessions",
        headers=headers,
        json={**CHECKIN, "balance_worse": True},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["program_paused"] is True


def _paused_box(html: str) -> str:
    match = re.search(r'<div class="notice danger paused" role="alert">(.*?)</div>', html, re.S)
    assert match, "the paused box is shown"
    return match.group(1)


def _set_language(db: Database, patient_id: int, lang: str) -> None:
    with db.transaction() as session:
        session.execute(
            update(Patient).where(Patient.id == patient_id).values(preferred_language=lang)
        )


def _nav(html: str) -> str:
    match = re.search(r"<nav aria-label=\"[^\"]+\">(.*?)</nav>", html, re.S)
    assert match
    return match.group(1)


# --- the paused box ---------------------------------------------------------------------------


def test_paused_box_gives_the_emergency_advice_once(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _assign(client, clinic)
    _pause_by_check_in(client, clinic)
    page_login(client, "ann")
    for path in ("/me", "/me/session", "/me/progress"):
        box = _paused_box(client.get(path).text)
        assert box.count("911") == 1, (path, box)
        assert ADVICE_EMERGENCY.split(",")[0] in box  # the review's own advice, stored
        assert box.count("<h2>") == 1


def _pause_by_screening(client: TestClient, clinic: Clinic) -> Any:
    """Ann's own screening, her weakness getting worse: it pauses her program."""
    _assign(client, clinic)
    answer = client.post(
        f"/api/v1/patients/{clinic.patient_a}/screenings",
        headers=token_for(client, "ann"),
        json={**SCREEN_OK, "weakness_trend": "worsening"},
    )
    assert answer.status_code == 201, answer.text
    return answer


def test_a_screening_pause_reason_carries_the_triage_advice(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    answer = _pause_by_screening(client, clinic)
    result = answer.json()
    assert result["program_paused"] is True
    page_login(client, "ann")
    box = _paused_box(client.get("/me").text)
    advice = result["advice"].replace("'", "&#39;")
    assert advice in box  # the triage's own advice, from the stored reason
    assert box.count(advice) == 1
    assert "Contact your therapist before you exercise again." not in box


def test_a_screening_pause_reason_in_spanish_is_the_triage_in_spanish(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    """Rebuilt from the screening's stored answers, not translated from the English summary:
    the level, the advice and every reason in Spanish, nothing marked "(en inglés)"."""
    answer = _pause_by_screening(client, clinic)
    english = answer.json()
    spanish = triage(parse(ScreenInput, {**SCREEN_OK, "weakness_trend": "worsening"}), lang="es")
    assert spanish.level == english["level"]
    assert spanish.program_paused
    _set_language(db, clinic.patient_a, "es")
    page_login(client, "ann")
    for path in ("/me", "/me/progress"):
        box = _paused_box(client.get(path).text)
        assert load_red_flags("es").level_info(spanish.level).title in box, path
        assert spanish.advice.replace("'", "&#39;") in box
        for reason in spanish.reasons:
            assert reason.replace("'", "&#39;") in box
        assert english["advice"].replace("'", "&#39;") not in box
        assert "inglés" not in box
        assert 'lang="en"' not in box
        assert "Por qué (según las preguntas de seguridad contestadas el" in box


def test_paused_box_in_spanish_gives_the_check_ins_reason_in_spanish(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _assign(client, clinic)
    _pause_by_check_in(client, clinic)
    _set_language(db, clinic.patient_a, "es")
    page_login(client, "ann")
    for path in ("/me", "/me/session", "/me/progress"):
        box = _paused_box(client.get(path).text)
        # the check-in's own stop alert, worded in Spanish from the stored answers
        assert "Usted anotó que tenía peor equilibrio" in box, path
        assert "Hable con su terapeuta" in box or "hable con su terapeuta" in box
        assert 'lang="en"' not in box
        assert "inglés" not in box
        assert "You noted" not in box
        assert box.count("911") == 1


def test_paused_box_without_a_reason_still_gives_the_advice(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    with db.transaction() as session:
        session.execute(
            update(Patient)
            .where(Patient.id == clinic.patient_a)
            .values(program_paused=True, paused_reason=None)
        )
    page_login(client, "ann")
    box = _paused_box(client.get("/me").text)
    assert "Contact your therapist before you exercise again." in box
    assert box.count("911") == 1


# --- menu, footer, favicon --------------------------------------------------------------------


def test_patient_menu_is_short_and_cost_is_in_the_footer(
    client: TestClient, clinic: Clinic
) -> None:
    page_login(client, "ann")
    html = client.get("/me").text
    nav = _nav(html)
    links = re.findall(r'href="([^"]+)"', nav)
    assert links == ["/me", "/me/progress", "/me/reminders", "/learn"]
    footer = html[html.index('<footer class="foot">') :]
    assert 'href="/cost"' in footer
    # "Sign out" is in the footer, away from "Account"; "Is this urgent?" is on every page.
    assert 'action="/logout"' in footer
    account = html[html.index('<div class="account-bar">') : html.index("</header>")]
    assert 'href="/account"' in account
    assert 'href="/urgent"' in account
    assert "/logout" not in account


def test_staff_menus_keep_their_links(client: TestClient, clinic: Clinic) -> None:
    page_login(client, "alice")
    html = client.get("/clinic").text
    assert re.findall(r'href="([^"]+)"', _nav(html)) == [
        "/clinic",
        "/clinic/worklist",
        "/clinic/patients/new",
    ]
    assert 'href="/cost"' not in html[html.index('<footer class="foot">') :]


def test_every_page_links_the_favicon_and_it_is_an_svg(client: TestClient) -> None:
    for path in ("/login", "/urgent", "/cost"):
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in (
            client.get(path).text
        )
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(icon.content)  # noqa: S314 - our own static file
    assert root.tag.endswith("svg")
    assert len(icon.content) < 1000  # tiny


# --- guided session ---------------------------------------------------------------------------


def test_guided_session_puts_the_trainer_above_the_picture_and_steps(
    client: TestClient, clinic: Clinic
) -> None:
    _assign(client, clinic)
    page_login(client, "ann")
    html = client.get("/me/session?step=0").text
    trainer = html.index('<div class="trainer"')
    assert trainer < html.index('<img src="/exercises/')
    assert trainer < html.index('<ol class="big-text">')
    assert html.index('class="dose') < trainer


# --- tables on a phone ------------------------------------------------------------------------


def test_staff_tables_stack_on_a_phone_with_each_cell_named(
    client: TestClient, clinic: Clinic
) -> None:
    _assign(client, clinic)
    page_login(client, "alice")
    patients = client.get("/clinic").text
    assert 'class="patients stacked"' in patients
    for label in ("Status", "Last screening", "Last session", "Adherence"):
        assert f'data-label="{label}"' in patients
    client.post(
        f"/api/v1/patients/{clinic.patient_a}/sessions",
        headers=token_for(client, "ann"),
        json=CHECKIN,
    )
    dashboard = client.get(f"/clinic/patients/{clinic.patient_a}").text
    assert '<table class="stacked notes-table"><caption>Latest check-ins' in dashboard
    assert 'data-label="Pain"' in dashboard
    css = client.get("/static/dorsi.css").text
    assert "table.stacked td[data-label]::before" in css


def test_admin_users_table_stacks(client: TestClient, clinic: Clinic) -> None:
    page_login(client, "root")
    html = client.get("/admin/users").text
    assert '<table class="stacked">' in html
    assert 'data-label="Username"' in html


# --- walking videos in the patient's language -------------------------------------------------


def test_walking_video_pages_follow_the_patients_language(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _set_language(db, clinic.patient_a, "es")
    page_login(client, "ann")
    mine = client.get("/me/gait-videos")  # redirects to the patient's own list
    assert mine.status_code == 200
    assert '<html lang="es">' in mine.text
    for text in ("Grabe cómo camina", "Cómo grabar su marcha", "Enviar el vídeo"):
        assert text in mine.text
    assert "Film your walking" not in mine.text
    today = client.get("/me").text
    assert "Grabar cómo camino" in today


def test_walking_video_pages_stay_english_for_clinicians(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _set_language(db, clinic.patient_a, "es")
    page_login(client, "alice")
    html = client.get(f"/patients/{clinic.patient_a}/gait-videos").text
    assert '<html lang="en">' in html
    assert "How to film your walk" in html
    assert "Upload a video" in html


# --- Learn topics: every landmark has its own name (axe landmark-unique) ----------------------


def _landmark_names(html: str) -> list[str]:
    names = []
    for ref in re.findall(r'<(?:section|article|aside|nav)[^>]*aria-labelledby="([^"]+)"', html):
        match = re.search(rf'id="{re.escape(ref)}"[^>]*>(.*?)</', html, re.S)
        assert match, ref
        names.append(re.sub(r"\s+", " ", match.group(1)).strip())
    return names


@pytest.mark.parametrize("topic_id", [t.id for t in load_topics().topics])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_learn_topic_landmarks_have_unique_names(
    client: TestClient, topic_id: str, lang: str
) -> None:
    page = client.get(f"/learn/{topic_id}", headers={"accept-language": lang})
    assert page.status_code == 200
    names = _landmark_names(page.text)
    assert len(names) >= 2
    assert len(names) == len(set(names)), names
