"""``dorsi handout PATIENT [--paper a4|letter] [--lang en|es] [--out FILE]``: the handout."""

from __future__ import annotations

import argparse

from dorsi.cli._operator import add_patient, as_operator, write_bytes


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write the patient's home-exercise handout as PDF: stop rules and warning signs on "
        "page 1, then each exercise with its picture, steps, tips, dose and a tick-box log. "
        "Acts as the local operator of the configured database (audited)."
    )
    add_patient(parser)
    parser.add_argument("--paper", choices=("letter", "a4"), default="letter")
    parser.add_argument(
        "--lang", metavar="LANG", help="language: en or es (default: the patient's language)"
    )
    parser.add_argument(
        "--out", metavar="FILE", help="where to write the PDF ('-' for standard output)"
    )


def run(args: argparse.Namespace) -> int:
    from dorsi.i18n import normalize_language
    from dorsi.reports import require_reports_extra
    from dorsi.services.documents import handout

    require_reports_extra()
    lang = normalize_language(args.lang, field="--lang") if args.lang else None
    doc = as_operator(handout, args.patient, paper=args.paper, lang=lang)
    write_bytes(doc.data, args.out, doc.filename)
    return 0
