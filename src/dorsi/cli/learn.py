"""``dorsi learn [TOPIC] [--lang es] [--for FILE] [--json]``: the Learn pages in a terminal.

- ``dorsi learn`` lists the topics.
- ``dorsi learn TOPIC`` prints one topic, wrapped for a terminal.
- ``dorsi learn --for FILE`` (``-`` for stdin) orders the topics for one patient and prints their
  personal notes; the file is the ``PersonalInput`` JSON object.
- ``--json`` prints the same content as JSON (the list, a ``LearnPage``, or a ``PersonalOutput``).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable

from dorsi.cli._io import emit_json, read_input
from dorsi.clinical.contract import parse
from dorsi.education import (
    LearnPage,
    PersonalInput,
    PersonalOutput,
    load_topics,
    personalize,
    render_topic,
)
from dorsi.errors import InputError
from dorsi.i18n import Language, gettext_for, normalize_language

WIDTH = 78

# Where each link of a topic leads in the terminal.
COMMAND_FOR_LINK = {
    "self_check": "dorsi screen",
    "cost_estimator": "dorsi cost",
    "exercises": "dorsi exercises",
    "progress": "dorsi progress",
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("topic", nargs="?", metavar="TOPIC", help="a topic id (omit to list them)")
    parser.add_argument(
        "--lang", metavar="LANG", help="language: en (English, the default) or es (Español)"
    )
    parser.add_argument(
        "--for",
        dest="for_patient",
        metavar="FILE",
        help="a JSON file ('-' for stdin) describing the patient: cause, phase, uses_brace,"
        " outlook, read_this_week, lang; shows their topics in order and their notes",
    )
    parser.add_argument("--json", action="store_true", help="print the content as JSON")


def _wrap(text: str, indent: str = "", *, hanging: str | None = None) -> str:
    return textwrap.fill(
        text,
        width=WIDTH,
        initial_indent=indent,
        subsequent_indent=hanging if hanging is not None else indent,
        break_on_hyphens=False,
    )


def _heading(text: str, underline: str) -> list[str]:
    return [text, underline * min(len(text), WIDTH)]


def render_page_text(page: LearnPage, _: Callable[[str], str]) -> str:
    """One topic as terminal text."""
    lines = [*_heading(page.title, "="), "", _wrap(page.summary), ""]
    if page.diagram is not None:
        lines += _heading(_("Picture"), "-")
        for index, step in enumerate(page.diagram.steps):
            if index:
                lines += ["     |", "     v"]
            lines.append(f"  [ {step} ]")
        lines += ["", _wrap(page.diagram.alt), ""]
    for section in page.sections:
        lines += [*_heading(section.heading, "-")]
        for paragraph in section.paragraphs:
            lines += [_wrap(paragraph), ""]
        for bullet in section.bullets:
            lines.append(_wrap(bullet, "  - ", hanging="    "))
        if section.bullets:
            lines.append("")
    if page.terms:
        lines += _heading(_("Words to know"), "-")
        for term in page.terms:
            lines.append(_wrap(f"{term.word}: {term.meaning}", "  - ", hanging="    "))
        lines.append("")
    if page.links:
        lines += _heading(_("See also"), "-")
        for link in page.links:
            lines.append(f"  - {link.label}: {COMMAND_FOR_LINK[link.to]}")
        lines.append("")
    lines += _heading(_("Where this comes from"), "-")
    for fact in page.facts:
        lines.append(_wrap(f"{fact.shown} ({fact.id}): {fact.source}", "  - ", hanging="    "))
    for source in page.sources:
        lines.append(_wrap(source, "  - ", hanging="    "))
    return "\n".join(lines)


def render_list_text(lang: Language, _: Callable[[str], str]) -> str:
    catalog = load_topics()
    lines = [*_heading(_("Learn about foot drop"), "="), ""]
    for topic in catalog.topics:
        lines.append(f"  {topic.id}")
        lines.append(_wrap(topic.title.get(lang), "      "))
        lines.append("")
    lines.append(_("Read one topic: dorsi learn TOPIC"))
    return "\n".join(lines)


def render_personal_text(result: PersonalOutput, _: Callable[[str], str]) -> str:
    reason_words = {
        "read_this_week": _("your therapist asks you to read this week"),
        "safety": _("for your safety"),
        "cause": _("about the cause of your foot drop"),
        "phase": _("about your stage of the program"),
        "brace": _("about bracing"),
        "outlook": _("about your recovery"),
    }
    lines = [*_heading(_("Your topics"), "="), ""]
    shown_rest = False
    for ref in result.topics:
        if not ref.applies and not shown_rest:
            lines += [*_heading(_("Also useful"), "-")]
            shown_rest = True
        lines.append(f"  {ref.id}: {ref.title}")
        if ref.reasons:
            why = "; ".join(reason_words[reason] for reason in ref.reasons)
            lines.append(_wrap(f"({why})", "      "))
    lines += ["", *_heading(_("Notes for you"), "=")]
    for note in result.notes:
        lines.append(_wrap(note.text, "  - ", hanging="    "))
    lines += ["", _("Read one topic: dorsi learn TOPIC")]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    lang: Language | None = normalize_language(args.lang, field="--lang") if args.lang else None
    if args.for_patient is not None:
        if args.topic:
            raise InputError("use either a TOPIC or --for, not both", field="--for")
        data = parse(PersonalInput, read_input(args.for_patient))
        if lang is not None:
            data = data.model_copy(update={"lang": lang})
        result = personalize(data)
        if args.json:
            emit_json(result.model_dump(mode="json"))
        else:
            sys.stdout.write(render_personal_text(result, gettext_for(result.lang).gettext) + "\n")
        return 0

    lang = lang or "en"
    _ = gettext_for(lang).gettext
    if args.topic:
        page = render_topic(load_topics().get(args.topic), lang)
        if args.json:
            emit_json(page.model_dump(mode="json"))
        else:
            sys.stdout.write(render_page_text(page, _) + "\n")
        return 0

    if args.json:
        catalog = load_topics()
        emit_json(
            {
                "lang": lang,
                "topics": [
                    {"id": t.id, "title": t.title.get(lang), "summary": t.summary.get(lang)}
                    for t in catalog.topics
                ],
            }
        )
    else:
        sys.stdout.write(render_list_text(lang, _) + "\n")
    return 0
