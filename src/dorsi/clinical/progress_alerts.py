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
from dorsi.catalog.words import Words, decimal_number, load_words
from dorsi.clinical.progress_contract import Adherence, AlertKind, MeasureReview, SessionLog
from dorsi.i18n import Language

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


@dataclass(frozen=True)
class _Say:
    """The alert words in one language (templates from ``data/words/progress.yaml``)."""

    lang: Language
    words: Words

    def __call__(self, key: str, /, **values: object) -> str:
        return self.words.say(key, self.lang, **values)

    def num(self, value: float) -> str:
        return decimal_number(fmt_number(value), self.lang)

    def name(self, measure: Measure) -> str:
        return measure.name if self.lang == "en" else self.words.measures_es[measure.id].name

    def unit(self, measure: Measure) -> str:
        return measure.unit if self.lang == "en" else self.words.measures_es[measure.id].unit

    def mdc_rule(self, measure: Measure) -> str:
        if self.lang == "en":
            return measure.mdc_rule
        return self.words.measures_es[measure.id].mdc_rule or measure.mdc_rule

    def show(self, measure: Measure, value: float | str) -> str:
        if isinstance(value, str):
            return self("grade", value=value)
        return f"{self.num(value)} {self.unit(measure)}"


def _from_to(say: _Say, series: Series) -> str:
    return say(
        "from_to",
        first=say.show(series.measure, series.review.baseline),
        first_date=series.first_date.isoformat(),
        last=say.show(series.measure, series.review.latest),
        last_date=series.last_date.isoformat(),
    )


def _noise_note(say: _Say, series: Series) -> str:
    measure = series.measure
    if measure.relative_mdc is not None or measure.mdc_strata:
        return say.mdc_rule(measure)
    return say("noise", mdc=say.num(series.review.mdc), unit=say.unit(measure))


def _stop(say: _Say, sessions: SessionLog) -> str | None:
    weak = [day.isoformat() for day in compress(sessions.dates, sessions.weakness_worse)]
    balance = [day.isoformat() for day in compress(sessions.dates, sessions.balance_worse)]
    if not weak and not balance:
        return None
    noted = []
    if weak:
        noted.append(say("stop_weak", dates=", ".join(weak)))
    if balance:
        noted.append(say("stop_balance", dates=", ".join(balance)))
    return say("stop", noted=f" {say('and')} ".join(noted), emergency=say("emergency"))


def _worsening(say: _Say, series: Series) -> str:
    measure = series.measure
    if measure.value_kind == "mmt_grade":
        return say("worsening_grade", from_to=_from_to(say, series), emergency=say("emergency"))
    if measure.id == "falls_past_month":
        return say("worsening_falls", from_to=_from_to(say, series))
    return say(
        "worsening",
        name=say.name(measure),
        from_to=_from_to(say, series),
        noise=_noise_note(say, series),
    )


def _regress(say: _Say, sessions: SessionLog, rules: ProgressRules) -> str | None:
    if not sessions:
        return None
    reasons = []
    last_pain, last_date = sessions.pain_nrs[-1], sessions.dates[-1]
    too_much = rules.pain_acceptable_max_nrs.value
    if last_pain > too_much:
        reasons.append(
            say(
                "regress_pain",
                date=last_date.isoformat(),
                pain=say.num(last_pain),
                most=say.num(too_much),
            )
        )
    streak = int(rules.hard_sessions_for_regress.value)
    if len(sessions) >= streak and all(d == "hard" for d in sessions.difficulty[-streak:]):
        reasons.append(say("regress_hard", streak=streak))
    if not reasons:
        return None
    return say("regress", reasons=" ".join(reasons))


def _plateau(say: _Say, series: list[Series], adequate: bool, rules: ProgressRules) -> str | None:
    reviewed = [s for s in series if s.count >= 2]
    window = int(rules.plateau_window_days.value)
    if not adequate or not reviewed:
        return None
    if any(s.review.status != "no_real_change" for s in reviewed):
        return None
    longest = max(s.span_days for s in reviewed)
    if longest < window:
        return None
    message = say("plateau", weeks=longest // 7)
    grade = next(
        (s for s in reviewed if s.measure.value_kind == "mmt_grade" and s.span_days >= window),
        None,
    )
    if grade is not None:
        latest = say.show(grade.measure, grade.review.latest)
        message += " " + say("plateau_grade", weeks=grade.span_days // 7, latest=latest)
    return message


def _low_adherence(say: _Say, adherence: Adherence, per_week: int, assumed: bool) -> str:
    assumption = f" ({say('assumed', per_week=per_week)})" if assumed else ""
    return say(
        "low_adherence",
        done=adherence.sessions_done,
        planned=adherence.sessions_planned,
        percent=adherence.percent,
        assumption=assumption,
        per_week=per_week,
    )


def _reassessment(
    say: _Say, series: list[Series], today: dt.date, rules: ProgressRules
) -> str | None:
    interval = int(rules.reassessment_interval_days.value)
    if not series:
        return say("no_measurements")
    last = max(s.last_date for s in series)
    days = (today - last).days
    if days < interval:
        return None
    return say("reassessment_due", days=days, last=last.isoformat(), interval=interval)


def _ready(
    say: _Say, series: list[Series], sessions: SessionLog, rules: ProgressRules
) -> str | None:
    improved = [s for s in series if s.review.status == "improved"]
    if not improved or not sessions:
        return None
    if sessions.pain_nrs[-1] > rules.pain_safe_max_nrs.value or sessions.difficulty[-1] == "hard":
        return None
    gains = "; ".join(
        say("gain", name=say.name(s.measure), from_to=_from_to(say, s)) for s in improved
    )
    notes = " ".join(
        say.mdc_rule(s.measure) for s in improved if s.measure.relative_mdc is not None
    )
    return say("ready", gains=gains, notes=notes + " " if notes else "")


def build(
    *,
    series: list[Series],
    sessions: SessionLog,
    adherence: Adherence,
    today: dt.date,
    planned_days_per_week: int | None,
    program_days: int,
    lang: Language = "en",
) -> list[tuple[AlertKind, str]]:
    """All alerts, most urgent first. ``sessions`` are sorted by date; ``program_days`` is
    how many days the program has run up to ``today`` (both included). ``lang`` chooses only
    the words of the messages: the kinds, their order and the numbers are the same."""
    rules = load_progress_rules()
    say = _Say(lang, load_words("progress"))
    alerts: list[tuple[AlertKind, str]] = []
    cutoff = rules.adherence_adequate_pct.value
    assumed = planned_days_per_week is None
    per_week = (
        int(rules.default_days_per_week.value)
        if planned_days_per_week is None
        else planned_days_per_week
    )
    adequate = adherence.sessions_planned > 0 and adherence.percent >= cutoff

    stop = _stop(say, sessions)
    if stop:
        alerts.append(("stop_program", stop))
    worse = [s for s in series if s.review.status == "worse"]
    alerts.extend(("worsening", _worsening(say, s)) for s in worse)
    regress = _regress(say, sessions, rules)
    if regress:
        alerts.append(("regress", regress))
    plateau = _plateau(say, series, adequate, rules)
    if plateau:
        alerts.append(("plateau", plateau))
    full_week = program_days >= rules.adherence_first_full_week_days.value
    if full_week and adherence.sessions_planned > 0 and adherence.percent < cutoff:
        alerts.append(("low_adherence", _low_adherence(say, adherence, per_week, assumed)))
    due = _reassessment(say, series, today, rules)
    if due:
        alerts.append(("reassessment_due", due))
    if not stop and not worse and not regress and adequate:
        ready = _ready(say, series, sessions, rules)
        if ready:
            alerts.append(("ready_to_progress", ready))
    return alerts
