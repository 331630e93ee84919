"""The evaluation form records the brace: the daily wear target, whether the walk test was
walked with the brace, and the same walk the other way; the review's with-and-without
comparison then has data from the page (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select

from dorsi.store.db import Database
from dorsi.store.models import Evaluation, Measurement
from tests.web.conftest import PLAN, Clinic, TestClient, page_login, token_for


def _form(csrf: str, **changes: str) -> dict[str, str]:
    base = {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in PLAN.items()}
    return {**base, "csrf_token": csrf, **changes}


def test_the_form_records_the_brace_and_both_walks(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    csrf = page_login(client, "alice")
    url = f"/clinic/patients/{clinic.patient_a}/evaluation"
    page = client.get(url).text
    for name in ("brace_wear_target_hours", "gait_speed_with_brace", "gait_speed_other_mps"):
        assert f'name="{name}"' in page, name
    form = _form(
        csrf,
        uses_afo="yes",
        gait_speed_mps="0.6",
        gait_speed_with_brace="no",
        gait_speed_other_mps="0.8",
        brace_wear_target_hours="10",
    )
    saved = client.post(url, data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    with db.transaction() as session:
        walks = session.execute(
            select(Measurement.value_num, Measurement.with_brace)
            .where(Measurement.measure_id == "gait_speed_mps")
            .order_by(Measurement.value_num)
        ).all()
        target = session.scalars(select(Evaluation.brace_wear_target_hours)).one()
    assert [tuple(w) for w in walks] == [(0.6, False), (0.8, True)]
    assert target == 10
    dashboard = client.get(f"/clinic/patients/{clinic.patient_a}").text
    assert '<td data-label="With brace">0.8 m/s (2026-03-02)</td>' in dashboard
    assert '<td data-label="Without brace">0.6 m/s (2026-03-02)</td>' in dashboard


def test_a_second_walk_needs_the_first_one_marked(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    csrf = page_login(client, "alice")
    url = f"/clinic/patients/{clinic.patient_a}/evaluation"
    refused = client.post(url, data=_form(csrf, gait_speed_other_mps="0.8"))
    assert refused.status_code == 422
    assert 'id="gait_speed_with_brace-error"' in refused.text
    assert 'value="0.8"' in refused.text  # what was typed is kept
    bad = client.post(url, data=_form(csrf, brace_wear_target_hours="30"))
    assert bad.status_code == 422
    assert 'id="brace_wear_target_hours-error"' in bad.text
    with db.transaction() as session:
        assert session.scalars(select(Evaluation)).all() == []
    # the API takes the same as before
    api = client.post(
        f"/api/v1/patients/{clinic.patient_a}/evaluations",
        headers=token_for(client, "alice"),
        json={**PLAN, "gait_speed_with_brace": True, "brace_wear_target_hours": 9},
    )
    assert api.status_code == 201, api.text
