"""The patient's pages without JavaScript, signing out, and tours of the signed-in pages so that
every page of every role is screenshotted and checked by axe-core on both viewports."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import OpenTab, demo_login, sign_in
from tests.browser.server import Login, Server

pytestmark = pytest.mark.browser

VIEWPORTS = ["phone", "desktop"]


def test_guided_session_and_check_in_work_without_javascript(
    open_tab: OpenTab, server: Server
) -> None:
    """Plain links step through the exercises and a plain form sends the check-in."""
    tab = open_tab("phone", javascript=False)
    sign_in(tab, demo_login(server, "patient", "omar"), expect_path="/me")
    tab.check("today")
    page = tab.page
    count = page.locator("article.exercise-card").count()
    assert count >= 1, "Omar's demo program has exercises"
    page.get_by_role("link", name="Start my session").click()
    for step in range(count):
        page.wait_for_url(f"**/me/session{'' if step == 0 else f'?step={step}'}")
        tab.check(f"step{step + 1}")
        expect(page.locator("main")).to_contain_text(f"Exercise {step + 1} of {count}")
        # Without JavaScript the counter and timers stay hidden; the page still works.
        expect(page.locator(".trainer")).to_be_hidden()
        label = "Next exercise" if step + 1 < count else "Finish and check in"
        page.get_by_role("link", name=label).click()
    page.wait_for_url(f"**/me/session?step={count}")
    tab.check("checkin-form")
    page.locator("input[name=completed][value=yes]").check()
    page.get_by_label("How many sets did you do in all?").fill("4")
    page.get_by_label(re.compile("^Pain right now")).fill("1")
    page.locator("input[name=difficulty][value=easy]").check()
    page.get_by_label(re.compile("^How many times did you trip")).fill("0")
    page.locator("input[name=weakness_worse][value=no]").check()
    page.locator("input[name=balance_worse][value=no]").check()
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state("load")
    tab.check("checkin-saved")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you!")
    page.get_by_role("link", name="See my progress").click()
    page.wait_for_url("**/me/progress")
    tab.check("progress")


def test_check_in_errors_are_named_next_to_the_field(open_tab: OpenTab, server: Server) -> None:
    """The browser's own checks are bypassed: the server names the bad field."""
    tab = open_tab("phone", javascript=False)
    sign_in(tab, demo_login(server, "patient", "rosa"), expect_path="/me")
    tab.check("today")
    tab.goto("/me/session?step=50")
    tab.check("checkin-form")
    page = tab.page
    page.locator("form.checkin").evaluate("f => f.noValidate = true")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state("load")
    tab.check("checkin-error")
    alert = page.locator(".notice.danger[role=alert]")
    # Every unanswered question is marked at once (finished?, pain, how hard, weakness,
    # balance), each beside its field.
    expect(alert).to_contain_text("Please check the 5 answers marked below.")
    errors = page.locator(".field-error")
    expect(errors).to_have_count(5)
    for index in range(5):
        field = (errors.nth(index).get_attribute("id") or "").removesuffix("-error")
        described = page.locator(f"[aria-describedby~='{field}-error']")
        expect(described).to_have_attribute("aria-invalid", "true")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_sign_out(open_tab: OpenTab, server: Server, viewport: str) -> None:
    tab = open_tab(viewport)
    sign_in(tab, demo_login(server, "patient", "rosa"), expect_path="/me")
    tab.check("today")
    tab.page.get_by_role("button", name="Sign out").click()
    tab.page.wait_for_url("**/login")
    tab.check("signed-out")
    expect(tab.page.get_by_role("button", name="Sign out")).to_have_count(0)
    # The old session is gone: Today asks for a sign-in again.
    tab.goto("/me")
    tab.page.wait_for_url("**/login?next=/me")
    tab.check("today-needs-sign-in")
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Sign in")


# The journey (test_journey.py) already shows the clinician's pages on a desktop and the
# patient's Today, session and check-in on a phone; these tours add the rest, so that every
# page is checked on both viewports.
CLINICIAN_TOUR = {
    "phone": [
        "screening",
        "evaluation",
        "program",
        "new-patient",
        "search",
        "account",
        "worklist",
    ],
    "desktop": ["search", "account"],
}
PATIENT_TOUR = {
    "phone": ["cost", "account"],
    "desktop": ["session", "checkin-form", "progress", "cost", "account", "messages"],
}


def clinician_path(step: str, dashboard: str) -> str:
    return {
        "screening": f"{dashboard}/screening",
        "evaluation": f"{dashboard}/evaluation",
        "program": f"{dashboard}/program",
        "new-patient": "/clinic/patients/new",
        "search": "/clinic?q=demo&sort=name",
        "account": "/account",
        "worklist": "/clinic/worklist",
    }[step]


PATIENT_PATHS = {
    "session": "/me/session",
    "checkin-form": "/me/session?step=50",
    "messages": "/me/messages",
    "progress": "/me/progress",
    "cost": "/cost",
    "account": "/account",
}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_clinician_pages(open_tab: OpenTab, server: Server, viewport: str) -> None:
    tab = open_tab(viewport)
    sign_in(tab, demo_login(server, "clinician"), expect_path="/clinic")
    tab.check("patients")
    # Grace: paused program, alerts, weeks of charts.
    tab.page.get_by_role("link", name=re.compile("^Grace")).click()
    tab.page.wait_for_url(re.compile(r"/clinic/patients/\d+$"))
    tab.check("dashboard-paused")
    expect(tab.page.get_by_role("alert")).to_contain_text("Home program paused")
    dashboard = tab.path
    if viewport == "phone":
        assert header_lines(tab.page) <= 2
    for step in CLINICIAN_TOUR[viewport]:
        tab.goto(clinician_path(step, dashboard))
        tab.check(step)
        expect(tab.page.get_by_role("heading", level=1)).to_be_visible()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_patient_pages(open_tab: OpenTab, server: Server, viewport: str) -> None:
    tab = open_tab(viewport)
    sign_in(tab, demo_login(server, "patient", "rosa"), expect_path="/me")
    tab.check("today")
    for step in PATIENT_TOUR[viewport]:
        tab.goto(PATIENT_PATHS[step])
        tab.check(step)
        expect(tab.page.get_by_role("heading", level=1)).to_be_visible()
    # Grace's program is paused: her Today shows the stop advice instead of exercises.
    grace = open_tab(viewport, name=f"{tab.test}-grace")
    sign_in(grace, demo_login(server, "patient", "grace"), expect_path="/me")
    grace.check("today-paused")
    alert = grace.page.get_by_role("alert")
    expect(alert).to_contain_text("Please stop your exercises")
    # The stored reason carries the advice; the box does not say it twice.
    assert alert.inner_text().count("911") == 1, alert.inner_text()
    # The box's heading is smaller than the page title.
    assert font_px(alert.locator("h2")) < font_px(grace.page.locator("h1"))
    if viewport == "phone":
        assert header_lines(tab.page) <= 2, "the menu fits in two lines on a phone"


def font_px(locator: Locator) -> float:
    return float(locator.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


def header_lines(page: Page) -> int:
    """How many lines the header's links and buttons take (by their vertical centres)."""
    centres: list[float] = page.locator("header.top a, header.top button").evaluate_all(
        "els => els.filter(e => e.offsetParent !== null && !e.classList.contains('skip'))"
        ".map(e => { const r = e.getBoundingClientRect(); return r.top + r.height / 2; })"
    )
    lines: list[float] = []
    for centre in sorted(centres):
        if not lines or centre - lines[-1] > 16:
            lines.append(centre)
    return len(lines)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_admin_pages(open_tab: OpenTab, server: Server, viewport: str) -> None:
    tab = open_tab(viewport)
    sign_in(tab, server.logins["browser-admin"], expect_path="/admin/users")
    tab.check("users")
    expect(tab.page.get_by_role("heading", level=1)).to_be_visible()
    tab.goto("/account")
    tab.check("account")


def test_one_time_sign_in_link_then_own_password(open_tab: OpenTab, server: Server) -> None:
    """A clinician on a phone adds a patient and makes a one-time link; the patient opens it,
    chooses a password, signs out and signs in again with it. The link works only once."""
    name = f"Link Patient {secrets.token_hex(3)}"
    username = f"link-{secrets.token_hex(3)}"
    clinic = open_tab("phone", name="link-clinician")
    sign_in(clinic, demo_login(server, "clinician"), expect_path="/clinic")
    clinic.check("patients")
    clinic.goto("/clinic/patients/new")
    clinic.check("new-patient")
    clinic.page.get_by_label("Name").fill(name)
    clinic.page.get_by_label("Right").check()
    clinic.page.get_by_role("button", name="Create patient").click()
    clinic.page.wait_for_url(re.compile(r"/clinic/patients/\d+$"))
    clinic.check("dashboard")
    clinic.page.get_by_label("Username for the patient").fill(username)
    clinic.page.get_by_role("button", name="Create login").click()
    clinic.page.wait_for_load_state("load")
    clinic.check("link-created")
    link = clinic.page.locator(".link-box code").inner_text().strip()
    assert link.startswith(f"{server.base_url}/signin/"), link

    patient = open_tab("phone", name="link-patient")
    patient.goto(link.removeprefix(server.base_url))
    patient.check("link")
    patient.page.get_by_role("button", name="Sign me in").click()
    patient.page.wait_for_url("**/account?welcome=1")
    patient.check("welcome")
    password = f"pw-{secrets.token_hex(8)}"
    patient.page.get_by_label("New password (at least 8 characters)").fill(password)
    patient.page.get_by_label("New password again").fill(password)
    patient.page.get_by_role("button", name="Save password").click()
    patient.page.wait_for_load_state("load")
    patient.check("password-saved")
    expect(patient.page.get_by_role("status")).to_contain_text("Your new password is saved")
    patient.page.get_by_role("button", name="Sign out").click()
    patient.page.wait_for_url("**/login")
    patient.check("signed-out")

    # The link is spent; the new password works.
    patient.goto(link.removeprefix(server.base_url))
    patient.check("link-again")
    patient.page.get_by_role("button", name="Sign me in").click()
    patient.page.wait_for_load_state("load")
    patient.check("link-spent")
    expect(patient.page.get_by_role("alert")).to_be_visible()
    sign_in(patient, Login("patient", username, password, name), expect_path="/me")
    patient.check("today")
    expect(patient.page.get_by_role("heading", level=1)).to_have_text(f"Hello, {name}")
