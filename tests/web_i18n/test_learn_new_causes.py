"""A patient with one of the newer causes reads their personal Learn notes in their own
language: a progressive cause gets no recovery promise, in Spanish with no English left."""

from __future__ import annotations

import pytest

from dorsi.education.personal import load_notes
from dorsi.store.db import Database
from dorsi.store.models import Patient
from tests.web.conftest import Clinic, TestClient, page_login


def _set(db: Database, patient_id: int, cause: str, lang: str) -> None:
    with db.transaction() as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        patient.cause, patient.side, patient.preferred_language = cause, "both", lang


def _page_text(html: str) -> str:
    return html.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")


@pytest.mark.parametrize(
    ("cause", "note_id"),
    [
        ("motor_neuron_disease", "progressive_cause_aims"),
        ("post_operative_sciatic", "sciatic_after_hip_surgery"),
    ],
)
def test_the_cause_note_is_in_spanish_with_no_english(
    client: TestClient, clinic: Clinic, db: Database, cause: str, note_id: str
) -> None:
    _set(db, clinic.patient_a, cause, "es")
    page_login(client, "ann")
    page = _page_text(client.get("/learn").text)
    note = next(n for n in load_notes().notes if n.id == note_id)
    assert note.text.es in page
    english = [n.text.en for n in load_notes().notes]
    assert [text for text in english if text in page] == []


def test_the_same_patient_in_english_reads_the_english_note(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _set(db, clinic.patient_a, "hereditary_neuropathy", "en")
    page_login(client, "ann")
    page = _page_text(client.get("/learn").text)
    assert "does not promise recovery" in page
