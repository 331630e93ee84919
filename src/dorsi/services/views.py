"""Read models for pages that show much of one record at once (one load, one audit entry)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from dorsi.clinical.contract import parse
from dorsi.clinical.outlook import OutlookInput, estimate_outlook
from dorsi.clinical.progress import ProgressOutput
from dorsi.i18n import normalize_language
from dorsi.services.context import Ctx
from dorsi.services.history import read_histories
from dorsi.services.patients import load_patient, public
from dorsi.services.programs import current_assigned, latest_version, program_public
from dorsi.services.progress import StoredSetAside, stored_set_aside
from dorsi.services.schemas import PatientPublic, ProgramPublic
from dorsi.services.stops import StopStatus, stop_status
from dorsi.store.models import Evaluation, Measurement, Program, Screening, SessionCheckin


@dataclass(frozen=True)
class Dashboard:
    """Everything the clinician's patient dashboard (and the patient's pages) show."""

    patient: PatientPublic
    progress: ProgressOutput
    measurements: list[Measurement]
    sessions: list[SessionCheckin]
    screenings: list[Screening]
    latest_evaluation: Evaluation | None
    program: ProgramPublic | None
    draft: ProgramPublic | None
    history: list[ProgramPublic]
    next_reassessment: dt.date | None
    weeks_since_onset: float | None
    outlook: Any
    #: Stored measurements the review leaves out (they fail today's checks), with the reason.
    set_aside: list[StoredSetAside]
    #: Stop alerts of check-ins: the newest resolution (who, when) and the days still active.
    stops: StopStatus


@dataclass(frozen=True)
class TodayView:
    """What the patient's Today and guided-session pages show: the record and the assigned
    program (loaded in a few small queries, whatever the length of the history)."""

    patient: PatientPublic
    program: ProgramPublic | None


def patient_today(ctx: Ctx, patient_id: int, *, detail: str = "today") -> TodayView:
    patient = load_patient(ctx, patient_id, "patient.read", detail)
    current = current_assigned(ctx, patient.id)
    return TodayView(
        patient=public(ctx, patient), program=program_public(current) if current else None
    )


def _outlook(cause: str, weeks: float | None, lang: str = "en") -> Any:
    """The recovery outlook from the clinical core (severity unknown unless a clinician
    recorded it; the estimate says what it rests on), worded in ``lang``."""
    if weeks is None:
        return None

    data = parse(
        OutlookInput,
        {"cause": cause, "severity": "unknown", "weeks_since_onset": round(weeks, 1)},
    )
    return estimate_outlook(data, normalize_language(lang, field="lang"))


def patient_dashboard(ctx: Ctx, patient_id: int, *, detail: str = "dashboard") -> Dashboard:
    patient = load_patient(ctx, patient_id, "patient.read", detail)
    today = ctx.now.date()
    history = read_histories(ctx.db, [patient.id])[patient.id]
    measurements = list(
        ctx.db.scalars(
            select(Measurement)
            .where(Measurement.patient_id == patient.id)
            .order_by(Measurement.measured_on, Measurement.id)
        )
    )
    sessions = list(
        ctx.db.scalars(
            select(SessionCheckin)
            .where(SessionCheckin.patient_id == patient.id)
            .order_by(SessionCheckin.session_date.desc(), SessionCheckin.id.desc())
        )
    )
    screenings = list(
        ctx.db.scalars(
            select(Screening)
            .where(Screening.patient_id == patient.id)
            .order_by(Screening.id.desc())
            .limit(20)
        )
    )
    evaluation = ctx.db.scalar(
        select(Evaluation)
        .where(Evaluation.patient_id == patient.id)
        .order_by(Evaluation.evaluated_on.desc(), Evaluation.id.desc())
        .limit(1)
    )
    current = current_assigned(ctx, patient.id)
    draft = latest_version(ctx, patient.id)
    versions = ctx.db.scalars(
        select(Program).where(Program.patient_id == patient.id).order_by(Program.version.desc())
    )
    next_review: dt.date | None = None
    weeks: float | None = None
    if evaluation is not None:
        weeks_then = evaluation.input_json.get("weeks_since_onset")
        if isinstance(weeks_then, int | float):
            weeks = float(weeks_then) + (today - evaluation.evaluated_on).days / 7
        base = current or draft
        days = base.plan_json.get("review_in_days") if base is not None else None
        if isinstance(days, int):
            next_review = evaluation.evaluated_on + dt.timedelta(days=days)
    return Dashboard(
        patient=public(ctx, patient),
        progress=history.review(today),
        measurements=measurements,
        sessions=sessions,
        screenings=screenings,
        latest_evaluation=evaluation,
        program=program_public(current) if current else None,
        draft=program_public(draft) if draft else None,
        history=[program_public(p) for p in versions],
        next_reassessment=next_review,
        weeks_since_onset=weeks,
        outlook=_outlook(patient.cause, weeks),
        set_aside=stored_set_aside(measurements, today),
        stops=stop_status(ctx, patient.id),
    )


def outlook_in(data: Dashboard, lang: str) -> Any:
    """The dashboard's outlook worded in ``lang`` (``None`` without an onset week)."""
    if lang == "en":
        return data.outlook
    return _outlook(data.patient.cause, data.weeks_since_onset, lang)


def in_language(ctx: Ctx, data: Dashboard, lang: str) -> Dashboard:
    """``data`` with the progress alerts and the outlook worded in ``lang`` (the patient's
    pages; the clinic's pages stay in English). The review's kinds and numbers, the outlook's
    weeks and prognosis do not change."""
    if lang == "en":
        return data
    history = read_histories(ctx.db, [data.patient.id])[data.patient.id]
    return replace(
        data,
        progress=history.review(ctx.now.date(), lang=lang),
        outlook=outlook_in(data, lang),
    )


__all__ = [
    "Dashboard",
    "TodayView",
    "in_language",
    "outlook_in",
    "patient_dashboard",
    "patient_today",
]
