"""Prepared statements for the hottest paths: SQLAlchemy Core, compiled once per database.

Every request authenticates, checks access and appends to the audit log; check-ins add one
row. Through the ORM each of those statements costs more Python (building the statement, its
cache key, the unit of work) than the database spends on it. Here a
statement is written once in SQLAlchemy Core (so its SQL, quoting and types stay the
dialect's), compiled once per dialect, and then run on the DB-API cursor of the session's own
connection, in the session's transaction, with the column types' own bind and result
processors (a datetime is stored exactly as the ORM stores it).

Only for short statements on the request path; everything else uses the ORM.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Plan:
    sql: str
    positional: bool
    order: tuple[str, ...]  # bind names in the order of the SQL's placeholders
    binds: dict[str, Processor]
    defaults: dict[str, Any]  # values Core bound itself (e.g. a LIMIT)
    results: tuple[Processor, ...]


class Prepared:
    """A Core statement (built by ``build``) run without the ORM; see the module docs.

    Parameters are passed by bind name (``bindparam("now")`` or the names Core gave them).
    """

    def __init__(self, build: Callable[[], ClauseElement]) -> None:
        self._build = build
        self._plans: dict[str, _Plan] = {}
        self._lock = threading.Lock()

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(_key(dialect))
        if plan is not None:
            return plan
        with self._lock:
            statement = self._build()
            compiled = statement.compile(dialect=dialect)
            if not isinstance(compiled, SQLCompiler):  # pragma: no cover - Core always is
                raise TypeError("not a SQL statement")
            binds: dict[str, Processor] = {
                name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                for name, bind in compiled.binds.items()
            }
            if "POSTCOMPILE" in compiled.string:  # pragma: no cover - not for these dialects
                raise ValueError("statements with expanding parameters cannot be prepared")
            defaults = {
                name: bind.value
                for name, bind in compiled.binds.items()
                if not bind.required and bind.callable is None
            }
            columns = getattr(statement, "selected_columns", None)
            if columns is None or not len(columns):
                columns = getattr(statement, "_returning", ()) or ()
            results = tuple(
                c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
            )
            plan = _Plan(
                sql=compiled.string,
                positional=bool(dialect.positional),
                order=tuple(compiled.positiontup or ()),
                binds=binds,
                defaults=defaults,
                results=results,
            )
            self._plans[_key(dialect)] = plan
            return plan

    def rows(self, session: Session, **params: Any) -> list[tuple[Any, ...]]:
        """Run in ``session``'s transaction (after flushing what it has pending, as the ORM
        would); the rows the statement returns (PostgreSQL may return an insert's new id
        unasked). Pass every value: Python-side column defaults are not applied.

        Driver errors are raised as SQLAlchemy's (``IntegrityError``, ``OperationalError``...),
        as the ORM would raise them.
        """
        connection = _connection(session)
        plan = self._plan(connection.dialect)
        values: dict[str, Any] = {}
        for name, value in (plan.defaults | params).items():
            process = plan.binds.get(name)
            values[name] = process(value) if process is not None else value
        args: Sequence[Any] | dict[str, Any] = (
            tuple(values[name] for name in plan.order) if plan.positional else values
        )
        dispatch = connection.dispatch
        if (
            dispatch.before_cursor_execute
            or dispatch.after_cursor_execute
            or connection.engine.echo
        ):
            # someone watches the SQL (a test, a debugging session): the full Core pipeline
            result = connection.exec_driver_sql(plan.sql, args)
            found = list(result.fetchall()) if result.returns_rows else []
            return [_processed(plan.results, row) for row in found]
        driver = connection.connection.driver_connection
        cursor = driver.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(plan.sql, args)
            found = cursor.fetchall() if cursor.description is not None else []
        except connection.dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(
                plan.sql, None, error, connection.dialect.loaded_dbapi.Error, hide_parameters=True
            ) from error
        finally:
            cursor.close()
        return [_processed(plan.results, row) for row in found]

    def first(self, session: Session, **params: Any) -> tuple[Any, ...] | None:
        found = self.rows(session, **params)
        return found[0] if found else None


def _processed(results: tuple[Processor, ...], row: Sequence[Any]) -> tuple[Any, ...]:
    if not any(results):
        return tuple(row)
    return tuple(p(v) if p is not None else v for p, v in zip(results, row, strict=False))


def _key(dialect: Dialect) -> str:
    return f"{dialect.name}+{dialect.driver}"


def _connection(session: Session) -> Connection:
    """The session's connection in its current transaction (kept in ``session.info``)."""
    if session.autoflush:
        session.flush()
    found = session.info.get(_CONNECTION)
    if found is None or found[0] is not session.get_transaction():
        found = (session.get_transaction(), session.connection())
        session.info[_CONNECTION] = found
    connection: Connection = found[1]
    return connection


_CONNECTION = "dorsi.prepared.connection"

__all__ = ["Prepared"]
