"""``python -m tests.durability [--kills 200] [--backends sqlite,postgres] [--clients 4]``.

Runs the SIGKILL harness of :mod:`tests.durability.harness` on each backend and prints one
table; exit 1 when any acknowledged write was lost, anything was half-written, SQLite's
integrity check failed, the audit chain broke, or the API answered anything but 2xx.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.durability import harness
from tests.durability.servers import backend


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.durability", description=__doc__)
    parser.add_argument("--kills", type=int, default=200, help="kills per backend (200)")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite,postgres")
    parser.add_argument("--clients", type=int, default=4, help="writing client threads (4)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    args = parser.parse_args(argv)
    reports = []
    with tempfile.TemporaryDirectory(prefix="dorsi-durability-") as tmp:
        for name in [b.strip() for b in args.backends.split(",") if b.strip()]:
            print(f"{name}: {args.kills} kills, {args.clients} clients ...", flush=True)
            with backend(name, Path(tmp)) as db:
                report = harness.run(
                    db, kills=args.kills, clients=args.clients, seed=args.seed, log=print
                )
            reports.append(report)
            for problem in report.problems():
                print(f"  PROBLEM {problem}", flush=True)
    print(harness.format_reports(reports))
    return 0 if all(r.ok for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
