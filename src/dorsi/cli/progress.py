"""``dorsi progress``: review measurements and session logs; print alerts."""

from __future__ import annotations

import argparse
import datetime as dt
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

from dorsi.catalog.words import decimal_number
from dorsi.cli._io import add_json_io, run_decision
from dorsi.i18n import Language, normalize_language

if TYPE_CHECKING:
    from dorsi.catalog.measures import Measure, MeasureCatalog
    from dorsi.clinical.progress import ProgressOutput


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Review progress. Input: one JSON object with measurements, sessions and optional "
        "program_start, planned_days_per_week, phase (1-3, the current program's phase), "
        "stops_resolved_through (stop warnings from check-ins on or before this date are "
        "resolved), goals (each {measure, target, by} or {text}, optional met_on: the day "
        "the clinician judged it met) and today (default: today's date on this computer)."
    )
    add_json_io(parser)
    parser.add_argument(
        "--lang", metavar="LANG", help="language: en (English, the default) or es (Español)"
    )


def _today() -> dt.date:
    """Today's date in this computer's time zone."""
    return dt.datetime.now(dt.UTC).astimezone().date()


def render(out: ProgressOutput, lang: Language = "en") -> str:
    from dorsi.catalog.measures import load_measures
    from dorsi.catalog.words import load_words
    from dorsi.clinical.progress_alerts import fmt_number, show

    catalog = load_measures()
    words = load_words("progress")
    es = words.measures_es

    def label(key: str, **values: object) -> str:
        return words.label(key, lang, **values)

    def shown(measure: Measure, value: float | str) -> str:
        if lang == "en":
            return show(measure, value)
        if isinstance(value, str):
            return words.say("grade", lang, value=value)
        return f"{decimal_number(fmt_number(value), lang)} {es[measure.id].unit}"

    lines = [label("title"), ""]
    lines.append(label("measures_intro") if out.measures else label("no_measures"))
    for measure_id, item in out.measures.items():
        measure = catalog.get(measure_id)
        name = measure.name if lang == "en" else es[measure_id].name
        one_value = item.status_from_baseline == "insufficient_data"
        change = "" if one_value else f", {label('change')} {item.change:+g}"
        if lang != "en":
            change = decimal_number(change, lang)
        mdc = decimal_number(fmt_number(item.mdc), lang)
        lines.append(
            _wrap(
                f"{name}: {shown(measure, item.baseline)} -> "
                f"{shown(measure, item.latest)}{change} (MDC {mdc}): "
                f"{label(item.status_from_baseline)}",
                "  - ",
                "    ",
            )
        )
        for key, value, day, delta, status in (
            ("best", item.best, item.best_date, item.change_from_best, item.status_from_best),
            (
                "previous",
                item.previous,
                item.previous_date,
                item.change_from_previous,
                item.status_from_previous,
            ),
        ):
            if value is None or day is None or delta is None or day == item.baseline_date:
                continue  # the baseline line already says it
            if key == "previous" and (value, day) == (item.best, item.best_date):
                continue  # the best line already says it
            text = label(
                key,
                value=shown(measure, value),
                date=day.isoformat(),
                change=decimal_number(f"{delta:+g}", lang),
                status=label(status),
            )
            lines.append(_wrap(text, "      ", "        "))
        if item.status != item.status_from_baseline:
            lines.append("      " + label("overall", status=label(item.status)))
        if item.trend_per_week is not None:
            slope = decimal_number(f"{item.trend_per_week:+g}", lang)
            lines.append("      " + label("trend", slope=slope, values=item.trend_values))
        if measure.relative_mdc is not None or measure.value_kind == "mmt_grade":
            rule = measure.mdc_rule if lang == "en" else es[measure_id].mdc_rule
            lines.append(f"      {rule or measure.mdc_rule}")
    lines += ["", _adherence_line(out, label), ""]
    if out.stops:
        lines.append(label("stops_title"))
        for stop in out.stops:
            what = [
                label(k)
                for k, on in (
                    ("stop_weak", stop.weakness_worse),
                    ("stop_balance", stop.balance_worse),
                )
                if on
            ]
            lines.append(f"  - {stop.date.isoformat()}: {', '.join(what)}: {label(stop.status)}")
        lines.append("")
    if out.next_phase is not None:
        lines += [*_phase_lines(out, catalog, lang, label), ""]
    if out.goals:
        lines += [*_goal_lines(out, lang, label), ""]
    if not out.alerts:
        lines.append(label("no_alerts"))
    else:
        lines.append(label("alerts"))
        for alert in out.alerts:
            lines.append(_wrap(f"[{alert.kind}] {alert.message}", "  ", "    "))
    return "\n".join(lines)


def _adherence_line(out: ProgressOutput, label: Callable[..., str]) -> str:
    """Days done against days planned; with nothing planned, why, in words (never 0 of 0)."""
    adh = out.adherence
    if adh.percent is None:
        return label(adh.basis, done=adh.sessions_done)
    return label(
        "sessions", done=adh.sessions_done, planned=adh.sessions_planned, percent=adh.percent
    )


def _phase_lines(
    out: ProgressOutput, catalog: MeasureCatalog, lang: Language, label: Callable[..., str]
) -> list[str]:
    """The entry criteria of the next phase, each met or not met."""
    from dorsi.clinical.progress_alerts import criterion_words

    check = out.next_phase
    if check is None:
        return []
    if check.next_phase is None:
        return [label("last_phase", current=check.current_phase)]
    lines = [label("phase_title", phase=check.next_phase, current=check.current_phase)]
    for item in check.criteria:
        text = criterion_words(item, catalog.get(item.measure), lang)
        lines.append(_wrap(f"{text}: {label('met' if item.met else 'not_met')}", "  - ", "    "))
    return lines


def _goal_lines(out: ProgressOutput, lang: Language, label: Callable[..., str]) -> list[str]:
    """Each goal, its status, and what the status rests on."""
    from dorsi.clinical.goal_words import goal_words, status_words, why_words

    lines = [label("goals")]
    for item in out.goals:
        lines.append(
            _wrap(f"{goal_words(item, lang)}: {status_words(item.status, lang)}", "  - ", "    ")
        )
        lines.append(_wrap(why_words(item, lang), "    ", "    "))
    return lines


def _wrap(text: str, first: str, rest: str) -> str:
    """Wrap for an 80-column terminal, never breaking a word or at a hyphen."""
    return textwrap.fill(
        text,
        width=78,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def run(args: argparse.Namespace) -> int:
    from dorsi.clinical.progress import ProgressInput, review

    lang = normalize_language(args.lang, field="--lang") if args.lang else "en"
    today = _today()
    return run_decision(
        args,
        ProgressInput,
        lambda data: review(data, today=today, lang=lang),
        lambda out: render(out, lang),
    )
