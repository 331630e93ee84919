"""Summaries over strides, comparisons between the sides, and the signs of foot drop."""

from __future__ import annotations

from collections import Counter
from statistics import median, stdev
from typing import Literal

from dorsi.gait.keypoints import SIDES, Side
from dorsi.gait.report import FootDropSigns, InitialContact, SideSummary, Stride, Summary
from dorsi.gait.thresholds import (
    CONFIDENT_SPREAD_DEG,
    CONFIDENT_STRIDES,
    LOW_CLEARANCE_RATIO,
    MAJORITY,
    PLANTARFLEXED_SWING_DEG,
    SWING_SIDE_DIFFERENCE_DEG,
    UNSURE_SPREAD_DEG,
)

Confidence = Literal["high", "medium", "low"]

SIGN_PLANTARFLEXED = "plantarflexed in mid-swing: the foot stays pointed down while it swings"
SIGN_LESS_LIFT = "less foot lift in swing than the other side"
SIGN_TOE_FIRST = "toe-first contact: the toes land before the heel"
SIGN_FLAT = "flat-foot contact: the heel does not land first"
SIGN_LOW_CLEARANCE = "low toe clearance: the toes pass close to the floor in mid-swing"


def _r(value: float, digits: int = 3) -> float:
    return round(float(value), digits)


def side_confidence(strides: list[Stride], sd_deg: float | None) -> Confidence:
    """How far to trust one side: ``high`` with enough strides that agree and mostly seen
    nearest the camera, ``low`` with one stride or a spread beyond the video margin."""
    if sd_deg is None or sd_deg > UNSURE_SPREAD_DEG.value:
        return "low"
    near = sum(1 for s in strides if s.near_camera)
    if (
        len(strides) >= CONFIDENT_STRIDES.value
        and sd_deg <= CONFIDENT_SPREAD_DEG.value
        and near >= len(strides) / 2
    ):
        return "high"
    return "medium"


def side_summary(strides: list[Stride]) -> SideSummary | None:
    """Medians over one side's usable strides (None when there are none)."""
    if not strides:
        return None
    contacts = Counter(s.initial_contact for s in strides)
    order: tuple[InitialContact, ...] = ("toe", "flat", "heel")  # ties: the less healthy wins
    common = max(order, key=lambda c: (contacts[c], -order.index(c)))
    peaks = [s.peak_swing_dorsiflexion_deg for s in strides]
    sd = _r(stdev(peaks), 1) if len(peaks) >= 2 else None
    return SideSummary(
        strides=len(strides),
        stance_time_s=_r(median(s.stance_time_s for s in strides)),
        swing_time_s=_r(median(s.swing_time_s for s in strides)),
        stride_time_s=_r(median(s.next_heel_strike_s - s.heel_strike_s for s in strides)),
        peak_swing_dorsiflexion_deg=_r(median(s.peak_swing_dorsiflexion_deg for s in strides), 1),
        ankle_at_initial_contact_deg=_r(median(s.ankle_at_initial_contact_deg for s in strides), 1),
        initial_contact=common,
        toe_clearance_ratio=_r(median(s.toe_clearance_ratio for s in strides), 4),
        peak_swing_dorsiflexion_sd_deg=sd,
        confidence=side_confidence(strides, sd),
    )


def foot_drop_signs(strides: list[Stride], side: Side, other: SideSummary | None) -> list[str]:
    """What was seen on ``side``, in plain words; empty when no sign was seen."""
    own = side_summary(strides)
    if own is None:
        return []
    signs: list[str] = []
    if own.peak_swing_dorsiflexion_deg < PLANTARFLEXED_SWING_DEG.value:
        signs.append(SIGN_PLANTARFLEXED)
    if (
        other is not None
        and other.peak_swing_dorsiflexion_deg - own.peak_swing_dorsiflexion_deg
        >= SWING_SIDE_DIFFERENCE_DEG.value
    ):
        signs.append(SIGN_LESS_LIFT)
    contacts = Counter(s.initial_contact for s in strides)
    if contacts["toe"] / len(strides) >= MAJORITY.value:
        signs.append(SIGN_TOE_FIRST)
    elif (contacts["flat"] + contacts["toe"]) / len(strides) >= MAJORITY.value:
        signs.append(SIGN_FLAT)
    if own.toe_clearance_ratio < LOW_CLEARANCE_RATIO.value:
        signs.append(SIGN_LOW_CLEARANCE)
    return signs


def summarize(strides: list[Stride], *, affected_side: Side | None) -> Summary:
    """Per-side medians, cadence and the side-to-side comparisons."""
    by_side = {side: [s for s in strides if s.side == side] for side in SIDES}
    sums = {side: side_summary(by_side[side]) for side in SIDES}
    left, right = sums["left"], sums["right"]
    stride_times = [s.next_heel_strike_s - s.heel_strike_s for s in strides]
    cadence = _r(120.0 / median(stride_times), 1) if stride_times else None
    asym = None
    diff = None
    if left is not None and right is not None:
        mean_stance = (left.stance_time_s + right.stance_time_s) / 2.0
        if mean_stance > 0:
            asym = _r(100.0 * abs(left.stance_time_s - right.stance_time_s) / mean_stance, 1)
        if affected_side is None:
            diff = _r(abs(left.peak_swing_dorsiflexion_deg - right.peak_swing_dorsiflexion_deg), 1)
        else:
            affected, unaffected = (left, right) if affected_side == "left" else (right, left)
            diff = _r(
                unaffected.peak_swing_dorsiflexion_deg - affected.peak_swing_dorsiflexion_deg, 1
            )
    signs = FootDropSigns(
        left=foot_drop_signs(by_side["left"], "left", right),
        right=foot_drop_signs(by_side["right"], "right", left),
    )
    return Summary(
        left=left,
        right=right,
        cadence_spm=cadence,
        stance_time_asymmetry_pct=asym,
        swing_dorsiflexion_difference_deg=diff,
        foot_drop_signs=signs,
    )
