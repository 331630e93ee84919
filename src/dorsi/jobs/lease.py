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

**Fair turns.** At most one job per patient runs at a time: a job whose patient already has a
running job (with a live lease) is not claimable, so one patient's many uploads queue behind
each other while other patients' jobs go ahead. Among claimable jobs, the patient whose last
job started longest ago (or never) goes first, so even a single worker takes patients in turn.
On PostgreSQL two workers could each see "none running" for the same patient at once, so the
claim locks the patient's row and looks again before taking the job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, Subquery, and_, func, or_, select
from sqlalchemy.orm import Session

from dorsi.store.db import Database
from dorsi.store.models import GaitJob, GaitVideo, Patient

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


def _live(now: datetime) -> object:
    return and_(GaitJob.state == "running", GaitJob.lease_expires_at >= now)


def busy_patients(now: datetime) -> Select[int]:
    """Patients with a job running under a live lease (their queued jobs wait their turn)."""
    return (
        select(GaitVideo.patient_id)
        .join(GaitJob, GaitJob.video_id == GaitVideo.id)
        .where(_live(now))  # type: ignore[arg-type]
    )


def _last_started() -> Subquery:
    """Each patient's latest job start: the patient served longest ago goes first."""
    return (
        select(GaitVideo.patient_id, func.max(GaitJob.started_at).label("started_at"))
        .join(GaitJob, GaitJob.video_id == GaitVideo.id)
        .group_by(GaitVideo.patient_id)
        .subquery()
    )


def _patient_busy(session: Session, patient_id: int, job_id: int, now: datetime) -> bool:
    found = session.scalars(
        busy_patients(now).where(GaitVideo.patient_id == patient_id, GaitJob.id != job_id)
    ).first()
    return found is not None


def claim(
    database: Database,
    *,
    owner: str,
    now: datetime,
    lease_s: float,
    job_id: int | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> Claim | None:
    """Take a claimable job (or job ``job_id``) of a patient with no job running, in turns (see
    the module docs), or None when there is none.

    Jobs that already used ``max_attempts`` are marked failed instead of being taken.
    """
    passed: set[int] = set()  # patients found busy on the second look (PostgreSQL)
    with database.transaction() as session:
        for _ in range(100):  # bounded: skip over jobs given up on the way
            last = _last_started()
            query = (
                select(GaitJob, GaitVideo.patient_id)
                .join(GaitVideo, GaitVideo.id == GaitJob.video_id)
                .outerjoin(last, last.c.patient_id == GaitVideo.patient_id)
                .where(_claimable(now))  # type: ignore[arg-type]
                .where(GaitVideo.patient_id.not_in(busy_patients(now)))
            )
            if passed:
                query = query.where(GaitVideo.patient_id.not_in(passed))
            if job_id is not None:
                query = query.where(GaitJob.id == job_id)
            query = query.order_by(last.c.started_at.asc().nulls_first(), GaitJob.id).limit(1)
            if not database.is_sqlite:
                query = query.with_for_update(skip_locked=True, of=GaitJob)
            found = session.execute(query).first()
            if found is None:
                return None
            job, patient_id = found
            if not database.is_sqlite:
                # wait for a concurrent claim for this patient to commit, then look again
                session.execute(
                    select(Patient.id).where(Patient.id == patient_id).with_for_update()
                )
                if _patient_busy(session, patient_id, job.id, now):
                    passed.add(patient_id)
                    continue
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


def _patient_of(session: Session, job_id: int) -> int | None:
    """The patient whose video ``job_id`` analyses (None: no such job)."""
    return session.scalar(
        select(GaitVideo.patient_id)
        .join(GaitJob, GaitJob.video_id == GaitVideo.id)
        .where(GaitJob.id == job_id)
    )


def busy_until(database: Database, job_id: int, *, now: datetime) -> datetime | None:
    """When the lease of the job that keeps ``job_id`` waiting (another job of the same patient,
    running) ends; None when no such job runs."""
    with database.transaction() as session:
        patient_id = _patient_of(session, job_id)
        if patient_id is None:
            return None
        return session.scalar(
            select(func.max(GaitJob.lease_expires_at))
            .join(GaitVideo, GaitVideo.id == GaitJob.video_id)
            .where(_live(now), GaitVideo.patient_id == patient_id, GaitJob.id != job_id)  # type: ignore[arg-type]
        )


def next_of_patient(database: Database, job_id: int) -> int | None:
    """The oldest queued job of the patient of ``job_id`` (its turn comes once that one ended)."""
    with database.transaction() as session:
        patient_id = _patient_of(session, job_id)
        if patient_id is None:
            return None
        return session.scalar(
            select(GaitJob.id)
            .join(GaitVideo, GaitVideo.id == GaitJob.video_id)
            .where(GaitVideo.patient_id == patient_id, GaitJob.state == "queued")
            .order_by(GaitJob.id)
            .limit(1)
        )


def pending_count(database: Database, *, now: datetime) -> int:
    """How many jobs a worker could claim now."""
    with database.transaction() as session:
        ids = session.scalars(select(GaitJob.id).where(_claimable(now)))  # type: ignore[arg-type]
        return len(list(ids))


__all__ = [
    "GAVE_UP",
    "MAX_ATTEMPTS",
    "Claim",
    "busy_patients",
    "busy_until",
    "claim",
    "held",
    "next_of_patient",
    "pending_count",
    "release",
    "renew",
]
