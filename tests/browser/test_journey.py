"""Issue 3's story in a real browser, end to end on the real server.

A clinician signs in, adds a patient, screens them (red-flag form), evaluates them (every
measure field; a value out of range first, which is shown next to its field), edits the
suggested program (removes one exercise, adds another, changes dosage and support) and
assigns it, then creates the patient's login. The patient signs in on a phone, opens Today,
runs the guided session with the rep counter and the timers (the page's clock is Playwright's
fake clock, so holds and rests pass at once), reports worse balance at the check-in, sees the
stop advice and finds the program paused. The clinician then sees the stop-program badge on the
patient list and the alert on the dashboard.
"""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Locator, Page, expect

from dorsi.catalog.exercises import load_exercises
from dorsi.catalog.measures import load_measures
from dorsi.catalog.red_flags import load_red_flags
from dorsi.clinical.program import PlanInput
from tests.browser.conftest import OpenTab, demo_login, sign_in
from tests.browser.pages import PHONE, Tab
from tests.browser.server import Login, Server

pytestmark = pytest.mark.browser

# A plausible evaluation: every measure in the catalog gets a value inside its range.
EVALUATION = {
    "weeks_since_onset": "6",
    "dorsiflexion_mmt": "3-",
    "dorsiflexion_arom_deg": "5",
    "single_leg_stance_s": "12",
    "gait_speed_mps": "0.9",
    "gait_speed_video_mps": "0.8",
    "tug_s": "11.5",
    "trips_per_week": "2",
    "falls_past_month": "0",
    "pain_nrs": "2",
    "lefs": "48",
    "swing_dorsiflexion_deg": "-4",
    "toe_clearance_ratio": "0.35",
    "stance_time_asymmetry_pct": "9",
    "ankle_df_passive_deg": "15",
    "fga_score": "18",
    "six_minute_walk_m": "250",
    "abc_pct": "60",
    "dorsiflexion_arom_camera_deg": "4",
}

# A clear screening: a gradual, stable foot drop with no red flag.
SCREENING_CHOICES = {
    "foot_drop_onset": "gradual",
    "weakness_trend": "stable",
    "balance_affected": "somewhat",
    "dorsiflexion_mmt": "4",
}
SCREENING_COUNTS = {
    "days_since_onset": "42",
    "falls_past_month": "0",
    "weeks_since_injury_or_surgery": "52",
}
SCREENING_YES = {"evaluated_by_clinician"}


def fieldset_of(page: Page, legend: str) -> Locator:
    return page.locator("fieldset").filter(
        has=page.locator("legend", has_text=re.compile(f"^{re.escape(legend)}$"))
    )


def program_rows(page: Page) -> list[str]:
    values: list[str] = page.locator("input[name=exercise]").evaluate_all(
        "e => e.map(x => x.value)"
    )
    return values


def screen(tab: Tab) -> None:
    page = tab.page
    page.get_by_role("link", name="New screening").click()
    page.wait_for_url("**/screening")
    tab.check("screening-form")
    for q in load_red_flags().questions:
        group = page.locator(f"input[name='{q.id}']")
        if q.kind == "choice":
            page.locator(f"input[name='{q.id}'][value='{SCREENING_CHOICES[q.id]}']").check()
        elif q.kind in ("count", "number"):
            group.fill(SCREENING_COUNTS[q.id])
        else:
            answer = "yes" if q.id in SCREENING_YES else "no"
            page.locator(f"input[name='{q.id}'][value='{answer}']").check()
    page.get_by_role("button", name="Save screening").click()
    page.wait_for_url(re.compile(r"/clinic/patients/\d+#screening$"))
    tab.check("dashboard-screened")
    expect(page.locator("section[aria-labelledby=screening] p .badge").first).to_have_text(
        "Safe to go on"
    )


def evaluate(tab: Tab) -> None:
    page = tab.page
    page.get_by_role("link", name="New evaluation").click()
    page.wait_for_url("**/evaluation")
    tab.check("evaluation-form")
    measures = load_measures().measures
    assert {m.id for m in measures} <= set(EVALUATION), "a catalog measure has no test value"
    for m in measures:
        field = page.locator(f"#{m.id}")
        expect(field).to_be_visible()
        # unit, valid range and how to measure it are shown with each measure
        expect(page.locator(f"#{m.id}-help")).to_contain_text("Valid range")
        if m.value_kind == "mmt_grade":
            field.select_option(EVALUATION[m.id])
        else:
            field.fill(EVALUATION[m.id])
    page.locator("#weeks_since_onset").fill(EVALUATION["weeks_since_onset"])
    page.locator("input[name=uses_afo][value=no]").check()

    # First a value out of its shown range: the page says so next to that field.
    tug = load_measures().get("tug_s")
    page.locator("#tug_s").fill(f"{tug.max + 100:g}")
    page.get_by_role("button", name=re.compile("^Save evaluation")).click()
    error = page.locator("#tug_s-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(f"{tug.max:g}")
    expect(page.locator("#tug_s")).to_have_attribute("aria-invalid", "true")
    described = page.locator("#tug_s").get_attribute("aria-describedby") or ""
    assert {"tug_s-help", "tug_s-error"} <= set(described.split())
    tab.check("evaluation-error")

    # The other answers are kept; fix the one field and save.
    expect(page.locator("#lefs")).to_have_value(EVALUATION["lefs"])
    page.locator("#tug_s").fill(EVALUATION["tug_s"])
    if not page.locator("input[name=uses_afo]:checked").count():
        page.locator("input[name=uses_afo][value=no]").check()
    page.get_by_role("button", name=re.compile("^Save evaluation")).click()
    page.wait_for_url("**/program")
    tab.check("program-suggested")


def edit_and_assign(tab: Tab) -> dict[str, str]:
    """Remove the first suggested exercise, add one, change dosage and support; assign.

    Returns the ids of the kept (re-dosed), added and removed exercises, and how many the
    assigned program has.
    """
    page = tab.page
    catalog = load_exercises()
    suggested = program_rows(page)
    assert len(suggested) >= 2, f"the suggestion has too few exercises to edit: {suggested}"
    removed, kept = suggested[0], suggested[1]

    # Add an exercise that was not suggested.
    options = page.locator("#add_exercise option").evaluate_all("o => o.map(x => x.value)")
    added = next(v for v in options if v and v not in suggested)
    page.locator("#add_exercise").select_option(added)
    page.get_by_role("button", name="Add to the list").click()
    tab.check("program-added")
    assert program_rows(page) == [*suggested, added]

    # Remove the first; change the dosage and the support of another.
    removed_box = fieldset_of(page, catalog.get(removed).name)
    removed_box.get_by_label("Remove this exercise").check()
    kept_box = fieldset_of(page, catalog.get(kept).name)
    kept_box.get_by_label("Sets").fill("2")
    kept_box.get_by_label("Amount", exact=True).fill("6")
    kept_box.get_by_label("Amount is").select_option("reps")
    kept_box.get_by_label("Rest (s)").fill("20")
    kept_box.get_by_label("Days per week").fill("4")
    kept_box.get_by_label("Support").select_option("assisted")
    # The added one becomes a short hold, so the session has a hold timer to run.
    added_box = fieldset_of(page, catalog.get(added).name)
    added_box.get_by_label("Amount", exact=True).fill("3")
    added_box.get_by_label("Amount is").select_option("hold_s")
    added_box.get_by_label("Rest (s)").fill("5")
    page.locator("#notes").fill("Go slowly. Stop if it hurts.")
    tab.check("program-edited")
    page.get_by_role("button", name="Save and assign to the patient").click()
    page.wait_for_url(re.compile(r"/clinic/patients/\d+#program$"))
    tab.check("dashboard-assigned")

    program = page.locator("section[aria-labelledby=program]")
    expect(program).to_contain_text(re.compile(r"Version \d+, assigned"))
    expect(program).not_to_contain_text(catalog.get(removed).name + ":")
    kept_line = program.locator("li", has_text=catalog.get(kept).name)
    expect(kept_line).to_contain_text("2 × 6 reps, rest 20 s, 4 days/week, support: assisted")
    expect(program.locator("li", has_text=catalog.get(added).name)).to_contain_text("3 s hold")
    expect(program.locator("> details > ul > li")).to_have_count(len(suggested))
    return {"kept": kept, "added": added, "removed": removed, "count": str(len(suggested))}


def create_patient(tab: Tab, name: str) -> str:
    page = tab.page
    page.get_by_role("link", name="Add a new patient").click()
    page.wait_for_url("**/clinic/patients/new")
    tab.check("new-patient")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Left").check()
    page.get_by_label("Cause").select_option("peroneal")
    page.get_by_role("button", name="Create patient").click()
    page.wait_for_url(re.compile(r"/clinic/patients/\d+$"))
    tab.check("dashboard-new")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    return tab.path


def create_login(tab: Tab, username: str, password: str) -> None:
    page = tab.page
    page.get_by_label("Username for the patient").fill(username)
    page.get_by_label(re.compile("^Password")).fill(password)
    page.get_by_role("button", name="Create login").click()
    tab.check("login-created")
    expect(page.locator("main")).to_contain_text(f"Username: {username}")


def run_guided_session(tab: Tab, drill: set[str]) -> set[str]:
    """Step through every exercise of the session; for those named in ``drill`` run every set
    with the rep counter or the hold timer, and the rest timer. The kinds of timer used."""
    page = tab.page
    used: set[str] = set()
    step = 0
    while True:
        trainer = page.locator(".trainer")
        if not trainer.count():
            break
        step += 1
        tab.check(f"session-step{step}")
        expect(trainer).to_be_visible()  # session.js shows it
        if tab.viewport == "phone":  # the counter and timer buttons are on the first screen
            buttons = trainer.locator(".buttons").bounding_box()
            assert buttons is not None
            assert buttons["y"] + buttons["height"] <= PHONE["height"], buttons
        if page.get_by_role("heading", level=1).inner_text() not in drill:
            page.locator(".nav-steps a").last.click()
            page.wait_for_load_state("load")
            continue
        sets = int(trainer.get_attribute("data-sets") or "1")
        reps = int(trainer.get_attribute("data-reps") or "0")
        hold = int(trainer.get_attribute("data-hold") or "0")
        rest = int(trainer.get_attribute("data-rest") or "0")
        timer = trainer.locator(".timer")
        for set_no in range(1, sets + 1):
            expect(trainer.locator(".set")).to_have_text(str(set_no))
            last = set_no == sets
            if reps:
                used.add("reps")
                for n in range(1, reps + 1):
                    page.get_by_role("button", name="I did one").click()
                    expect(trainer.locator(".count")).to_have_text(str(n))
                done = "Set done. Rest now."
            else:
                used.add("hold")
                page.get_by_role("button", name="Start the hold").click()
                expect(timer).to_have_text(f"Hold: {hold} s")
                page.clock.run_for(1000)
                if hold > 1:
                    expect(timer).to_have_text(f"Hold: {hold - 1} s")
                page.clock.run_for(hold * 1000)
                done = "Hold done. Rest now."
            if last:  # after the last set there is no rest to wait for
                expect(timer).to_have_text("All sets done. Well done!")
                break
            expect(timer).to_have_text(done)
            page.get_by_role("button", name=f"Rest {rest} s").click()
            expect(timer).to_have_text(f"Rest: {rest} s")
            page.clock.run_for(rest * 1000)
            expect(timer).to_have_text("Rest: done")
        # All sets done: nothing left to count or time, so the buttons are disabled.
        for button in trainer.locator("button[data-action]").all():
            expect(button).to_be_disabled()
        tab.check(f"session-step{step}-done")  # the counter and timer texts, checked too
        page.locator(".nav-steps a").last.click()
        page.wait_for_load_state("load")
    return used


def check_in_with_worse_balance(tab: Tab) -> None:
    page = tab.page
    expect(page.get_by_role("heading", name="How did it go?")).to_be_visible()
    tab.check("checkin-form")
    fieldset_of(page, "Did you finish the session?").get_by_label("Yes").check()
    page.get_by_label("How many sets did you do in all?").fill("5")
    page.get_by_label(re.compile("^Pain right now")).fill("2")
    fieldset_of(page, "How hard was it?").get_by_label("OK").check()
    page.get_by_label(re.compile("^How many times did you trip")).fill("0")
    fieldset_of(page, "Is the weakness worse?").get_by_label("No").check()
    fieldset_of(page, "Is your balance worse?").get_by_label("Yes").check()
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state("load")
    tab.check("checkin-stop")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Please stop your exercises for now")
    expect(alert).to_contain_text("Contact your therapist")


def test_clinician_assigns_patient_reports_worse_balance_clinician_sees_alert(
    open_tab: OpenTab, server: Server
) -> None:
    clinician = demo_login(server, "clinician")
    name = f"Ada Browser {secrets.token_hex(3)}"
    patient = Login("patient", f"ada-{secrets.token_hex(3)}", f"pw-{secrets.token_hex(8)}", name)

    desk = open_tab("desktop", name="journey-clinician")
    sign_in(desk, clinician, expect_path="/clinic")
    desk.check("patients")
    dashboard = create_patient(desk, name)
    screen(desk)
    evaluate(desk)
    program = edit_and_assign(desk)
    create_login(desk, patient.username, patient.password)

    phone = open_tab("phone", fake_clock=True, name="journey-patient")
    sign_in(phone, patient, expect_path="/me")
    phone.check("today")
    catalog = load_exercises()
    page = phone.page
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {name}")
    cards = page.locator("article.exercise-card h3")
    expect(cards).to_have_count(int(program["count"]))
    expect(page.locator("main")).to_contain_text(catalog.get(program["added"]).name)
    expect(page.locator("main")).not_to_contain_text(catalog.get(program["removed"]).name)
    expect(page.locator(".stop-rules")).to_be_visible()
    page.get_by_role("link", name="Start my session").click()
    page.wait_for_url("**/me/session")
    drilled = {catalog.get(program["kept"]).name, catalog.get(program["added"]).name}
    used = run_guided_session(phone, drilled)
    assert used == {"reps", "hold"}, f"the session should run both timers, ran {used}"
    check_in_with_worse_balance(phone)
    phone.goto("/me")
    phone.check("today-paused")
    expect(page.get_by_role("alert")).to_contain_text("Please stop your exercises for now")
    expect(page.get_by_role("link", name="Start my session")).to_have_count(0)

    # Back at the clinic: the badge on the list and the alert on the dashboard.
    desk.goto("/clinic")
    desk.check("patients-alert")
    row = desk.page.locator("table.patients tbody tr", has_text=name)
    expect(row.locator(".badge", has_text="Stop program")).to_be_visible()
    row.get_by_role("link", name=name).click()
    desk.page.wait_for_url(f"**{dashboard}")
    desk.check("dashboard-alert")
    expect(desk.page.get_by_role("alert")).to_contain_text("Home program paused")
    alerts = desk.page.locator("ul.alerts li", has_text="Stop program")
    expect(alerts).to_have_count(1)
    expect(desk.page.locator("section[aria-labelledby=notes] tbody tr").first).to_contain_text(
        "balance"
    )


def test_required_plan_measures_are_marked_required(open_tab: OpenTab, server: Server) -> None:
    """The measures the program builder needs are required fields, the rest are optional."""
    tab = open_tab("desktop")
    sign_in(tab, demo_login(server, "clinician"), expect_path="/clinic")
    tab.check("patients")
    tab.page.locator("table.patients tbody th a").first.click()
    tab.page.wait_for_url(re.compile(r"/clinic/patients/\d+$"))
    tab.check("dashboard")
    tab.page.get_by_role("link", name="New evaluation").click()
    tab.page.wait_for_url("**/evaluation")
    tab.check("evaluation-form")
    for m in load_measures().measures:
        field = PlanInput.model_fields.get(m.id)
        required = field is not None and field.is_required()
        label = tab.page.locator(f"label[for={m.id}]")
        if required:
            expect(tab.page.locator(f"#{m.id}")).to_have_attribute("required", "")
            expect(label).not_to_contain_text("optional")
        else:
            expect(label).to_contain_text("optional")
