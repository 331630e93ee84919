"""``dorsi report``, ``dorsi handout`` and ``dorsi export`` on a real database, as the operator."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from dorsi.services.demo import fill_demo
from dorsi.settings import load_settings
from dorsi.store.db import Database
from dorsi.store.migrate import upgrade
from dorsi.store.models import AuditEntry
from tests.conftest import run_dorsi
from tests.reports.demo import DEMO_PASSWORD, SECRET


@pytest.fixture(scope="module")
def clinic_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("cli-docs")
    url = f"sqlite:///{folder / 'dorsi.sqlite3'}"
    database = Database.from_url(url)
    upgrade(database.engine)
    settings = load_settings(data_dir=folder, secret_key=SECRET)
    fill_demo(database, settings, today=datetime.now(UTC), new_password=lambda: DEMO_PASSWORD)
    database.dispose()
    return folder, url


@pytest.fixture
def env(clinic_db: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    folder, url = clinic_db
    monkeypatch.setenv("DORSI_DATABASE_URL", url)
    monkeypatch.setenv("DORSI_DATA_DIR", str(folder))
    monkeypatch.setenv("DORSI_SECRET_KEY", SECRET)
    return folder


def test_report_by_username_writes_a_pdf(env: Path, tmp_path: Path) -> None:
    out = tmp_path / "note.pdf"
    result = run_dorsi("report", "rosa", "--out", str(out))
    assert result.code == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert "wrote" in result.stderr


def test_report_period_and_paper(env: Path, tmp_path: Path) -> None:
    out = tmp_path / "omar.pdf"
    result = run_dorsi("report", "2", "--from", "2020-01-01", "--paper", "a4", "--out", str(out))
    assert result.code == 0, result.stderr
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in out.read_bytes()


def test_handout_a4(env: Path, tmp_path: Path) -> None:
    out = tmp_path / "handout.pdf"
    result = run_dorsi("handout", "omar", "--paper", "a4", "--out", str(out))
    assert result.code == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")


def test_export_fhir_to_stdout(env: Path) -> None:
    result = run_dorsi("export", "fhir", "grace")
    assert result.code == 0, result.stderr
    bundle = result.json()
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "collection"
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "Condition", "Observation", "CarePlan", "DocumentReference"} <= kinds


def test_export_csv_into_a_folder(env: Path, tmp_path: Path) -> None:
    folder = tmp_path / "sheets"
    result = run_dorsi("export", "csv", "1", "--out", str(folder))
    assert result.code == 0, result.stderr
    with (folder / "sessions.csv").open(encoding="utf-8", newline="") as handle:
        sessions = list(csv.DictReader(handle))
    assert sessions
    assert (folder / "measurements.csv").read_text(encoding="utf-8").startswith("date,measure,")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("report", "nobody"), "PATIENT"),
        (("report", "999"), "PATIENT"),
        (("report", "1", "--from", "2026-02-30"), "--from"),
        (("report", "1", "--to", "2999-01-01"), "to"),
        (("report", "1", "--from", "2026-02-01", "--to", "2026-01-01"), "from"),
        (("handout", "rosa", "--paper", "a5"), "--paper"),
        (("export", "xml", "1"), "FORMAT"),
        (("export", "csv", "1"), "--out"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(env: Path, args: tuple[str, ...], field: str) -> None:
    result = run_dorsi(*args)
    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert field.lower() in lines[0].lower()
    assert "Traceback" not in result.stderr


def test_operator_reads_are_audited(env: Path, clinic_db: tuple[Path, str]) -> None:
    assert run_dorsi("export", "fhir", "1").code == 0
    database = Database.from_url(clinic_db[1])
    try:
        with database.transaction() as session:
            entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    finally:
        database.dispose()
    assert entry is not None
    assert (entry.patient_id, entry.action, entry.outcome) == (1, "patient.read", "ok")
    assert entry.actor_id is None
    assert "fhir export; by operator" in entry.detail
    assert json.dumps(entry.request_id) == '"cli"'
