"""Following the walker (:class:`WalkerTracker`) in a made-up world: no model, no video.

A frame is just its index. Each person has a hip path, a body scale, the frames in which the
landmark model can see them and those in which the detector finds them (it often finds a
person later than they enter). The fake landmark model answers for the person whose hips are
nearest the middle of the region, as BlazePose does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dorsi.gait.pose.litert_geometry import Detection, Landmarks, Roi
from dorsi.gait.pose.litert_tracking import (
    DECIDE_WITHIN_S,
    HOLD_BACK_S,
    WalkerTracker,
)

FPS = 30.0
NAMES = ("walker", "bystander", "other")


@dataclass(frozen=True)
class Body:
    name: str
    x0: float  # hip x at frame 0 (pixels)
    speed_px: float  # per frame, sideways
    y: float = 600.0
    scale: float = 200.0  # hip-to-ankle
    visible: tuple[int, int] = (0, 10_000)  # frames the landmark model sees them
    found: tuple[int, int] = (0, 10_000)  # frames the detector finds them
    score: float = 0.9

    def hip(self, i: int) -> tuple[float, float]:
        return self.x0 + self.speed_px * i, self.y

    def sees(self, i: int) -> bool:
        return self.visible[0] <= i < self.visible[1]

    def landmarks(self, i: int, presence: float = 0.99) -> Landmarks:
        x, y = self.hip(i)
        xy = np.tile([x, y], (39, 1)).astype(np.float64)
        xy[27] = xy[28] = (x, y + self.scale)  # ankles
        xy[34] = (x, y - 0.6 * self.scale)  # size/rotation point above the hips
        visibility = np.full(39, 0.9)
        visibility[0] = NAMES.index(self.name) / 10  # the nose tells who this is
        return Landmarks(xy, visibility, presence)


class World:
    def __init__(self, *bodies: Body) -> None:
        self.bodies = bodies
        self.detector_frames: list[int] = []

    def detect(self, i: int) -> list[Detection]:
        self.detector_frames.append(i)
        out = []
        for body in self.bodies:
            if body.sees(i) and body.found[0] <= i < body.found[1]:
                x, y = body.hip(i)
                kps = np.array([[x, y], [x, y - 0.6 * body.scale], [x, y - body.scale], [x, y]])
                out.append(Detection(body.score, (x - 20, y - 300, x + 20, y - 260), kps))
        return sorted(out, key=lambda d: -d.score)

    def landmark(self, i: int, roi: Roi) -> Landmarks:
        near = [
            (np.hypot(b.hip(i)[0] - roi.x_px, b.hip(i)[1] - roi.y_px), b)
            for b in self.bodies
            if b.sees(i)
        ]
        near = [(d, b) for d, b in near if d < roi.size_px / 2]
        if not near:
            return Landmarks(np.zeros((39, 2)), np.zeros(39), 0.01)
        return min(near, key=lambda t: t[0])[1].landmarks(i)

    def tracker(self) -> WalkerTracker[int]:
        return WalkerTracker(self.detect, self.landmark, fps=FPS)


def who(marks: Landmarks | None) -> str | None:
    if marks is None:
        return None
    return NAMES[round(marks.visibility[0] * 10)]


def run(world: World, frames: int) -> tuple[list[str | None], WalkerTracker[int]]:
    tracker = world.tracker()
    out = [who(m) for m in tracker.run(range(frames))]
    assert len(out) == frames
    return out, tracker


def test_one_walker_is_followed_with_one_detection() -> None:
    world = World(Body("walker", 100.0, 6.0))
    out, tracker = run(world, 200)
    assert out == ["walker"] * 200
    # walking is seen within a fraction of a second; after that the detector rests
    assert len(world.detector_frames) <= 4
    assert tracker.landmark_runs == 200
    assert not tracker.others_seen


def test_nobody_gives_none_everywhere_and_the_detector_runs_each_frame() -> None:
    world = World()
    out, tracker = run(world, 40)
    assert out == [None] * 40
    assert world.detector_frames == list(range(40))
    assert tracker.landmark_runs == 0


def test_a_bystander_found_first_gives_way_to_the_walker() -> None:
    """The demo video: a man on a box is found first; the woman walks in later and the
    detector finds her some frames after she can be seen."""
    bystander = Body("bystander", 900.0, 0.0, y=300.0, score=0.95)
    walker = Body("walker", 1700.0, -7.0, visible=(45, 10_000), found=(60, 10_000))
    world = World(bystander, walker)
    out, tracker = run(world, 230)
    assert tracker.others_seen
    assert out[:40] == ["bystander"] * 40  # nobody else yet: followed like MediaPipe does
    # followed back from the frame the detector found her to the frame she appeared
    assert out[45:] == ["walker"] * (230 - 45)
    # the choice costs a bounded number of extra landmark runs
    assert tracker.landmark_runs <= 230 + 45 + round(DECIDE_WITHIN_S * FPS)


def test_a_standing_person_is_not_chosen_over_a_walker_found_at_the_same_time() -> None:
    world = World(Body("bystander", 300.0, 0.0, score=0.99), Body("walker", 1500.0, -6.0))
    out, tracker = run(world, 120)
    assert tracker.others_seen
    assert out == ["walker"] * 120


def test_when_nobody_walks_the_choice_ends_in_time() -> None:
    world = World(Body("bystander", 300.0, 0.0), Body("other", 1200.0, 0.5))
    out, tracker = run(world, 150)
    decide = round(DECIDE_WITHIN_S * FPS)
    assert tracker.others_seen
    assert set(out) == {"other"}  # moved more
    assert tracker.landmark_runs <= 150 + decide + 1 + 150 // 10


def test_a_lost_walker_keeps_her_frames_when_someone_else_is_found() -> None:
    """She leaves the picture; the man is found again afterwards. Frames still held back
    are hers, not replaced by his (found later and followed back)."""
    walker = Body("walker", 1000.0, -8.0, visible=(0, 100))
    bystander = Body("bystander", 1400.0, 0.0, y=300.0, found=(100, 10_000), score=0.8)
    world = World(walker, bystander)
    out, _ = run(world, 160)
    assert out[:100] == ["walker"] * 100
    assert out[100:] == ["bystander"] * 60


def test_poses_wait_no_longer_than_the_hold_back_when_not_choosing() -> None:
    world = World(Body("walker", 100.0, 6.0))
    tracker = world.tracker()
    fed: list[int] = []

    def frames() -> Iterator[int]:
        for i in range(100):
            fed.append(i)
            yield i

    hold = round(HOLD_BACK_S * FPS)
    for k, _ in enumerate(tracker.run(frames())):
        if fed[-1] < 99:
            assert fed[-1] - k <= hold


@settings(max_examples=40, deadline=None)
@given(
    walker_start=st.integers(0, 120),
    walker_seen_late=st.integers(0, 14),
    walker_speed=st.floats(3.0, 12.0),
    direction=st.sampled_from([-1.0, 1.0]),
    bystander=st.booleans(),
    frames=st.integers(1, 260),
)
def test_every_frame_gets_one_answer_and_a_walker_is_never_lost_for_a_bystander(
    walker_start: int,
    walker_seen_late: int,
    walker_speed: float,
    direction: float,
    bystander: bool,
    frames: int,
) -> None:
    x0 = 200.0 if direction > 0 else 1800.0
    bodies = [
        Body(
            "walker",
            x0 - direction * walker_speed * walker_start,
            direction * walker_speed,
            visible=(walker_start, 10_000),
            found=(walker_start + walker_seen_late, 10_000),
        )
    ]
    if bystander:
        bodies.append(Body("bystander", 1000.0, 0.0, y=250.0, score=0.95))
    out, _ = run(World(*bodies), frames)
    # once the walker has been seen walking for the decision window, she is followed
    settled = walker_start + walker_seen_late + round(DECIDE_WITHIN_S * FPS)
    assert all(o == "walker" for o in out[settled:])
    # before she appears, only the bystander (or nobody) is reported
    assert all(o in (None, "bystander") for o in out[:walker_start])


@pytest.mark.parametrize("fps", [1.0, 24.0, 240.0])
def test_any_frame_rate(fps: float) -> None:
    world = World(Body("walker", 100.0, 3.0))
    tracker: WalkerTracker[int] = WalkerTracker(world.detect, world.landmark, fps=fps)
    out = [who(m) for m in tracker.run(range(50))]
    assert out == ["walker"] * 50


def test_frames_are_consumed_lazily() -> None:
    """The tracker pulls frames one by one (the video is never held)."""
    world = World(Body("walker", 100.0, 6.0))
    pulled: list[int] = []

    def frames() -> Iterator[int]:
        for i in range(10_000):
            pulled.append(i)
            yield i

    gen = world.tracker().run(frames())
    for _ in range(5):
        next(gen)
    assert len(pulled) <= 5 + round(HOLD_BACK_S * FPS) + 1
