"""The home-exercise handout PDF: large type, black and white, A4 or US Letter.

Page 1: the patient's name, when to stop and when to get help (the program's own precautions,
which start with the common stop rules, and the warning signs from the Learn topic "When to get
help"), and the list of exercises. Then one block per exercise, kept together so two share a
page: the picture and the dose beside what it is for, how to start, numbered steps and tips
(each said once). Last, one tick-box log: a table per week, a row per exercise, a box per day.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from dorsi.catalog.exercises import load_exercises
from dorsi.catalog.stored_text import all_in_language, in_language
from dorsi.catalog.words import load_words
from dorsi.education import load_topics, render_topic
from dorsi.errors import ConflictError
from dorsi.i18n import Language, normalize_language
from dorsi.interop.record import PatientRecord
from dorsi.pictures import render_exercise_picture
from dorsi.pictures.png import pillow
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
from dorsi.reports._reportlab import reportlab

BASE_PT = 14.0  # large type: body text 14 pt, headings 17-22 pt
EXERCISE_PT = 12.0  # the exercise blocks: two to a page
LOG_WEEKS = 4
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PICTURE_WIDTH_PX = 640  # shown about 95 mm wide: about 170 dpi
PICTURE_MAX_MM = 40.0  # the tallest an exercise's picture is drawn
#: the shares of the width the picture column may take (the block's shortest is used)
PICTURE_SHARES = (0.30, 0.33, 0.36, 0.39, 0.42)


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
    #: The program's precautions the catalog does not hold (a clinician's own words): listed
    #: after the stop rules as written, never left out.
    more_stop_rules: tuple[str, ...] = ()
    #: the program is on hold (``paused_reason`` says why, when it can be said in ``lang``)
    paused: bool = False


@cache
def exercise_picture(exercise_id: str, lang: Language = "en") -> bytes:
    """The exercise's picture (its caption in ``lang``) as a grey PNG, so it prints the same
    on any printer (cached: the pictures depend only on the shipped pose data)."""
    image_module, _, _ = pillow()
    data = render_exercise_picture(exercise_id, "png", width_px=PICTURE_WIDTH_PX, lang=lang)
    with image_module.open(io.BytesIO(data)) as image:
        out = io.BytesIO()
        image.convert("L").save(out, format="PNG", optimize=True)
        return out.getvalue()


def _say(lang: Language) -> Callable[..., str]:
    """The handout's words in ``lang`` (``data/words/handout.yaml``)."""
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
    exercises = []
    for item in program.exercises:
        exercise = catalog.get(item.exercise_id)
        cues, own_cues = all_in_language(item.cues, language)
        exercises.append(
            HandoutExercise(
                id=exercise.id,
                name=exercise.name,
                purpose=exercise.purpose,
                starting_position=exercise.starting_position,
                steps=exercise.steps,
                # The program copies some of the exercise's own cues: each tip is said once.
                tips=tuple(dict.fromkeys([*cues, *exercise.form_cues])),
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
                picture_png=exercise_picture(exercise.id, language),
                clinician_tips=tuple(own_cues),
            )
        )
    precautions, own_precautions = all_in_language(program.precautions, language)
    walking, own_walking = all_in_language(program.gait_training, language)
    reason = record.patient.paused_reason
    return HandoutView(
        created=created,
        patient_name=record.patient.display_name,
        clinicians=tuple(c.display_name for c in record.clinicians if c.assigned),
        program_version=program.version,
        phase=say("phase", number=program.phase, name=program.phase_name),
        assigned_on=program.assigned_at.date() if program.assigned_at else None,
        paused_reason=_pause_reason(reason, language) if record.patient.program_paused else None,
        stop_rules=tuple(precautions) or catalog.common_stop_rules,
        emergency_heading=emergency.heading,
        emergency_signs=tuple(emergency.bullets),
        soon_heading=soon.heading,
        soon_signs=tuple(soon.bullets),
        walking_tips=(*walking, *own_walking),
        exercises=tuple(exercises),
        lang=language,
        more_stop_rules=tuple(own_precautions),
        paused=record.patient.program_paused,
    )


def _pause_reason(reason: str | None, lang: Language) -> str | None:
    """The stored reason for the pause in ``lang``; ``None`` when it cannot be said in it (the
    general "do not do these exercises" advice is printed in its place, never English)."""
    said = in_language(reason, lang) if reason else None
    return _say(lang)("on_hold_reason", reason=said) if said else None


def render_handout(view: HandoutView, *, paper: Paper = "letter") -> bytes:
    """The handout as PDF bytes (deterministic for a given view, paper and date)."""
    require_reports_extra()
    mm, CondPageBreak, KeepTogether, Paragraph, Spacer = reportlab(
        "mm", "CondPageBreak", "KeepTogether", "Paragraph", "Spacer"
    )

    say = _say(view.lang)
    s = styles(BASE_PT)
    for heading in ("h2", "h3"):
        s[heading].keepWithNext = 1  # a heading never ends a page alone
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
    if view.paused:
        story.append(
            grid_table(
                [[p(say("on_hold") + " " + (view.paused_reason or ""), "h3")]],
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
        story.append(KeepTogether(exercise_block(view, number, exercise, width)))

    # One log for the whole program: a week per table, a row per exercise.
    days = tuple(say("days").split())
    names = [f"{n}. {e.name}" for n, e in enumerate(view.exercises, start=1)]
    story.append(CondPageBreak(60 * mm))
    story.append(p(say("tick"), "h2"))
    for _ in range(LOG_WEEKS):
        story.append(KeepTogether([_log(p, width, names, say("week_of"), days), Spacer(1, 10)]))

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


def exercise_block(
    view: HandoutView, number: int, exercise: HandoutExercise, width: float
) -> list[Any]:
    """One exercise, kept together and at most half a page: the picture and the dose beside
    what it is for and the steps, then the tips (each said once) in one paragraph. Exercise
    text is 12 pt (page 1, the safety page, keeps the large type). The two columns share the
    width so that neither is much longer than the other (the shortest block of a few splits)."""
    Paragraph, Spacer = reportlab("Paragraph", "Spacer")

    say = _say(view.lang)
    x = _exercise_styles()
    columns = min(
        (_columns(exercise, width, share, x, say) for share in PICTURE_SHARES),
        key=lambda table: _height(table, width),
    )
    block: list[Any] = [Paragraph(clean(f"{number}. {exercise.name}"), x["h2"]), columns]
    block.append(_run_in(x["body"], say("tips"), exercise.tips))
    if exercise.clinician_tips:
        block.append(_run_in(x["body"], say("clinician_tips"), exercise.clinician_tips))
    if exercise.own_stop_rules:
        block.append(_run_in(x["body"], say("also_stop"), exercise.own_stop_rules))
    if exercise.notes:
        block.append(Paragraph(clean(say("note", note=exercise.notes)), x["body"]))
    block.append(Spacer(1, 6))
    return block


def _exercise_styles() -> dict[str, Any]:
    x = styles(EXERCISE_PT)
    for style in (x["body"], x["bullet"]):
        style.leading, style.spaceAfter = EXERCISE_PT * 1.2, 1.5
    x["h3"].spaceBefore, x["h3"].spaceAfter = 3, 1
    # The exercise's name: bold and larger than its text, with little space around it.
    heading = x["h2"]
    heading.fontSize, heading.leading = EXERCISE_PT * 1.35, EXERCISE_PT * 1.6
    heading.spaceBefore, heading.spaceAfter = 4, 2
    return x


def _columns(
    exercise: HandoutExercise,
    width: float,
    share: float,
    x: dict[str, Any],
    say: Callable[..., str],
) -> Any:
    """The picture and the dose (``share`` of ``width``) beside what it is for and the steps."""
    mm, Image, Paragraph, Table, TableStyle = reportlab(
        "mm", "Image", "Paragraph", "Table", "TableStyle"
    )

    left_w, right_w = width * share, width * (1 - share)
    picture = Image(io.BytesIO(exercise.picture_png))
    scale = min((left_w - 8) / picture.imageWidth, PICTURE_MAX_MM * mm / picture.imageHeight)
    picture.drawWidth = picture.imageWidth * scale
    picture.drawHeight = picture.imageHeight * scale
    how_much = Paragraph(clean(say("how_much")), x["h3"])
    left: list[Any] = [picture, how_much, *bullets(exercise.dose, x["bullet"])]
    right: list[Any] = [
        Paragraph(clean(exercise.purpose), x["body"]),
        Paragraph(clean(say("steps")), x["h3"]),
        Paragraph(
            f"<i>{clean(say('how_to_start'))}:</i> {clean(exercise.starting_position)}",
            x["body"],
        ),
    ]
    right += [
        Paragraph(clean(step), x["bullet"], bulletText=f"{i}.")
        for i, step in enumerate(exercise.steps, 1)
    ]
    columns = Table([[left, right]], colWidths=[left_w, right_w])
    columns.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return columns


def _height(flowable: Any, width: float) -> float:
    """The height ``flowable`` takes at ``width`` (points), its space before and after too."""
    (Canvas,) = reportlab("Canvas")

    _, height = flowable.wrapOn(Canvas(io.BytesIO()), width, 100_000)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def _run_in(style: Any, heading: str, items: tuple[str, ...]) -> Any:
    """``items`` as one paragraph after a bold run-in heading ("Tips: one. Two.")."""
    (Paragraph,) = reportlab("Paragraph")

    return Paragraph(f"<b>{clean(heading)}:</b> " + " ".join(clean(i) for i in items), style)


def _log(
    p: Any, width: float, names: list[str], week_of: str = "Week of", days: tuple[str, ...] = DAYS
) -> Any:
    """One week: "Week of ____" over the days, a row per exercise, a big empty box per day."""
    colors, Table, TableStyle = reportlab("colors", "Table", "TableStyle")

    first = width * 0.36
    day_w = (width - first) / len(days)
    head = [p(f"{week_of} ____", "cell_bold"), *[p(d, "cell_bold") for d in days]]
    rows: list[list[Any]] = [head]
    rows += [[p(name, "cell"), *["" for _ in days]] for name in names]
    # A row is at least a tick box tall, taller when a long name takes two lines.
    table = Table(
        rows, colWidths=[first, *[day_w] * len(days)], minRowHeights=[0, *[22] * len(names)]
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
