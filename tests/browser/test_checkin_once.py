"""The guided session's check-in cannot be sent twice: after the first submit the Send button
is disabled and a second submit (a double tap, Enter in a field) is stopped by
``static/session.js``; the form's idempotency key makes a repeat harmless on the server anyway
(tests/web/test_trusted_checkins.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenTab, demo_login, sign_in
from tests.browser.server import Server

pytestmark = pytest.mark.browser

# Runs after session.js's own listener: counts the submits that would still go to the server,
# and keeps the page here so the form can be looked at after them.
COUNT_SUBMITS = """f => {
  window.sent = 0;
  f.addEventListener("submit", e => {
    if (!e.defaultPrevented) { window.sent += 1; }
    e.preventDefault();
  });
}"""


def test_the_check_in_form_submits_once(open_tab: OpenTab, server: Server) -> None:
    tab = open_tab("phone", javascript=True)
    sign_in(tab, demo_login(server, "patient", "rosa"), expect_path="/me")
    tab.check("today")
    tab.goto("/me/session?step=50")
    tab.check("checkin-form-js")
    page = tab.page
    key = page.locator("input[name=idempotency_key]").get_attribute("value") or ""
    assert len(key) >= 20
    form = page.locator("form.checkin")
    form.evaluate(COUNT_SUBMITS)
    page.locator("input[name=completed][value=yes]").check()
    page.get_by_label(re.compile("^Pain right now")).fill("1")
    page.locator("input[name=difficulty][value=easy]").check()
    page.locator("input[name=weakness_worse][value=no]").check()
    page.locator("input[name=balance_worse][value=no]").check()
    send = page.locator("form.checkin button[type=submit]")
    send.click()
    expect(send).to_be_disabled()
    expect(send).to_have_text("Sending...")
    form.evaluate("f => f.requestSubmit()")  # a second submit: Enter in a field
    send.dispatch_event("click")  # a second tap
    assert page.evaluate("window.sent") == 1
