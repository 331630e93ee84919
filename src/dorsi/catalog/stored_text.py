"""Program text stored in English, read back in the reader's language from the catalog's data.

A program keeps its advice (precautions, walking tips, the cues added to each exercise) in the
words the clinician saw when it was made, in English. Each of those sentences comes from the
catalog: a text written ``{en: ..., es: ...}`` in a data file (a cause's precautions, an
exercise's cues, the common stop rules), or a message of a words file with its
``{placeholders}`` filled in (``prec_pain_high`` with the patient's pain). So a stored sentence
is shown in another language by finding it in the catalog and taking the same entry in that
language, with the same values put back. A sentence the catalog does not hold (a clinician's
own words) is not guessed at: :func:`in_language` returns ``None`` for it and the caller shows
it as written.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from dorsi.catalog.load import read_yaml
from dorsi.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, Language, normalize_language

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SPACE = re.compile(r"\s+")
#: the longest text a placeholder stands for when it is not itself a catalog sentence
MAX_VALUE_CHARS = 60
#: the fewest words-and-punctuation characters a template needs to be matched at all
MIN_LITERAL_CHARS = 8


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _pairs(node: Any) -> list[dict[Language, str]]:
    """Every ``{en: ..., es: ...}`` mapping inside parsed YAML ``node``."""
    found: list[dict[Language, str]] = []
    if isinstance(node, dict):
        if set(node) == set(SUPPORTED_LANGUAGES) and all(isinstance(v, str) for v in node.values()):
            found.append({lang: _flat(node[lang]) for lang in SUPPORTED_LANGUAGES})
        else:
            for value in node.values():
                found.extend(_pairs(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_pairs(value))
    return found


def _data_files() -> list[str]:
    root = resources.files("dorsi.catalog").joinpath("data")
    names: list[str] = []

    def walk(folder: Any, prefix: str) -> None:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            elif entry.name.endswith(".yaml"):
                names.append(f"{prefix}{entry.name}")

    walk(root, "")
    return names


@cache
def _table(lang: Language) -> tuple[dict[str, str], list[tuple[re.Pattern[str], str]]]:
    """English text -> ``lang`` text, and (English pattern, ``lang`` template) pairs."""
    exact: dict[str, str] = {}
    templates: list[tuple[re.Pattern[str], str]] = []
    for name in _data_files():
        for pair in _pairs(read_yaml(name)):
            english, other = pair[DEFAULT_LANGUAGE], pair[lang]
            if _PLACEHOLDER.search(english):
                # A template of (almost) only placeholders ("{reason}") would match anything.
                if len(_PLACEHOLDER.sub("", english).strip()) >= MIN_LITERAL_CHARS:
                    templates.append((_pattern(english), other))
            else:
                exact.setdefault(english, other)
    # Longest first: a message that holds another's words is tried before it.
    templates.sort(key=lambda item: -len(item[0].pattern))
    return exact, templates


def _pattern(template: str) -> re.Pattern[str]:
    parts: list[str] = []
    seen: set[str] = set()
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : match.start()]))
        name = match.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts).replace(r"\ ", " "))


def in_language(text: str, lang: str) -> str | None:
    """``text`` (stored in English) in ``lang``, or ``None`` when the catalog does not hold it."""
    language = normalize_language(lang)
    if language == DEFAULT_LANGUAGE:
        return text
    exact, templates = _table(language)
    flat = _flat(text)
    if flat in exact:
        return exact[flat]
    for pattern, other in templates:
        match = pattern.fullmatch(flat)
        if match and _filled_in(match, language):
            values = {k: _value_in(v, flat, language) for k, v in match.groupdict().items()}
            return _fill(other, values)
    return None


def _value_in(value: str, whole: str, lang: Language) -> str:
    """A matched value in ``lang`` when it is itself a catalog sentence (shorter than the
    text it came from, so this always ends), else as written (a number, a date)."""
    return (in_language(value, lang) if len(value) < len(whole) else None) or value


def _filled_in(match: re.Match[str], lang: Language) -> bool:
    """Whether the values a template matched look like values (numbers, dates, a few words),
    not whole sentences a short template happened to swallow. A value that is itself a
    catalog sentence counts (messages nest)."""
    for value in match.groupdict().values():
        short = len(value) <= MAX_VALUE_CHARS and value.count(". ") == 0
        if not short and (len(value) >= len(match.string) or in_language(value, lang) is None):
            return False
    return True


def _fill(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def all_in_language(texts: tuple[str, ...] | list[str], lang: str) -> tuple[list[str], list[str]]:
    """``texts`` split into those shown in ``lang`` (translated) and those the catalog does not
    hold (a clinician's own words, shown as written), each in order."""
    shown: list[str] = []
    own: list[str] = []
    for text in texts:
        said = in_language(text, lang)
        if said is None:
            own.append(text)
        else:
            shown.append(said)
    return shown, own


__all__ = ["all_in_language", "in_language"]
