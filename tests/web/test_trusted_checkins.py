"""Check-ins and dates the review can trust (issue 16), through the API and the pages, on
SQLite and PostgreSQL: a check-in sent twice is stored once, and dates are checked against
the record (not before the onset, not in the future, not in 1900)."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from dorsi.clinical.contract import parse
from dorsi.clinical.progress_contract import CheckinIn
from dorsi.services import progress
from dorsi.services.context import Actor, Ctx, run_unit
from dorsi.settings import Settings
from dorsi.store.db import Database
from dorsi.store.models import IdempotencyKey, SessionCheckin
from tests.web.conftest import (
    CHECKIN,
    PLAN,
    SECRET,
    Clinic,
    Clock,
    TestClient,
    csrf_from,
    page_login,
    token_for,
)


def _checkins(db: Database, patient_id: int) -> int:
    with db.transaction() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(SessionCheckin)
                .where(SessionCheckin.patient_id == patient_id)
            )
            or 0
        )


def _yes_no(values: dict[str, object]) -> dict[str, str]:
    return {k: ("yes" if v else "no") if isinstance(v, bool) else str(v) for k, v in values.items()}


# --- idempotency ------------------------------------------------------------------------------


def test_a_retried_checkin_is_stored_once_with_the_first_answer(
    client: TestClient, clinic: Clinic, db: Database, clock: Clock
) -> None:
    headers = {**token_for(client, "ann"), "Idempotency-Key": "7f1c2a9e-retry-1"}
    url = f"/api/v1/patients/{clinic.patient_a}/sessions"
    first = client.post(url, headers=headers, json=CHECKIN)
    assert first.status_code == 201, first.text
    clock.advance(minutes=1)  # a retry after a dropped connection, a minute later
    again = client.post(url, headers=headers, json=dict(reversed(list(CHECKIN.items()))))
    assert again.status_code == first.status_code
    assert again.json() == first.json()
    assert _checkins(db, clinic.patient_a) == 1
    other = client.post(url, headers={**headers, "Idempotency-Key": "another"}, json=CHECKIN)
    assert other.status_code == 201
    assert other.json()["id"] != first.json()["id"]
    assert _checkins(db, clinic.patient_a) == 2


def test_without_a_key_each_checkin_is_stored(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    headers = token_for(client, "ann")
    url = f"/api/v1/patients/{clinic.patient_a}/sessions"
    for _ in range(2):
        assert client.post(url, headers=headers, json=CHECKIN).status_code == 201
    assert _checkins(db, clinic.patient_a) == 2


def test_a_stop_checkin_retried_keeps_its_advice(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    headers = {**token_for(client, "ann"), "Idempotency-Key": "stop-1"}
    url = f"/api/v1/patients/{clinic.patient_a}/sessions"
    body = {**CHECKIN, "balance_worse": True}
    first = client.post(url, headers=headers, json=body).json()
    again = client.post(url, headers=headers, json=body).json()
    assert again == first
    assert first["program_paused"] is True
    assert first["advice"]
    assert _checkins(db, clinic.patient_a) == 1


def test_a_key_reused_for_another_checkin_is_refused(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    headers = {**token_for(client, "ann"), "Idempotency-Key": "same-key"}
    url = f"/api/v1/patients/{clinic.patient_a}/sessions"
    assert client.post(url, headers=headers, json=CHECKIN).status_code == 201
    other = client.post(url, headers=headers, json={**CHECKIN, "pain_nrs": 7})
    assert other.status_code == 422
    assert other.json()["field"] == "Idempotency-Key"
    assert _checkins(db, clinic.patient_a) == 1


def test_keys_belong_to_the_caller(client: TestClient, clinic: Clinic, db: Database) -> None:
    url = f"/api/v1/patients/{clinic.patient_a}/sessions"
    ann = {**token_for(client, "ann"), "Idempotency-Key": "k-1"}
    alice = {**token_for(client, "alice"), "Idempotency-Key": "k-1"}
    assert client.post(url, headers=ann, json=CHECKIN).status_code == 201
    # The clinician's own key of the same text is another check-in, not a replay of Ann's.
    assert client.post(url, headers=alice, json={**CHECKIN, "pain_nrs": 5}).status_code == 201
    assert _checkins(db, clinic.patient_a) == 2


@pytest.mark.parametrize("key", ["x" * 256, "has space", "tab\tkey"])
def test_a_malformed_key_names_the_header(client: TestClient, clinic: Clinic, key: str) -> None:
    headers = {**token_for(client, "ann"), "Idempotency-Key": key}
    response = client.post(
        f"/api/v1/patients/{clinic.patient_a}/sessions", headers=headers, json=CHECKIN
    )
    assert response.status_code == 422
    assert response.json()["field"] == "Idempotency-Key"


def test_parallel_retries_with_one_key_store_one_checkin(
    db: Database, clinic: Clinic, settings: Settings, clock: Clock
) -> None:
    """Both requests start together: the unique key decides which one stores the check-in."""
    actor = Actor(
        id=clinic.user_a,
        username="ann",
        role="patient",
        display_name="Ann",
        patient_id=clinic.patient_a,
    )
    both_read = threading.Barrier(2, timeout=20)
    answers: list[Any] = []
    errors: list[BaseException] = []

    def make_ctx(session: Any) -> Ctx:
        return Ctx(db=session, now=clock(), settings=settings, secret=SECRET.encode(), actor=actor)

    def work(ctx: Ctx) -> Any:
        return progress.log_session(
            ctx, clinic.patient_a, parse(CheckinIn, CHECKIN), "parallel-key"
        )

    def one() -> None:
        try:
            both_read.wait()
            answers.append(run_unit(db, make_ctx, work))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    assert len(answers) == 2
    assert answers[0] == answers[1]
    assert _checkins(db, clinic.patient_a) == 1
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def _checkin_form(client: TestClient) -> tuple[str, str]:
    page = client.get("/me/session?step=99")
    assert page.status_code == 200
    marker = 'name="idempotency_key" value="'
    start = page.text.index(marker) + len(marker)
    return csrf_from(page.text), page.text[start : page.text.index('"', start)]


def _assign(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "alice")
    url = f"/api/v1/patients/{clinic.patient_a}"
    suggestion = client.post(f"{url}/evaluations", headers=headers, json=PLAN).json()["program"]
    response = client.put(
        f"{url}/program", headers=headers, json={"exercises": suggestion["exercises"]}
    )
    assert response.status_code == 200


def test_the_checkin_form_sent_twice_is_stored_once(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _assign(client, clinic)
    page_login(client, "ann")
    csrf, key = _checkin_form(client)
    assert len(key) >= 20
    form = {**_yes_no(CHECKIN), "csrf_token": csrf, "idempotency_key": key}
    first = client.post("/me/session", data=form)
    second = client.post("/me/session", data=form)
    assert first.status_code == second.status_code == 200
    assert "Thank you" in second.text
    assert _checkins(db, clinic.patient_a) == 1
    # A new rendering of the form is a new check-in.
    _, fresh = _checkin_form(client)
    assert fresh != key
    client.post("/me/session", data={**form, "idempotency_key": fresh})
    assert _checkins(db, clinic.patient_a) == 2


def test_the_checkin_form_keeps_its_key_after_an_error(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _assign(client, clinic)
    page_login(client, "ann")
    csrf, key = _checkin_form(client)
    form = {**_yes_no(CHECKIN), "csrf_token": csrf, "idempotency_key": key}
    bad = client.post("/me/session", data={**form, "pain_nrs": "12"})
    assert bad.status_code == 422
    assert f'name="idempotency_key" value="{key}"' in bad.text
    assert client.post("/me/session", data=form).status_code == 200
    assert client.post("/me/session", data=form).status_code == 200
    assert _checkins(db, clinic.patient_a) == 1


def test_the_session_script_disables_the_send_button() -> None:
    from importlib.resources import files

    script = (files("dorsi.web") / "static" / "session.js").read_text()
    assert 'querySelector("form.checkin")' in script
    assert "send.disabled = true" in script
    assert "event.preventDefault()" in script


# --- dates against the record -----------------------------------------------------------------


def _evaluate(client: TestClient, clinic: Clinic, **extra: Any) -> Any:
    return client.post(
        f"/api/v1/patients/{clinic.patient_a}/evaluations",
        headers=token_for(client, "alice"),
        json={**PLAN, **extra},
    )


@pytest.mark.parametrize(
    ("day", "words"),
    [
        ("2026-03-03", "must not be in the future"),
        ("1900-01-01", "must not be before 1901-01-01"),
        ("1900-06-15", "must not be before 1901-01-01"),
    ],
)
def test_checkin_dates_outside_the_record_are_refused(
    client: TestClient, clinic: Clinic, db: Database, day: str, words: str
) -> None:
    response = client.post(
        f"/api/v1/patients/{clinic.patient_a}/sessions",
        headers=token_for(client, "ann"),
        json={**CHECKIN, "date": day},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "date"
    assert words in response.json()["detail"]
    assert _checkins(db, clinic.patient_a) == 0


def test_a_checkin_before_the_onset_is_refused(
    client: TestClient, clinic: Clinic, db: Database, clock: Clock
) -> None:
    # 8 weeks before 2026-03-02: the foot drop started on 2026-01-05.
    assert _evaluate(client, clinic).status_code == 201
    url = f"/api/v1/patients/{clinic.patient_a}/sessions"
    headers = token_for(client, "ann")
    before = client.post(url, headers=headers, json={**CHECKIN, "date": "2026-01-04"})
    assert before.status_code == 422
    assert before.json()["field"] == "date"
    assert "2026-01-05" in before.json()["detail"]
    on = client.post(url, headers=headers, json={**CHECKIN, "date": "2026-01-05"})
    assert on.status_code == 201, on.text
    assert _checkins(db, clinic.patient_a) == 1


def test_evaluation_measures_before_the_onset_are_refused(
    client: TestClient, clinic: Clinic
) -> None:
    early = _evaluate(
        client, clinic, measures=[{"measure": "tug_s", "value": 14, "date": "2026-01-01"}]
    )
    assert early.status_code == 422
    assert early.json()["field"] == "measures.0.date"
    assert "foot drop started" in early.json()["detail"]
    fine = _evaluate(
        client, clinic, measures=[{"measure": "tug_s", "value": 14, "date": "2026-01-20"}]
    )
    assert fine.status_code == 201, fine.text


def test_an_evaluation_dated_in_1900_is_refused(client: TestClient, clinic: Clinic) -> None:
    response = _evaluate(client, clinic, date="1900-01-01")
    assert response.status_code == 422
    assert response.json()["field"] == "date"


def test_the_clock_decides_what_is_the_future(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    url = f"/api/v1/patients/{clinic.patient_a}/sessions"
    body = {**CHECKIN, "date": "2026-03-05"}
    assert client.post(url, headers=token_for(client, "ann"), json=body).status_code == 422
    clock.now = datetime(2026, 3, 5, 8, 0, tzinfo=clock.now.tzinfo)
    assert client.post(url, headers=token_for(client, "ann"), json=body).status_code == 201


@pytest.mark.parametrize(
    ("day", "words"), [("1900-01-01", "1901-01-01"), ("2026-03-09", "in the future")]
)
def test_the_evaluation_form_shows_a_date_error_beside_the_field(
    client: TestClient, clinic: Clinic, day: str, words: str
) -> None:
    csrf = page_login(client, "alice")
    form = {**_yes_no(PLAN), "date": day, "tug_s": "14", "csrf_token": csrf}
    bad = client.post(f"/clinic/patients/{clinic.patient_a}/evaluation", data=form)
    assert bad.status_code == 422
    assert 'id="date-error"' in bad.text
    assert words in bad.text
    assert f'value="{day}"' in bad.text  # what was typed stays
    assert 'value="14"' in bad.text
