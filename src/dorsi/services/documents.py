"""Documents from a patient's stored record: progress note, handout (PDF), FHIR, CSV.

Every use case loads the record once, through the policy (``patient.read``) and with one
audit entry naming the document, then calls a pure builder (:mod:`dorsi.reports`,
:mod:`dorsi.interop`). The command line acts as the **local operator** of the configured
database (``operator=True``): someone with shell access to the server, like ``dorsi users
create``; the policy does not apply, and the audit entry says ``operator`` and the OS user.
"""

from __future__ import annotations

import datetime as dt
import getpass
import importlib.util
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from dorsi.clinical.progress_contract import Checkin
from dorsi.errors import InputError, NotFoundError
from dorsi.i18n import negotiate_language, normalize_language
from dorsi.interop.csv_export import measurements_csv, sessions_csv
from dorsi.interop.fhir import GeneratedDocument, build_bundle
from dorsi.interop.record import (
    BraceLogRow,
    ClinicianInfo,
    EvaluationRow,
    GoalRow,
    MeasurementRow,
    PatientInfo,
    PatientRecord,
    ProgramExerciseRow,
    ProgramVersion,
    QuestionnaireRow,
    ScreeningRow,
    StopAcknowledgementRow,
    StoredCheckin,
)
from dorsi.reports import (
    PAPERS,
    handout_view,
    progress_note_view,
    render_handout,
    render_progress_note,
    require_reports_extra,
)
from dorsi.reports.monitoring_note import MonitoringNote
from dorsi.reports.progress_view import default_period
from dorsi.services import audit, brace, rtm
from dorsi.services.context import Ctx
from dorsi.services.history import goal_rows
from dorsi.services.patients import load_patient
from dorsi.services.programs import program_public
from dorsi.store.models import (
    BraceLog,
    Evaluation,
    Measurement,
    Patient,
    Program,
    QuestionnaireResponse,
    Screening,
    SessionCheckin,
    StopAcknowledgement,
    User,
)

MAX_PERIOD_DAYS = 3660
#: a check-in's fields stored under their own names (its ``date`` is ``session_date``)
_CHECKIN_COLUMNS = tuple(name for name in Checkin.model_fields if name != "date")


@dataclass(frozen=True)
class Document:
    """A generated file: name, media type and bytes."""

    filename: str
    media_type: str
    data: bytes


def _os_user() -> str:
    try:
        return getpass.getuser()[:40]
    except (OSError, KeyError):  # pragma: no cover - no user name in some containers
        return "unknown"


def resolve_patient(ctx: Ctx, text: str) -> int:
    """PATIENT as typed on the command line: a record id, or a patient's username."""
    value = text.strip()
    if value.isdigit():
        return int(value)
    patient_id = ctx.db.scalar(
        select(User.patient_id).where(User.username == value, User.role == "patient")
    )
    if patient_id is None:
        raise NotFoundError(
            f"PATIENT: no patient '{value}'; give a patient record id or a patient's username"
        )
    return patient_id


def _authorize(ctx: Ctx, patient_id: int, detail: str, *, operator: bool) -> Patient:
    if not operator:
        return load_patient(ctx, patient_id, "patient.read", detail)
    audit.note(ctx, "patient.read", patient_id, f"{detail}; by operator (os user {_os_user()})")
    patient = ctx.db.get(Patient, patient_id)
    if patient is None:
        raise NotFoundError(f"PATIENT: no patient {patient_id}")
    return patient


def _value(m: Measurement) -> float | str:
    return m.value_grade if m.value_grade is not None else float(m.value_num or 0)


def _program(program: Program) -> ProgramVersion:
    public = program_public(program)
    bracing = public.bracing if isinstance(public.bracing, dict) else {}
    return ProgramVersion(
        id=program.id,
        version=program.version,
        origin=program.origin,
        assigned=program.assigned,
        assigned_at=program.assigned_at,
        created_at=program.created_at,
        created_by_id=program.created_by_id,
        evaluation_id=program.evaluation_id,
        phase=program.phase,
        phase_name=program.phase_name,
        exercises=tuple(
            ProgramExerciseRow(
                exercise_id=e.id,
                sets=e.sets,
                reps=e.reps,
                hold_s=e.hold_s,
                rest_s=e.rest_s,
                days_per_week=e.days_per_week,
                support=e.support,
                cues=tuple(e.cues),
                notes=e.notes,
            )
            for e in public.exercises
        ),
        gait_training=tuple(str(x) for x in public.gait_training or ()),
        bracing=str(bracing.get("reason", "")),
        afo_evaluation_advised=bool(bracing.get("recommend_afo_evaluation", False)),
        precautions=tuple(str(x) for x in public.precautions or ()),
        rationale=tuple(str(x) for x in public.rationale or ()),
        review_in_days=public.review_in_days if isinstance(public.review_in_days, int) else None,
        notes=public.notes,
    )


def load_record(ctx: Ctx, patient_id: int, *, detail: str, operator: bool = False) -> PatientRecord:
    """The patient's whole stored record, after the policy check and one audit entry."""
    patient = _authorize(ctx, patient_id, detail, operator=operator)
    pid = patient.id
    measurements = ctx.db.scalars(
        select(Measurement)
        .where(Measurement.patient_id == pid)
        .order_by(Measurement.measured_on, Measurement.id)
    ).all()
    checkins = ctx.db.scalars(
        select(SessionCheckin)
        .where(SessionCheckin.patient_id == pid)
        .order_by(SessionCheckin.session_date, SessionCheckin.id)
    ).all()
    screenings = ctx.db.scalars(
        select(Screening).where(Screening.patient_id == pid).order_by(Screening.id)
    ).all()
    evaluations = ctx.db.scalars(
        select(Evaluation)
        .where(Evaluation.patient_id == pid)
        .order_by(Evaluation.evaluated_on, Evaluation.id)
    ).all()
    programs = ctx.db.scalars(
        select(Program).where(Program.patient_id == pid).order_by(Program.version)
    ).all()
    acknowledgements = ctx.db.scalars(
        select(StopAcknowledgement)
        .where(StopAcknowledgement.patient_id == pid)
        .order_by(StopAcknowledgement.id)
    ).all()
    goals = goal_rows(ctx.db, [pid], stopped=True)[pid]
    answered = ctx.db.scalars(
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.patient_id == pid)
        .order_by(QuestionnaireResponse.answered_on, QuestionnaireResponse.id)
    ).all()
    braces = ctx.db.scalars(
        select(BraceLog).where(BraceLog.patient_id == pid).order_by(BraceLog.log_date, BraceLog.id)
    ).all()
    assigned_ids = {c.clinician_id for c in patient.clinicians}
    authors: set[int | None] = {m.created_by_id for m in measurements}
    for rows in (
        checkins,
        screenings,
        evaluations,
        programs,
        acknowledgements,
        goals,
        answered,
        braces,
    ):
        authors |= {row.created_by_id for row in rows}
    user_ids = {i for i in assigned_ids | authors if i is not None}
    users = ctx.db.scalars(select(User).where(User.id.in_(user_ids)).order_by(User.id)).all()
    own = ctx.db.scalar(select(User).where(User.patient_id == pid))
    return PatientRecord(
        patient=PatientInfo(
            id=pid,
            display_name=patient.display_name,
            side=patient.side,
            cause=patient.cause,
            notes=patient.notes,
            preferred_language=patient.preferred_language,
            created_at=patient.created_at,
            program_paused=patient.program_paused,
            paused_reason=patient.paused_reason,
            paused_at=patient.paused_at,
            username=own.username if own else None,
            user_id=own.id if own else None,
        ),
        clinicians=tuple(
            ClinicianInfo(u.id, u.username, u.display_name, assigned=u.id in assigned_ids)
            for u in users
            if u.role == "clinician"
        ),
        measurements=tuple(
            MeasurementRow(
                id=m.id,
                measure=m.measure_id,
                value=_value(m),
                date=m.measured_on,
                source=m.source,
                evaluation_id=m.evaluation_id,
                created_at=m.created_at,
                created_by_id=m.created_by_id,
                with_brace=m.with_brace,
            )
            for m in measurements
        ),
        checkins=tuple(
            StoredCheckin(
                **{name: getattr(s, name) for name in _CHECKIN_COLUMNS},
                date=s.session_date,
                id=s.id,
                created_at=s.created_at,
                created_by_id=s.created_by_id,
            )
            for s in checkins
        ),
        screenings=tuple(
            ScreeningRow(
                id=s.id,
                created_at=s.created_at,
                created_by_id=s.created_by_id,
                created_by_role=s.created_by_role,
                level=s.level,
                answers=dict(s.input_json),
                reasons=tuple(str(r) for r in s.output_json.get("reasons", [])),
                advice=str(s.output_json.get("advice", "")),
                program_paused=bool(s.output_json.get("program_paused", False)),
            )
            for s in screenings
        ),
        evaluations=tuple(
            EvaluationRow(e.id, e.evaluated_on, e.created_at, e.created_by_id, dict(e.input_json))
            for e in evaluations
        ),
        programs=tuple(_program(p) for p in programs),
        stop_acknowledgements=tuple(
            StopAcknowledgementRow(a.id, a.through_date, a.created_at, a.created_by_id, a.note)
            for a in acknowledgements
        ),
        goals=tuple(
            GoalRow(
                id=g.id,
                set_on=g.set_on,
                created_by_id=g.created_by_id,
                measure=g.measure_id,
                target=g.target_grade if g.target_grade else g.target_num,
                by=g.by_date,
                text=g.text,
                met_on=g.met_on,
                stopped_on=g.stopped_on,
            )
            for g in goals
        ),
        questionnaires=tuple(
            QuestionnaireRow(
                id=q.id,
                questionnaire=q.questionnaire,
                answers=tuple(int(a) for a in q.answers),
                score=q.score,
                date=q.answered_on,
                measurement_id=q.measurement_id,
                created_at=q.created_at,
                created_by_id=q.created_by_id,
            )
            for q in answered
        ),
        brace_logs=tuple(
            BraceLogRow(
                id=b.id,
                date=b.log_date,
                wear_hours=b.wear_hours,
                skin_problem=b.skin_problem,
                seen=tuple(str(x) for x in b.seen),
                note=b.note,
                created_at=b.created_at,
                created_by_id=b.created_by_id,
            )
            for b in braces
        ),
        camera_days=tuple(sorted(rtm.camera_days(ctx.db, pid))),
    )


def _period(
    record: PatientRecord, today: dt.date, start: dt.date | None, end: dt.date | None
) -> tuple[dt.date, dt.date]:
    first, last = default_period(record, today)
    start, end = start or first, end or last
    if end > today:
        raise InputError(f"must not be after today ({today.isoformat()})", field="to")
    if start > end:
        raise InputError(f"must be on or before 'to' ({end.isoformat()})", field="from")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InputError(f"the period may span at most {MAX_PERIOD_DAYS} days", field="from")
    return start, end


def _slug(record: PatientRecord) -> str:
    return f"patient-{record.patient.id}"


def _monitoring(ctx: Ctx, patient_id: int, start: dt.date, end: dt.date) -> Any:
    """The brace and RTM sections of a note for ``start`` .. ``end``, as of ``end`` (the
    same numbers as the clinician's page; the record's read is already audited)."""
    summary = brace.brace_summary(ctx.db, patient_id, end)
    return MonitoringNote(
        uses_brace=summary.uses_brace,
        wear=summary.wear,
        walking=tuple(summary.walking),
        skin_problems=tuple(brace.skin_problems_between(ctx.db, patient_id, start, end)),
        rtm=rtm.summary_of(ctx.db, patient_id, end),
    )


def progress_note(
    ctx: Ctx,
    patient_id: int,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    paper: str = "letter",
    operator: bool = False,
) -> Document:
    """The progress note PDF for ``start``..``end`` (default: the whole record, to today)."""
    require_reports_extra()
    paper_size = _paper(paper)
    record = load_record(ctx, patient_id, detail="document: progress note", operator=operator)
    first, last = _period(record, ctx.now.date(), start, end)
    monitoring = _monitoring(ctx, record.patient.id, first, last)
    view = progress_note_view(record, start=first, end=last, created=ctx.now, monitoring=monitoring)
    data = render_progress_note(view, paper=paper_size)
    name = f"{_slug(record)}-progress-note-{first.isoformat()}-{last.isoformat()}.pdf"
    return Document(name, "application/pdf", data)


def handout(
    ctx: Ctx,
    patient_id: int,
    *,
    paper: str = "letter",
    operator: bool = False,
    lang: str | None = None,
) -> Document:
    """The home-exercise handout PDF of the current program, in ``lang`` (en | es; default:
    the patient's saved language, English when it is unset or unsupported)."""
    require_reports_extra()
    paper_size = _paper(paper)
    chosen = normalize_language(lang) if lang is not None else None
    record = load_record(ctx, patient_id, detail="document: handout", operator=operator)
    language = chosen or negotiate_language(None, chosen=record.patient.preferred_language)
    view = handout_view(record, created=ctx.now, lang=language)
    data = render_handout(view, paper=paper_size)
    return Document(f"{_slug(record)}-home-exercises-{paper_size}.pdf", "application/pdf", data)


def _paper(paper: str) -> Any:
    if paper not in PAPERS:
        raise InputError(f"must be one of: {', '.join(PAPERS)} (got {paper!r})", field="paper")
    return paper


def fhir_namespace(ctx: Ctx) -> uuid.UUID:
    """This deployment's UUID namespace for FHIR ids (a keyed hash: stable, not guessable)."""
    return uuid.UUID(hex=ctx.keyed_hash("fhir-namespace")[:32])


def fhir_bundle(ctx: Ctx, patient_id: int, *, operator: bool = False) -> dict[str, Any]:
    """The FHIR R4 Bundle of the whole record, with the progress note and (when a program is
    assigned) the handout as DocumentReference attachments when ReportLab is installed."""

    record = load_record(ctx, patient_id, detail="document: fhir export", operator=operator)
    documents: list[GeneratedDocument] = []
    if importlib.util.find_spec("reportlab") is not None:
        first, last = default_period(record, ctx.now.date())
        monitoring = _monitoring(ctx, record.patient.id, first, last)
        note = render_progress_note(
            progress_note_view(
                record, start=first, end=last, created=ctx.now, monitoring=monitoring
            )
        )
        documents.append(
            GeneratedDocument(
                "progress-note",
                f"Progress note {first.isoformat()} to {last.isoformat()}",
                note,
                ctx.now,
                first,
                last,
            )
        )
        if record.current_program is not None:
            sheet = render_handout(handout_view(record, created=ctx.now))
            documents.append(GeneratedDocument("handout", "Home exercise handout", sheet, ctx.now))
    return build_bundle(record, now=ctx.now, namespace=fhir_namespace(ctx), documents=documents)


def csv_files(ctx: Ctx, patient_id: int, *, operator: bool = False) -> dict[str, str]:
    """``{"measurements.csv": text, "sessions.csv": text}``."""
    record = load_record(ctx, patient_id, detail="document: csv export", operator=operator)
    return {
        "measurements.csv": measurements_csv(record.measurements),
        "sessions.csv": sessions_csv(record.checkins),
    }


__all__ = [
    "Document",
    "csv_files",
    "fhir_bundle",
    "fhir_namespace",
    "handout",
    "load_record",
    "progress_note",
    "resolve_patient",
]
