"""``/api/v1/patients/{id}/reminders`` and the private calendar feed, on SQLite and PostgreSQL.

The feed is read with a real iCalendar parser (icalendar): the recurring event, its alarm, the
time zone, the days done, the reassessment date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlalchemy import select

from dorsi.store.db import Database
from dorsi.store.models import AuditEntry, Patient, ReminderPlan
from tests.web.conftest import CHECKIN, PLAN, Clinic, TestClient, token_for

SCHEDULE: dict[str, Any] = {
    "days": ["thu", "mon"],
    "time": "18:30",
    "timezone": "Europe/Madrid",
    "quiet_start": "21:00",
    "quiet_end": "08:00",
    "channels": {"calendar": True, "push": False, "email": False},
}


def _url(clinic: Clinic) -> str:
    return f"/api/v1/patients/{clinic.patient_a}/reminders"


def _events(feed: bytes) -> tuple[Calendar, list[Any]]:
    calendar = Calendar.from_ical(feed)
    return calendar, list(calendar.walk("VEVENT"))


def test_defaults_then_the_patient_sets_days_time_and_channels(
    client: TestClient, clinic: Clinic
) -> None:
    ann = token_for(client, "ann")
    first = client.get(_url(clinic), headers=ann)
    assert first.status_code == 200, first.text
    assert first.json()["days"] == []
    assert first.json()["calendar_url"] is None
    assert first.json()["timezone"] == "UTC"  # the clinic's setting, by default

    saved = client.put(_url(clinic), headers=ann, json=SCHEDULE)
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["days"] == ["mon", "thu"]
    assert (body["time"], body["timezone"]) == ("18:30", "Europe/Madrid")
    assert (body["quiet_start"], body["quiet_end"]) == ("21:00", "08:00")
    assert body["channels"] == {"calendar": True, "push": False, "email": False}
    assert body["calendar_url"].startswith("/calendar/")
    assert body["calendar_url"].endswith(".ics")
    again = client.get(_url(clinic), headers=ann).json()
    assert again["calendar_url"] == body["calendar_url"]  # the link stays until renewed


def test_the_feed_holds_the_recurring_event_with_its_alarm(
    client: TestClient, clinic: Clinic
) -> None:
    ann = token_for(client, "ann")
    url = client.put(_url(clinic), headers=ann, json=SCHEDULE).json()["calendar_url"]
    client.cookies.clear()
    feed = client.get(url)  # no sign-in
    assert feed.status_code == 200, feed.text
    assert feed.headers["content-type"].startswith("text/calendar")
    calendar, events = _events(feed.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Madrid"]
    (event,) = events
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None
    assert str(start.tzinfo) == "Europe/Madrid"
    assert (start.hour, start.minute) == (18, 30)
    assert start.weekday() in (0, 3)
    rule = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert sorted(rule["BYDAY"]) == ["MO", "TH"]
    (alarm,) = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm.decoded("TRIGGER") == dt.timedelta(0)
    assert "exercise" in str(event["SUMMARY"]).lower()


def test_days_done_are_left_out_and_a_pause_removes_the_exercise_event(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    ann = token_for(client, "ann")
    body = {**SCHEDULE, "days": ["mon"], "timezone": "UTC"}
    url = client.put(_url(clinic), headers=ann, json=body).json()["calendar_url"]
    # the clock is Monday 2026-03-02; a check-in that day
    done = client.post(
        f"/api/v1/patients/{clinic.patient_a}/sessions",
        headers=ann,
        json={**CHECKIN, "date": "2026-03-02"},
    )
    assert done.status_code == 201, done.text
    (event,) = _events(client.get(url).content)[1]
    skipped = [d.dt for d in event["EXDATE"].dts]
    assert skipped == [dt.datetime(2026, 3, 2, 18, 30, tzinfo=ZoneInfo("UTC"))]

    with db.transaction() as session:
        patient = session.get(Patient, clinic.patient_a)
        assert patient is not None
        patient.program_paused = True
    assert _events(client.get(url).content)[1] == []


def test_the_reassessment_due_date_is_an_event(client: TestClient, clinic: Clinic) -> None:
    alice = token_for(client, "alice")
    base = f"/api/v1/patients/{clinic.patient_a}"
    made = client.post(f"{base}/evaluations", headers=alice, json=PLAN)
    assert made.status_code == 201, made.text
    program = made.json()["program"]
    client.put(f"{base}/program", headers=alice, json={"exercises": program["exercises"]})
    review_days = program["review_in_days"]
    url = client.put(_url(clinic), headers=alice, json=SCHEDULE).json()["calendar_url"]
    events = _events(client.get(url).content)[1]
    all_day = [e for e in events if not isinstance(e.decoded("DTSTART"), dt.datetime)]
    (review,) = all_day
    assert review.decoded("DTSTART") == dt.date(2026, 3, 2) + dt.timedelta(days=review_days)
    (alarm,) = review.walk("VALARM")
    assert alarm.decoded("TRIGGER") < dt.timedelta(0)  # the day before


def test_renewing_the_link_ends_the_old_one(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    ann = token_for(client, "ann")
    old = client.put(_url(clinic), headers=ann, json=SCHEDULE).json()["calendar_url"]
    renewed = client.post(f"{_url(clinic)}/calendar-link", headers=ann)
    assert renewed.status_code == 200, renewed.text
    new = renewed.json()["calendar_url"]
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    # only a keyed hash is stored: the token is nowhere in the row
    token = new.removeprefix("/calendar/").removesuffix(".ics")
    with db.transaction() as session:
        plan = session.get(ReminderPlan, clinic.patient_a)
        assert plan is not None
        assert token not in repr({c.name: getattr(plan, c.name) for c in plan.__table__.c})


def test_access_is_the_record_s(client: TestClient, clinic: Clinic) -> None:
    ok = client.put(_url(clinic), headers=token_for(client, "alice"), json=SCHEDULE)
    assert ok.status_code == 200, ok.text
    for who in ("bob", "ben", "root"):
        headers = token_for(client, who)
        assert client.get(_url(clinic), headers=headers).status_code == 404
        assert client.put(_url(clinic), headers=headers, json=SCHEDULE).status_code == 404
    assert client.get(_url(clinic)).status_code == 401


def test_reads_writes_and_feed_reads_are_audited(
    client: TestClient, clinic: Clinic, db: Database
) -> None:
    ann = token_for(client, "ann")
    url = client.put(_url(clinic), headers=ann, json=SCHEDULE).json()["calendar_url"]
    client.get(_url(clinic), headers=ann)
    client.get(url)
    client.get(_url(clinic), headers=token_for(client, "bob"))
    with db.transaction() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.outcome, AuditEntry.actor_username).where(
                AuditEntry.patient_id == clinic.patient_a
            )
        ).all()
    seen = {tuple(r) for r in rows}
    assert ("reminders.write", "ok", "ann") in seen
    assert ("patient.read", "ok", "ann") in seen
    assert ("calendar.read", "ok", None) in seen
    assert ("patient.read", "not_found", "bob") in seen


def test_bad_input_names_the_field(client: TestClient, clinic: Clinic) -> None:
    ann = token_for(client, "ann")
    cases = [
        ({**SCHEDULE, "days": ["funday"]}, "days.0"),
        ({**SCHEDULE, "time": "7pm"}, "time"),
        ({**SCHEDULE, "timezone": "Madrid"}, "timezone"),
        ({**SCHEDULE, "quiet_end": None}, "quiet_end"),  # quiet hours come in pairs
        ({**SCHEDULE, "channels": {"email": True}}, "email"),
        ({**SCHEDULE, "surprise": 1}, "surprise"),
    ]
    for body, field in cases:
        answer = client.put(_url(clinic), headers=ann, json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["field"] == field, answer.json()
