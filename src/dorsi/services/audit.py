"""The audit log: every read or write of patient data, with who, what, when and the outcome.

Services call :func:`note` when they touch a patient's record (or a user account);
:func:`dorsi.services.context.run_unit` writes the entries in the same transaction as the work
(outcome ``ok``) or, when the work fails, in a transaction of their own with the outcome the
error implies. Details never hold clinical content or secrets, only ids and kinds.

The table is append-only and hash-chained (issue 6): :func:`flush` adds entries only through
:func:`dorsi.store.audit_chain.append`, which serialises appends and sets
``entry_hash = sha256(prev_hash || canonical(entry))``. No code path updates or deletes audit
rows; on PostgreSQL a trigger refuses UPDATE and DELETE as well. ``dorsi audit verify`` checks
the chain.
"""

from __future__ import annotations

from dorsi.errors import (
    AuthenticationError,
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from dorsi.services.context import Ctx, PendingAudit
from dorsi.store import audit_chain
from dorsi.store.models import AuditEntry


def note(ctx: Ctx, action: str, patient_id: int | None, detail: str = "") -> None:
    """Record that this unit of work does ``action`` (to ``patient_id``'s record)."""
    ctx.audit.append(PendingAudit(action=action, patient_id=patient_id, detail=detail[:300]))


def outcome_for(error: BaseException, *, signed_in: bool = False) -> str:
    """The audit outcome a failure implies (a rate limit met by someone signed in, such as the
    hourly upload limit, is a refusal; before sign-in it is a throttled sign-in)."""
    if isinstance(error, PermissionDeniedError):
        return "denied"
    if isinstance(error, NotFoundError):
        return "not_found"
    if isinstance(error, RateLimitedError) and signed_in:
        return "denied"
    if isinstance(error, AuthenticationError | RateLimitedError):
        return "unauthenticated"
    if isinstance(error, InputError | ConflictError):
        return "invalid"
    return "error"


def flush(ctx: Ctx, *, outcome: str) -> None:
    """Write the pending entries with ``outcome`` into ``ctx.db`` and clear them."""
    actor = ctx.actor
    entries = [
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
        for pending in ctx.audit
    ]
    audit_chain.append(ctx.db, entries)
    ctx.audit.clear()


def canonical(entry: AuditEntry) -> bytes:
    """The byte form of an entry that the chain hashes (:mod:`dorsi.store.audit_chain`)."""
    return audit_chain.canonical(entry)


__all__ = ["canonical", "flush", "note", "outcome_for"]
