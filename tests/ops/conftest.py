from tests.web.conftest import app, client, clinic, clock, settings

__all__ = ["app", "client", "clinic", "clock", "settings"]
