"""Gait analyses on Dramatiq (RabbitMQ or Redis): separate worker processes, the DB lease kept.

``DORSI_GAIT_WORKER=dramatiq`` with ``DORSI_GAIT_BROKER_URL`` (``amqp://`` for RabbitMQ,
``redis://`` for Redis). The app process only *sends* a message naming the job id
(:class:`DramatiqRunner`); ``dorsi worker`` processes (:func:`run_worker`) receive them and run
the job with :func:`dorsi.jobs.worker.run_job_once`, exactly as the embedded worker does.

Who guarantees what:

- **The broker delivers at least once.** Dramatiq acknowledges a message only after the task
  returned, and the consumer prefetches one message per thread (long jobs; a busy worker never
  sits on a second job another worker could run). When a worker dies (SIGKILL, power), its
  unacknowledged message goes back to the queue: RabbitMQ at once when the connection drops;
  Redis when the dead worker's heartbeat times out.
- **The database lease makes it exactly once.** The job row is claimed with a lease
  (:mod:`dorsi.jobs.lease`); results are stored only by the lease holder. A redelivered or
  duplicate message for a job that is done, failed or cancelled is acknowledged and dropped.
  A message for a job another worker still holds (its lease has not run out: it may be alive,
  or it was just killed) is sent again, delayed until that lease ends; then it is claimed again
  if the holder is gone, or found finished if the holder was alive.
- **Fair turns.** A claim never takes a job whose patient already has one running
  (:mod:`dorsi.jobs.lease`); such a message is looked at again when that job's lease would end,
  and the worker that finishes a patient's job sends a message for that patient's next one.
- **Nothing depends on a message alone.** The job row is committed with the upload before the
  message is sent. If the broker is unreachable then, the upload still succeeds and the
  worker's sweeper (every :data:`SWEEP_S`) sends a message for any job queued for longer than
  :data:`STALE_QUEUED_S` or whose lease ran out :data:`STALE_LEASE_S` ago.

Why Dramatiq on RabbitMQ: acknowledgement after processing is Dramatiq's default (Celery needs
``acks_late`` plus ``reject_on_worker_lost`` and careful prefetch settings to get there), it is
small and typed, and RabbitMQ redelivers a dead consumer's messages the moment its connection
drops, persists queues and messages, and confirms publishes. Redis works too (same code); it
notices a dead worker only after a heartbeat timeout, and keeps messages on disk only when
configured to. Procrastinate would keep the queue in PostgreSQL, but SQLite deployments could
not use it and it adds its own schema beside the app's migrations and backups.
"""

from __future__ import annotations

import logging
import queue
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Literal
from urllib.parse import urlsplit

from sqlalchemy import and_, or_, select

from dorsi.errors import InputError, MissingExtraError
from dorsi.jobs import lease
from dorsi.jobs.worker import HEARTBEAT_S, LEASE_S, Execute, run_job_once, worker_name
from dorsi.store.db import Database
from dorsi.store.models import GaitJob, GaitVideo

log = logging.getLogger("dorsi.jobs.queue")

QUEUE_NAME = "dorsi-gait"
ACTOR_NAME = "dorsi_gait_analyse"
SWEEP_S = 60.0  # how often a worker looks for jobs that have no message
STALE_QUEUED_S = 300.0  # a job queued this long without being claimed gets another message
STALE_LEASE_S = 60.0  # a job whose lease ran out this long ago gets another message
RETRY_MARGIN_S = 2.0  # after a held lease ends, look again this much later
MAX_RUN_MS = (30 + 5) * 60 * 1000  # the analysis's own cap (30 min, isolate.py) plus margin
FINISHED = ("done", "failed", "cancelled")

Outcome = Literal["ran", "finished", "held", "missing"]


def check_broker_url(url: str) -> str:
    """The URL when it names a broker Dramatiq can use; InputError naming the setting else."""
    if not url:
        raise InputError(
            "is required when DORSI_GAIT_WORKER=dramatiq "
            "(amqp://USER:PASSWORD@HOST:5672/VHOST or redis://HOST:6379/DB)",
            field="DORSI_GAIT_BROKER_URL",
        )
    if not url.startswith(("amqp://", "amqps://", "redis://", "rediss://")):
        raise InputError(
            "must start with amqp:// or amqps:// (RabbitMQ) or redis:// or rediss:// (Redis)",
            field="DORSI_GAIT_BROKER_URL",
        )
    return url


@dataclass(frozen=True)
class _Dramatiq:
    """What Dorsi uses of Dramatiq."""

    actor: Any
    Worker: Any
    default_middleware: Any
    RabbitmqBroker: Any
    RedisBroker: Any


@cache
def _dramatiq() -> _Dramatiq:
    """Dramatiq, the ``queue`` extra: the one place it is imported. The web app and the
    command line load this module without the extra (only a worker or an app sending to the
    queue needs it), so the first call loads it, or says how to install it."""
    try:
        import dramatiq
        from dramatiq.brokers.rabbitmq import RabbitmqBroker
        from dramatiq.brokers.redis import RedisBroker
        from dramatiq.middleware import default_middleware
    except ImportError:
        raise MissingExtraError(
            "the job queue needs the 'queue' extra: pip install 'dorsi[queue]'"
        ) from None
    return _Dramatiq(
        actor=dramatiq.actor,
        Worker=dramatiq.Worker,
        default_middleware=default_middleware,
        RabbitmqBroker=RabbitmqBroker,
        RedisBroker=RedisBroker,
    )


def make_broker(url: str) -> Any:
    """A Dramatiq broker for ``url`` (RabbitMQ with publisher confirms, or Redis)."""
    check_broker_url(url)
    found = _dramatiq()
    middleware = [m() for m in found.default_middleware]
    if url.startswith("amqp"):
        return found.RabbitmqBroker(url=url, confirm_delivery=True, middleware=middleware)
    return found.RedisBroker(url=url, middleware=middleware)


def broker_reachable(url: str, timeout_s: float = 3.0) -> str | None:
    """None when the broker answers; otherwise a one-line reason (for tests and start-up)."""
    parts = urlsplit(url)
    default = 5672 if parts.scheme.startswith("amqp") else 6379
    host, port = parts.hostname or "127.0.0.1", parts.port or default
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return None
    except OSError as exc:
        return f"the broker at {host}:{port} does not answer ({type(exc).__name__})"


# --- what one message does --------------------------------------------------------------------


def job_state(database: Database, job_id: int) -> tuple[str, datetime | None] | None:
    """(state, lease end) of a job, None when there is no such job."""

    with database.transaction() as session:
        row = session.execute(
            select(GaitJob.state, GaitJob.lease_expires_at).where(GaitJob.id == job_id)
        ).first()
        return (str(row[0]), row[1]) if row is not None else None


@dataclass(frozen=True)
class Handled:
    """What handling one message came to; ``retry_in_s`` when it must be looked at again;
    ``next_job_id``: the same patient's next queued job, whose turn has now come."""

    outcome: Outcome
    retry_in_s: float | None = None
    next_job_id: int | None = None


def handle(
    database: Database,
    execute: Execute,
    job_id: int,
    *,
    clock: Callable[[], datetime],
    owner: str,
    stopping: threading.Event,
    lease_s: float = LEASE_S,
    heartbeat_s: float = HEARTBEAT_S,
) -> Handled:
    """Run job ``job_id`` if it can be claimed; otherwise say whether to look again, and when."""
    if run_job_once(
        database,
        execute,
        clock=clock,
        owner=owner,
        job_id=job_id,
        stopping=stopping,
        lease_s=lease_s,
        heartbeat_s=heartbeat_s,
    ):
        if stopping.is_set():  # the worker is stopping: the job went back to the queue
            return Handled("held", retry_in_s=0.0)
        return Handled("ran", next_job_id=lease.next_of_patient(database, job_id))
    found = job_state(database, job_id)
    if found is None:
        return Handled("missing")
    state, lease_end = found
    if state in FINISHED:
        return Handled("finished")
    now = clock()
    if state == "queued":
        # waiting its patient's turn: the running job's worker sends this one when it ends
        # (next_job_id); look again when that job's lease ends in case its worker died
        lease_end = lease.busy_until(database, job_id, now=now)
    # Held by another worker (alive, or killed and not yet timed out), or claimed just now.
    wait_s = (lease_end - now).total_seconds() if lease_end is not None else 0.0
    return Handled("held", retry_in_s=max(1.0, wait_s + RETRY_MARGIN_S))


# --- the actor --------------------------------------------------------------------------------


@dataclass
class WorkerState:
    """What the actor of a worker process uses (set by :func:`run_worker`)."""

    database: Database
    execute: Execute
    clock: Callable[[], datetime]
    stopping: threading.Event
    lease_s: float
    heartbeat_s: float


_state: WorkerState | None = None


def declare_actor(broker: Any) -> Any:
    """The Dramatiq actor that handles one gait job message, declared on ``broker``."""

    def analyse(job_id: int) -> None:
        if _state is None:  # a message reached a process that is not a dorsi worker
            raise RuntimeError("dorsi worker state is not set up in this process")
        result = handle(
            _state.database,
            _state.execute,
            int(job_id),
            clock=_state.clock,
            owner=worker_name(),
            stopping=_state.stopping,
            lease_s=_state.lease_s,
            heartbeat_s=_state.heartbeat_s,
        )
        log.info("gait job %s: %s", job_id, result.outcome)
        if result.retry_in_s is not None:
            actor.send_with_options(args=(int(job_id),), delay=int(result.retry_in_s * 1000))
        if result.next_job_id is not None:
            actor.send(result.next_job_id)
        if result.retry_in_s is not None or result.next_job_id is not None:
            release_sender(actor.broker)

    actor = _dramatiq().actor(
        broker=broker,
        actor_name=ACTOR_NAME,
        queue_name=QUEUE_NAME,
        time_limit=MAX_RUN_MS,
        max_retries=3,  # a transient error (database restarting); the sweeper covers the rest
        min_backoff=15_000,
        max_backoff=120_000,
    )(analyse)
    return actor


# --- the app side: send a message when a job is queued ----------------------------------------


class DramatiqRunner:
    """The web app's :class:`~dorsi.jobs.worker.JobRunner` for ``DORSI_GAIT_WORKER=dramatiq``.

    ``submitted`` never blocks the request and never fails the upload: the job id goes to a
    sender thread, which publishes it (with publisher confirms on RabbitMQ). When the broker is
    down the message is dropped with a warning; the workers' sweeper sends it later.
    """

    def __init__(self, broker_url: str) -> None:
        self.broker_url = check_broker_url(broker_url)
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._actor: Any = None

    def submitted(self, job_id: int) -> None:
        self._queue.put(job_id)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._send_loop, name="dorsi-gait-sender", daemon=True
            )
            self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout_s)
            self._thread = None

    def _send(self, job_id: int) -> None:
        if self._actor is None:
            self._actor = declare_actor(make_broker(self.broker_url))
        self._actor.send(job_id)
        release_sender(self._actor.broker)  # uploads are minutes apart

    def _send_loop(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None:
                break
            for attempt in range(3):
                try:
                    self._send(job_id)
                    break
                except Exception as exc:
                    self._actor = None  # reconnect on the next try
                    log.warning(
                        "gait job %s: could not reach the broker (%s); try %d of 3",
                        job_id,
                        type(exc).__name__,
                        attempt + 1,
                    )
                    time.sleep(0.5 * (attempt + 1))
        if self._actor is not None:
            self._actor.broker.close()


# --- the worker process -----------------------------------------------------------------------


def stale_jobs(database: Database, now: datetime) -> list[int]:
    """Jobs that may have no message: queued for long, or whose lease ran out a while ago."""

    with database.transaction() as session:
        return list(
            session.scalars(
                select(GaitJob.id)
                .where(
                    or_(
                        and_(
                            GaitJob.state == "queued",
                            GaitJob.queued_at < now - timedelta(seconds=STALE_QUEUED_S),
                            # waiting its patient's turn: a message comes when that job ends
                            GaitJob.video_id.not_in(
                                select(GaitVideo.id).where(
                                    GaitVideo.patient_id.in_(lease.busy_patients(now))
                                )
                            ),
                        ),
                        and_(
                            GaitJob.state == "running",
                            GaitJob.lease_expires_at < now - timedelta(seconds=STALE_LEASE_S),
                        ),
                    )
                )
                .order_by(GaitJob.id)
                .limit(1000)
            )
        )


def sweep(database: Database, actor: Any, now: datetime) -> int:
    """Send a message for every stale job (duplicates are harmless: the lease decides)."""
    ids = stale_jobs(database, now)
    for job_id in ids:
        actor.send(job_id)
    if ids:
        release_sender(actor.broker)
    return len(ids)


def release_sender(broker: Any) -> None:
    """Close this thread's publishing connection once its messages are sent.

    A worker publishes seldom (a sweep, a held job's retry, a patient's next job). pika
    answers RabbitMQ's heartbeats only while a connection is in use, so a publishing
    connection left idle is dropped by RabbitMQ within minutes, and its next use logs the
    reset as an error with a traceback before Dramatiq reconnects. Opening one per publish
    costs a few milliseconds. The consumers' connections are not touched. (Redis has no
    such connection to release.)
    """
    held = getattr(type(broker), "connection", None)
    if isinstance(held, property) and held.fdel is not None:
        del broker.connection


def run_worker(
    database: Database,
    execute: Execute,
    broker_url: str,
    *,
    clock: Callable[[], datetime],
    threads: int = 1,
    lease_s: float = LEASE_S,
    heartbeat_s: float = HEARTBEAT_S,
    on_start: Callable[[], None] | None = None,
    ready: Callable[[], None] | None = None,
) -> int:
    """Consume gait jobs until SIGTERM/SIGINT; a running analysis is stopped and re-queued."""
    global _state
    broker = make_broker(broker_url)
    actor = declare_actor(broker)
    stopping = threading.Event()
    _state = WorkerState(database, execute, clock, stopping, lease_s, heartbeat_s)
    if on_start is not None:
        on_start()
    worker = _dramatiq().Worker(broker, queues={QUEUE_NAME}, worker_threads=threads)
    worker.queue_prefetch = threads  # long jobs: never hold a message another worker could run
    worker.start()
    done = threading.Event()

    def on_signal(_number: int, _frame: object) -> None:
        stopping.set()  # running analyses stop now; their jobs go back to the queue
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if ready is not None:
        ready()
    try:
        while not done.wait(SWEEP_S):
            try:
                sent = sweep(database, actor, clock())
                if sent:
                    log.warning("sent %d gait job message(s) again (no worker had them)", sent)
            except Exception as exc:
                log.warning("gait job sweep failed (%s); trying again later", type(exc).__name__)
    finally:
        worker.stop(timeout=30_000)
        broker.close()
        _state = None
    return 0


__all__ = [
    "ACTOR_NAME",
    "QUEUE_NAME",
    "DramatiqRunner",
    "Handled",
    "broker_reachable",
    "check_broker_url",
    "declare_actor",
    "handle",
    "job_state",
    "make_broker",
    "release_sender",
    "run_worker",
    "stale_jobs",
    "sweep",
]
