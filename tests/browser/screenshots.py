"""Screenshots of every page at phone and desktop size, for review (``scripts/screenshots``).

It starts the real ``dorsi serve`` on a fresh demo clinic (or uses ``--base-url`` with
``--logins FILE``, the lines ``dorsi demo`` printed), signs in as each demo person through the
login form and saves one full-page PNG per page, size and language to
``artifacts/screenshots/tour/<lang>-<size>-<page>.png``. It is a review aid, not a test: a page
that answers with an error is still shot, and listed at the end.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.pages import DESKTOP, PHONE, ROOT
from tests.browser.server import (
    Login,
    create_user,
    fill_demo,
    parse_logins,
    running_server,
    server_env,
)

OUT = ROOT / "artifacts" / "screenshots" / "tour"
CHROMIUM = "/usr/bin/chromium"
SIZES = {"phone": PHONE, "desktop": DESKTOP}

PUBLIC = {
    "login": "/login",
    "learn": "/learn",
    "learn-topic": "/learn/what_is_foot_drop",
    "urgent": "/urgent",
    "cost": "/cost",
}
PATIENT = {
    "today": "/me",
    "session": "/me/session",
    "session-last": "/me/session?step=4",
    "checkin": "/me/session?step=50",
    "progress": "/me/progress",
    "reminders": "/me/reminders",
    "messages": "/me/messages",
    "brace": "/me/brace",
    "gait-videos": "/me/gait-videos",
    "questionnaire": "/me/questionnaires/lefs",
    "account": "/account",
}
CLINICIAN = {
    "patients": "/clinic",
    "worklist": "/clinic/worklist",
    "new-patient": "/clinic/patients/new",
    "dashboard": "{p}",
    "screening": "{p}/screening",
    "evaluation": "{p}/evaluation",
    "program": "{p}/program",
    "gait-videos": "{p}/gait-videos",
    "learn-marks": "{p}/learn",
    "account": "/account",
}


def sign_in(page: Page, base_url: str, login: Login) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Username").fill(login.username)
    page.get_by_label("Password").fill(login.password)
    page.get_by_role("button", name=re.compile("Sign in|Entrar|Iniciar")).click()
    page.wait_for_load_state("load")


def set_language(page: Page, base_url: str, lang: str) -> None:
    """The language switch in the header (a form), when the page is not already in ``lang``."""
    page.goto(base_url + "/learn")
    button = page.locator(f"form.lang-switch button[value={lang}]")
    if button.count():
        button.first.click()
        page.wait_for_load_state("load")


class Tour:
    def __init__(self, browser: Browser, base_url: str, only: str | None) -> None:
        self.browser = browser
        self.base_url = base_url
        self.only = re.compile(only) if only else None
        self.shot: list[Path] = []
        self.failed: list[str] = []

    def pages(
        self, who: Login | None, paths: dict[str, str], *, lang: str, size: str, prefix: str
    ) -> None:
        names = [n for n in paths if not self.only or self.only.search(f"{prefix}-{n}")]
        if not names:
            return
        phone = size == "phone"
        context = self.browser.new_context(
            viewport=SIZES[size], is_mobile=phone, has_touch=phone, locale="en-US"
        )
        page = context.new_page()
        try:
            if who is not None:
                sign_in(page, self.base_url, who)
            if lang != "en":
                set_language(page, self.base_url, lang)
            dashboard = ""
            if who is not None and who.role == "clinician":
                page.goto(self.base_url + "/clinic")
                link = page.get_by_role("link", name=re.compile("^Grace"))
                dashboard = (link.get_attribute("href") or "") if link.count() else ""
            for name in names:
                path = paths[name].replace("{p}", dashboard)
                answer = page.goto(self.base_url + path)
                page.wait_for_load_state("load")
                if answer is None or answer.status >= 400:
                    self.failed.append(f"{path}: {answer.status if answer else 'no answer'}")
                out = OUT / f"{lang}-{size}-{prefix}-{name}.png"
                page.screenshot(path=str(out), full_page=True)
                self.shot.append(out)
        finally:
            context.close()


@contextmanager
def demo_server(
    base_url: str | None, logins_file: str | None
) -> Iterator[tuple[str, dict[str, Login]]]:
    if base_url:
        if not logins_file:
            raise SystemExit("--base-url needs --logins (the lines `dorsi demo` printed)")
        yield base_url, parse_logins(Path(logins_file).read_text("utf-8"))
        return
    with tempfile.TemporaryDirectory(prefix="dorsi-shots-") as tmp:
        env = server_env(Path(tmp))
        logins = fill_demo(env)
        admin = create_user(env, "admin", "screenshot-admin")
        logins[admin.username] = admin
        with running_server(env, Path(tmp) / "serve.log") as (url, _proc):
            yield url, logins


def by_role(logins: dict[str, Login], role: str, who: str = "") -> Login:
    for login in logins.values():
        if login.role == role and who.lower() in login.who.lower():
            return login
    raise SystemExit(f"no demo {role} {who!r} among {sorted(logins)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="a running server (default: start one on a demo)")
    parser.add_argument("--logins", help="with --base-url: a file with `dorsi demo`'s output")
    parser.add_argument("--lang", action="append", choices=["en", "es"], help="default: both")
    parser.add_argument("--size", action="append", choices=list(SIZES), help="default: both")
    parser.add_argument("--only", help="a regular expression over <role>-<page>")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    with demo_server(args.base_url, args.logins) as (url, logins), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        tour = Tour(browser, url, args.only)
        for lang in args.lang or ["en", "es"]:
            for size in args.size or list(SIZES):
                tour.pages(None, PUBLIC, lang=lang, size=size, prefix="public")
                rosa = by_role(logins, "patient", "rosa")
                tour.pages(rosa, PATIENT, lang=lang, size=size, prefix="patient")
                grace = by_role(logins, "patient", "grace")
                paused = {"today-paused": "/me", "session-paused": "/me/session"}
                tour.pages(grace, paused, lang=lang, size=size, prefix="patient")
                if lang == "en":  # the staff pages are in English
                    clinician = by_role(logins, "clinician")
                    tour.pages(clinician, CLINICIAN, lang=lang, size=size, prefix="clinic")
                    admins = [lg for lg in logins.values() if lg.role == "admin"]
                    if admins:
                        users = {"users": "/admin/users"}
                        tour.pages(admins[0], users, lang=lang, size=size, prefix="admin")
        browser.close()
    print(f"{len(tour.shot)} screenshots in {OUT.relative_to(ROOT)}")
    for problem in tour.failed:
        print(f"answered with an error: {problem}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
