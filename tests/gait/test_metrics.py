"""Summaries, side comparisons and foot-drop signs, and the JSON contract's shape."""

from __future__ import annotations

import json

import pytest

from dorsi.gait.metrics import (
    SIGN_FLAT,
    SIGN_LESS_LIFT,
    SIGN_LOW_CLEARANCE,
    SIGN_PLANTARFLEXED,
    SIGN_TOE_FIRST,
    side_summary,
    summarize,
)
from dorsi.gait.report import GaitReport, InitialContact, Quality, Stride, VideoInfo


def _stride(
    side: str,
    hs: float,
    *,
    stance: float = 0.66,
    swing: float = 0.44,
    peak: float = 5.0,
    contact: InitialContact = "heel",
    clearance: float = 0.05,
) -> Stride:
    return Stride.model_validate(
        {
            "side": side,
            "heel_strike_s": hs,
            "toe_off_s": hs + stance,
            "next_heel_strike_s": hs + stance + swing,
            "stance_time_s": stance,
            "swing_time_s": swing,
            "peak_swing_dorsiflexion_deg": peak,
            "ankle_at_initial_contact_deg": 0.0,
            "initial_contact": contact,
            "toe_clearance_ratio": clearance,
            "quality": 0.9,
        }
    )


def test_side_summary_is_medians_and_none_when_empty() -> None:
    assert side_summary([]) is None
    s = side_summary([_stride("left", 0, peak=p) for p in (1.0, 5.0, 9.0)])
    assert s is not None
    assert s.peak_swing_dorsiflexion_deg == 5.0
    assert s.strides == 3
    assert s.stride_time_s == pytest.approx(1.1)


def test_each_side_says_how_sure_it_is_from_its_strides() -> None:
    """One stride: low; three that agree, near the camera: high; a wide spread: low; far-leg
    strides that agree: medium. The spread and the confidence stay out of the JSON."""
    one = side_summary([_stride("left", 0)])
    assert one is not None
    assert one.peak_swing_dorsiflexion_sd_deg is None
    assert one.confidence == "low"
    agree = side_summary([_stride("left", 0, peak=p) for p in (4.0, 5.0, 6.0)])
    assert agree is not None
    assert agree.peak_swing_dorsiflexion_sd_deg == pytest.approx(1.0)
    assert agree.confidence == "high"
    wide = side_summary([_stride("left", 0, peak=p) for p in (-6.0, 5.0, 9.0)])
    assert wide is not None
    assert wide.confidence == "low"
    far = [_stride("left", 0, peak=p).model_copy(update={"near_camera": False}) for p in (4, 5)]
    far_side = side_summary(far * 2)
    assert far_side is not None
    assert far_side.confidence == "medium"
    dumped = agree.model_dump(mode="json")
    assert "confidence" not in dumped
    assert "peak_swing_dorsiflexion_sd_deg" not in dumped


def test_healthy_walk_has_no_signs_and_symmetric_numbers() -> None:
    strides = [_stride(side, t) for side in ("left", "right") for t in (0.0, 1.1, 2.2)]
    summary = summarize(strides, affected_side=None)
    assert summary.foot_drop_signs.left == []
    assert summary.foot_drop_signs.right == []
    assert summary.stance_time_asymmetry_pct == 0.0
    assert summary.swing_dorsiflexion_difference_deg == 0.0
    assert summary.cadence_spm == pytest.approx(120 / 1.1, abs=0.1)


def test_asymmetry_is_symmetry_index_of_median_stance() -> None:
    strides = [_stride("left", 0, stance=0.8), _stride("right", 0.5, stance=0.6)]
    summary = summarize(strides, affected_side=None)
    assert summary.stance_time_asymmetry_pct == pytest.approx(100 * 0.2 / 0.7, abs=0.1)


@pytest.mark.parametrize("affected", ["left", "right"])
def test_difference_is_unaffected_minus_affected(affected: str) -> None:
    other = "right" if affected == "left" else "left"
    strides = [_stride(affected, 0, peak=-12.0), _stride(other, 0.5, peak=6.0)]
    summary = summarize(strides, affected_side=affected)  # type: ignore[arg-type]
    assert summary.swing_dorsiflexion_difference_deg == 18.0
    signs = getattr(summary.foot_drop_signs, affected)
    assert SIGN_PLANTARFLEXED in signs
    assert SIGN_LESS_LIFT in signs
    assert getattr(summary.foot_drop_signs, other) == []


def test_without_affected_side_the_difference_is_absolute() -> None:
    strides = [_stride("left", 0, peak=-12.0), _stride("right", 0.5, peak=6.0)]
    assert summarize(strides, affected_side=None).swing_dorsiflexion_difference_deg == 18.0


def test_one_side_only_gives_no_comparison() -> None:
    summary = summarize([_stride("left", 0)], affected_side="right")
    assert summary.right is None
    assert summary.stance_time_asymmetry_pct is None
    assert summary.swing_dorsiflexion_difference_deg is None


def test_contact_and_clearance_signs() -> None:
    toe = [_stride("left", t, contact="toe") for t in (0, 1.1)]
    flat = [_stride("right", t, contact="flat", clearance=0.01) for t in (0.5, 1.6)]
    summary = summarize(toe + flat, affected_side=None)
    assert SIGN_TOE_FIRST in summary.foot_drop_signs.left
    assert SIGN_FLAT in summary.foot_drop_signs.right
    assert SIGN_LOW_CLEARANCE in summary.foot_drop_signs.right
    assert summary.left is not None
    assert summary.left.initial_contact == "toe"


def test_report_json_has_exactly_the_issue_fields() -> None:
    strides = [_stride("left", 0), _stride("right", 0.5)]
    report = GaitReport(
        video=VideoInfo(fps=30, frames=90, duration_s=3.0, width=1920, height=1080),
        strides=strides,
        summary=summarize(strides, affected_side="left"),
        quality=Quality(person_tracked_fraction=1.0, usable_strides=2, warnings=[]),
    )
    data = json.loads(json.dumps(report.model_dump(mode="json")))
    assert set(data) == {"video", "strides", "summary", "quality"}
    assert set(data["video"]) == {"fps", "frames", "duration_s", "width", "height"}
    assert set(data["strides"][0]) == {
        "side",
        "heel_strike_s",
        "toe_off_s",
        "next_heel_strike_s",
        "stance_time_s",
        "swing_time_s",
        "peak_swing_dorsiflexion_deg",
        "ankle_at_initial_contact_deg",
        "initial_contact",
        "toe_clearance_ratio",
        "quality",
    }
    assert {
        "left",
        "right",
        "cadence_spm",
        "stance_time_asymmetry_pct",
        "swing_dorsiflexion_difference_deg",
        "foot_drop_signs",
    } <= set(data["summary"])
    assert set(data["summary"]["foot_drop_signs"]) == {"left", "right"}
    assert set(data["quality"]) == {"person_tracked_fraction", "usable_strides", "warnings"}
    assert GaitReport.model_validate(data) == report
