"""``dorsi export fhir PATIENT`` (FHIR R4 Bundle JSON on standard output) and
``dorsi export csv PATIENT --out DIR`` (measurements.csv and sessions.csv)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dorsi.cli._operator import add_patient, as_operator


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Export a patient's record: 'fhir' prints a FHIR R4 Bundle (JSON); 'csv' writes "
        "measurements.csv and sessions.csv into a folder. Acts as the local operator of the "
        "configured database (audited)."
    )
    sub = parser.add_subparsers(dest="format", required=True, metavar="FORMAT")
    fhir = sub.add_parser("fhir", help="a FHIR R4 Bundle (JSON) on standard output")
    add_patient(fhir)
    csv = sub.add_parser("csv", help="measurements.csv and sessions.csv in a folder")
    add_patient(csv)
    csv.add_argument("--out", required=True, metavar="DIR", help="folder to write into")


def run(args: argparse.Namespace) -> int:
    from dorsi.errors import InputError
    from dorsi.services.documents import csv_files, fhir_bundle

    if args.format == "fhir":
        bundle = as_operator(fhir_bundle, args.patient)
        sys.stdout.write(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n")
        return 0
    folder = Path(args.out)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"'{folder}' exists and is not a folder", field="--out")
    files = as_operator(csv_files, args.patient)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(f"cannot write into '{folder}': {exc.strerror}", field="--out") from None
    for name in files:
        print(folder / name)
    return 0
