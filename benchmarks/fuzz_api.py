"""A longer Schemathesis run against the API (issue 6): every check on, both roles, a backend.

The test suite runs a fixed-seed, bounded version (tests/ops/test_api_fuzz.py); this one runs
more examples per operation and a new seed each time (printed, so a failure can be replayed
with ``--seed``). It builds the same small clinic in a fresh database (a temporary SQLite file,
or a new schema in the PostgreSQL database given with ``--postgres URL``), fuzzes every
``/api/`` operation as the clinician and as the patient, prints one line per operation and
mode, and exits 1 when Schemathesis found any failure (the gait upload's documented 415 to
random bytes aside, as in the test).

Usage: ``.venv/bin/python benchmarks/fuzz_api.py [--examples N] [--seed S] [--postgres URL]``.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text
from tests.ops.fuzz_harness import Outcome, build_clinic, fuzz
from tests.ops.test_api_fuzz import allowed

from dorsi.store.db import Database
from dorsi.store.migrate import upgrade


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300, help="per operation and mode")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--postgres", metavar="URL", help="postgresql+psycopg://... to use")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    warnings.simplefilter("ignore")
    print(f"seed {seed}; {args.examples} examples per operation and mode")
    found: list[Outcome] = []
    for username in ("alice", "ann"):
        with tempfile.TemporaryDirectory() as folder:
            schema = f"dorsi_fuzz_{secrets.token_hex(4)}"
            if args.postgres:
                admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
                with admin.connect() as connection:
                    connection.execute(text(f'CREATE SCHEMA "{schema}"'))
                url = f"{args.postgres}?options=-csearch_path%3D{schema}"
            else:
                url = f"sqlite:///{folder}/fuzz.sqlite3"
            database = Database.from_url(url)
            try:
                upgrade(database.engine)
                clinic = build_clinic(database, Path(folder))
                started = time.monotonic()

                def report(outcome: Outcome, username: str = username) -> None:
                    state = "ok" if outcome.error is None else "FAIL"
                    if outcome.error is not None and allowed(outcome):
                        state = "known"
                    print(f"{username:<6} {outcome.mode:<26} {state:<5} {outcome.operation}")
                    if state == "FAIL":
                        print("    " + (outcome.error or "").replace("\n", "\n    "))

                outcomes = fuzz(
                    clinic, username, max_examples=args.examples, seed=seed, report=report
                )
                found += [o for o in outcomes if o.error is not None and not allowed(o)]
                print(f"{username}: {len(outcomes)} runs in {time.monotonic() - started:.0f} s")
            finally:
                database.dispose()
                if args.postgres:
                    with admin.connect() as connection:
                        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                    admin.dispose()
    print(f"{len(found)} failing operation runs (seed {seed})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
