"""`dorsi progress` scenarios from issue 16: the review reads the course of care, not two points.

Each case a careful physical therapist tried: a peak then a decline, a balance warning resolved
weeks ago, pain creeping up over a month, and a check-in sent twice on one day.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tests.conftest import run_dorsi
from tests.scenarios._cli import bad, ok

START = dt.date(2026, 1, 5)  # a Monday


def day(offset: int) -> str:
    return (START + dt.timedelta(days=offset)).isoformat()


def m(measure: str, value: Any, offset: int) -> dict[str, Any]:
    return {"measure": measure, "value": value, "date": day(offset)}


def s(offset: int, *, pain: float = 1, balance_worse: bool = False) -> dict[str, Any]:
    return {
        "date": day(offset),
        "completed": True,
        "pain_nrs": pain,
        "difficulty": "ok",
        "weakness_worse": False,
        "balance_worse": balance_worse,
    }


def weekdays(days: int, **kw: Any) -> list[dict[str, Any]]:
    """A session every weekday from START for ``days`` days (5 a week, as planned)."""
    return [s(i, **kw) for i in range(days) if i % 7 < 5]


def payload(
    measurements: list[dict[str, Any]], sessions: list[dict[str, Any]], today: int, **extra: Any
) -> dict[str, Any]:
    return {
        "measurements": measurements,
        "sessions": sessions,
        "program_start": day(0),
        "planned_days_per_week": 5,
        "today": day(today),
        **extra,
    }


def kinds(out: dict[str, Any]) -> list[str]:
    return [a["kind"] for a in out["alerts"]]


PEAK = [
    m("dorsiflexion_mmt", "2", 0),
    m("dorsiflexion_mmt", "4", 28),
    m("dorsiflexion_mmt", "3", 56),
    m("gait_speed_mps", 0.5, 0),
    m("gait_speed_mps", 0.9, 28),
    m("gait_speed_mps", 0.62, 56),
]


def test_peak_then_decline_is_worse_and_not_ready() -> None:
    out = ok("progress", payload(PEAK, weekdays(57), 56, phase=2))
    grade, speed = out["measures"]["dorsiflexion_mmt"], out["measures"]["gait_speed_mps"]
    for item, best in ((grade, "4"), (speed, 0.9)):
        assert item["status"] == "worse"
        assert item["status_from_baseline"] == "improved"  # still above the first value
        assert item["best"] == best
        assert item["best_date"] == day(28)
        assert "best" in item["worse_than"]
    assert grade["change_from_best"] == -1
    assert speed["change_from_best"] == -0.28
    assert speed["mdc_from_best"] == 0.21  # the band of 0.90 m/s
    assert kinds(out).count("worsening") == 2
    assert "ready_to_progress" not in kinds(out)
    texts = " ".join(a["message"] for a in out["alerts"] if a["kind"] == "worsening")
    assert f"down from your best of grade 4 on {day(28)}" in texts
    assert f"down from your best of 0.9 m/s on {day(28)}" in texts


def test_peak_then_decline_in_plain_words_in_both_languages() -> None:
    raw = json.dumps(payload(PEAK, weekdays(57), 56))
    en = run_dorsi("progress", "-", stdin=raw)
    assert en.code == 0, en.stderr
    assert f"best grade 4 on {day(28)} (change -1): WORSE" in en.stdout
    es = run_dorsi("progress", "-", "--lang", "es", stdin=raw)
    assert es.code == 0, es.stderr
    assert "su mejor valor, grado 4" in es.stdout
    assert "PEOR" in es.stdout


def test_a_long_resolved_balance_warning_no_longer_says_stop() -> None:
    sessions = weekdays(57)
    sessions[5] = s(7, balance_worse=True)  # five weeks before the review
    measures = [m("gait_speed_mps", 0.5, 0), m("gait_speed_mps", 0.7, 56)]
    still = ok("progress", payload(measures, sessions, 56))
    assert "stop_program" in kinds(still)
    resolved = ok("progress", payload(measures, sessions, 56, stops_resolved_through=day(14)))
    assert "stop_program" not in kinds(resolved)
    assert "ready_to_progress" in kinds(resolved)
    text = run_dorsi(
        "progress",
        "-",
        stdin=json.dumps(payload(measures, sessions, 56, stops_resolved_through=day(14))),
    )
    assert f"{day(7)}: balance worse: resolved" in text.stdout


def test_a_bad_resolved_date_names_the_field() -> None:
    bad("progress", payload([], [], 3, stops_resolved_through="soon"), "stops_resolved_through")
    bad("progress", payload([], [], 3, phase=4), "phase")


def test_pain_creeping_from_1_to_5_over_a_month_raises_pain_rising() -> None:
    sessions = [s(i, pain=round(1 + 4 * i / 30, 1)) for i in range(31)]
    measures = [m("gait_speed_mps", 0.5, 0), m("gait_speed_mps", 0.7, 30)]
    out = ok("progress", payload(measures, sessions, 30))
    assert "pain_rising" in kinds(out)
    assert "ready_to_progress" not in kinds(out)
    steady = ok("progress", payload(measures, [s(i, pain=1) for i in range(31)], 30))
    assert "pain_rising" not in kinds(steady)


def test_duplicate_check_ins_on_one_day_leave_adherence_unchanged() -> None:
    sessions = [s(i) for i in range(14) if i not in (2, 9)]  # 12 of 14 days, daily plan
    base = payload([], sessions, 13, planned_days_per_week=7)
    once = ok("progress", base)["adherence"]
    twice = ok("progress", {**base, "sessions": [*sessions, s(13), s(13)]})["adherence"]
    assert (once["sessions_done"], once["sessions_planned"], once["percent"]) == (12, 14, 86)
    assert twice == once


def test_no_program_is_said_in_words_never_0_of_0() -> None:
    raw = {"measurements": [], "sessions": [], "today": day(3)}
    out = ok("progress", raw)
    assert out["adherence"]["percent"] is None
    text = run_dorsi("progress", "-", stdin=json.dumps(raw))
    assert "0 of 0" not in text.stdout
    assert "no program yet" in text.stdout
