"""A checked browser tab: every page it shows gets a screenshot and an axe-core run.

``Tab.check(step)`` saves ``artifacts/screenshots/<test>-<step>.png`` and asserts that axe-core
finds no ``serious`` or ``critical`` violation, that the page raised no JavaScript error and
logged no console error (a CSP block shows up there). A tab that navigated to a page that was
never checked fails at the end of its test, so no visited page escapes the accessibility run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Frame,
    Page,
    Response,
    ViewportSize,
)

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE_REPORT = ROOT / "artifacts" / "axe-report.jsonl"
AXE_PAGES = ROOT / "artifacts" / "axe-pages.tsv"  # viewport, page (ids as {id}), screenshot
FAILING_IMPACTS = ("serious", "critical")

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}

RUN_AXE = """async () => {
  const result = await window.axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200),
                              summary: n.failureSummary}))
  }));
}"""


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    """The violations as readable lines: rule, impact, help, then each offending element."""
    lines = [f"axe-core: {len(violations)} serious/critical violation(s) on {url}"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    at {node['target']}: {node['html']}")
            summary = (node.get("summary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"      {summary}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more element(s)")
    return "\n".join(lines)


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.]+", "-", text).strip("-")


@dataclass
class Tab:
    """One page in its own browser context, named after the test that drives it."""

    context: BrowserContext
    page: Page
    test: str
    base_url: str
    viewport: str
    navigations: int = 0
    checked_navigation: int = 0
    unchecked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    # With JavaScript off, axe-core cannot run in the page itself: it runs in this twin page
    # (JavaScript on, the page's own scripts blocked) on the very same HTML, styles and images.
    twin: Page | None = None

    def __post_init__(self) -> None:
        self.page.on("framenavigated", self._navigated)
        self.page.on("console", self._console)
        self.page.on("response", self._response)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

    def _navigated(self, frame: Frame) -> None:
        if frame == self.page.main_frame:
            if self.navigations > self.checked_navigation:
                self.unchecked.append(self.page.url)
            self.navigations += 1

    def _console(self, message: ConsoleMessage) -> None:
        # A failed load is reported by ``_response`` with its address instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console error: {message.text}")

    def _response(self, response: Response) -> None:
        # Pages answer 4xx on purpose (a form with an error is a 422); only sub-resources
        # (styles, scripts, pictures) must load. The app has no favicon: not a page problem.
        path = response.url.removeprefix(self.base_url)
        failed = response.request.resource_type != "document" and response.status >= 400
        if failed and path != "/favicon.ico":
            self.errors.append(f"{path} answered {response.status}")

    # --- driving ------------------------------------------------------------------------

    def goto(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None, f"no answer for {path}"

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    # --- checking -----------------------------------------------------------------------

    def check(self, step: str) -> None:
        """Screenshot, then axe-core and the console for the page now shown."""
        self.page.wait_for_load_state("load")
        name = safe_name(f"{self.test}-{len(self.steps) + 1:02d}-{step}")
        self.steps.append(name)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        violations = self._axe()
        with AXE_REPORT.open("a", encoding="utf-8") as report:
            for v in violations:
                entry = {"page": name, "url": self.path, **v}
                report.write(json.dumps(entry) + "\n")
        with AXE_PAGES.open("a", encoding="utf-8") as pages:
            route = re.sub(r"/\d+", "/{id}", self.path.split("#")[0])
            pages.write(f"{self.viewport}\t{route}\t{name}\n")
        self.checked_navigation = self.navigations
        if self.viewport == "phone":
            shown = self.twin or self.page  # the twin holds this page's HTML after _axe()
            width = shown.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], (
                f"{self.path} ({name}) is {width} px wide on a {PHONE['width']} px phone: "
                "no page (patient, public, clinician or admin) may scroll sideways"
            )
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        assert not failing, format_violations(f"{self.path} ({name})", failing)
        assert not self.errors, f"{self.path} ({name}): " + "; ".join(self.errors)

    def _axe(self) -> list[dict[str, Any]]:
        if self.twin is None:
            found: list[dict[str, Any]] = self.page.evaluate(RUN_AXE)
            return found
        url, html = self.page.url, self.page.content()
        twin = self.twin
        twin.route("**/*.js", lambda route: route.abort())
        twin.route(
            lambda address: address == url,
            lambda route: route.fulfill(body=html, content_type="text/html"),
        )
        try:
            twin.goto(url)
            assert twin.url == url, f"the axe twin of {url} went to {twin.url}"
            result: list[dict[str, Any]] = twin.evaluate(RUN_AXE)
        finally:
            twin.unroute_all()
        return result

    def close(self) -> None:
        if self.navigations > self.checked_navigation:
            self.unchecked.append(self.page.url)
        self.context.close()
        if self.twin is not None:
            self.twin.context.close()
        assert not self.unchecked, f"pages shown without an axe-core check: {self.unchecked}"
