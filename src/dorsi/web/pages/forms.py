"""Turning HTML form fields into contract JSON, and errors back into per-field messages."""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import FormData

from dorsi.errors import InputError

_INT = re.compile(r"^[+-]?\d+$")
_NUM = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")


def number(text: str) -> int | float | str:
    """``"3"`` -> 3, ``"3.5"`` -> 3.5; anything else stays text so the contract names it."""
    value = text.strip().replace(",", ".")
    if _INT.match(value):
        return int(value)
    if _NUM.match(value):
        return float(value)
    return text.strip()


def yes_no(text: str) -> bool | str:
    lowered = text.strip().lower()
    if lowered in ("yes", "true", "on", "1"):
        return True
    if lowered in ("no", "false", "off", "0"):
        return False
    return text


def text_of(form: FormData, name: str, max_length: int = 5000) -> str:
    value = form.get(name)
    return str(value)[:max_length] if isinstance(value, str) else ""


def field_errors(exc: InputError, lang: str | None = None) -> dict[str, str]:
    """``{"field": "message"}`` for showing an error next to its field.

    A refused password's reason is shown in ``lang`` (the same reason the CLI and API give).
    """
    from dorsi.i18n import gettext_for
    from dorsi.services.passwords import PasswordPolicyError

    if lang is not None and isinstance(exc, PasswordPolicyError):
        return {exc.field or "password": exc.problem.text(gettext_for(lang).gettext)}
    return {exc.field or "(input)": exc.detail}


def csrf_of(form: FormData) -> str | None:
    value = form.get("csrf_token")
    return value if isinstance(value, str) else None


def compact(values: dict[str, Any]) -> dict[str, Any]:
    """Drop fields left empty in the form (absent = not given)."""
    return {k: v for k, v in values.items() if v is not None and v != ""}


__all__ = ["compact", "csrf_of", "field_errors", "number", "text_of", "yes_no"]
