"""What applies to this patient comes first: topic order and personal notes (pure).

Rules, in order (and the reasons each topic carries, so a page can say why it is shown):

1. Topics the clinician marked "read this week", in the order given (reason ``read_this_week``).
2. Topics that apply to the patient, in catalog order. A topic applies when its data says
   ``always`` (safety content, reason ``safety``: every patient sees when to get help near the
   top), or it matches the recorded cause, the current phase, brace use, or a recorded outlook.
3. Every other topic, in catalog order. Nothing is ever hidden: the list is always the whole
   catalog, only the order changes.

Personal notes come from ``learn/personal.yaml``: each note has the same ``applies_when`` rules
and is shown when it matches. The outlook note fills in the patient's own estimate in weeks.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from dorsi.catalog.load import read_yaml, validate_data
from dorsi.catalog.sourced import CatalogModel
from dorsi.clinical.contract import Contract, Output
from dorsi.education.topics import (
    LEARN_DIR,
    Applies,
    Cause,
    LearnCatalog,
    Phase,
    Reason,
    TopicId,
    check_placeholders,
    fill,
    load_topics,
)
from dorsi.errors import CatalogError, InputError
from dorsi.i18n import Language, Translated, format_number

# Placeholders a personal note may use: the patient's own numbers, not published figures.
PATIENT_VALUES = frozenset({"weeks_low", "weeks_high"})
_MAX_WEEKS = 520


class WeeksRange(Contract):
    low: Annotated[int, Field(ge=0, le=_MAX_WEEKS)]
    high: Annotated[int, Field(ge=0, le=_MAX_WEEKS)]

    @model_validator(mode="after")
    def _ordered(self) -> WeeksRange:
        if self.high < self.low:
            raise ValueError("high must be at least low")
        return self


class OutlookSummary(Contract):
    """The part of an outlook estimate (``dorsi outlook``) the Learn pages use."""

    expected_weeks: WeeksRange


class PersonalInput(Contract):
    """What the Learn pages know about a patient. Every field is optional."""

    cause: Cause = "unknown"
    phase: Phase | None = None
    uses_brace: bool = False
    outlook: OutlookSummary | None = None
    read_this_week: tuple[Annotated[str, StringConstraints(max_length=40)], ...] = Field(
        default=(), max_length=20
    )
    lang: Language = "en"


class TopicRef(Output):
    id: str
    title: str
    summary: str
    applies: bool
    reasons: list[Reason]


class NoteOut(Output):
    id: str
    topic: str
    text: str
    source: str


class PersonalOutput(Output):
    lang: Language
    topics: list[TopicRef]
    notes: list[NoteOut]


class Note(CatalogModel):
    id: TopicId
    topic: TopicId
    applies_when: Applies
    text: Translated
    source: Annotated[str, StringConstraints(min_length=3)]

    @model_validator(mode="after")
    def _only_patient_numbers(self) -> Note:
        used = check_placeholders(self.text, allowed=set(PATIENT_VALUES))
        if used and self.applies_when != Applies(outlook=True):
            raise ValueError(
                "only a note that applies_when just 'outlook: true' may use the patient's weeks"
            )
        return self


class NoteBook(CatalogModel):
    notes: tuple[Note, ...] = Field(min_length=1)


def check_notes(book: NoteBook, catalog: LearnCatalog, filename: str) -> NoteBook:
    """Each note names a real topic and ids are unique."""
    seen: set[str] = set()
    for index, note in enumerate(book.notes):
        if note.topic not in catalog.ids:
            raise CatalogError(
                f"catalog file data/{filename}: field 'notes.{index}.topic':"
                f" no topic '{note.topic}'"
            )
        if note.id in seen:
            raise CatalogError(
                f"catalog file data/{filename}: field 'notes.{index}.id': '{note.id}' is repeated"
            )
        seen.add(note.id)
    return book


@cache
def load_notes() -> NoteBook:
    """The personal notes (cached); :class:`CatalogError` names file and field when invalid."""
    filename = f"{LEARN_DIR}/personal.yaml"
    book = validate_data(filename, read_yaml(filename), NoteBook)
    return check_notes(book, load_topics(), filename)


def reasons_for(rule: Applies, data: PersonalInput) -> list[Reason]:
    """Why ``rule`` matches this patient (empty when it does not)."""
    found: list[Reason] = []
    if rule.always:
        found.append("safety")
    if data.cause in rule.causes:
        found.append("cause")
    if data.phase is not None and data.phase in rule.phases:
        found.append("phase")
    if rule.brace is not None and rule.brace == data.uses_brace:
        found.append("brace")
    if rule.outlook and data.outlook is not None:
        found.append("outlook")
    return found


def personalize(
    data: PersonalInput,
    *,
    catalog: LearnCatalog | None = None,
    notes: NoteBook | None = None,
) -> PersonalOutput:
    """Order every topic for this patient and pick their personal notes.

    Raises :class:`InputError` naming ``read_this_week.N`` when a marked topic does not exist.
    """
    catalog = catalog or load_topics()
    notes = notes or load_notes()
    lang = data.lang

    marked: list[str] = []
    for index, topic_id in enumerate(data.read_this_week):
        if topic_id not in catalog.ids:
            raise InputError(
                f"no Learn topic {topic_id!r}; topics are: {', '.join(catalog.ids)}",
                field=f"read_this_week.{index}",
            )
        if topic_id not in marked:
            marked.append(topic_id)

    first: list[TopicRef] = []
    applying: list[TopicRef] = []
    rest: list[TopicRef] = []
    by_id = {topic.id: topic for topic in catalog.topics}
    for topic_id in [*marked, *(t for t in catalog.ids if t not in marked)]:
        topic = by_id[topic_id]
        reasons = reasons_for(topic.applies_when, data)
        if topic_id in marked:
            reasons = ["read_this_week", *reasons]
        ref = TopicRef(
            id=topic.id,
            title=topic.title.get(lang),
            summary=topic.summary.get(lang),
            applies=bool(reasons),
            reasons=reasons,
        )
        (first if topic_id in marked else applying if reasons else rest).append(ref)

    values: dict[str, str] = {}
    if data.outlook is not None:
        values = {
            "weeks_low": format_number(data.outlook.expected_weeks.low, lang),
            "weeks_high": format_number(data.outlook.expected_weeks.high, lang),
        }
    chosen = [
        NoteOut(
            id=note.id, topic=note.topic, text=fill(note.text.get(lang), values), source=note.source
        )
        for note in notes.notes
        if reasons_for(note.applies_when, data)
    ]
    return PersonalOutput(lang=lang, topics=[*first, *applying, *rest], notes=chosen)
