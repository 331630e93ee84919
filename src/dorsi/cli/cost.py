"""``dorsi cost``: estimate out-of-pocket cost of a course of visits."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from dorsi.cli._io import add_json_io, run_decision

if TYPE_CHECKING:
    from dorsi.clinical.cost import CostOutput


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Estimate what you and your insurer pay for a course of visits. Input: one JSON object "
        "with visits, allowed_per_visit, deductible_remaining, copay_per_visit, "
        "coinsurance_pct, oop_max_remaining, covered_visits_remaining and, out of network, "
        "in_network: false with out_of_network {billed_per_visit, deductible_remaining, "
        "coinsurance_pct}; optionally therapy_threshold {kind: medicare_kx with year, or plan "
        "with amount; spent_this_year}. Coinsurance is a percent (20 for 20%)."
    )
    add_json_io(parser)
    parser.add_argument(
        "--lang", metavar="LANG", help="language: en (English, the default) or es (Español)"
    )


# Terminal labels per language; column widths fit the longest label of each language.
_LABELS = {
    "en": ("Cost estimate", "visit", "you pay", "insurer pays", "Total you pay:", "Total insurer:"),
    "es": ("Costo estimado", "visita", "usted paga", "paga el seguro", "Usted paga:", "El seguro:"),
}


def render(out: CostOutput, lang: str = "en") -> str:
    title, visit, you, insurer, total_you, total_insurer = _LABELS[lang]
    w_visit, w_amount, w_total = max(5, len(visit)), max(12, len(insurer)), 18
    lines = [title, ""]
    if out.per_visit:
        lines.append(f"  {visit:>{w_visit}}  {you:>{w_amount}}  {insurer:>{w_amount}}")
        for item in out.per_visit:
            lines.append(
                f"  {item.visit:>{w_visit}}  {item.patient:>{w_amount},.2f}"
                f"  {item.insurer:>{w_amount},.2f}"
            )
        lines.append("")
    lines.append(f"{total_you:<{w_total}}${out.total_patient:,.2f}")
    lines.append(f"{total_insurer:<{w_total}}${out.total_insurer:,.2f}")
    lines += ["", out.explanation]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from dorsi.clinical.cost import CostInput, estimate_cost
    from dorsi.i18n import normalize_language

    lang = normalize_language(args.lang, field="--lang") if args.lang else "en"
    return run_decision(
        args,
        CostInput,
        lambda data: estimate_cost(data, lang=lang),
        lambda out: render(out, lang),
    )
