"""The audit log: every read or write of patient data, with who, what, when and the outcome.

Services call :func:`note` when they touch a patient's record (or a user account);
:func:`dorsi.services.context.run_unit` writes the entries in the same transaction as the work
(outcome ``ok``) or, when the work fails, in a transaction of their own with the outcome the
error implies. Details never hold clinical content or secrets, only ids and kinds.

The table is append-only; :func:`canonical` fixes the byte form of an entry so a later
migration can hash-chain it (issue 6: ``entry_hash = sha256(prev_hash || canonical(entry))``).
"""

from __future__ import annotations

import json

from dorsi.errors import (
    AuthenticationError,
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from dorsi.services.context import Ctx, PendingAudit
from dorsi.store.models import AuditEntry


def note(ctx: Ctx, action: str, patient_id: int | None, detail: str = "") -> None:
    """Record that this unit of work does ``action`` (to ``patient_id``'s record)."""
    ctx.audit.append(PendingAudit(action=action, patient_id=patient_id, detail=detail[:300]))


def outcome_for(error: BaseException) -> str:
    """The audit outcome a failure implies."""
    if isinstance(error, PermissionDeniedError):
        return "denied"
    if isinstance(error, NotFoundError):
        return "not_found"
    if isinstance(error, AuthenticationError | RateLimitedError):
        return "unauthenticated"
    if isinstance(error, InputError | ConflictError):
        return "invalid"
    return "error"


def flush(ctx: Ctx, *, outcome: str) -> None:
    """Write the pending entries with ``outcome`` into ``ctx.db`` and clear them."""
    actor = ctx.actor
    for pending in ctx.audit:
        ctx.db.add(
            AuditEntry(
                at=ctx.now,
                actor_id=actor.id if actor else None,
                actor_username=actor.username if actor else None,
                actor_role=actor.role if actor else None,
                patient_id=pending.patient_id,
                action=pending.action,
                outcome=outcome,
                detail=pending.detail,
                request_id=ctx.request_id[:32],
            )
        )
    ctx.audit.clear()


def canonical(entry: AuditEntry) -> bytes:
    """The stable byte form of an entry (sorted keys, UTC ISO time), for hashing."""
    return json.dumps(
        {
            "id": entry.id,
            "at": entry.at.isoformat(),
            "actor_id": entry.actor_id,
            "actor_username": entry.actor_username,
            "actor_role": entry.actor_role,
            "patient_id": entry.patient_id,
            "action": entry.action,
            "outcome": entry.outcome,
            "detail": entry.detail,
            "request_id": entry.request_id,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    ).encode("ascii")


__all__ = ["canonical", "flush", "note", "outcome_for"]
