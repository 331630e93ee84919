"""``dorsi demo``: fill an EMPTY database with the demo clinic and print its logins."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Fill an empty database (DORSI_DATABASE_URL) with a demo clinic: one clinician and "
        "three patients with five weeks of synthetic history. Prints the logins."
    )


def logins_file(data_dir: Path) -> Path:
    return data_dir / "demo-logins.txt"


def fill_and_describe(*, quiet_if_full: bool) -> str:
    """Fill the demo clinic when the database is empty; the text listing the logins.

    The demo passwords are random; they are also kept (mode 0600) in the data directory so a
    later ``dorsi serve --demo`` can show them again. They are demo accounts only.
    """
    from dorsi.errors import ConflictError
    from dorsi.services.context import utc_now
    from dorsi.services.demo import fill_demo, is_empty
    from dorsi.settings import get_settings
    from dorsi.store.db import Database
    from dorsi.store.migrate import upgrade

    settings = get_settings()
    database = Database.from_url(settings.resolved_database_url)
    try:
        upgrade(database.engine)
        path = logins_file(settings.data_dir)
        if not is_empty(database):
            if not quiet_if_full:
                raise ConflictError(
                    "the database already has users; the demo only fills an empty database"
                )
            if path.exists():
                return "Demo logins (from the first demo run):\n" + path.read_text("utf-8")
            return "The database already has users; no demo data was added.\n"
        logins = fill_demo(database, settings, today=utc_now())
    finally:
        database.dispose()
    lines = [f"  {x.role:<9} {x.username:<15} password: {x.password}   ({x.who})" for x in logins]
    text = "\n".join(lines) + "\n"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return "Demo clinic created. Sign in with:\n" + text


def run(args: argparse.Namespace) -> int:
    from dorsi.store import require_web_extra

    require_web_extra()
    print(fill_and_describe(quiet_if_full=False), end="")
    return 0
