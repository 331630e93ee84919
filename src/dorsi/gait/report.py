"""The JSON contract of ``dorsi gait analyze --json``.

Pure pydantic, importable without the gait extra, so the web app can read stored reports.
``GaitReport.model_dump(mode="json")`` is exactly the JSON the command prints.

Angle convention: 0 deg = foot at 90 deg to the shank; dorsiflexion positive.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from dorsi.clinical.contract import Output

InitialContact = Literal["heel", "flat", "toe"]


class VideoInfo(Output):
    """The video as decoded (after applying rotation metadata)."""

    fps: float = Field(gt=0)
    frames: int = Field(ge=0)
    duration_s: float = Field(ge=0)
    width: int = Field(ge=0)
    height: int = Field(ge=0)


class Stride(Output):
    """One stride of one leg: heel strike, toe off, next heel strike of the same foot."""

    side: Literal["left", "right"]
    heel_strike_s: float
    toe_off_s: float
    next_heel_strike_s: float
    stance_time_s: float
    swing_time_s: float
    peak_swing_dorsiflexion_deg: float
    ankle_at_initial_contact_deg: float
    initial_contact: InitialContact
    toe_clearance_ratio: float
    quality: float = Field(ge=0, le=1)
    #: mis-tracked frames inside the stride that were repaired from their neighbours. Left
    #: out of the JSON, whose stride keys other systems read exactly; each repair is also a
    #: line of ``quality.warnings``.
    flags: list[str] = Field(default_factory=list, exclude=True)
    #: whether this leg was the one nearest the camera in the stride (seen better than the
    #: other leg); a far-leg stride is kept only when its quality passes the same gate
    near_camera: bool = Field(default=True, exclude=True)


class ExcludedStride(Output):
    """A stride that was found but left out, and why (plain words)."""

    side: Literal["left", "right"]
    heel_strike_s: float
    next_heel_strike_s: float
    reason: str


class SideSummary(Output):
    """Medians over the usable strides of one side."""

    strides: int = Field(ge=0)
    stance_time_s: float
    swing_time_s: float
    stride_time_s: float
    peak_swing_dorsiflexion_deg: float
    ankle_at_initial_contact_deg: float
    initial_contact: InitialContact
    toe_clearance_ratio: float
    #: stride-to-stride standard deviation of the peak swing dorsiflexion (None: one stride);
    #: left out of the JSON, whose summary keys other systems read exactly
    peak_swing_dorsiflexion_sd_deg: float | None = Field(default=None, exclude=True)
    #: how far to trust this side's numbers, from the number of strides, their spread and
    #: whether the leg was nearest the camera (see ``dorsi.gait.metrics.side_confidence``)
    confidence: Literal["high", "medium", "low"] = Field(default="low", exclude=True)


class FootDropSigns(Output):
    """What was seen on each side, in plain words (empty list: no sign seen)."""

    left: list[str]
    right: list[str]


class Summary(Output):
    """Per-side medians, and the comparisons between the sides.

    ``stance_time_asymmetry_pct``: ``100 * |L - R| / ((L + R) / 2)`` of the median stance times.
    ``swing_dorsiflexion_difference_deg``: unaffected minus affected median peak swing
    dorsiflexion when the affected side is given (positive: the affected foot lifts less),
    otherwise the absolute difference between the sides.
    """

    left: SideSummary | None
    right: SideSummary | None
    cadence_spm: float | None
    stance_time_asymmetry_pct: float | None
    swing_dorsiflexion_difference_deg: float | None
    foot_drop_signs: FootDropSigns


class Quality(Output):
    """How far to trust the numbers."""

    person_tracked_fraction: float = Field(ge=0, le=1)
    usable_strides: int = Field(ge=0)
    warnings: list[str]
    #: every stride found but left out, with the reason (for pages; the JSON keeps exactly
    #: the three keys above, and each reason is also a line of ``warnings``)
    excluded_strides: list[ExcludedStride] = Field(default_factory=list, exclude=True)


class GaitReport(Output):
    """Everything ``dorsi gait analyze`` reports about one walking video."""

    video: VideoInfo
    strides: list[Stride]
    summary: Summary
    quality: Quality
