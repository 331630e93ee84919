"""Fixtures for the browser tests: the real ``dorsi serve`` and Debian's chromium.

The server is started once per test session on a fresh SQLite file holding the demo clinic
(``dorsi demo``) and an admin made with ``dorsi users create`` (password on stdin).
Chromium is Debian's (``/usr/bin/chromium``); Playwright never downloads a browser here.
Without chromium or axe-core these tests fail and say how to install them
(``scripts/setup --dev``): nothing is skipped silently.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.browser.pages import AXE_JS, AXE_PAGES, AXE_REPORT, DESKTOP, PHONE, SCREENSHOTS, Tab
from tests.browser.server import (
    Login,
    Server,
    create_user,
    fill_demo,
    running_server,
    server_env,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

OpenTab = Callable[..., Tab]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("dorsi-serve")
    env = server_env(data_dir)
    logins = fill_demo(env)
    admin = create_user(env, "admin", "browser-admin")
    logins[admin.username] = admin
    log_path = data_dir / "serve.log"
    with running_server(env, log_path) as (base_url, _proc):
        yield Server(base_url=base_url, logins=logins, log_path=log_path)


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    """One Playwright driver for the session: a second sync driver cannot start while one runs
    (its event loop is already running), so every browser of the tests is launched from it."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup --dev (installs Debian's chromium)")
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run scripts/setup --dev (npm ci installs axe-core)")
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    AXE_REPORT.unlink(missing_ok=True)
    AXE_PAGES.unlink(missing_ok=True)
    chromium = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()


@pytest.fixture
def open_tab(browser: Browser, server: Server, request: pytest.FixtureRequest) -> Iterator[OpenTab]:
    """``open_tab(viewport="phone"|"desktop", javascript=True, fake_clock=False, name=...)``:
    a fresh browser context (its own cookies) with axe-core loaded into every page."""
    tabs: list[Tab] = []

    def open_one(
        viewport: str = "desktop",
        *,
        javascript: bool = True,
        fake_clock: bool = False,
        name: str | None = None,
    ) -> Tab:
        def new_page(javascript: bool) -> Page:
            phone = viewport == "phone"
            context = browser.new_context(
                viewport=PHONE if phone else DESKTOP,
                is_mobile=phone,
                has_touch=phone,
                java_script_enabled=javascript,
                locale="en-US",
                timezone_id="UTC",
            )
            context.set_default_timeout(10_000)
            # An init script runs in every page before its own scripts and is not subject to
            # the page's CSP, so the app keeps its strict CSP (no bypass) with axe-core present.
            context.add_init_script(path=str(AXE_JS))
            return context.new_page()

        page = new_page(javascript)
        if fake_clock:
            page.clock.install()
        tab = Tab(
            context=page.context,
            page=page,
            test=name or request.node.name,
            base_url=server.base_url,
            viewport=viewport,
            twin=None if javascript else new_page(True),
        )
        tabs.append(tab)
        return tab

    yield open_one
    problems = []
    for tab in tabs:
        try:
            tab.close()
        except AssertionError as exc:
            problems.append(str(exc))
    # After a failed step the pages it left unchecked are no news.
    if problems and not request.node.stash.get(CALL_FAILED, True):
        pytest.fail("; ".join(problems))


def sign_in(tab: Tab, login: Login, *, expect_path: str) -> None:
    """Sign in through the real form and land on ``expect_path``."""
    tab.goto("/login")
    tab.check("sign-in")
    tab.page.get_by_label("Username").fill(login.username)
    tab.page.get_by_label("Password").fill(login.password)
    tab.page.get_by_role("button", name="Sign in").click()
    tab.page.wait_for_url(f"**{expect_path}")


def demo_login(server: Server, role: str, who: str = "") -> Login:
    """A demo login by role (and, for patients, by part of the display name)."""
    for login in server.logins.values():
        if login.role == role and who.lower() in login.who.lower():
            return login
    raise LookupError(f"no demo {role} {who!r} in {sorted(server.logins)}")
