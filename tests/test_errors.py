"""The exception hierarchy maps to HTTP status and exit codes in one place."""

import pytest

from dorsi import errors
from dorsi.errors import DorsiError, exit_code, http_status


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (errors.InputError("bad", field="x"), 422, 2),
        (errors.UnsupportedMediaError("not a video", field="file"), 415, 2),
        (errors.HeaderTooLargeError("over 8192 bytes", field="cookie"), 431, 2),
        (errors.NotFoundError("no such patient"), 404, 2),
        (errors.AuthenticationError("sign in"), 401, 2),
        (errors.PermissionDeniedError("not yours"), 403, 2),
        (errors.ConflictError("exists"), 409, 2),
        (errors.RateLimitedError("slow down", retry_after_s=30), 429, 2),
        (errors.PayloadTooLargeError("too big"), 413, 2),
        (errors.MissingExtraError("install gait"), 503, 3),
        (errors.CatalogError("bad data"), 500, 3),
        (DorsiError("unexpected"), 500, 1),
    ],
)
def test_each_error_has_one_status_and_exit_code(error: DorsiError, status: int, code: int) -> None:
    assert http_status(error) == status
    assert exit_code(error) == code


def test_input_error_names_the_field() -> None:
    error = errors.InputError("must be >= 0", field="days_since_onset")
    assert error.message == "days_since_onset: must be >= 0"
    assert error.field == "days_since_onset"


def test_all_is_sorted_and_complete() -> None:
    public = {name for name in dir(errors) if not name.startswith("_")}
    exported = set(errors.__all__)
    assert list(errors.__all__) == sorted(errors.__all__)
    missing = {n for n in public - exported if n[0].isupper() and n.endswith("Error")}
    assert not missing
