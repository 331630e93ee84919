"""Pages without sign-in, on a phone and a desktop: "Is this urgent?" and the cost estimate.

The expected answers come from the clinical core itself (``triage``, ``estimate_cost``): the
pages must show exactly what the core decides.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from dorsi.catalog.red_flags import load_red_flags
from dorsi.clinical.contract import parse
from dorsi.clinical.cost import CostInput, estimate_cost
from dorsi.clinical.screening import ScreenInput, triage
from dorsi.web.templating import LEVELS
from tests.browser.conftest import OpenTab
from tests.browser.pages import Tab

pytestmark = pytest.mark.browser

VIEWPORTS = ["phone", "desktop"]

CLEAR = {
    "foot_drop_onset": "gradual",
    "days_since_onset": 60,
    "evaluated_by_clinician": True,
    "weakness_trend": "stable",
    "balance_affected": "no",
    "falls_past_month": 0,
}
# Answers that must never be under-triaged: a sudden foot drop with a drooping face.
STROKE_SIGNS = {**CLEAR, "foot_drop_onset": "sudden", "days_since_onset": 0, "face_droop": True}


def answer_urgent_form(tab: Tab, answers: dict[str, Any]) -> dict[str, Any]:
    """Fill every required question (unlisted yes/no questions: no); the answers given."""
    given: dict[str, Any] = {}
    page = tab.page
    for q in load_red_flags().questions:
        if not q.required and q.id not in answers:
            continue
        value = answers.get(q.id, False)
        given[q.id] = value
        if q.kind == "count":
            page.locator(f"#{q.id}").fill(str(value))
        else:
            raw = {True: "yes", False: "no"}.get(value, value) if q.kind == "boolean" else value
            page.locator(f"input[name='{q.id}'][value='{raw}']").check()
    return given


@pytest.mark.parametrize(
    ("viewport", "case", "answers"),
    [("phone", "stroke", STROKE_SIGNS), ("desktop", "clear", CLEAR)],
)
def test_urgent_self_check_without_sign_in(
    open_tab: OpenTab, viewport: str, case: str, answers: dict[str, Any]
) -> None:
    tab = open_tab(viewport)
    tab.goto("/urgent")
    tab.check("form")
    expect(tab.page.get_by_role("link", name="Sign in")).to_be_visible()
    given = answer_urgent_form(tab, answers)
    tab.page.get_by_role("button", name="Show me what to do").click()
    tab.page.wait_for_load_state("load")
    tab.check(f"result-{case}")
    decision = triage(parse(ScreenInput, given))
    main = tab.page.locator("main")
    expect(main.locator(".level .badge")).to_have_text(LEVELS[decision.level][0])
    expect(main).to_contain_text(decision.advice)
    for reason in decision.reasons:
        expect(main).to_contain_text(reason)
    if case == "stroke":
        assert decision.level == "emergency", "a sudden foot drop with a drooping face"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_cost_estimate(open_tab: OpenTab, viewport: str) -> None:
    form = {
        "visits": "12",
        "allowed_per_visit": "135.50",
        "deductible_remaining": "400",
        "copay_per_visit": "25",
        "coinsurance_pct": "20",
        "oop_max_remaining": "900",
        "covered_visits_remaining": "10",
    }
    tab = open_tab(viewport)
    tab.goto("/cost")
    tab.check("form")
    for name, value in form.items():
        tab.page.locator(f"#{name}").fill(value)
    tab.page.get_by_role("button", name="Estimate").click()
    tab.page.wait_for_load_state("load")
    tab.check("estimate")
    numbers = {k: int(v) if v.isdigit() else float(v) for k, v in form.items()}
    result = estimate_cost(parse(CostInput, numbers))
    estimate = tab.page.locator("section[aria-labelledby=estimate]")
    expect(estimate).to_contain_text(f"You pay about ${result.total_patient:.2f}")
    expect(estimate).to_contain_text(f"Your insurer pays about ${result.total_insurer:.2f}")
    expect(estimate.locator("tbody tr")).to_have_count(len(result.per_visit))

    # A bad value is named next to its field, and the page stays usable.
    tab.page.locator("#coinsurance_pct").fill("150")
    tab.page.get_by_role("button", name="Estimate").click()
    tab.page.wait_for_load_state("load")
    tab.check("error")
    expect(tab.page.locator("#coinsurance_pct-error")).to_be_visible()
    expect(tab.page.locator("#coinsurance_pct")).to_have_attribute("aria-invalid", "true")
