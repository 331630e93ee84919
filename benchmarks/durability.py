"""Crash durability, the full run: SIGKILL the real ``dorsi serve`` 200 times per backend.

Same as ``python -m tests.durability``; see :mod:`tests.durability.harness` for what is
checked (acknowledged writes present, nothing half-written, SQLite integrity_check, audit
chain). Usage: ``.venv/bin/python benchmarks/durability.py [--kills 200]
[--backends sqlite,postgres] [--clients 4] [--seed 1]``; exit 1 on any problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.durability.__main__ import main  # the repo root is on the path only now

if __name__ == "__main__":
    sys.exit(main())
