"""The patient's private calendar feed (iCalendar, RFC 5545) that phones subscribe to.

- One recurring event per week of exercise days (``RRULE:FREQ=WEEKLY;BYDAY=...``) at the
  chosen local time, in the patient's time zone (with its ``VTIMEZONE``), each with a display
  alarm at the start. Days already done (a check-in that day) are left out with ``EXDATE``, so
  a calendar that refreshes the feed before the alarm stays quiet that day.
- While the program is paused there is no exercise event at all (the reminder rules of
  :mod:`dorsi.clinical.reminders`: no reminder to exercise while told to stop).
- Each reassessment due date is an all-day event with an alarm the day before, 09:00.

Pure: the texts (in the patient's language) and the dates come in as arguments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from icalendar import Alarm, Calendar, Event, vDuration, vRecur

from dorsi.clinical.reminders import ICAL_DAYS, WEEKDAYS, ReminderSchedule, first_occurrence

MEDIA_TYPE = "text/calendar; charset=utf-8"
#: How long a session takes on the calendar (the guided session of a home program).
SESSION_MINUTES = 30
#: Done days listed with EXDATE: the last weeks only, so the feed stays small.
EXDATE_DAYS = 60
#: Calendar apps that honour it fetch the feed again after this long.
REFRESH = dt.timedelta(hours=6)


@dataclass(frozen=True)
class FeedText:
    """The words of the feed, in the patient's language."""

    calendar_name: str
    exercise_title: str
    exercise_description: str
    alarm_text: str
    reassessment_title: str
    reassessment_description: str


@dataclass(frozen=True)
class FeedInput:
    """What the feed shows: the schedule, from when, the days done, the reassessments."""

    feed_id: str  # stable and opaque (not the patient id): the events' UIDs come from it
    schedule: ReminderSchedule
    starts_on: dt.date
    paused: bool
    done_days: frozenset[dt.date]
    reassessments: tuple[dt.date, ...]
    now: dt.datetime
    text: FeedText


def _uid(feed_id: str, what: str) -> str:
    digest = hashlib.sha256(f"{feed_id}:{what}".encode()).hexdigest()[:24]
    return f"{digest}@dorsi"


def _exercise_event(data: FeedInput) -> Event | None:
    schedule = data.schedule
    start = first_occurrence(schedule, data.starts_on)
    if start is None or data.paused:
        return None
    event = Event()
    event.add("uid", _uid(data.feed_id, "exercise"))
    event.add("dtstamp", data.now)
    event.add("summary", data.text.exercise_title)
    event.add("description", data.text.exercise_description)
    event.add("dtstart", start)
    event.add("duration", dt.timedelta(minutes=SESSION_MINUTES))
    byday = [ICAL_DAYS[WEEKDAYS.index(day)] for day in schedule.days]
    event.add("rrule", vRecur(freq="WEEKLY", byday=byday))
    since = data.now.date() - dt.timedelta(days=EXDATE_DAYS)
    skipped = sorted(
        dt.datetime.combine(day, schedule.at, tzinfo=schedule.zone)
        for day in data.done_days
        if day >= max(since, start.date()) and WEEKDAYS[day.weekday()] in schedule.days
    )
    if skipped:
        event.add("exdate", skipped)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", data.text.alarm_text)
    alarm.add("trigger", dt.timedelta(0))
    event.add_component(alarm)
    return event


def _reassessment_event(data: FeedInput, day: dt.date) -> Event:
    event = Event()
    event.add("uid", _uid(data.feed_id, f"reassessment:{day.isoformat()}"))
    event.add("dtstamp", data.now)
    event.add("summary", data.text.reassessment_title)
    event.add("description", data.text.reassessment_description)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", data.text.reassessment_title)
    alarm.add("trigger", -dt.timedelta(hours=15))  # 09:00 the day before
    event.add_component(alarm)
    return event


def build_feed(data: FeedInput) -> bytes:
    """The iCalendar document (UTF-8 bytes)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Dorsi//Exercise reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", data.text.calendar_name)
    calendar.add("x-wr-timezone", data.schedule.timezone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    exercise = _exercise_event(data)
    if exercise is not None:
        calendar.add_component(exercise)
    for day in sorted(set(data.reassessments)):
        calendar.add_component(_reassessment_event(data, day))
    calendar.add_missing_timezones()
    document: bytes = calendar.to_ical()
    return document


__all__ = ["MEDIA_TYPE", "FeedInput", "FeedText", "build_feed"]
