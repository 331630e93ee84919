from tests.store.fixtures import database_url, db, migrated

__all__ = ["database_url", "db", "migrated"]
