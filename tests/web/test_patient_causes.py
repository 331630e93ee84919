"""A patient record takes every cause the program knows and foot drop on both sides, through
the API and the clinician's new-patient page (SQLite and PostgreSQL: ``db`` is parametrised)."""

from __future__ import annotations

import pytest

from dorsi.clinical.program_rules import CAUSES, load_program_rules
from dorsi.store.db import Database
from dorsi.store.models import Patient
from tests.web.conftest import Clinic, TestClient, page_login, token_for

NEW_CAUSES = [c for c in CAUSES if c not in ("peroneal", "lumbar", "neurological", "unknown")]


def test_the_list_of_causes_is_the_catalogs() -> None:
    from dorsi.education import CAUSES as LEARN_CAUSES
    from dorsi.services.schemas import PatientCreate
    from dorsi.store.models import CAUSES as STORED_CAUSES

    listed = tuple(load_program_rules().causes)
    assert set(listed) == set(CAUSES)
    assert STORED_CAUSES == LEARN_CAUSES == CAUSES
    schema = PatientCreate.model_json_schema()
    assert set(schema["properties"]["cause"]["enum"]) == set(listed)
    assert len(NEW_CAUSES) == 6
    from dorsi.interop.codes import CAUSE_TEXT

    assert set(CAUSE_TEXT) == set(CAUSES)  # the exported record names every cause in words


@pytest.mark.parametrize("cause", NEW_CAUSES)
def test_the_api_creates_a_patient_with_each_new_cause_on_both_sides(
    client: TestClient, clinic: Clinic, db: Database, cause: str
) -> None:
    headers = token_for(client, "alice")
    created = client.post(
        "/api/v1/patients",
        headers=headers,
        json={"display_name": "Eva", "side": "both", "cause": cause},
    )
    assert created.status_code == 201, created.text
    assert (created.json()["cause"], created.json()["side"]) == (cause, "both")
    read = client.get(f"/api/v1/patients/{created.json()['id']}", headers=headers)
    assert (read.json()["cause"], read.json()["side"]) == (cause, "both")
    with db.transaction() as session:
        stored = session.get(Patient, created.json()["id"])
        assert stored is not None
        assert (stored.cause, stored.side) == (cause, "both")


def test_an_unknown_cause_or_side_is_refused_naming_the_field(
    client: TestClient, clinic: Clinic
) -> None:
    headers = token_for(client, "alice")
    bad = client.post(
        "/api/v1/patients",
        headers=headers,
        json={"display_name": "Eva", "side": "both", "cause": "gout"},
    )
    assert bad.status_code == 422
    assert "cause" in bad.text
    assert "post_operative_sciatic" in bad.text
    bad_side = client.post(
        "/api/v1/patients",
        headers=headers,
        json={"display_name": "Eva", "side": "middle", "cause": "stroke"},
    )
    assert bad_side.status_code == 422
    assert "side" in bad_side.text
    assert "both" in bad_side.text


def test_the_new_patient_page_offers_and_saves_the_new_causes(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    csrf = page_login(client, "alice")
    form = client.get("/clinic/patients/new")
    assert form.status_code == 200
    for cause in CAUSES:
        assert f'<option value="{cause}"' in form.text, cause
    assert 'name="side" value="both"' in form.text
    saved = client.post(
        "/clinic/patients",
        data={
            "display_name": "Hip Patient",
            "side": "both",
            "cause": "post_operative_sciatic",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    patient_id = int(saved.headers["location"].rsplit("/", 1)[1])
    with db.transaction() as session:
        stored = session.get(Patient, patient_id)
        assert stored is not None
        assert (stored.cause, stored.side) == ("post_operative_sciatic", "both")
    bad = client.post(
        "/clinic/patients",
        data={"display_name": "X", "side": "both", "cause": "gout", "csrf_token": csrf},
    )
    assert bad.status_code == 422
    assert 'id="cause-error"' in bad.text
    assert '<option value="motor_neuron_disease"' in bad.text  # the choices survive the error


def test_a_walking_video_needs_one_affected_side(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "alice")
    created = client.post(
        "/api/v1/patients",
        headers=headers,
        json={"display_name": "Eva", "side": "both", "cause": "hereditary_neuropathy"},
    ).json()
    upload = client.post(
        f"/api/v1/patients/{created['id']}/gait-videos",
        headers=headers,
        files={"video": ("walk.mp4", b"\x00" * 64, "video/mp4")},
    )
    assert upload.status_code == 422, upload.text
    assert "one affected leg" in upload.text
