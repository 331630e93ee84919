from tests.store.fixtures import database_url, db, migrated
from tests.web.conftest import app, client, clinic, clock, settings

__all__ = ["app", "client", "clinic", "clock", "database_url", "db", "migrated", "settings"]
