"""``dorsi progress``: review measurements and session logs; print alerts."""

from __future__ import annotations

import argparse
import datetime as dt
import textwrap
from typing import TYPE_CHECKING

from dorsi.catalog.words import decimal_number
from dorsi.cli._io import add_json_io, run_decision
from dorsi.i18n import Language, normalize_language

if TYPE_CHECKING:
    from dorsi.catalog.measures import Measure
    from dorsi.clinical.progress import ProgressOutput


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Review progress. Input: one JSON object with measurements, sessions and optional "
        "program_start, planned_days_per_week and today (default: today's date on this computer)."
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
        one_value = item.status == "insufficient_data"
        change = "" if one_value else f", {label('change')} {item.change:+g}"
        if lang != "en":
            change = decimal_number(change, lang)
        mdc = decimal_number(fmt_number(item.mdc), lang)
        lines.append(
            _wrap(
                f"{name}: {shown(measure, item.baseline)} -> "
                f"{shown(measure, item.latest)}{change} (MDC {mdc}): "
                f"{label(item.status)}",
                "  - ",
                "    ",
            )
        )
        if measure.relative_mdc is not None or measure.value_kind == "mmt_grade":
            rule = measure.mdc_rule if lang == "en" else es[measure_id].mdc_rule
            lines.append(f"      {rule or measure.mdc_rule}")
    adh = out.adherence
    if adh.sessions_planned:
        sessions = label(
            "sessions", done=adh.sessions_done, planned=adh.sessions_planned, percent=adh.percent
        )
    else:  # never "0 of 0 planned (100%)": say that nothing was planned
        sessions = label("sessions_none_planned", done=adh.sessions_done)
    lines += ["", sessions, ""]
    if not out.alerts:
        lines.append(label("no_alerts"))
    else:
        lines.append(label("alerts"))
        for alert in out.alerts:
            lines.append(_wrap(f"[{alert.kind}] {alert.message}", "  ", "    "))
    return "\n".join(lines)


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
