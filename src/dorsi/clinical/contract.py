"""Base for the JSON contracts of the clinical core, and the one way to parse them.

Contracts are strict: unknown fields are refused, booleans must be JSON booleans, integers
must be integers, dates are ``YYYY-MM-DD`` strings. Every contract is parsed from JSON text
(even when the caller already holds a dict), so the CLI, the web API and the tests see the
same rules and the same error messages.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from itertools import accumulate
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from dorsi.errors import InputError, Problem

C = TypeVar("C", bound=BaseModel)

#: deepest nesting of arrays and objects a body may have (the contracts need a few levels;
#: Python's JSON parser fails with a RecursionError near 1000)
MAX_JSON_DEPTH = 32
# A JSON string (an unterminated one runs to the end), so brackets inside text do not count;
# unrolled so every byte is looked at once.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = tuple(1 if b in b"[{" else -1 if b in b"]}" else 0 for b in range(256))


#: the earliest day a record may carry (no foot drop patient's history starts before it)
EARLIEST_DAY = dt.date(1901, 1, 1)
#: what a day of a record may be (the services check the onset; the OpenAPI says it)
RECORD_DAY = (
    f"YYYY-MM-DD, from {EARLIEST_DAY.isoformat()} to today (server clock, UTC); not before the "
    "foot drop started (the earliest onset the patient's evaluations give: an evaluation's day "
    "minus its weeks_since_onset)"
)

#: text never holds NUL (:func:`decode` refuses it); the JSON Schema of a contract says so
NO_NUL = r"^[^\x00]*$"


def no_nul_schema(schema: dict[str, Any]) -> None:
    """Give every free-text string of a contract's JSON Schema the :data:`NO_NUL` pattern."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(
                node
            ):
                node["pattern"] = NO_NUL
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema.get("properties", {}))


class Contract(BaseModel):
    """An input contract: strict, closed to unknown fields, immutable."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, json_schema_extra=no_nul_schema
    )


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
    """Turn a pydantic error into one :class:`InputError` naming the first bad field, and
    listing every bad field in its ``problems``."""
    errors = exc.errors()
    problems = []
    for error in errors:
        field, text = _describe(dict(error))
        context = error.get("ctx") or {}
        limits = tuple(
            (key, value)
            for key, value in context.items()
            if isinstance(value, int | float | str) and not isinstance(value, bool)
        )
        problems.append(Problem(field, text, str(error.get("type", "")), limits))
    field, message = problems[0].field, problems[0].message
    more = len(errors) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return InputError(message, field=field, problems=tuple(problems))


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


def decode(raw: str | bytes, *, field: str = "(input)") -> dict[str, Any]:
    """``raw`` as one JSON object, or :class:`InputError`: it must be UTF-8 and not nest too
    deep (errors naming ``field``, :func:`json_text`), be valid JSON, be an object, and hold
    no NUL in any text."""
    text = json_text(raw, field=field)
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
    return decoded


def parse(model: type[C], raw: str | bytes | dict[str, Any]) -> C:
    """Validate ``raw`` (JSON text or an already-decoded object) against ``model``.

    Raises :class:`InputError` naming the field and what is allowed.
    """
    if isinstance(raw, dict):
        raw = json.dumps(raw)
    decode(raw)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise input_error(exc) from None
