"""``review_history`` (columns, for the clinic-wide review) decides exactly like ``review``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dorsi.clinical.contract import parse
from dorsi.clinical.progress import ProgressInput, dated, review, review_history, set_aside
from dorsi.clinical.progress_alerts import stop_message
from dorsi.clinical.progress_contract import Checkin
from dorsi.errors import InputError
from dorsi.i18n import normalize_language

TODAY = dt.date(2026, 3, 2)
DAY = st.integers(min_value=-200, max_value=0).map(lambda d: (TODAY + dt.timedelta(d)).isoformat())
# a check-in without a date is today's
SESSION = st.fixed_dictionaries(
    {
        "completed": st.booleans(),
        "pain_nrs": st.integers(0, 10) | st.floats(0, 10, allow_nan=False),
        "difficulty": st.sampled_from(("easy", "ok", "hard")),
        "weakness_worse": st.sampled_from((False, False, False, True)),
        "balance_worse": st.sampled_from((False, False, False, True)),
    },
    optional={"date": DAY},
)
MEASURE = st.one_of(
    st.fixed_dictionaries(
        {
            "measure": st.just("dorsiflexion_mmt"),
            "value": st.sampled_from(("2-", "2", "3", "3+", "4", "5")),
            "date": DAY,
        }
    ),
    st.fixed_dictionaries(
        {
            "measure": st.just("gait_speed_mps"),
            "value": st.integers(10, 180).map(lambda v: v / 100),
            "date": DAY,
        }
    ),
)
PAYLOAD = st.fixed_dictionaries(
    {"measurements": st.lists(MEASURE, max_size=8), "sessions": st.lists(SESSION, max_size=60)},
    optional={
        "program_start": DAY,
        "planned_days_per_week": st.integers(0, 7),
    },
)


def _history(data: ProgressInput) -> Any:
    return review_history(
        measurements=data.measurements,
        sessions=data.sessions,
        program_start=data.program_start,
        planned_days_per_week=data.planned_days_per_week,
        today=TODAY,
    )


@settings(max_examples=150, deadline=None)
@given(PAYLOAD)
def test_review_history_equals_review(payload: dict[str, Any]) -> None:
    data = parse(ProgressInput, payload)
    assert _history(data) == review(data, today=TODAY)


@given(st.lists(SESSION, max_size=30))
def test_log_is_sorted_by_day_keeping_same_day_order(sessions: list[dict[str, Any]]) -> None:
    data = parse(ProgressInput, {"measurements": [], "sessions": sessions})
    log = dated(data.sessions, TODAY)
    by_day: dict[dt.date, list[float]] = {}
    for s in data.sessions:
        by_day.setdefault(s.date or TODAY, []).append(s.pain_nrs)
    assert [s.day for s in log] == sorted(s.date or TODAY for s in data.sessions)
    assert [s.pain_nrs for s in log] == [p for day in sorted(by_day) for p in by_day[day]]
    assert len(log) == len(sessions)


def test_review_history_sets_aside_what_review_refuses() -> None:
    # A stored history is never refused (a bad stored row would break every later read of the
    # record); the rows that fail review's checks are left out and named by set_aside.
    future = (TODAY + dt.timedelta(days=1)).isoformat()
    good = {"measure": "gait_speed_mps", "value": 0.8, "date": TODAY.isoformat()}
    bad = [
        {"measure": "nope", "value": 1, "date": TODAY.isoformat()},
        {"measure": "single_leg_stance_s", "value": 280, "date": TODAY.isoformat()},
        {"measure": "gait_speed_mps", "value": 0.9, "date": future},
    ]
    data = parse(ProgressInput, {"measurements": [bad[0], good, *bad[1:]], "sessions": []})
    with pytest.raises(InputError) as refused:
        review(data, today=TODAY)
    assert refused.value.field == "measurements.0.measure"
    aside = set_aside(data.measurements, TODAY)
    assert [(a.index, a.measure) for a in aside] == [
        (0, "nope"),
        (2, "single_leg_stance_s"),
        (3, "gait_speed_mps"),
    ]
    assert "from 0 to 180" in aside[1].reason
    assert "after today" in aside[2].reason
    only_good = parse(ProgressInput, {"measurements": [good], "sessions": []})
    assert _history(data) == review(only_good, today=TODAY)


@given(st.lists(SESSION, max_size=20), st.integers(1, 30))
def test_review_history_does_not_count_sessions_after_today(
    sessions: list[dict[str, Any]], ahead: int
) -> None:
    later = {
        "date": (TODAY + dt.timedelta(days=ahead)).isoformat(),
        "completed": True,
        "pain_nrs": 2,
        "difficulty": "ok",
        "weakness_worse": True,
        "balance_worse": False,
    }
    data = parse(ProgressInput, {"measurements": [], "sessions": [*sessions, later]})
    valid = parse(ProgressInput, {"measurements": [], "sessions": sessions})
    assert _history(data) == review(valid, today=TODAY)


@settings(max_examples=60, deadline=None)
@given(
    weakness=st.booleans(),
    balance=st.booleans(),
    ago_days=st.integers(0, 400),
    lang=st.sampled_from(("en", "es")),
)
def test_one_check_in_stops_the_program_exactly_as_its_review_says(
    weakness: bool, balance: bool, ago_days: int, lang: str
) -> None:
    day = TODAY - dt.timedelta(days=ago_days)
    checkin = Checkin(
        completed=True,
        pain_nrs=2,
        difficulty="ok",
        weakness_worse=weakness,
        balance_worse=balance,
        date=day,
    )
    alone_input = ProgressInput(measurements=(), sessions=(checkin,))
    reviewed = review(alone_input, today=TODAY, lang=lang)
    stops = [a.message for a in reviewed.alerts if a.kind == "stop_program"]
    alone = stop_message(checkin, normalize_language(lang))
    assert ([alone] if alone is not None else []) == stops
    assert (alone is not None) == (weakness or balance)
