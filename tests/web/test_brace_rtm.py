"""The brace (AFO) log and remote monitoring (RTM) through the API and the pages, on SQLite
and PostgreSQL: storing, access, the skin_problem alert in the review, the patient's advice,
wear against the target, walking with and without the brace, the RTM periods and minutes."""

from __future__ import annotations

from typing import Any

from dorsi.store.db import Database
from dorsi.store.models import AuditEntry
from tests.web.conftest import (
    PLAN,
    Clinic,
    Clock,
    TestClient,
    csrf_from,
    page_login,
    token_for,
)


def _url(clinic: Clinic, tail: str) -> str:
    return f"/api/v1/patients/{clinic.patient_a}/{tail}"


def _assign_program(client: TestClient, clinic: Clinic, plan: dict[str, Any]) -> None:
    headers = token_for(client, "alice")
    made = client.post(_url(clinic, "evaluations"), headers=headers, json=plan)
    assert made.status_code == 201, made.text
    exercises = made.json()["program"]["exercises"]
    put = client.put(_url(clinic, "program"), headers=headers, json={"exercises": exercises})
    assert put.status_code == 200, put.text


def test_a_skin_problem_is_stored_advised_and_alerted(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    ann = token_for(client, "ann")
    sent = client.post(
        _url(clinic, "brace-log"),
        headers=ann,
        json={"wear_hours": 5.5, "skin_problem": True, "seen": ["blister"], "note": "heel"},
    )
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["date"] == "2026-03-02"
    assert body["stop_wearing"] is True
    assert "Stop wearing the brace until your therapist checks it" in body["advice"]

    listed = client.get(_url(clinic, "brace-log"), headers=token_for(client, "alice"))
    assert listed.status_code == 200
    assert [(e["wear_hours"], e["seen"]) for e in listed.json()] == [(5.5, ["blister"])]

    progress = client.get(_url(clinic, "progress"), headers=ann).json()
    assert set(progress) == {"measures", "alerts", "adherence"}
    skin = [a for a in progress["alerts"] if a["kind"] == "skin_problem"]
    assert len(skin) == 1
    assert "2026-03-02" in skin[0]["message"]
    assert "blister" in skin[0]["message"]

    with db.transaction() as session:
        actions = [
            e.action
            for e in session.query(AuditEntry).filter(AuditEntry.patient_id == clinic.patient_a)
        ]
    assert "brace.log" in actions


def test_no_problem_means_no_alert_and_the_alert_ends_after_its_window(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    ann = token_for(client, "ann")
    fine = client.post(
        _url(clinic, "brace-log"), headers=ann, json={"wear_hours": 8, "skin_problem": False}
    )
    assert fine.status_code == 201
    assert fine.json()["stop_wearing"] is False
    kinds = [a["kind"] for a in client.get(_url(clinic, "progress"), headers=ann).json()["alerts"]]
    assert "skin_problem" not in kinds
    client.post(
        _url(clinic, "brace-log"),
        headers=ann,
        json={"wear_hours": 2, "skin_problem": True, "seen": ["pressure_pain"]},
    )
    kinds = [a["kind"] for a in client.get(_url(clinic, "progress"), headers=ann).json()["alerts"]]
    assert "skin_problem" in kinds
    clock.advance(days=7)  # the alert window is 7 days (brace.yaml, a clinician default)
    ann = token_for(client, "ann")
    kinds = [a["kind"] for a in client.get(_url(clinic, "progress"), headers=ann).json()["alerts"]]
    assert "skin_problem" not in kinds


def test_bad_brace_entries_are_refused_naming_the_field(client: TestClient, clinic: Clinic) -> None:
    ann = token_for(client, "ann")
    cases = [
        ({"wear_hours": 25, "skin_problem": False}, "wear_hours"),
        ({"wear_hours": -1, "skin_problem": False}, "wear_hours"),
        ({"wear_hours": 3, "skin_problem": "no"}, "skin_problem"),
        ({"wear_hours": 3, "skin_problem": False, "seen": ["sore"]}, "skin_problem"),
        ({"wear_hours": 3, "skin_problem": True, "seen": ["rash"]}, "seen.0"),
        ({"wear_hours": 3, "skin_problem": True, "date": "2026-03-03"}, "date"),
        ({"wear_hours": 3, "skin_problem": True, "extra": 1}, "extra"),
    ]
    for body, field in cases:
        answer = client.post(_url(clinic, "brace-log"), headers=ann, json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["field"] == field, (body, answer.json())


def test_other_patients_and_clinicians_cannot_log_or_read(
    client: TestClient, clinic: Clinic
) -> None:
    body = {"wear_hours": 3, "skin_problem": False}
    for who in ("ben", "bob"):
        headers = token_for(client, who)
        assert client.post(_url(clinic, "brace-log"), headers=headers, json=body).status_code == 404
        assert client.get(_url(clinic, "brace-log"), headers=headers).status_code == 404
        assert client.get(_url(clinic, "rtm"), headers=headers).status_code == 404
    minutes = {"minutes": 5, "activity": "review"}
    ann = token_for(client, "ann")
    assert client.post(_url(clinic, "rtm/minutes"), headers=ann, json=minutes).status_code == 403


def test_rtm_periods_days_minutes_and_codes(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    _assign_program(client, clinic, PLAN)  # monitoring starts today, 2026-03-02
    clock.advance(days=15)  # 2026-03-17: sixteen days of the first period have passed
    ann = token_for(client, "ann")
    for day in range(16):
        sent = client.post(
            _url(clinic, "brace-log"),
            headers=ann,
            json={"date": f"2026-03-{2 + day:02d}", "wear_hours": 6, "skin_problem": False},
        )
        assert sent.status_code == 201, sent.text
    alice = token_for(client, "alice")
    for minutes, activity in ((15, "review"), (10, "interactive")):
        added = client.post(
            _url(clinic, "rtm/minutes"),
            headers=alice,
            json={"minutes": minutes, "activity": activity},
        )
        assert added.status_code == 201, added.text
    answer = client.get(_url(clinic, "rtm"), headers=alice)
    assert answer.status_code == 200, answer.text
    periods = answer.json()["periods"]
    assert len(periods) == 1
    period = periods[0]
    assert (period["start"], period["end"]) == ("2026-03-02", "2026-03-31")
    assert period["data_days"] == 16
    assert period["minutes"] == 25
    codes = {c["code"] for c in period["codes"]}
    assert {"98977", "98980", "98975"} <= codes
    assert "98985" not in codes  # one supply band per period
    bad = client.post(
        _url(clinic, "rtm/minutes"), headers=alice, json={"minutes": 0, "activity": "review"}
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "minutes"


def test_wear_target_and_walking_with_and_without_the_brace(
    client: TestClient, clinic: Clinic
) -> None:
    plan = {
        **PLAN,
        "uses_afo": True,
        "gait_speed_mps": 0.6,
        "gait_speed_with_brace": False,
        "brace_wear_target_hours": 10,
        "measures": [{"measure": "gait_speed_mps", "value": 0.8, "with_brace": True}],
    }
    _assign_program(client, clinic, plan)
    ann = token_for(client, "ann")
    client.post(
        _url(clinic, "brace-log"), headers=ann, json={"wear_hours": 9, "skin_problem": False}
    )
    csrf = page_login(client, "alice")
    assert csrf
    page = client.get(f"/clinic/patients/{clinic.patient_a}")
    assert page.status_code == 200
    html = page.text
    assert "Wear target: <strong>10 h/day</strong> (set at an evaluation)" in html
    assert "mean <strong>9 h/day</strong>" in html
    assert "below the target" in html
    assert "0.8 m/s (2026-03-02)" in html
    assert "0.6 m/s (2026-03-02)" in html
    assert "+0.2 m/s" in html
    assert "Remote monitoring (RTM)" in html


def test_the_patient_page_logs_wear_and_tells_what_to_do(
    client: TestClient, clinic: Clinic
) -> None:
    _assign_program(client, clinic, {**PLAN, "uses_afo": True})
    page_login(client, "ann")
    today = client.get("/me")
    assert 'href="/me/brace"' in today.text
    form = client.get("/me/brace")
    assert form.status_code == 200
    assert 'name="wear_hours"' in form.text
    assert 'value="blister"' in form.text
    saved = client.post(
        "/me/brace",
        data={
            "wear_hours": "4",
            "skin_problem": "yes",
            "seen": ["sore", "redness_30min"],
            "csrf_token": csrf_from(form.text),
        },
    )
    assert saved.status_code == 200, saved.text
    assert "Stop wearing the brace for now" in saved.text
    refused = client.post(
        "/me/brace",
        data={"wear_hours": "30", "skin_problem": "no", "csrf_token": csrf_from(form.text)},
    )
    assert refused.status_code == 422
    assert "wear_hours" in refused.text


def test_the_guided_session_adds_the_brace_step_for_a_brace_user(
    client: TestClient, clinic: Clinic
) -> None:
    _assign_program(client, clinic, {**PLAN, "uses_afo": True})
    page_login(client, "ann")
    first = client.get("/me/session?step=0").text
    count = first.count("Exercise 1 of ")
    assert count == 1
    total = int(first.split("Exercise 1 of ")[1].split("<")[0])
    step = client.get(f"/me/session?step={total}").text
    assert "Your brace and skin check" in step
    assert 'action="/me/brace"' in step
    after = client.get(f"/me/session?step={total + 1}").text
    assert "How did it go?" in after


def test_a_patient_without_a_brace_goes_straight_to_the_check_in(
    client: TestClient, clinic: Clinic
) -> None:
    _assign_program(client, clinic, PLAN)
    page_login(client, "ann")
    first = client.get("/me/session?step=0").text
    total = int(first.split("Exercise 1 of ")[1].split("<")[0])
    step = client.get(f"/me/session?step={total}").text
    assert "How did it go?" in step
    assert "Your brace and skin check" not in step


def test_the_clinician_adds_minutes_on_the_patient_page(client: TestClient, clinic: Clinic) -> None:
    _assign_program(client, clinic, PLAN)
    csrf = page_login(client, "alice")
    page = client.get(f"/clinic/patients/{clinic.patient_a}")
    csrf = csrf_from(page.text)
    added = client.post(
        f"/clinic/patients/{clinic.patient_a}/rtm-minutes",
        data={"minutes": "20", "activity": "interactive", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert added.status_code == 303
    rtm = client.get(_url(clinic, "rtm"), headers=token_for(client, "alice")).json()
    assert rtm["periods"][0]["minutes"] == 20
    assert "98980" in {c["code"] for c in rtm["periods"][0]["codes"]}
    refused = client.post(
        f"/clinic/patients/{clinic.patient_a}/rtm-minutes",
        data={"minutes": "999", "activity": "review", "csrf_token": csrf},
    )
    assert refused.status_code == 422


def test_the_progress_note_has_the_brace_and_rtm_sections(
    client: TestClient, clinic: Clinic
) -> None:
    from tests.reports.pdf import pages_text

    plan = {
        **PLAN,
        "uses_afo": True,
        "brace_wear_target_hours": 10,
        "measures": [
            {"measure": "gait_speed_mps", "value": 0.8, "with_brace": True},
            {"measure": "gait_speed_mps", "value": 0.6, "with_brace": False},
        ],
    }
    _assign_program(client, clinic, plan)
    ann = token_for(client, "ann")
    logged = client.post(
        _url(clinic, "brace-log"),
        headers=ann,
        json={"wear_hours": 7, "skin_problem": True, "seen": ["blister"]},
    )
    assert logged.status_code == 201
    alice = token_for(client, "alice")
    minutes = {"minutes": 20, "activity": "interactive"}
    assert client.post(_url(clinic, "rtm/minutes"), headers=alice, json=minutes).status_code == 201
    page_login(client, "alice")
    note = client.get(f"/clinic/patients/{clinic.patient_a}/progress-note.pdf")
    assert note.status_code == 200, note.text[:300]
    text = " ".join(" ".join(pages_text(note.content)).split())
    assert "Brace (AFO) wear and skin" in text
    assert "mean 7 hours a day on 1 logged days" in text
    assert "target of 10 hours a day (set by the clinician)" in text
    assert "2026-03-02: blister" in text
    assert "+0.2 m/s" in text
    assert "Remote therapeutic monitoring (RTM)" in text
    assert "2026-03-02 to 2026-03-31 (running)" in text
    assert "98980*" in text


def test_the_note_shows_goals_measures_brace_and_rtm_and_questionnaires_count_as_data_days(
    client: TestClient, clinic: Clinic, clock: Clock
) -> None:
    """One patient with all four: the progress note has the goals, the outcome measures, the
    brace wear and the RTM period table; the days the patient answered a questionnaire are
    days with data, in the RTM API and in both of the note's tables."""
    from tests.reports.pdf import pages_text

    plan = {
        **PLAN,
        "uses_afo": True,
        "brace_wear_target_hours": 8,
        "measures": [{"measure": "fga_score", "value": 18}],
    }
    _assign_program(client, clinic, plan)  # monitoring starts 2026-03-02
    clock.advance(days=10)
    alice, ann = token_for(client, "alice"), token_for(client, "ann")
    goal = {"measure": "fga_score", "target": 24, "by": "2026-06-01"}
    assert client.post(_url(clinic, "goals"), headers=alice, json=goal).status_code == 201
    words = {"text": "Walk to the market and back"}
    assert client.post(_url(clinic, "goals"), headers=alice, json=words).status_code == 201
    brace = {"date": "2026-03-03", "wear_hours": 9, "skin_problem": False}
    assert client.post(_url(clinic, "brace-log"), headers=ann, json=brace).status_code == 201
    for form, answers, day in (
        ("abc", [60] * 16, "2026-03-05"),
        ("lefs", [3] * 20, "2026-03-08"),
    ):
        sent = client.post(
            _url(clinic, f"questionnaires/{form}"),
            headers=ann,
            json={"answers": answers, "date": day},
        )
        assert sent.status_code == 201, sent.text
    minutes = {"minutes": 20, "activity": "interactive"}
    assert client.post(_url(clinic, "rtm/minutes"), headers=alice, json=minutes).status_code == 201
    rtm = client.get(_url(clinic, "rtm"), headers=alice).json()
    # a brace log and two questionnaire days (the clinician's evaluation is not the patient's)
    assert [p["data_days"] for p in rtm["periods"]] == [3]
    page_login(client, "alice")
    note = client.get(f"/clinic/patients/{clinic.patient_a}/progress-note.pdf")
    assert note.status_code == 200, note.text[:300]
    text = " ".join(" ".join(pages_text(note.content)).split())
    assert "Goals" in text
    assert "Functional Gait Assessment: 24 points (0-30) by 2026-06-01" in text
    assert "Walk to the market and back" in text
    assert "Activities-specific Balance Confidence" in text  # the ABC score, a measure
    assert "Lower Extremity Functional Scale" in text
    assert "Brace (AFO) wear and skin" in text
    assert "mean 9 hours a day on 1 logged days" in text
    assert "Remote therapeutic monitoring (RTM)" in text
    assert "2026-03-02 to 2026-03-31 (running) 3 20" in text  # the RTM table's row
    # the adherence table counts the same days (to the note's last day, today)
    assert "2026-03-02 to 2026-03-12 3 0 2 to 15 days" in text
    assert "98980*" in text
