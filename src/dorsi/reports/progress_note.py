"""The progress note PDF: written so a payer reviewer sees measurable progress, or the reason
for a change of plan, on the first page.

Order: who and what (patient, clinicians, diagnosis and cause as recorded, period), the summary
in plain sentences, the table of evaluation and reassessment values (change, MDC, MCID), one
chart per measure, adherence (sessions and days with data per 30-day period), pain trend,
gait-video results when there are any, the current program and its changes, alerts and how
they were resolved, the plan and the next review date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

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
from dorsi.reports.charts import line_chart
from dorsi.reports.monitoring_note import story as monitoring_story
from dorsi.reports.progress_view import ProgressNoteView

BASE_PT = 10.0


def render_progress_note(view: ProgressNoteView, *, paper: Paper = "letter") -> bytes:
    """The note as PDF bytes (deterministic for a given view; dated ``view.created``)."""
    require_reports_extra()
    mm, KeepTogether, Paragraph, Spacer = reportlab("mm", "KeepTogether", "Paragraph", "Spacer")

    s = styles(BASE_PT)
    width = (210 if paper == "a4" else 215.9) * mm - 32 * mm
    story: list[Any] = []

    def p(text: str, style: str = "body") -> Any:
        return Paragraph(clean(text), s[style])

    def cell(text: str, bold: bool = False) -> Any:
        return Paragraph(clean(text), s["cell_bold" if bold else "cell"])

    story.append(p("Physical therapy progress note: foot drop", "h1"))
    period = f"{view.period_start.isoformat()} to {view.period_end.isoformat()}"
    facts = [
        ("Patient", f"{view.patient_name} (Dorsi record {view.patient_id})"),
        ("Clinician", ", ".join(view.clinicians) or "none assigned"),
        ("Affected side", view.side),
        ("Diagnosis (ICD-10-CM)", "; ".join(view.diagnosis)),
        (
            "Cause as recorded",
            view.cause + (f". Notes: {view.record_notes}" if view.record_notes else ""),
        ),
        ("Onset", view.onset or "not recorded"),
        ("Period of this note", period),
        ("Written", view.created.astimezone(dt.UTC).date().isoformat()),
    ]
    story.append(
        grid_table(
            [[cell(k, True), cell(v)] for k, v in facts], [width * 0.28, width * 0.72], header=False
        )
    )
    if view.program_paused:
        story.append(Spacer(1, 4))
        story.append(p("The home program is paused. See alerts and plan.", "h3"))
    story.append(p("Summary", "h2"))
    story += bullets(view.summary, s["bullet"])

    story.append(p("Evaluation and reassessment values", "h2"))
    if view.measures:
        header = [
            "Measure",
            "First",
            "Latest",
            "Change",
            "MDC",
            "Beyond MDC?",
            "MCID",
            "Beyond MCID?",
        ]
        rows: list[list[Any]] = [[cell(h, True) for h in header]]
        for m in view.measures:
            rows.append(
                [
                    cell(m.name),
                    cell(f"{m.first_value} ({m.first_date.isoformat()})"),
                    cell(f"{m.latest_value} ({m.latest_date.isoformat()})"),
                    cell(m.change_text),
                    cell(_num(m.mdc)),
                    cell(m.exceeds_mdc),
                    cell("-" if m.mcid is None else _num(m.mcid)),
                    cell(m.exceeds_mcid),
                ]
            )
        fractions = (0.25, 0.13, 0.13, 0.11, 0.07, 0.1, 0.08, 0.13)
        story.append(grid_table(rows, [width * f for f in fractions]))
        story.append(
            p(
                "MDC: the smallest change larger than measurement error (a real change). MCID: "
                "the smallest change that matters to patients, where one is published. Sources "
                "are in the Dorsi measures catalog.",
                "small",
            )
        )
    else:
        story.append(p("No measurements in this period."))

    if view.goals:
        story.append(p("Goals", "h2"))
        goal_rows: list[list[Any]] = [[cell(h, True) for h in ("Goal", "Status", "Why")]]
        for g in view.goals:
            goal_rows.append(
                [cell(f"{g.goal} (set {g.set_on.isoformat()})"), cell(g.status, True), cell(g.why)]
            )
        story.append(grid_table(goal_rows, [width * 0.4, width * 0.15, width * 0.45]))
        story.append(
            p(
                "On track: a real trend (at least the measure's MDC over the last 8 weeks) that, "
                "carried on, reaches the target by the date. Goals in plain words are judged by "
                "the clinician.",
                "small",
            )
        )

    if view.series:
        intro = [
            p("Measures over time", "h2"),
            p(
                "Grey band: first value plus or minus the MDC. "
                "A value inside it is not a real change.",
                "small",
            ),
        ]
        for index, series in enumerate(view.series):
            chart = line_chart(
                [(pt.date, pt.value) for pt in series.points],
                width_pt=width,
                height_pt=110,
                band=(series.band_low, series.band_high),
                y_range=(series.valid_min, series.valid_max),
                grade_axis=series.is_grade,
                y_title=series.unit,
            )
            values = "; ".join(
                f"{pt.date.isoformat()}: {pt.label} ({pt.source})" for pt in series.points
            )
            head = intro if index == 0 else []
            story.append(KeepTogether([*head, p(series.name, "h3"), chart, p(values, "small")]))

    story.append(p("Adherence", "h2"))
    story.append(p(view.adherence_text))
    if view.periods:
        rows = [
            [
                cell(h, True)
                for h in ("30-day period", "Days with data", "Sessions done", "RTM days band")
            ]
        ]
        for period_row in view.periods:
            rows.append(
                [
                    cell(f"{period_row.start.isoformat()} to {period_row.end.isoformat()}"),
                    cell(str(period_row.days_with_data)),
                    cell(str(period_row.sessions_done)),
                    cell(period_row.rtm_band),
                ]
            )
        story.append(grid_table(rows, [width * f for f in (0.4, 0.18, 0.18, 0.24)]))
        story.append(
            p(
                "Days with data: days with a session check-in, a brace log, a measure or "
                "questionnaire the patient sent, a walking video the patient uploaded, or a home "
                "session the patient measured with the phone's camera. Remote "
                "monitoring device-supply codes count these days per 30-day period (16 or more; "
                "from 2026 also 2 to 15).",
                "small",
            )
        )

    story += monitoring_story(
        view.monitoring, view.period_start, view.period_end, p, cell, grid_table, width
    )

    story.append(p("Pain", "h2"))
    story.append(p(view.pain_trend))
    if len(view.pain_points) >= 2:
        story.append(
            line_chart(
                [(pt.date, pt.value) for pt in view.pain_points],
                width_pt=width,
                height_pt=100,
                y_range=(0, 10),
                y_title="pain 0-10",
            )
        )

    if view.gait_results:
        story.append(p("Gait video results", "h2"))
        rows = [[cell(h, True) for h in ("Date", "Measure", "Value")]]
        rows += [[cell(d), cell(name), cell(value)] for d, name, value in view.gait_results]
        story.append(grid_table(rows, [width * 0.2, width * 0.55, width * 0.25]))

    if view.camera_results:
        story.append(p("Home camera: active ankle dorsiflexion (trend only)", "h2"))
        story.append(
            p(
                "Best lift of each home session, measured by the phone camera (pose model, "
                "side-on). Its own series: not a goniometer value and never compared with one; "
                "no smallest real change is known for it, so changes are not judged."
            )
        )
        rows = [[cell(h, True) for h in ("Date", "Best lift")]]
        rows += [[cell(d), cell(value)] for d, value in view.camera_results]
        story.append(grid_table(rows, [width * 0.3, width * 0.7]))

    story.append(p("Current program", "h2"))
    story.append(p(view.program_title))
    if view.program_lines:
        rows = [[cell("Exercise", True), cell("Dose", True)]]
        rows += [[cell(line.name), cell(line.dose)] for line in view.program_lines]
        story.append(grid_table(rows, [width * 0.35, width * 0.65]))
    if view.program_changes:
        story.append(p("Program versions", "h3"))
        story += bullets(view.program_changes, s["bullet"])

    story.append(p("Alerts and their resolution", "h2"))
    if view.alerts:
        rows = [[cell(h, True) for h in ("Date", "Alert", "Details", "Resolution")]]
        for alert in view.alerts:
            rows.append(
                [
                    cell(alert.date.isoformat() if alert.date else "current"),
                    cell(alert.what),
                    cell(alert.detail or "-"),
                    cell(alert.resolution),
                ]
            )
        story.append(grid_table(rows, [width * f for f in (0.13, 0.24, 0.38, 0.25)]))
    else:
        story.append(p("No alerts in this period."))

    story.append(p("Plan", "h2"))
    story += bullets(view.plan, s["bullet"])
    if view.next_review is None:
        review = "set at the next evaluation"
    elif view.next_review < view.period_end:
        review = f"{view.next_review.isoformat()} (overdue: reassess now)"
    else:
        review = view.next_review.isoformat()
    story.append(p(f"Next review date: {review}", "h3"))

    name = view.patient_name
    created = view.created.astimezone(dt.UTC).date().isoformat()

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(
            doc.leftMargin,
            10 * mm,
            clean_plain(f"Dorsi progress note - {name} - {period} - written {created}"),
        )
        canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    return build_pdf(
        story,
        paper=paper,
        created=view.created,
        title=f"Progress note: {name}",
        subject=f"Foot drop physical therapy progress, {period}",
        author=", ".join(view.clinicians) or "Dorsi",
        footer=footer,
    )


def clean_plain(text: str) -> str:
    return clean_meta(text)


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


__all__ = ["render_progress_note"]
