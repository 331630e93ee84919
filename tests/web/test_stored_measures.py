"""Stored measurements cannot break a record: checked against the catalog when written, and a
stored value that fails today's checks is left out of every read (with a note), never a 422.

The browser review found an evaluation with single-leg stance 280 s (catalog: 0-180 s) that the
plan contract (0-600 s) let through; every later progress read then answered 422.
"""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from dorsi.catalog.measures import load_measures
from dorsi.clinical.program import PlanInput
from dorsi.store.db import Database
from dorsi.store.models import Evaluation, Measurement, Program, SessionCheckin
from tests.web.conftest import (
    CHECKIN,
    PLAN,
    Clinic,
    TestClient,
    page_login,
    token_for,
)


def _plan_limit(name: str, bound: str) -> float | None:
    for item in PlanInput.model_fields[name].metadata:
        if hasattr(item, bound):
            return float(getattr(item, bound))
    return None


def _looser_than_catalog() -> list[tuple[str, float]]:
    """Each plan-input measure with a value the plan contract allows but the catalog does not."""
    out: list[tuple[str, float]] = []
    for measure in load_measures().measures:
        if measure.id not in PlanInput.model_fields or measure.value_kind != "number":
            continue
        high, low = _plan_limit(measure.id, "le"), _plan_limit(measure.id, "ge")
        if high is not None and high > measure.max:
            out.append((measure.id, high))
        if low is not None and low < measure.min:
            out.append((measure.id, low))
    return out


LOOSER = _looser_than_catalog()


def _counts(db: Database, patient_id: int) -> tuple[int, int, int]:
    with db.transaction() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(t).where(t.patient_id == patient_id))
            for t in (Evaluation, Measurement, Program)
        )


def test_the_plan_contract_is_looser_than_the_catalog_somewhere() -> None:
    # Otherwise the write-side tests below would test nothing.
    assert ("single_leg_stance_s", 600.0) in LOOSER
    assert len({name for name, _ in LOOSER}) >= 3


@pytest.mark.parametrize(("name", "value"), LOOSER)
def test_an_evaluation_outside_the_catalog_range_is_refused_and_nothing_saved(
    client: TestClient, clinic: Clinic, db: Database, name: str, value: float
) -> None:
    headers = token_for(client, "alice")
    before = _counts(db, clinic.patient_a)
    answer = client.post(
        f"/api/v1/patients/{clinic.patient_a}/evaluations",
        headers=headers,
        json={**PLAN, name: value},
    )
    assert answer.status_code == 422, answer.text
    measure = load_measures().get(name)
    assert answer.json()["field"] == name
    assert f"from {measure.min:g} to {measure.max:g}" in answer.json()["detail"]
    assert _counts(db, clinic.patient_a) == before
    progress = client.get(f"/api/v1/patients/{clinic.patient_a}/progress", headers=headers)
    assert progress.status_code == 200, progress.text


def test_catalog_edge_values_are_accepted(client: TestClient, clinic: Clinic) -> None:
    headers = token_for(client, "alice")
    catalog = load_measures()
    edges: dict[str, Any] = {}
    for name, _ in LOOSER:
        measure = catalog.get(name)
        edges[name] = measure.max if measure.max <= (_plan_limit(name, "le") or 0) else measure.min
    answer = client.post(
        f"/api/v1/patients/{clinic.patient_a}/evaluations", headers=headers, json={**PLAN, **edges}
    )
    assert answer.status_code == 201, answer.text
    stored = {m["measure"]: m["value"] for m in answer.json()["evaluation"]["measurements"]}
    for name, value in edges.items():
        assert stored[name] == value


def test_the_evaluation_page_shows_the_catalog_range_error_next_to_the_field(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    csrf = page_login(client, "alice")
    url = f"/clinic/patients/{clinic.patient_a}/evaluation"
    form = {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in PLAN.items()}
    answer = client.post(url, data={**form, "single_leg_stance_s": "280", "csrf_token": csrf})
    assert answer.status_code == 422
    assert 'id="single_leg_stance_s-error"' in answer.text
    assert "from 0 to 180" in answer.text
    assert _counts(db, clinic.patient_a) == (0, 0, 0)


def _store_legacy(db: Database, patient_id: int, rows: list[tuple[str, Any, dt.date]]) -> None:
    """Rows as an older version (or a hand edit) could have stored them."""
    with db.transaction() as session:
        for measure, value, day in rows:
            session.add(
                Measurement(
                    patient_id=patient_id,
                    measure_id=measure,
                    value_num=None if isinstance(value, str) else float(value),
                    value_grade=value if isinstance(value, str) else None,
                    measured_on=day,
                    source="evaluation",
                    created_at=datetime(2026, 2, 1, tzinfo=UTC),
                )
            )


def test_a_stored_out_of_range_value_never_bricks_reads(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _store_legacy(
        db,
        clinic.patient_a,
        [
            ("single_leg_stance_s", 12, dt.date(2026, 2, 1)),
            ("single_leg_stance_s", 280, dt.date(2026, 2, 20)),
            ("dorsiflexion_mmt", "3", dt.date(2026, 2, 1)),
        ],
    )
    headers = token_for(client, "alice")
    progress = client.get(f"/api/v1/patients/{clinic.patient_a}/progress", headers=headers)
    assert progress.status_code == 200, progress.text
    review = progress.json()["measures"]
    assert review["single_leg_stance_s"]["latest"] == 12  # 280 s is left out
    assert review["single_leg_stance_s"]["status"] == "insufficient_data"
    assert set(progress.json()) == {"measures", "alerts", "adherence"}  # the contract, exactly

    page_login(client, "alice")
    dashboard = client.get(f"/clinic/patients/{clinic.patient_a}")
    assert dashboard.status_code == 200, dashboard.text
    assert "Left out of the review" in dashboard.text
    assert "single leg stance s = 280" in dashboard.text.lower().replace("-", " ")
    assert "from 0 to 180" in dashboard.text
    patient_list = client.get("/clinic")
    assert patient_list.status_code == 200, patient_list.text
    assert "Ann Example" in patient_list.text

    client.cookies.clear()
    page_login(client, "ann")
    mine = client.get("/me/progress")
    assert mine.status_code == 200, mine.text
    assert "280" not in mine.text


def test_a_future_dated_stored_value_and_a_retired_measure_are_left_out(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    _store_legacy(
        db,
        clinic.patient_a,
        [
            ("lefs", 40, dt.date(2026, 2, 1)),
            ("lefs", 60, dt.date(2026, 4, 1)),  # after the test clock's today (2026-03-02)
            ("retired_measure", 3, dt.date(2026, 2, 1)),
        ],
    )
    headers = token_for(client, "alice")
    progress = client.get(f"/api/v1/patients/{clinic.patient_a}/progress", headers=headers)
    assert progress.status_code == 200, progress.text
    assert set(progress.json()["measures"]) == {"lefs"}
    assert progress.json()["measures"]["lefs"]["latest"] == 40
    page_login(client, "alice")
    dashboard = client.get(f"/clinic/patients/{clinic.patient_a}")
    assert dashboard.status_code == 200
    assert "2 stored values fail" in dashboard.text
    assert "after today" in dashboard.text
    assert "unknown measure" in dashboard.text


def test_a_session_check_in_stores_only_valid_values(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    headers = token_for(client, "ann")
    url = f"/api/v1/patients/{clinic.patient_a}/sessions"
    for field, value in (
        ("pain_nrs", 11),
        ("pain_nrs", -1),
        ("sets_done", 101),
        ("date", "2026-03-03"),
    ):
        answer = client.post(url, headers=headers, json={**CHECKIN, field: value})
        assert answer.status_code == 422, (field, value, answer.text)
        assert answer.json()["field"] == field
    with db.transaction() as session:
        stored = session.scalar(select(func.count()).select_from(SessionCheckin))
    assert stored == 0
    good = client.post(url, headers=headers, json=CHECKIN)
    assert good.status_code == 201, good.text
    assert (
        client.get(f"/api/v1/patients/{clinic.patient_a}/progress", headers=headers).status_code
        == 200
    )
