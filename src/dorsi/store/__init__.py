"""Storage: SQLAlchemy 2 models, engine set-up, Alembic migrations shipped in the package.

SQLite is the default (a file in the user's data directory, WAL, ``synchronous=FULL``);
PostgreSQL works with a ``postgresql+psycopg://`` URL. Nothing here knows about HTTP.
"""

from __future__ import annotations

import importlib.util

from dorsi.errors import MissingExtraError

WEB_EXTRA_HINT = "run scripts/setup, or: pip install -e '.[web]'"


def require_web_extra() -> None:
    """Raise :class:`MissingExtraError` (saying how to install it) when the web extra is missing."""
    for module in ("sqlalchemy", "alembic", "fastapi", "pydantic_settings", "argon2"):
        if importlib.util.find_spec(module) is None:
            raise MissingExtraError(
                f"the web part of Dorsi is not installed (no '{module}'); {WEB_EXTRA_HINT}"
            )
