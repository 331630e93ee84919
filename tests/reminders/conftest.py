"""Fixtures: the web app on each database and the small clinic (shared with tests/web)."""

from __future__ import annotations

from tests.web.conftest import (
    app,
    client,
    clinic,
    clock,
    settings,
)

__all__ = ["app", "client", "clinic", "clock", "settings"]
