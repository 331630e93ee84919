"""Reminders over the web: the API, the patient's Reminders page, the private calendar feed.

- ``GET``/``PUT /api/v1/patients/{id}/reminders``: the schedule, the channels and the
  ``calendar_url``; ``POST .../reminders/calendar-link`` renews the link (the old one stops).
- ``GET /api/v1/push/public-key`` and ``POST /api/v1/patients/{id}/push-subscriptions``: Web
  Push for the patient's browsers.
- ``GET /calendar/{token}.ics``: the feed, no sign-in (the token is the only secret).
- ``/me/reminders``: the patient's page (set days, time, channels; copy the calendar link;
  turn on notifications with ``static/reminders.js``).

The work is in :mod:`dorsi.services.reminders` and :mod:`dorsi.services.webpush`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from dorsi.clinical.contract import parse
from dorsi.errors import InputError
from dorsi.interop.calendar import MEDIA_TYPE
from dorsi.services import reminders, webpush
from dorsi.services.context import Ctx, attempt
from dorsi.services.reminders import RemindersIn
from dorsi.services.webpush import SubscriptionIn
from dorsi.web.api import API_ERRORS, RECORD, PatientId
from dorsi.web.deps import (
    ApiUnit,
    CsrfChecked,
    FormFields,
    JsonBody,
    JsonRoute,
    PageUnit,
    Unit,
    action,
)
from dorsi.web.i18n import page_language
from dorsi.web.pages.forms import field_errors, text_of
from dorsi.web.pages.patient import own_patient_id
from dorsi.web.runtime import state
from dorsi.web.templating import render

api_router = APIRouter(
    prefix="/api/v1", tags=["reminders"], responses=API_ERRORS, route_class=JsonRoute
)
page_router = APIRouter(include_in_schema=False)


# --- API -------------------------------------------------------------------------------------


@api_router.get(
    "/patients/{patient_id}/reminders",
    summary="The patient's reminders: days, time, quiet hours, channels, calendar_url",
    dependencies=[action("patient.read")],
    responses=RECORD,
)
def get_reminders(ctx: ApiUnit, patient_id: PatientId) -> reminders.RemindersPublic:
    return reminders.get_reminders(ctx, patient_id)


@api_router.put(
    "/patients/{patient_id}/reminders",
    summary="Set the patient's reminders",
    description=(
        "`days`: weekdays (`mon`..`sun`); `time`: local `HH:MM`; `timezone`: IANA name "
        "(default: the clinic's); optional `quiet_start`/`quiet_end` (`HH:MM`, both or "
        "neither, may cross midnight; a reminder due inside them waits until they end); "
        "`channels`: `calendar`, `push`, `email` "
        "(booleans); `email`: the address, required with the e-mail channel. At most one "
        "reminder a day, none in quiet hours, none on a day with a check-in, none while the "
        "program is paused."
    ),
    dependencies=[action("reminders.write")],
    responses=RECORD,
)
def put_reminders(
    ctx: ApiUnit, patient_id: PatientId, body: JsonBody[RemindersIn]
) -> reminders.RemindersPublic:
    return reminders.put_reminders(ctx, patient_id, body)


@api_router.post(
    "/patients/{patient_id}/reminders/calendar-link",
    summary="Renew the private calendar link (the old link stops working)",
    dependencies=[action("reminders.write")],
    responses=RECORD,
)
def renew_calendar(ctx: ApiUnit, patient_id: PatientId) -> reminders.RemindersPublic:
    return reminders.renew_calendar(ctx, patient_id)


@api_router.get(
    "/push/public-key",
    summary="The server's VAPID public key (the browser's applicationServerKey)",
    dependencies=[action("public")],
)
async def push_public_key(request: Request) -> dict[str, str]:
    return {"public_key": webpush.public_key(state(request).settings)}


@api_router.post(
    "/patients/{patient_id}/push-subscriptions",
    status_code=201,
    summary="Subscribe one of the patient's browsers to reminder notifications",
    description="The body is the browser's `PushSubscription.toJSON()`.",
    dependencies=[action("push.subscribe")],
    responses=RECORD,
)
def subscribe(
    ctx: ApiUnit, patient_id: PatientId, body: JsonBody[SubscriptionIn]
) -> dict[str, int]:
    return {"push_devices": webpush.subscribe(ctx, patient_id, body)}


# --- the feed --------------------------------------------------------------------------------


@page_router.get("/calendar/{token}.ics", dependencies=[action("public")])
def calendar_feed(ctx: Unit, token: str) -> Response:
    feed = reminders.calendar_feed(ctx, token[:100])
    return Response(
        content=feed,
        media_type=MEDIA_TYPE,
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


# --- the patient's page ----------------------------------------------------------------------


def form_body(form: FormData) -> dict[str, Any]:
    """The page's form as the API's body (empty optional fields left out)."""
    days = [str(d)[:3] for d in form.getlist("days")][:7]
    body: dict[str, Any] = {
        "days": days,
        "time": text_of(form, "time", 8).strip(),
        "channels": {
            "calendar": text_of(form, "calendar", 5) == "on",
            "push": text_of(form, "push", 5) == "on",
            "email": text_of(form, "email_on", 5) == "on",
        },
    }
    for name in ("timezone", "quiet_start", "quiet_end", "email"):
        value = text_of(form, name, 300).strip()
        if value:
            body[name] = value
    return body


def _page(
    request: Request, ctx: Ctx, *, status: int = 200, values: Any = None, errors: Any = None
) -> Response:
    data, saved = reminders.reminders_and_language(ctx, own_patient_id(ctx))
    actor = ctx.actor
    base = str(request.base_url).rstrip("/")
    values_ = {
        "r": data,
        "feed_url": f"{base}{data.calendar_url}" if data.calendar_url else None,
        "webcal_url": (
            "webcal://" + f"{base}{data.calendar_url}".split("://", 1)[1]
            if data.calendar_url
            else None
        ),
        "public_key": webpush.public_key(state(request).settings),
        "values": values,
        "errors": errors or {},
        "weekdays": ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
    }
    lang = page_language(request, actor, saved=saved)
    return render(request, "me/reminders.html", values_, actor=actor, status=status, lang=lang)


@page_router.get("/me/reminders", dependencies=[action("self.patient.read")])
def reminders_page(request: Request, ctx: PageUnit) -> Response:
    return _page(request, ctx)


@page_router.post("/me/reminders", dependencies=[action("self.reminders.write")])
def save_reminders(request: Request, ctx: PageUnit, _: CsrfChecked, form: FormFields) -> Response:
    body = form_body(form)
    try:
        attempt(
            ctx,
            lambda: reminders.put_reminders(ctx, own_patient_id(ctx), parse(RemindersIn, body)),
        )
    except InputError as exc:
        return _page(request, ctx, status=422, values=body, errors=field_errors(exc))
    return RedirectResponse("/me/reminders?saved=1", status_code=303)


@page_router.post("/me/reminders/calendar-link", dependencies=[action("self.reminders.write")])
def renew_link(ctx: PageUnit, _: CsrfChecked) -> Response:
    reminders.renew_calendar(ctx, own_patient_id(ctx))
    return RedirectResponse("/me/reminders?renewed=1#calendar", status_code=303)


@page_router.post("/me/reminders/push", dependencies=[action("self.push.subscribe")])
def subscribe_browser(ctx: PageUnit, _: CsrfChecked, form: FormFields) -> Response:
    """``static/reminders.js`` sends the browser's subscription here (form-encoded, CSRF)."""
    body = {
        "endpoint": text_of(form, "endpoint", 2100),
        "keys": {"p256dh": text_of(form, "p256dh", 200), "auth": text_of(form, "auth", 100)},
    }
    devices = webpush.subscribe(ctx, own_patient_id(ctx), parse(SubscriptionIn, body))
    return Response(content=f'{{"push_devices": {devices}}}', media_type="application/json")


__all__ = ["api_router", "form_body", "page_router"]
