"""Admin pages: the user accounts (admins manage users, not clinical records)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from dorsi.clinical.contract import parse
from dorsi.errors import ConflictError, InputError
from dorsi.services import users
from dorsi.services.context import Actor, Ctx
from dorsi.services.passwords import MIN_LENGTH_STAFF
from dorsi.services.schemas import UserCreate, UserPublic
from dorsi.web.pages.common import act
from dorsi.web.pages.forms import csrf_of, field_errors, text_of
from dorsi.web.runtime import run
from dorsi.web.templating import render

router = APIRouter(prefix="/admin")
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]


async def _users_page(
    request: Request,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    ended: int | None = None,
) -> Response:
    def work(ctx: Ctx) -> tuple[Actor | None, list[UserPublic]]:
        return ctx.actor, users.list_users(ctx)

    actor, accounts = await run(request, work, auth_kind="page")
    return render(
        request,
        "admin/users.html",
        {
            "users": accounts,
            "values": values or {},
            "errors": errors or {},
            "min_staff": MIN_LENGTH_STAFF,
            "ended": ended,
        },
        actor=actor,
        status=status,
    )


@router.get("/users", openapi_extra=act("user.manage"))
async def users_page(request: Request) -> Response:
    return await _users_page(request)


@router.post("/users", openapi_extra=act("user.manage"))
async def create_user(request: Request) -> Response:
    form = await request.form()
    values = {
        "username": text_of(form, "username", 100),
        "role": text_of(form, "role", 20),
        "display_name": text_of(form, "display_name", 200),
        "password": text_of(form, "password", 300),
    }
    try:
        await run(
            request,
            lambda ctx: users.create_user(ctx, parse(UserCreate, values)),
            auth_kind="page",
            csrf=csrf_of(form),
        )
    except (InputError, ConflictError) as exc:
        errors = (
            field_errors(exc, "en") if isinstance(exc, InputError) else {"username": exc.message}
        )
        shown = {k: v for k, v in values.items() if k != "password"}
        return await _users_page(request, values=shown, errors=errors, status=422)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{user_id}/active", openapi_extra=act("user.manage"))
async def set_active(request: Request, user_id: UserId) -> Response:
    form = await request.form()
    active = text_of(form, "active", 5) == "1"
    await run(
        request,
        lambda ctx: users.set_active(ctx, user_id, active=active),
        auth_kind="page",
        csrf=csrf_of(form),
    )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{user_id}/signout", openapi_extra=act("user.manage"))
async def sign_out_everywhere(request: Request, user_id: UserId) -> Response:
    form = await request.form()
    ended = await run(
        request,
        lambda ctx: users.sign_out_everywhere(ctx, user_id),
        auth_kind="page",
        csrf=csrf_of(form),
    )
    return await _users_page(request, ended=ended)


__all__ = ["router"]
