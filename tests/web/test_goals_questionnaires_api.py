"""Goals and questionnaires through the API, on SQLite and PostgreSQL: stored, scored,
reported with their status, audited, and refused clearly."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from dorsi.store.db import Database
from dorsi.store.models import AuditEntry, Measurement, QuestionnaireResponse
from tests.web.conftest import PLAN, Clinic, Clock, TestClient, token_for

LEFS_45 = [3] * 10 + [2] * 5 + [1] * 5  # 45 of 80 (Binkley 1999: the sum)
ABC_65 = [100, 90, 80, 90, 50, 30, 80, 90, 80, 70, 70, 50, 40, 60, 40, 20]  # 1040 / 16 = 65 %


def _url(clinic: Clinic, tail: str) -> str:
    return f"/api/v1/patients/{clinic.patient_a}/{tail}"


def test_a_patient_answers_lefs_and_abc_and_the_scores_are_measures(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    ann = token_for(client, "ann")
    lefs = client.post(_url(clinic, "questionnaires/lefs"), headers=ann, json={"answers": LEFS_45})
    assert lefs.status_code == 201, lefs.text
    assert (lefs.json()["score"], lefs.json()["measure"]) == (45, "lefs")
    assert lefs.json()["date"] == "2026-03-02"
    abc = client.post(
        _url(clinic, "questionnaires/abc"),
        headers=ann,
        json={"answers": ABC_65, "date": "2026-03-01"},
    )
    assert abc.status_code == 201, abc.text
    assert (abc.json()["score"], abc.json()["measure"]) == (65, "abc_pct")
    progress = client.get(_url(clinic, "progress"), headers=ann).json()
    assert progress["measures"]["lefs"]["latest"] == 45
    assert progress["measures"]["abc_pct"]["latest"] == 65
    assert set(progress) == {"measures", "alerts", "adherence"}  # no goals: the contract
    with db.transaction() as session:
        rows = session.scalars(select(QuestionnaireResponse)).all()
        assert sorted(r.questionnaire for r in rows) == ["abc", "lefs"]
        measurement = session.get(Measurement, rows[0].measurement_id)
        assert measurement is not None
        assert measurement.source == "self"
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "questionnaire.submit")
        ).all()
        assert [(a.outcome, a.actor_username, a.detail) for a in audit] == [
            ("ok", "ann", "lefs"),
            ("ok", "ann", "abc"),
        ]


def test_a_missing_item_is_refused_naming_it_and_nothing_is_stored(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    answers: list[Any] = list(LEFS_45)
    answers[4] = None
    bad = client.post(
        _url(clinic, "questionnaires/lefs"),
        headers=token_for(client, "ann"),
        json={"answers": answers},
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "answers.4"
    assert "item 5 is not answered" in bad.json()["detail"]
    for body, field in (
        ({"answers": [5] * 20}, "answers.0"),
        ({"answers": [4] * 19}, "answers"),
        ({"answers": [4] * 20, "date": "2030-01-01"}, "date"),
        ({"answers": [4] * 20, "extra": 1}, "extra"),
    ):
        response = client.post(
            _url(clinic, "questionnaires/lefs"), headers=token_for(client, "ann"), json=body
        )
        assert response.status_code == 422, body
        assert response.json()["field"] == field, response.json()
    with db.transaction() as session:
        assert session.scalars(select(QuestionnaireResponse)).all() == []
        assert session.scalars(select(Measurement)).all() == []


def test_goals_are_set_by_the_clinician_and_reported_to_everyone(
    client: TestClient, clinic: Clinic, clock: Clock, db: Database
) -> None:
    alice, ann = token_for(client, "alice"), token_for(client, "ann")
    plan = {**PLAN, "gait_speed_mps": 0.5}
    first = client.post(
        _url(clinic, "evaluations"), headers=alice, json={**plan, "date": "2026-02-02"}
    )
    assert first.status_code == 201, first.text
    speed = client.post(
        _url(clinic, "goals"),
        headers=alice,
        json={"measure": "gait_speed_mps", "target": 0.8, "by": "2026-04-13"},
    )
    assert speed.status_code == 201, speed.text
    assert (speed.json()["status"], speed.json()["reason"]) == ("not_on_track", "too_few_values")
    words = client.post(_url(clinic, "goals"), headers=alice, json={"text": "Walk to the shop"})
    assert words.status_code == 201
    fga = client.post(
        _url(clinic, "goals"),
        headers=alice,
        json={"measure": "fga_score", "target": 22, "by": "2026-06-01"},
    )
    assert fga.json()["status"] == "not_yet_measured"
    # Four weeks later 0.62 m/s (+0.12, a real change at 0.5 m/s): 0.03 m/s a week reaches
    # 0.8 by 2026-04-13, six weeks on.
    second = client.post(
        _url(clinic, "evaluations"),
        headers=alice,
        json={**plan, "gait_speed_mps": 0.62, "date": "2026-03-02"},
    )
    assert second.status_code == 201, second.text
    listed = client.get(_url(clinic, "goals"), headers=ann)
    assert listed.status_code == 200
    statuses = [(g["measure"], g["text"], g["status"]) for g in listed.json()]
    assert statuses == [
        ("gait_speed_mps", None, "on_track"),
        (None, "Walk to the shop", "not_yet_measured"),
        ("fga_score", None, "not_yet_measured"),
    ]
    progress = client.get(_url(clinic, "progress"), headers=ann).json()
    assert [g["status"] for g in progress["goals"]] == [s for _, _, s in statuses]
    # the date passes without the target: not on track
    clock.advance(days=60)
    late = client.get(_url(clinic, "goals"), headers=token_for(client, "alice")).json()[0]
    assert (late["status"], late["reason"]) == ("not_on_track", "date_passed")
    with db.transaction() as session:
        writes = session.scalars(select(AuditEntry).where(AuditEntry.action == "goal.write")).all()
        assert [(a.outcome, a.actor_username) for a in writes] == [("ok", "alice")] * 3


def test_goal_access_and_bad_goals(client: TestClient, clinic: Clinic) -> None:
    ann, bob = token_for(client, "ann"), token_for(client, "bob")
    body = {"measure": "tug_s", "target": 10, "by": "2026-05-01"}
    assert client.post(_url(clinic, "goals"), headers=ann, json=body).status_code == 403
    assert client.post(_url(clinic, "goals"), headers=bob, json=body).status_code == 404
    assert client.get(_url(clinic, "goals"), headers=bob).status_code == 404
    alice = token_for(client, "alice")
    for bad, field in (
        ({"measure": "tug_s", "target": 10}, "by"),
        ({**body, "by": "2026-01-01"}, "by"),
        ({**body, "measure": "gait_speed_video_mps", "target": 1}, "measure"),
        ({**body, "target": 400}, "target"),
        ({}, "(input)"),
    ):
        response = client.post(_url(clinic, "goals"), headers=alice, json=bad)
        assert response.status_code == 422, bad
        assert response.json()["field"] == field, response.json()
