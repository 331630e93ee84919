"""``dorsi report PATIENT [--from DATE --to DATE] [--out FILE]``: the progress note (PDF)."""

from __future__ import annotations

import argparse

from dorsi.cli._operator import add_patient, as_operator, parse_day, write_bytes


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write the progress note of a patient as PDF: values with change against the MDC and "
        "MCID, charts, adherence, pain, alerts and plan. Acts as the local operator of the "
        "configured database (audited)."
    )
    add_patient(parser)
    parser.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD)")
    parser.add_argument("--to", dest="end", metavar="DATE", help="last day (default today)")
    parser.add_argument("--paper", choices=("letter", "a4"), default="letter")
    parser.add_argument(
        "--out", metavar="FILE", help="where to write the PDF ('-' for standard output)"
    )


def run(args: argparse.Namespace) -> int:
    from dorsi.reports import require_reports_extra
    from dorsi.services.documents import progress_note

    require_reports_extra()
    start, end = parse_day(args.start, "--from"), parse_day(args.end, "--to")
    doc = as_operator(progress_note, args.patient, start=start, end=end, paper=args.paper)
    write_bytes(doc.data, args.out, doc.filename)
    return 0
