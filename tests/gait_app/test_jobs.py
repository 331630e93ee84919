"""The job queue in the database: claims with leases, take-over after a crash, exactly-once
completion, give-up after repeated crashes, the embedded worker thread, and the results
rules (which values become measurements, and the notes when one cannot)."""

from __future__ import annotations

import math
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select

from dorsi.jobs import lease
from dorsi.jobs.gait_task import walking_time_s
from dorsi.jobs.worker import EmbeddedWorker, JobContext, NoWorker, run_job_once
from dorsi.services import gait_jobs
from dorsi.services.gait_jobs import parse_distance, sniff
from dorsi.settings import Settings
from dorsi.store.db import Database
from dorsi.store.models import GaitJob, GaitResult, GaitVideo, Measurement
from tests.gait_app.seed import report, side_summary
from tests.web.conftest import Clinic

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def queue_job(db: Database, patient_id: int, *, at: datetime = T0) -> int:
    """A queued video+job row (no file: these tests never analyse)."""
    with db.transaction() as session:
        video = GaitVideo(
            patient_id=patient_id,
            uploaded_by_id=None,
            uploaded_by_role="clinician",
            uploaded_at=at,
            recorded_on=at.date(),
            affected_side="left",
            walked_distance_m=None,
            container="mp4",
            size_bytes=1,
            file_key=None,
        )
        video.job = GaitJob(state="queued", stage="", attempts=0, queued_at=at)
        session.add(video)
        session.flush()
        return video.job.id


def job_row(db: Database, job_id: int) -> GaitJob:
    with db.transaction() as session:
        job = session.get(GaitJob, job_id)
        assert job is not None
        session.expunge(job)
        return job


def test_claim_takes_the_oldest_queued_job_and_sets_a_lease(db: Database, clinic: Clinic) -> None:
    first = queue_job(db, clinic.patient_a)
    second = queue_job(db, clinic.patient_b)
    claim = lease.claim(db, owner="w1", now=T0, lease_s=60)
    assert claim is not None
    assert (claim.job_id, claim.attempt) == (first, 1)
    row = job_row(db, first)
    assert (row.state, row.lease_owner, row.attempts) == ("running", "w1", 1)
    assert row.lease_expires_at == T0 + timedelta(seconds=60)
    other = lease.claim(db, owner="w2", now=T0, lease_s=60)
    assert other is not None
    assert other.job_id == second
    assert lease.claim(db, owner="w3", now=T0, lease_s=60) is None


def test_an_expired_lease_is_taken_over_and_only_the_holder_may_finish(
    db: Database, clinic: Clinic
) -> None:
    job_id = queue_job(db, clinic.patient_a)
    dead = lease.claim(db, owner="dead", now=T0, lease_s=60)
    assert dead is not None
    # the lease has not run out: nobody else may take the job
    assert lease.claim(db, owner="w2", now=T0 + timedelta(seconds=59), lease_s=60) is None
    later = T0 + timedelta(seconds=61)
    alive = lease.claim(db, owner="alive", now=later, lease_s=60)
    assert alive is not None
    assert (alive.job_id, alive.attempt) == (job_id, 2)
    with db.transaction() as session:
        assert lease.held(session, dead) is None
        assert lease.held(session, alive) is not None
    assert not lease.renew(db, dead, now=later, lease_s=60)
    assert lease.renew(db, alive, now=later, lease_s=60, stage="rendering")
    assert job_row(db, job_id).stage == "rendering"


def test_a_job_whose_worker_keeps_dying_is_given_up_with_a_reason(
    db: Database, clinic: Clinic
) -> None:
    job_id = queue_job(db, clinic.patient_a)
    now = T0
    for attempt in range(1, lease.MAX_ATTEMPTS + 1):
        claim = lease.claim(db, owner=f"w{attempt}", now=now, lease_s=10)
        assert claim is not None
        assert claim.attempt == attempt
        now += timedelta(seconds=11)
    assert lease.claim(db, owner="last", now=now, lease_s=10) is None
    row = job_row(db, job_id)
    assert row.state == "failed"
    assert row.error is not None
    assert "stopped before it finished 3 times" in row.error


def test_release_requeues_without_counting_the_attempt(db: Database, clinic: Clinic) -> None:
    job_id = queue_job(db, clinic.patient_a)
    claim = lease.claim(db, owner="w", now=T0, lease_s=60)
    assert claim is not None
    lease.release(db, claim)
    row = job_row(db, job_id)
    assert (row.state, row.attempts, row.lease_owner) == ("queued", 0, None)
    assert lease.pending_count(db, now=T0) == 1


def test_run_job_once_runs_the_claimed_job(db: Database, clinic: Clinic) -> None:
    job_id = queue_job(db, clinic.patient_a)
    seen: list[int] = []

    def execute(ctx: JobContext) -> None:
        seen.append(ctx.claim.job_id)
        assert ctx.heartbeat()
        with db.transaction() as session:
            row = lease.held(session, ctx.claim)
            assert row is not None
            row.state = "done"
            row.lease_owner = None

    assert run_job_once(db, execute, clock=lambda: T0, job_id=job_id)
    assert seen == [job_id]
    assert job_row(db, job_id).state == "done"
    assert not run_job_once(db, execute, clock=lambda: T0)


def test_a_crashing_execute_leaves_the_job_to_its_lease(db: Database, clinic: Clinic) -> None:
    job_id = queue_job(db, clinic.patient_a)

    def execute(ctx: JobContext) -> None:
        raise RuntimeError("bug")

    assert run_job_once(db, execute, clock=lambda: T0)
    row = job_row(db, job_id)
    assert row.state == "running"  # retried once the lease runs out
    assert lease.claim(db, owner="x", now=T0 + timedelta(hours=1), lease_s=60) is not None


def test_embedded_worker_runs_queued_jobs_in_its_thread(db: Database, clinic: Clinic) -> None:
    done = threading.Event()
    threads: list[str] = []

    def execute(ctx: JobContext) -> None:
        threads.append(threading.current_thread().name)
        with db.transaction() as session:
            row = lease.held(session, ctx.claim)
            assert row is not None
            row.state = "done"
            row.lease_owner = None
        done.set()

    worker = EmbeddedWorker(db, execute, clock=lambda: T0, poll_s=0.2)
    worker.start()
    try:
        job_id = queue_job(db, clinic.patient_a)  # as if another process queued it
        assert done.wait(10)
        deadline = time.monotonic() + 10
        while job_row(db, job_id).state != "done" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert threads == ["dorsi-gait-worker"]
    assert job_row(db, job_id).state == "done"


def test_stopping_the_worker_requeues_the_running_job(db: Database, clinic: Clinic) -> None:
    started = threading.Event()

    def execute(ctx: JobContext) -> None:
        started.set()
        ctx.stopping.wait(10)  # a long analysis that honours the stop signal

    worker = EmbeddedWorker(db, execute, clock=lambda: T0, poll_s=0.2)
    job_id = queue_job(db, clinic.patient_a)
    worker.start()
    assert started.wait(10)
    worker.stop()
    row = job_row(db, job_id)
    assert (row.state, row.attempts) == ("queued", 0)


def test_no_worker_only_queues() -> None:
    runner = NoWorker()
    runner.start()
    runner.submitted(1)
    runner.stop()


def test_run_job_skips_a_job_deleted_before_it_started(
    db: Database, clinic: Clinic, tmp_path: Path
) -> None:
    job_id = queue_job(db, clinic.patient_a)
    with db.transaction() as session:
        video = session.scalars(select(GaitVideo)).one()
        video.deleted_at = T0
    settings = Settings(data_dir=tmp_path, secret_key="k" * 40)
    ran = run_job_once(db, lambda ctx: gait_jobs.run_job(ctx, settings=settings), clock=lambda: T0)
    assert ran
    assert job_row(db, job_id).state == "cancelled"


# --- which values are stored --------------------------------------------------------------


def test_values_of_the_affected_side_are_stored() -> None:
    r = report(left=side_summary(peak_deg=-7.25, clearance=0.0144), right=side_summary())
    values, notes = gait_jobs._value_notes(r, "left", 8.0, 6.4)
    assert dict(values) == {
        "swing_dorsiflexion_deg": -7.2,
        "toe_clearance_ratio": 0.014,
        "stance_time_asymmetry_pct": 3.0,
        # its own measure: a video's speed is never filed into the 10-metre walk test series
        "gait_speed_video_mps": 1.25,
    }
    # beside the speed, its uncertainty: 8 m known to 0.5 m (the last digit given), 6.4 s to
    # sqrt(2) frames at 30 fps (one stride: no stride-to-stride spread)
    u_time = math.sqrt(2) / 30.0
    u_speed = 1.25 * math.hypot(0.5 / 8.0, u_time / 6.4)
    assert notes == [
        f"Walking speed from the video: 1.25 \u00b1 {u_speed:.2f} m/s (the distance given to "
        f"\u00b1 0.5 m, the walking time to \u00b1 {u_time:.2f} s from the frame rate and the "
        "stride-to-stride spread)."
    ]


def test_missing_side_asymmetry_and_speed_are_explained() -> None:
    r = report(left=None, right=side_summary(), asymmetry_pct=None)
    values, notes = gait_jobs._value_notes(r, "left", 8.0, None)
    assert values == []
    assert any("No usable stride of the left (affected) leg" in n for n in notes)
    assert any("stance times" in n for n in notes)
    assert any("gait speed is not stored" in n for n in notes)


def test_values_outside_the_catalog_range_are_not_stored() -> None:
    r = report(left=side_summary(), right=side_summary(), asymmetry_pct=250.0)
    values, notes = gait_jobs._value_notes(r, "left", 100.0, 2.0)  # 50 m/s
    stored = dict(values)
    assert "gait_speed_video_mps" not in stored
    assert "gait_speed_mps" not in stored
    assert "stance_time_asymmetry_pct" not in stored
    assert any("outside the valid range 0 to 3" in n and "walked distance" in n for n in notes)


@hsettings(max_examples=60, deadline=None)
@given(
    distance=st.floats(1, 100),
    walking=st.one_of(st.none(), st.floats(0.1, 120)),
    asymmetry=st.one_of(st.none(), st.floats(0, 400)),
    side=st.sampled_from(["left", "right"]),
)
def test_stored_values_always_lie_in_the_catalog_range(
    distance: float, walking: float | None, asymmetry: float | None, side: str
) -> None:
    """Whatever the analysis gives, nothing stored can break the progress review."""
    from dorsi.catalog.measures import load_measures

    r = report(left=side_summary(), right=None, asymmetry_pct=asymmetry)
    values, _ = gait_jobs._value_notes(r, side, distance, walking)
    catalog = load_measures()
    for measure_id, value in values:
        m = catalog.get(measure_id)
        assert float(m.min) <= value <= float(m.max)


# --- small pure helpers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "quicktime"),
        (b"\x00\x00\x00\x14ftyp3gp4\x00\x00\x00\x00", "3gpp"),
        (b"\x00\x00\x10\x00moov\x00\x00\x00\x00", "quicktime"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "webm"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska", None),
        (b"GIF89a", None),
        (b"", None),
    ],
)
def test_sniff(head: bytes, kind: str | None) -> None:
    assert sniff(head) == kind


@pytest.mark.parametrize(
    ("raw", "value"), [("", None), (None, None), (" 8 ", 8.0), ("6,5", 6.5), ("100", 100.0)]
)
def test_parse_distance(raw: str | None, value: float | None) -> None:
    assert parse_distance(raw) == value


def test_walking_time_counts_frames_with_a_walking_direction() -> None:
    import numpy as np

    direction = np.array([0, 0, 1, 1, 1, 0, -1, -1, 0, 0])
    assert walking_time_s(direction, 2.0) == 2.5
    assert walking_time_s(np.zeros(5), 30.0) is None


def test_the_speed_is_shown_with_its_uncertainty() -> None:
    """The API's result gives the stored speed and, beside it, its uncertainty (outside the
    gait report's JSON contract, whose keys stay exactly as they are)."""
    r = report(left=side_summary(), right=side_summary())
    when = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    video = GaitVideo(
        id=7,
        patient_id=3,
        uploaded_by_id=None,
        uploaded_by_role="patient",
        uploaded_at=when,
        recorded_on=when.date(),
        affected_side="left",
        walked_distance_m=8.0,
        container="mp4",
        size_bytes=100,
        deleted_at=None,
    )
    video.job = GaitJob(id=9, state="done", stage="", attempts=1, queued_at=when)
    video.result = GaitResult(
        created_at=when,
        report_json=r.model_dump(mode="json"),
        walking_time_s=6.4,
        result_key="k",
        notes=[],
    )
    speed = Measurement(
        id=1,
        patient_id=3,
        measure_id="gait_speed_video_mps",
        value_num=1.25,
        measured_on=when.date(),
        source="gait",
        created_at=when,
    )
    got = gait_jobs.public(video, [speed]).result
    assert got is not None
    assert got.gait_speed_mps == 1.25
    expected = 1.25 * math.hypot(0.5 / 8.0, math.sqrt(2) / 30.0 / 6.4)
    assert got.gait_speed_uncertainty_mps == round(expected, 3)
    assert set(got.report.model_dump(mode="json")) == {"video", "strides", "summary", "quality"}
    no_speed = gait_jobs.public(video, []).result
    assert no_speed is not None
    assert no_speed.gait_speed_uncertainty_mps is None
