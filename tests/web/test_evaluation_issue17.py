"""The clinician's evaluation form takes the new optional inputs of issue 17 (age, feeling in
the foot, passive ankle range, both sides, the new causes) and the program follows them."""

from __future__ import annotations

import re

from dorsi.clinical.program_rules import CAUSES
from tests.web.conftest import PLAN, Clinic, TestClient, page_login, token_for


def _form(csrf: str, **changes: str) -> dict[str, str]:
    base = {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in PLAN.items()}
    return {**base, "csrf_token": csrf, **changes}


def test_the_form_offers_the_new_inputs_and_causes(client: TestClient, clinic: Clinic) -> None:
    page_login(client, "alice")
    page = client.get(f"/clinic/patients/{clinic.patient_a}/evaluation")
    assert page.status_code == 200
    for name in ("age_years", "sensation", "ankle_df_passive_deg"):
        assert f'name="{name}"' in page.text, name
        assert f'aria-describedby="{name}-help"' in page.text, name
    for cause in CAUSES:
        assert f'<option value="{cause}"' in page.text, cause
    assert '<option value="both"' in page.text


def test_reduced_feeling_and_a_tight_ankle_shape_the_suggested_program(
    client: TestClient, clinic: Clinic
) -> None:
    csrf = page_login(client, "alice")
    url = f"/clinic/patients/{clinic.patient_a}/evaluation"
    form = _form(
        csrf,
        side="both",
        cause="polyneuropathy",
        age_years="70",
        sensation="reduced",
        ankle_df_passive_deg="-5",
    )
    saved = client.post(url, data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    page = client.get(saved.headers["location"])
    assert page.status_code == 200
    body = page.text.lower()
    assert "cannot warn you of a rub or a blister" in body
    assert "right angle" in body  # a tight ankle keeps calf stretching: rationale


def test_the_api_takes_the_new_inputs(client: TestClient, clinic: Clinic) -> None:
    body = {**PLAN, "side": "both", "cause": "stroke", "age_years": 60, "ankle_df_passive_deg": -3}
    response = client.post(
        f"/api/v1/patients/{clinic.patient_a}/evaluations",
        headers=token_for(client, "alice"),
        json=body,
    )
    assert response.status_code == 201, response.text
    assert "right angle" in response.text  # the AFO reason names the tight ankle
    assert "FES" in response.text  # stroke: the lower motor neuron is intact


def test_a_bad_new_input_is_shown_next_to_its_field(client: TestClient, clinic: Clinic) -> None:
    csrf = page_login(client, "alice")
    url = f"/clinic/patients/{clinic.patient_a}/evaluation"
    bad = client.post(url, data=_form(csrf, sensation="numb"))
    assert bad.status_code == 422
    assert 'id="sensation-error"' in bad.text
    bad_age = client.post(url, data=_form(csrf, age_years="12.5"))
    assert bad_age.status_code == 422
    assert re.search(r'id="age_years-error"', bad_age.text)


def test_a_child_gets_no_exercises_and_the_reason(client: TestClient, clinic: Clinic) -> None:
    csrf = page_login(client, "alice")
    url = f"/clinic/patients/{clinic.patient_a}/evaluation"
    saved = client.post(url, data=_form(csrf, age_years="11"), follow_redirects=False)
    assert saved.status_code == 303, saved.text
    page = client.get(saved.headers["location"])
    assert page.status_code == 200
    assert "paediatric therapist" in page.text
    assert re.findall(r'name="exercise" value="([a-z_]+)"', page.text) == []
