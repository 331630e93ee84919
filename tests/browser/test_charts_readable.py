"""The progress charts read on a 390 px phone and a desktop: every word in a chart (ticks, axis
titles) is drawn at least 14 px tall, and the better / the same / worse sentence is beside it."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import OpenTab, demo_login, sign_in
from tests.browser.server import Server

pytestmark = pytest.mark.browser

MIN_TEXT_PX = 14


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_chart_text_is_readable(open_tab: OpenTab, server: Server, viewport: str) -> None:
    tab = open_tab(viewport)
    sign_in(tab, demo_login(server, "clinician"), expect_path="/clinic")
    tab.check("patients")
    tab.page.get_by_role("link", name=re.compile("^Grace")).click()
    tab.page.wait_for_url(re.compile(r"/clinic/patients/\d+$"))
    tab.check("charts")
    sizes: list[float] = tab.page.locator("svg.chart text").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize)"
        " * e.ownerSVGElement.getScreenCTM().a)"
    )
    assert sizes, "Grace's demo record has charts"
    assert min(sizes) >= MIN_TEXT_PX, sorted(sizes)[:5]
    assert tab.page.locator("svg.chart .axis-title").count() >= 2
    assert tab.page.locator(".chart-card .verdict").count() >= 1
