"""Pages for a phone and a busy clinician, on the served HTML: Today says the shared stop rules
once (each exercise adds only its own), links the handout and "Is this urgent?"; the guided
session keeps its place per program version; the clinician's page opens with a summary that
flags an overdue reassessment, folds its sections and wraps long notes."""

from __future__ import annotations

import re

from sqlalchemy import update

from dorsi.catalog.exercises import load_exercises
from dorsi.store.db import Database
from dorsi.store.models import Patient
from tests.web.conftest import PLAN, Clinic, Clock, TestClient, page_login, token_for


def _assign(client: TestClient, clinic: Clinic) -> list[str]:
    headers = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}"
    suggestion = client.post(f"{url}/evaluations", headers=headers, json=PLAN).json()["program"]
    answer = client.put(
        f"{url}/program", headers=headers, json={"exercises": suggestion["exercises"]}
    )
    assert answer.status_code == 200, answer.text
    return [e["id"] for e in suggestion["exercises"]]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_today_says_the_common_stop_rules_once_and_each_exercise_its_own(
    client: TestClient, clinic: Clinic
) -> None:
    ids = _assign(client, clinic)
    page_login(client, "ann")
    html = client.get("/me").text
    text = _text(html)
    catalog = load_exercises()
    for rule in catalog.common_stop_rules:
        assert text.count(rule) == 1, rule
    for exercise_id in ids:
        own = [r for r in catalog.get(exercise_id).stop_rules if r not in catalog.common_stop_rules]
        assert own, exercise_id
        for rule in own:
            assert rule in text
    assert html.count('class="stop-rules"') == 1
    # The next action comes before the exercises, and the handout and urgent help are links.
    assert html.index('href="/me/session"') < html.index('class="exercise-card"')
    main = html[html.index("<main") :]
    assert 'href="/me/handout.pdf"' in main
    assert 'href="/urgent"' in main


def test_spanish_today_has_the_stop_rules_in_spanish_once(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _assign(client, clinic)
    with db.transaction() as session:
        session.execute(
            update(Patient).where(Patient.id == clinic.patient_a).values(preferred_language="es")
        )
    page_login(client, "ann")
    html = client.get("/me").text
    assert '<html lang="es">' in html
    text = _text(html)
    for rule in load_exercises("es").common_stop_rules:
        assert text.count(rule) == 1, rule
    assert "Cuándo parar" in text


def test_guided_session_names_the_program_version_for_the_trainer(
    client: TestClient, clinic: Clinic
) -> None:
    _assign(client, clinic)
    page_login(client, "ann")
    step = client.get("/me/session?step=1").text
    match = re.search(r'<div class="trainer" data-version="([^"]+)" data-step="1"', step)
    assert match, "the trainer names the program version and its step"
    checkin = client.get("/me/session?step=50").text
    assert f'class="stack checkin" data-version="{match.group(1)}"' in checkin
    # The common stop rules once on a step too, with this exercise's own rule.
    text = _text(step)
    for rule in load_exercises().common_stop_rules:
        assert text.count(rule) == 1, rule


def test_clinician_page_opens_with_a_summary_and_flags_an_overdue_reassessment(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    _assign(client, clinic)
    page_login(client, "alice")
    url = f"/clinic/patients/{clinic.patient_a}"
    html = client.get(url).text
    summary = html[html.index('<dl class="summary">') : html.index("</dl>")]
    due = re.search(r"Next reassessment</dt><dd>(\d{4}-\d\d-\d\d)", summary)
    assert due, summary
    assert "overdue" not in summary
    for term in ("Alerts", "Phase", "Goals", "Last check-in"):
        assert term in summary
    assert html.index('<dl class="summary">') < html.index('id="alerts"')
    # Every section folds: its heading is the summary of a details element.
    for section in ("alerts", "goals", "messages", "notes", "program", "outlook", "login"):
        assert re.search(rf'<details( open)?><summary><h2 id="{section}">', html), section
    clock.advance(days=400)
    page_login(client, "alice")  # the session ended meanwhile
    later = client.get(url).text
    summary = later[later.index('<dl class="summary">') : later.index("</dl>")]
    assert re.search(r'<span class="badge danger">overdue by \d+ days</span>', summary), summary
