"""Job state in the database: claim a queued job with a lease, renew it, check it is still ours.

A worker *claims* a job by moving it from ``queued`` to ``running`` with its own name in
``lease_owner`` and a deadline in ``lease_expires_at``. While it works it renews the lease
(:func:`renew`). A job whose lease ran out (its worker died or was killed) is claimable again, so
nothing lives only in one process's memory and a restarted server resumes where it stopped.
Results are stored only by the worker that still holds the lease (:func:`held`), so a job that
was taken over is completed exactly once.

- SQLite: every transaction starts with ``BEGIN IMMEDIATE`` (see :mod:`dorsi.store.db`), so two
  claims never interleave.
- PostgreSQL: the candidate row is locked with ``FOR UPDATE SKIP LOCKED``, so concurrent workers
  (threads or processes) each take a different job without waiting on each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from dorsi.store.db import Database
from dorsi.store.models import GaitJob

# A job whose worker vanished this many times is given up, with a plain reason.
MAX_ATTEMPTS = 3
GAVE_UP = (
    "the analysis stopped before it finished {n} times (the server was restarted or ran out of "
    "memory); try a shorter video"
)


@dataclass(frozen=True)
class Claim:
    """A job this worker now holds."""

    job_id: int
    video_id: int
    owner: str
    attempt: int


def _claimable(now: datetime) -> object:
    return or_(
        GaitJob.state == "queued",
        and_(GaitJob.state == "running", GaitJob.lease_expires_at < now),
    )


def claim(
    database: Database,
    *,
    owner: str,
    now: datetime,
    lease_s: float,
    job_id: int | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> Claim | None:
    """Take the oldest claimable job (or job ``job_id``), or None when there is none.

    Jobs that already used ``max_attempts`` are marked failed instead of being taken.
    """
    with database.transaction() as session:
        for _ in range(100):  # bounded: skip over jobs given up on the way
            query = select(GaitJob).where(_claimable(now))  # type: ignore[arg-type]
            if job_id is not None:
                query = query.where(GaitJob.id == job_id)
            query = query.order_by(GaitJob.id).limit(1)
            if not database.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            job = session.scalars(query).first()
            if job is None:
                return None
            if job.attempts >= max_attempts:
                job.state = "failed"
                job.stage = ""
                job.error = GAVE_UP.format(n=job.attempts)
                job.finished_at = now
                job.lease_owner = None
                job.lease_expires_at = None
                session.flush()
                continue
            job.state = "running"
            job.stage = "analysing"
            job.attempts += 1
            job.lease_owner = owner
            job.lease_expires_at = now + timedelta(seconds=lease_s)
            job.started_at = job.started_at or now
            session.flush()
            return Claim(job.id, job.video_id, owner, job.attempts)
    return None


def held(session: Session, claim: Claim, *, lock: bool = True) -> GaitJob | None:
    """The job row when ``claim`` still holds it (locked on PostgreSQL), else None."""
    query = select(GaitJob).where(
        GaitJob.id == claim.job_id,
        GaitJob.state == "running",
        GaitJob.lease_owner == claim.owner,
    )
    if lock and session.bind is not None and session.bind.dialect.name != "sqlite":
        query = query.with_for_update()
    return session.scalars(query).first()


def renew(
    database: Database, claim: Claim, *, now: datetime, lease_s: float, stage: str | None = None
) -> bool:
    """Push the lease deadline on; False when the job is no longer ours (taken over, deleted)."""
    with database.transaction() as session:
        job = held(session, claim)
        if job is None:
            return False
        job.lease_expires_at = now + timedelta(seconds=lease_s)
        if stage is not None:
            job.stage = stage[:32]
        return True


def release(database: Database, claim: Claim) -> None:
    """Give a job back to the queue (this worker is stopping); the attempt does not count."""
    with database.transaction() as session:
        job = held(session, claim)
        if job is not None:
            job.state = "queued"
            job.stage = ""
            job.lease_owner = None
            job.lease_expires_at = None
            job.attempts = max(0, job.attempts - 1)


def pending_count(database: Database, *, now: datetime) -> int:
    """How many jobs a worker could claim now."""
    with database.transaction() as session:
        ids = session.scalars(select(GaitJob.id).where(_claimable(now)))  # type: ignore[arg-type]
        return len(list(ids))


__all__ = ["GAVE_UP", "MAX_ATTEMPTS", "Claim", "claim", "held", "pending_count", "release", "renew"]
