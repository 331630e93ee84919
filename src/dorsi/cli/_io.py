"""Shared plumbing for the JSON-in, JSON-or-text-out decision commands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from dorsi.clinical.contract import parse
from dorsi.errors import InputError

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)


def add_json_io(parser: argparse.ArgumentParser) -> None:
    """Add the INPUT argument and the --json flag every decision command takes."""
    parser.add_argument(
        "input",
        nargs="?",
        default="-",
        metavar="INPUT",
        help="a file holding one JSON object, or '-' for standard input (the default)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print exactly the output object as JSON"
    )


def read_input(source: str) -> str:
    """Read the JSON text from a path or ``-`` (stdin)."""
    if source == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise InputError("no JSON on standard input; pass a file or pipe it in", field="INPUT")
        return sys.stdin.read()
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"file '{source}' does not exist", field="INPUT") from None
    except IsADirectoryError:
        raise InputError(f"'{source}' is a folder, not a JSON file", field="INPUT") from None
    except UnicodeDecodeError:
        raise InputError(f"file '{source}' is not UTF-8 text", field="INPUT") from None
    except OSError as exc:
        raise InputError(f"cannot read '{source}': {exc.strerror}", field="INPUT") from None


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def run_decision(
    args: argparse.Namespace,
    model: type[In],
    decide: Callable[[In], Out],
    render: Callable[[Out], str],
) -> int:
    """Parse the input contract, decide, and print JSON or text."""
    contract = parse(model, read_input(args.input))
    result = decide(contract)
    if args.json:
        emit_json(result.model_dump(mode="json"))
    else:
        sys.stdout.write(render(result).rstrip("\n") + "\n")
    return 0
