"""``dorsi screen``: red-flag triage from one JSON object of answers."""

from __future__ import annotations

import argparse

from dorsi.cli._io import add_json_io, run_decision


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Red-flag triage: reads the screening answers (one JSON object) and says whether it is "
        "safe to start or go on with the home program: emergency, urgent, see_clinician or "
        "proceed. Optional questions left out are listed as unanswered."
    )
    add_json_io(parser)
    parser.add_argument(
        "--lang", metavar="LANG", help="language: en (English, the default) or es (Español)"
    )


def run(args: argparse.Namespace) -> int:
    from dorsi.clinical.screening import ScreenInput, render_text, triage
    from dorsi.i18n import normalize_language

    lang = normalize_language(args.lang, field="--lang") if args.lang else "en"
    return run_decision(
        args,
        ScreenInput,
        lambda data: triage(data, lang=lang),
        lambda out: render_text(out, lang),
    )
