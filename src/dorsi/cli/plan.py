"""``dorsi plan``: build the home program from an evaluation (JSON in, text or JSON out)."""

from __future__ import annotations

import argparse
import textwrap

from dorsi.cli._io import add_json_io, run_decision
from dorsi.clinical.program import PlanInput, PlannedExercise, PlanOutput, build_program

WIDTH = 78

_SUPPORT_WORDS = {
    "none": "",
    "hand_support": "hold a stable counter",
    "assisted": "with help",
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Build a phase-by-phase home program from an evaluation. INPUT is one JSON object "
        "with side, cause, weeks_since_onset, dorsiflexion_mmt, single_leg_stance_s, "
        "falls_past_month, pain_nrs, uses_afo and optionally trips_per_week, gait_speed_mps, "
        "dorsiflexion_arom_deg, ankle_df_passive_deg, age_years, sensation, equipment."
    )
    add_json_io(parser)


def _wrap(text: str, indent: str = "  ", bullet: str = "- ") -> list[str]:
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=indent + bullet,
        subsequent_indent=indent + " " * len(bullet),
    )


def _dose(item: PlannedExercise) -> str:
    if item.reps is not None:
        amount = f"{item.sets} set(s) of {item.reps} reps"
    else:
        amount = f"{item.sets} hold(s) of {item.hold_s} s"
    text = f"{amount}, rest {item.rest_s} s between, {item.days_per_week} days a week"
    support = _SUPPORT_WORDS[item.support]
    return f"{text}; {support}" if support else text


def _section(title: str, lines: list[str]) -> list[str]:
    out = ["", title]
    for line in lines:
        out.extend(_wrap(line))
    return out


def render(result: PlanOutput) -> str:
    """The program as readable text for a terminal."""
    from dorsi.catalog.exercises import load_exercises

    catalog = load_exercises()
    if not result.exercises:
        # A program not for this patient (a child): no phase, no exercises; say why first.
        lines = ["No home program: this program is not for this patient."]
        lines += _section("Why", result.rationale)
        lines += _section("Safety", result.precautions)
        lines += _section("Brace (AFO)", [result.bracing.reason])
        return "\n".join(lines)
    lines = [f"Phase {result.phase}: {result.phase_name}", "", "Exercises"]
    for number, item in enumerate(result.exercises, start=1):
        lines.append(f"  {number}. {catalog.get(item.id).name} ({item.id})")
        lines.extend(
            textwrap.wrap(_dose(item), WIDTH, initial_indent=" " * 5, subsequent_indent=" " * 5)
        )
        for cue in item.cues:
            lines.extend(_wrap(cue, indent=" " * 5))
    lines += _section("Walking practice", result.gait_training)
    afo = "suggested" if result.bracing.recommend_afo_evaluation else "not needed now"
    lines += _section(f"Brace (AFO) check: {afo}", [result.bracing.reason])
    lines += _section("Safety", result.precautions)
    lines += _section("Why this plan", result.rationale)
    lines += ["", f"Review in {result.review_in_days} days."]
    lines += ["", "Show any exercise in full: dorsi exercises ID"]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    return run_decision(args, PlanInput, build_program, render)
