"""The Learn topics: validated catalog data, and one topic rendered in one language.

Data lives in ``dorsi/catalog/data/learn/``: ``topics.yaml`` gives the default order, and each
topic is ``<id>.yaml``. Every piece of text is a :class:`~dorsi.i18n.Translated` (English and
Spanish both required). Numbers never appear as digits in the text: a text names a fact with a
``{placeholder}``, and the fact carries its value, source and evidence grade. Loading refuses a
topic whose text holds a bare digit, names an unknown fact, or declares a fact no text uses, so
every number a patient reads has a source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from dorsi.catalog.load import read_yaml, validate_data
from dorsi.catalog.sourced import CatalogModel, Sourced
from dorsi.clinical.contract import Output
from dorsi.clinical.program_rules import CAUSES as CAUSES
from dorsi.clinical.program_rules import Cause as Cause
from dorsi.errors import CatalogError, NotFoundError
from dorsi.i18n import Language, Translated, format_number, iter_translated

TopicId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
FactId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,59}$")]
Phase = Annotated[int, Field(ge=1, le=3)]
LinkTarget = Literal["self_check", "cost_estimator", "exercises", "progress"]
Reason = Literal["read_this_week", "safety", "cause", "phase", "brace", "outlook"]

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_DIGIT = re.compile(r"\d")

LEARN_DIR = "learn"


class Applies(CatalogModel):
    """Who a topic or personal note is for. Any matching condition makes it apply.

    ``always`` marks safety content every patient sees first. ``brace`` is ``True`` for brace
    users, ``False`` for people without one, absent when brace use does not matter.
    """

    always: bool = False
    causes: tuple[Cause, ...] = ()
    phases: tuple[Phase, ...] = ()
    brace: bool | None = None
    outlook: bool = False


class Section(CatalogModel):
    heading: Translated
    paragraphs: tuple[Translated, ...] = ()
    bullets: tuple[Translated, ...] = ()

    @model_validator(mode="after")
    def _not_empty(self) -> Section:
        if not self.paragraphs and not self.bullets:
            raise ValueError("a section needs at least one paragraph or bullet")
        return self


class Term(CatalogModel):
    """A word a patient may not know, and its plain meaning."""

    word: Translated
    meaning: Translated


class Link(CatalogModel):
    """A pointer to another part of Dorsi (the web maps ``to`` to a page, the CLI to a command)."""

    to: LinkTarget
    label: Translated


class Diagram(CatalogModel):
    """A simple picture described as data: boxes joined by arrows, read in order.

    ``alt`` describes the whole picture for screen readers and for the terminal.
    """

    kind: Literal["flow"]
    alt: Translated
    steps: tuple[Translated, ...] = Field(min_length=2, max_length=8)


class Topic(CatalogModel):
    id: TopicId
    title: Translated
    summary: Translated
    applies_when: Applies = Applies()
    sections: tuple[Section, ...] = Field(min_length=1)
    terms: tuple[Term, ...] = ()
    facts: dict[FactId, Sourced] = Field(default_factory=dict)
    links: tuple[Link, ...] = ()
    diagram: Diagram | None = None
    sources: tuple[Annotated[str, StringConstraints(min_length=3)], ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbers_are_sourced(self) -> Topic:
        used = check_placeholders(self, allowed=set(self.facts))
        unused = sorted(set(self.facts) - used)
        if unused:
            raise ValueError(f"facts declared but used by no text: {', '.join(unused)}")
        return self


def check_placeholders(model: object, *, allowed: set[str]) -> set[str]:
    """Check every text in ``model``; return the placeholder names used.

    Each text must use only ``allowed`` placeholders, the same ones in every language, and no
    bare digits (a number must come from a sourced fact).
    """
    used: set[str] = set()
    for path, text in iter_translated(model):
        names: dict[str, set[str]] = {}
        for lang in ("en", "es"):
            value = text.get(lang)
            names[lang] = set(PLACEHOLDER.findall(value))
            bare = PLACEHOLDER.sub("", value)
            if _DIGIT.search(bare):
                raise ValueError(
                    f"{path}.{lang} has a bare number; put it in 'facts' with its source and"
                    " write {fact_id} in the text"
                )
            if "{" in bare or "}" in bare:
                raise ValueError(f"{path}.{lang} has a stray brace; placeholders are {{fact_id}}")
            unknown = sorted(names[lang] - allowed)
            if unknown:
                raise ValueError(f"{path}.{lang} names unknown facts: {', '.join(unknown)}")
        if names["en"] != names["es"]:
            raise ValueError(f"{path}: English and Spanish use different facts")
        used |= names["en"]
    return used


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace each ``{name}`` in ``text`` with its value (all names were checked at load)."""
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


class TopicOrder(CatalogModel):
    order: tuple[TopicId, ...] = Field(min_length=1)


class LearnCatalog(CatalogModel):
    topics: tuple[Topic, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(topic.id for topic in self.topics)

    def get(self, topic_id: str) -> Topic:
        """The topic ``topic_id``; :class:`NotFoundError` lists the valid ids otherwise."""
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise NotFoundError(f"no Learn topic '{topic_id}'; topics are: {', '.join(self.ids)}")


def _topic_files() -> set[str]:
    folder = resources.files("dorsi.catalog").joinpath("data", LEARN_DIR)
    return {
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml") and entry.name not in ("topics.yaml", "personal.yaml")
    }


def build_catalog(order: Iterable[str], raw_topics: Mapping[str, object]) -> LearnCatalog:
    """Validate topics given as parsed data, in ``order`` (the loader's pure half)."""
    topics = []
    for topic_id in order:
        filename = f"{LEARN_DIR}/{topic_id}.yaml"
        topic = validate_data(filename, raw_topics[topic_id], Topic)
        if topic.id != topic_id:
            raise CatalogError(f"catalog file data/{filename}: field 'id': must be '{topic_id}'")
        topics.append(topic)
    return LearnCatalog(topics=tuple(topics))


@cache
def load_topics() -> LearnCatalog:
    """All Learn topics in their default order (cached).

    Raises :class:`CatalogError` naming the file and field when the data is invalid, when a
    topic listed in ``topics.yaml`` has no file, or when a topic file is not listed.
    """
    order = validate_data(
        f"{LEARN_DIR}/topics.yaml", read_yaml(f"{LEARN_DIR}/topics.yaml"), TopicOrder
    )
    listed = list(order.order)
    if len(set(listed)) != len(listed):
        raise CatalogError(f"catalog file data/{LEARN_DIR}/topics.yaml: a topic is listed twice")
    unlisted = sorted(_topic_files() - set(listed))
    if unlisted:
        raise CatalogError(
            f"catalog file data/{LEARN_DIR}/topics.yaml: field 'order':"
            f" missing {', '.join(unlisted)}"
        )
    raw = {topic_id: read_yaml(f"{LEARN_DIR}/{topic_id}.yaml") for topic_id in listed}
    return build_catalog(listed, raw)


# --- one topic in one language -------------------------------------------------------------


class FactOut(Output):
    id: str
    value: float
    shown: str
    source: str
    evidence: str


class SectionOut(Output):
    heading: str
    paragraphs: list[str]
    bullets: list[str]


class TermOut(Output):
    word: str
    meaning: str


class LinkOut(Output):
    to: LinkTarget
    label: str


class DiagramOut(Output):
    kind: Literal["flow"]
    alt: str
    steps: list[str]


class LearnPage(Output):
    """A topic ready to show: every text in one language with its numbers filled in."""

    id: str
    lang: Language
    title: str
    summary: str
    sections: list[SectionOut]
    terms: list[TermOut]
    links: list[LinkOut]
    diagram: DiagramOut | None
    facts: list[FactOut]
    sources: list[str]


def render_topic(topic: Topic, lang: Language) -> LearnPage:
    """``topic`` in ``lang``, numbers written the way that language writes them."""
    shown = {fact_id: format_number(fact.value, lang) for fact_id, fact in topic.facts.items()}

    def text(value: Translated) -> str:
        return fill(value.get(lang), shown)

    return LearnPage(
        id=topic.id,
        lang=lang,
        title=text(topic.title),
        summary=text(topic.summary),
        sections=[
            SectionOut(
                heading=text(section.heading),
                paragraphs=[text(p) for p in section.paragraphs],
                bullets=[text(b) for b in section.bullets],
            )
            for section in topic.sections
        ],
        terms=[TermOut(word=text(t.word), meaning=text(t.meaning)) for t in topic.terms],
        links=[LinkOut(to=link.to, label=text(link.label)) for link in topic.links],
        diagram=(
            DiagramOut(
                kind=topic.diagram.kind,
                alt=text(topic.diagram.alt),
                steps=[text(step) for step in topic.diagram.steps],
            )
            if topic.diagram
            else None
        ),
        facts=[
            FactOut(
                id=fact_id,
                value=fact.value,
                shown=shown[fact_id],
                source=fact.source,
                evidence=fact.evidence,
            )
            for fact_id, fact in topic.facts.items()
        ],
        sources=list(topic.sources),
    )


def english_texts(topic: Topic) -> list[str]:
    """Every English string of ``topic`` with numbers filled in (for readability checks)."""
    shown = {fact_id: format_number(fact.value, "en") for fact_id, fact in topic.facts.items()}
    return [fill(text.en, shown) for _, text in iter_translated(topic)]
