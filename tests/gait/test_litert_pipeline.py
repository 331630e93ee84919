"""How the pipeline uses a backend that follows the walker itself (``track``), and the
``--pose-backend`` choice. The backend here is a stand-in replaying a synthetic walk, so the
pipeline code is tested without a pose model."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pytest

from dorsi.gait.pose import BACKENDS, DEFAULT_BACKEND, FramePose, make_backend
from tests.conftest import run_dorsi
from tests.gait.synthetic import SyntheticWalk, WalkSpec, generate_walk

pytestmark = pytest.mark.gait


class Replay:
    """Yields a synthetic walk's keypoints, one per frame; counts what it was asked."""

    name = "replay"
    finds_walker = True

    def __init__(self, walk: SyntheticWalk, *, others_seen: bool) -> None:
        self.walk = walk
        self.others_seen = False
        self._others = others_seen
        self.streams: list[float] = []
        self.frames_seen = 0
        self.processed = 0

    def track(self, frames: Iterable[np.ndarray], *, fps: float) -> Iterator[FramePose | None]:
        self.streams.append(fps)
        track = self.walk.track
        for i, _ in enumerate(frames):
            self.frames_seen += 1
            ok = bool(np.all(np.isfinite(track.xy[i])))
            yield FramePose(track.xy[i], track.visibility[i]) if ok else None
        self.others_seen = self._others

    def process(self, frame_rgb: np.ndarray) -> FramePose | None:
        self.processed += 1
        return None

    def reset(self) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def walk() -> SyntheticWalk:
    return generate_walk(WalkSpec(duration_s=6.0))


@pytest.fixture(scope="module")
def video(walk: SyntheticWalk, tmp_path_factory: pytest.TempPathFactory) -> Path:
    import cv2

    path = tmp_path_factory.mktemp("replay") / "walk.mp4"
    size = (walk.width // 8, walk.height // 8)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 30.0, size)
    for _ in range(walk.track.frames):
        writer.write(np.full((size[1], size[0], 3), 120, np.uint8))
    writer.release()
    return path


def _use(monkeypatch: pytest.MonkeyPatch, backend: Replay) -> None:
    monkeypatch.setitem(BACKENDS, "replay", lambda: backend)


def test_a_tracking_backend_gets_the_whole_stream_once(
    monkeypatch: pytest.MonkeyPatch, walk: SyntheticWalk, video: Path
) -> None:
    from dorsi.gait.pipeline import analyze_video

    backend = Replay(walk, others_seen=False)
    _use(monkeypatch, backend)
    result = analyze_video(video, backend="replay")
    assert backend.streams == [30.0]  # one pass, with the video's frame rate
    assert backend.frames_seen == walk.track.frames
    assert backend.processed == 0
    report = result.report
    assert report.quality.usable_strides >= 4
    assert not any("someone else" in w for w in report.quality.warnings)


def test_a_bystander_dropped_by_the_backend_is_reported(
    monkeypatch: pytest.MonkeyPatch, walk: SyntheticWalk, video: Path
) -> None:
    from dorsi.gait.pipeline import analyze_video

    backend = Replay(walk, others_seen=True)
    _use(monkeypatch, backend)
    report = analyze_video(video, backend="replay").report
    assert any("someone else was in the picture" in w for w in report.quality.warnings)
    assert backend.streams == [30.0]


def test_default_backend_is_litert_and_unknown_names_are_input_errors() -> None:
    from dorsi.errors import InputError

    assert DEFAULT_BACKEND == "litert"
    assert set(BACKENDS) >= {"litert", "mediapipe"}
    with pytest.raises(InputError, match="choose from: mediapipe, litert"):
        make_backend("openpose")


def test_cli_rejects_an_unknown_pose_backend_in_one_line() -> None:
    result = run_dorsi("gait", "analyze", "x.mp4", "--pose-backend", "openpose")
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "litert" in result.stderr


def test_cli_help_names_the_backends() -> None:
    result = run_dorsi("gait", "analyze", "--help")
    assert result.code == 0
    assert "--pose-backend" in result.stdout
    assert "mediapipe" in result.stdout
