"""The ``dorsi`` command line.

Each subcommand lives in its own module under :mod:`dorsi.cli` and is imported only when it
is run, so ``dorsi --help`` and the light commands start fast. A module provides::

    def configure(parser: argparse.ArgumentParser) -> None: ...
    def run(args: argparse.Namespace) -> int: ...

Errors: every :class:`~dorsi.errors.DorsiError` becomes one line on stderr and the exit code
from :func:`dorsi.errors.exit_code`; argument mistakes exit 2 with one line too. No traceback
reaches the user.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from dorsi import __version__

# name -> (module under dorsi.cli, one-line help). Order is the order shown in --help.
COMMANDS: dict[str, tuple[str, str]] = {
    "screen": ("screen", "red-flag triage: is it safe to start or continue the home program?"),
    "plan": ("plan", "build a phase-by-phase home program from an evaluation"),
    "progress": ("progress", "review progress against measurement error; alerts"),
    "outlook": ("outlook", "estimate the recovery timeline"),
    "cost": ("cost", "estimate out-of-pocket cost of a course of visits"),
    "exercises": ("exercises", "list the exercises, or show one in full"),
    "gait": ("gait", "measure walking from a side-on phone video (gait analyze VIDEO)"),
    "learn": ("learn", "read about foot drop and your program, in English or Spanish"),
    "serve": ("serve", "run the clinic web app (add --demo for a demo clinic)"),
    "worker": ("worker", "run gait-video analyses from the job queue (DORSI_GAIT_WORKER=dramatiq)"),
    "db": ("db", "apply the database migrations (upgrade) or show the revision (current)"),
    "users": ("users", "create or list user accounts (password from stdin or a prompt)"),
    "demo": ("demo", "fill an empty database with a demo clinic and print its logins"),
    "audit": ("audit", "check the audit log's hash chain (audit verify), record its head (anchor)"),
    "backup": ("backup", "write a backup of the database to a file (backup PATH)"),
    "restore": ("restore", "restore the database from a backup (restore PATH [--force])"),
    "report": ("report", "write a patient's progress note (PDF)"),
    "handout": ("handout", "write a patient's home-exercise handout (PDF)"),
    "export": ("export", "export a patient's record: FHIR R4 bundle or CSV files"),
    "reminders": ("reminders", "send the exercise reminders due now (reminders send; cron)"),
}


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _top_parser() -> _Parser:
    lines = [f"  {name:<11} {text}" for name, (_, text) in COMMANDS.items()]
    parser = _Parser(
        prog="dorsi",
        description="Dorsi: physical therapy for foot drop.",
        epilog="commands:\n" + "\n".join(lines) + "\n\nRun 'dorsi COMMAND --help' for details.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"dorsi {__version__}")
    parser.add_argument("command", nargs="?", metavar="COMMAND", help="one of the commands below")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dorsi`` console script."""
    from dorsi.errors import DorsiError, exit_code

    args_list = list(sys.argv[1:] if argv is None else argv)
    top = _top_parser()
    if not args_list or args_list[0].startswith("-"):
        top.parse_args(args_list)
        top.print_help()
        return 0 if args_list else 2
    name, rest = args_list[0], args_list[1:]
    if name not in COMMANDS:
        top.error(f"unknown command '{name}'; choose from: {', '.join(COMMANDS)}")
    module = importlib.import_module(f"dorsi.cli.{COMMANDS[name][0]}")
    sub = _Parser(prog=f"dorsi {name}", description=COMMANDS[name][1])
    module.configure(sub)
    args = sub.parse_args(rest)
    try:
        return int(module.run(args))
    except DorsiError as exc:
        print(f"dorsi {name}: error: {exc.message}", file=sys.stderr)
        return exit_code(exc)
    except KeyboardInterrupt:
        print(f"dorsi {name}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
