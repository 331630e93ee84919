"""A note over its limit is refused with a message beside its box and comes back whole, never
cut by the browser (no ``maxlength``): the brace log, the monitoring minutes and a new patient's
notes (SQLite, PostgreSQL)."""

from __future__ import annotations

import html
import re

from dorsi.store.db import Database
from dorsi.store.models import BraceLog, Patient, RtmMinutes
from tests.web.conftest import PLAN, Clinic, TestClient, csrf_from, page_login
from tests.web.test_brace_rtm import _assign_program

TOO_LONG = "I felt fine today, " * 110  # 2,090 characters: over the 2,000 of a note


def _box(page: str, element_id: str) -> str:
    """The opening tag of the field ``element_id`` and what it holds."""
    match = re.search(rf'<textarea id="{element_id}"[^>]*>([^<]*)</textarea>', page)
    assert match, element_id
    return match.group(0)


def _refused_whole(
    page: str, element_id: str, limit: int, typed: str, *, summary: bool = False
) -> None:
    box = _box(page, element_id)
    assert "maxlength" not in box
    assert f'aria-describedby="{element_id}-error"' in box
    assert html.unescape(box.split(">", 1)[1].rsplit("<", 1)[0]) == typed  # kept whole
    error = re.search(rf'<p class="field-error" id="{element_id}-error"[^>]*>([^<]*)</p>', page)
    assert error, f"no message beside {element_id}"
    assert f"keep it to {limit} characters or fewer" in error.group(1)
    if summary:  # the summary at the top of the page leads to the box
        assert f'href="#{element_id}"' in page


def test_a_long_brace_note_is_refused_beside_its_box(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _assign_program(client, clinic, {**PLAN, "uses_afo": True})
    page_login(client, "ann")
    form = client.get("/me/brace")
    assert "maxlength" not in _box(form.text, "brace_note")
    body = {"wear_hours": "8", "skin_problem": "no", "csrf_token": csrf_from(form.text)}
    refused = client.post("/me/brace", data={**body, "note": TOO_LONG})
    assert refused.status_code == 422
    _refused_whole(refused.text, "brace_note", 2000, TOO_LONG, summary=True)
    assert re.search(r'name="wear_hours"[^>]*value="8"', refused.text)
    with db.transaction() as session:
        assert session.query(BraceLog).count() == 0
    fits = client.post("/me/brace", data={**body, "note": TOO_LONG[:2000]})
    assert fits.status_code == 200


def test_a_long_monitoring_note_is_refused_beside_its_box(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _assign_program(client, clinic, PLAN)
    page_login(client, "alice")
    url = f"/clinic/patients/{clinic.patient_a}"
    page = client.get(url)
    assert "maxlength" not in _box(page.text, "rtm_note")
    body = {"minutes": "20", "activity": "review", "csrf_token": csrf_from(page.text)}
    refused = client.post(f"{url}/rtm-minutes", data={**body, "note": TOO_LONG})
    assert refused.status_code == 422
    _refused_whole(refused.text, "rtm_note", 2000, TOO_LONG)
    with db.transaction() as session:
        assert session.query(RtmMinutes).count() == 0


def test_long_new_patient_notes_are_refused_beside_their_box(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    page_login(client, "alice")
    form = client.get("/clinic/patients/new")
    assert "maxlength" not in _box(form.text, "notes")
    typed = "Lives alone, stairs at home. " * 180  # 5,220 characters: over 5,000
    body = {"display_name": "Cara Long", "side": "left", "cause": "lumbar"}
    refused = client.post(
        "/clinic/patients", data={**body, "notes": typed, "csrf_token": csrf_from(form.text)}
    )
    assert refused.status_code == 422
    _refused_whole(refused.text, "notes", 5000, typed)
    assert 'value="Cara Long"' in refused.text
    with db.transaction() as session:
        assert session.query(Patient).filter_by(display_name="Cara Long").count() == 0
