"""User accounts: created by an admin (or by the operator's ``dorsi users create``)."""

from __future__ import annotations

from sqlalchemy import select

from dorsi.errors import ConflictError, InputError, NotFoundError
from dorsi.services import audit
from dorsi.services.auth import check_username
from dorsi.services.context import Ctx
from dorsi.services.passwords import hash_password, verify_password
from dorsi.services.patients import require, require_actor
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
    password_hash = hash_password(data.password, username=username)
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


def change_password(ctx: Ctx, *, current: str | None, new: str) -> None:
    """Set the signed-in user's password (``current`` is required once one exists)."""
    actor = require_actor(ctx)
    user = ctx.db.get(User, actor.id)
    if user is None:  # pragma: no cover - the session join guarantees the user
        raise NotFoundError("no such user")
    if user.password_hash is not None and not verify_password(user.password_hash, current or ""):
        raise InputError("is not your current password", field="current_password")
    user.password_hash = hash_password(new, username=user.username)
    audit.note(ctx, "user.password", user.patient_id)


__all__ = ["change_password", "create_user", "list_users", "set_active"]
