"""Patients: the gate every patient-scoped use case passes, plus list, create, read, login."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from dorsi.errors import AuthenticationError, ConflictError, NotFoundError, PermissionDeniedError
from dorsi.services import audit
from dorsi.services.auth import check_username, create_sign_in_link, end_sessions
from dorsi.services.context import Actor, Ctx
from dorsi.services.list_audit import note_list
from dorsi.services.passwords import hash_password
from dorsi.services.policy import Action, PatientRef, can
from dorsi.services.schemas import (
    PatientCreate,
    PatientLogin,
    PatientLoginCreate,
    PatientPublic,
)
from dorsi.store.models import Patient, PatientClinician, User


def require_actor(ctx: Ctx) -> Actor:
    if ctx.actor is None:
        raise AuthenticationError("sign in first")
    return ctx.actor


def require(ctx: Ctx, action: Action) -> Actor:
    """The actor, when the policy lets them do a record-independent ``action``."""
    actor = require_actor(ctx)
    if not can(actor, action):
        raise PermissionDeniedError(f"a {actor.role} may not do this ({action})")
    return actor


def own_program_paused(ctx: Ctx) -> bool:
    """Whether the signed-in patient's program is paused, so that every page they open can
    say so and how to reach the clinic (their own page, which audits its own read)."""
    actor = ctx.actor
    if actor is None or actor.role != "patient" or actor.patient_id is None:
        return False
    return bool(ctx.db.scalar(select(Patient.program_paused).where(Patient.id == actor.patient_id)))


def ref(patient: Patient) -> PatientRef:
    return PatientRef(
        id=patient.id, clinician_ids=frozenset(c.clinician_id for c in patient.clinicians)
    )


def load_patient(ctx: Ctx, patient_id: int, action: Action, detail: str = "") -> Patient:
    """The patient record, after the policy allowed ``action`` on it; audited either way.

    A caller who may not even read the record gets :class:`NotFoundError` (ids cannot be
    probed); one who may read it but not do ``action`` gets :class:`PermissionDeniedError`.
    """
    actor = require_actor(ctx)
    audit.note(ctx, action, patient_id, detail)
    # the record and its clinicians in one query (the relationship alone would take two)
    patient = ctx.db.get(Patient, patient_id, options=[joinedload(Patient.clinicians)])
    if patient is None:
        raise _not_found(patient_id)
    _decide(actor, action, patient_id, ref(patient))
    return patient


@dataclass(frozen=True)
class RecordAccess:
    """What :func:`authorize` read of a record: who it belongs to, and whether it is paused."""

    ref: PatientRef
    program_paused: bool


#: a record's pause and clinicians, one row per assigned clinician (one with no clinician for
#: an unassigned record); most requests on a record ask, so the statement is built once
_OWNERS = (
    select(Patient.program_paused, PatientClinician.clinician_id)
    .outerjoin(PatientClinician, PatientClinician.patient_id == Patient.id)
    .where(Patient.id == bindparam("patient_id"))
)


def authorize(ctx: Ctx, patient_id: int, action: Action, detail: str = "") -> RecordAccess:
    """:func:`load_patient`'s check and audit, reading the record's owners and pause, not the
    record (one query)."""
    actor = require_actor(ctx)
    audit.note(ctx, action, patient_id, detail)
    rows = ctx.db.execute(_OWNERS, {"patient_id": patient_id}).all()
    if not rows:
        raise _not_found(patient_id)
    clinicians = frozenset(clinician for _, clinician in rows if clinician is not None)
    found = PatientRef(id=patient_id, clinician_ids=clinicians)
    _decide(actor, action, patient_id, found)
    return RecordAccess(ref=found, program_paused=bool(rows[0][0]))


def _not_found(patient_id: int) -> NotFoundError:
    return NotFoundError(f"no patient {patient_id} in your records")


def _decide(actor: Actor, action: Action, patient_id: int, found: PatientRef) -> None:
    """Raise unless ``actor`` may do ``action`` to the record (see :func:`load_patient`)."""
    if not can(actor, "patient.read", found):
        raise _not_found(patient_id)
    if not can(actor, action, found):
        raise PermissionDeniedError(f"a {actor.role} may not do this to this record ({action})")


def _usernames(ctx: Ctx, patients: list[Patient]) -> tuple[dict[int, str], set[int]]:
    ids = {c.clinician_id for p in patients for c in p.clinicians}
    rows = ctx.db.execute(select(User.id, User.username).where(User.id.in_(ids)))
    names = {uid: name for uid, name in rows}
    with_login = set(
        ctx.db.scalars(select(User.patient_id).where(User.patient_id.in_([p.id for p in patients])))
    )
    return names, {i for i in with_login if i is not None}


def public(ctx: Ctx, patient: Patient) -> PatientPublic:
    return public_many(ctx, [patient])[0]


def public_many(ctx: Ctx, patients: list[Patient]) -> list[PatientPublic]:
    names, with_login = _usernames(ctx, patients)
    return [
        PatientPublic(
            id=p.id,
            display_name=p.display_name,
            side=p.side,
            cause=p.cause,
            notes=p.notes,
            preferred_language=p.preferred_language,
            program_paused=p.program_paused,
            paused_reason=p.paused_reason,
            clinicians=sorted(names.get(c.clinician_id, "?") for c in p.clinicians),
            has_login=p.id in with_login,
            created_at=p.created_at,
        )
        for p in patients
    ]


def visible_patients(ctx: Ctx) -> list[Patient]:
    """The records the actor may see (a patient: their own; a clinician: assigned ones)."""
    actor = require(ctx, "patient.list")
    query = select(Patient).options(selectinload(Patient.clinicians)).order_by(Patient.id)
    if actor.role == "patient":
        query = query.where(Patient.id == actor.patient_id)
    else:
        query = query.join(PatientClinician).where(PatientClinician.clinician_id == actor.id)
    patients = list(ctx.db.scalars(query).unique())
    # One entry naming the listed ids, not one per patient (see dorsi.services.list_audit).
    note_list(ctx, "patient.list", [p.id for p in patients])
    return patients


def list_patients(ctx: Ctx) -> list[PatientPublic]:
    return public_many(ctx, visible_patients(ctx))


def create_patient(ctx: Ctx, data: PatientCreate) -> PatientPublic:
    """A new patient record, assigned to the clinician who creates it."""
    actor = require(ctx, "patient.create")
    patient = Patient(
        display_name=data.display_name.strip(),
        side=data.side,
        cause=data.cause,
        notes=data.notes,
        preferred_language=data.preferred_language,
        created_at=ctx.now,
        program_paused=False,
    )
    patient.clinicians.append(PatientClinician(clinician_id=actor.id, assigned_at=ctx.now))
    ctx.db.add(patient)
    ctx.db.flush()
    audit.note(ctx, "patient.create", patient.id)
    return public(ctx, patient)


def get_patient(ctx: Ctx, patient_id: int) -> PatientPublic:
    return public(ctx, load_patient(ctx, patient_id, "patient.read"))


def create_patient_login(ctx: Ctx, patient_id: int, data: PatientLoginCreate) -> PatientLogin:
    """Give a patient their own login: a password, or a one-time sign-in link.

    A patient who already has a login gets a fresh one-time link (and, when given, a new
    password) instead of a second account.
    """
    patient = load_patient(ctx, patient_id, "patient.login")
    username = check_username(data.username)
    user = ctx.db.scalar(select(User).where(User.patient_id == patient.id))
    password_hash = (
        hash_password(data.password, role="patient", username=username)
        if data.password is not None
        else None
    )
    if user is None:
        if ctx.db.scalar(select(User.id).where(User.username == username)) is not None:
            raise ConflictError(f"username: '{username}' is taken; choose another")
        user = User(
            username=username,
            role="patient",
            display_name=patient.display_name,
            password_hash=password_hash,
            patient_id=patient.id,
            is_active=True,
            created_at=ctx.now,
        )
        ctx.db.add(user)
        ctx.db.flush()
    else:
        if user.username != username:
            raise ConflictError(f"username: this patient already signs in as '{user.username}'")
        if password_hash is not None:
            # A reset: whoever knew the old password (or holds the patient's device) is out.
            user.password_hash = password_hash
            ended = end_sessions(ctx, user.id)
            audit.note(ctx, "user.password", patient.id, f"user={user.id} ended={ended}")
    if data.password is not None:
        return PatientLogin(username=username, sign_in_link=None, link_expires_at=None)
    link = create_sign_in_link(ctx, user_id=user.id)
    expires = ctx.now + timedelta(hours=ctx.settings.sign_in_link_hours)
    return PatientLogin(username=username, sign_in_link=link, link_expires_at=expires)


__all__ = [
    "create_patient",
    "create_patient_login",
    "get_patient",
    "list_patients",
    "load_patient",
    "own_program_paused",
    "public",
    "public_many",
    "ref",
    "require",
    "require_actor",
    "visible_patients",
]
