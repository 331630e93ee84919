"""The context of one unit of work, and the runner that commits it and audits it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from dorsi.errors import (
    AuthenticationError,
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from dorsi.settings import Settings
from dorsi.store import audit_chain
from dorsi.store.db import Database
from dorsi.store.models import AuditEntry, Base

T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """The signed-in user a request acts for."""

    id: int
    username: str
    role: str
    display_name: str
    patient_id: int | None = None
    # The browser session (or API token) hash the request came with.
    credential_hash: str | None = None
    csrf_token: str | None = None


@dataclass
class PendingAudit:
    action: str
    patient_id: int | None
    detail: str = ""


def system_token() -> str:
    """256 bits from the operating system's CSPRNG, URL-safe."""
    return secrets.token_urlsafe(32)


@dataclass
class Ctx:
    """Everything a service needs: session, clock, randomness, settings, actor, audit trail."""

    db: Session
    now: datetime
    settings: Settings
    secret: bytes
    request_id: str = "-"
    address: str = "unknown"
    new_token: Callable[[], str] = system_token
    actor: Actor | None = None
    audit: list[PendingAudit] = field(default_factory=list)
    # Rows to write even when the unit of work fails (e.g. a failed sign-in attempt).
    keep_on_failure: list[Callable[[], Base]] = field(default_factory=list)
    # A read-first unit (run_read, run_staged) reads in a snapshot; its writes wait here.
    reading: bool = False
    staged: list[Callable[[Session], object]] = field(default_factory=list)

    def write(self, change: Callable[[Session], object]) -> None:
        """Make ``change`` now, or in the writer's turn when this unit is only reading yet."""
        if self.reading:
            self.staged.append(change)
        else:
            change(self.db)

    def keyed_hash(self, value: str) -> str:
        """HMAC-SHA256 of ``value`` under the deployment secret (hex)."""
        return hmac.new(self.secret, value.encode("utf-8"), hashlib.sha256).hexdigest()

    @property
    def address_hash(self) -> str:
        return self.keyed_hash("addr:" + self.address)


@dataclass(frozen=True)
class Staged(Generic[T]):
    """What a read-first unit leaves to do in the writer's turn (:func:`run_staged`).

    ``write`` runs in the write transaction, after the snapshot closed; ``answer`` then gives
    the result (it may use what ``write`` stored, e.g. a new row's id).
    """

    write: Callable[[Session], object]
    answer: Callable[[], T]


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- the audit entries of a unit of work (:mod:`dorsi.services.audit` notes them) ----------


def audit_outcome(error: BaseException, *, signed_in: bool = False) -> str:
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


def flush_audit(ctx: Ctx, *, outcome: str) -> None:
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


# --- units of work ---------------------------------------------------------------------------


def run_unit(
    database: Database,
    make_ctx: Callable[[Session], Ctx],
    work: Callable[[Ctx], T],
) -> T:
    """Run ``work`` in one transaction with its audit entries; on failure, still audit.

    On success the audit entries are written with outcome ``ok`` in the same transaction as
    the work (atomic). On failure the work is rolled back and, in a second transaction, the
    audit entries are written with the outcome the error implies, plus any rows registered
    with ``ctx.keep_on_failure``. The error then propagates.
    """
    ctx: Ctx | None = None
    try:
        with database.transaction() as session:
            ctx = make_ctx(session)
            result = work(ctx)
            flush_audit(ctx, outcome="ok")
            return result
    except BaseException as exc:
        if ctx is not None and (ctx.audit or ctx.keep_on_failure):
            failed = ctx
            _audit_failure(database, failed, exc)
        raise


def _audit_failure(database: Database, failed: Ctx, exc: BaseException) -> None:
    failed.reading = False
    with database.transaction() as session:
        failed.db = session
        for make_row in failed.keep_on_failure:
            session.add(make_row())
        flush_audit(failed, outcome=audit_outcome(exc, signed_in=failed.actor is not None))


def run_staged(
    database: Database,
    make_ctx: Callable[[Session], Ctx],
    work: Callable[[Ctx], Staged[T]],
) -> T:
    """Read first, then write briefly: the same guarantees as :func:`run_unit`, more at once.

    ``work`` runs in a read-only snapshot (:meth:`Database.snapshot`), outside the writer's
    turn, so requests on other threads and processes read side by side. What it decided to
    write (the :class:`Staged` it returns, and anything passed to :meth:`Ctx.write`) then runs
    in one write transaction with the unit's audit entries; only that short part queues for
    the writer. Use it where a decision read a moment before the write stays valid (a
    check-in, a page view); anything that must re-check the data it writes uses
    :func:`run_unit`.
    """
    ctx: Ctx | None = None
    try:
        with database.snapshot() as session:
            ctx = make_ctx(session)
            ctx.reading = True
            staged = work(ctx)
        ctx.reading = False
        with database.transaction() as session:
            ctx.db = session
            for change in ctx.staged:
                change(session)
            staged.write(session)
            flush_audit(ctx, outcome="ok")
        return staged.answer()
    except BaseException as exc:
        if ctx is not None and (ctx.audit or ctx.keep_on_failure):
            _audit_failure(database, ctx, exc)
        raise


def run_read(
    database: Database,
    make_ctx: Callable[[Session], Ctx],
    work: Callable[[Ctx], T],
) -> T:
    """:func:`run_staged` for a unit that only reads: its audit entries are its only write."""
    result: list[T] = []

    def staged(ctx: Ctx) -> Staged[T]:
        result.append(work(ctx))
        return Staged(write=_nothing, answer=result.pop)

    return run_staged(database, make_ctx, staged)


def _nothing(_session: Session) -> None:
    return None


__all__ = [
    "Actor",
    "Ctx",
    "PendingAudit",
    "Staged",
    "audit_outcome",
    "flush_audit",
    "run_read",
    "run_staged",
    "run_unit",
    "system_token",
    "utc_now",
]
