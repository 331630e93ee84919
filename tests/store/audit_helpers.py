"""Writing audit entries through the real write path (run_unit + audit.note)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from dorsi.services import audit
from dorsi.services.context import Actor, Ctx, run_unit
from dorsi.settings import load_settings
from dorsi.store.db import Database

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALICE = Actor(1, "alice", "clinician", "Alice")


def write_entries(db: Database, count: int, *, settings_dir: Path, per_unit: int = 1) -> None:
    """``count`` units of work, each noting ``per_unit`` audit entries (the real write path)."""
    app_settings = load_settings(data_dir=settings_dir, secret_key="s" * 32)
    for index in range(count):

        def make(session: Session, index: int = index) -> Ctx:
            return Ctx(
                db=session,
                now=NOW + timedelta(seconds=index, microseconds=index * 7),
                settings=app_settings,
                secret=b"s" * 32,
                request_id=f"req{index}",
                actor=ALICE,
            )

        def work(ctx: Ctx, index: int = index) -> None:
            for part in range(per_unit):
                audit.note(ctx, "patient.read", index + 1, f"part {part}; café ü")

        run_unit(db, make, work)
