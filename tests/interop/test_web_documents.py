"""The documents over the web: FHIR API, PDF and CSV downloads, the dashboard buttons."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from dorsi.store.db import Database
from dorsi.store.models import AuditEntry
from tests.web.conftest import (
    CHECKIN,
    PLAN,
    Clinic,
    TestClient,
    app,
    client,
    clinic,
    clock,
    csrf_from,
    settings,
    token_for,
)

__all__ = ["app", "client", "clinic", "clock", "settings"]


def page_login(client: TestClient, username: str) -> None:
    """Sign in through the login page (without loading the home page)."""
    from tests.web.conftest import PASSWORD

    form = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@pytest.fixture
def seeded(client: TestClient, clinic: Clinic) -> Clinic:
    headers = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}"
    program = client.post(f"{url}/evaluations", headers=headers, json=PLAN).json()["program"]
    assert (
        client.put(
            f"{url}/program", headers=headers, json={"exercises": program["exercises"]}
        ).status_code
        == 200
    )
    assert client.post(f"{url}/sessions", headers=headers, json=CHECKIN).status_code == 201
    return clinic


def test_fhir_api(client: TestClient, seeded: Clinic) -> None:
    url = f"/api/v1/patients/{seeded.patient_a}/fhir"
    response = client.get(url, headers=token_for(client, "alice"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    assert response.headers["cache-control"] == "no-store"
    bundle = Bundle.model_validate_json(response.content)
    assert bundle.type == "collection"
    assert client.get(url, headers=token_for(client, "bob")).status_code == 404
    assert client.get(url).status_code == 401
    own = client.get(url, headers=token_for(client, "ann"))
    assert own.status_code == 200


def test_the_fhir_export_carries_goals_answers_and_the_brace_log(
    client: TestClient, seeded: Clinic
) -> None:
    """What the patient and the clinician stored through the API reaches the export."""
    url = f"/api/v1/patients/{seeded.patient_a}"
    alice, ann = token_for(client, "alice"), token_for(client, "ann")
    lefs = client.post(f"{url}/questionnaires/lefs", headers=ann, json={"answers": [3] * 20})
    assert lefs.status_code == 201, lefs.text
    brace = {"wear_hours": 5, "skin_problem": True, "seen": ["sore"]}
    assert client.post(f"{url}/brace-log", headers=ann, json=brace).status_code == 201
    goal = client.post(f"{url}/goals", headers=alice, json={"text": "Walk to the shop"}).json()
    marked = client.patch(f"{url}/goals/{goal['id']}", headers=alice, json={"met": True})
    assert marked.status_code == 200
    bundle = client.get(f"{url}/fhir", headers=alice).json()
    Bundle.model_validate(bundle)
    goals = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Goal"]
    assert [(g["lifecycleStatus"], g["description"]["text"]) for g in goals] == [
        ("completed", "Walk to the shop")
    ]
    answers = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
        and e["resource"]["questionnaire"].endswith("/lefs")
    ]
    assert [len(a["item"]) for a in answers] == [20]
    wear = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == "brace-wear-hours"
    ]
    assert [(w["valueQuantity"]["value"], w["component"][0]["valueBoolean"]) for w in wear] == [
        (5, True)
    ]


def test_pdf_and_csv_downloads_from_the_dashboard(client: TestClient, seeded: Clinic) -> None:
    page_login(client, "alice")
    base = f"/clinic/patients/{seeded.patient_a}"
    dashboard = client.get(base).text
    for link, kind in (
        ("progress-note.pdf", "application/pdf"),
        ("handout.pdf", "application/pdf"),
        ("measurements.csv", "text/csv"),
        ("sessions.csv", "text/csv"),
    ):
        assert f'href="{base}/{link}"' in dashboard
        response = client.get(f"{base}/{link}")
        assert response.status_code == 200, (link, response.text[:200])
        assert response.headers["content-type"].startswith(kind)
        assert response.headers["content-disposition"].startswith("attachment;")
    note = client.get(f"{base}/progress-note.pdf", params={"from": "2026-03-01", "paper": "a4"})
    assert note.status_code == 200
    assert note.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    "query",
    [
        {"paper": "a5"},
        {"from": "yesterday"},
        {"to": "2999-01-01"},
        {"from": "2026-03-02", "to": "2026-03-01"},
    ],
)
def test_bad_queries_are_4xx(client: TestClient, seeded: Clinic, query: dict[str, str]) -> None:
    page_login(client, "alice")
    response = client.get(f"/clinic/patients/{seeded.patient_a}/progress-note.pdf", params=query)
    assert response.status_code == 422


def test_patient_gets_own_handout_or_today(client: TestClient, seeded: Clinic) -> None:
    page_login(client, "ann")
    response = client.get("/me/handout.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    client.cookies.clear()
    page_login(client, "ben")  # no program yet: back to Today
    response = client.get("/me/handout.pdf", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/me"


def test_fhir_download_from_the_patient_page(
    client: TestClient, seeded: Clinic, db: Database
) -> None:
    """The clinician signed in to the pages downloads the Bundle (no API token), checked and
    audited like the API; another clinician is refused."""
    page_login(client, "alice")
    base = f"/clinic/patients/{seeded.patient_a}"
    assert f'href="{base}/fhir.json"' in client.get(base).text
    response = client.get(f"{base}/fhir.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert Bundle.model_validate_json(response.content).type == "collection"
    with db.transaction() as session:
        details = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.patient_id == seeded.patient_a)
        ).all()
    assert "document: fhir export" in details
    client.cookies.clear()
    page_login(client, "bob")
    assert client.get(f"{base}/fhir.json").status_code in (403, 404)
