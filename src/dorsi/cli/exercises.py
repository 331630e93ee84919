"""``dorsi exercises [ID]``: list the ten exercises, or show one in full."""

from __future__ import annotations

import argparse
import sys
import textwrap

from dorsi.catalog.exercises import Exercise, load_exercises
from dorsi.catalog.sourced import Sourced
from dorsi.cli._io import emit_json

WIDTH = 78

_EQUIPMENT_WORDS = {
    "resistance_band": "resistance band",
    "step": "a step or stair",
    "strap": "strap (a belt works)",
    "towel": "small towel",
    "wall": "clear wall",
}
_HOME_WORDS = {
    "chair": "a firm chair",
    "counter": "a stable kitchen counter",
    "stool": "a stool or second chair",
    "bed": "a bed",
}
_SUPPORT_WORDS = {
    "none": "none",
    "hand_support": "hold a stable counter",
    "assisted": "with help",
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", nargs="?", metavar="ID", help="an exercise id to show in full")
    parser.add_argument(
        "--json", action="store_true", help="print the catalog entry (or the list) as JSON"
    )
    parser.add_argument(
        "--picture", metavar="FILE", help="save the picture of exercise ID to FILE (.svg or .png)"
    )


def _para(text: str, indent: int = 2) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(text, WIDTH, initial_indent=pad, subsequent_indent=pad)


def _items(items: tuple[str, ...], *, numbered: bool = False) -> list[str]:
    lines: list[str] = []
    for number, text in enumerate(items, start=1):
        mark = f"{number}. " if numbered else "- "
        lines.extend(
            textwrap.wrap(
                text, WIDTH, initial_indent="  " + mark, subsequent_indent=" " * (2 + len(mark))
            )
        )
    return lines


def _n(value: Sourced) -> str:
    return str(int(value.value))


def render_one(exercise: Exercise) -> str:
    """One exercise in full, wrapped for a terminal."""
    d = exercise.dosage
    pre = exercise.prerequisites
    if d.reps is not None:
        amount = f"{_n(d.sets)} set(s) of {_n(d.reps)} reps"
    else:
        amount = f"{_n(d.sets)} hold(s) of {_n(d.hold_s) if d.hold_s else '?'} s"
    needs = [_EQUIPMENT_WORDS[e] for e in exercise.equipment]
    needs += [_HOME_WORDS[h] for h in exercise.home_items]
    phases = ", ".join(str(p) for p in exercise.phases)
    lines = [f"{exercise.name} ({exercise.id})", f"Phases: {phases}", ""]
    lines += ["What it is for", *_para(exercise.purpose)]
    lines += ["", "You need", *_para(", ".join(needs) + ".")]
    lines += ["", "Starting position", *_para(exercise.starting_position)]
    lines += ["", "Steps", *_items(exercise.steps, numbered=True)]
    lines += ["", "Form cues", *_items(exercise.form_cues)]
    lines += ["", "Common mistakes", *_items(exercise.common_mistakes)]
    lines += [
        "",
        "Usual dose",
        *_para(f"{amount}, rest {_n(d.rest_s)} s between, {_n(d.days_per_week)} days a week."),
    ]
    grade = pre.min_dorsiflexion_mmt
    who = [f"Foot-lifting muscle grade {grade.grade} or more. {grade.reason}"]
    if pre.assisted_below_mmt and pre.assisted_below_reason:
        who.append(f"Below grade {pre.assisted_below_mmt}: with help. {pre.assisted_below_reason}")
    if pre.hand_support_below_mmt and pre.hand_support_below_reason:
        who.append(
            f"Below grade {pre.hand_support_below_mmt}: hold a counter. "
            f"{pre.hand_support_below_reason}"
        )
    if pre.needs_standing_balance:
        who.append(
            "Needs standing balance. With a risk of falling: "
            f"{_SUPPORT_WORDS[pre.support_with_fall_risk]}."
        )
    if pre.max_pain_nrs is not None:
        who.append(f"Only when pain is {_n(pre.max_pain_nrs)} out of 10 or less.")
    lines += ["", "Who can do it", *_items(tuple(who))]
    lines += ["", "Stop rules", *_items(exercise.stop_rules)]
    easier = exercise.regresses_to or "none"
    harder = exercise.progresses_to or "none"
    lines += ["", f"Easier version: {easier}", f"Harder version: {harder}"]
    return "\n".join(lines)


def render_list(exercises: tuple[Exercise, ...]) -> str:
    """One short entry per exercise."""
    lines: list[str] = []
    for e in exercises:
        phases = ", ".join(str(p) for p in e.phases)
        word = "Phase" if len(e.phases) == 1 else "Phases"
        lines.append(f"{e.id:<26} {e.name}")
        lines.extend(_para(f"({word} {phases}) {e.summary()}", indent=4))
    lines += ["", "Show one in full: dorsi exercises ID"]
    return "\n".join(lines)


def _save_picture(exercise_id: str | None, path: str) -> int:
    from pathlib import Path

    from dorsi.errors import InputError
    from dorsi.pictures import picture_format_for, render_exercise_picture

    if exercise_id is None:
        raise InputError("needs an exercise ID, e.g. dorsi exercises ID --picture FILE.svg",
                         field="--picture")  # fmt: skip
    data = render_exercise_picture(exercise_id, picture_format_for(path))
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write '{path}': {exc.strerror}", field="--picture") from None
    sys.stdout.write(f"Saved the picture of {exercise_id} to {path}\n")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.picture is not None:
        return _save_picture(args.id, args.picture)
    catalog = load_exercises()
    if args.id is not None:
        exercise = catalog.get(args.id)
        if args.json:
            emit_json(exercise.model_dump(mode="json"))
        else:
            sys.stdout.write(render_one(exercise) + "\n")
        return 0
    if args.json:
        emit_json(
            [
                {"id": e.id, "name": e.name, "phases": list(e.phases), "purpose": e.purpose}
                for e in catalog.exercises
            ]
        )
    else:
        sys.stdout.write(render_list(catalog.exercises) + "\n")
    return 0
