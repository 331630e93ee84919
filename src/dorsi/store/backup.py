"""Back up and restore the whole Dorsi database (``dorsi backup PATH``, ``dorsi restore PATH``).

- **SQLite**: the online backup API of SQLite copies a consistent snapshot while the app keeps
  running. The copy is written beside the target, checked (``PRAGMA integrity_check``),
  flushed to disk and then renamed into place, so a backup file is either complete or absent.
  It is a plain SQLite file (journal mode DELETE) that ``sqlite3`` can open.
- **PostgreSQL**: ``pg_dump --format=custom`` of the schema Dorsi's tables live in (the first
  schema of the connection's ``search_path``, usually ``public``), without owners or grants.
  The password goes to ``pg_dump`` in its environment, never on its command line.

A restore refuses a database that holds any Dorsi rows unless ``force`` is given; an empty
database (no file, no tables, or tables without rows, e.g. just migrated) is always fine.
A PostgreSQL restore replaces Dorsi's tables in ONE transaction (``psql --single-transaction``
fed by ``pg_restore``), so a failed restore leaves the database as it was. After a restore the
schema is migrated to this version's head.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL, make_url

from dorsi.errors import ConflictError, DorsiError, InputError, MissingExtraError
from dorsi.store.db import make_engine
from dorsi.store.migrate import current_revision, upgrade
from dorsi.store.models import Base

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CLIENT_HINT = "install PostgreSQL's client programs (Debian: apt-get install postgresql-client)"
VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class Summary:
    """What a backup or restore moved: rows per table."""

    path: Path
    rows: Mapping[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


# --- shared -------------------------------------------------------------------------------


def dorsi_tables() -> list[str]:
    """Every table Dorsi owns, the migration record included."""
    return [table.name for table in Base.metadata.sorted_tables] + [VERSION_TABLE]


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in each Dorsi table that exists in the database (in its first schema)."""
    present = set(inspect(engine).get_table_names())
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        for name in dorsi_tables():
            if name in present:
                counts[name] = int(
                    connection.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()  # noqa: S608 - names from our metadata
                )
    return counts


def holds_data(engine: Engine) -> bool:
    """True when any Dorsi table (other than the migration record) has a row."""
    return any(n for name, n in row_counts(engine).items() if name != VERSION_TABLE)


def _refuse_overwrite(engine: Engine, shown: str, force: bool) -> None:
    if not force and holds_data(engine):
        raise ConflictError(
            f"the database {shown} already holds data; restoring would replace it. Restore into "
            "an empty database, or add --force to replace everything in it"
        )


def _prepare_target(path: Path, force: bool) -> Path:
    if path.exists() and not force:
        raise InputError(f"{path} already exists; choose a new file or add --force", field="PATH")
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file name", field="PATH")
    if not path.parent.is_dir():
        raise InputError(f"the folder {path.parent} does not exist", field="PATH")
    return path.with_name(f".{path.name}.partial-{os.getpid()}")


def _sync_and_rename(partial: Path, path: Path) -> None:
    with partial.open("rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


# --- SQLite -------------------------------------------------------------------------------


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise InputError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database).expanduser()


def _integrity_ok(connection: sqlite3.Connection) -> bool:
    return [row[0] for row in connection.execute("PRAGMA integrity_check")] == ["ok"]


def _sqlite_backup(engine: Engine, path: Path, force: bool) -> Summary:
    source = _sqlite_file(engine.url)
    if current_revision(engine) is None:
        raise InputError(f"{source} has no Dorsi schema; nothing to back up")
    partial = _prepare_target(path, force)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            if not _integrity_ok(dst):
                raise DorsiError(f"the copy of {source} failed SQLite's integrity check")
        finally:
            dst.close()
            src.close()
        _sync_and_rename(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Summary(path, _file_counts(path))


def _file_counts(path: Path) -> dict[str, int]:
    engine = make_engine(f"sqlite:///{path}")
    try:
        return row_counts(engine)
    finally:
        engine.dispose()


def _check_sqlite_backup(path: Path) -> None:
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise InputError(f"{path} is not a SQLite backup made by 'dorsi backup'", field="PATH")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if not _integrity_ok(connection):
            raise InputError(f"{path} is damaged (SQLite's integrity check failed)", field="PATH")
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    finally:
        connection.close()
    if VERSION_TABLE not in names:
        raise InputError(f"{path} holds no Dorsi database (no migration record)", field="PATH")


def _sqlite_restore(engine: Engine, path: Path, force: bool, shown: str) -> Summary:
    target = _sqlite_file(engine.url)
    _check_sqlite_backup(path)
    if target.exists():
        _refuse_overwrite(engine, shown, force)
    engine.dispose()  # no pooled connection may hold the file while it is replaced
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        # The backup API replaces the target's pages in one locked step.
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
        if not _integrity_ok(dst):
            raise DorsiError(f"the restored {target} failed SQLite's integrity check")
    finally:
        dst.close()
        src.close()
    upgrade(engine)
    return Summary(target, row_counts(engine))


# --- PostgreSQL ---------------------------------------------------------------------------


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise MissingExtraError(f"'{name}' is not installed; {PG_CLIENT_HINT}")
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment that carries it."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: Mapping[str, str], what: str, *, stdin: str | None = None) -> str:
    proc = subprocess.run(  # noqa: S603 - fixed programs, no shell
        args, env=dict(env), input=stdin, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        reason = lines[0] if lines else f"exit code {proc.returncode}"
        raise DorsiError(f"{what} failed: {reason}")
    return proc.stdout


def _current_schema(engine: Engine) -> str:
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar()
    if not schema:
        raise InputError(
            "no schema of the connection's search_path exists; create it first",
            field="DORSI_DATABASE_URL",
        )
    return str(schema)


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _pg_backup(engine: Engine, path: Path, force: bool) -> Summary:
    pg_dump = _program("pg_dump")
    if current_revision(engine) is None:
        raise InputError("the database has no Dorsi schema; nothing to back up")
    schema = _current_schema(engine)
    uri, env = _libpq(engine.url)
    partial = _prepare_target(path, force)
    try:
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--schema={_quoted(schema)}",
                f"--file={partial}",
                f"--dbname={uri}",
            ],
            env,
            "pg_dump",
        )
        _pg_toc(partial)  # readable, and a Dorsi backup
        _sync_and_rename(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Summary(path, row_counts(engine))


@dataclass(frozen=True)
class _Toc:
    schema: str
    tables: list[str]
    keep: list[str]  # TOC lines to restore (schema creation left out)


def _pg_toc(path: Path) -> _Toc:
    pg_restore = _program("pg_restore")
    try:
        listing = _run([pg_restore, "--list", str(path)], os.environ, "reading the backup")
    except DorsiError:
        raise InputError(f"{path} is not a PostgreSQL backup made by 'dorsi backup'") from None
    schemas: set[str] = set()
    tables: list[str] = []
    keep: list[str] = []
    for line in listing.splitlines():
        if not line.strip() or line.startswith(";"):
            continue
        # "<id>; <catalog> <oid> TYPE SCHEMA NAME OWNER", e.g. "216; 1259 78106 TABLE public t x"
        fields = line.split(";", 1)[1].split()
        kind = fields[2] if len(fields) > 2 else ""
        if kind == "SCHEMA" or (kind == "COMMENT" and fields[4:5] == ["SCHEMA"]):
            continue
        if kind == "TABLE" and len(fields) >= 5 and fields[3] != "DATA":
            schemas.add(fields[3])
            tables.append(fields[4])
        keep.append(line)
    if len(schemas) != 1 or VERSION_TABLE not in tables:
        raise InputError(f"{path} holds no Dorsi database (no migration record)", field="PATH")
    return _Toc(schemas.pop(), tables, keep)


def _pg_restore(engine: Engine, path: Path, force: bool, shown: str) -> Summary:
    pg_restore = _program("pg_restore")
    psql = _program("psql")
    toc = _pg_toc(path)
    schema = _current_schema(engine)
    if schema != toc.schema:
        raise InputError(
            f"the backup holds schema '{toc.schema}' but {shown} uses schema '{schema}'; restore "
            f"into a database whose search_path starts with '{toc.schema}'",
            field="DORSI_DATABASE_URL",
        )
    _refuse_overwrite(engine, shown, force)
    uri, env = _libpq(engine.url)
    names = sorted(set(toc.tables) | set(dorsi_tables()))
    drops = "; ".join(
        [f"DROP TABLE IF EXISTS {_quoted(schema)}.{_quoted(n)} CASCADE" for n in names]
        + [f"DROP FUNCTION IF EXISTS {_quoted(schema)}.audit_log_append_only() CASCADE"]
    )
    listing = path.with_name(f".{path.name}.toc-{os.getpid()}")
    listing.write_text("\n".join(toc.keep) + "\n", encoding="utf-8")
    try:
        script = _run(
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                f"--use-list={listing}",
                "--file=-",
                str(path),
            ],
            os.environ,
            "pg_restore",
        )
    finally:
        listing.unlink(missing_ok=True)
    engine.dispose()
    _run(
        [
            psql,
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--command={drops}",
            "--file=-",
            f"--dbname={uri}",
        ],
        env,
        "restoring with psql",
        stdin=script,
    )
    upgrade(engine)
    return Summary(path, row_counts(engine))


# --- entry points -------------------------------------------------------------------------


def backup(engine: Engine, path: Path, *, force: bool = False) -> Summary:
    """Write a consistent backup of the database behind ``engine`` to ``path``."""
    if engine.dialect.name == "sqlite":
        return _sqlite_backup(engine, path, force)
    return _pg_backup(engine, path, force)


def restore(engine: Engine, path: Path, *, force: bool = False) -> Summary:
    """Replace the database behind ``engine`` with the backup at ``path`` (see the module)."""
    if not path.is_file():
        raise InputError(f"{path} is not a file", field="PATH")
    shown = make_url(engine.url).render_as_string(hide_password=True)
    if engine.dialect.name == "sqlite":
        return _sqlite_restore(engine, path, force, shown)
    return _pg_restore(engine, path, force, shown)


__all__ = ["Summary", "backup", "dorsi_tables", "holds_data", "restore", "row_counts"]
