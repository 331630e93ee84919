"""Background jobs: job state in the database, leases, and the embedded in-process worker.

- :mod:`dorsi.jobs.lease`: claim / renew / release a job row (the queue *is* the table).
- :mod:`dorsi.jobs.worker`: the :class:`~dorsi.jobs.worker.JobRunner` interface, the embedded
  worker thread, and :func:`~dorsi.jobs.worker.run_job_once` for external queues.
- :mod:`dorsi.jobs.isolate`: run an analysis in a child process with lease heartbeats.
- :mod:`dorsi.jobs.gait_task`: what the child process does for a gait video.

Importing this package is cheap (no numpy, no OpenCV).
"""

from __future__ import annotations

from dorsi.jobs.lease import Claim
from dorsi.jobs.worker import EmbeddedWorker, JobContext, JobRunner, NoWorker, run_job_once

__all__ = ["Claim", "EmbeddedWorker", "JobContext", "JobRunner", "NoWorker", "run_job_once"]
