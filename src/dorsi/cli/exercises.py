"""``dorsi exercises [ID] [--lang es]``: list the exercises, or show one in full.

English by default; ``--lang es`` shows the patient text (names, steps, cues, stop rules) and
the headings in Spanish. The clinician's reasoning under "Who can do it" stays English.
"""

from __future__ import annotations

import argparse
import sys
import textwrap

from dorsi.catalog.exercises import Exercise, load_exercises
from dorsi.catalog.sourced import Sourced
from dorsi.cli._io import emit_json
from dorsi.i18n import N_, Language, gettext_for, normalize_language

WIDTH = 78

_EQUIPMENT_WORDS = {
    "resistance_band": N_("resistance band"),
    "step": N_("a step or stair"),
    "strap": N_("strap (a belt works)"),
    "towel": N_("small towel"),
    "wall": N_("clear wall"),
}
_HOME_WORDS = {
    "chair": N_("a firm chair"),
    "counter": N_("a stable kitchen counter"),
    "stool": N_("a stool or second chair"),
    "bed": N_("a bed"),
}
_SUPPORT_WORDS = {
    "none": N_("none"),
    "hand_support": N_("hold a stable counter"),
    "assisted": N_("with help"),
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", nargs="?", metavar="ID", help="an exercise id to show in full")
    parser.add_argument(
        "--json", action="store_true", help="print the catalog entry (or the list) as JSON"
    )
    parser.add_argument(
        "--lang", metavar="LANG", help="language: en (English, the default) or es (Español)"
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


def render_one(exercise: Exercise, lang: Language = "en") -> str:
    """One exercise in full, wrapped for a terminal (headings in ``lang``; pass the exercise
    from ``load_exercises(lang)``)."""
    _ = gettext_for(lang).gettext
    d = exercise.dosage
    pre = exercise.prerequisites
    if d.reps is not None:
        amount = _("{sets} set(s) of {reps} reps").format(sets=_n(d.sets), reps=_n(d.reps))
    else:
        amount = _("{sets} hold(s) of {hold} s").format(
            sets=_n(d.sets), hold=_n(d.hold_s) if d.hold_s else "?"
        )
    needs = [_(_EQUIPMENT_WORDS[e]) for e in exercise.equipment]
    needs += [_(_HOME_WORDS[h]) for h in exercise.home_items]
    phases = ", ".join(str(p) for p in exercise.phases)
    lines = [f"{exercise.name} ({exercise.id})", _("Phases: {phases}").format(phases=phases), ""]
    lines += [_("What it is for"), *_para(exercise.purpose)]
    lines += ["", _("You need"), *_para(", ".join(needs) + ".")]
    lines += ["", _("Starting position"), *_para(exercise.starting_position)]
    lines += ["", _("Steps"), *_items(exercise.steps, numbered=True)]
    lines += ["", _("Form cues"), *_items(exercise.form_cues)]
    lines += ["", _("Common mistakes"), *_items(exercise.common_mistakes)]
    lines += [
        "",
        _("Usual dose"),
        *_para(
            _("{amount}, rest {rest} s between, {days} days a week.").format(
                amount=amount, rest=_n(d.rest_s), days=_n(d.days_per_week)
            )
        ),
    ]
    grade = pre.min_dorsiflexion_mmt
    who = [
        _("Foot-lifting muscle grade {grade} or more.").format(grade=grade.grade)
        + f" {grade.reason}"
    ]
    if pre.assisted_below_mmt and pre.assisted_below_reason:
        who.append(
            _("Below grade {grade}: with help.").format(grade=pre.assisted_below_mmt)
            + f" {pre.assisted_below_reason}"
        )
    if pre.hand_support_below_mmt and pre.hand_support_below_reason:
        who.append(
            _("Below grade {grade}: hold a counter.").format(grade=pre.hand_support_below_mmt)
            + f" {pre.hand_support_below_reason}"
        )
    if pre.needs_standing_balance:
        who.append(
            _("Needs standing balance. With a risk of falling: {support}.").format(
                support=_(_SUPPORT_WORDS[pre.support_with_fall_risk])
            )
        )
    if pre.max_pain_nrs is not None:
        who.append(
            _("Only when pain is {pain} out of 10 or less.").format(pain=_n(pre.max_pain_nrs))
        )
    lines += ["", _("Who can do it"), *_items(tuple(who))]
    lines += ["", _("Stop rules"), *_items(exercise.stop_rules)]
    easier = exercise.regresses_to or _("none")
    harder = exercise.progresses_to or _("none")
    lines += [
        "",
        _("Easier version: {id}").format(id=easier),
        _("Harder version: {id}").format(id=harder),
    ]
    return "\n".join(lines)


def render_list(exercises: tuple[Exercise, ...], lang: Language = "en") -> str:
    """One short entry per exercise."""
    _ = gettext_for(lang).gettext
    lines: list[str] = []
    for e in exercises:
        phases = ", ".join(str(p) for p in e.phases)
        word = _("Phase") if len(e.phases) == 1 else _("Phases")
        lines.append(f"{e.id:<26} {e.name}")
        lines.extend(_para(f"({word} {phases}) {e.summary()}", indent=4))
    lines += ["", _("Show one in full: dorsi exercises ID")]
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
    lang = normalize_language(args.lang, field="--lang") if args.lang else "en"
    catalog = load_exercises(lang)
    if args.id is not None:
        exercise = catalog.get(args.id)
        if args.json:
            emit_json(exercise.model_dump(mode="json"))
        else:
            sys.stdout.write(render_one(exercise, lang) + "\n")
        return 0
    if args.json:
        emit_json(
            [
                {"id": e.id, "name": e.name, "phases": list(e.phases), "purpose": e.purpose}
                for e in catalog.exercises
            ]
        )
    else:
        sys.stdout.write(render_list(catalog.exercises, lang) + "\n")
    return 0
