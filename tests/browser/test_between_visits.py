"""Between visits (issue 18) in a real browser, on the real server with the demo clinic.

1. A stop rule pauses a program (Omar reports his leg felt weaker at the check-in) -> the item
   is on the clinician's worklist -> the clinician acknowledges it with a note and sends a
   message -> Omar's Today shows the reply and that his therapist read it -> the clinician's
   clear screening resumes the program (the browser tests share one demo clinic).
2. A signed-in patient's "Is this urgent?" check (Grace: her weakness is getting worse) ->
   on the clinician's worklist as an urgent check.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenTab, demo_login, sign_in
from tests.browser.server import Server
from tests.browser.test_journey import screen
from tests.browser.test_public_pages import CLEAR, answer_urgent_form

pytestmark = pytest.mark.browser


def test_stop_rule_to_worklist_to_reply(open_tab: OpenTab, server: Server) -> None:
    patient = open_tab("phone", name="between-visits-omar")
    sign_in(patient, demo_login(server, "patient", "omar"), expect_path="/me")
    patient.check("today")
    patient.goto("/me/session?step=50")
    patient.check("checkin-form")
    page = patient.page
    page.locator("input[name=completed][value=yes]").check()
    page.get_by_label(re.compile("^Pain right now")).fill("2")
    page.locator("input[name=difficulty][value=ok]").check()
    page.locator("input[name=weakness_worse][value=yes]").check()
    page.locator("input[name=balance_worse][value=no]").check()
    page.locator("form.checkin button[type=submit]").click()
    page.wait_for_load_state("load")
    patient.check("checkin-stop")
    expect(page.get_by_text("Your therapist has been told.")).to_be_visible()

    clinic = open_tab("desktop", name="between-visits-clinician")
    sign_in(clinic, demo_login(server, "clinician"), expect_path="/clinic")
    clinic.check("patients")
    clinic.page.get_by_role("link", name="Worklist").click()
    clinic.page.wait_for_url("**/clinic/worklist")
    clinic.check("worklist")
    item = clinic.page.locator("li.worklist-item").filter(
        has_text=re.compile("Program paused.*Omar", re.S)
    )
    expect(item).to_have_count(1)
    item.get_by_label(re.compile("^Note")).fill("Called Omar: rest, screening on Monday")
    item.get_by_role("button", name="Acknowledge").click()
    clinic.page.wait_for_url("**/clinic/worklist")
    clinic.check("worklist-acknowledged")
    done = clinic.page.locator("li.worklist-item").filter(
        has_text=re.compile("Program paused.*Omar", re.S)
    )
    expect(done).to_contain_text("Called Omar: rest, screening on Monday")
    done.get_by_role("link", name=re.compile("^Omar")).click()
    clinic.page.wait_for_url(re.compile(r"/clinic/patients/\d+$"))
    clinic.check("dashboard")
    clinic.page.get_by_label(re.compile("^Message to the patient")).fill(
        "Please rest until Monday. We will check your leg then."
    )
    clinic.page.get_by_role("button", name="Send message").click()
    clinic.page.wait_for_url(re.compile(r"/clinic/patients/\d+#messages$"))
    clinic.check("dashboard-message-sent")

    patient.goto("/me")
    patient.check("today-reply")
    expect(
        page.get_by_text(re.compile(r"Your therapist was told on .* and read it on"))
    ).to_be_visible()
    page.get_by_role("link", name=re.compile("^New messages from your therapist: 1")).click()
    page.wait_for_url("**/me/messages")
    patient.check("messages")
    expect(
        page.get_by_text("Please rest until Monday. We will check your leg then.")
    ).to_be_visible()
    patient.goto("/me")
    patient.check("today-read")
    expect(page.get_by_text("New messages from your therapist")).to_have_count(0)
    expect(page.locator("article.exercise-card")).to_have_count(0)

    clinic.page.goto(clinic.page.url.split("#")[0])
    clinic.check("dashboard-paused")
    screen(clinic)
    patient.goto("/me")
    patient.check("today-resumed")
    expect(page.locator("article.exercise-card").first).to_be_visible()


def test_signed_in_urgent_check_reaches_the_worklist(open_tab: OpenTab, server: Server) -> None:
    patient = open_tab("phone", name="between-visits-grace")
    sign_in(patient, demo_login(server, "patient", "grace"), expect_path="/me")
    patient.check("today")
    patient.goto("/urgent")
    patient.check("urgent-form")
    answer_urgent_form(
        patient,
        {**CLEAR, "weakness_trend": "worsening"},
    )
    patient.page.get_by_role("button", name="Show me what to do").click()
    patient.page.wait_for_load_state("load")
    patient.check("urgent-result")
    expect(patient.page.get_by_text("Your answers were sent to your therapist.")).to_be_visible()

    clinic = open_tab("desktop", name="between-visits-urgent-clinician")
    sign_in(clinic, demo_login(server, "clinician"), expect_path="/clinic")
    clinic.check("patients")
    clinic.goto("/clinic/worklist?kind=urgent_check")
    clinic.check("worklist-urgent")
    item = clinic.page.locator("li.worklist-item").filter(has_text=re.compile("Grace"))
    expect(item.first).to_contain_text("Urgent self-check")
    expect(item.first).to_contain_text("red-flag self-check")
