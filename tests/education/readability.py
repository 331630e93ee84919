"""Reading level of patient-facing text (Flesch-Kincaid grade, measured with ``textstat``).

How we measure (see ``docs/i18n.md``):

- **Per paragraph.** Each string long enough to be scored (``MIN_WORDS`` words or more) is
  scored on its own, so one hard paragraph cannot hide inside an easy page.
- **Short strings pooled.** Titles, headings, bullets and labels shorter than that are joined,
  one sentence each, and scored as one text per group, because Flesch-Kincaid on two or three
  words is noise (one long word gives "grade 15").
- The target for English is grade 8 or lower (:data:`MAX_GRADE`).

``textstat`` is a test tool (the ``dev`` extra); importing this module does not need it, and
measuring without it raises :class:`~dorsi.errors.MissingExtraError` saying how to install it.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from dorsi.errors import MissingExtraError

MAX_GRADE = 8.0
MIN_WORDS = 12

_WORD = re.compile(r"[A-Za-zÀ-ÿ']+")

# Words a patient may not know. Where one appears in a page, the page must explain it (for a
# Learn topic: an entry in its ``terms``). Lower case; matched as whole words.
JARGON: tuple[str, ...] = (
    "afo",
    "brace",
    "cauda equina",
    "coinsurance",
    "compartment syndrome",
    "conservative care",
    "copay",
    "deductible",
    "dorsiflexion",
    "fes",
    "gait",
    "lumbar",
    "manual therapy",
    "neurapraxia",
    "neuropathy",
    "orthosis",
    "out-of-network",
    "out-of-pocket maximum",
    "peroneal",
    "radiculopathy",
    "sciatica",
    "slipped disc",
)


def jargon_in(text: str, jargon: Iterable[str] = JARGON) -> set[str]:
    """The jargon words that occur in ``text`` (whole words, any case)."""
    lowered = text.lower()
    return {
        word
        for word in jargon
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", lowered) is not None
    }


@dataclass(frozen=True)
class Score:
    """One scored text: where it came from, what was scored, and its grade."""

    label: str
    text: str
    grade: float


@cache
def _textstat() -> Any:
    try:
        module = importlib.import_module("textstat")
    except ImportError:
        raise MissingExtraError(
            "readability checks need textstat: pip install -e '.[dev]'"
        ) from None
    return module


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def fk_grade(text: str) -> float:
    """The Flesch-Kincaid grade of English ``text``."""
    stats = _textstat()
    stats.set_lang("en_US")
    return float(stats.flesch_kincaid_grade(text))


def fernandez_huerta(text: str) -> float:
    """The Fernández-Huerta reading ease of Spanish ``text`` (higher is easier; 70+ is easy)."""
    stats = _textstat()
    stats.set_lang("es")
    try:
        return float(stats.fernandez_huerta(text))
    finally:
        stats.set_lang("en_US")


def _as_sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def score_texts(
    texts: Iterable[str | tuple[str, str]], *, group: str = "short strings"
) -> list[Score]:
    """Score any iterable of strings (or ``(label, text)`` pairs) as described above.

    Long strings get one :class:`Score` each; the short ones get one pooled :class:`Score`
    labelled ``group`` (none if there are no short strings).
    """
    scores: list[Score] = []
    short: list[str] = []
    for index, item in enumerate(texts):
        label, text = item if isinstance(item, tuple) else (f"#{index}", item)
        if not text.strip():
            continue
        if word_count(text) >= MIN_WORDS:
            scores.append(Score(label, text, fk_grade(text)))
        else:
            short.append(_as_sentence(text))
    if short:
        pooled = " ".join(short)
        scores.append(Score(group, pooled, fk_grade(pooled)))
    return scores


def too_hard(scores: Iterable[Score], max_grade: float = MAX_GRADE) -> list[Score]:
    """The scores above ``max_grade``."""
    return [score for score in scores if score.grade > max_grade]
