"""Pages without sign-in: "Is this urgent?" and the cost estimate, on a phone and a desktop."""

from __future__ import annotations

import pytest

from tests.browser.conftest import OpenTab

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_urgent_form_loads(open_tab: OpenTab, viewport: str) -> None:
    tab = open_tab(viewport)
    tab.goto("/urgent")
    tab.check("form")
