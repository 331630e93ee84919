"""Every clip of one person walking side-on gives usable strides: the robustness set.

Each variant of the Sports2D demo (``tests/gait/variants.py``: slowed, limping, mirrored,
cropped to enter and leave, there and back, a second walker, portrait, a rotation flag, 24 and
60 fps, 480p and 4K) is built into a cache folder and run through the whole pipeline with the
default backend. What must come out follows from how the variant was made: the cadence
counted by eye carried through its time warp (within 5 steps a minute, scaled by the warp),
at least two usable strides, strides on both passes of a there-and-back walk, the limping
leg's longer swing, the picture's size and frame rate, and a word about the other person.
``benchmarks/gait_robustness.py`` prints the same set as a table.
"""

from __future__ import annotations

from functools import cache
from statistics import median

import numpy as np
import pytest

from dorsi.errors import InputError
from dorsi.gait.report import GaitReport
from tests.conftest import require_shared
from tests.gait.variants import DEMO, EYE_STRIKES, VARIANTS, analyse, warped

pytestmark = [pytest.mark.gait, pytest.mark.slow]

#: variants that do not yet meet their expected outcome, and why (strict: fixing one fails the
#: test until it is removed from here)
KNOWN_FAILURES: dict[str, str] = {}


def _names(names: list[str]) -> list[object]:
    return [
        pytest.param(n, marks=pytest.mark.xfail(reason=KNOWN_FAILURES[n], strict=True))
        if n in KNOWN_FAILURES
        else n
        for n in names
    ]


#: the limping leg's swing is slowed 2.4 times, the other's 1.2 times: twice as long in
#: truth, but the toe off of slow strides may be off by up to 10 % of the stride (0.22 s here,
#: docs/gait.md), which can bring the ratio down to about 1.1; what must hold is the side
MIN_SWING_RATIO = 1.0


@cache
def _report(name: str) -> GaitReport | InputError:
    """The variant through the pipeline; its pose track is cached (keyed by the source of the
    pose, person and video modules), the analysis always runs again."""
    return analyse(name)


def _usable(name: str) -> GaitReport:
    require_shared(DEMO)
    got = _report(name)
    assert not isinstance(got, InputError), f"{name}: {got}"
    return got


@pytest.mark.parametrize("name", _names(list(VARIANTS)))
def test_the_variant_gives_usable_strides_at_the_eyes_cadence(name: str) -> None:
    expected = VARIANTS[name].expected
    report = _usable(name)
    assert report.quality.usable_strides >= expected.min_strides
    assert report.summary.cadence_spm is not None
    assert report.summary.cadence_spm == pytest.approx(
        expected.cadence_spm, abs=expected.cadence_tolerance_spm
    )
    for stride in report.strides:
        assert stride.toe_clearance_ratio >= 0
        assert stride.stance_time_s > 0
        assert stride.swing_time_s > 0


@pytest.mark.parametrize(
    "name", _names([n for n, v in VARIANTS.items() if v.expected.size or v.expected.fps])
)
def test_the_picture_is_read_as_made(name: str) -> None:
    expected = VARIANTS[name].expected
    report = _usable(name)
    if expected.size:
        assert (report.video.width, report.video.height) == expected.size
    if expected.fps:
        assert report.video.fps == pytest.approx(expected.fps)


def test_the_other_direction_gives_the_same_strides() -> None:
    """The demo flipped left to right (she walks the other way, the near and far legs change
    sides in the picture) against the same clip unflipped, both written the same way."""
    original, mirrored = _usable("original"), _usable("mirrored")
    assert mirrored.video.frames == original.video.frames
    assert mirrored.quality.usable_strides == original.quality.usable_strides
    assert original.summary.cadence_spm is not None
    assert mirrored.summary.cadence_spm == pytest.approx(original.summary.cadence_spm, abs=3.0)
    for side in ("left", "right"):
        a, b = getattr(original.summary, side), getattr(mirrored.summary, side)
        assert (a is None) == (b is None), side
        if a is None or b is None:
            continue
        assert b.stride_time_s == pytest.approx(a.stride_time_s, abs=0.07)
        # the pose model is not mirror-symmetric: its foot points move by a few pixels, so
        # the angles may differ as much as under 3 px of landmark jitter (2.5 * 3 + 1 deg,
        # test_robustness)
        assert b.peak_swing_dorsiflexion_deg == pytest.approx(
            a.peak_swing_dorsiflexion_deg, abs=8.5
        )


def test_both_passes_of_a_walk_there_and_back_are_measured() -> None:
    expected = VARIANTS["there_and_back"].expected
    report = _usable("there_and_back")
    for start, stop in expected.passes_s:
        inside = [s for s in report.strides if start <= s.heel_strike_s < stop]
        assert inside, f"no usable stride in the pass {start:.1f}-{stop:.1f} s"
    assert report.summary.left is not None
    assert report.summary.right is not None
    one_way = _usable("original").quality.usable_strides
    assert report.quality.usable_strides > one_way


def test_the_way_back_is_measured_on_the_other_near_leg() -> None:
    """On the way back the other leg is nearest the camera: its strides are the near ones."""
    expected = VARIANTS["there_and_back"].expected
    report = _usable("there_and_back")
    (there_start, there_stop), (back_start, back_stop) = expected.passes_s
    near = {
        way: {s.side for s in report.strides if start <= s.heel_strike_s < stop and s.near_camera}
        for way, (start, stop) in (
            ("there", (there_start, there_stop)),
            ("back", (back_start, back_stop)),
        )
    }
    assert near["there"] == {"left"}
    assert near["back"] == {"right"}


def test_the_limping_leg_has_the_longer_swing() -> None:
    variant = VARIANTS["limp"]
    report = _usable("limp")
    fps = report.video.fps
    indices = list(variant.source_frames)
    long_strikes = np.array([warped(s, indices) for s in variant.expected.longer_swing_strikes])
    all_strikes = np.array([warped(s, indices) for s in EYE_STRIKES])
    limping = {
        s.side
        for s in report.strides
        if np.min(np.abs(all_strikes - s.heel_strike_s * fps))
        == np.min(np.abs(long_strikes - s.heel_strike_s * fps))
    }
    assert len(limping) == 1, "the strides ending the long steps are all of one leg"
    (side,) = limping
    other = "left" if side == "right" else "right"
    swing = {
        k: median(s.swing_time_s for s in report.strides if s.side == k) for k in (side, other)
    }
    assert swing[side] > MIN_SWING_RATIO * swing[other], swing


def test_the_other_walker_is_named_and_not_measured() -> None:
    report = _usable("second_walker")
    assert any("someone else" in w for w in report.quality.warnings)
