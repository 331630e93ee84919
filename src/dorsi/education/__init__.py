"""Patient education: the Learn topics, their personal order and notes, and reading level.

Pure: reads only the package's own catalog data (``dorsi/catalog/data/learn/``) through the
catalog loaders; no web, database or other file I/O.
"""

from dorsi.education.personal import (
    NoteOut,
    OutlookSummary,
    PersonalInput,
    PersonalOutput,
    TopicRef,
    WeeksRange,
    load_notes,
    personalize,
)
from dorsi.education.topics import (
    CAUSES,
    LearnCatalog,
    LearnPage,
    Topic,
    english_texts,
    load_topics,
    render_topic,
)

__all__ = [
    "CAUSES",
    "LearnCatalog",
    "LearnPage",
    "NoteOut",
    "OutlookSummary",
    "PersonalInput",
    "PersonalOutput",
    "Topic",
    "TopicRef",
    "WeeksRange",
    "english_texts",
    "load_notes",
    "load_topics",
    "personalize",
    "render_topic",
]
