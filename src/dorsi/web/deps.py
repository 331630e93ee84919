"""What a route declares it needs, as FastAPI dependencies (see docs/web.md).

- ``ctx: Unit`` — the request's unit of work: one transaction (:func:`dorsi.services.context.
  unit_of_work`), committed with the request's audit entries after the route returned and
  *before* the response is sent (``scope="function"``), so a failing commit becomes an error
  answer, never a 201 for something not stored. No one is signed in.
- ``ctx: ApiUnit`` — the same, signed in by ``Authorization: Bearer`` only (the JSON API);
  ``ctx: PageUnit`` / ``OptionalPageUnit`` — signed in by the session cookie only (the pages),
  so a cookie can never drive the API cross-site.
- ``_: CsrfChecked`` — the ``csrf_token`` form field of a state-changing page request
  matches the session's token (or, before sign-in, the pre-session cookie's);
  ``_: PreSessionCsrfChecked`` for the sign-in forms, which hold no unit of work.
- ``form: FormFields`` — the page form as sent, for forms whose field names come from data
  (fixed fields are FastAPI ``Form`` parameters).
- ``body: JsonBody[Model]`` — a JSON body validated by the model's contract
  (:func:`dorsi.clinical.contract.parse`: the same rules and messages as the CLI), documented
  in the OpenAPI by the model itself.
- ``dependencies=[action("patient.read")]`` — the policy action of the route, which the
  access-matrix test reads from ``route.dependant`` (the service still asks ``can()``).

A unit holds a database transaction from the first dependency to the commit; at most
:data:`UNITS_AT_ONCE` of them run at once in a process, and the others wait for a turn
without holding a thread or a connection.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Form, Request
from fastapi.params import Depends as DependsParam
from fastapi.params import Form as FormParam
from fastapi.routing import APIRoute
from pydantic import BaseModel, GetCoreSchemaHandler
from pydantic_core import core_schema
from starlette.datastructures import FormData
from starlette.responses import Response

from dorsi.clinical.contract import decode, parse
from dorsi.errors import AuthenticationError, InputError, UnsupportedMediaError
from dorsi.services import audit, auth, patients, policy
from dorsi.services.context import Ctx, run_unit, unit_of_work
from dorsi.web.errors import documented
from dorsi.web.runtime import (
    CSRF_FIELD,
    JSON_TYPE,
    anonymous_csrf,
    bearer_token,
    check_form_token,
    ctx_factory,
    pre_cookie_name,
    session_cookie_name,
    state,
)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

#: units of work a process runs at once. Enough for PostgreSQL to overlap network waits;
#: SQLite queues its one writer inside ``Database.transaction`` anyway. Well below AnyIO's 40
#: worker threads, so units waiting for the writer never starve the running one of a thread.
UNITS_AT_ONCE = 8


# --- the unit of work ------------------------------------------------------------------------


def unit(request: Request) -> Iterator[Ctx]:
    """The request's transaction: commits (with its audit) when the route returned."""
    with _opened(request) as ctx:
        yield ctx


@contextlib.contextmanager
def _opened(request: Request) -> Iterator[Ctx]:
    """The request's unit of work (:func:`unit`).

    A body refused before the route ran (its service noted nothing yet) is audited as the
    route's policy action on the record in its path, as the service would have noted it.
    """
    with unit_of_work(state(request).database, ctx_factory(request)) as ctx:
        try:
            yield ctx
        except InputError:
            route = request.scope.get("route")
            name = route_action(route) if isinstance(route, APIRoute) else None
            if ctx.actor is not None and not ctx.audit and name in policy.ACTIONS:
                given = str(request.path_params.get("patient_id", ""))
                # only an id the path allows (1 to 2**31 - 1) names a record
                patient_id = int(given) if given.isdigit() and len(given) <= 10 else None
                if patient_id is not None and not 1 <= patient_id < 2**31:
                    patient_id = None
                audit.note(ctx, name, patient_id)
            raise


Unit = Annotated[Ctx, Depends(unit, scope="function", max_concurrency=UNITS_AT_ONCE)]


@dataclass(frozen=True)
class Units:
    """Units of work a route runs one after the other, for the few routes whose first step
    must be committed whatever follows (a sign-in attempt is counted before its password is
    checked). Such a route takes no :data:`Unit`."""

    request: Request

    def run(self, work: Callable[[Ctx], T]) -> T:
        return run_unit(state(self.request).database, ctx_factory(self.request), work)


async def separate_units(request: Request) -> Units:
    return Units(request)


SeparateUnits = Annotated[Units, Depends(separate_units)]


# --- who is signed in --------------------------------------------------------------------------


def sign_in_by_token(request: Request, ctx: Ctx) -> Ctx:
    """``ctx`` signed in by the bearer token (401 otherwise)."""
    token = bearer_token(request)
    ctx.actor = auth.token_actor(ctx, token) if token else None
    if ctx.actor is None:
        raise AuthenticationError("missing, expired or revoked bearer token; sign in")
    return ctx


def sign_in_by_cookie(request: Request, ctx: Ctx, *, required: bool = True) -> Ctx:
    """``ctx`` signed in by the session cookie (401, or a redirect for a GET, when
    ``required`` and there is no live session)."""
    cookie = request.cookies.get(session_cookie_name(request))
    ctx.actor = auth.session_actor(ctx, cookie) if cookie else None
    if ctx.actor is None and required:
        raise AuthenticationError("please sign in")
    return ctx


def check_csrf(request: Request, ctx: Ctx | None, token: str | None) -> None:
    """The form came from a Dorsi page: ``token`` is the session's (or, with no one signed
    in, the pre-session cookie's)."""
    if ctx is not None and ctx.actor is not None:
        check_form_token(ctx.actor.csrf_token, token)
        return
    pre = request.cookies.get(pre_cookie_name(request), "")
    check_form_token(anonymous_csrf(request, pre) if pre else None, token)


def api_unit(request: Request) -> Iterator[Ctx]:
    """The unit of work, signed in by the bearer token (401 otherwise): one dependency, so the
    transaction opens and the token is read in the same step of the request."""
    with _opened(request) as ctx:
        yield sign_in_by_token(request, ctx)


def optional_page_unit(request: Request, ctx: Unit) -> Ctx:
    """The unit of work, with the session cookie's actor when there is a live session. A
    patient's pages learn whether their program is paused (``request.state.program_paused``):
    every one of them then says so, with how to reach the clinic (``base.html``)."""
    sign_in_by_cookie(request, ctx, required=False)
    request.state.program_paused = patients.own_program_paused(ctx)
    return ctx


async def page_unit(ctx: Annotated[Ctx, Depends(optional_page_unit)]) -> Ctx:
    """The unit of work, signed in by the session cookie (401, or a redirect for a GET)."""
    if ctx.actor is None:
        raise AuthenticationError("please sign in")
    return ctx


ApiUnit = Annotated[Ctx, Depends(api_unit, scope="function", max_concurrency=UNITS_AT_ONCE)]
OptionalPageUnit = Annotated[Ctx, Depends(optional_page_unit)]
PageUnit = Annotated[Ctx, Depends(page_unit)]
#: the ``csrf_token`` field of a page form, for the routes that check it themselves
CsrfToken = Annotated[str | None, Form(alias=CSRF_FIELD, max_length=256)]


async def csrf_checked(
    request: Request, ctx: OptionalPageUnit, csrf_token: CsrfToken = None
) -> None:
    """The form came from a Dorsi page: its token is the session's (or the pre-session's)."""
    check_csrf(request, ctx, csrf_token)


async def pre_session_csrf_checked(request: Request, csrf_token: CsrfToken = None) -> None:
    """The form came from a Dorsi page shown before sign-in: its token is the pre-session
    cookie's (no unit of work needed, for the routes that sign in)."""
    check_csrf(request, None, csrf_token)


async def form_fields(request: Request) -> FormData:
    """The page form as sent, for forms whose fields are not known in advance (one per
    exercise, per questionnaire item, per catalog measure). Parsed once per request."""
    return await request.form()


CsrfChecked = Annotated[None, Depends(csrf_checked)]
PreSessionCsrfChecked = Annotated[None, Depends(pre_session_csrf_checked)]
FormFields = Annotated[FormData, Depends(form_fields)]


# --- the policy action ------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyAction:
    """The policy action a route performs (``public`` and ``authenticated`` for routes that
    touch no record). Declared, not enforced here: services ask ``can()``; the access-matrix
    test reads it from ``route.dependant`` and checks every route against the policy."""

    name: str

    async def __call__(self) -> None:
        return None


def action(name: str) -> DependsParam:
    """``dependencies=[action("patient.read")]``: declare the route's policy action."""
    declared: DependsParam = Depends(PolicyAction(name))
    return declared


def route_action(route: APIRoute) -> str | None:
    """The policy action ``route`` declares, if any."""
    for dependency in route.dependant.dependencies:
        if isinstance(dependency.call, PolicyAction):
            return dependency.call.name
    return None


# --- JSON bodies -------------------------------------------------------------------------------


class _AsContract:
    """Validate a JSON body as its contract does on the command line (:func:`parse`): strict
    JSON types (an integer is 3, not 3.0; a date is ``YYYY-MM-DD``), no unknown field, no NUL,
    and errors naming the field. The OpenAPI document shows the model's own schema."""

    def __get_pydantic_core_schema__(
        self, source: type[BaseModel], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def validate(value: Any) -> Any:
            if isinstance(value, source):
                return value
            if not isinstance(value, dict):
                raise InputError("must be one JSON object", field="(input)")
            return parse(source, value)

        return core_schema.no_info_before_validator_function(validate, handler(source))


JsonBody = Annotated[M, _AsContract()]


def _declared_json(request: Request) -> None:
    declared = request.headers.get("content-type", "")
    kind, _, params = declared.partition(";")
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if kind.strip().lower() != JSON_TYPE or charset not in ("", "utf-8", "utf8"):
        sent = f"as '{declared[:60]}'" if declared else "without a Content-Type"
        raise UnsupportedMediaError(
            f"must be {JSON_TYPE} in UTF-8 (it was sent {sent})", field="body"
        )


class JsonRoute(APIRoute):
    """A route of the JSON API: a JSON body is refused before FastAPI parses it unless it is
    declared ``application/json`` (415), is UTF-8, nests at most ``MAX_JSON_DEPTH`` levels and
    is one JSON object without NUL (422; :func:`dorsi.clinical.contract.decode`). A route whose
    body is optional takes a request with no body, or a JSON ``null``, as no body. Only such a
    route documents the 415."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.body_field
        if field is not None and not isinstance(field.field_info, FormParam):
            self.responses = {**self.responses, **documented(415)}

    def get_route_handler(self) -> Callable[[Request], Any]:
        handler = super().get_route_handler()
        field = self.body_field
        if field is None or isinstance(field.field_info, FormParam):
            return handler

        optional = not field.field_info.is_required()

        async def checked(request: Request) -> Response:
            raw = await request.body()
            if not optional or raw.strip() not in (b"", b"null"):
                _declared_json(request)
                decode(raw, field="body")
            response: Response = await handler(request)
            return response

        return checked


__all__ = [
    "UNITS_AT_ONCE",
    "ApiUnit",
    "CsrfChecked",
    "CsrfToken",
    "FormFields",
    "JsonBody",
    "JsonRoute",
    "OptionalPageUnit",
    "PageUnit",
    "PolicyAction",
    "PreSessionCsrfChecked",
    "SeparateUnits",
    "Unit",
    "Units",
    "action",
    "check_csrf",
    "route_action",
    "sign_in_by_cookie",
    "sign_in_by_token",
    "unit",
]
