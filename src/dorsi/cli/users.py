"""``dorsi users``: create accounts for a real deployment (the password never goes in argv)."""

from __future__ import annotations

import argparse
import getpass
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = sub.add_parser(
        "create",
        help="create an account; the password is read from standard input or a prompt",
        description=(
            "Create an account. The password is read from the first line of standard input "
            "when it is not a terminal, otherwise asked for twice (never taken from the "
            "command line, where other users could see it)."
        ),
    )
    create.add_argument("--role", required=True, choices=("clinician", "patient", "admin"))
    create.add_argument("--username", required=True)
    create.add_argument("--display-name", help="full name shown in the app (default: username)")
    create.add_argument(
        "--patient-id", type=int, help="for --role patient: the patient record this login opens"
    )
    sub.add_parser("list", help="list the accounts")
    reset = sub.add_parser(
        "set-password",
        help="set a new password for an account (from standard input or a prompt); "
        "signs it out everywhere",
    )
    reset.add_argument("--username", required=True)
    out = sub.add_parser("sign-out", help="end every session and API token of an account")
    out.add_argument("--username", required=True)


def _read_password() -> str:
    from dorsi.errors import InputError

    if sys.stdin is not None and not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise InputError("no password on standard input (one line expected)", field="password")
        return line
    first = getpass.getpass("Password: ")
    second = getpass.getpass("Password again: ")
    if first != second:
        raise InputError("the two passwords are not the same", field="password")
    return first


def run(args: argparse.Namespace) -> int:
    from dorsi.store import require_web_extra

    require_web_extra()
    from sqlalchemy.orm import Session

    from dorsi.clinical.contract import parse
    from dorsi.services import users
    from dorsi.services.context import Ctx, run_unit, utc_now
    from dorsi.services.schemas import UserCreate
    from dorsi.services.users import operator_reset
    from dorsi.settings import get_settings
    from dorsi.store.db import Database
    from dorsi.store.migrate import upgrade

    settings = get_settings()
    database = Database.from_url(settings.resolved_database_url)
    try:
        upgrade(database.engine)

        def make(session: Session) -> Ctx:
            return Ctx(
                db=session,
                now=utc_now(),
                settings=settings,
                secret=settings.secret(),
                request_id="cli",
            )

        if args.action == "list":
            from sqlalchemy import select

            from dorsi.store.models import User

            def listing(ctx: Ctx) -> list[tuple[str, str, bool]]:
                rows = ctx.db.execute(
                    select(User.username, User.role, User.is_active).order_by(User.username)
                )
                return [(u, r, a) for u, r, a in rows]

            for username, role, active in run_unit(database, make, listing):
                print(f"{username:<24} {role:<10} {'active' if active else 'inactive'}")
            return 0
        if args.action in ("set-password", "sign-out"):
            password = _read_password() if args.action == "set-password" else None
            ended = run_unit(
                database, make, lambda ctx: operator_reset(ctx, args.username, password)
            )
            done = "password set; " if password is not None else ""
            print(f"{done}{ended} session(s) and token(s) of '{args.username}' ended")
            return 0
        password = _read_password()
        data = parse(
            UserCreate,
            {
                "username": args.username,
                "role": args.role,
                "display_name": args.display_name or args.username,
                "password": password,
            },
        )
        created = run_unit(
            database,
            make,
            lambda ctx: users.create_user(ctx, data, operator=True, patient_id=args.patient_id),
        )
    finally:
        database.dispose()
    print(f"created {created.role} '{created.username}' (id {created.id})")
    return 0
