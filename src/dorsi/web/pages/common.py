"""Pages for everyone: sign in and out, one-time links, account, "Is this urgent?", cost."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from dorsi.errors import AuthenticationError, InputError, RateLimitedError
from dorsi.i18n import N_
from dorsi.services import auth, users
from dorsi.services.context import Actor, Ctx
from dorsi.web.i18n import page_language
from dorsi.web.pages.forms import compact, csrf_of, field_errors, number, text_of, yes_no
from dorsi.web.runtime import device_cookie_name, is_https, run, session_cookie_name, state
from dorsi.web.templating import render

router = APIRouter()


def act(name: str) -> dict[str, Any]:
    return {"x-dorsi-action": name}


HOME = {"clinician": "/clinic", "patient": "/me", "admin": "/admin/users"}


def safe_next(target: str | None, actor: Actor) -> str:
    """Only same-site paths (no scheme, no ``//host``) are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME.get(actor.role, "/")


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
    from dorsi.services.auth import DEVICE_COOKIE_DAYS

    response.set_cookie(
        device_cookie_name(request),
        value,
        max_age=DEVICE_COOKIE_DAYS * 86400,
        path="/",
        secure=is_https(request),
        httponly=True,
        samesite="lax",
    )


async def current_actor(request: Request) -> Actor | None:
    return await run(request, lambda ctx: ctx.actor, auth_kind="optional_page")


async def signed_in(request: Request) -> Actor:
    actor = await run(request, lambda ctx: ctx.actor, auth_kind="page")
    assert actor is not None  # noqa: S101 - auth_kind="page" raises otherwise
    return actor


@router.get("/", openapi_extra=act("authenticated"))
async def home(request: Request) -> Response:
    actor = await current_actor(request)
    if actor is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME.get(actor.role, "/login"), status_code=303)


@router.get("/login", openapi_extra=act("public"))
async def login_form(request: Request, next: str | None = None) -> Response:
    # Shown even to a signed-in visitor: signing in again starts a new session (rotation).
    return render(request, "login.html", {"next": (next or "")[:500]})


@router.post("/login", openapi_extra=act("public"))
async def login(request: Request) -> Response:
    form = await request.form()
    username = text_of(form, "username", 256)
    password = text_of(form, "password", 1024)
    target = text_of(form, "next", 500)
    previous = request.cookies.get(session_cookie_name(request))
    device = request.cookies.get(device_cookie_name(request))
    try:
        attempt = await run(  # counted (and committed) before the password is checked
            request,
            lambda ctx: auth.start_sign_in(
                ctx, username=username, password=password, device=device
            ),
            auth_kind="none",
            csrf=csrf_of(form),
        )
        new = await run(
            request,
            lambda ctx: auth.login_session(
                ctx, attempt, password=password, previous_cookie=previous
            ),
            auth_kind="none",
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


@router.post("/logout", openapi_extra=act("authenticated"))
async def logout(request: Request) -> Response:
    form = await request.form()
    cookie = request.cookies.get(session_cookie_name(request), "")

    def work(ctx: Ctx) -> None:
        auth.revoke_session(ctx, cookie)

    await run(request, work, auth_kind="page", csrf=csrf_of(form))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        session_cookie_name(request), path="/", secure=is_https(request), httponly=True
    )
    return response


@router.get("/signin/{link}", openapi_extra=act("public"))
async def link_form(request: Request, link: str) -> Response:
    return render(request, "signin_link.html", {"link": link[:128]})


@router.post("/signin/{link}", openapi_extra=act("public"))
async def link_redeem(request: Request, link: str) -> Response:
    form = await request.form()
    previous = request.cookies.get(session_cookie_name(request))
    try:
        new = await run(
            request,
            lambda ctx: auth.redeem_sign_in_link(ctx, link=link, previous_cookie=previous),
            auth_kind="none",
            csrf=csrf_of(form),
        )
    except AuthenticationError as exc:
        return render(request, "signin_link.html", {"link": "", "error": exc.message}, status=401)
    response = RedirectResponse("/account?welcome=1", status_code=303)
    set_session_cookie(request, response, new.cookie_value)
    set_device_cookie(request, response, new.device_cookie)
    return response


def _account_values(actor: Actor) -> dict[str, Any]:
    from dorsi.services.passwords import MAX_LENGTH, min_length

    return {"min_length": min_length(actor.role), "max_length": MAX_LENGTH}


@router.get("/account", openapi_extra=act("authenticated"))
async def account(request: Request, welcome: int = 0) -> Response:
    actor = await signed_in(request)
    values = {"welcome": bool(welcome), **_account_values(actor)}
    return render(request, "account.html", values, actor=actor)


@router.post("/account/password", openapi_extra=act("authenticated"))
async def change_password(request: Request) -> Response:
    form = await request.form()
    current = text_of(form, "current_password", 1024) or None
    new = text_of(form, "new_password", 1024)
    confirm = text_of(form, "confirm_password", 1024)

    def start(ctx: Ctx) -> users.PasswordCheck:
        if new != confirm:
            raise InputError("the two new passwords are not the same", field="confirm_password")
        return users.start_password_change(ctx, new=new)

    try:
        # the check of the current password is counted (and committed) before it is made
        check = await run(request, start, auth_kind="page", csrf=csrf_of(form))
        ended = await run(
            request,
            lambda ctx: users.change_password(ctx, check, current=current, new=new),
            auth_kind="page",
        )
    except (InputError, RateLimitedError) as exc:
        actor = await signed_in(request)
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
    actor = await signed_in(request)
    values = {"saved": True, "ended": ended, **_account_values(actor)}
    return render(request, "account.html", values, actor=actor)


# --- "Is this urgent?" (no sign-in, nothing stored) --------------------------------------


def screening_answers(form: Any, questions: Any) -> dict[str, Any]:
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


@router.get("/urgent", openapi_extra=act("public"))
async def urgent_form(request: Request) -> Response:
    from dorsi.catalog.red_flags import load_red_flags

    actor = await current_actor(request)
    lang = page_language(request, actor)
    questions = load_red_flags(lang).questions
    return render(
        request, "urgent.html", {"questions": questions, "values": {}}, actor=actor, lang=lang
    )


@router.post("/urgent", openapi_extra=act("public"))
async def urgent_check(request: Request) -> Response:
    from dorsi.catalog.red_flags import load_red_flags
    from dorsi.clinical.contract import parse
    from dorsi.clinical.screening import ScreenInput, triage

    form = await request.form()
    questions = load_red_flags().questions
    answers = screening_answers(form, questions)
    actor = await run(request, lambda ctx: ctx.actor, auth_kind="optional_page", csrf=csrf_of(form))
    lang = page_language(request, actor)
    try:
        result = triage(parse(ScreenInput, answers), lang=lang)
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
    return render(request, "urgent_result.html", {"result": result}, actor=actor, lang=lang)


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


@router.get("/cost", openapi_extra=act("public"))
async def cost_form(request: Request) -> Response:
    actor = await current_actor(request)
    return render(request, "cost.html", {"fields": COST_FIELDS, "values": {}}, actor=actor)


@router.post("/cost", openapi_extra=act("public"))
async def cost_estimate(request: Request) -> Response:
    from dorsi.clinical.contract import parse
    from dorsi.clinical.cost import CostInput, estimate_cost

    form = await request.form()
    values: dict[str, Any] = {}
    for name, _, _ in COST_FIELDS:
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
    actor = await run(request, lambda ctx: ctx.actor, auth_kind="optional_page", csrf=csrf_of(form))
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


@router.get("/exercises/{exercise_id}.svg", openapi_extra=act("public"))
async def exercise_picture(exercise_id: str) -> Response:
    """The drawing of one exercise (catalog content, no patient data)."""
    from dorsi.pictures import render_exercise_picture

    svg = render_exercise_picture(exercise_id[:48], "svg")
    return Response(svg, media_type="image/svg+xml")


__all__ = ["HOME", "act", "current_actor", "router", "safe_next", "signed_in"]
