"""Languages: choosing one, gettext catalogs that are complete and compiled, Translated text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from dorsi.errors import CatalogError, InputError
from dorsi.i18n import (
    SUPPORTED_LANGUAGES,
    Translated,
    format_number,
    gettext_for,
    iter_translated,
    negotiate_language,
    normalize_language,
    parse_accept_language,
)

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "dorsi"
LOCALE = PACKAGE / "locale"


# --- choosing a language ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("en", "en"), ("es", "es"), ("ES", "es"), ("es-MX", "es"), ("es_AR", "es"), (" en-US ", "en")],
)
def test_normalize_language_accepts_codes_and_regions(raw: str, expected: str) -> None:
    assert normalize_language(raw) == expected


@pytest.mark.parametrize("raw", ["fr", "", "spanish", "e", "x" * 200])
def test_normalize_language_refuses_others_naming_field_and_choices(raw: str) -> None:
    with pytest.raises(InputError) as caught:
        normalize_language(raw, field="--lang")
    assert caught.value.field == "--lang"
    assert "en (English)" in caught.value.message
    assert "es (Español)" in caught.value.message
    assert len(caught.value.message) < 200


def test_accept_language_sorted_by_weight_and_q0_dropped() -> None:
    header = "fr;q=0.9, es-MX, en;q=0.5, de;q=0, it;q=abc, pt;q=7"
    assert parse_accept_language(header) == ["es-MX", "fr", "en"]


def test_accept_language_keeps_order_for_equal_weights() -> None:
    assert parse_accept_language("en, es") == ["en", "es"]


@pytest.mark.parametrize(
    ("header", "chosen", "expected"),
    [
        (None, None, "en"),
        ("", None, "en"),
        ("es-ES,es;q=0.9,en;q=0.8", None, "es"),
        ("fr, es-419;q=0.5", None, "es"),
        ("de, fr", None, "en"),
        ("*", None, "en"),
        ("en-GB, es;q=0.1", None, "en"),
        ("en", "es", "es"),
        ("es", "en", "en"),
        ("es", "klingon", "es"),
    ],
)
def test_negotiate_language(header: str | None, chosen: str | None, expected: str) -> None:
    assert negotiate_language(header, chosen=chosen) == expected


@given(st.text(max_size=300), st.one_of(st.none(), st.text(max_size=20)))
def test_negotiation_never_fails_and_always_gives_a_supported_language(
    header: str, chosen: str | None
) -> None:
    assert negotiate_language(header, chosen=chosen) in SUPPORTED_LANGUAGES


@given(st.text(max_size=3000))
def test_accept_language_parser_is_total_and_bounded(header: str) -> None:
    tags = parse_accept_language(header)
    assert len(tags) <= 30
    assert all(tag and tag in header for tag in tags)


def test_format_number_follows_the_language() -> None:
    assert format_number(1.5, "en") == "1.5"
    assert format_number(1.5, "es") == "1,5"
    assert format_number(3.0, "es") == "3"
    assert format_number(10600, "en") == "10,600"
    assert format_number(10600, "es") == "10.600"
    assert format_number(0.166, "en") == "0.17"


# --- Translated catalog text --------------------------------------------------------------


def test_translated_requires_every_language() -> None:
    with pytest.raises(ValidationError) as caught:
        Translated.model_validate({"en": "Hello"})
    assert caught.value.errors()[0]["loc"] == ("es",)


@pytest.mark.parametrize("blank", ["", "   ", "\n"])
def test_translated_refuses_blank_text(blank: str) -> None:
    with pytest.raises(ValidationError):
        Translated.model_validate({"en": "Hello", "es": blank})


def test_translated_refuses_unknown_languages() -> None:
    with pytest.raises(ValidationError):
        Translated.model_validate({"en": "Hello", "es": "Hola", "fr": "Bonjour"})


def test_translated_get_and_strip() -> None:
    text = Translated.model_validate({"en": " Hello ", "es": "Hola\n"})
    assert (text.get("en"), text.get("es")) == ("Hello", "Hola")


class _Nested(BaseModel):
    title: Translated
    items: list[Translated]
    named: dict[str, Translated]
    other: int = 3


def test_iter_translated_walks_models_lists_and_dicts() -> None:
    hi = Translated(en="Hi", es="Hola")
    bye = Translated(en="Bye", es="Adiós")
    model = _Nested(title=hi, items=[bye, hi], named={"k": bye})
    assert [path for path, _ in iter_translated(model)] == [
        "title",
        "items[0]",
        "items[1]",
        "named.k",
    ]


# --- gettext catalogs ---------------------------------------------------------------------


def test_gettext_translates_to_spanish_and_keeps_english() -> None:
    assert gettext_for("es").gettext("Words to know") == "Palabras que conviene conocer"
    assert gettext_for("en").gettext("Words to know") == "Words to know"
    assert gettext_for("es-MX") is gettext_for("es")


def test_gettext_refuses_unsupported_language() -> None:
    with pytest.raises(InputError):
        gettext_for("fr")


def test_gettext_missing_catalog_is_a_catalog_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import dorsi.i18n as i18n

    monkeypatch.setattr(i18n, "DOMAIN", "no-such-domain")
    with pytest.raises(CatalogError, match="missing from the package"):
        i18n.gettext_for("es")


def _po(lang: str):  # type: ignore[no-untyped-def]
    with (LOCALE / lang / "LC_MESSAGES" / "dorsi.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _source_messages() -> set[str]:
    """Every UI string marked for translation in the package's code and templates."""
    with (LOCALE / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(PACKAGE), method_map, options_map):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_ui_string_in_the_code_has_a_spanish_translation() -> None:
    """Fails when code or a template marks a string that es/dorsi.po does not translate.

    Fix: run the extract/update/compile commands in docs/i18n.md and translate the new strings.
    """
    source = _source_messages()
    assert "Words to know" in source  # the extraction really ran over the package
    spanish = {m.id: m for m in _po("es") if m.id}
    untranslated = sorted(
        msgid for msgid in source if msgid not in spanish or not spanish[msgid].string
    )
    assert untranslated == [], "strings without Spanish; see docs/i18n.md"
    fuzzy = sorted(str(m.id) for m in spanish.values() if m.fuzzy)
    assert fuzzy == [], "fuzzy (unchecked) Spanish translations"


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_language_has_a_catalog_listing_every_ui_string(lang: str) -> None:
    ids = {m.id for m in _po(lang) if m.id}
    assert _source_messages() <= ids


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_committed_mo_matches_its_po(lang: str) -> None:
    """The compiled .mo is committed; it must say exactly what the .po says."""
    po = {m.id: m.string for m in _po(lang) if m.id and m.string and not m.fuzzy}
    with (LOCALE / lang / "LC_MESSAGES" / "dorsi.mo").open("rb") as handle:
        mo = {m.id: m.string for m in read_mo(handle) if m.id}
    assert mo == po, f"locale/{lang}/LC_MESSAGES/dorsi.mo is stale: run pybabel compile"


def test_spanish_plural_rule_is_declared() -> None:
    catalog = read_mo(io.BytesIO((LOCALE / "es/LC_MESSAGES/dorsi.mo").read_bytes()))
    assert catalog.num_plurals >= 2
