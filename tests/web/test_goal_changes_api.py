"""A clinician changes a goal, marks it met, or stops it, through the API, on SQLite and
PostgreSQL: the status words stay the four of the contract, stopped goals leave the reviews
but not the record, each change is audited, and bad changes are refused naming the field."""

from __future__ import annotations

from sqlalchemy import select

from dorsi.store.db import Database
from dorsi.store.models import AuditEntry
from dorsi.store.models import Goal as GoalRow
from tests.web.conftest import PLAN, Clinic, Clock, TestClient, token_for


def _url(clinic: Clinic, tail: str) -> str:
    return f"/api/v1/patients/{clinic.patient_a}/{tail}"


def test_a_plain_words_goal_is_marked_met_and_the_mark_taken_back(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    alice, ann = token_for(client, "alice"), token_for(client, "ann")
    made = client.post(_url(clinic, "goals"), headers=alice, json={"text": "Walk to the shop"})
    goal_id = made.json()["id"]
    assert (made.json()["status"], made.json()["met_on"]) == ("not_yet_measured", None)
    met = client.patch(_url(clinic, f"goals/{goal_id}"), headers=alice, json={"met": True})
    assert met.status_code == 200, met.text
    assert (met.json()["status"], met.json()["reason"]) == ("met", "marked_met")
    assert met.json()["met_on"] == "2026-03-02"
    # everyone who reads the record sees it met: the goals, the review, a day later too
    clock.advance(days=1)
    alice, ann = token_for(client, "alice"), token_for(client, "ann")
    again = client.patch(_url(clinic, f"goals/{goal_id}"), headers=alice, json={"met": True})
    assert again.json()["met_on"] == "2026-03-02"  # the first day stands
    listed = client.get(_url(clinic, "goals"), headers=ann).json()
    assert [(g["id"], g["status"]) for g in listed] == [(goal_id, "met")]
    progress = client.get(_url(clinic, "progress"), headers=ann).json()
    assert [(g["status"], g["reason"]) for g in progress["goals"]] == [("met", "marked_met")]
    back = client.patch(_url(clinic, f"goals/{goal_id}"), headers=alice, json={"met": False})
    assert (back.json()["status"], back.json()["met_on"]) == ("not_yet_measured", None)


def test_editing_a_goal_judges_it_afresh(client: TestClient, clinic: Clinic) -> None:
    alice = token_for(client, "alice")
    evaluation = client.post(
        _url(clinic, "evaluations"), headers=alice, json={**PLAN, "gait_speed_mps": 0.7}
    )
    assert evaluation.status_code == 201, evaluation.text
    made = client.post(
        _url(clinic, "goals"),
        headers=alice,
        json={"measure": "gait_speed_mps", "target": 0.6, "by": "2026-05-01"},
    ).json()
    assert (made["status"], made["reason"]) == ("met", "target_reached")
    url = _url(clinic, f"goals/{made['id']}")
    marked = client.patch(url, headers=alice, json={"met": True}).json()
    assert marked["met_on"] == "2026-03-02"
    raised = client.patch(url, headers=alice, json={"target": 0.9, "text": "Cross the road"})
    assert raised.status_code == 200, raised.text
    body = raised.json()
    assert (body["measure"], body["target"], body["by"]) == ("gait_speed_mps", 0.9, "2026-05-01")
    assert body["text"] == "Cross the road"
    assert (body["status"], body["reason"], body["met_on"]) == (
        "not_on_track",
        "too_few_values",
        None,
    )
    # measure, target and by cleared together: a goal in plain words
    words = client.patch(url, headers=alice, json={"measure": None, "target": None, "by": None})
    assert words.status_code == 200, words.text
    assert (words.json()["measure"], words.json()["status"]) == (None, "not_yet_measured")


def test_a_stopped_goal_leaves_the_reviews_not_the_record(
    client: TestClient, clinic: Clinic, clock: Clock, db: Database
) -> None:
    alice, ann = token_for(client, "alice"), token_for(client, "ann")
    keep = client.post(_url(clinic, "goals"), headers=alice, json={"text": "Walk to the shop"})
    drop = client.post(_url(clinic, "goals"), headers=alice, json={"text": "Dance at a wedding"})
    url = _url(clinic, f"goals/{drop.json()['id']}")
    stopped = client.delete(url, headers=alice)
    assert stopped.status_code == 200, stopped.text
    assert stopped.json()["stopped_on"] == "2026-03-02"
    clock.advance(days=3)
    alice, ann = token_for(client, "alice"), token_for(client, "ann")
    assert client.delete(url, headers=alice).json()["stopped_on"] == "2026-03-02"
    open_ids = [g["id"] for g in client.get(_url(clinic, "goals"), headers=ann).json()]
    assert open_ids == [keep.json()["id"]]
    every = client.get(_url(clinic, "goals") + "?stopped=true", headers=ann).json()
    assert [(g["text"], g["stopped_on"]) for g in every] == [
        ("Walk to the shop", None),
        ("Dance at a wedding", "2026-03-02"),
    ]
    progress = client.get(_url(clinic, "progress"), headers=ann).json()
    assert [g["text"] for g in progress["goals"]] == ["Walk to the shop"]
    refused = client.patch(url, headers=alice, json={"met": True})
    assert refused.status_code == 409
    assert "stopped on 2026-03-02" in refused.json()["detail"]
    with db.transaction() as session:
        assert len(session.scalars(select(GoalRow)).all()) == 2
        writes = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "goal.write").order_by(AuditEntry.id)
        ).all()
        assert [(a.outcome, a.detail) for a in writes[2:]] == [
            ("ok", f"goal {drop.json()['id']} stopped"),
            ("ok", f"goal {drop.json()['id']} stopped"),
            ("invalid", f"goal {drop.json()['id']} changed"),
        ]


def test_goal_changes_are_refused_clearly(client: TestClient, clinic: Clinic) -> None:
    alice, ann, bob = (token_for(client, u) for u in ("alice", "ann", "bob"))
    made = client.post(
        _url(clinic, "goals"),
        headers=alice,
        json={"measure": "tug_s", "target": 10, "by": "2026-05-01"},
    ).json()
    url = _url(clinic, f"goals/{made['id']}")
    assert client.patch(url, headers=ann, json={"met": True}).status_code == 403
    assert client.delete(url, headers=ann).status_code == 403
    assert client.patch(url, headers=bob, json={"met": True}).status_code == 404
    assert client.delete(url, headers=bob).status_code == 404
    missing = client.patch(_url(clinic, "goals/999999"), headers=alice, json={"met": True})
    assert missing.status_code == 404
    assert "goal_id" in missing.json()["detail"]
    for bad, field in (
        ({}, "(input)"),
        ({"by": "2026-01-01"}, "by"),
        ({"target": 400}, "target"),
        ({"measure": "gait_speed_video_mps"}, "measure"),
        ({"measure": None}, "measure"),
        ({"met": "yes"}, "met"),
        ({"colour": "red"}, "colour"),
    ):
        response = client.patch(url, headers=alice, json=bad)
        assert response.status_code == 422, (bad, response.text)
        assert response.json()["field"] == field, (bad, response.json())
    unchanged = client.get(_url(clinic, "goals"), headers=alice).json()[0]
    assert (unchanged["measure"], unchanged["target"], unchanged["by"]) == (
        "tug_s",
        10,
        "2026-05-01",
    )
