"""``dorsi worker``: run gait-video analyses from the job queue (DORSI_GAIT_WORKER=dramatiq).

Start one or more of these beside the app processes (any machine that shares the database,
the data directory and the broker). SIGTERM or Ctrl+C stops it: a running analysis is stopped
and its job goes back to the queue. See docs/deploy.md.
"""

from __future__ import annotations

import argparse
import logging
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="analyses run at once by this process (each in its own child process; "
        "about one per CPU core; default: %(default)s)",
    )
    parser.add_argument(
        "--lease-s",
        type=float,
        default=None,
        help="seconds a job stays held without a heartbeat before another worker may take "
        "it over (default: 90)",
    )
    parser.add_argument(
        "--heartbeat-s",
        type=float,
        default=None,
        help="seconds between lease renewals (default: 15; must be under a third of the lease)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every job handled")


def run(args: argparse.Namespace) -> int:
    from dorsi.errors import InputError
    from dorsi.jobs.worker import HEARTBEAT_S, LEASE_S
    from dorsi.settings import Settings, get_settings
    from dorsi.store import require_web_extra

    require_web_extra()
    lease_s = LEASE_S if args.lease_s is None else args.lease_s
    heartbeat_s = HEARTBEAT_S if args.heartbeat_s is None else args.heartbeat_s
    if not 1 <= args.threads <= 64:
        raise InputError("must be from 1 to 64", field="--threads")
    if not 10 <= lease_s <= 3600:
        raise InputError("must be from 10 to 3600 seconds", field="--lease-s")
    if not 1 <= heartbeat_s <= lease_s / 3:
        raise InputError(
            f"must be from 1 second to a third of the lease ({lease_s / 3:g} s)",
            field="--heartbeat-s",
        )
    settings = get_settings()
    if settings.gait_worker != "dramatiq":
        raise InputError(
            "must be 'dramatiq' for dorsi worker (with DORSI_GAIT_BROKER_URL); "
            f"it is '{settings.gait_worker}'",
            field="DORSI_GAIT_WORKER",
        )

    from dorsi.cli._db import wait_for_schema
    from dorsi.jobs.queue_dramatiq import broker_reachable, run_worker
    from dorsi.services.context import utc_now
    from dorsi.services.gait_jobs import executor, sweep_orphans
    from dorsi.store.db import Database, require_durable

    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        logging.getLogger("dramatiq").setLevel(logging.WARNING)
    problem = broker_reachable(settings.gait_broker_url)
    if problem is not None:
        raise InputError(problem, field="DORSI_GAIT_BROKER_URL")
    database = Database.from_url(settings.resolved_database_url)
    try:
        # started beside `dorsi serve` on a new database: wait while it migrates
        wait_for_schema(database.engine, "worker")
        require_durable(database.engine)
    except BaseException:
        database.dispose()
        raise

    def remove_orphans(settings: Settings, database: Database) -> None:
        # files left by a crash between a commit and a file step (over an hour old)
        removed = sweep_orphans(settings, database, utc_now())
        if removed:
            print(f"dorsi worker: removed {removed} orphaned file(s)", file=sys.stderr)

    def ready() -> None:
        print(
            f"dorsi worker: waiting for gait jobs ({args.threads} at a time; Ctrl+C stops)",
            flush=True,
        )

    from dorsi.store.audit_anchors import keeper_for

    keeper = keeper_for(settings, settings.resolved_database_url)  # DORSI_AUDIT_ANCHOR_FILE
    if keeper is not None:
        keeper.start()
    try:
        return run_worker(
            database,
            executor(settings),
            settings.gait_broker_url,
            clock=utc_now,
            threads=args.threads,
            lease_s=lease_s,
            heartbeat_s=heartbeat_s,
            on_start=lambda: remove_orphans(settings, database),
            ready=ready,
        )
    finally:
        if keeper is not None:
            keeper.stop()
        database.dispose()
