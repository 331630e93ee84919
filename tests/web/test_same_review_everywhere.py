"""One patient, one review (issue 16): the clinician's patient page, the patient's progress page,
the progress note PDF and the FHIR export all say the latest values are worse than their best
(naming it) and the same adherence in days, for a stored peak-then-decline course (SQLite and
PostgreSQL). Each speaks to its reader: clinical words for the clinic, plain words for the
patient, in English and Spanish."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from babel.dates import format_date

from dorsi.store.db import Database
from dorsi.store.models import Patient
from tests.reports.pdf import pages_text
from tests.web.conftest import Clinic, Clock, TestClient, page_login, token_for
from tests.web.course_history import PEAK_DAYS, peak_then_decline, progress


def _flat(text: str) -> str:
    """Text with tags gone and runs of white space made one space (HTML and PDF lines)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def _course(client: TestClient, clinic: Clinic, clock: Clock) -> tuple[str, dict[str, Any]]:
    start = peak_then_decline(client, clinic, clock)
    best_day = (start + dt.timedelta(days=PEAK_DAYS[1])).isoformat()
    return best_day, progress(client, clinic.patient_a, token_for(client, "alice"))["adherence"]


def test_every_view_shows_the_same_review(client: TestClient, clinic: Clinic, clock: Clock) -> None:
    best_day, adherence = _course(client, clinic, clock)
    done, planned, percent = (
        adherence["sessions_done"],
        adherence["sessions_planned"],
        adherence["percent"],
    )
    assert done < planned  # a figure that could differ between views

    fhir = client.get(
        f"/api/v1/patients/{clinic.patient_a}/fhir", headers=token_for(client, "alice")
    ).json()
    (impression,) = [
        e["resource"]
        for e in fhir["entry"]
        if e["resource"]["resourceType"] == "ClinicalImpression"
    ]
    fhir_text = impression["summary"]

    page_login(client, "alice")
    clinician = _flat(client.get(f"/clinic/patients/{clinic.patient_a}").text)
    note = _flat(
        " ".join(
            pages_text(client.get(f"/clinic/patients/{clinic.patient_a}/progress-note.pdf").content)
        )
    )
    client.cookies.clear()
    page_login(client, "ann")
    patient = _flat(client.get("/me/progress").text)

    clinical = {"clinician page": clinician, "progress note": note, "FHIR": fhir_text}
    for where, text in clinical.items():
        assert f"worse than its best of 4/5 on {best_day}" in text, where
        assert f"worse than its best of 0.9 m/s on {best_day}" in text, where
        assert f"{done} of {planned} planned days ({percent}%)" in text, where
    # The patient reads dates as people write them ("Mar 1, 2026"), the clinic as ISO dates.
    said = format_date(dt.date.fromisoformat(best_day), format="medium", locale="en")
    assert f"Worse: grade 3 now, against the best of grade 4 on {said}." in patient
    assert f"Worse: 0.62 m/s now, against the best of 0.9 m/s on {said}." in patient
    assert f"You exercised on {done} of {planned} planned days ({percent}%)" in patient
    for text in (*clinical.values(), patient):
        assert "0 of 0" not in text


def test_the_patient_reads_it_in_spanish(
    client: TestClient, clinic: Clinic, clock: Clock, db: Database
) -> None:
    best_day, adherence = _course(client, clinic, clock)
    with db.transaction() as session:
        patient = session.get(Patient, clinic.patient_a)
        assert patient is not None
        patient.preferred_language = "es"
    page_login(client, "ann")
    page = _flat(client.get("/me/progress").text)
    said = format_date(dt.date.fromisoformat(best_day), format="medium", locale="es")
    assert f"Peor: grado 3 ahora, frente a su mejor valor de grado 4 el {said}." in page
    assert (
        f"Hizo ejercicio {adherence['sessions_done']} de {adherence['sessions_planned']} días"
        in page
    )
    assert "against the best" not in page
