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
        "coinsurance_pct}."
    )
    add_json_io(parser)


def render(out: CostOutput) -> str:
    lines = ["Cost estimate", ""]
    if out.per_visit:
        lines.append(f"  {'visit':>5}  {'you pay':>12}  {'insurer pays':>12}")
        for item in out.per_visit:
            lines.append(f"  {item.visit:>5}  {item.patient:>12,.2f}  {item.insurer:>12,.2f}")
        lines.append("")
    lines.append(f"Total you pay:    ${out.total_patient:,.2f}")
    lines.append(f"Total insurer:    ${out.total_insurer:,.2f}")
    lines += ["", out.explanation]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from dorsi.clinical.cost import CostInput, estimate_cost

    return run_decision(args, CostInput, estimate_cost, render)
