"""The job runner interface, and the embedded worker: one thread that claims jobs from the DB.

The web app only *queues* a job (a row in ``gait_jobs``, committed with the upload) and then
calls :meth:`JobRunner.submitted`. Who runs it is behind this small interface:

- :class:`EmbeddedWorker` (the default): a daemon thread in the app process. It wakes when a
  job is submitted in this process and otherwise polls the database every ``poll_s`` seconds,
  so jobs queued by other app processes, and jobs left behind by a crash or restart (their
  lease runs out), are picked up too.
- :class:`NoWorker` (``DORSI_GAIT_WORKER=off``): the app queues only; separate worker
  processes run the jobs. A Celery/Dramatiq/procrastinate task needs only to call
  :func:`run_job_once` with the job id: the lease in the database keeps a job from being
  completed twice, whichever worker runs it.

The work itself (``execute``) is a plain function of a :class:`JobContext`; analysis runs in a
child process (see :mod:`dorsi.jobs.isolate`), so the thread mostly waits and renews the lease.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from dorsi.jobs import lease
from dorsi.jobs.lease import Claim
from dorsi.store.db import Database

log = logging.getLogger("dorsi.jobs")

LEASE_S = 90.0  # a job whose worker has not renewed its lease for this long is claimable again
HEARTBEAT_S = 15.0  # how often a running job renews its lease
POLL_S = 5.0  # how often an idle worker looks for jobs queued elsewhere


class JobRunner(Protocol):
    """What the web app needs from whatever runs the jobs."""

    def submitted(self, job_id: int) -> None:
        """A job row was committed; start it soon."""
        ...

    def start(self) -> None: ...

    def stop(self, timeout_s: float = 10.0) -> None: ...


@dataclass
class JobContext:
    """What ``execute`` gets: the claim, a heartbeat that renews the lease, a stop signal."""

    claim: Claim
    database: Database
    clock: Callable[[], datetime]
    stopping: threading.Event = field(default_factory=threading.Event)
    lease_s: float = LEASE_S
    heartbeat_s: float = HEARTBEAT_S

    def heartbeat(self, stage: str | None = None) -> bool:
        """Renew the lease; False when the job is no longer ours (stop working on it)."""
        return lease.renew(
            self.database, self.claim, now=self.clock(), lease_s=self.lease_s, stage=stage
        )


Execute = Callable[[JobContext], None]


def worker_name() -> str:
    """A name unique to this worker: host, process and a random part."""
    return f"{socket.gethostname()[:24]}:{os.getpid()}:{secrets.token_hex(4)}"


def run_job_once(
    database: Database,
    execute: Execute,
    *,
    clock: Callable[[], datetime],
    owner: str | None = None,
    job_id: int | None = None,
    stopping: threading.Event | None = None,
    lease_s: float = LEASE_S,
    heartbeat_s: float = HEARTBEAT_S,
) -> bool:
    """Claim one job (``job_id``, or the oldest claimable) and run it; False when none.

    This is the whole contract an external queue's task needs: claim by id, execute, done.
    """
    claim = lease.claim(
        database, owner=owner or worker_name(), now=clock(), lease_s=lease_s, job_id=job_id
    )
    if claim is None:
        return False
    ctx = JobContext(
        claim,
        database,
        clock,
        stopping=stopping or threading.Event(),
        lease_s=lease_s,
        heartbeat_s=heartbeat_s,
    )
    try:
        execute(ctx)
    except Exception:
        # execute stores failures itself; anything escaping is a bug: log it, and leave the
        # job to its lease (it is retried, and given up after lease.MAX_ATTEMPTS).
        log.exception("job %s failed unexpectedly", claim.job_id)
    if ctx.stopping.is_set():
        lease.release(database, claim)
    return True


class EmbeddedWorker:
    """A daemon thread that runs queued jobs one at a time (see the module docs)."""

    def __init__(
        self,
        database: Database,
        execute: Execute,
        *,
        clock: Callable[[], datetime],
        poll_s: float = POLL_S,
        lease_s: float = LEASE_S,
        heartbeat_s: float = HEARTBEAT_S,
        on_start: Callable[[], None] | None = None,
    ) -> None:
        self.database = database
        self.execute = execute
        self.clock = clock
        self.poll_s = poll_s
        self.lease_s = lease_s
        self.heartbeat_s = heartbeat_s
        self.owner = worker_name()
        self._on_start = on_start
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()

    def submitted(self, job_id: int) -> None:
        self._idle.clear()
        self._wake.set()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="dorsi-gait-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop after the current step; a running analysis is stopped and its job re-queued."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def run_pending(self) -> int:
        """Run every claimable job now, in this thread; how many ran."""
        done = 0
        while not self._stopping.is_set() and run_job_once(
            self.database,
            self.execute,
            clock=self.clock,
            owner=self.owner,
            stopping=self._stopping,
            lease_s=self.lease_s,
            heartbeat_s=self.heartbeat_s,
        ):
            done += 1
        return done

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until the worker found nothing left to do (for tests and graceful exits)."""
        return self._idle.wait(timeout_s)

    def _loop(self) -> None:
        if self._on_start is not None:
            try:
                self._on_start()
            except Exception:
                log.exception("gait worker start-up step failed")
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                self.run_pending()
            except Exception:
                log.exception("gait worker: looking for jobs failed; retrying")
            if not self._wake.is_set():
                self._idle.set()
            self._wake.wait(self.poll_s)


class NoWorker:
    """Queue only: separate worker processes run the jobs (``DORSI_GAIT_WORKER=off``)."""

    def submitted(self, job_id: int) -> None:
        return None

    def start(self) -> None:
        return None

    def stop(self, timeout_s: float = 10.0) -> None:
        return None


__all__ = [
    "HEARTBEAT_S",
    "LEASE_S",
    "POLL_S",
    "EmbeddedWorker",
    "Execute",
    "JobContext",
    "JobRunner",
    "NoWorker",
    "run_job_once",
    "worker_name",
]
