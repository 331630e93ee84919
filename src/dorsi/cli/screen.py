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


def run(args: argparse.Namespace) -> int:
    from dorsi.clinical.screening import ScreenInput, render_text, triage

    return run_decision(args, ScreenInput, triage, render_text)
