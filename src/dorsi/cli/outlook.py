"""``dorsi outlook``: the recovery timeline from one JSON object."""

from __future__ import annotations

import argparse

from dorsi.cli._io import add_json_io, run_decision


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Recovery outlook: reads cause, severity, weeks_since_onset and optionally "
        "lesion_to_muscle_cm and factors (one JSON object), and estimates how many weeks "
        "recovery may take, counted from onset, with what the estimate rests on."
    )
    add_json_io(parser)
    parser.add_argument(
        "--lang", metavar="LANG", help="language: en (English, the default) or es (Español)"
    )


def run(args: argparse.Namespace) -> int:
    from dorsi.clinical.outlook import OutlookInput, estimate_outlook, render_text
    from dorsi.i18n import normalize_language

    lang = normalize_language(args.lang, field="--lang") if args.lang else "en"
    return run_decision(
        args,
        OutlookInput,
        lambda data: estimate_outlook(data, lang),
        lambda out: render_text(out, lang),
    )
