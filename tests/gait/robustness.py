"""Perturb a keypoint track and measure how much the gait results move (a test tool).

Used by ``tests/gait/test_robustness.py`` and ``benchmarks/gait_robustness.py``: the real demo
video is run through pose once, and its landmark track is then perturbed (jitter of a few
pixels, dropped frames) and analysed again. A clinic can only trust numbers that do not flip
with changes nobody can see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

import numpy as np

from dorsi.gait.keypoints import SIDES, PoseTrack, Side
from dorsi.gait.report import GaitReport


def jitter(track: PoseTrack, *, sigma_px: float, seed: int) -> PoseTrack:
    """Independent Gaussian noise of ``sigma_px`` pixels on every coordinate of every frame."""
    out = track.copy()
    rng = np.random.default_rng(seed)
    out.xy += rng.normal(0.0, sigma_px, size=out.xy.shape)
    return out


def drop_frames(track: PoseTrack, *, fraction: float, seed: int) -> PoseTrack:
    """A random ``fraction`` of the tracked frames lost (all points missing, visibility 0)."""
    out = track.copy()
    rng = np.random.default_rng(seed)
    tracked = np.flatnonzero(np.any(out.visibility > 0, axis=1))
    lost = rng.choice(tracked, size=round(fraction * tracked.size), replace=False)
    out.xy[lost] = np.nan
    out.visibility[lost] = 0.0
    return out


@dataclass(frozen=True)
class Outcome:
    """The numbers a clinician reads from one analysis (None: no usable stride / side)."""

    strides: dict[Side, int]
    cadence_spm: float | None
    stance_time_s: dict[Side, float | None]
    swing_time_s: dict[Side, float | None]
    peak_swing_dorsiflexion_deg: dict[Side, float | None]
    toe_clearance_ratio: dict[Side, float | None]

    @property
    def usable_strides(self) -> int:
        return sum(self.strides.values())


def outcome(report: GaitReport | None) -> Outcome:
    """What a report says (``None``: the video was judged unusable)."""
    empty: dict[Side, float | None] = {"left": None, "right": None}
    if report is None:
        return Outcome({"left": 0, "right": 0}, None, empty, empty, empty, empty)

    def side(name: str) -> dict[Side, float | None]:
        out: dict[Side, float | None] = {}
        for s in SIDES:
            summary = getattr(report.summary, s)
            out[s] = None if summary is None else float(getattr(summary, name))
        return out

    return Outcome(
        strides={s: sum(1 for x in report.strides if x.side == s) for s in SIDES},
        cadence_spm=report.summary.cadence_spm,
        stance_time_s=side("stance_time_s"),
        swing_time_s=side("swing_time_s"),
        peak_swing_dorsiflexion_deg=side("peak_swing_dorsiflexion_deg"),
        toe_clearance_ratio=side("toe_clearance_ratio"),
    )


@dataclass(frozen=True)
class Spread:
    """Smallest and largest value of one number over perturbed runs (None: never measured)."""

    low: float | None
    high: float | None
    missing: int  # runs where the number was not measured

    @property
    def width(self) -> float | None:
        return None if self.low is None or self.high is None else self.high - self.low

    def text(self, digits: int = 1) -> str:
        if self.low is None or self.high is None:
            return "none"
        body = (
            f"{self.low:.{digits}f}"
            if self.low == self.high
            else f"{self.low:.{digits}f}-{self.high:.{digits}f}"
        )
        return body + (f" ({self.missing} none)" if self.missing else "")


def spread(values: Iterable[float | None]) -> Spread:
    got = list(values)
    real = [v for v in got if v is not None]
    if not real:
        return Spread(None, None, len(got))
    return Spread(min(real), max(real), len(got) - len(real))


def spreads(outcomes: list[Outcome]) -> dict[str, Spread]:
    """Per number (``cadence_spm``, ``strides_left``, ``peak_swing_dorsiflexion_deg_right``...),
    its spread over ``outcomes``."""
    out: dict[str, Spread] = {
        "usable_strides": spread(float(o.usable_strides) for o in outcomes),
        "cadence_spm": spread(o.cadence_spm for o in outcomes),
    }
    for s in SIDES:
        out[f"strides_{s}"] = spread(float(o.strides[s]) for o in outcomes)
        for name in (
            "stance_time_s",
            "swing_time_s",
            "peak_swing_dorsiflexion_deg",
            "toe_clearance_ratio",
        ):
            out[f"{name}_{s}"] = spread(getattr(o, name)[s] for o in outcomes)
    return out


def median_or_none(values: Iterable[float | None]) -> float | None:
    real = [v for v in values if v is not None]
    return float(median(real)) if real else None


__all__ = [
    "Outcome",
    "Spread",
    "drop_frames",
    "jitter",
    "median_or_none",
    "outcome",
    "spread",
    "spreads",
]
