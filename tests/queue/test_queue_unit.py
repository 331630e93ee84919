"""The Dramatiq job queue without a real broker: what one message does (run, drop, look again
later), the actor on Dramatiq's in-memory broker, the sweeper, the app's sender, settings and
``dorsi worker`` refusals. The real-broker test is ``test_queue_real.py``."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dorsi.jobs import lease, queue_dramatiq
from dorsi.jobs.queue_dramatiq import DramatiqRunner, Handled, handle, stale_jobs
from dorsi.jobs.worker import JobContext
from dorsi.settings import load_settings
from dorsi.store.db import Database
from tests.conftest import CliResult, run_dorsi
from tests.gait_app.test_jobs import job_row, queue_job
from tests.web.conftest import Clinic, clinic

__all__ = ["clinic"]

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def finish(db: Database, ctx: JobContext, state: str = "done") -> None:
    """What a real execute does at the end: store the outcome as the lease holder."""
    with db.transaction() as session:
        row = lease.held(session, ctx.claim)
        assert row is not None
        row.state, row.lease_owner, row.lease_expires_at = state, None, None


def test_a_claimable_job_is_run_and_a_second_message_is_dropped(
    db: Database, clinic: Clinic
) -> None:
    job_id = queue_job(db, clinic.patient_a)
    ran: list[int] = []

    def execute(ctx: JobContext) -> None:
        ran.append(ctx.claim.job_id)
        finish(db, ctx)

    stop = threading.Event()
    first = handle(db, execute, job_id, clock=lambda: T0, owner="w1", stopping=stop)
    again = handle(db, execute, job_id, clock=lambda: T0, owner="w2", stopping=stop)
    assert first == Handled("ran")
    assert again == Handled("finished")  # a duplicate or redelivered message: acknowledged
    assert ran == [job_id]
    assert handle(db, execute, 9999, clock=lambda: T0, owner="w", stopping=stop).outcome == (
        "missing"
    )


@pytest.mark.parametrize("state", ["failed", "cancelled"])
def test_finished_jobs_are_never_run_again(db: Database, clinic: Clinic, state: str) -> None:
    job_id = queue_job(db, clinic.patient_a)
    stop = threading.Event()
    handle(
        db, lambda ctx: finish(db, ctx, state), job_id, clock=lambda: T0, owner="a", stopping=stop
    )

    def never(ctx: JobContext) -> None:
        raise AssertionError("ran twice")

    assert handle(db, never, job_id, clock=lambda: T0, owner="b", stopping=stop).outcome == (
        "finished"
    )


def test_a_job_held_by_another_worker_is_looked_at_again_when_its_lease_ends(
    db: Database, clinic: Clinic
) -> None:
    """The killed worker's message comes back at once, but its lease still holds the job."""
    job_id = queue_job(db, clinic.patient_a)
    held = lease.claim(db, owner="dead", now=T0, lease_s=30, job_id=job_id)
    assert held is not None

    def execute(ctx: JobContext) -> None:
        finish(db, ctx)

    stop = threading.Event()
    now = T0 + timedelta(seconds=10)
    result = handle(db, execute, job_id, clock=lambda: now, owner="alive", stopping=stop)
    assert result.outcome == "held"
    assert result.retry_in_s == pytest.approx(20 + queue_dramatiq.RETRY_MARGIN_S)
    later = T0 + timedelta(seconds=33)
    assert handle(db, execute, job_id, clock=lambda: later, owner="alive", stopping=stop) == (
        Handled("ran")
    )
    row = job_row(db, job_id)
    assert (row.state, row.attempts) == ("done", 2)


def test_a_stopping_worker_gives_the_job_back_and_asks_for_another_message(
    db: Database, clinic: Clinic
) -> None:
    job_id = queue_job(db, clinic.patient_a)
    stop = threading.Event()

    def execute(ctx: JobContext) -> None:
        stop.set()  # SIGTERM arrives while the analysis runs; run_child would return early

    result = handle(db, execute, job_id, clock=lambda: T0, owner="w", stopping=stop)
    assert result == Handled("held", retry_in_s=0.0)
    row = job_row(db, job_id)
    assert (row.state, row.attempts, row.lease_owner) == ("queued", 0, None)


def test_the_sweeper_finds_jobs_that_may_have_lost_their_message(
    db: Database, clinic: Clinic
) -> None:
    fresh = queue_job(db, clinic.patient_a, at=T0)
    old = queue_job(db, clinic.patient_a, at=T0 - timedelta(minutes=10))
    expired = queue_job(db, clinic.patient_a, at=T0 - timedelta(minutes=10))
    running = queue_job(db, clinic.patient_b, at=T0 - timedelta(minutes=10))
    lease.claim(db, owner="gone", now=T0 - timedelta(minutes=5), lease_s=60, job_id=expired)
    lease.claim(db, owner="alive", now=T0, lease_s=60, job_id=running)
    assert stale_jobs(db, T0) == [old, expired]
    assert fresh not in stale_jobs(db, T0)

    class Recorder:
        sent: list[int]
        broker = None  # no connection to release

        def __init__(self) -> None:
            self.sent = []

        def send(self, job_id: int) -> None:
            self.sent.append(job_id)

    recorder = Recorder()
    assert queue_dramatiq.sweep(db, recorder, T0) == 2
    assert recorder.sent == [old, expired]


def test_the_actor_on_dramatiqs_stub_broker_runs_once_and_resends_held_jobs(
    db: Database, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real actor and Dramatiq worker, with the in-memory broker instead of RabbitMQ."""
    from dramatiq import Worker
    from dramatiq.brokers.stub import StubBroker

    broker = StubBroker()
    broker.emit_after("process_boot")
    actor = queue_dramatiq.declare_actor(broker)
    ran: list[int] = []

    def execute(ctx: JobContext) -> None:
        ran.append(ctx.claim.job_id)
        finish(db, ctx)

    clock_now = [T0]
    stopping = threading.Event()
    monkeypatch.setattr(
        queue_dramatiq,
        "_state",
        queue_dramatiq.WorkerState(db, execute, lambda: clock_now[0], stopping, 30.0, 10.0),
    )
    free = queue_job(db, clinic.patient_b)
    busy = queue_job(db, clinic.patient_a)
    assert lease.claim(db, owner="other", now=T0, lease_s=30, job_id=busy) is not None
    sent: list[tuple[int, int | None]] = []
    original = actor.send_with_options

    def spy(*, args: tuple[Any, ...], delay: int | None = None, **kw: Any) -> Any:
        if delay is None:  # actor.send itself
            return original(args=args, **kw)
        sent.append((int(args[0]), delay))  # a look-again message from the actor
        return original(args=args, delay=0, **kw)  # no need to wait in a test

    monkeypatch.setattr(actor, "send_with_options", spy)
    worker = Worker(broker, worker_threads=1)
    worker.start()
    try:
        actor.send(free)
        actor.send(free)  # a duplicate
        actor.send(busy)
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while not sent and datetime.now(UTC) < deadline:
            worker.join()
        assert sent, "the held job was not sent again"
        assert sent[0][0] == busy
        assert sent[0][1] == int((30 + queue_dramatiq.RETRY_MARGIN_S) * 1000)
        clock_now[0] = T0 + timedelta(seconds=40)  # the other worker's lease has ended
        worker.join()
    finally:
        worker.stop()
    assert sorted(ran) == [free, busy]
    assert job_row(db, busy).state == "done"


def test_the_app_sender_never_fails_an_upload_when_the_broker_is_down(
    caplog: pytest.LogCaptureFixture,
) -> None:
    runner = DramatiqRunner("amqp://guest:guest@127.0.0.1:1/%2F")  # nothing listens on port 1
    runner.start()
    runner.submitted(1)  # returns at once
    runner.stop(timeout_s=30)
    assert any("could not reach the broker" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("url", ["", "http://127.0.0.1:5672", "postgresql://x"])
def test_dramatiq_needs_a_broker_url(tmp_path: Path, url: str) -> None:
    from dorsi.errors import InputError

    with pytest.raises(InputError) as caught:
        load_settings(data_dir=tmp_path, gait_worker="dramatiq", gait_broker_url=url)
    assert caught.value.field == "DORSI_GAIT_BROKER_URL"


def test_broker_settings_accepted(tmp_path: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path, gait_worker="dramatiq", gait_broker_url="redis://127.0.0.1:6379/0"
    )
    assert settings.gait_broker_url.startswith("redis://")
    assert load_settings(data_dir=tmp_path).gait_worker == "embedded"  # the default stays


def worker_cli(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], *args: str) -> CliResult:
    """``dorsi worker ARGS`` with exactly these DORSI_* settings."""
    for name in [k for k in os.environ if k.startswith("DORSI_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return run_dorsi("worker", *args)


def test_dorsi_worker_refuses_without_the_queue_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = {"DORSI_DATA_DIR": str(tmp_path), "DORSI_GAIT_WORKER": "off"}
    result = worker_cli(monkeypatch, env)
    assert result.code == 2
    assert result.stderr.count("\n") == 1
    assert "DORSI_GAIT_WORKER" in result.stderr


def test_dorsi_worker_says_when_the_broker_does_not_answer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = {
        "DORSI_DATA_DIR": str(tmp_path),
        "DORSI_GAIT_WORKER": "dramatiq",
        "DORSI_GAIT_BROKER_URL": "amqp://guest:guest@127.0.0.1:1/%2F",
    }
    result = worker_cli(monkeypatch, env)
    assert result.code == 2
    assert "DORSI_GAIT_BROKER_URL" in result.stderr
    assert "does not answer" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--threads", "0"], "--threads"),
        (["--lease-s", "5"], "--lease-s"),
        (["--lease-s", "30", "--heartbeat-s", "20"], "--heartbeat-s"),
    ],
)
def test_dorsi_worker_checks_its_options(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], field: str
) -> None:
    result = worker_cli(monkeypatch, {"DORSI_DATA_DIR": str(tmp_path)}, *args)
    assert result.code == 2
    assert field in result.stderr
