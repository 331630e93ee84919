"""Fair turns in the gait queue: one running job per patient, and patients served in turn, so
one patient's many uploads cannot keep the workers from everybody else's (issue 14)."""

from __future__ import annotations

import threading
from datetime import timedelta

from dorsi.jobs import lease
from dorsi.jobs.queue_dramatiq import RETRY_MARGIN_S, Handled, handle, stale_jobs
from dorsi.jobs.worker import EmbeddedWorker, JobContext
from dorsi.store.db import Database
from tests.gait_app.test_jobs import T0, job_row, queue_job
from tests.queue.test_queue_unit import finish
from tests.web.conftest import Clinic, clinic

__all__ = ["clinic"]


def test_a_patient_with_a_running_job_waits_while_another_patient_goes_ahead(
    db: Database, clinic: Clinic
) -> None:
    flood = [queue_job(db, clinic.patient_a) for _ in range(5)]
    other = queue_job(db, clinic.patient_b)
    first = lease.claim(db, owner="w1", now=T0, lease_s=60)
    assert first is not None
    assert first.job_id == flood[0]
    second = lease.claim(db, owner="w2", now=T0, lease_s=60)
    assert second is not None
    assert second.job_id == other
    assert lease.claim(db, owner="w3", now=T0, lease_s=60) is None  # A already has one running
    assert lease.claim(db, owner="w3", now=T0, lease_s=60, job_id=flood[1]) is None
    # when A's job is done, A's next video is claimable
    with db.transaction() as session:
        row = lease.held(session, first)
        assert row is not None
        row.state, row.lease_owner, row.lease_expires_at = "done", None, None
    third = lease.claim(db, owner="w3", now=T0, lease_s=60)
    assert third is not None
    assert third.job_id == flood[1]


def test_a_dead_workers_job_does_not_block_its_patient_after_the_lease(
    db: Database, clinic: Clinic
) -> None:
    stuck = queue_job(db, clinic.patient_a)
    waiting = queue_job(db, clinic.patient_a)
    assert lease.claim(db, owner="dead", now=T0, lease_s=30) is not None
    later = T0 + timedelta(seconds=31)
    taken = lease.claim(db, owner="alive", now=later, lease_s=30)
    assert taken is not None
    assert taken.job_id == stuck
    assert lease.claim(db, owner="other", now=later, lease_s=30) is None
    assert job_row(db, waiting).state == "queued"


def test_one_worker_serves_patients_in_turn(db: Database, clinic: Clinic) -> None:
    """The embedded worker (one thread) alternates: A's five uploads came first, B's one video
    is analysed second, not sixth."""
    flood = [queue_job(db, clinic.patient_a) for _ in range(3)]
    other = queue_job(db, clinic.patient_b, at=T0 + timedelta(seconds=1))
    order: list[int] = []
    now = [T0]

    def execute(ctx: JobContext) -> None:
        order.append(ctx.claim.job_id)
        finish(db, ctx)
        now[0] += timedelta(seconds=10)

    worker = EmbeddedWorker(db, execute, clock=lambda: now[0])
    assert worker.run_pending() == 4
    assert order == [flood[0], other, flood[1], flood[2]]


def test_concurrent_claims_never_run_two_jobs_of_one_patient(db: Database, clinic: Clinic) -> None:
    """Several workers claim at once (on PostgreSQL each in its own transaction): one of
    patient A's jobs runs, the others wait; patient B's job is taken by one worker."""
    for _ in range(6):
        queue_job(db, clinic.patient_a)
    queue_job(db, clinic.patient_b)
    start = threading.Barrier(6)
    claims: list[lease.Claim | None] = []
    lock = threading.Lock()

    def claimer(n: int) -> None:
        start.wait()
        got = lease.claim(db, owner=f"w{n}", now=T0, lease_s=60)
        with lock:
            claims.append(got)

    threads = [threading.Thread(target=claimer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    taken = [c for c in claims if c is not None]
    assert len(claims) == 6
    assert len(taken) == 2  # one per patient
    with db.transaction() as session:
        from sqlalchemy import func, select

        from dorsi.store.models import GaitJob, GaitVideo

        per_patient = dict(
            session.execute(
                select(GaitVideo.patient_id, func.count())
                .join(GaitJob, GaitJob.video_id == GaitVideo.id)
                .where(GaitJob.state == "running")
                .group_by(GaitVideo.patient_id)
            ).all()
        )
    assert per_patient == {clinic.patient_a: 1, clinic.patient_b: 1}


def test_a_dramatiq_message_for_a_waiting_job_comes_back_and_the_next_one_is_sent(
    db: Database, clinic: Clinic
) -> None:
    first = queue_job(db, clinic.patient_a)
    second = queue_job(db, clinic.patient_a)
    stop = threading.Event()
    held = lease.claim(db, owner="busy", now=T0, lease_s=30, job_id=first)
    assert held is not None

    def execute(ctx: JobContext) -> None:
        finish(db, ctx)

    now = T0 + timedelta(seconds=10)
    waiting = handle(db, execute, second, clock=lambda: now, owner="w", stopping=stop)
    assert waiting == Handled("held", retry_in_s=20 + RETRY_MARGIN_S)
    assert job_row(db, second).state == "queued"
    # the sweeper does not pile more messages onto a job waiting its patient's turn
    assert lease.renew(db, held, now=T0 + timedelta(seconds=400), lease_s=60)
    assert second not in stale_jobs(db, T0 + timedelta(seconds=400))
    # the worker that finishes a patient's job sends that patient's next one
    later = T0 + timedelta(seconds=461)
    third = queue_job(db, clinic.patient_a)
    ran = handle(db, execute, first, clock=lambda: later, owner="w", stopping=stop)
    assert ran == Handled("ran", next_job_id=second)
    assert handle(db, execute, second, clock=lambda: later, owner="w", stopping=stop) == (
        Handled("ran", next_job_id=third)
    )
