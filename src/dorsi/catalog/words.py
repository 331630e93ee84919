"""Patient-facing message templates in every language (``data/words/<name>.yaml``).

The progress alerts, the cost explanation and the handout are built from numbers by code; the
sentences around the numbers are data here, one :class:`~dorsi.i18n.Translated` template per
message (``{placeholders}`` filled with :meth:`Words.say`), so a reviewer sees English and
Spanish side by side and a missing language fails loading with the file and the field.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field

from dorsi.catalog.load import load_data
from dorsi.catalog.sourced import CatalogModel
from dorsi.errors import CatalogError
from dorsi.i18n import Language, Translated

WordsName = Literal["progress", "cost", "handout", "plan", "outlook", "pictures"]


class MeasureWordsEs(CatalogModel):
    """A measure's name and unit in Spanish (English is ``measures.yaml`` itself)."""

    name: str = Field(min_length=3)
    unit: str = Field(min_length=1)
    mdc_rule: str | None = Field(default=None, min_length=10)


class Words(CatalogModel):
    """The message templates of one part of the product."""

    messages: dict[str, Translated]
    cli: dict[str, Translated] = Field(default_factory=dict)
    measures_es: dict[str, MeasureWordsEs] = Field(default_factory=dict)

    def say(self, key: str, lang: Language, /, **values: object) -> str:
        """The message ``key`` in ``lang`` with its placeholders filled in."""
        try:
            template = self.messages[key].get(lang)
        except KeyError:
            raise CatalogError(f"message '{key}' is missing from the words catalog") from None
        return template.format(**values) if values else template

    def label(self, key: str, lang: Language, /, **values: object) -> str:
        """The terminal label ``key`` in ``lang`` (the ``cli`` section)."""
        try:
            template = self.cli[key].get(lang)
        except KeyError:
            raise CatalogError(f"label '{key}' is missing from the words catalog") from None
        return template.format(**values) if values else template


@cache
def load_words(name: WordsName) -> Words:
    """The templates of ``data/words/<name>.yaml`` (cached)."""
    return load_data(f"words/{name}.yaml", Words)


def decimal_number(text: str, lang: Language) -> str:
    """A number already written with a decimal point, in ``lang``'s way (Spanish: a comma)."""
    return text.replace(".", ",") if lang == "es" else text


__all__ = ["MeasureWordsEs", "Words", "WordsName", "decimal_number", "load_words"]
