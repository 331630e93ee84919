"""Base for the JSON contracts of the clinical core, and the one way to parse them.

Contracts are strict: unknown fields are refused, booleans must be JSON booleans, integers
must be integers, dates are ``YYYY-MM-DD`` strings. Every contract is parsed from JSON text
(even when the caller already holds a dict), so the CLI, the web API and the tests see the
same rules and the same error messages.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from dorsi.errors import InputError

C = TypeVar("C", bound=BaseModel)

#: deepest nesting of arrays and objects a body may have (the contracts need a few levels;
#: Python's JSON parser fails with a RecursionError near 1000)
MAX_JSON_DEPTH = 32
# A JSON string (an unterminated one runs to the end), so brackets inside text do not count;
# unrolled so every byte is looked at once.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = tuple(1 if b in b"[{" else -1 if b in b"]}" else 0 for b in range(256))


class Contract(BaseModel):
    """An input contract: strict, closed to unknown fields, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Output(BaseModel):
    """An output contract: immutable; dumped with ``model_dump(mode="json")``."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _describe(error: dict[str, Any]) -> tuple[str, str]:
    """(field, message) of one pydantic error; the value is shown, except a password's."""
    loc = ".".join(str(part) for part in error.get("loc", ())) or "(input)"
    kind = str(error.get("type", ""))
    message = str(error.get("msg", "invalid value"))
    if kind == "missing":
        return loc, "is required"
    if kind == "extra_forbidden":
        return loc, "is not a known field"
    message = message[0].lower() + message[1:] if message else message
    message = message.replace("input should be", "must be")
    secret = any("password" in str(part) for part in error.get("loc", ()))
    if "input" in error and kind not in ("missing",) and not secret:
        shown = json.dumps(error["input"], default=str)
        if len(shown) > 40:
            shown = shown[:37] + "..."
        message = f"{message} (got {shown})"
    return loc, message


def input_error(exc: ValidationError) -> InputError:
    """Turn a pydantic error into one :class:`InputError` naming the first bad field."""
    errors = exc.errors()
    field, message = _describe(dict(errors[0]))
    more = len(errors) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InputError(message, field=field)


def _refuse_nul(value: Any, path: str) -> None:
    """No text may hold the NUL character: no database keeps it, and no person types it."""
    if isinstance(value, str):
        if "\x00" in value:
            raise InputError(
                "must not contain the NUL character (\\u0000)", field=path or "(input)"
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in key:
                raise InputError("is not a known field", field=path or "(input)")
            _refuse_nul(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, f"{path}.{index}" if path else str(index))


def json_depth(data: bytes) -> int:
    """How deep arrays and objects nest in the JSON text ``data`` (linear; parses nothing)."""
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def json_text(raw: str | bytes, *, field: str = "(input)") -> str:
    """``raw`` as text for the JSON parser: refused (naming ``field``) when it is not UTF-8
    (RFC 8259) or nests deeper than :data:`MAX_JSON_DEPTH`. Nothing is silently replaced, and
    no body can make the parser recurse until it fails."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"is not valid UTF-8 (at byte {exc.start})", field=field) from None
        data = raw
    else:
        text = raw
        data = raw.encode("utf-8", errors="surrogatepass")
    if json_depth(data) > MAX_JSON_DEPTH:
        raise InputError(f"is JSON nested deeper than {MAX_JSON_DEPTH} levels", field=field)
    return text


def parse(model: type[C], raw: str | bytes | dict[str, Any]) -> C:
    """Validate ``raw`` (JSON text or an already-decoded object) against ``model``.

    Raises :class:`InputError` naming the field and what is allowed.
    """
    if isinstance(raw, dict):
        raw = json.dumps(raw)
    if isinstance(raw, bytes | str):
        text = json_text(raw)
        if not text.strip():
            raise InputError("is empty; it must be one JSON object", field="(input)")
        try:
            decoded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})",
                field="(input)",
            ) from None
        if not isinstance(decoded, dict):
            raise InputError("must be one JSON object", field="(input)")
        _refuse_nul(decoded, "")
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise input_error(exc) from None
