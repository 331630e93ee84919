"""The alerts of the progress review, each with a plain-words message.

Thresholds come from ``data/progress_rules.yaml`` (each with its source):

- ``stop_program``: any session with ``weakness_worse`` or ``balance_worse`` (the seed's stop
  rule: stop and contact the therapist; seek immediate care if it was sudden).
- ``worsening``: one per measure worse by at least its MDC. A muscle grade down by a full
  grade also holds progression and asks for a new screening (issue 8).
- ``regress``: the last session's pain above 5/10 (pain-monitoring model, REFERENCE 3.4), or the
  last 2 sessions rated "hard".
- ``plateau``: every measure with two or more values shows no real change, one of them spans
  at least 4 weeks, and adherence was adequate. A flat muscle grade adds the question of nerve
  tests and a surgeon's opinion to the message.
- ``low_adherence``: percent below the cut-off (70%) once sessions were planned and the
  program has run its first full week (7 days; before that a habit cannot show yet).
- ``reassessment_due``: no measurement yet, or the last one is 28 days old or more.
- ``ready_to_progress``: real improvement in a measure, nothing worse, no stop or regress, last
  session pain at most 3/10 and not "hard", adherence adequate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import compress

from dorsi.catalog.measures import Measure, ProgressRules, load_progress_rules
from dorsi.clinical.progress_contract import Adherence, AlertKind, MeasureReview, SessionLog

ADVICE_EMERGENCY = (
    "If it came on suddenly, or you also have a drooping face, a weak arm, trouble speaking, "
    "or weakness in both legs, call 911 or go to the emergency department now."
)


@dataclass(frozen=True)
class Series:
    """One measure's reviewed values, with the dates they span."""

    measure: Measure
    review: MeasureReview
    first_date: dt.date
    last_date: dt.date
    count: int

    @property
    def span_days(self) -> int:
        return (self.last_date - self.first_date).days


def fmt_number(value: float) -> str:
    """A number without trailing zeros: 0.50 -> "0.5", 24.0 -> "24"."""
    text = f"{round(value, 3):.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def show(measure: Measure, value: float | str) -> str:
    """A value with its unit, for messages: "grade 3+", "0.6 m/s", "12 seconds"."""
    if isinstance(value, str):
        return f"grade {value}"
    return f"{fmt_number(value)} {measure.unit}"


def _from_to(series: Series) -> str:
    return (
        f"from {show(series.measure, series.review.baseline)} on {series.first_date.isoformat()} "
        f"to {show(series.measure, series.review.latest)} on {series.last_date.isoformat()}"
    )


def _noise_note(series: Series) -> str:
    measure = series.measure
    if measure.relative_mdc is not None or measure.mdc_strata:
        return measure.mdc_rule
    return (
        f"Changes smaller than {fmt_number(series.review.mdc)} {measure.unit} "
        "can be measurement error."
    )


def _stop(sessions: SessionLog) -> str | None:
    weak = [day.isoformat() for day in compress(sessions.dates, sessions.weakness_worse)]
    balance = [day.isoformat() for day in compress(sessions.dates, sessions.balance_worse)]
    if not weak and not balance:
        return None
    noted = []
    if weak:
        noted.append(f"your leg or foot felt weaker ({', '.join(weak)})")
    if balance:
        noted.append(f"your balance was worse ({', '.join(balance)})")
    return (
        f"Stop the home exercises for now and contact your therapist. You noted that "
        f"{' and '.join(noted)}. {ADVICE_EMERGENCY}"
    )


def _worsening(series: Series) -> str:
    measure = series.measure
    if measure.value_kind == "mmt_grade":
        return (
            "The strength of the muscles that lift your foot went down by a full grade, "
            f"{_from_to(series)}. Do not move on to harder exercises. Contact your therapist "
            f"soon for a new safety check (screening). {ADVICE_EMERGENCY}"
        )
    if measure.id == "falls_past_month":
        return (
            f"You had more falls: {_from_to(series)}. Tell your therapist soon. "
            "If you hit your head or got hurt, get medical care now."
        )
    return (
        f"{measure.name} got worse, {_from_to(series)}. This is more than measurement error. "
        f"{_noise_note(series)} Tell your therapist; the plan may need to change."
    )


def _regress(sessions: SessionLog, rules: ProgressRules) -> str | None:
    if not sessions:
        return None
    reasons = []
    last_pain, last_date = sessions.pain_nrs[-1], sessions.dates[-1]
    too_much = rules.pain_acceptable_max_nrs.value
    if last_pain > too_much:
        reasons.append(
            f"Your pain in the last session ({last_date.isoformat()}) was "
            f"{fmt_number(last_pain)}/10. More than {fmt_number(too_much)}/10 is too much."
        )
    streak = int(rules.hard_sessions_for_regress.value)
    if len(sessions) >= streak and all(d == "hard" for d in sessions.difficulty[-streak:]):
        reasons.append(f"Your last {streak} sessions felt hard.")
    if not reasons:
        return None
    return (
        " ".join(reasons) + " Make the exercises easier for now: fewer repetitions or sets, more "
        "rest, or the easier version your therapist showed you. If pain or stiffness is worse "
        "the next morning, make them easier again. Tell your therapist."
    )


def _plateau(series: list[Series], adequate: bool, rules: ProgressRules) -> str | None:
    reviewed = [s for s in series if s.count >= 2]
    window = int(rules.plateau_window_days.value)
    if not adequate or not reviewed:
        return None
    if any(s.review.status != "no_real_change" for s in reviewed):
        return None
    longest = max(s.span_days for s in reviewed)
    if longest < window:
        return None
    message = (
        f"No real change in your measurements over {longest // 7} weeks, even though you kept "
        "up your exercises. Your clinician (your therapist) should review your plan and change it."
    )
    grade = next(
        (s for s in reviewed if s.measure.value_kind == "mmt_grade" and s.span_days >= window),
        None,
    )
    if grade is not None:
        message += (
            f" The strength of the muscles that lift your foot has not changed in "
            f"{grade.span_days // 7} weeks ({show(grade.measure, grade.review.latest)}). Ask your "
            "doctor whether you need a referral for nerve tests (a nerve conduction study and "
            "EMG) and a surgical opinion (from a surgeon). When a nerve has not recovered after "
            "about 3 months, these help decide what to do next."
        )
    return message


def _low_adherence(adherence: Adherence, per_week: int, assumed: bool) -> str:
    assumption = f" (we assumed {per_week} days a week)" if assumed else ""
    return (
        f"You did {adherence.sessions_done} of about {adherence.sessions_planned} planned "
        f"sessions ({adherence.percent}%){assumption}. Regular practice is what helps the nerve "
        f"and muscles recover. Try to do your exercises {per_week} days a week. If pain, time or "
        "anything else gets in the way, tell your therapist. We cannot judge whether the plan "
        "works until the exercises are done regularly."
    )


def _reassessment(series: list[Series], today: dt.date, rules: ProgressRules) -> str | None:
    interval = int(rules.reassessment_interval_days.value)
    if not series:
        return (
            "No measurements are recorded yet. Your therapist should measure your strength, "
            "balance and walking, so we can tell whether the exercises are working."
        )
    last = max(s.last_date for s in series)
    days = (today - last).days
    if days < interval:
        return None
    return (
        f"Your last measurements were {days} days ago ({last.isoformat()}). It is time to "
        f"measure again: we check every {interval} days to see whether the plan is working."
    )


def _ready(series: list[Series], sessions: SessionLog, rules: ProgressRules) -> str | None:
    improved = [s for s in series if s.review.status == "improved"]
    if not improved or not sessions:
        return None
    if sessions.pain_nrs[-1] > rules.pain_safe_max_nrs.value or sessions.difficulty[-1] == "hard":
        return None
    gains = "; ".join(f"{s.measure.name} ({_from_to(s)})" for s in improved)
    notes = " ".join(s.measure.mdc_rule for s in improved if s.measure.relative_mdc is not None)
    return (
        f"Real improvement: {gains}. {notes + ' ' if notes else ''}Your pain is low and the "
        "exercises feel manageable. Ask your therapist about moving on to the next, harder step."
    )


def build(
    *,
    series: list[Series],
    sessions: SessionLog,
    adherence: Adherence,
    today: dt.date,
    planned_days_per_week: int | None,
    program_days: int,
) -> list[tuple[AlertKind, str]]:
    """All alerts, most urgent first. ``sessions`` are sorted by date; ``program_days`` is
    how many days the program has run up to ``today`` (both included)."""
    rules = load_progress_rules()
    alerts: list[tuple[AlertKind, str]] = []
    cutoff = rules.adherence_adequate_pct.value
    assumed = planned_days_per_week is None
    per_week = (
        int(rules.default_days_per_week.value)
        if planned_days_per_week is None
        else planned_days_per_week
    )
    adequate = adherence.sessions_planned > 0 and adherence.percent >= cutoff

    stop = _stop(sessions)
    if stop:
        alerts.append(("stop_program", stop))
    worse = [s for s in series if s.review.status == "worse"]
    alerts.extend(("worsening", _worsening(s)) for s in worse)
    regress = _regress(sessions, rules)
    if regress:
        alerts.append(("regress", regress))
    plateau = _plateau(series, adequate, rules)
    if plateau:
        alerts.append(("plateau", plateau))
    full_week = program_days >= rules.adherence_first_full_week_days.value
    if full_week and adherence.sessions_planned > 0 and adherence.percent < cutoff:
        alerts.append(("low_adherence", _low_adherence(adherence, per_week, assumed)))
    due = _reassessment(series, today, rules)
    if due:
        alerts.append(("reassessment_due", due))
    if not stop and not worse and not regress and adequate:
        ready = _ready(series, sessions, rules)
        if ready:
            alerts.append(("ready_to_progress", ready))
    return alerts
