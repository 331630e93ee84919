"""The context of one unit of work, and the runner that commits it and audits it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.orm import Session

from dorsi.settings import Settings
from dorsi.store.db import Database
from dorsi.store.models import Base

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

    def keyed_hash(self, value: str) -> str:
        """HMAC-SHA256 of ``value`` under the deployment secret (hex)."""
        return hmac.new(self.secret, value.encode("utf-8"), hashlib.sha256).hexdigest()

    @property
    def address_hash(self) -> str:
        return self.keyed_hash("addr:" + self.address)


def utc_now() -> datetime:
    return datetime.now(UTC)


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
    from dorsi.services import audit

    ctx: Ctx | None = None
    try:
        with database.transaction() as session:
            ctx = make_ctx(session)
            result = work(ctx)
            audit.flush(ctx, outcome="ok")
            return result
    except BaseException as exc:
        if ctx is not None and (ctx.audit or ctx.keep_on_failure):
            failed = ctx
            with database.transaction() as session:
                failed.db = session
                for make_row in failed.keep_on_failure:
                    session.add(make_row())
                audit.flush(failed, outcome=audit.outcome_for(exc))
        raise


__all__ = ["Actor", "Ctx", "PendingAudit", "run_unit", "system_token", "utc_now"]
