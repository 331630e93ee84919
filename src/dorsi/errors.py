"""The one exception hierarchy of Dorsi, and its mapping to HTTP status and CLI exit codes.

::

    DorsiError                      500 / exit 1   something we did not expect
     ├── InputError                 422 / exit 2   bad input: names the field and what is allowed
     │    ├── UnsupportedMediaError 415 / exit 2   a body whose type or content is not one allowed
     │    └── HeaderTooLargeError   431 / exit 2   request headers over the size caps
     ├── NotFoundError              404 / exit 2   no such patient, exercise, record
     ├── AuthenticationError        401 / exit 2   not signed in, or wrong credentials
     ├── PermissionDeniedError      403 / exit 2   signed in, but not allowed
     ├── ConflictError              409 / exit 2   the request clashes with stored state
     ├── RateLimitedError           429 / exit 2   too many attempts; carries retry_after_s
     ├── PayloadTooLargeError       413 / exit 2   an upload over the size cap
     ├── MissingExtraError          503 / exit 3   an optional part is not installed
     ├── UnavailableError           503 / exit 3   the database cannot take the request now
     └── CatalogError               500 / exit 3   the shipped clinical data is invalid

Interfaces never build status codes or exit codes themselves: they call :func:`http_status`
and :func:`exit_code`.
"""

from __future__ import annotations

from dataclasses import dataclass


class DorsiError(Exception):
    """Base of every error Dorsi raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    """One bad field of an input: its dotted path, the message, and what kind of problem it
    is with its limit (pydantic's error type and context, e.g. ``less_than_equal`` and
    ``{"le": 10}``), so a form can word it plainly in its reader's language."""

    field: str
    message: str
    kind: str = ""
    limits: tuple[tuple[str, object], ...] = ()


class InputError(DorsiError):
    """Input that breaks a contract. ``field`` is the dotted path of the offending field;
    ``problems`` lists every bad field when several were found at once (a form shows them
    all), the first being the one ``field`` and the message name."""

    def __init__(
        self, message: str, *, field: str | None = None, problems: tuple[Problem, ...] = ()
    ) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.detail = message
        self.problems = problems or (Problem(field or "(input)", message),)


class UnsupportedMediaError(InputError):
    """A body whose declared type is not one the route takes, or whose content does not
    match the declared or allowed type."""


class HeaderTooLargeError(InputError):
    """Request headers over the caps (one header, the cookies, or all of them together):
    refused before anything parses them. ``field`` names the header when one is to blame."""


class NotFoundError(DorsiError):
    """The thing asked for does not exist (or the caller may not know it exists)."""


class AuthenticationError(DorsiError):
    """Missing or wrong credentials."""


class PermissionDeniedError(DorsiError):
    """The caller is known but may not do this."""


class ConflictError(DorsiError):
    """The request contradicts stored state."""


class RateLimitedError(DorsiError):
    """Too many attempts; try again after ``retry_after_s`` seconds."""

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class PayloadTooLargeError(DorsiError):
    """An upload larger than the configured cap."""


class UnavailableError(DorsiError):
    """The database could not be reached, or had no connection to spare, for this request.

    Nothing was stored; the same request can be sent again after ``retry_after_s`` seconds.
    A server at its connection limit is busy, not broken, so this is not a 500.
    """

    def __init__(self, message: str, *, retry_after_s: int = 5) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class MissingExtraError(DorsiError):
    """An optional capability is not installed; the message says how to add it."""


class CatalogError(DorsiError):
    """The shipped clinical data failed validation; names the file and field."""


_HTTP_STATUS: tuple[tuple[type[DorsiError], int], ...] = (
    (UnsupportedMediaError, 415),
    (HeaderTooLargeError, 431),
    (InputError, 422),
    (NotFoundError, 404),
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (ConflictError, 409),
    (RateLimitedError, 429),
    (PayloadTooLargeError, 413),
    (MissingExtraError, 503),
    (UnavailableError, 503),
    (CatalogError, 500),
)

_EXIT_CODE: tuple[tuple[type[DorsiError], int], ...] = (
    (MissingExtraError, 3),
    (UnavailableError, 3),
    (CatalogError, 3),
    (InputError, 2),
    (NotFoundError, 2),
    (AuthenticationError, 2),
    (PermissionDeniedError, 2),
    (ConflictError, 2),
    (RateLimitedError, 2),
    (PayloadTooLargeError, 2),
)


def http_status(error: DorsiError) -> int:
    """The HTTP status an interface answers with for ``error``."""
    for kind, status in _HTTP_STATUS:
        if isinstance(error, kind):
            return status
    return 500


def exit_code(error: DorsiError) -> int:
    """The process exit code the CLI ends with for ``error``."""
    for kind, code in _EXIT_CODE:
        if isinstance(error, kind):
            return code
    return 1


__all__ = [
    "AuthenticationError",
    "CatalogError",
    "ConflictError",
    "DorsiError",
    "HeaderTooLargeError",
    "InputError",
    "MissingExtraError",
    "NotFoundError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "Problem",
    "RateLimitedError",
    "UnavailableError",
    "UnsupportedMediaError",
    "exit_code",
    "http_status",
]
