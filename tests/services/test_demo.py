"""The demo clinic tells its three stories through the real use cases."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from dorsi.errors import ConflictError
from dorsi.services import camera, progress, rtm
from dorsi.services.context import Actor, Ctx, run_unit
from dorsi.services.demo import fill_demo
from dorsi.settings import load_settings
from dorsi.store.db import Database

TODAY = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_demo_clinic_improving_plateaued_worsening(db: Database, tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, secret_key="d" * 32)
    logins = fill_demo(db, settings, today=TODAY, new_password=lambda: "demo-password-1")
    assert [x.username for x in logins] == ["demo-clinician", "rosa", "omar", "grace"]
    clinician = Actor(1, "demo-clinician", "clinician", "Dr Demo")

    def make(session: Session) -> Ctx:
        return Ctx(db=session, now=TODAY, settings=settings, secret=b"d" * 32, actor=clinician)

    rows = {r.patient.display_name: r for r in run_unit(db, make, progress.clinic_overview)}
    rosa, omar, grace = rows["Rosa Demo"], rows["Omar Demo"], rows["Grace Demo"]
    assert rosa.progress.measures["dorsiflexion_mmt"].status == "improved"
    assert "ready_to_progress" in rosa.badges
    assert "plateau" in omar.badges
    assert omar.progress.measures["dorsiflexion_mmt"].status == "no_real_change"
    assert "stop_program" in grace.badges
    assert grace.patient.program_paused
    for row in rows.values():
        assert row.progress.adherence.sessions_done >= 10

    # Rosa measures her seated lifts with the camera twice a week, and they rise; only her
    def measured(name: str) -> list[camera.CameraSessionPublic]:
        pid = rows[name].patient.id
        return run_unit(db, make, lambda ctx: camera.sessions(ctx, pid))[::-1]

    rosa_camera = measured("Rosa Demo")
    assert len(rosa_camera) >= 8
    best = [s.best_deg for s in rosa_camera if s.best_deg is not None]
    assert len(best) == len(rosa_camera)
    assert best[-1] - best[0] > 8  # about -6 to +8 degrees over five weeks
    assert sum(s.reps_counted - s.reps_measured for s in rosa_camera) > 0  # some poorly seen
    assert all(s.exercise_id == "seated_dorsiflexion" for s in rosa_camera)
    assert measured("Omar Demo") == measured("Grace Demo") == []
    # camera days are session days: Rosa's RTM days are her check-in days
    with db.transaction() as session:
        pid = rosa.patient.id
        assert {s.date for s in rosa_camera} <= rtm.data_days(session, pid)
        assert rtm.camera_days(session, pid) == {s.date for s in rosa_camera}
    with pytest.raises(ConflictError):
        fill_demo(db, settings, today=TODAY)
