"""End to end on a real phone-style video: the Sports2D demo (a woman walks side-on, right to
left, from about frame 40; a man on a box in the background does a flip)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED, require_shared, run_dorsi

DEMO = SHARED / "data" / "sports2d-demo" / "demo.mp4"

pytestmark = [
    pytest.mark.gait,
    pytest.mark.slow,
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    require_shared(DEMO)
    out = tmp_path_factory.mktemp("gait-out")
    result = run_dorsi("gait", "analyze", str(DEMO), "--json", "--out", str(out), timeout_s=300)
    assert result.code == 0, result.stderr
    return result.json(), out


def test_video_facts(demo: tuple[Any, Path]) -> None:
    report, _ = demo
    assert report["video"] == {
        "fps": 30.0,
        "frames": 230,
        "duration_s": pytest.approx(7.667, abs=0.01),
        "width": 1768,
        "height": 994,
    }


def test_the_walking_woman_is_measured(demo: tuple[Any, Path]) -> None:
    """The man is found first; the walker is the one measured, and only while she is there."""
    report, _ = demo
    assert any("someone else" in w for w in report["quality"]["warnings"])
    # she is in view from about frame 40 to 200 of 230
    assert 0.5 <= report["quality"]["person_tracked_fraction"] <= 0.9
    for stride in report["strides"]:
        assert 1.2 <= stride["heel_strike_s"] <= 7.6


def test_plausible_numbers(demo: tuple[Any, Path]) -> None:
    report, _ = demo
    assert report["quality"]["usable_strides"] >= 2
    summary = report["summary"]
    assert 80 <= summary["cadence_spm"] <= 160
    for stride in report["strides"]:
        assert 0.25 <= stride["swing_time_s"] <= 0.8
        assert -30 <= stride["peak_swing_dorsiflexion_deg"] <= 30
        assert -30 <= stride["ankle_at_initial_contact_deg"] <= 30
        assert stride["initial_contact"] in ("heel", "flat", "toe")
        assert -0.1 <= stride["toe_clearance_ratio"] <= 0.6
        assert 0 <= stride["quality"] <= 1


def test_out_dir_has_plot_and_annotated_video(demo: tuple[Any, Path]) -> None:
    import cv2

    _, out = demo
    png = out / "demo-ankle.png"
    video = out / "demo-annotated.mp4"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    cap = cv2.VideoCapture(str(video))
    assert cap.isOpened()
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 230
    cap.release()
