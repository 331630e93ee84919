"""The patient answers LEFS and ABC on their phone (English and Spanish); the clinician sets
goals from the patient page; both pages report each goal with its status."""

from __future__ import annotations

import re

from tests.web.conftest import PLAN, Clinic, TestClient, page_login, token_for

LEFS_45: list[int | None] = [*([3] * 10), *([2] * 5), *([1] * 5)]


def _lefs_form(csrf: str, answers: list[int | None]) -> dict[str, str]:
    form = {f"item_{i + 1}": str(a) for i, a in enumerate(answers) if a is not None}
    return {**form, "csrf_token": csrf}


def test_the_patient_fills_in_the_lefs_and_sees_the_score(
    client: TestClient, clinic: Clinic
) -> None:
    csrf = page_login(client, "ann")
    page = client.get("/me/questionnaires/lefs")
    assert page.status_code == 200
    assert "own words" in page.text  # the items are summaries, and the page says so
    assert page.text.count('type="radio" name="item_') == 20 * 5
    sent = client.post(
        "/me/questionnaires/lefs", data=_lefs_form(csrf, LEFS_45), follow_redirects=False
    )
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == "/me/progress#m-lefs"
    progress = client.get("/me/progress")
    lefs = progress.text.split('id="m-lefs"')[1].split("</section>")[0]
    assert "Measured once so far" in lefs
    assert re.search(r"\b45\b", lefs), "the score is shown"


def test_a_missing_answer_is_shown_next_to_its_item(client: TestClient, clinic: Clinic) -> None:
    csrf = page_login(client, "ann")
    answers: list[int | None] = list(LEFS_45)
    answers[2] = None
    bad = client.post("/me/questionnaires/lefs", data=_lefs_form(csrf, answers))
    assert bad.status_code == 422
    assert 'id="answers.2-error"' in bad.text
    assert "item 3 is not answered" in bad.text
    assert 'value="3" required checked' in bad.text  # what was answered stays chosen


def test_the_abc_page_in_spanish(client: TestClient, clinic: Clinic) -> None:
    csrf = page_login(client, "ann")
    client.post("/language", data={"lang": "es", "next": "/me", "csrf_token": csrf})
    page = client.get("/me/questionnaires/abc")
    assert page.status_code == 200
    assert "nuestras palabras" in page.text
    assert "Caminar dentro de su casa" in page.text
    assert "Enviar mis respuestas" in page.text
    form = {f"item_{i}": "60" for i in range(1, 17)}
    sent = client.post(
        "/me/questionnaires/abc", data={**form, "csrf_token": csrf}, follow_redirects=False
    )
    assert sent.status_code == 303, sent.text
    assert "Confianza en el equilibrio" in client.get("/me/progress").text


def test_clinicians_set_goals_and_both_pages_report_them(
    client: TestClient, clinic: Clinic
) -> None:
    alice = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}/evaluations"
    saved = client.post(url, headers=alice, json={**PLAN, "gait_speed_mps": 0.5})
    assert saved.status_code == 201, saved.text
    csrf = page_login(client, "alice")
    goals_url = f"/clinic/patients/{clinic.patient_a}/goals"
    form = {"measure": "gait_speed_mps", "target": "0.8", "by": "2026-06-01"}
    set_goal = client.post(goals_url, data={**form, "csrf_token": csrf}, follow_redirects=False)
    assert set_goal.status_code == 303, set_goal.text
    words = {"text": "Walk to the corner shop", "csrf_token": csrf}
    assert client.post(goals_url, data=words, follow_redirects=False).status_code == 303
    page = client.get(f"/clinic/patients/{clinic.patient_a}")
    assert "Comfortable walking speed (10-metre walk test): 0.8 m/s by 2026-06-01" in page.text
    assert "not on track" in page.text  # one value: no trend yet
    assert "Walk to the corner shop" in page.text
    bad = client.post(goals_url, data={**form, "by": "2020-01-01", "csrf_token": csrf})
    assert bad.status_code == 422
    assert 'id="by-error"' in bad.text
    client.post("/logout", data={"csrf_token": csrf})
    page_login(client, "ann")
    mine = client.get("/me/progress")
    assert "My goals" in mine.text
    assert "0.8 m/s by 2026-06-01" in mine.text
    assert "Too few measurements yet to see a trend" in mine.text
