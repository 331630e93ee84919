"""Catalog files that hold patient text in every language, read in one language.

A catalog file (exercises, red flags) writes each patient-facing text as a
:class:`~dorsi.i18n.Translated` mapping, both languages side by side::

    name:
      en: "Seated ankle lifts"
      es: "Subir el pie sentado"

:func:`localize` checks every such text (each language present and non-blank, no other
language) and replaces it with the text of one language, so the catalog models keep plain
``str`` fields and every caller reads one language. Which fields are patient text is declared
by the catalog as path patterns (``exercises.*.steps.*``); a declared field written as a plain
string, or missing a language, fails loading with a :class:`~dorsi.errors.CatalogError`
naming the file and the field. Clinician-only text (rationales, sources) stays English.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import ValidationError

from dorsi.errors import CatalogError
from dorsi.i18n import Language, Translated

Pattern = tuple[str, ...]


def patterns(*specs: str) -> tuple[Pattern, ...]:
    """Path patterns from dotted strings; ``*`` matches any list index or mapping key."""
    return tuple(tuple(spec.split(".")) for spec in specs)


def _children(value: Any) -> Iterator[tuple[str, Any, Any]]:
    """(segment, key, child) for a mapping or a list; nothing for a scalar."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield str(key), key, child
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield str(index), index, child


def _fail(filename: str, path: str, message: str) -> CatalogError:
    return CatalogError(f"catalog file data/{filename}: field '{path}': {message}")


def translated_at(filename: str, path: str, value: Any) -> Translated:
    """``value`` checked as a :class:`Translated` text; errors name the file and the field."""
    if not isinstance(value, dict):
        raise _fail(
            filename,
            path,
            "patient text must be given in every language ({en: ..., es: ...}), "
            f"got {type(value).__name__}",
        )
    try:
        return Translated.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise _fail(filename, f"{path}.{where}" if where else path, first["msg"]) from None


def map_texts(data: Any, wanted: tuple[Pattern, ...], visit: Callable[[str, Any], Any]) -> Any:
    """A copy of ``data`` where each value at a ``wanted`` path is replaced by
    ``visit(path, value)``. Absent paths are skipped (the catalog model then reports a missing
    required field)."""

    def go(value: Any, path: tuple[str, ...], live: tuple[Pattern, ...]) -> Any:
        if any(len(p) == len(path) for p in live):
            return visit(".".join(path), value)
        if not isinstance(value, dict | list):
            return value
        depth = len(path)
        items: list[tuple[Any, Any]] = []
        for seg, key, child in _children(value):
            nxt = tuple(p for p in live if len(p) > depth and p[depth] in ("*", seg))
            items.append((key, go(child, (*path, seg), nxt) if nxt else child))
        if isinstance(value, dict):
            return dict(items)
        return [item for _, item in items]

    return go(data, (), wanted)


def localize(data: Any, lang: Language, *, filename: str, fields: tuple[Pattern, ...]) -> Any:
    """``data`` (parsed YAML) with every translated text at ``fields`` checked and replaced by
    its ``lang`` text."""
    return map_texts(
        data, fields, lambda path, value: translated_at(filename, path, value).get(lang)
    )


def translations(
    data: Any, *, filename: str, fields: tuple[Pattern, ...]
) -> list[tuple[str, Translated]]:
    """Every translated text at ``fields``, checked, with its path (for tests and reviews)."""
    found: list[tuple[str, Translated]] = []

    def keep(path: str, value: Any) -> Any:
        found.append((path, translated_at(filename, path, value)))
        return value

    map_texts(data, fields, keep)
    return found


__all__ = ["Pattern", "localize", "map_texts", "patterns", "translated_at", "translations"]
