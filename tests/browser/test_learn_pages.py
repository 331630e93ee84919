"""Every Learn page on a phone, in English and in Spanish: screenshots and axe-core (issue 7).

The language is chosen the way a reader does it, with the switcher in the page header; the
expected titles come from the Learn catalog itself.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dorsi.education import load_topics, render_topic
from dorsi.i18n import LANGUAGE_NAMES, Language
from tests.browser.conftest import OpenTab

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_learn_page_on_a_phone(open_tab: OpenTab, lang: Language) -> None:
    tab = open_tab("phone", name=f"learn-{lang}")
    tab.goto("/learn")
    if lang != "en":
        tab.check("index-before-choice")
        tab.page.get_by_role("button", name=LANGUAGE_NAMES[lang]).click()
        tab.page.wait_for_load_state("load")
    tab.check("index")
    expect(tab.page.locator("html")).to_have_attribute("lang", lang)
    catalog = load_topics()
    expect(tab.page.locator(".topic-card")).to_have_count(len(catalog.ids))
    for topic in catalog.topics:
        tab.goto(f"/learn/{topic.id}")
        tab.check(topic.id)
        page = render_topic(topic, lang)
        expect(tab.page.get_by_role("heading", level=1)).to_have_text(page.title)
        expect(tab.page.locator("html")).to_have_attribute("lang", lang)
