"""The home-exercise handout PDF: large type, black and white, A4 or US Letter.

Page 1: the patient's name, when to stop and when to get help (the program's own precautions,
which start with the common stop rules, and the warning signs from the Learn topic "When to get
help"), and the list of exercises. Then one block per exercise: picture, what it is for, how
to start, numbered steps, tips (catalog cues plus the clinician's), the dose, and a tick-box
log with one row per week and one box per day.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from dorsi.i18n import Language
from dorsi.interop.record import PatientRecord
from dorsi.reports._pdf import (
    Paper,
    build_pdf,
    bullets,
    clean,
    clean_meta,
    grid_table,
    require_reports_extra,
    styles,
)

BASE_PT = 14.0  # large type: body text 14 pt, headings 17-22 pt
LOG_WEEKS = 4
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PICTURE_WIDTH_PX = 640  # shown about 95 mm wide: about 170 dpi


@dataclass(frozen=True)
class HandoutExercise:
    id: str
    name: str
    purpose: str
    starting_position: str
    steps: tuple[str, ...]
    tips: tuple[str, ...]
    dose: tuple[str, ...]
    own_stop_rules: tuple[str, ...]
    notes: str
    picture_png: bytes
    #: The clinician's cues shown apart (Spanish handout: they are stored in English).
    clinician_tips: tuple[str, ...] = ()


@dataclass(frozen=True)
class HandoutView:
    created: dt.datetime
    patient_name: str
    clinicians: tuple[str, ...]
    program_version: int
    phase: str
    assigned_on: dt.date | None
    paused_reason: str | None
    stop_rules: tuple[str, ...]
    emergency_heading: str
    emergency_signs: tuple[str, ...]
    soon_heading: str
    soon_signs: tuple[str, ...]
    walking_tips: tuple[str, ...]
    exercises: tuple[HandoutExercise, ...]
    lang: Language = "en"
    #: The program's precautions beyond the common stop rules, when they cannot be shown in
    #: ``lang`` (stored in English): listed after the stop rules, never left out.
    more_stop_rules: tuple[str, ...] = ()


@cache
def exercise_picture(exercise_id: str) -> bytes:
    """The exercise's picture as a grey PNG, so it prints the same on any printer (cached:
    the pictures depend only on the shipped pose data)."""
    from PIL import Image

    from dorsi.pictures import render_exercise_picture

    data = render_exercise_picture(exercise_id, "png", width_px=PICTURE_WIDTH_PX)
    with Image.open(io.BytesIO(data)) as image:
        out = io.BytesIO()
        image.convert("L").save(out, format="PNG", optimize=True)
        return out.getvalue()


def _say(lang: Language) -> Callable[..., str]:
    """The handout's words in ``lang`` (``data/words/handout.yaml``)."""
    from dorsi.catalog.words import load_words

    words = load_words("handout")
    return lambda key, /, **values: words.say(key, lang, **values)


def _dose(
    sets: int,
    reps: int | None,
    hold_s: int | None,
    rest_s: int,
    days: int,
    support: str,
    lang: Language = "en",
) -> tuple[str, ...]:
    say = _say(lang)
    lines = [
        say("dose_reps", sets=sets, reps=reps)
        if reps is not None
        else say("dose_hold", sets=sets, hold_s=hold_s),
        say("rest", rest_s=rest_s),
        say("days_per_week", days=days),
    ]
    if support in ("hand_support", "assisted"):
        lines.append(say(support))
    return tuple(lines)


def handout_view(record: PatientRecord, *, created: dt.datetime, lang: str = "en") -> HandoutView:
    """The handout of the patient's current program (``ConflictError`` without one).

    ``lang`` (en | es): the exercises' text, the warning signs, the headings and the dose
    words. The program's own stored advice (extra precautions, walking tips, the clinician's
    cues, notes and pause reason) is in English; a Spanish handout shows it under headings
    that say so.
    """
    from dorsi.catalog.exercises import load_exercises
    from dorsi.education import load_topics, render_topic
    from dorsi.errors import ConflictError
    from dorsi.i18n import normalize_language

    language = normalize_language(lang)
    say = _say(language)

    program = record.current_program
    if program is None:
        raise ConflictError(
            f"patient {record.patient.id} has no assigned program yet; assign one first"
        )
    catalog = load_exercises(language)
    help_page = render_topic(load_topics().get("when_to_get_help"), language)
    emergency, soon = help_page.sections[0], help_page.sections[2]
    common = set(catalog.common_stop_rules)
    english = language == "en"
    english_common = set(load_exercises("en").common_stop_rules)
    exercises = []
    for item in program.exercises:
        exercise = catalog.get(item.exercise_id)
        exercises.append(
            HandoutExercise(
                id=exercise.id,
                name=exercise.name,
                purpose=exercise.purpose,
                starting_position=exercise.starting_position,
                steps=exercise.steps,
                tips=(*item.cues, *exercise.form_cues) if english else exercise.form_cues,
                dose=_dose(
                    item.sets,
                    item.reps,
                    item.hold_s,
                    item.rest_s,
                    item.days_per_week,
                    item.support,
                    language,
                ),
                own_stop_rules=tuple(r for r in exercise.stop_rules if r not in common),
                notes=item.notes,
                picture_png=exercise_picture(exercise.id),
                clinician_tips=() if english else item.cues,
            )
        )
    return HandoutView(
        created=created,
        patient_name=record.patient.display_name,
        clinicians=tuple(c.display_name for c in record.clinicians if c.assigned),
        program_version=program.version,
        phase=say("phase", number=program.phase, name=program.phase_name),
        assigned_on=program.assigned_at.date() if program.assigned_at else None,
        paused_reason=say("on_hold_reason", reason=record.patient.paused_reason)
        if record.patient.program_paused and record.patient.paused_reason
        else None,
        stop_rules=program.precautions or catalog.common_stop_rules
        if english
        else catalog.common_stop_rules,
        emergency_heading=emergency.heading,
        emergency_signs=tuple(emergency.bullets),
        soon_heading=soon.heading,
        soon_signs=tuple(soon.bullets),
        walking_tips=program.gait_training,
        exercises=tuple(exercises),
        lang=language,
        more_stop_rules=()
        if english
        else tuple(r for r in program.precautions if r not in english_common),
    )


def render_handout(view: HandoutView, *, paper: Paper = "letter") -> bytes:
    """The handout as PDF bytes (deterministic for a given view, paper and date)."""
    require_reports_extra()
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, KeepTogether, PageBreak, Paragraph, Spacer

    say = _say(view.lang)
    s = styles(BASE_PT)
    page_w = (210 if paper == "a4" else 215.9) * mm
    width = page_w - 28 * mm

    def p(text: str, style: str = "body") -> Any:
        return Paragraph(clean(text), s[style])

    story: list[Any] = [p(say("title", name=view.patient_name), "h1")]
    who = ", ".join(view.clinicians) or say("your_clinician")
    assigned = say("given_on", date=view.assigned_on.isoformat()) if view.assigned_on else ""
    story.append(
        p(
            say(
                "from",
                who=who,
                version=view.program_version,
                assigned=assigned,
                phase=view.phase,
            )
        )
    )
    if view.paused_reason:
        story.append(
            grid_table(
                [[p(say("on_hold") + " " + view.paused_reason, "h3")]],
                [width],
                header=False,
            )
        )
    story.append(p(say("stop"), "h2"))
    story += bullets(view.stop_rules, s["bullet"])
    if view.more_stop_rules:
        story.append(p(say("more_stop"), "h3"))
        story += bullets(view.more_stop_rules, s["bullet"])
    story.append(p(view.emergency_heading, "h2"))
    story += bullets(view.emergency_signs, s["bullet"])
    story.append(p(view.soon_heading, "h2"))
    story += bullets(view.soon_signs, s["bullet"])
    story.append(p(say("your_exercises"), "h2"))
    rows = [[p(say("exercise"), "cell_bold"), p(say("how_much"), "cell_bold")]]
    rows += [[p(e.name, "cell"), p(" ".join(e.dose), "cell")] for e in view.exercises]
    story.append(grid_table(rows, [width * 0.4, width * 0.6]))
    if view.walking_tips:
        story.append(p(say("when_you_walk"), "h2"))
        story += bullets(view.walking_tips, s["bullet"])

    for number, exercise in enumerate(view.exercises, start=1):
        story.append(PageBreak())
        picture = Image(io.BytesIO(exercise.picture_png))
        scale = min(width / picture.imageWidth, 62 * mm / picture.imageHeight)
        picture.drawWidth, picture.drawHeight = (
            picture.imageWidth * scale,
            picture.imageHeight * scale,
        )
        block: list[Any] = [p(f"{number}. {exercise.name}", "h1"), picture, p(exercise.purpose)]
        story.append(KeepTogether(block))
        story.append(p(say("how_to_start"), "h3"))
        story.append(p(exercise.starting_position))
        story.append(p(say("steps"), "h3"))
        story += [
            Paragraph(clean(step), s["bullet"], bulletText=f"{i}.")
            for i, step in enumerate(exercise.steps, 1)
        ]
        story.append(p(say("how_much"), "h3"))
        story += bullets(exercise.dose, s["bullet"])
        story.append(p(say("tips"), "h3"))
        story += bullets(exercise.tips, s["bullet"])
        if exercise.clinician_tips:
            story.append(p(say("clinician_tips"), "h3"))
            story += bullets(exercise.clinician_tips, s["bullet"])
        if exercise.own_stop_rules:
            story.append(p(say("also_stop"), "h3"))
            story += bullets(exercise.own_stop_rules, s["bullet"])
        if exercise.notes:
            story.append(p(say("note", note=exercise.notes)))
        story.append(Spacer(1, 4))
        days = tuple(say("days").split())
        story.append(KeepTogether([p(say("tick"), "h3"), _log(p, width, say("week_of"), days)]))

    name = view.patient_name

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 10)
        canvas.drawString(doc.leftMargin, 10 * mm, clean_meta(say("footer", name=name)))
        canvas.drawRightString(
            doc.pagesize[0] - doc.rightMargin, 10 * mm, clean_meta(say("page", number=doc.page))
        )
        canvas.restoreState()

    return build_pdf(
        story,
        paper=paper,
        created=view.created,
        title=say("pdf_title", name=name),
        subject=say("pdf_subject"),
        author=who,
        footer=footer,
        margin_mm=14,
    )


def _log(p: Any, width: float, week_of: str = "Week of", days: tuple[str, ...] = DAYS) -> Any:
    """One row per week ("Week of ____") and a big empty box per day."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    first = width * 0.3
    day_w = (width - first) / len(days)
    rows: list[list[Any]] = [[p(week_of, "cell_bold"), *[p(d, "cell_bold") for d in days]]]
    rows += [["", *["" for _ in days]] for _ in range(LOG_WEEKS)]
    table = Table(
        rows, colWidths=[first, *[day_w] * len(days)], rowHeights=[None, *[30] * LOG_WEEKS]
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 1.0, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.85, 0.85, 0.85)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


__all__ = ["BASE_PT", "HandoutExercise", "HandoutView", "handout_view", "render_handout"]
