"""Pages for everyone: sign in and out, one-time links, account, "Is this urgent?", cost."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from dorsi.catalog.red_flags import load_red_flags
from dorsi.clinical.contract import parse
from dorsi.clinical.cost import CostInput, estimate_cost
from dorsi.errors import AuthenticationError, InputError, RateLimitedError
from dorsi.i18n import N_
from dorsi.pictures import render_exercise_picture
from dorsi.services import auth, users
from dorsi.services.auth import DEVICE_COOKIE_DAYS
from dorsi.services.context import Actor, Ctx, attempt
from dorsi.services.passwords import MAX_LENGTH, min_length
from dorsi.services.self_check import self_check
from dorsi.web.deps import (
    CsrfChecked,
    CsrfToken,
    FormFields,
    OptionalPageUnit,
    PageUnit,
    PreSessionCsrfChecked,
    SeparateUnits,
    Unit,
    action,
    check_csrf,
    sign_in_by_cookie,
)
from dorsi.web.i18n import page_language
from dorsi.web.pages.forms import (
    FormText,
    clipped,
    compact,
    field_errors,
    number,
    text_of,
    yes_no,
)
from dorsi.web.runtime import device_cookie_name, is_https, session_cookie_name, state
from dorsi.web.templating import render

router = APIRouter()


HOME = {"clinician": "/clinic", "patient": "/me", "admin": "/admin/users"}
#: sign-out's answer: the browser drops this site's caches and storage (not its cookies)
CLEAR_SITE_DATA = '"cache", "storage"'


def safe_next(target: str | None, actor: Actor) -> str:
    """Only same-site paths (no scheme, no ``//host``) are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME.get(actor.role, "/")


def signed_in(ctx: Ctx) -> Actor:
    """The actor of a unit signed in by the session cookie (which refuses anyone else)."""
    actor = ctx.actor
    if actor is None:
        raise AuthenticationError("please sign in")
    return actor


def set_session_cookie(request: Request, response: Response, value: str) -> None:
    settings = state(request).settings
    response.set_cookie(
        session_cookie_name(request),
        value,
        max_age=settings.session_absolute_hours * 3600,
        path="/",
        secure=is_https(request),
        httponly=True,
        samesite="lax",
    )


def set_device_cookie(request: Request, response: Response, value: str) -> None:
    """Remember that this browser's user signed in here (their own sign-in throttle)."""
    response.set_cookie(
        device_cookie_name(request),
        value,
        max_age=DEVICE_COOKIE_DAYS * 86400,
        path="/",
        secure=is_https(request),
        httponly=True,
        samesite="lax",
    )


@router.get("/", dependencies=[action("authenticated")])
def home(ctx: OptionalPageUnit) -> Response:
    if ctx.actor is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME.get(ctx.actor.role, "/login"), status_code=303)


@router.get("/login", dependencies=[action("public")])
def login_form(request: Request, next: str | None = None) -> Response:
    # Shown even to a signed-in visitor: signing in again starts a new session (rotation).
    return render(request, "login.html", {"next": (next or "")[:500]})


@router.post("/login", dependencies=[action("public")])
def login(
    request: Request,
    units: SeparateUnits,
    _: PreSessionCsrfChecked,
    username: Annotated[FormText, clipped(256)] = "",
    password: Annotated[FormText, clipped(1024)] = "",
    target: Annotated[str, Form(alias="next"), clipped(500)] = "",
) -> Response:
    previous = request.cookies.get(session_cookie_name(request))
    device = request.cookies.get(device_cookie_name(request))
    try:
        started = units.run(  # counted (and committed) before the password is checked
            lambda ctx: auth.start_sign_in(ctx, username=username, password=password, device=device)
        )
        new = units.run(
            lambda ctx: auth.login_session(
                ctx, started, password=password, previous_cookie=previous
            )
        )
    except (AuthenticationError, InputError, RateLimitedError) as exc:
        status = 429 if isinstance(exc, RateLimitedError) else 401
        page = render(
            request,
            "login.html",
            {"next": target, "error": exc.message, "username": username},
            status=status,
        )
        if isinstance(exc, RateLimitedError):
            page.headers["Retry-After"] = str(exc.retry_after_s)
        return page
    response = RedirectResponse(safe_next(target, new.actor), status_code=303)
    set_session_cookie(request, response, new.cookie_value)
    set_device_cookie(request, response, new.device_cookie)
    return response


@router.post("/logout", dependencies=[action("authenticated")])
def logout(request: Request, ctx: PageUnit, _: CsrfChecked) -> Response:
    auth.revoke_session(ctx, request.cookies.get(session_cookie_name(request), ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        session_cookie_name(request), path="/", secure=is_https(request), httponly=True
    )
    # The phone keeps nothing of the one who signed out: the patient's pages kept for offline
    # use, the service worker and its store (docs/offline.md). Cookies stay: the device
    # cookie of the sign-in throttle is not personal data of the session.
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@router.get("/signin/{link}", dependencies=[action("public")])
def link_form(request: Request, link: str) -> Response:
    return render(request, "signin_link.html", {"link": link[:128]})


@router.post("/signin/{link}", dependencies=[action("public")])
def link_redeem(request: Request, ctx: Unit, _: PreSessionCsrfChecked, link: str) -> Response:
    previous = request.cookies.get(session_cookie_name(request))
    try:
        new = attempt(
            ctx, lambda: auth.redeem_sign_in_link(ctx, link=link, previous_cookie=previous)
        )
    except AuthenticationError as exc:
        return render(request, "signin_link.html", {"link": "", "error": exc.message}, status=401)
    response = RedirectResponse("/account?welcome=1", status_code=303)
    set_session_cookie(request, response, new.cookie_value)
    set_device_cookie(request, response, new.device_cookie)
    return response


def _account_values(actor: Actor) -> dict[str, Any]:
    return {"min_length": min_length(actor.role), "max_length": MAX_LENGTH}


@router.get("/account", dependencies=[action("authenticated")])
def account(request: Request, ctx: PageUnit, welcome: int = 0) -> Response:
    actor = signed_in(ctx)
    values = {"welcome": bool(welcome), **_account_values(actor)}
    return render(request, "account.html", values, actor=actor)


@router.post("/account/password", dependencies=[action("authenticated")])
def change_password(
    request: Request,
    units: SeparateUnits,
    csrf_token: CsrfToken = None,
    current_password: Annotated[FormText, clipped(1024)] = "",
    new: Annotated[str, Form(alias="new_password"), clipped(1024)] = "",
    confirm: Annotated[str, Form(alias="confirm_password"), clipped(1024)] = "",
) -> Response:
    current = current_password or None

    def start(ctx: Ctx) -> users.PasswordCheck:
        sign_in_by_cookie(request, ctx)
        check_csrf(request, ctx, csrf_token)
        if new != confirm:
            raise InputError("the two new passwords are not the same", field="confirm_password")
        return users.start_password_change(ctx, new=new)

    def finish(ctx: Ctx) -> int:
        sign_in_by_cookie(request, ctx)
        return users.change_password(ctx, check, current=current, new=new)

    def who(ctx: Ctx) -> Actor:
        return signed_in(sign_in_by_cookie(request, ctx))

    try:
        # the check of the current password is counted (and committed) before it is made
        check = units.run(start)
        ended = units.run(finish)
    except (InputError, RateLimitedError) as exc:
        actor = units.run(who)
        lang = page_language(request, actor)
        errors = (
            {"current_password": exc.message}
            if isinstance(exc, RateLimitedError)
            else field_errors(exc, lang)
        )
        status = 429 if isinstance(exc, RateLimitedError) else 422
        page = render(
            request,
            "account.html",
            {"errors": errors, **_account_values(actor)},
            actor=actor,
            status=status,
            lang=lang,
        )
        if isinstance(exc, RateLimitedError):
            page.headers["Retry-After"] = str(exc.retry_after_s)
        return page
    actor = units.run(who)
    values = {"saved": True, "ended": ended, **_account_values(actor)}
    return render(request, "account.html", values, actor=actor)


# --- "Is this urgent?" (no sign-in; kept only for a signed-in patient) ----------------


def screening_answers(form: FormData, questions: Any) -> dict[str, Any]:
    """Form answers -> the ``dorsi screen`` input (unanswered optional questions left out)."""
    values: dict[str, Any] = {}
    for q in questions:
        raw = text_of(form, q.id, 100)
        if raw == "":
            continue
        if q.kind == "boolean":
            values[q.id] = yes_no(raw)
        elif q.kind in ("count", "number"):
            values[q.id] = number(raw)
        else:
            values[q.id] = raw
    return compact(values)


@router.get("/urgent", dependencies=[action("public")])
def urgent_form(request: Request, ctx: OptionalPageUnit) -> Response:
    lang = page_language(request, ctx.actor)
    questions = load_red_flags(lang).questions
    return render(
        request, "urgent.html", {"questions": questions, "values": {}}, actor=ctx.actor, lang=lang
    )


@router.post("/urgent", dependencies=[action("public")])
def urgent_check(
    request: Request, ctx: OptionalPageUnit, _: CsrfChecked, form: FormFields
) -> Response:
    answers = screening_answers(form, load_red_flags().questions)
    actor = ctx.actor
    lang = page_language(request, actor)
    try:
        # kept (and told to the clinician) only for a signed-in patient; anonymous: not stored
        checked = attempt(ctx, lambda: self_check(ctx, answers, lang=lang))
    except InputError as exc:
        return render(
            request,
            "urgent.html",
            {
                "questions": load_red_flags(lang).questions,
                "values": answers,
                "errors": field_errors(exc),
            },
            actor=actor,
            status=422,
            lang=lang,
        )
    return render(
        request,
        "urgent_result.html",
        {
            "result": checked.result,
            "stored": checked.stored,
            "clinician_told": checked.clinician_told,
        },
        actor=checked.actor,
        lang=page_language(request, checked.actor),
    )


# --- cost estimate (no sign-in, nothing stored) -------------------------------------------

COST_FIELDS = (  # labels marked with N_ and translated in the template
    ("visits", N_("Number of visits"), N_("How many therapy visits you expect.")),
    (
        "allowed_per_visit",
        N_("Allowed amount per visit ($)"),
        N_("What your plan allows for one visit."),
    ),
    (
        "deductible_remaining",
        N_("Deductible left ($)"),
        N_("What you still pay before the plan pays."),
    ),
    ("copay_per_visit", N_("Copay per visit ($)"), N_("A fixed amount you pay each visit.")),
    (
        "coinsurance_pct",
        N_("Coinsurance (%)"),
        N_("Your share of the cost after the copay, as a percent (write 20, not 0.2)."),
    ),
    (
        "oop_max_remaining",
        N_("Out-of-pocket maximum left ($)"),
        N_("Leave empty if there is no cap."),
    ),
    (
        "covered_visits_remaining",
        N_("Covered visits left"),
        N_("Leave empty if there is no limit."),
    ),
    (
        "medicare_year",
        N_("Medicare: year of the visits"),
        N_("Only if Medicare Part B pays. Leave empty for other plans."),
    ),
    (
        "therapy_spent_this_year",
        N_("Therapy already used this year ($)"),
        N_("With Medicare: what your therapy has cost so far this year."),
    ),
)
#: Form fields that are not cost contract fields: they build its ``therapy_threshold``.
THRESHOLD_FIELDS = {"medicare_year": "year", "therapy_spent_this_year": "spent_this_year"}


@router.get("/cost", dependencies=[action("public")])
def cost_form(request: Request, ctx: OptionalPageUnit) -> Response:
    return render(request, "cost.html", {"fields": COST_FIELDS, "values": {}}, actor=ctx.actor)


@router.post("/cost", dependencies=[action("public")])
def cost_estimate(
    request: Request, ctx: OptionalPageUnit, _: CsrfChecked, form: FormFields
) -> Response:
    values: dict[str, Any] = {}
    for name, _label, _help in COST_FIELDS:
        raw = text_of(form, name, 40)
        if raw.strip():
            values[name] = number(raw)
    for name in ("visits", "allowed_per_visit", "deductible_remaining", "copay_per_visit"):
        values.setdefault(name, "")
    values.setdefault("coinsurance_pct", 0)
    values.setdefault("oop_max_remaining", None)
    values.setdefault("covered_visits_remaining", None)
    body = {k: v for k, v in values.items() if k not in THRESHOLD_FIELDS}
    if "medicare_year" in values:
        body["therapy_threshold"] = {
            "kind": "medicare_kx",
            **{THRESHOLD_FIELDS[k]: values[k] for k in THRESHOLD_FIELDS if k in values},
        }
    actor = ctx.actor
    try:
        result = estimate_cost(parse(CostInput, body), lang=page_language(request, actor))
    except InputError as exc:
        errors = field_errors(exc)
        form_names = {f"therapy_threshold.{v}": k for k, v in THRESHOLD_FIELDS.items()}
        errors = {form_names.get(k, k): v for k, v in errors.items()}
        return render(
            request,
            "cost.html",
            {"fields": COST_FIELDS, "values": values, "errors": errors},
            actor=actor,
            status=422,
        )
    return render(
        request,
        "cost.html",
        {"fields": COST_FIELDS, "values": values, "result": result},
        actor=actor,
    )


@router.get("/exercises/{exercise_id}.svg", dependencies=[action("public")])
def exercise_picture(request: Request, exercise_id: str) -> Response:
    """The drawing of one exercise (catalog content, no patient data), its caption in the
    reader's language (the language cookie a patient's pages keep, else the browser's)."""
    lang = page_language(request, None)
    svg = render_exercise_picture(exercise_id[:48], "svg", lang=lang)
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Vary": "Cookie, Accept-Language", "Content-Language": lang},
    )


__all__ = ["HOME", "router", "safe_next", "screening_answers", "signed_in"]
