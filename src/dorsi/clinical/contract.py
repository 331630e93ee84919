"""Base for the JSON contracts of the clinical core, and the one way to parse them.

Contracts are strict: unknown fields are refused, booleans must be JSON booleans, integers
must be integers, dates are ``YYYY-MM-DD`` strings. Every contract is parsed from JSON text
(even when the caller already holds a dict), so the CLI, the web API and the tests see the
same rules and the same error messages.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from dorsi.errors import InputError

C = TypeVar("C", bound=BaseModel)


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


def parse(model: type[C], raw: str | bytes | dict[str, Any]) -> C:
    """Validate ``raw`` (JSON text or an already-decoded object) against ``model``.

    Raises :class:`InputError` naming the field and what is allowed.
    """
    if isinstance(raw, dict):
        raw = json.dumps(raw)
    if isinstance(raw, bytes | str):
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
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
