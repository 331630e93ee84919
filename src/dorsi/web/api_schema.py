"""The OpenAPI description of the API's bodies and errors, as strict as the server.

The API parses raw bodies with :func:`dorsi.clinical.contract.parse` (so errors read as on the
command line), which FastAPI cannot see. This module states the same rules in the OpenAPI
document so a client (or a fuzzer) can build valid requests from it alone:

- each body is its input contract's JSON Schema, with catalog rules added where the server
  checks them: exercise ids, measure ids with their valid ranges, reps xor hold_s, the
  password policy's length;
- rules JSON Schema cannot state are named in vendor keys and in the description:
  ``x-dorsi-not-after: today`` and ``x-dorsi-not-before: 1901-01-01`` (a record's day lies
  between them, server clock, UTC), ``x-dorsi-not-before-onset: true`` (a check-in or an
  extra measure is not dated before the onset the patient's evaluations give),
  ``x-dorsi-unique-by: id`` (an item may not repeat), ``x-dorsi-password-policy`` (not a
  common password, not the username);
- every error answer is documented, with its body ``{"detail": str, "field": str | null}``.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

from dorsi.clinical.contract import MAX_JSON_DEPTH

ERROR_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["detail", "field"],
    "properties": {
        "detail": {"type": "string", "description": "what is wrong, and what is allowed"},
        "field": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "the dotted path of the offending field, when there is one",
        },
    },
    "additionalProperties": False,
}

_WHY = {
    400: "the request is malformed",
    401: "missing, expired or revoked bearer token",
    403: "signed in, but this role may not do this to this record",
    404: "no such record among those the caller may read",
    409: "the request clashes with stored state",
    413: "the body is larger than the server accepts",
    415: "the body's type is not one the route takes, or its content is not what the type says",
    422: "bad input: the detail names the field and what is allowed",
    429: "too many attempts; see Retry-After",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each code with its reason and the error body."""
    return {
        code: {
            "description": _WHY[code],
            "content": {"application/json": {"schema": copy.deepcopy(ERROR_BODY)}},
        }
        for code in codes
    }


def inline(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its ``$defs`` references replaced by the definitions themselves."""
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                rest = {k: v for k, v in node.items() if k != "$ref"}
                return walk({**defs[ref.rsplit("/", 1)[1]], **rest})
            return {k: walk(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    result: dict[str, Any] = walk(schema)
    return result


NO_NUL = r"^[^\x00]*$"
USERNAME = r"^[ \t\r\n]*[A-Za-z0-9][A-Za-z0-9._-]{1,63}[ \t\r\n]*$"


def _no_nul(node: Any) -> None:
    """Every free-text string refuses NUL, as :func:`dorsi.clinical.contract.parse` does."""
    if isinstance(node, dict):
        if node.get("type") == "string" and "pattern" not in node and "format" not in node:
            node["pattern"] = NO_NUL
        for value in node.values():
            _no_nul(value)
    elif isinstance(node, list):
        for value in node:
            _no_nul(value)


def model_schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = inline(model.model_json_schema(mode="validation"))
    _no_nul(schema)
    return schema


def _username(node: dict[str, Any]) -> None:
    node["pattern"] = USERNAME
    node["description"] = (
        "2-64 characters: ASCII letters, digits, dot, dash or underscore, starting with a "
        "letter or digit (stored in lower case)"
    )


def _display_name(node: dict[str, Any]) -> None:
    from dorsi.services.schemas import LETTER_OR_DIGIT

    node["pattern"] = f"^[^\\x00]*{LETTER_OR_DIGIT}[^\\x00]*$"
    node["description"] = "a name with at least one letter or digit (of any script); no NUL"


def _not_after_today(node: dict[str, Any]) -> None:
    from dorsi.services.records import EARLIEST_DAY

    node["x-dorsi-not-after"] = "today"
    node["x-dorsi-not-before"] = EARLIEST_DAY.isoformat()
    node["description"] = (
        f"YYYY-MM-DD, from {EARLIEST_DAY.isoformat()} to today (server clock, UTC)"
    )


def _not_before_onset(node: dict[str, Any]) -> None:
    node["x-dorsi-not-before-onset"] = True
    node["description"] += (
        "; not before the foot drop started (the earliest onset the patient's evaluations "
        "give: an evaluation's day minus its weeks_since_onset)"
    )


def _nullable_date(props: dict[str, Any], name: str) -> None:
    for option in props[name].get("anyOf", [props[name]]):
        if option.get("format") == "date":
            _not_after_today(option)
            _not_before_onset(option)


def _password(node: dict[str, Any]) -> None:
    from dorsi.services.passwords import MAX_LENGTH, MIN_LENGTH, MIN_LENGTH_STAFF

    for option in node.get("anyOf", [node]):
        if option.get("type") == "string":
            option.update(minLength=MIN_LENGTH, maxLength=MAX_LENGTH)
            option["x-dorsi-password-policy"] = (
                f"at least {MIN_LENGTH} characters for a patient, {MIN_LENGTH_STAFF} for staff; "
                "not only spaces, no NUL; not a common or leaked password; not containing the "
                "username; not just the app's or clinic's name with digits"
            )


def user_create() -> dict[str, Any]:
    from dorsi.services.schemas import UserCreate

    schema = model_schema(UserCreate)
    _password(schema["properties"]["password"])
    _username(schema["properties"]["username"])
    _display_name(schema["properties"]["display_name"])
    return schema


def patient_login_create() -> dict[str, Any]:
    from dorsi.services.schemas import PatientLoginCreate

    schema = model_schema(PatientLoginCreate)
    _password(schema["properties"]["password"])
    _username(schema["properties"]["username"])
    return schema


def checkin() -> dict[str, Any]:
    from dorsi.services.schemas import CheckinIn

    schema = model_schema(CheckinIn)
    _nullable_date(schema["properties"], "date")
    return schema


def screening() -> dict[str, Any]:
    from dorsi.clinical.screening import ScreenInput

    return model_schema(ScreenInput)


def acknowledge_stops() -> dict[str, Any]:
    from dorsi.services.stops import AcknowledgeIn

    return model_schema(AcknowledgeIn)


def patient_create() -> dict[str, Any]:
    from dorsi.services.schemas import PatientCreate

    schema = model_schema(PatientCreate)
    _display_name(schema["properties"]["display_name"])
    return schema


def program_update() -> dict[str, Any]:
    """ProgramUpdate with the catalog's exercise ids and exactly one of reps / hold_s."""
    from dorsi.catalog.exercises import load_exercises
    from dorsi.services.schemas import ProgramUpdate

    schema = model_schema(ProgramUpdate)
    exercises = schema["properties"]["exercises"]
    exercises["x-dorsi-unique-by"] = "id"
    exercises["description"] = "each exercise at most once"
    item = exercises["items"]
    item["properties"]["id"] = {"enum": [e.id for e in load_exercises().exercises]}
    reps = item["properties"].pop("reps")
    hold = item["properties"].pop("hold_s")
    number = {k: v for k, v in reps["anyOf"][0].items()}
    seconds = {k: v for k, v in hold["anyOf"][0].items()}
    base = {k: v for k, v in item.items() if k not in ("properties", "required")}
    props = item["properties"]
    required = [r for r in item.get("required", []) if r not in ("reps", "hold_s")]
    exercises["items"] = {
        "oneOf": [
            {
                **base,
                "properties": {**props, "reps": number, "hold_s": {"type": "null"}},
                "required": [*required, "reps"],
            },
            {
                **base,
                "properties": {**props, "hold_s": seconds, "reps": {"type": "null"}},
                "required": [*required, "hold_s"],
            },
        ]
    }
    return schema


def evaluation() -> dict[str, Any]:
    """The ``dorsi plan`` input (within the catalog's valid ranges), ``measures``, ``date``."""
    from dorsi.catalog.measures import load_measures
    from dorsi.clinical.program import PlanInput
    from dorsi.services.records import MAX_MEASURES

    schema = model_schema(PlanInput)
    props: dict[str, Any] = schema["properties"]
    catalog = {m.id: m for m in load_measures().measures}
    for name, measure in catalog.items():
        if name not in props or measure.value_kind != "number":
            continue
        for option in props[name].get("anyOf", [props[name]]):
            if option.get("type") in ("number", "integer"):
                option["minimum"] = max(option.get("minimum", measure.min), measure.min)
                option["maximum"] = min(option.get("maximum", measure.max), measure.max)
    grades = props["dorsiflexion_mmt"]
    extra = []
    for measure in catalog.values():
        if measure.id in props:
            continue  # given in its own field of the plan input
        value: dict[str, Any] = (
            {"enum": list(grades["enum"])}
            if measure.value_kind == "mmt_grade"
            else {"type": "number", "minimum": measure.min, "maximum": measure.max}
        )
        date: dict[str, Any] = {"type": "string", "format": "date"}
        _not_after_today(date)
        _not_before_onset(date)
        extra.append(
            {
                "type": "object",
                "properties": {"measure": {"const": measure.id}, "value": value, "date": date},
                "required": ["measure", "value"],
                "additionalProperties": False,
            }
        )
    props["measures"] = {
        "type": "array",
        "maxItems": MAX_MEASURES,
        "items": {"oneOf": extra},
        "description": "other catalog measures of the same day (the plan's own measures "
        "go in their fields)",
    }
    day: dict[str, Any] = {"type": "string", "format": "date"}
    _not_after_today(day)
    props["date"] = day
    schema["title"] = "EvaluationIn"
    return schema


BODY_RULES = (
    "One JSON object, sent as application/json in UTF-8, nested at most "
    f"{MAX_JSON_DEPTH} levels. Integer fields take JSON integers (3, not 3.0); dates are "
    "YYYY-MM-DD; unknown fields are refused; text never holds NUL (U+0000)."
)


def body(schema: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` content for a required JSON body with ``schema``."""
    return {
        "requestBody": {
            "required": True,
            "description": BODY_RULES,
            "content": {"application/json": {"schema": schema}},
        }
    }


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Document what the shared layers answer on every API route, whichever router made it.

    - A validation error answers ``{"detail", "field"}`` (dorsi.web.errors), not FastAPI's
      default list: the default schema is replaced.
    - Every ``/api/`` route may answer 413 (body cap) and 422; every one but the public ones
      401 (bearer token); every one with ``{patient_id}`` 403 and 404 (the one policy); every
      one taking JSON 415 (a body not declared ``application/json``).
    """
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["HTTPValidationError"] = {**copy.deepcopy(ERROR_BODY), "title": "Error"}
    schemas.pop("ValidationError", None)
    for path, operations in document.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = [413, 422]
            if operation.get("x-dorsi-action") != "public":
                codes.append(401)
            if "{patient_id}" in path:
                codes += [403, 404]
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                codes.append(415)  # dorsi.web.runtime.json_body
            responses = operation["responses"]
            for code, answer in errors(*codes).items():
                responses.setdefault(str(code), answer)
    return document


def install(app: Any) -> None:
    """Serve :func:`complete`'s document at ``/openapi.json``."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(original())
        document: dict[str, Any] = app.openapi_schema
        return document

    app.openapi = openapi


__all__ = [
    "ERROR_BODY",
    "body",
    "checkin",
    "complete",
    "errors",
    "evaluation",
    "inline",
    "install",
    "model_schema",
    "patient_create",
    "patient_login_create",
    "program_update",
    "screening",
    "user_create",
]
