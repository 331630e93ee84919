"""``dorsi progress``: review measurements and session logs; print alerts."""

from __future__ import annotations

import argparse
import datetime as dt
import textwrap
from typing import TYPE_CHECKING

from dorsi.cli._io import add_json_io, run_decision

if TYPE_CHECKING:
    from dorsi.clinical.progress import ProgressOutput

_STATUS_WORDS = {
    "improved": "improved (real change)",
    "worse": "WORSE (real change)",
    "no_real_change": "no real change",
    "insufficient_data": "only one value so far",
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Review progress. Input: one JSON object with measurements, sessions and optional "
        "program_start, planned_days_per_week and today (default: today's date on this computer)."
    )
    add_json_io(parser)


def _today() -> dt.date:
    """Today's date in this computer's time zone."""
    return dt.datetime.now(dt.UTC).astimezone().date()


def render(out: ProgressOutput) -> str:
    from dorsi.catalog.measures import load_measures
    from dorsi.clinical.progress_alerts import fmt_number, show

    catalog = load_measures()
    lines = ["Progress review", ""]
    if not out.measures:
        lines.append("Measures: none recorded yet.")
    else:
        lines.append("Measures (a change counts only when it is at least the MDC):")
    for measure_id, item in out.measures.items():
        measure = catalog.get(measure_id)
        one_value = item.status == "insufficient_data"
        change = "" if one_value else f", change {item.change:+g}"
        lines.append(
            _wrap(
                f"{measure.name}: {show(measure, item.baseline)} -> "
                f"{show(measure, item.latest)}{change} (MDC {fmt_number(item.mdc)}): "
                f"{_STATUS_WORDS[item.status]}",
                "  - ",
                "    ",
            )
        )
        if measure.relative_mdc is not None or measure.value_kind == "mmt_grade":
            lines.append(f"      {measure.mdc_rule}")
    adh = out.adherence
    lines += [
        "",
        f"Sessions: {adh.sessions_done} done of {adh.sessions_planned} planned ({adh.percent}%).",
        "",
    ]
    if not out.alerts:
        lines.append("Alerts: none. Keep going with your plan.")
    else:
        lines.append("Alerts:")
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

    today = _today()
    return run_decision(args, ProgressInput, lambda data: review(data, today=today), render)
