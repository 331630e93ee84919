"""Languages: which ones Dorsi speaks, choosing one for a reader, and translating text.

Two kinds of patient-facing text, two mechanisms (see ``docs/i18n.md``):

- **UI strings** (labels, buttons, short messages in code and templates) go through gettext:
  ``_ = gettext_for(lang).gettext``. The catalogs are ``dorsi/locale/<lang>/LC_MESSAGES/dorsi.po``,
  compiled to ``dorsi.mo`` and committed; a test fails when a ``.mo`` is stale or a string lacks
  a translation.
- **Catalog content** (education topics, exercise steps and cues) lives in the YAML catalog as
  :class:`Translated` values ``{en: ..., es: ...}``; loading fails when a language is missing.

Choosing the language: an explicit choice (the patient's saved setting, ``--lang``) wins; else
the browser's ``Accept-Language``; else English. :func:`negotiate_language` does exactly that.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Annotated, Literal, get_args

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.numbers import format_decimal
from pydantic import BaseModel, ConfigDict, StringConstraints

from dorsi.errors import CatalogError, InputError

Language = Literal["en", "es"]
SUPPORTED_LANGUAGES: tuple[Language, ...] = get_args(Language)
DEFAULT_LANGUAGE: Language = "en"
DOMAIN = "dorsi"

# Names shown to a reader choosing a language, each in its own language.
LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "es": "Español"}

_MAX_ACCEPT_LANGUAGE_CHARS = 1000
_MAX_ACCEPT_LANGUAGE_ITEMS = 30

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class Translated(BaseModel):
    """One piece of catalog text in every supported language.

    Every language is required and must be non-blank, so a catalog file that lacks a Spanish
    (or English) string fails to load, naming the file and the field.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    en: Text
    es: Text

    def get(self, lang: Language) -> str:
        """The text in ``lang``."""
        text: str = getattr(self, lang)
        return text


def iter_translated(value: object, path: str = "") -> Iterator[tuple[str, Translated]]:
    """Every :class:`Translated` inside ``value`` (models, lists, tuples, dicts), with its path.

    Lets a test walk any catalog (education topics, exercises) to check each string in each
    language, or to collect all English strings for the readability check.
    """
    if isinstance(value, Translated):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from iter_translated(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from iter_translated(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_translated(item, f"{path}.{key}" if path else str(key))


def normalize_language(value: str, *, field: str = "lang") -> Language:
    """A supported language from a code such as ``es``, ``ES``, ``es-MX`` or ``es_AR``.

    Raises :class:`InputError` naming ``field`` and the allowed languages otherwise.
    """
    code = value.strip().replace("_", "-").split("-")[0].lower()
    for lang in SUPPORTED_LANGUAGES:
        if code == lang:
            return lang
    allowed = ", ".join(f"{lang} ({LANGUAGE_NAMES[lang]})" for lang in SUPPORTED_LANGUAGES)
    shown = value if len(value) <= 20 else value[:17] + "..."
    raise InputError(f"must be one of {allowed} (got {shown!r})", field=field)


def parse_accept_language(header: str) -> list[str]:
    """The language tags of an ``Accept-Language`` header, most wanted first.

    Tags with ``q=0`` are dropped; a malformed weight counts as 0 (refused), never as an error,
    because browsers and proxies send odd headers and a reader should still get a page.
    Over-long headers are cut, so a hostile header costs little.
    """
    weighted: list[tuple[float, int, str]] = []
    items = header[:_MAX_ACCEPT_LANGUAGE_CHARS].split(",")[:_MAX_ACCEPT_LANGUAGE_ITEMS]
    for position, item in enumerate(items):
        parts = [part.strip() for part in item.split(";")]
        tag = parts[0]
        if not tag:
            continue
        weight = 1.0
        for param in parts[1:]:
            key, _, raw = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(raw)
                except ValueError:
                    weight = 0.0
                if not 0.0 <= weight <= 1.0:
                    weight = 0.0
        if weight > 0:
            weighted.append((-weight, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate_language(
    accept_language: str | None = None, *, chosen: str | None = None
) -> Language:
    """The language to show a reader.

    Parameters
    ----------
    accept_language
        The browser's ``Accept-Language`` header, if any.
    chosen
        The reader's explicit, remembered choice (saved setting, cookie, ``--lang``). It wins
        when it names a supported language; an unsupported saved value is ignored rather than
        refused, so a stale cookie never locks a patient out of the page.
    """
    if chosen:
        try:
            return normalize_language(chosen)
        except InputError:
            pass
    if accept_language:
        tags = [tag.replace("_", "-") for tag in parse_accept_language(accept_language)]
        wanted = [tag for tag in tags if tag != "*"]
        found = negotiate_locale(wanted, list(SUPPORTED_LANGUAGES), sep="-")
        if found is None:
            # Babel matches exact tags and aliases; a regional tag such as "es-419" matches its
            # base language here.
            for tag in wanted:
                try:
                    return normalize_language(tag)
                except InputError:
                    continue
        else:
            return normalize_language(found)
    return DEFAULT_LANGUAGE


def gettext_for(lang: str) -> gettext.NullTranslations:
    """The gettext translations for ``lang`` (cached).

    English is the source language: its catalog leaves every message untranslated, so gettext
    returns the English source text, and the same code path runs for every language. A missing
    compiled catalog for a supported language is a packaging fault and raises
    :class:`CatalogError`; an unsupported language raises :class:`InputError`.
    """
    return _translations(normalize_language(lang), DOMAIN)


@cache
def _translations(language: Language, domain: str) -> gettext.NullTranslations:
    ref = resources.files("dorsi").joinpath("locale", language, "LC_MESSAGES", f"{domain}.mo")
    try:
        with ref.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except FileNotFoundError:
        raise CatalogError(
            f"the compiled messages for '{language}' (locale/{language}/LC_MESSAGES/{domain}.mo)"
            " are missing from the package; see docs/i18n.md"
        ) from None
    except OSError as exc:
        raise CatalogError(
            f"the compiled messages for '{language}' are unreadable: {exc}"
        ) from None


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it now (tables of labels).

    Babel's extraction finds ``N_("...")``; the caller translates later with
    ``gettext_for(lang).gettext(message)``.
    """
    return message


def format_number(value: float, lang: str) -> str:
    """A number written the way readers of ``lang`` expect (``1.5`` in English, ``1,5`` in Spanish).

    Whole numbers lose their ``.0``; at most two decimals are shown.
    """
    language = normalize_language(lang)
    shown: float | int = int(value) if float(value).is_integer() else value
    return format_decimal(shown, format="#,##0.##", locale=language)


def locale_for(lang: str) -> Locale:
    """The Babel :class:`~babel.Locale` of a supported language."""
    try:
        return Locale.parse(normalize_language(lang))
    except (UnknownLocaleError, ValueError) as exc:  # pragma: no cover - Babel ships en and es
        raise CatalogError(f"Babel has no locale data for {lang!r}: {exc}") from None


__all__ = [
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGE_NAMES",
    "N_",
    "SUPPORTED_LANGUAGES",
    "Language",
    "Translated",
    "format_number",
    "gettext_for",
    "iter_translated",
    "locale_for",
    "negotiate_language",
    "normalize_language",
    "parse_accept_language",
]
