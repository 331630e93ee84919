"""The walking-video pages in the browser: the list and a finished analysis, for the clinician
and for the patient, on a phone and a desktop, each page checked by axe-core (and the phone
width rule). The finished analysis is stored directly (no pose model runs here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from dorsi.settings import load_settings
from dorsi.store.db import Database
from dorsi.store.models import Patient, User
from tests.browser.conftest import OpenTab, demo_login, sign_in
from tests.browser.server import Server
from tests.gait_app.seed import seed_done_video

pytestmark = pytest.mark.browser

VIEWPORTS = ["phone", "desktop"]


@pytest.fixture(scope="module")
def rosa_video(server: Server) -> tuple[int, int]:
    """(patient id, video id) of a finished walking video of the demo patient Rosa."""
    data_dir = Path(server.log_path).parent
    database = Database.from_url(f"sqlite:///{data_dir / 'dorsi.sqlite3'}")
    try:
        with database.transaction() as session:
            patient_id = session.scalars(
                select(Patient.id).where(Patient.display_name.startswith("Rosa"))
            ).one()
            clinician_id = session.scalars(select(User.id).where(User.role == "clinician")).first()
        assert clinician_id is not None
        settings = load_settings(data_dir=data_dir, secret_key="browser-" + "s" * 32)
        video_id = seed_done_video(database, settings, patient_id, clinician_id)
    finally:
        database.engine.dispose()
    return patient_id, video_id


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_clinician_walking_video_pages(
    open_tab: OpenTab, server: Server, rosa_video: tuple[int, int], viewport: str
) -> None:
    patient_id, video_id = rosa_video
    tab = open_tab(viewport)
    sign_in(tab, demo_login(server, "clinician"), expect_path="/clinic")
    tab.check("patients")
    tab.goto(f"/clinic/patients/{patient_id}")
    tab.check("dashboard")
    tab.page.get_by_role("link", name="Walking videos").click()
    tab.page.wait_for_url(f"**/patients/{patient_id}/gait-videos")
    tab.check("videos")
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Walking videos")
    tab.page.locator(f"a[href$='/gait-videos/{video_id}']").click()
    tab.page.wait_for_url(f"**/gait-videos/{video_id}")
    tab.check("video-done")
    expect(tab.page.get_by_role("heading", name="What Dorsi measured")).to_be_visible()
    expect(tab.page.locator("main")).to_contain_text("Both legs")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_patient_walking_video_pages(
    open_tab: OpenTab, server: Server, rosa_video: tuple[int, int], viewport: str
) -> None:
    patient_id, video_id = rosa_video
    tab = open_tab(viewport)
    sign_in(tab, demo_login(server, "patient", "rosa"), expect_path="/me")
    tab.check("today")
    tab.page.get_by_role("link", name="Film my walking").click()
    tab.page.wait_for_url(
        re.compile(rf"/patients/{patient_id}/gait-videos$")
    )  # via /me/gait-videos
    tab.check("videos")
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Film your walking")
    expect(tab.page.get_by_role("button", name="Send the video")).to_be_visible()
    tab.page.locator(f"a[href$='/gait-videos/{video_id}']").click()
    tab.page.wait_for_url(f"**/gait-videos/{video_id}")
    tab.check("video-done")
    expect(tab.page.get_by_role("heading", name="What Dorsi measured")).to_be_visible()
    expect(tab.page.locator("main")).not_to_contain_text("Both legs")  # clinician detail only
