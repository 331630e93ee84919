"""The progress note's content, computed from the stored record (pure; no PDF here).

Every clinical judgement comes from the clinical core: change, MDC and status per measure are
:func:`dorsi.clinical.progress.review` of the values *inside the note's period* (as of its last
day); the MCID comes from the measures catalog. This module only selects, compares with the
MCID, groups into 30-day periods and words it for a payer reviewer.

RTM (remote therapeutic monitoring) days: a "day with data" is a day with a session check-in,
a brace log, a measurement the patient sent (a measure or a questionnaire's score), a
walking video the patient uploaded or a home session the patient measured with the phone's
camera: the same days as :func:`dorsi.services.rtm.data_days`.
CODES.md section 4: the musculoskeletal device-supply code 98977 needs 16 or more days with
data in a 30-day period; from 2026, 98985 covers 2 to 15 days. The note shows the counts and
the band; billing stays the clinic's call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dorsi.catalog.exercises import load_exercises
from dorsi.catalog.measures import load_measures
from dorsi.catalog.mmt import GRADES, numeric
from dorsi.clinical.goal_contract import RecordedGoal
from dorsi.clinical.goal_words import goal_words, status_words, why_words
from dorsi.clinical.goals import report
from dorsi.interop.codes import CAUSE_TEXT, FOOT_DROP_ICD10CM, cause_codes
from dorsi.interop.record import MeasurementRow, PatientRecord, ProgramVersion, StoredCheckin
from dorsi.interop.review import (
    clinician_clears,
    program_at,
    review_record,
    stops_resolved_through,
    worse_from_best,
)
from dorsi.interop.review import fmt as _fmt
from dorsi.interop.review import value_text as _value_text
from dorsi.reports.monitoring_note import MonitoringNote

PERIOD_DAYS = 30
RTM_FULL_DAYS = 16  # CODES.md section 4: 98976/98977 need 16+ days with data in 30 days
RTM_PARTIAL_DAYS = 2  # CODES.md section 4: 98984/98985 (2026) cover 2-15 days
SOURCE_WORDS = {
    "evaluation": "clinic",
    "self": "patient",
    "gait": "gait video",
    "camera": "home camera",
}


@dataclass(frozen=True)
class MeasureLine:
    """One row of the evaluation/reassessment table."""

    measure_id: str
    name: str
    unit: str
    first_date: dt.date
    first_value: str
    latest_date: dt.date
    latest_value: str
    values_count: int
    change: float
    change_text: str
    mdc: float
    exceeds_mdc: str  # "yes" | "no" | "one value"
    mcid: float | None
    exceeds_mcid: str  # "yes" | "no" | "none published" | "one value"
    status: str  # improved | worse | no_real_change | insufficient_data
    worse_from_best: str = ""  # "down from its best of ... on ...", when worse than its best


@dataclass(frozen=True)
class SeriesPoint:
    date: dt.date
    value: float
    label: str
    source: str


@dataclass(frozen=True)
class MeasureSeries:
    measure_id: str
    name: str
    unit: str
    is_grade: bool
    points: tuple[SeriesPoint, ...]
    band_low: float
    band_high: float
    valid_min: float
    valid_max: float


@dataclass(frozen=True)
class AdherencePeriod:
    start: dt.date
    end: dt.date
    days_with_data: int
    sessions_done: int
    rtm_band: str


@dataclass(frozen=True)
class AlertLine:
    date: dt.date | None
    what: str
    detail: str
    resolution: str


@dataclass(frozen=True)
class ProgramLine:
    name: str
    dose: str


@dataclass(frozen=True)
class GoalLine:
    """One goal as the note shows it: what it is, its status, and what that rests on."""

    goal: str
    status: str
    why: str
    set_on: dt.date


@dataclass(frozen=True)
class ProgressNoteView:
    """Everything the progress note shows, already worded."""

    created: dt.datetime
    period_start: dt.date
    period_end: dt.date
    patient_name: str
    patient_id: int
    side: str
    cause: str
    diagnosis: tuple[str, ...]
    record_notes: str
    onset: str | None
    clinicians: tuple[str, ...]
    summary: tuple[str, ...]
    measures: tuple[MeasureLine, ...]
    series: tuple[MeasureSeries, ...]
    sessions_done: int
    sessions_planned: int
    adherence_percent: int | None
    adherence_text: str
    periods: tuple[AdherencePeriod, ...]
    pain_points: tuple[SeriesPoint, ...]
    pain_trend: str
    gait_results: tuple[tuple[str, str, str], ...]  # (date, measure, value)
    #: the home session's camera measure (its own series, trend only): (date, value)
    camera_results: tuple[tuple[str, str], ...]
    program_title: str
    program_lines: tuple[ProgramLine, ...]
    program_changes: tuple[str, ...]
    alerts: tuple[AlertLine, ...]
    plan: tuple[str, ...]
    next_review: dt.date | None
    program_paused: bool
    goals: tuple[GoalLine, ...] = ()
    #: the brace and remote-monitoring sections (:mod:`dorsi.reports.monitoring_note`)
    monitoring: MonitoringNote = field(default_factory=MonitoringNote)


def dose_words(sets: int, reps: int | None, hold_s: int | None, rest_s: int, days: int) -> str:
    amount = f"{reps} times" if reps is not None else f"hold {hold_s} seconds"
    return f"{sets} sets, {amount}, rest {rest_s} s, {days} days a week"


def default_period(record: PatientRecord, today: dt.date) -> tuple[dt.date, dt.date]:
    """From the first evaluation, measurement or check-in (or record creation) to today."""
    days = [m.date for m in record.measurements] + [s.date for s in record.checkins]
    days += [e.date for e in record.evaluations]
    start = min(days, default=record.patient.created_at.date())
    return min(start, today), today


def _in(day: dt.date, start: dt.date, end: dt.date) -> bool:
    return start <= day <= end


def _measure_lines(measurements: list[MeasurementRow], result: Any) -> list[MeasureLine]:
    lines = []
    for measure in load_measures().measures:
        own = [m for m in measurements if m.measure == measure.id]
        if not own or measure.id not in result.measures:
            continue
        r = result.measures[measure.id]
        single = r.status == "insufficient_data"
        mcid = measure.mcid.value if measure.mcid else None
        if single:
            exceeds_mdc = exceeds_mcid = "one value"
        else:
            exceeds_mdc = "yes" if r.status in ("improved", "worse") else "no"
            if mcid is None:
                exceeds_mcid = "none published"
            else:
                exceeds_mcid = "yes" if round(abs(r.change), 6) >= mcid else "no"
        unit = "grades" if measure.value_kind == "mmt_grade" else measure.unit
        lines.append(
            MeasureLine(
                measure_id=measure.id,
                name=measure.name,
                unit=measure.unit,
                first_date=own[0].date,
                first_value=_value_text(own[0].value, measure.unit),
                latest_date=own[-1].date,
                latest_value=_value_text(own[-1].value, measure.unit),
                values_count=len(own),
                change=r.change,
                change_text=("+" if r.change > 0 else "") + f"{_fmt(r.change)} {unit}",
                mdc=r.mdc,
                exceeds_mdc=exceeds_mdc,
                mcid=mcid,
                exceeds_mcid=exceeds_mcid,
                status=r.status,
                worse_from_best=worse_from_best(r, measure.unit, unit),
            )
        )
    return lines


def _series(measurements: list[MeasurementRow], lines: list[MeasureLine]) -> list[MeasureSeries]:
    catalog = load_measures()
    out = []
    for line in lines:
        measure = catalog.get(line.measure_id)
        points = []
        for m in measurements:
            if m.measure != line.measure_id:
                continue
            if isinstance(m.value, str):
                grade = next(g for g in GRADES if g == m.value)
                number, label = numeric(grade), str(grade)
            else:
                number, label = float(m.value), _fmt(m.value)
            points.append(SeriesPoint(m.date, number, label, SOURCE_WORDS.get(m.source, m.source)))
        base = points[0].value
        out.append(
            MeasureSeries(
                measure_id=measure.id,
                name=measure.name,
                unit=measure.unit,
                is_grade=measure.value_kind == "mmt_grade",
                points=tuple(points),
                band_low=base - line.mdc,
                band_high=base + line.mdc,
                valid_min=measure.min,
                valid_max=measure.max,
            )
        )
    return out


def _periods(
    record: PatientRecord, checkins: list[StoredCheckin], start: dt.date, end: dt.date
) -> list[AdherencePeriod]:
    data_days = {s.date for s in checkins}
    data_days |= {b.date for b in record.brace_logs if _in(b.date, start, end)}
    data_days |= {d for d in record.camera_days if _in(d, start, end)}
    own = record.patient.user_id
    data_days |= {
        m.date
        for m in record.measurements
        if _in(m.date, start, end)
        and (m.source == "self" or (m.source == "gait" and own and m.created_by_id == own))
    }
    periods = []
    first = start
    while first <= end:
        last = min(first + dt.timedelta(days=PERIOD_DAYS - 1), end)
        days = sum(1 for d in data_days if _in(d, first, last))
        done = sum(1 for s in checkins if s.completed and _in(s.date, first, last))
        if days >= RTM_FULL_DAYS:
            band = "16 or more days"
        elif days >= RTM_PARTIAL_DAYS:
            band = "2 to 15 days"
        else:
            band = "under 2 days"
        periods.append(AdherencePeriod(first, last, days, done, band))
        first = last + dt.timedelta(days=1)
    return periods


def _pain(checkins: list[StoredCheckin]) -> tuple[list[SeriesPoint], str]:
    points = [SeriesPoint(s.date, float(s.pain_nrs), str(s.pain_nrs), "patient") for s in checkins]
    if len(points) < 2:
        return points, "Too few check-ins in this period to show a pain trend."
    window = max(1, min(7, len(points) // 2))
    early = sum(p.value for p in points[:window]) / window
    late = sum(p.value for p in points[-window:]) / window
    change = late - early
    trend = "about the same" if abs(change) < 1 else "lower" if change < 0 else "higher"
    return points, (
        f"Pain after sessions (0-10): average {_fmt(round(early, 1))} over the first {window} "
        f"check-ins and {_fmt(round(late, 1))} over the last {window}: {trend}. "
        f"Highest {_fmt(max(p.value for p in points))}."
    )


def _alerts(record: PatientRecord, start: dt.date, end: dt.date, result: Any) -> list[AlertLine]:
    clears = clinician_clears(record)

    def acknowledged(day: dt.date) -> str | None:
        found = [a for a in record.stop_acknowledgements if a.through_date >= day]
        if not found:
            return None
        first = min(found, key=lambda a: a.created_at)
        who = record.clinician(first.created_by_id)
        by = f" by {who.display_name}" if who else ""
        return f"Acknowledged{by} on {first.created_at.date().isoformat()}: {first.note}"

    def resolution(when: dt.datetime, day: dt.date | None = None) -> str:
        ack = acknowledged(day) if day is not None else None
        if ack:
            return ack
        later = [t for t in clears if t > when]
        if later:
            return f"Cleared by a clinician screening on {later[0].date().isoformat()}."
        if record.patient.program_paused:
            return "Open: the home program is paused until a clinician screening clears it."
        return "Open."

    lines = []
    for s in record.screenings:
        day = s.created_at.date()
        if s.level == "proceed" or not _in(day, start, end):
            continue
        lines.append(
            AlertLine(
                day,
                f"Screening: {s.level.replace('_', ' ')} (by the {s.created_by_role})",
                " ".join(s.reasons),
                resolution(s.created_at),
            )
        )
    for c in record.checkins:
        if not (c.weakness_worse or c.balance_worse) or not _in(c.date, start, end):
            continue
        what = " and ".join(
            w for w, flag in (("weakness", c.weakness_worse), ("balance", c.balance_worse)) if flag
        )
        lines.append(
            AlertLine(
                c.date,
                f"Check-in: {what} worse (home program paused)",
                c.notes,
                resolution(c.created_at, c.date),
            )
        )
    for alert in result.alerts:
        if alert.kind == "stop_program":
            continue  # shown above, from the check-in that raised it
        lines.append(
            AlertLine(
                None,
                alert.kind.replace("_", " ").capitalize() + f" (review on {end.isoformat()})",
                alert.message,
                "Open at the end of this period: see the plan.",
            )
        )
    lines.sort(key=lambda a: (a.date is None, a.date or end))
    return lines


def adherence_words(done: int, planned: int, percent: int | None, has_program: bool) -> str:
    """The review's adherence in words; never "0 of 0 planned (100%)".

    ``done`` and ``planned`` are the review's own figures (several check-ins on one day are
    the review's to count), so the note says what the pages say.
    """
    if not has_program:
        return "No home program was assigned in this period, so no sessions were planned."
    if planned == 0 or percent is None:
        return "The home program planned no sessions in this period."
    return f"Home sessions done on {done} of {planned} planned days ({percent}%)."


def _summary(
    lines: list[MeasureLine],
    alerts: list[AlertLine],
    adherence: str,
    planned: int,
    percent: int | None,
) -> list[str]:
    out = []
    for line in lines:
        if line.status == "improved":
            meaningful = (
                " and the smallest change that matters to patients (MCID)"
                if line.exceeds_mcid == "yes"
                else ""
            )
            out.append(
                f"{line.name}: {line.first_value} to {line.latest_value} ({line.change_text}). "
                f"This is more than the measurement error (MDC {_fmt(line.mdc)}){meaningful}."
            )
        elif line.status == "worse" and line.worse_from_best:
            out.append(f"{line.name} is {line.worse_from_best}; latest {line.latest_value}.")
        elif line.status == "worse":
            out.append(
                f"{line.name} got worse: {line.first_value} to {line.latest_value} "
                f"({line.change_text}), beyond the measurement error (MDC {_fmt(line.mdc)})."
            )
    if not out and lines:
        out.append("No measure changed by more than its measurement error (MDC) in this period.")
    if not lines:
        out.append("No measurements were recorded in this period.")
    out.append(f"Adherence: {adherence}" if planned and percent is not None else adherence)
    for alert in alerts:
        if alert.date is None:
            out.append(f"{alert.what.split(' (')[0]}: {alert.detail}")
    return out


def _plan(
    record: PatientRecord, program: ProgramVersion | None, next_review: dt.date | None
) -> list[str]:
    out = []
    if record.patient.program_paused:
        out.append(
            "The home program is paused: "
            + (record.patient.paused_reason or "see alerts")
            + " It restarts only after a clinician screening finds it safe."
        )
    if program is not None:
        verb = "Once cleared, go on with" if record.patient.program_paused else "Continue"
        out.append(
            f"{verb} phase {program.phase} ({program.phase_name}) with "
            f"{len(program.exercises)} exercises, as listed under Current program."
        )
        out.extend(f"Gait training: {text}" for text in program.gait_training[:3])
        if program.bracing:
            out.append(f"Bracing: {program.bracing}")
        if program.notes:
            out.append(f"Clinician's notes: {program.notes}")
    else:
        out.append("No program assigned yet: assign one after the evaluation.")
    return out


def progress_note_view(
    record: PatientRecord,
    *,
    start: dt.date,
    end: dt.date,
    created: dt.datetime,
    monitoring: MonitoringNote | None = None,
) -> ProgressNoteView:
    """The progress note for ``start`` to ``end`` (inclusive), as of ``end``; ``monitoring``
    adds the brace and RTM sections."""
    measurements = [m for m in record.measurements if _in(m.date, start, end)]
    checkins = [s for s in record.checkins if _in(s.date, start, end)]
    result = review_record(record, end, start=start, measurements=measurements, checkins=checkins)
    lines = _measure_lines(measurements, result)
    alerts = _alerts(record, start, end, result)
    program = program_at(record, end)
    evaluations = [e for e in record.evaluations if e.date <= end]
    next_review = None
    base = program or (record.programs[-1] if record.programs else None)
    if evaluations and base is not None and base.review_in_days is not None:
        next_review = evaluations[-1].date + dt.timedelta(days=base.review_in_days)
    catalog = load_exercises()
    side = record.patient.side
    diagnosis = [
        f"{FOOT_DROP_ICD10CM.get(side, FOOT_DROP_ICD10CM[None])[0]} "
        f"{FOOT_DROP_ICD10CM.get(side, FOOT_DROP_ICD10CM[None])[1]}"
    ]
    for coding in cause_codes(record.patient.cause, side) or []:
        if coding["system"].endswith("icd-10-cm"):
            diagnosis.append(f"{coding['code']} {coding['display']}")
    onset = None
    for e in record.evaluations:
        weeks = e.answers.get("weeks_since_onset")
        if isinstance(weeks, int | float) and not isinstance(weeks, bool):
            onset = f"about {_fmt(round(weeks, 1))} weeks before the evaluation of {e.date}"
            break
    changes = []
    for p in record.assigned_programs:
        if p.assigned_at is None or p.assigned_at.date() > end:
            continue
        reason = p.rationale[0] if p.rationale else ""
        changes.append(
            f"{p.assigned_at.date().isoformat()}: version {p.version}, phase {p.phase} "
            f"({p.phase_name}), {len(p.exercises)} exercises. {reason}".strip()
        )
    points, trend = _pain(checkins)
    adh = result.adherence
    adherence = adherence_words(
        adh.sessions_done, adh.sessions_planned, adh.percent, program is not None
    )
    return ProgressNoteView(
        created=created,
        period_start=start,
        period_end=end,
        patient_name=record.patient.display_name,
        patient_id=record.patient.id,
        side=side,
        cause=CAUSE_TEXT.get(record.patient.cause, record.patient.cause),
        diagnosis=tuple(diagnosis),
        record_notes=record.patient.notes,
        onset=onset,
        clinicians=tuple(c.display_name for c in record.clinicians if c.assigned),
        summary=tuple(_summary(lines, alerts, adherence, adh.sessions_planned, adh.percent)),
        measures=tuple(lines),
        series=tuple(_series(measurements, lines)),
        sessions_done=adh.sessions_done,
        sessions_planned=adh.sessions_planned,
        adherence_percent=adh.percent,
        adherence_text=adherence,
        periods=tuple(_periods(record, checkins, start, end)),
        pain_points=tuple(points),
        pain_trend=trend,
        gait_results=tuple(
            (m.date.isoformat(), catalog_name(m.measure), _value_text(m.value, unit_of(m.measure)))
            for m in measurements
            if m.source == "gait"
        ),
        camera_results=tuple(
            (m.date.isoformat(), _value_text(m.value, unit_of(m.measure)))
            for m in measurements
            if m.source == "camera"
        ),
        program_title=(
            f"Version {program.version}, phase {program.phase} ({program.phase_name}), "
            f"assigned {program.assigned_at.date().isoformat() if program.assigned_at else '-'}"
            if program
            else "No program assigned"
        ),
        program_lines=tuple(
            ProgramLine(
                catalog.get(e.exercise_id).name,
                dose_words(e.sets, e.reps, e.hold_s, e.rest_s, e.days_per_week)
                + (f", support: {e.support.replace('_', ' ')}" if e.support != "none" else ""),
            )
            for e in (program.exercises if program else ())
        ),
        program_changes=tuple(changes),
        alerts=tuple(alerts),
        plan=tuple(_plan(record, program, next_review)),
        next_review=next_review,
        program_paused=record.patient.program_paused,
        monitoring=monitoring or MonitoringNote(),
        goals=tuple(_goals(record, end)),
    )


def _goals(record: PatientRecord, end: dt.date) -> list[GoalLine]:
    """Each goal set by ``end`` and not stopped by then, judged as of ``end`` from every
    value up to it (and the clinician's mark, when made by then)."""
    lines = []
    for row in record.goals:
        if row.set_on > end or (row.stopped_on is not None and row.stopped_on <= end):
            continue
        goal = RecordedGoal.model_construct(
            measure=row.measure, target=row.target, by=row.by, text=row.text, met_on=row.met_on
        )
        item = report(goal, record.measurements, today=end)
        lines.append(
            GoalLine(goal_words(item), status_words(item.status), why_words(item), row.set_on)
        )
    return lines


def catalog_name(measure_id: str) -> str:
    return load_measures().get(measure_id).name


def unit_of(measure_id: str) -> str:
    return load_measures().get(measure_id).unit


__all__ = [
    "PERIOD_DAYS",
    "RTM_FULL_DAYS",
    "RTM_PARTIAL_DAYS",
    "AdherencePeriod",
    "AlertLine",
    "MeasureLine",
    "MeasureSeries",
    "ProgramLine",
    "ProgressNoteView",
    "SeriesPoint",
    "adherence_words",
    "default_period",
    "dose_words",
    "progress_note_view",
    "stops_resolved_through",
]
