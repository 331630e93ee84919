"""Program versions: the suggestion, the clinician's edits, the assigned program, history.

Every save is a new version; nothing is overwritten. The patient's current program is the
newest *assigned* version. The clinician edits exercises, dosage, support and notes; the
phase and the advice (gait training, bracing, precautions, rationale) stay those of the
evaluation the program came from, so they are never out of step with the clinical core.
"""

from __future__ import annotations

from sqlalchemy import func, select

from dorsi.catalog.exercises import load_exercises
from dorsi.errors import ConflictError, InputError, NotFoundError
from dorsi.services.context import Ctx
from dorsi.services.patients import load_patient
from dorsi.services.schemas import ProgramExercisePublic, ProgramPublic, ProgramUpdate
from dorsi.store.models import Patient, Program, ProgramExercise


def program_public(program: Program) -> ProgramPublic:
    plan = program.plan_json or {}
    return ProgramPublic(
        id=program.id,
        patient_id=program.patient_id,
        version=program.version,
        origin=program.origin,
        assigned=program.assigned,
        assigned_at=program.assigned_at,
        created_at=program.created_at,
        evaluation_id=program.evaluation_id,
        phase=program.phase,
        phase_name=program.phase_name,
        exercises=[
            ProgramExercisePublic(
                id=e.exercise_id,
                sets=e.sets,
                reps=e.reps,
                hold_s=e.hold_s,
                rest_s=e.rest_s,
                days_per_week=e.days_per_week,
                support=e.support,
                cues=list(e.cues or []),
                notes=e.notes,
            )
            for e in program.exercises
        ],
        gait_training=plan.get("gait_training"),
        bracing=plan.get("bracing"),
        precautions=plan.get("precautions"),
        rationale=plan.get("rationale"),
        review_in_days=plan.get("review_in_days"),
        notes=program.notes,
    )


def current_assigned(ctx: Ctx, patient_id: int) -> Program | None:
    return ctx.db.scalar(
        select(Program)
        .where(Program.patient_id == patient_id, Program.assigned.is_(True))
        .order_by(Program.version.desc())
        .limit(1)
    )


def latest_version(ctx: Ctx, patient_id: int) -> Program | None:
    return ctx.db.scalar(
        select(Program)
        .where(Program.patient_id == patient_id)
        .order_by(Program.version.desc())
        .limit(1)
    )


def next_version(ctx: Ctx, patient_id: int) -> int:
    """The patient's next program version number; writers of one patient take turns.

    The patient's row is locked first (PostgreSQL ``SELECT ... FOR NO KEY UPDATE``; SQLite
    already has one writer at a time), so two evaluations or edits at the same moment never
    take the same number, which the unique (patient, version) constraint would refuse with a
    500. ``NO KEY``: an evaluation has already inserted rows that reference the patient (they
    hold a key-share lock on it); a plain ``FOR UPDATE`` would deadlock two such writers.
    """
    ctx.db.execute(
        select(Patient.id).where(Patient.id == patient_id).with_for_update(key_share=True)
    )
    latest = ctx.db.scalar(
        select(func.max(Program.version)).where(Program.patient_id == patient_id)
    )
    return (latest or 0) + 1


def get_program(ctx: Ctx, patient_id: int) -> ProgramPublic:
    """The program the patient is doing now (the newest assigned version)."""
    load_patient(ctx, patient_id, "patient.read", "program")
    program = current_assigned(ctx, patient_id)
    if program is None:
        raise NotFoundError(f"patient {patient_id} has no assigned program yet")
    return program_public(program)


def get_draft(ctx: Ctx, patient_id: int) -> ProgramPublic | None:
    """The newest version, assigned or not (what the edit form starts from)."""
    load_patient(ctx, patient_id, "program.write", "program draft")
    program = latest_version(ctx, patient_id)
    return program_public(program) if program else None


def versions(ctx: Ctx, patient_id: int) -> list[Program]:
    """Every version of the patient's program, newest first (the caller checked access)."""
    return list(
        ctx.db.scalars(
            select(Program).where(Program.patient_id == patient_id).order_by(Program.version.desc())
        )
    )


def history(ctx: Ctx, patient_id: int) -> list[ProgramPublic]:
    load_patient(ctx, patient_id, "patient.read", "program history")
    return [program_public(p) for p in versions(ctx, patient_id)]


def _check_exercises(data: ProgramUpdate) -> None:
    valid = [e.id for e in load_exercises().exercises]
    seen: set[str] = set()
    for index, item in enumerate(data.exercises):
        if item.id not in valid:
            raise InputError(
                f"unknown exercise '{item.id}'; choose from: {', '.join(valid)}",
                field=f"exercises.{index}.id",
            )
        if item.id in seen:
            raise InputError("is listed twice", field=f"exercises.{index}.id")
        seen.add(item.id)
        if (item.reps is None) == (item.hold_s is None):
            raise InputError(
                "give either reps or hold_s (seconds), not both and not neither",
                field=f"exercises.{index}.reps",
            )


def assign_program(ctx: Ctx, patient_id: int, data: ProgramUpdate) -> ProgramPublic:
    """Save the clinician's program as a new version and assign it to the patient."""
    patient = load_patient(ctx, patient_id, "program.write")
    _check_exercises(data)
    base = latest_version(ctx, patient.id)
    if base is None:
        raise ConflictError(
            "record an evaluation first: the program's phase and advice come from it"
        )
    program = Program(
        patient_id=patient.id,
        version=next_version(ctx, patient.id),
        origin="edited",
        evaluation_id=base.evaluation_id,
        created_by_id=ctx.actor.id if ctx.actor else None,
        created_at=ctx.now,
        assigned=True,
        assigned_at=ctx.now,
        phase=base.phase,
        phase_name=base.phase_name,
        plan_json=dict(base.plan_json),
        notes=data.notes,
    )
    for position, item in enumerate(data.exercises):
        program.exercises.append(
            ProgramExercise(
                position=position,
                exercise_id=item.id,
                sets=item.sets,
                reps=item.reps,
                hold_s=item.hold_s,
                rest_s=item.rest_s,
                days_per_week=item.days_per_week,
                support=item.support,
                cues=[c.strip() for c in item.cues if c.strip()],
                notes=item.notes,
            )
        )
    ctx.db.add(program)
    ctx.db.flush()
    return program_public(program)


__all__ = [
    "assign_program",
    "current_assigned",
    "get_draft",
    "get_program",
    "history",
    "latest_version",
    "next_version",
    "program_public",
]
