"""``dorsi plan``: build the home program from an evaluation (JSON in, text or JSON out)."""

from __future__ import annotations

import argparse
import textwrap

from dorsi.cli._io import add_json_io, run_decision
from dorsi.clinical.program import PlanInput, PlannedExercise, PlanOutput, build_program
from dorsi.i18n import Language, normalize_language

WIDTH = 78


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Build a phase-by-phase home program from an evaluation. INPUT is one JSON object "
        "with side, cause, weeks_since_onset, dorsiflexion_mmt, single_leg_stance_s, "
        "falls_past_month, pain_nrs, uses_afo and optionally trips_per_week, gait_speed_mps, "
        "dorsiflexion_arom_deg, ankle_df_passive_deg, age_years, sensation, equipment."
    )
    add_json_io(parser)
    parser.add_argument(
        "--lang", metavar="LANG", help="language: en (English, the default) or es (Español)"
    )


def _wrap(text: str, indent: str = "  ", bullet: str = "- ") -> list[str]:
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=indent + bullet,
        subsequent_indent=indent + " " * len(bullet),
    )


def _dose(item: PlannedExercise, lang: Language) -> str:
    from dorsi.catalog.words import load_words

    label = load_words("plan").label
    if item.reps is not None:
        amount = label("dose_reps", lang, sets=item.sets, reps=item.reps)
    else:
        amount = label("dose_hold", lang, sets=item.sets, hold=item.hold_s)
    text = label("dose_rest", lang, amount=amount, rest=item.rest_s, days=item.days_per_week)
    if item.support == "none":
        return text
    return f"{text}; {label(f'support_{item.support}', lang)}"


def _section(title: str, lines: list[str]) -> list[str]:
    out = ["", title]
    for line in lines:
        out.extend(_wrap(line))
    return out


def render(result: PlanOutput, lang: Language = "en") -> str:
    """The program as readable text for a terminal (``result`` built in ``lang``)."""
    from dorsi.catalog.exercises import load_exercises
    from dorsi.catalog.words import load_words

    catalog = load_exercises(lang)
    words = load_words("plan")

    def label(key: str, **values: object) -> str:
        return words.label(key, lang, **values)

    if not result.exercises:
        # A program not for this patient (a child): no phase, no exercises; say why first.
        lines = [label("no_program")]
        lines += _section(label("why"), result.rationale)
        lines += _section(label("safety"), result.precautions)
        lines += _section(label("brace"), [result.bracing.reason])
        return "\n".join(lines)
    lines = [label("phase", phase=result.phase, name=result.phase_name), "", label("exercises")]
    for number, item in enumerate(result.exercises, start=1):
        lines.append(f"  {number}. {catalog.get(item.id).name} ({item.id})")
        lines.extend(
            textwrap.wrap(
                _dose(item, lang), WIDTH, initial_indent=" " * 5, subsequent_indent=" " * 5
            )
        )
        for cue in item.cues:
            lines.extend(_wrap(cue, indent=" " * 5))
    lines += _section(label("walking"), result.gait_training)
    afo = label(
        "brace_suggested" if result.bracing.recommend_afo_evaluation else "brace_not_needed"
    )
    lines += _section(label("brace_check", state=afo), [result.bracing.reason])
    lines += _section(label("safety"), result.precautions)
    lines += _section(label("why_plan"), result.rationale)
    lines += ["", label("review", days=result.review_in_days)]
    lines += ["", label("show")]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    lang = normalize_language(args.lang, field="--lang") if args.lang else "en"
    return run_decision(
        args, PlanInput, lambda data: build_program(data, lang), lambda out: render(out, lang)
    )
