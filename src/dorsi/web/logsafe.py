"""Logs never carry patient data or secrets, even when something breaks.

Exception messages are not safe to log: a database driver repeats the value it could not
store (PostgreSQL: ``invalid input syntax for type integer: "<the patient's notes>"``), and a
validation library repeats the input. So a failure is logged as its exception types, the
frames (file, line, function) and, for a database error, the SQL statement with its
placeholders and the SQLSTATE code; never a message or a bound value.

:func:`install` adds :class:`RedactExceptions` to the loggers that print tracebacks (the app's
own, and uvicorn's, which logs every exception that reaches the server).
"""

from __future__ import annotations

import logging
import traceback

# A logger's filters see only the records made on that logger (not its children): name each.
LOGGERS = ("dorsi.web", "uvicorn", "uvicorn.error", "uvicorn.asgi", "fastapi", "starlette")


def redacted(exc: BaseException) -> str:
    """The exception chain as types and frames only (no messages, no values)."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        kind = f"{type(current).__module__}.{type(current).__qualname__}"
        extra = []
        statement = getattr(current, "statement", None)
        if isinstance(statement, str):
            extra.append(f"SQL: {statement.strip()[:500]}")
        sqlstate = getattr(getattr(current, "orig", None), "sqlstate", None)
        if isinstance(sqlstate, str):
            extra.append(f"SQLSTATE {sqlstate}")
        detail = f" ({'; '.join(extra)})" if extra else ""
        parts.append(f"{frames}{kind}: [message withheld: it may hold patient data]{detail}")
        current = current.__cause__ or current.__context__
    return "\nwhich was raised while handling:\n".join(parts)


class RedactExceptions(logging.Filter):
    """Replace a record's exception (and its traceback text) with :func:`redacted`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            safe = redacted(record.exc_info[1])
            record.msg = f"{record.getMessage()}\n{safe}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def install() -> None:
    """Add the filter to every logger that may print an exception (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactExceptions) for f in logger.filters):
            logger.addFilter(RedactExceptions())


__all__ = ["RedactExceptions", "install", "redacted"]
