"""The demo clinic at a fixed clock, as a SQLite file, and its records (shared by the
reports and interop tests). Built once per test session; about a second."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from dorsi.interop.record import PatientRecord
from dorsi.services.context import Ctx, run_unit
from dorsi.services.demo import fill_demo
from dorsi.services.documents import load_record
from dorsi.settings import Settings, load_settings
from dorsi.store.db import Database
from dorsi.store.migrate import upgrade

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NAMESPACE = uuid.UUID("6c1f7d2e-3b0a-4c55-9a7e-0d1f2e3a4b5c")
SECRET = "reports-test-secret-" + "s" * 32
DEMO_PASSWORD = "demo-password-for-tests"  # noqa: S105 - test fixture
PATIENTS = {"rosa": 1, "omar": 2, "grace": 3}


@dataclass
class Demo:
    folder: Path
    settings: Settings
    database: Database
    url: str

    def ctx_factory(self, now: datetime = NOW) -> object:
        def make(session: Session) -> Ctx:
            return Ctx(
                db=session,
                now=now,
                settings=self.settings,
                secret=self.settings.secret(),
                request_id="test",
            )

        return make

    def record(self, name: str) -> PatientRecord:
        record: PatientRecord = run_unit(
            self.database,
            self.ctx_factory(),  # type: ignore[arg-type]
            lambda ctx: load_record(ctx, PATIENTS[name], detail="test", operator=True),
        )
        return record


def make_demo(folder: Path) -> Demo:
    settings = load_settings(data_dir=folder, secret_key=SECRET)
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    database = Database.from_url(url)
    upgrade(database.engine)
    fill_demo(database, settings, today=NOW, new_password=lambda: DEMO_PASSWORD)
    return Demo(folder, settings, database, url)
