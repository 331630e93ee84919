"""The HTML pages, driven as a browser without JavaScript would (plain forms and links)."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from dorsi.catalog.exercises import load_exercises
from dorsi.catalog.measures import load_measures
from dorsi.catalog.red_flags import load_red_flags
from tests.web.conftest import (
    CHECKIN,
    PLAN,
    SCREEN_OK,
    Clinic,
    TestClient,
    csrf_from,
    page_login,
    token_for,
)


def _yes_no(values: dict[str, object]) -> dict[str, str]:
    out = {}
    for key, value in values.items():
        if isinstance(value, bool):
            out[key] = "yes" if value else "no"
        else:
            out[key] = str(value)
    return out


def _evaluated(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "alice")
    response = client.post(
        f"/api/v1/patients/{clinic.patient_a}/evaluations", headers=headers, json=PLAN
    )
    assert response.status_code == 201


def test_anonymous_pages_redirect_to_sign_in(client: TestClient) -> None:
    for path in ("/clinic", "/me", "/admin/users", "/clinic/patients/1", "/account"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=")


def test_sign_in_lands_on_the_role_home(client: TestClient, clinic: Clinic) -> None:
    page_login(client, "alice")
    assert client.get("/", follow_redirects=False).headers["location"] == "/clinic"


def test_sign_in_follows_only_local_next(client: TestClient, clinic: Clinic) -> None:
    form = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": "alice",
            "password": "correct horse battery",
            "next": "//evil.example/x",
            "csrf_token": csrf_from(form.text),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/clinic"


def test_wrong_password_re_shows_the_form(client: TestClient, clinic: Clinic) -> None:
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"username": "alice", "password": "nope-nope", "csrf_token": csrf_from(form.text)},
    )
    assert response.status_code == 401
    assert "wrong username or password" in response.text


def test_patient_list_search_and_sort(client: TestClient, clinic: Clinic) -> None:
    page_login(client, "alice")
    page = client.get("/clinic")
    assert page.status_code == 200
    assert "Ann Example" in page.text
    assert "Ben Example" not in page.text  # not assigned to alice
    assert "Ann Example" not in client.get("/clinic?q=zzz").text
    for sort in ("name", "status", "last_session", "newest", "bogus"):
        assert client.get(f"/clinic?sort={sort}").status_code == 200


def test_new_patient_form_shows_errors_next_to_fields(client: TestClient, clinic: Clinic) -> None:
    csrf = page_login(client, "alice")
    bad = client.post(
        "/clinic/patients",
        data={"display_name": "", "side": "left", "cause": "lumbar", "csrf_token": csrf},
    )
    assert bad.status_code == 422
    assert 'id="display_name-error"' in bad.text
    good = client.post(
        "/clinic/patients",
        data={"display_name": "Cara", "side": "left", "cause": "lumbar", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert good.status_code == 303
    assert client.get(good.headers["location"]).status_code == 200


def test_screening_form_asks_every_catalog_question(client: TestClient, clinic: Clinic) -> None:
    csrf = page_login(client, "alice")
    page = client.get(f"/clinic/patients/{clinic.patient_a}/screening")
    assert page.status_code == 200
    for question in load_red_flags().questions:
        assert f'name="{question.id}"' in page.text, question.id
    saved = client.post(
        f"/clinic/patients/{clinic.patient_a}/screening",
        data={**_yes_no(SCREEN_OK), "speech_difficulty": "yes", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    dashboard = client.get(f"/clinic/patients/{clinic.patient_a}")
    assert "Home program paused" in dashboard.text
    missing = client.post(
        f"/clinic/patients/{clinic.patient_a}/screening",
        data={"csrf_token": csrf, "face_droop": "no"},
    )
    assert missing.status_code == 422
    assert "field-error" in missing.text


def test_evaluation_form_shows_every_measure(client: TestClient, clinic: Clinic) -> None:
    csrf = page_login(client, "alice")
    page = client.get(f"/clinic/patients/{clinic.patient_a}/evaluation")
    assert page.status_code == 200
    for measure in load_measures().measures:
        assert f'name="{measure.id}"' in page.text, measure.id
        assert str(escape(measure.how_to_measure[:30])) in page.text
    form = {
        **_yes_no(PLAN),
        "tug_s": "-4",
        "csrf_token": csrf,
    }
    bad = client.post(f"/clinic/patients/{clinic.patient_a}/evaluation", data=form)
    assert bad.status_code == 422
    assert 'id="tug_s-error"' in bad.text
    form["tug_s"] = "14"
    good = client.post(
        f"/clinic/patients/{clinic.patient_a}/evaluation", data=form, follow_redirects=False
    )
    assert good.status_code == 303, good.text
    assert good.headers["location"].endswith("/program")


def test_program_can_be_edited_added_to_and_assigned(client: TestClient, clinic: Clinic) -> None:
    _evaluated(client, clinic)
    csrf = page_login(client, "alice")
    url = f"/clinic/patients/{clinic.patient_a}/program"
    page = client.get(url)
    assert page.status_code == 200
    ids = re.findall(r'name="exercise" value="([a-z_]+)"', page.text)
    assert 3 <= len(ids) <= 6
    form: dict[str, object] = {"csrf_token": csrf, "exercise": ids, "notes": "go slowly"}
    for ex in ids:
        for field in ("sets", "amount", "rest_s", "days_per_week"):
            match = re.search(rf'name="{ex}__{field}"[^>]*value="([^"]*)"', page.text)
            assert match, (ex, field)
            form[f"{ex}__{field}"] = match.group(1)
        kind = re.search(
            rf'name="{ex}__amount_kind">.*?<option value="(\w+)" selected', page.text, re.S
        )
        assert kind
        form[f"{ex}__amount_kind"] = kind.group(1)
        support = re.search(
            rf'name="{ex}__support">.*?<option value="(\w+)" selected', page.text, re.S
        )
        assert support
        form[f"{ex}__support"] = support.group(1)
    form[f"{ids[0]}__remove"] = "1"
    addable = [e.id for e in load_exercises().exercises if e.id not in ids]
    added = client.post(url, data={**form, "op": "add", "add_exercise": addable[0]})
    assert added.status_code == 200
    assert f'name="exercise" value="{addable[0]}"' in added.text
    saved = client.post(url, data={**form, "op": "assign"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    program = client.get(
        f"/api/v1/patients/{clinic.patient_a}/program", headers=token_for(client, "alice")
    ).json()
    assert program["assigned"] is True
    assert ids[0] not in [e["id"] for e in program["exercises"]]
    assert program["notes"] == "go slowly"
    bad = client.post(url, data={**form, f"{ids[1]}__sets": "0", "op": "assign"})
    assert bad.status_code == 422
    assert "field-error" in bad.text


def test_dashboard_shows_charts_alerts_and_outlook(client: TestClient, clinic: Clinic) -> None:
    _evaluated(client, clinic)
    page_login(client, "alice")
    page = client.get(f"/clinic/patients/{clinic.patient_a}")
    assert page.status_code == 200
    # One evaluation: each measure is one value, shown as the value, not as a chart.
    assert 'class="chart-one"' in page.text
    assert "<svg" not in page.text
    assert "Measured once so far" in page.text
    assert "Recovery outlook" in page.text
    assert "Next reassessment" in page.text
    assert "Expected: about" in page.text


def test_clinician_makes_a_sign_in_link(client: TestClient, clinic: Clinic) -> None:
    csrf = page_login(client, "bob")
    page = client.post(
        f"/clinic/patients/{clinic.patient_b}/login",
        data={"username": "ben", "csrf_token": csrf},
    )
    assert page.status_code == 200, page.text
    assert "/signin/" in page.text


def _assign(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}"
    suggestion = client.post(f"{url}/evaluations", headers=headers, json=PLAN).json()["program"]
    response = client.put(
        f"{url}/program", headers=headers, json={"exercises": suggestion["exercises"]}
    )
    assert response.status_code == 200


def test_patient_today_and_guided_session_without_javascript(
    client: TestClient, clinic: Clinic
) -> None:
    _assign(client, clinic)
    csrf = page_login(client, "ann")
    today = client.get("/me")
    assert today.status_code == 200
    assert "When to stop" in today.text
    for rule in load_exercises().common_stop_rules:
        assert rule[:25] in today.text
    step = client.get("/me/session?step=0")
    assert step.status_code == 200
    assert 'class="trainer"' in step.text
    assert "/me/session?step=1" in step.text
    checkin = client.get("/me/session?step=99")
    assert 'name="weakness_worse"' in checkin.text
    assert 'name="balance_worse"' in checkin.text
    done = client.post("/me/session", data={**_yes_no(CHECKIN), "csrf_token": csrf})
    assert done.status_code == 200
    assert "Thank you" in done.text
    worse = client.post(
        "/me/session",
        data={**_yes_no(CHECKIN), "balance_worse": "yes", "csrf_token": csrf},
    )
    assert "Please stop your exercises" in worse.text
    assert "stop your exercises" in client.get("/me").text.lower()


def test_checkin_errors_show_next_to_the_field(client: TestClient, clinic: Clinic) -> None:
    _assign(client, clinic)
    csrf = page_login(client, "ann")
    bad = client.post(
        "/me/session", data={**_yes_no(CHECKIN), "pain_nrs": "12", "csrf_token": csrf}
    )
    assert bad.status_code == 422
    assert 'id="pain_nrs-error"' in bad.text


def test_my_progress_in_plain_words(client: TestClient, clinic: Clinic) -> None:
    _assign(client, clinic)
    page_login(client, "ann")
    page = client.get("/me/progress")
    assert page.status_code == 200
    assert "Measured once so far" in page.text


@pytest.mark.parametrize("path", ["/me", "/me/session", "/me/progress"])
def test_patient_pages_are_for_patients(client: TestClient, clinic: Clinic, path: str) -> None:
    page_login(client, "alice")
    assert client.get(path).status_code == 403


def test_urgent_self_check_without_sign_in(client: TestClient) -> None:
    form = client.get("/urgent")
    assert form.status_code == 200
    for question in load_red_flags().questions:
        assert str(escape(question.question[:20])) in form.text
    answers = {**_yes_no(SCREEN_OK), "face_droop": "yes", "csrf_token": csrf_from(form.text)}
    result = client.post("/urgent", data=answers)
    assert result.status_code == 200
    assert "Emergency" in result.text
    incomplete = client.post("/urgent", data={"csrf_token": csrf_from(form.text)})
    assert incomplete.status_code == 422


def test_cost_estimate_without_sign_in(client: TestClient) -> None:
    form = client.get("/cost")
    data = {
        "visits": "4",
        "allowed_per_visit": "100",
        "deductible_remaining": "50",
        "copay_per_visit": "20",
        "coinsurance_pct": "10",
        "csrf_token": csrf_from(form.text),
    }
    result = client.post("/cost", data=data)
    assert result.status_code == 200, result.text
    assert "Your estimate" in result.text
    bad = client.post("/cost", data={**data, "visits": "many"})
    assert bad.status_code == 422
    assert 'id="visits-error"' in bad.text


def test_admin_creates_users_and_policy_applies(client: TestClient, clinic: Clinic) -> None:
    csrf = page_login(client, "root")
    page = client.get("/admin/users")
    assert "alice" in page.text
    weak = client.post(
        "/admin/users",
        data={
            "username": "carol",
            "role": "clinician",
            "display_name": "Carol",
            "password": "password12345678",
            "csrf_token": csrf,
        },
    )
    assert weak.status_code == 422
    assert "is a common or leaked password" in weak.text
    assert "password12345678" not in weak.text
    ok = client.post(
        "/admin/users",
        data={
            "username": "carol",
            "role": "clinician",
            "display_name": "Carol",
            "password": "a long clinic passphrase",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert client.get("/clinic").status_code == 403  # admins see no patient lists
