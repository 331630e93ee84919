"""When to remind a patient to exercise: the schedule they chose, and the rules that keep
reminders from nagging.

Patients of home-exercise apps ask for reminders and stop using them when there are too many,
so a reminder is sent only when all of these hold (:func:`decide`):

- the local day (in the patient's time zone) is one of the chosen exercise days, and the local
  time has reached the chosen time;
- no reminder was sent that local day (at most one a day, whatever the channels);
- the local time is not inside the quiet hours (a reminder due earlier that day waits until
  they end, and is dropped when the day ends first);
- the patient has not already exercised that day (a check-in dated that local day);
- the program is not paused. A paused program means "stop and contact your therapist" (a stop
  rule or a red flag); a reminder to exercise would contradict it, so none is sent until a
  clinician restarts the program.

Pure: the clock, the days done and what was sent are arguments.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import ConfigDict, Field, field_validator, model_validator

from dorsi.clinical.contract import Contract, no_nul_schema
from dorsi.errors import InputError

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)
#: The iCalendar names of the weekdays (RFC 5545 BYDAY), in the same order.
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
Reason = Literal[
    "due",
    "no_days",
    "not_an_exercise_day",
    "not_yet",
    "quiet_hours",
    "already_sent",
    "done_today",
    "paused",
]


def clock_time(text: str) -> dt.time:
    """``"HH:MM"`` (24-hour) as a time of day."""
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


#: the IANA zones this machine knows (read from disk once: reading them takes tens of ms)
known_timezones = cache(available_timezones)


def check_timezone(name: str) -> str:
    """``name`` when it is an IANA time zone (``Europe/Madrid``); ValueError otherwise."""
    if name not in known_timezones():
        raise ValueError("must be an IANA time zone such as America/New_York or Europe/Madrid")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None
    return name


def _zones_schema(schema: dict[str, Any]) -> None:
    """The JSON Schema lists the time zones :func:`check_timezone` accepts."""
    schema["enum"] = sorted(known_timezones())


def quiet_pair_schema(schema: dict[str, Any]) -> None:
    """The JSON Schema says what the validator does: quiet hours come as a pair, or not."""
    no_nul_schema(schema)
    schema["anyOf"] = [
        {
            "properties": {"quiet_start": {"type": "string"}, "quiet_end": {"type": "string"}},
            "required": ["quiet_start", "quiet_end"],
        },
        {"properties": {"quiet_start": {"type": "null"}, "quiet_end": {"type": "null"}}},
    ]


class ReminderSchedule(Contract):
    """The exercise days, the time of the reminder, the patient's time zone, quiet hours.

    Quiet hours run from ``quiet_start`` to ``quiet_end`` (local, 24-hour); ``22:00`` to
    ``07:00`` crosses midnight. Both or neither are given; the same time twice means none. A
    reminder whose time falls inside them waits until they end (that day).
    """

    model_config = ConfigDict(json_schema_extra=quiet_pair_schema)

    days: list[Weekday] = Field(
        default_factory=list, max_length=7, json_schema_extra={"uniqueItems": True}
    )
    time: str = Field(default="18:00", pattern=_CLOCK.pattern)
    timezone: str = Field(
        default="UTC", min_length=1, max_length=64, json_schema_extra=_zones_schema
    )
    quiet_start: str | None = Field(default=None, pattern=_CLOCK.pattern)
    quiet_end: str | None = Field(default=None, pattern=_CLOCK.pattern)

    @field_validator("days")
    @classmethod
    def _each_day_once(cls, value: list[Weekday]) -> list[Weekday]:
        if len(set(value)) != len(value):
            raise InputError("each day at most once", field="days")
        return sorted(value, key=WEEKDAYS.index)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            return check_timezone(value)
        except ValueError as exc:
            raise InputError(str(exc), field="timezone") from None

    @model_validator(mode="after")
    def _quiet_hours(self) -> ReminderSchedule:
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise InputError("give both quiet_start and quiet_end, or neither", field="quiet_end")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def at(self) -> dt.time:
        return clock_time(self.time)


def in_quiet_hours(schedule: ReminderSchedule, local: dt.time) -> bool:
    """True when the local time of day ``local`` is inside the schedule's quiet hours."""
    if schedule.quiet_start is None or schedule.quiet_end is None:
        return False
    if schedule.quiet_start == schedule.quiet_end:
        return False  # an empty span: no quiet hours
    start, end = clock_time(schedule.quiet_start), clock_time(schedule.quiet_end)
    moment = local.replace(second=0, microsecond=0, tzinfo=None)
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


@dataclass(frozen=True)
class Decision:
    """Whether to send a reminder now, for which local day, and why (or why not)."""

    send: bool
    local_day: dt.date
    reason: Reason


def local_day(schedule: ReminderSchedule, now: dt.datetime) -> dt.date:
    """The patient's calendar day at the instant ``now`` (aware)."""
    return now.astimezone(schedule.zone).date()


def decide(
    schedule: ReminderSchedule,
    *,
    now: dt.datetime,
    done_days: frozenset[dt.date],
    sent_days: frozenset[dt.date],
    paused: bool,
) -> Decision:
    """Send a reminder at the instant ``now``? (see the module's rules, checked in order)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(schedule.zone)
    day = local.date()

    def no(reason: Reason) -> Decision:
        return Decision(send=False, local_day=day, reason=reason)

    if paused:
        return no("paused")
    if not schedule.days:
        return no("no_days")
    if WEEKDAYS[day.weekday()] not in schedule.days:
        return no("not_an_exercise_day")
    if day in sent_days:
        return no("already_sent")
    if day in done_days:
        return no("done_today")
    if local.time().replace(tzinfo=None) < schedule.at:
        return no("not_yet")
    if in_quiet_hours(schedule, local.time()):
        return no("quiet_hours")
    return Decision(send=True, local_day=day, reason="due")


def first_occurrence(schedule: ReminderSchedule, on_or_after: dt.date) -> dt.datetime | None:
    """The first local reminder time on an exercise day on or after ``on_or_after``."""
    if not schedule.days:
        return None
    for offset in range(7):
        day = on_or_after + dt.timedelta(days=offset)
        if WEEKDAYS[day.weekday()] in schedule.days:
            return dt.datetime.combine(day, schedule.at, tzinfo=schedule.zone)
    return None  # pragma: no cover - every week holds every weekday


__all__ = [
    "ICAL_DAYS",
    "WEEKDAYS",
    "Decision",
    "Reason",
    "ReminderSchedule",
    "Weekday",
    "check_timezone",
    "clock_time",
    "decide",
    "first_occurrence",
    "in_quiet_hours",
    "local_day",
]
