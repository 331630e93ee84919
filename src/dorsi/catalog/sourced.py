"""Values that carry their evidence."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Evidence = Literal["primary", "secondary", "low", "clinician_default"]


class CatalogModel(BaseModel):
    """Base of every catalog data model: closed to unknown keys, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(CatalogModel):
    """A number with where it comes from.

    ``evidence`` grades the source as in ``shared/clinical/REFERENCE.md``: ``primary``
    (peer-reviewed or official guideline), ``secondary`` (textbook, teaching page), ``low``
    (consumer or vendor page), or ``clinician_default`` (no evidence found; a default a
    clinician set and may change). ``source`` names the paper or says why it is a default.
    """

    value: float
    source: str = Field(min_length=3)
    evidence: Evidence
