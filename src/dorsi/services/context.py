"""The context of one unit of work, and the one place that commits it and audits it.

:func:`unit_of_work` opens the transaction (:meth:`dorsi.store.db.Database.transaction`),
hands a :class:`Ctx` to the work, appends the work's audit entries to the hash chain and
commits, all in that one transaction. When the work fails it rolls back and, in a transaction
of its own, still writes the audit entries (with the outcome the error implies) and the rows
that must outlive a failure (:attr:`Ctx.keep_on_failure`, e.g. a failed sign-in's count).
The web layer opens it once per request (:mod:`dorsi.web.deps`); the CLI and the jobs through
:func:`run_unit`.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from dorsi.errors import (
    AuthenticationError,
    ConflictError,
    DorsiError,
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
    #: set when the step that noted it failed but the unit went on (:func:`attempt`)
    outcome: str | None = None


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

    def keyed_hash(self, value: str) -> str:
        """HMAC-SHA256 of ``value`` under the deployment secret (hex)."""
        return hmac.new(self.secret, value.encode("utf-8"), hashlib.sha256).hexdigest()

    @property
    def address_hash(self) -> str:
        return self.keyed_hash("addr:" + self.address)


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


def note(ctx: Ctx, action: str, patient_id: int | None, detail: str = "") -> None:
    """Record that this unit of work does ``action`` (to ``patient_id``'s record); written
    with the unit (:func:`flush_audit`). Services call it as ``audit.note``."""
    ctx.audit.append(PendingAudit(action=action, patient_id=patient_id, detail=detail[:300]))


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
            outcome=pending.outcome or outcome,
            detail=pending.detail,
            request_id=ctx.request_id[:32],
        )
        for pending in ctx.audit
    ]
    audit_chain.append(ctx.db, entries)
    ctx.audit.clear()


# --- units of work ---------------------------------------------------------------------------


@contextlib.contextmanager
def unit_of_work(database: Database, make_ctx: Callable[[Session], Ctx]) -> Iterator[Ctx]:
    """One transaction with its audit entries; on failure, still audit (see the module docs).

    On success the audit entries are appended with outcome ``ok`` and the transaction commits
    before this block returns (a failing commit raises here). On failure the work is rolled
    back and, in a second transaction, the audit entries are written with the outcome the
    error implies, plus any rows registered with ``ctx.keep_on_failure``. The error then
    propagates.
    """
    ctx: Ctx | None = None
    try:
        with database.transaction() as session:
            ctx = make_ctx(session)
            yield ctx
            flush_audit(ctx, outcome="ok")
    except BaseException as exc:
        if ctx is not None and (ctx.audit or ctx.keep_on_failure):
            _audit_failure(database, ctx, exc)
        raise


def run_unit(
    database: Database,
    make_ctx: Callable[[Session], Ctx],
    work: Callable[[Ctx], T],
) -> T:
    """``work`` in a :func:`unit_of_work` (the CLI's and the jobs' way to run a use case)."""
    with unit_of_work(database, make_ctx) as ctx:
        return work(ctx)


def attempt(ctx: Ctx, work: Callable[[], T]) -> T:
    """``work`` as one step of the unit that may fail without failing the unit.

    A page form refused with a 422 shows the form again in the same request: ``work`` runs in
    a savepoint, so when it raises a :class:`DorsiError` its writes are undone, the audit
    entries it noted keep the outcome the error implies, and the error propagates to the
    route, whose unit still commits (with the read of the page shown again).
    """
    noted = len(ctx.audit)
    try:
        with ctx.db.begin_nested():
            return work()
    except DorsiError as exc:
        outcome = audit_outcome(exc, signed_in=ctx.actor is not None)
        for pending in ctx.audit[noted:]:
            pending.outcome = pending.outcome or outcome
        raise


def _audit_failure(database: Database, failed: Ctx, exc: BaseException) -> None:
    with database.transaction() as session:
        failed.db = session
        for make_row in failed.keep_on_failure:
            session.add(make_row())
        flush_audit(failed, outcome=audit_outcome(exc, signed_in=failed.actor is not None))


__all__ = [
    "Actor",
    "Ctx",
    "PendingAudit",
    "attempt",
    "audit_outcome",
    "flush_audit",
    "note",
    "run_unit",
    "system_token",
    "unit_of_work",
    "utc_now",
]
