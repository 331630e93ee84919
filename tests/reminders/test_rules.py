"""The reminder rules (dorsi.clinical.reminders): properties over any schedule and instant."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dorsi.clinical.contract import parse
from dorsi.clinical.reminders import (
    WEEKDAYS,
    ReminderSchedule,
    decide,
    in_quiet_hours,
    local_day,
)
from dorsi.errors import InputError

ZONES = ("UTC", "America/New_York", "Europe/Madrid", "Australia/Lord_Howe", "Asia/Kolkata")
clock = st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]:02d}:{t[1]:02d}")


@st.composite
def schedules(draw: st.DrawFn) -> ReminderSchedule:
    body: dict[str, Any] = {
        "days": draw(st.lists(st.sampled_from(WEEKDAYS), unique=True)),
        "time": draw(clock),
        "timezone": draw(st.sampled_from(ZONES)),
    }
    if draw(st.booleans()):
        body["quiet_start"], body["quiet_end"] = draw(clock), draw(clock)
    try:
        return parse(ReminderSchedule, body)
    except InputError as exc:  # every drawn schedule is valid
        raise AssertionError(body) from exc


FIRST = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).replace(tzinfo=None)  # hypothesis: naive bounds
LAST = dt.datetime(2027, 12, 31, tzinfo=dt.UTC).replace(tzinfo=None)
instants = st.datetimes(min_value=FIRST, max_value=LAST).map(lambda d: d.replace(tzinfo=dt.UTC))
days = st.frozensets(st.dates(dt.date(2025, 12, 30), dt.date(2028, 1, 2)), max_size=20)


@settings(max_examples=300, deadline=None)
@given(schedule=schedules(), now=instants, done=days, sent=days, paused=st.booleans())
def test_a_reminder_is_sent_only_when_every_rule_allows(
    schedule: ReminderSchedule,
    now: dt.datetime,
    done: frozenset[dt.date],
    sent: frozenset[dt.date],
    paused: bool,
) -> None:
    decision = decide(schedule, now=now, done_days=done, sent_days=sent, paused=paused)
    local = now.astimezone(schedule.zone)
    assert decision.local_day == local.date()
    if decision.send:
        assert not paused
        assert decision.local_day not in sent  # at most one a day
        assert decision.local_day not in done  # none on a day already done
        assert not in_quiet_hours(schedule, local.time())  # none in quiet hours
        assert WEEKDAYS[local.weekday()] in schedule.days
        assert local.time() >= schedule.at


@settings(max_examples=60, deadline=None)
@given(schedule=schedules(), start=instants, paused=st.booleans())
def test_stepping_through_a_week_sends_at_most_one_a_day(
    schedule: ReminderSchedule, start: dt.datetime, paused: bool
) -> None:
    """A sender run every 10 minutes for a week: one reminder per chosen day at most, only on
    chosen days, none while paused; with no quiet hours, one on every chosen day whose
    reminder time a run reached."""
    sent: set[dt.date] = set()
    now = start
    for _ in range(7 * 24 * 6):
        decision = decide(
            schedule, now=now, done_days=frozenset(), sent_days=frozenset(sent), paused=paused
        )
        if decision.send:
            assert decision.local_day not in sent
            sent.add(decision.local_day)
        now += dt.timedelta(minutes=10)
    if paused or not schedule.days:
        assert sent == set()
    assert all(WEEKDAYS[d.weekday()] in schedule.days for d in sent)
    if not paused and schedule.quiet_start is None:
        # every chosen local day on which some run came at or after the reminder time
        expected = set()
        for step in range(7 * 24 * 6):
            local = (start + dt.timedelta(minutes=10 * step)).astimezone(schedule.zone)
            if WEEKDAYS[local.weekday()] in schedule.days and local.time() >= schedule.at:
                expected.add(local.date())
        assert sent == expected


def test_the_rules_one_by_one() -> None:
    schedule = parse(
        ReminderSchedule,
        {
            "days": ["mon", "wed"],
            "time": "18:00",
            "timezone": "Europe/Madrid",
            "quiet_start": "21:00",
            "quiet_end": "08:00",
        },
    )
    monday_1830 = dt.datetime(2026, 3, 2, 17, 30, tzinfo=dt.UTC)  # 18:30 in Madrid (CET)
    monday = dt.date(2026, 3, 2)

    def reason(now: dt.datetime, **kw: Any) -> str:
        args: dict[str, Any] = {"done_days": frozenset(), "sent_days": frozenset(), "paused": False}
        args.update(kw)
        return decide(schedule, now=now, **args).reason

    assert reason(monday_1830) == "due"
    assert reason(monday_1830 - dt.timedelta(hours=1)) == "not_yet"
    assert reason(monday_1830 + dt.timedelta(hours=3)) == "quiet_hours"  # 21:30
    assert reason(monday_1830, sent_days=frozenset({monday})) == "already_sent"
    assert reason(monday_1830, done_days=frozenset({monday})) == "done_today"
    assert reason(monday_1830, paused=True) == "paused"
    assert reason(monday_1830 + dt.timedelta(days=1)) == "not_an_exercise_day"
    # 23:30 UTC on Monday is already Tuesday in Madrid: not an exercise day there
    late = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)
    assert local_day(schedule, late) == dt.date(2026, 3, 3)
    assert reason(late) == "not_an_exercise_day"


def test_daylight_saving_keeps_the_local_time() -> None:
    schedule = parse(
        ReminderSchedule, {"days": ["mon"], "time": "18:00", "timezone": "America/New_York"}
    )
    # before the change 18:00 EST = 23:00 UTC; after it 18:00 EDT = 22:00 UTC
    for now in (
        dt.datetime(2026, 3, 2, 23, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 9, 22, 0, tzinfo=dt.UTC),
    ):
        ok = decide(schedule, now=now, done_days=frozenset(), sent_days=frozenset(), paused=False)
        early = decide(
            schedule,
            now=now - dt.timedelta(minutes=1),
            done_days=frozenset(),
            sent_days=frozenset(),
            paused=False,
        )
        assert (ok.reason, early.reason) == ("due", "not_yet")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"days": ["mon", "mon"]}, "days"),
        ({"days": ["monday"]}, "days.0"),
        ({"time": "25:00"}, "time"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"quiet_start": "22:00"}, "quiet_end"),
    ],
)
def test_bad_schedules_name_the_field(body: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        parse(ReminderSchedule, body)
    assert caught.value.field == field


def test_naive_instants_are_refused() -> None:
    schedule = parse(ReminderSchedule, {"days": ["mon"]})
    with pytest.raises(ValueError, match="aware"):
        decide(
            schedule,
            now=dt.datetime(2026, 3, 2, 18),  # noqa: DTZ001 - the point of the test
            done_days=frozenset(),
            sent_days=frozenset(),
            paused=False,
        )
