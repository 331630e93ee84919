"""Admin pages: the user accounts (admins manage users, not clinical records)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from dorsi.clinical.contract import parse
from dorsi.errors import ConflictError, InputError
from dorsi.services import users
from dorsi.services.context import Ctx, attempt
from dorsi.services.passwords import MIN_LENGTH_STAFF
from dorsi.services.schemas import UserCreate
from dorsi.web.deps import CsrfChecked, PageUnit, action
from dorsi.web.pages.forms import FormText, clipped, field_errors
from dorsi.web.templating import render

router = APIRouter(prefix="/admin")
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _users_page(
    request: Request,
    ctx: Ctx,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    ended: int | None = None,
) -> Response:
    accounts = users.list_users(ctx)
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
        actor=ctx.actor,
        status=status,
    )


@router.get("/users", dependencies=[action("user.manage")])
def users_page(request: Request, ctx: PageUnit) -> Response:
    return _users_page(request, ctx)


@router.post("/users", dependencies=[action("user.manage")])
def create_user(
    request: Request,
    ctx: PageUnit,
    _: CsrfChecked,
    username: Annotated[FormText, clipped(100)] = "",
    role: Annotated[FormText, clipped(20)] = "",
    display_name: Annotated[FormText, clipped(200)] = "",
    password: Annotated[FormText, clipped(300)] = "",
) -> Response:
    values = {
        "username": username,
        "role": role,
        "display_name": display_name,
        "password": password,
    }
    try:
        attempt(ctx, lambda: users.create_user(ctx, parse(UserCreate, values)))
    except (InputError, ConflictError) as exc:
        errors = (
            field_errors(exc, "en") if isinstance(exc, InputError) else {"username": exc.message}
        )
        shown = {k: v for k, v in values.items() if k != "password"}
        return _users_page(request, ctx, values=shown, errors=errors, status=422)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{user_id}/active", dependencies=[action("user.manage")])
def set_active(
    ctx: PageUnit,
    _: CsrfChecked,
    user_id: UserId,
    active: Annotated[FormText, clipped(5)] = "",
) -> Response:
    users.set_active(ctx, user_id, active=active == "1")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/users/{user_id}/signout", dependencies=[action("user.manage")])
def sign_out_everywhere(
    request: Request, ctx: PageUnit, _: CsrfChecked, user_id: UserId
) -> Response:
    ended = users.sign_out_everywhere(ctx, user_id)
    return _users_page(request, ctx, ended=ended)


__all__ = ["router"]
