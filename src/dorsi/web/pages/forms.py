"""Turning HTML form fields into contract JSON, and errors back into per-field messages."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Form
from markupsafe import escape
from pydantic import AfterValidator
from starlette.datastructures import FormData

from dorsi.errors import DorsiError, InputError, Problem
from dorsi.i18n import N_, gettext_for
from dorsi.services.passwords import PasswordPolicyError
from dorsi.web.i18n import current_language

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
    """The text of field ``name``, kept to one character past ``max_length``: a longer value
    still breaks the contract's limit and is refused with a message, never cut silently."""
    value = form.get(name)
    return str(value)[: max_length + 1] if isinstance(value, str) else ""


class Message(str):
    """A form error worded in plain English, shown in the language of the page rendering it.

    It is a ``str`` (the English words, for logs and tests); Jinja2 prints it through
    ``__html__``, which translates it with the page's gettext at render time, so a route
    needs no language to build it.
    """

    msgid: str
    values: dict[str, str]

    def __new__(cls, text: str, values: dict[str, str] | None = None) -> Message:
        made = super().__new__(cls, text % values if values else text)
        made.msgid = text
        made.values = values or {}
        return made

    def shown(self) -> str:
        words = gettext_for(current_language()).gettext(self.msgid)
        return words % self.values if self.values else words

    def __html__(self) -> str:
        return str(escape(self.shown()))


# Plain words per kind of problem (pydantic's error types); ``%(limit)s`` is the limit.
PLAIN: dict[str, str] = {
    "missing": N_("Please fill this in."),
    "string_too_short": N_("Please fill this in."),
    "greater_than_equal": N_("Please enter %(limit)s or more."),
    "less_than_equal": N_("Please enter %(limit)s or less."),
    "greater_than": N_("Please enter more than %(limit)s."),
    "less_than": N_("Please enter less than %(limit)s."),
    "int_type": N_("Please enter a whole number."),
    "int_parsing": N_("Please enter a whole number."),
    "int_from_float": N_("Please enter a whole number."),
    "float_type": N_("Please enter a number."),
    "float_parsing": N_("Please enter a number."),
    "bool_type": N_("Please choose yes or no."),
    "bool_parsing": N_("Please choose yes or no."),
    "literal_error": N_("Please choose one of the choices."),
    "enum": N_("Please choose one of the choices."),
    "string_too_long": N_(
        "This is too long: please keep it to %(limit)s characters or fewer. Nothing was saved."
    ),
    "too_short": N_("Please add at least %(limit)s."),
    "too_long": N_("Please keep it to %(limit)s or fewer."),
    "date_parsing": N_("Please enter a date as year-month-day, for example 2026-03-01."),
    "date_from_datetime_parsing": N_(
        "Please enter a date as year-month-day, for example 2026-03-01."
    ),
}
_LIMIT_KEYS = ("ge", "le", "gt", "lt", "max_length", "min_length")


#: Plain words for one field's problem wherever the field is asked.
FIELD_WORDS: dict[tuple[str, str], str] = {
    ("preferred_language", "literal_error"): N_("Please choose English or Spanish."),
}


def plain(problem: Problem, special: dict[tuple[str, str], str] | None = None) -> str:
    """One problem in plain words (a :class:`Message`), or its own words when it has no
    plain wording (a rule of the service, already written for people)."""
    key = (problem.field, problem.kind)
    wording = (special or {}).get(key) or FIELD_WORDS.get(key) or PLAIN.get(problem.kind)
    if wording is None:
        return problem.message
    limits = dict(problem.limits)
    limit = next((limits[k] for k in _LIMIT_KEYS if k in limits), None)
    if "%(limit)s" in wording:
        if limit is None:
            return problem.message
        return Message(wording, {"limit": str(limit)})
    return Message(wording)


def field_errors(
    exc: InputError, lang: str | None = None, special: dict[tuple[str, str], str] | None = None
) -> dict[str, str]:
    """``{"field": "message"}`` for every bad field, to show each error next to its field.

    Messages are plain words shown in the page's language (:class:`Message`); ``special``
    words a problem of one form better (``("exercises", "too_short")``: a program needs an
    exercise). A refused password's reason is shown in ``lang`` (the same reason the CLI and
    API give).
    """
    if lang is not None and isinstance(exc, PasswordPolicyError):
        return {exc.field or "password": exc.problem.text(gettext_for(lang).gettext)}
    errors: dict[str, str] = {}
    for problem in exc.problems:
        errors.setdefault(problem.field, plain(problem, special))
    return errors


#: a program form's own words for its problems
PROGRAM_WORDS = {("exercises", "too_short"): N_("A program needs at least one exercise.")}


def row_errors(
    exc: DorsiError,
    list_field: str,
    row_ids: list[str],
    *,
    special: dict[tuple[str, str], str] | None = None,
    own_fields: tuple[str, ...] = ("notes",),
) -> dict[str, str]:
    """Every problem of a refused form of rows (a program's exercises), beside its row:
    ``exercises.2.sets`` is the third row sent, ``row_ids[2]``. Problems of the whole list or
    of no row are keyed ``"(input)"``; ``own_fields`` (shown beside their own box) keep
    their name."""
    if not isinstance(exc, InputError):
        return {"(input)": exc.message}
    errors: dict[str, str] = {}

    def add(key: str, said: str) -> None:
        errors[key] = f"{errors[key]} {said}" if key in errors else said

    for field, message in field_errors(exc, special=special).items():
        parts = field.split(".")
        in_row = parts[0] == list_field and len(parts) > 2 and parts[1].isdigit()
        if in_row and int(parts[1]) < len(row_ids):
            add(row_ids[int(parts[1])], f"{parts[2].replace('_', ' ')}: {message}")
        elif field in own_fields:
            add(field, message)
        elif field in (list_field, "(input)"):
            add("(input)", message)
        else:
            add("(input)", f"{field.replace('_', ' ')}: {message}")
    return errors


def clipped(max_chars: int) -> AfterValidator:
    """Cut a form field to ``max_chars`` (as :func:`text_of` does), so an overlong paste
    reaches the contract, whose message names the field."""
    return AfterValidator(lambda value: value[:max_chars])


#: a fixed text field of a page form, empty when left out: ``Annotated[FormText, clipped(n)]``
FormText = Annotated[str, Form()]


def compact(values: dict[str, Any]) -> dict[str, Any]:
    """Drop fields left empty in the form (absent = not given)."""
    return {k: v for k, v in values.items() if v is not None and v != ""}


__all__ = [
    "PROGRAM_WORDS",
    "FormText",
    "Message",
    "clipped",
    "compact",
    "field_errors",
    "number",
    "plain",
    "row_errors",
    "text_of",
    "yes_no",
]
