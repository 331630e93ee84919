"""User accounts: created by an admin (or by the operator's ``dorsi users create``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from dorsi.errors import ConflictError, InputError, NotFoundError, RateLimitedError
from dorsi.services import audit, throttle
from dorsi.services.auth import check_username, end_sessions, guess_rule
from dorsi.services.context import Ctx
from dorsi.services.passwords import check_policy, hash_password, verify_password
from dorsi.services.patients import load_patient, require, require_actor
from dorsi.services.schemas import UserCreate, UserPublic
from dorsi.store.models import Patient, User


def _public(user: User) -> UserPublic:
    return UserPublic(
        id=user.id,
        username=user.username,
        role=user.role,
        display_name=user.display_name,
        is_active=user.is_active,
        patient_id=user.patient_id,
    )


def create_user(
    ctx: Ctx, data: UserCreate, *, operator: bool = False, patient_id: int | None = None
) -> UserPublic:
    """A new account. ``operator=True`` is the shell operator (``dorsi users create``)."""
    if not operator:
        require(ctx, "user.manage")
    username = check_username(data.username)
    if data.role == "patient" and patient_id is not None:
        if ctx.db.get(Patient, patient_id) is None:
            raise NotFoundError(f"no patient {patient_id}")
    elif patient_id is not None:
        raise InputError("only a patient account can be linked to a patient", field="patient_id")
    password_hash = hash_password(data.password, role=data.role, username=username)
    if ctx.db.scalar(select(User.id).where(User.username == username)) is not None:
        raise ConflictError(f"username: '{username}' is taken; choose another")
    user = User(
        username=username,
        role=data.role,
        display_name=data.display_name.strip(),
        password_hash=password_hash,
        patient_id=patient_id,
        is_active=True,
        created_at=ctx.now,
    )
    ctx.db.add(user)
    ctx.db.flush()
    audit.note(ctx, "user.create", patient_id, f"user={user.id} role={user.role}")
    return _public(user)


def list_users(ctx: Ctx) -> list[UserPublic]:
    require(ctx, "user.manage")
    audit.note(ctx, "user.list", None)
    return [_public(u) for u in ctx.db.scalars(select(User).order_by(User.username))]


def set_active(ctx: Ctx, user_id: int, *, active: bool) -> UserPublic:
    actor = require(ctx, "user.manage")
    user = ctx.db.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no user {user_id}")
    if user.id == actor.id and not active:
        raise ConflictError("you cannot deactivate your own account")
    user.is_active = active
    audit.note(ctx, "user.activate" if active else "user.deactivate", user.patient_id)
    return _public(user)


@dataclass(frozen=True)
class PasswordCheck:
    """A change of password whose check of the current password was counted already."""

    key: throttle.Key


def start_password_change(ctx: Ctx, *, new: str) -> PasswordCheck:
    """Check the new password against the rule, then count a check of the current one (or
    raise :class:`RateLimitedError`): the same growing delays as signing in, so a stolen
    session cannot be used to guess the password. Run it as a unit of its own, first."""
    actor = require_actor(ctx)
    check_policy(new, role=actor.role, username=actor.username)
    rule = guess_rule(ctx, ctx.settings.login_max_failures_per_account)
    key = throttle.key(ctx, "password-form", str(actor.id), rule)
    try:
        throttle.charge(ctx, [key], "too many wrong current passwords")
    except RateLimitedError:
        audit.note(ctx, "user.password", actor.patient_id, f"user={actor.id} throttled")
        raise
    return PasswordCheck(key)


def change_password(ctx: Ctx, check: PasswordCheck, *, current: str | None, new: str) -> int:
    """Set the signed-in user's password (``current`` is required once one exists).

    Every other session and API token of the user ends (whoever knew the old password is
    signed out); the session or token this request came with stays. Returns how many ended.
    """
    actor = require_actor(ctx)
    user = ctx.db.get(User, actor.id)
    if user is None:  # pragma: no cover - the session join guarantees the user
        raise NotFoundError("no such user")
    if user.password_hash is not None and not verify_password(user.password_hash, current or ""):
        audit.note(ctx, "user.password", user.patient_id, f"user={user.id}")
        raise InputError("is not your current password", field="current_password")
    throttle.clear(ctx, check.key)
    user.password_hash = hash_password(new, role=user.role, username=user.username)
    ended = end_sessions(ctx, user.id, keep=actor.credential_hash)
    audit.note(ctx, "user.password", user.patient_id, f"user={user.id} ended={ended}")
    return ended


def sign_out_everywhere(ctx: Ctx, user_id: int) -> int:
    """An admin ends every session and API token of ``user_id``; how many ended."""
    require(ctx, "user.manage")
    user = ctx.db.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no user {user_id}")
    ended = end_sessions(ctx, user.id)
    audit.note(ctx, "user.signout", user.patient_id, f"user={user.id} ended={ended}")
    return ended


def operator_reset(ctx: Ctx, username: str, password: str | None) -> int:
    """The shell operator (``dorsi users set-password`` / ``sign-out``): optionally set a new
    password, and end every session and API token of the account; how many ended."""
    name = check_username(username)
    user = ctx.db.scalar(select(User).where(User.username == name))
    if user is None:
        raise NotFoundError(f"username: no account '{name}'")
    if password is not None:
        user.password_hash = hash_password(password, role=user.role, username=user.username)
        audit.note(ctx, "user.password", user.patient_id, f"user={user.id} by=operator")
    ended = end_sessions(ctx, user.id)
    audit.note(ctx, "user.signout", user.patient_id, f"user={user.id} ended={ended}")
    return ended


def sign_out_patient_everywhere(ctx: Ctx, patient_id: int) -> int:
    """A patient's clinician ends every session and API token of the patient's login."""
    patient = load_patient(ctx, patient_id, "patient.signout")
    user_id = ctx.db.scalar(select(User.id).where(User.patient_id == patient.id))
    if user_id is None:
        raise NotFoundError("this patient has no login yet")
    ended = end_sessions(ctx, user_id)
    audit.note(ctx, "user.signout", patient.id, f"user={user_id} ended={ended}")
    return ended


__all__ = [
    "PasswordCheck",
    "change_password",
    "create_user",
    "list_users",
    "operator_reset",
    "set_active",
    "sign_out_everywhere",
    "sign_out_patient_everywhere",
    "start_password_change",
]
