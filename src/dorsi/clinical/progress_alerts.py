"""The alerts of the progress review, each with a plain-words message.

Thresholds come from ``data/progress_rules.yaml`` (each with its source):

- ``stop_program``: any *active* stop, i.e. a session with ``weakness_worse`` or
  ``balance_worse`` after ``stops_resolved_through`` (the seed's stop rule: stop and contact
  the therapist; seek immediate care if it was sudden).
- ``worsening``: one per measure worse by at least its MDC against its baseline, previous or
  best value, naming the reference. A muscle grade down by a full grade also holds
  progression and asks for a new screening (a lost grade may be a new lesion).
- ``pain_rising``: the check-in pain trend (:func:`dorsi.clinical.progress_course.pain_trend`);
  holds progression.
- ``regress``: the last session's pain above 5/10 (pain-monitoring model, REFERENCE 3.4), or the
  last 2 sessions rated "hard".
- ``plateau``: every measure with a trend (Theil-Sen over 3+ values spanning 4 weeks in the
  trend window) is flat, none is worse, and adherence was adequate. A flat muscle grade adds
  the question of nerve tests and a surgeon's opinion to the message.
- ``low_adherence``: percent below the cut-off (70%) once sessions were planned and the
  program has run its first full week (7 days; before that a habit cannot show yet).
- ``skin_problem``: a skin problem under the brace logged in the last days
  (:func:`dorsi.clinical.brace.skin_alert`, window and words in ``data/brace.yaml``).
- ``reassessment_due``: no measurement yet, or the last one is 28 days old or more.
- ``ready_to_progress``: real improvement in a measure, nothing worse, no active stop, no
  pain_rising, regress or plateau, last session pain at most 3/10 and not "hard", adherence
  adequate, and (when the phase is known) the next phase's entry criteria met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from dorsi.catalog.measures import Measure, ProgressRules, load_progress_rules
from dorsi.catalog.words import Words, decimal_number, load_words
from dorsi.clinical.brace import SkinCheck, skin_alert
from dorsi.clinical.progress_contract import (
    Adherence,
    AlertKind,
    Checkin,
    CriterionCheck,
    PainTrend,
    PhaseCheck,
    StopEvent,
)
from dorsi.clinical.progress_course import Point, Series, stop_events
from dorsi.i18n import Language

ADVICE_EMERGENCY = (
    "If it came on suddenly, or you also have a drooping face, a weak arm, trouble speaking, "
    "or weakness in both legs, call 911 or go to the emergency department now."
)


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


def _stop(say: _Say, stops: Sequence[StopEvent]) -> str | None:
    active = [s for s in stops if s.status == "active"]
    weak = [s.date.isoformat() for s in active if s.weakness_worse]
    balance = [s.date.isoformat() for s in active if s.balance_worse]
    if not weak and not balance:
        return None
    noted = []
    if weak:
        noted.append(say("stop_weak", dates=", ".join(weak)))
    if balance:
        noted.append(say("stop_balance", dates=", ".join(balance)))
    return say("stop", noted=f" {say('and')} ".join(noted), emergency=say("emergency"))


def stop_message(checkin: Checkin, lang: Language = "en") -> str | None:
    """The ``stop_program`` alert's message when this check-in alone stops the program (its
    weakness or balance is worse), in the words the review of it gives; else None. The
    check-in is dated (:meth:`Checkin.on`)."""
    return _stop(_Say(lang, load_words("progress")), stop_events([checkin], None))


def _reference(say: _Say, series: Series, key: str, point: Point) -> str:
    return say(key, value=say.show(series.measure, point.value), date=point.date.isoformat())


def course(say: _Say, series: Series) -> str:
    """Where a worse measure came down from: its best, the value before, its first value
    (each named once; with two values they are one, and the words are the old from-to)."""
    review = series.review
    if series.count == 2 or series.previous is None or series.best is None:
        return _from_to(say, series)
    refs: list[str] = []
    if "best" in review.worse_than:
        refs.append(_reference(say, series, "ref_best", series.best))
    if "previous" in review.worse_than and series.previous != series.best:
        refs.append(_reference(say, series, "ref_previous", series.previous))
    if "baseline" in review.worse_than and series.baseline != series.best:
        refs.append(_reference(say, series, "ref_baseline", series.baseline))
    key = "course_down" if series.measure.direction == "higher" else "course_up"
    return say(
        key,
        refs=f" {say('and')} ".join(refs),
        last=say.show(series.measure, review.latest),
        last_date=series.last_date.isoformat(),
    )


def _worsening(say: _Say, series: Series) -> str:
    measure = series.measure
    if measure.value_kind == "mmt_grade":
        return say("worsening_grade", from_to=course(say, series), emergency=say("emergency"))
    if measure.id == "falls_past_month":
        return say("worsening_falls", from_to=course(say, series))
    return say(
        "worsening",
        name=say.name(measure),
        from_to=course(say, series),
        noise=_noise_note(say, series),
    )


def _regress(say: _Say, sessions: Sequence[Checkin], rules: ProgressRules) -> str | None:
    if not sessions:
        return None
    reasons = []
    last_pain, last_date = sessions[-1].pain_nrs, sessions[-1].day
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
    if len(sessions) >= streak and all(s.difficulty == "hard" for s in sessions[-streak:]):
        reasons.append(say("regress_hard", streak=streak))
    if not reasons:
        return None
    return say("regress", reasons=" ".join(reasons))


def _plateau(say: _Say, series: list[Series], adequate: bool) -> str | None:
    """Every measure with a trend is flat (at least one), none is worse, adherence adequate."""
    trended = [s for s in series if s.trend is not None]
    if not adequate or not trended:
        return None
    if any(s.trend != "flat" for s in trended) or any(s.review.status == "worse" for s in series):
        return None
    message = say("plateau", weeks=max(s.trend_span_days for s in trended) // 7)
    grade = next((s for s in trended if s.measure.value_kind == "mmt_grade"), None)
    if grade is not None:
        latest = say.show(grade.measure, grade.review.latest)
        message += " " + say("plateau_grade", weeks=grade.trend_span_days // 7, latest=latest)
    return message


def _pain_rising(
    say: _Say, pain: PainTrend | None, sessions: Sequence[Checkin], days: int
) -> str | None:
    if pain is None or not pain.rising or pain.recent_mean is None or pain.earlier_mean is None:
        return None
    return say(
        "pain_rising",
        recent=say.num(pain.recent_mean),
        earlier=say.num(pain.earlier_mean),
        days=days,
        last=sessions[-1].day.isoformat(),
    )


def criterion(say: _Say, check: CriterionCheck, measure: Measure) -> str:
    """One entry criterion in words, with the latest value (or "not measured yet")."""
    if check.at_least is not None:
        limit = say("at_least", value=say.show(measure, check.at_least))
    else:
        limit = say("at_most", value=say.show(measure, check.at_most or 0.0))
    now = (
        say("not_measured")
        if check.latest is None
        else say("now", value=say.show(measure, check.latest))
    )
    return f"{say.name(measure)} {limit} ({now})"


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


def criterion_words(check: CriterionCheck, measure: Measure, lang: Language) -> str:
    """:func:`criterion` in ``lang``, for the terminal report."""
    return criterion(_Say(lang, load_words("progress")), check, measure)


def _ready(
    say: _Say,
    series: list[Series],
    sessions: Sequence[Checkin],
    rules: ProgressRules,
    next_phase: PhaseCheck | None,
) -> str | None:
    improved = [s for s in series if s.review.status == "improved"]
    if not improved or not sessions:
        return None
    last = sessions[-1]
    if last.pain_nrs > rules.pain_safe_max_nrs.value or last.difficulty == "hard":
        return None
    if next_phase is not None and not next_phase.met:
        return None
    gains = "; ".join(
        say("gain", name=say.name(s.measure), from_to=_from_to(say, s)) for s in improved
    )
    notes = " ".join(
        say.mdc_rule(s.measure) for s in improved if s.measure.relative_mdc is not None
    )
    message = say("ready", gains=gains, notes=notes + " " if notes else "")
    if next_phase is not None and next_phase.next_phase is not None:
        by_id = {s.measure.id: s.measure for s in series}
        met = "; ".join(criterion(say, c, by_id[c.measure]) for c in next_phase.criteria)
        message += " " + say("phase_met", phase=next_phase.next_phase, met=met)
    return message


def build(
    *,
    series: list[Series],
    sessions: Sequence[Checkin],
    adherence: Adherence,
    today: dt.date,
    planned_days_per_week: int | None,
    program_days: int,
    lang: Language = "en",
    stops: Sequence[StopEvent] = (),
    pain: PainTrend | None = None,
    next_phase: PhaseCheck | None = None,
    skin_checks: Sequence[SkinCheck] = (),
) -> list[tuple[AlertKind, str]]:
    """All alerts, most urgent first. ``sessions`` are sorted by date; ``program_days`` is
    how many days the program has run up to ``today`` (both included). ``stops`` are the
    stop events (only active ones stop the program), ``pain`` the check-in pain trend and
    ``next_phase`` the entry criteria of the next phase (when the phase is known),
    ``skin_checks`` the skin problems of the brace log. ``lang``
    chooses only the words of the messages: the kinds, their order and the numbers are the
    same."""
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
    adequate = adherence.adequate

    stop = _stop(say, stops)
    if stop:
        alerts.append(("stop_program", stop))
    skin = skin_alert(skin_checks, today, lang)
    if skin:
        alerts.append(("skin_problem", skin))
    worse = [s for s in series if s.review.status == "worse"]
    alerts.extend(("worsening", _worsening(say, s)) for s in worse)
    rising = _pain_rising(say, pain, sessions, int(rules.pain_rising_window_days.value))
    if rising:
        alerts.append(("pain_rising", rising))
    regress = _regress(say, sessions, rules)
    if regress:
        alerts.append(("regress", regress))
    plateau = _plateau(say, series, adequate)
    if plateau:
        alerts.append(("plateau", plateau))
    full_week = program_days >= rules.adherence_first_full_week_days.value
    low = adherence.percent is not None and adherence.percent < cutoff
    if full_week and low:
        alerts.append(("low_adherence", _low_adherence(say, adherence, per_week, assumed)))
    due = _reassessment(say, series, today, rules)
    if due:
        alerts.append(("reassessment_due", due))
    if not stop and not worse and not rising and not regress and not plateau and adequate:
        ready = _ready(say, series, sessions, rules, next_phase)
        if ready:
            alerts.append(("ready_to_progress", ready))
    return alerts
