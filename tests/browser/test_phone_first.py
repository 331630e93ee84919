"""Pages made for a phone (390 x 844) and a desktop: Today's first screen holds the next
action, five exercises fit in three phone screens, the stop rules appear once, captions are
readable, touch targets are 44 px, in English and Spanish; the guided session keeps its place
across a reload and its counts reach the check-in; the clinician's page starts with a summary."""

from __future__ import annotations

import html
import re

import pytest
from playwright.sync_api import Page, expect

from dorsi.catalog.exercises import load_exercises
from dorsi.pictures.pose_file import load_poses
from tests.browser.conftest import OpenTab, demo_login, sign_in
from tests.browser.pages import PHONE, Tab
from tests.browser.server import Server

pytestmark = pytest.mark.browser

VIEWPORTS = ["phone", "desktop"]
MIN_TARGET_PX = 44
MIN_CAPTION_PX = 14

# Links and buttons that are touch targets of their own (links inside running text are not).
TARGETS = (
    "header.top a:not(.skip), header.top button, main .button, main button, main summary, "
    "footer a, footer button"
)
SMALL_TARGETS = """([sel, min]) => Array.from(document.querySelectorAll(sel))
  .filter(e => e.offsetParent !== null)
  .map(e => { const r = e.getBoundingClientRect();
              return {text: (e.innerText || e.value || '').trim().slice(0, 40),
                      w: Math.round(r.width), h: Math.round(r.height)}; })
  .filter(r => r.w < min || r.h < min)"""


def small_targets(page: Page) -> list[dict[str, object]]:
    found: list[dict[str, object]] = page.evaluate(SMALL_TARGETS, [TARGETS, MIN_TARGET_PX])
    return found


def switch_language(tab: Tab, lang: str) -> None:
    tab.page.locator(f"form.lang-switch button[value={lang}]").click()
    tab.page.wait_for_load_state("load")


def check_today(tab: Tab, lang: str) -> None:
    page = tab.page
    catalog = load_exercises(lang)
    start = page.locator("main a.button[href='/me/session']")
    expect(start).to_be_visible()
    cards = page.locator("article.exercise-card")
    assert cards.count() == 5, "Rosa's demo program has five exercises"
    if tab.viewport == "phone":
        box = start.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= PHONE["height"], f"start is below the fold: {box}"
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= 3 * PHONE["height"], f"Today is {height} px: more than 3 phone screens"
    # The stop rules every exercise shares: once on the page, one tap away (a fold).
    for rule in catalog.common_stop_rules:
        assert page.locator("body").evaluate("b => b.textContent").count(rule) == 1, rule
    stop = page.locator("details.stop-rules > summary")
    expect(stop).to_have_count(1)
    stop.click()
    expect(page.locator("details.stop-rules li").first).to_be_visible()
    assert catalog.common_stop_rules[0] in page.locator("details.stop-rules").inner_text()
    assert page.locator("main a[href='/me/handout.pdf']").count() == 1
    assert page.locator("main a[href='/urgent'], header a[href='/urgent']").count() >= 1
    # A picture is the column's width, its caption page-size text.
    cards.first.locator("details.how-to > summary").click()
    picture = cards.first.locator("figure.picture img")
    expect(picture).to_be_visible()
    column = page.locator("article.exercise-card").first.evaluate("e => e.clientWidth")
    width = picture.evaluate("i => i.getBoundingClientRect().width")
    assert width >= min(column - 40, 500), (width, column)
    for caption in page.locator("figcaption").all():
        if caption.is_visible():
            size = float(caption.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
            assert size >= MIN_CAPTION_PX, f"caption {size} px"
    check_words_in_picture(page, picture.evaluate("i => i.currentSrc || i.src"), width, lang)
    assert not small_targets(page), small_targets(page)


def check_words_in_picture(page: Page, src: str, shown_px: float, lang: str) -> None:
    """The caption and key drawn inside the picture: at least MIN_CAPTION_PX at the width the
    picture is shown, and in the page's language (the SVG scales its viewBox to that width)."""
    svg = page.request.get(src).text()
    view = re.search(r'viewBox="0 0 ([\d.]+) ', svg)
    assert view, src
    drawn = re.findall(r'<text class="(caption|key)"[^>]*font-size="([\d.]+)"[^>]*>([^<]*)<', svg)
    assert {role for role, _, _ in drawn} == {"caption", "key"}, src
    for role, size, text in drawn:
        px = float(size) * shown_px / float(view.group(1))
        assert px >= MIN_CAPTION_PX, f"{role} '{text}' is {px:.1f} px in {src}"
    exercise_id = src.rsplit("/", 1)[-1].removesuffix(".svg")
    caption = html.unescape(" ".join(text for role, _, text in drawn if role == "caption"))
    assert caption == load_poses(lang).pictures[exercise_id].caption


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_today_first_screen_length_stop_rules_and_targets(
    open_tab: OpenTab, server: Server, viewport: str
) -> None:
    tab = open_tab(viewport)
    sign_in(tab, demo_login(server, "patient", "rosa"), expect_path="/me")
    tab.check("today")
    check_today(tab, "en")
    tab.check("today-open")
    switch_language(tab, "es")
    try:
        expect(tab.page.locator("html")).to_have_attribute("lang", "es")
        tab.check("today-es")
        check_today(tab, "es")
        tab.check("today-es-open")
        tab.goto("/me/session")
        tab.check("session-es")
        assert not small_targets(tab.page), small_targets(tab.page)
    finally:
        switch_language(tab, "en")  # Rosa's saved language goes back for the other tests
        tab.check("back-in-english")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_paused_today_shows_how_to_reach_the_clinic_first(
    open_tab: OpenTab, server: Server, viewport: str
) -> None:
    tab = open_tab(viewport)
    sign_in(tab, demo_login(server, "patient", "grace"), expect_path="/me")
    tab.check("today-paused")
    contact = tab.page.get_by_role("heading", name="How to reach the clinic")
    expect(contact).to_be_visible()
    box = contact.bounding_box()
    assert box is not None
    if viewport == "phone":
        assert box["y"] + box["height"] <= PHONE["height"], box
    assert not small_targets(tab.page), small_targets(tab.page)


#: every page a patient reaches from Today (the guided session and Today are checked above)
PATIENT_PAGES = (
    "/me/progress",
    "/me/messages",
    "/me/brace",
    "/me/reminders",
    "/me/questionnaires/lefs",
    "/me/gait-videos",
    "/urgent",
    "/learn",
    "/cost",
    "/account",
)


def test_every_patient_page_has_touch_targets_of_44_px_on_a_phone(
    open_tab: OpenTab, server: Server
) -> None:
    tab = open_tab("phone")
    sign_in(tab, demo_login(server, "patient", "rosa"), expect_path="/me")
    tab.check("today")
    small = {}
    for path in PATIENT_PAGES:
        tab.goto(path)
        tab.check(path.strip("/").replace("/", "-"))
        assert not tab.path.startswith("/login"), (path, tab.path)  # shown to her
        found = small_targets(tab.page)
        if found:
            small[path] = found
    assert small == {}


def test_guided_session_keeps_its_place_and_counts_reach_the_check_in(
    open_tab: OpenTab, server: Server
) -> None:
    tab = open_tab("phone", fake_clock=True)
    page = tab.page
    sign_in(tab, demo_login(server, "patient", "rosa"), expect_path="/me")
    tab.check("today")
    tab.goto("/me/session")
    tab.check("step1")
    trainer = page.locator(".trainer")
    expect(trainer).to_be_visible()
    sets = int(trainer.get_attribute("data-sets") or "0")
    reps = int(trainer.get_attribute("data-reps") or "0")
    rest = int(trainer.get_attribute("data-rest") or "0")
    assert sets >= 2, "Rosa's first exercise has sets of repetitions"
    assert reps >= 2, "Rosa's first exercise has sets of repetitions"
    timer = trainer.locator(".timer")
    # A rest before any repetition keeps the set.
    page.get_by_role("button", name=f"Rest {rest} s").click()
    page.clock.run_for((rest + 1) * 1000)
    expect(timer).to_have_text("Rest: done")
    expect(trainer.locator(".set")).to_have_text("1")
    # The first set, then a reload: the count is still there.
    for _ in range(reps):
        page.get_by_role("button", name="I did one").click()
    expect(timer).to_have_text("Set done. Rest now.")
    page.get_by_role("button", name="I did one").click()  # no more than the set's count
    expect(trainer.locator(".count")).to_have_text(str(reps))
    page.reload()
    tab.check("step1-reloaded")
    expect(trainer.locator(".set")).to_have_text("1")
    expect(trainer.locator(".count")).to_have_text(str(reps))
    expect(timer).to_have_text("Set done. Rest now.")
    # A rest that runs while the page is gone (Back, a locked phone) is over when it returns.
    page.get_by_role("button", name=f"Rest {rest} s").click()
    page.clock.run_for(1000)
    expect(timer).to_have_text(re.compile(rf"Rest: {rest - 1} s"))
    tab.goto("/me")
    tab.check("today-mid-rest")
    page.clock.run_for(rest * 1000)
    page.go_back()
    tab.check("step1-back")
    expect(trainer.locator(".set")).to_have_text("2")
    expect(trainer.locator(".count")).to_have_text("0")
    # The remaining sets; after the last one there is no rest to wait for.
    for set_no in range(2, sets + 1):
        for _ in range(reps):
            page.get_by_role("button", name="I did one").click()
        if set_no < sets:
            page.get_by_role("button", name=f"Rest {rest} s").click()
            page.clock.run_for((rest + 1) * 1000)
            expect(trainer.locator(".set")).to_have_text(str(set_no + 1))
    expect(timer).to_have_text("All sets done. Well done!")
    for button in trainer.locator("button[data-action]").all():
        expect(button).to_be_disabled()
    # The check-in starts with the sets the trainer counted.
    tab.goto("/me/session?step=50")
    tab.check("checkin")
    expect(page.get_by_label("How many sets did you do in all?")).to_have_value(str(sets))
    expect(page.locator("#sets_done-help")).to_be_visible()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_clinician_page_starts_with_a_summary(
    open_tab: OpenTab, server: Server, viewport: str
) -> None:
    tab = open_tab(viewport)
    sign_in(tab, demo_login(server, "clinician"), expect_path="/clinic")
    tab.check("patients")
    tab.page.get_by_role("link", name=re.compile("^Grace")).click()
    tab.page.wait_for_url(re.compile(r"/clinic/patients/\d+$"))
    tab.check("dashboard")
    summary = tab.page.locator("dl.summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Next reassessment")
    # Folding a section hides its content and keeps its heading.
    notes = tab.page.locator("section[aria-labelledby=notes]")
    expect(notes.locator("table")).to_be_visible()
    notes.locator("summary").click()
    expect(notes.locator("table")).to_be_hidden()
    expect(notes.get_by_role("heading", name="Session notes")).to_be_visible()
    assert not small_targets(tab.page), small_targets(tab.page)
