"""What the phone sends after a home session measured with the camera (docs/camera.md).

Only numbers leave the phone: per repetition the peak active dorsiflexion angle the browser
measured (or nothing, when the pose model saw the leg too poorly to measure that lift, which is
still counted) and a quality flag. The server computes the session's best and median itself
(:func:`dorsi.gait.camera_rom.summarise`), so a client cannot send a best that its repetitions
do not support. The session's best is stored as the measure ``dorsiflexion_arom_camera_deg``,
its own series beside the goniometer's ``dorsiflexion_arom_deg``, never merged with it.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from dorsi.clinical.contract import Contract, no_nul_schema

#: the measure the session's best becomes
CAMERA_MEASURE = "dorsiflexion_arom_camera_deg"

#: exercises where a side-on camera sees the lift it measures: seated, heel down, the front of
#: the foot lifting towards the shin (with or without a band)
CAMERA_EXERCISES: tuple[str, ...] = ("seated_dorsiflexion", "band_dorsiflexion")

#: repetitions one session may report (a set is at most a few dozen)
MAX_REPS = 200

#: the catalog's valid range of the measure, in degrees
MIN_DEG, MAX_DEG = -50.0, 45.0


def _quality_schema(schema: dict[str, Any]) -> None:
    """The JSON Schema says what the validator does: a good lift has its peak, a poor one none."""
    no_nul_schema(schema)
    schema["oneOf"] = [
        {
            "properties": {
                "quality": {"const": "good"},
                "peak_deg": {"type": "number", "minimum": -50, "maximum": 45},
            },
            "required": ["quality", "peak_deg"],
        },
        {"properties": {"quality": {"const": "poor"}, "peak_deg": {"type": "null"}}},
    ]


class CameraRepIn(Contract):
    """One counted lift: its peak angle, or null when it was counted but not measured."""

    model_config = ConfigDict(allow_inf_nan=False, json_schema_extra=_quality_schema)

    peak_deg: float | None = None
    quality: Literal["good", "poor"]

    @field_validator("peak_deg", mode="before")
    @classmethod
    def _degrees(cls, value: object) -> object:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PydanticCustomError("peak_deg", "must be a number of degrees from -50 to 45")
        if not math.isfinite(value) or not MIN_DEG <= value <= MAX_DEG:
            raise PydanticCustomError("peak_deg", "must be a number of degrees from -50 to 45")
        return float(value)

    @model_validator(mode="after")
    def _quality_matches(self) -> CameraRepIn:
        if (self.quality == "good") != (self.peak_deg is not None):
            raise PydanticCustomError(
                "quality",
                "must be 'good' with a peak_deg, or 'poor' with peak_deg null (a lift counted "
                "but not measured)",
            )
        return self


class CameraSessionIn(Contract):
    """A session's camera results (``date`` defaults to today)."""

    date: dt.date | None = None
    exercise_id: Literal["seated_dorsiflexion", "band_dorsiflexion"]
    side: Literal["left", "right"]
    reps: tuple[CameraRepIn, ...] = Field(min_length=1, max_length=MAX_REPS)


__all__ = [
    "CAMERA_EXERCISES",
    "CAMERA_MEASURE",
    "MAX_REPS",
    "CameraRepIn",
    "CameraSessionIn",
]
