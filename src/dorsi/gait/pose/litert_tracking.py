"""Following the person who walks, with a detector and a landmark model (any that fit).

MediaPipe's legacy pose follows whoever the detector scores highest in the first frame, so in
a park or a clinic corridor it may follow a bystander for the whole video. :class:`WalkerTracker`
instead:

1. follows one person from frame to frame with the region from the previous frame's landmarks
   (no detection while tracking holds), and runs the detector only when nobody is followed, or
   every :data:`DETECT_EVERY_S` while the followed person has not been seen to walk;
2. when the detector finds someone new, follows them too, and also *backwards* through the last
   few frames (kept in a short ring buffer), so a walker who entered the picture just before
   the detector saw her is not cut short;
3. while several people are followed, keeps them all until one has moved
   :data:`WALK_DECIDE_SCALES` body scales sideways (or :data:`DECIDE_WITHIN_S` has passed: the
   one who moved most), then drops the others; a dropped person is not looked at again for
   :data:`DROPPED_FOR_S` (a bystander standing still costs little);
4. yields one pose per frame, in order, :data:`HOLD_BACK_S` after its frame (longer while
   choosing), so frames before a choice get the chosen person's poses.

A *body scale* is the hip-to-ankle length, as in :mod:`dorsi.gait.person` (whose identity split
and walker choice still run afterwards on what is yielded). These numbers are engineering
choices (``clinician_default`` in spirit: they decide only whom to follow, never a measure).
"""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from dorsi.gait.pose.litert_geometry import Detection, Landmarks, Roi

F = TypeVar("F")  # a frame (any type: the tracker only hands it to the models)

MIN_PRESENCE = 0.5  # MediaPipe's default min_tracking_confidence
DETECT_EVERY_S = 0.33
WALK_DECIDE_SCALES = 0.5
WALK_WINDOW_S = 1.5  # travel is measured over this long (a walker who stops is looked at again)
DECIDE_WITHIN_S = 2.0
HOLD_BACK_S = 0.5  # also how far back a newly found person is followed
MAX_HOLD_BACK_FRAMES = 30  # frames kept for that, whatever the frame rate (memory)
MAX_PEOPLE = 3
SAME_PERSON_SCALES = 0.5
DROPPED_FOR_S = 3.0

Detect = Callable[[F], list[Detection]]
Landmark = Callable[[F, Roi], Landmarks]


def hip_px(marks: Landmarks) -> NDArray[np.float64]:
    """Hip centre (mean of BlazePose's hips, landmarks 23 and 24)."""
    return np.asarray((marks.xy[23] + marks.xy[24]) / 2, np.float64)


def scale_px(marks: Landmarks) -> float:
    """Hip-to-ankle length (BlazePose 23-27 and 24-28), at least one pixel."""
    left = float(np.linalg.norm(marks.xy[23] - marks.xy[27]))
    right = float(np.linalg.norm(marks.xy[24] - marks.xy[28]))
    return max((left + right) / 2, 1.0)


@dataclass
class Person:
    """Someone being followed: next region, landmarks per frame, hip track."""

    roi: Roi
    marks: dict[int, Landmarks] = field(default_factory=dict)
    hips: dict[int, tuple[float, float, float]] = field(default_factory=dict)  # x, y, scale

    def add(self, i: int, marks: Landmarks) -> None:
        self.marks[i] = marks
        hip = hip_px(marks)
        self.hips[i] = (float(hip[0]), float(hip[1]), scale_px(marks))

    def last_hip(self) -> tuple[float, float, float]:
        return self.hips[max(self.hips)]

    def travel(self, now: int, window: int) -> float:
        """Net sideways travel in body scales between the first and last hip in the window."""
        seen = [i for i in self.hips if i > now - window]
        if len(seen) < 2:
            return 0.0
        first, last = self.hips[min(seen)], self.hips[max(seen)]
        scale = statistics.median(self.hips[i][2] for i in seen)
        return abs(last[0] - first[0]) / scale

    def near(self, x: float, y: float) -> bool:
        if not self.hips:
            return bool(np.hypot(x - self.roi.x_px, y - self.roi.y_px) < 0.25 * self.roi.size_px)
        hx, hy, s = self.last_hip()
        return bool(np.hypot(x - hx, y - hy) < SAME_PERSON_SCALES * s)

    def forget_hips_before(self, i: int) -> None:
        for j in [j for j in self.hips if j < i]:
            del self.hips[j]


@dataclass
class _Dropped:
    frame: int
    x: float
    y: float
    scale: float


class WalkerTracker(Generic[F]):
    """See the module docs. ``detect`` finds people in a frame (best first); ``landmark`` gives
    the landmarks in a region. Both are called only from :meth:`run`'s thread."""

    def __init__(self, detect: Detect[F], landmark: Landmark[F], *, fps: float) -> None:
        self._detect = detect
        self._landmark = landmark
        fps = max(float(fps), 1.0)
        self.detect_every = max(1, round(DETECT_EVERY_S * fps))
        self.window = max(2, round(WALK_WINDOW_S * fps))
        self.decide_within = max(2, round(DECIDE_WITHIN_S * fps))
        self.hold_back = min(MAX_HOLD_BACK_FRAMES, max(1, round(HOLD_BACK_S * fps)))
        self.dropped_for = round(DROPPED_FOR_S * fps)
        #: True once someone was followed and then dropped as not the walker
        self.others_seen = False
        #: how often each network ran (for tests and benchmarks)
        self.detector_runs = 0
        self.landmark_runs = 0

    def _landmarks(self, frame: F, roi: Roi) -> Landmarks | None:
        self.landmark_runs += 1
        marks = self._landmark(frame, roi)
        return marks if marks.presence >= MIN_PRESENCE else None

    def run(self, frames: Iterable[F]) -> Iterator[Landmarks | None]:
        """One landmark set (or None) per frame, in order."""
        recent: deque[tuple[int, F]] = deque(maxlen=self.hold_back)
        people: list[Person] = []
        lost: list[Person] = []  # lost while choosing
        dropped: list[_Dropped] = []
        chosen: dict[int, Landmarks] = {}  # decided poses not yet yielded
        choosing_since: int | None = None
        next_out = 0
        n = 0

        def commit(person: Person, *, chosen_over_others: bool) -> None:
            """Hand ``person``'s poses to the output. Only a person chosen over others
            replaces poses already decided (someone found later and followed back does not)."""
            for j, marks in person.marks.items():
                if j >= next_out and (chosen_over_others or j not in chosen):
                    chosen[j] = marks
            person.marks.clear()

        for i, frame in enumerate(frames):
            n = i + 1
            found: list[Person] = []
            if not people or (i % self.detect_every == 0 and not self._walking(people, i)):
                dropped = [d for d in dropped if i - d.frame < self.dropped_for]
                self.detector_runs += 1
                for det in self._detect(frame):
                    if len(people) + len(found) >= MAX_PEOPLE:
                        break
                    if not self._known(det, people + found, dropped):
                        found.append(Person(det.roi()))
            # follow everyone, the longest-followed first (they keep a contested region)
            alive: list[Person] = []
            for person in people + found:
                marks = self._landmarks(frame, person.roi)
                if marks is not None:
                    hip = hip_px(marks)
                    if not any(other.near(hip[0], hip[1]) for other in alive):
                        person.add(i, marks)
                        person.roi = marks.next_roi()
                        alive.append(person)
                        continue
                if choosing_since is not None and person.marks:
                    lost.append(person)
            for person in found:
                if person in alive:
                    self._follow_back(person, i, recent, next_out)
            recent.append((i, frame))
            people = alive
            was_choice = len(people) > 1 or bool(lost)
            if len(people) > 1:
                if choosing_since is None:
                    choosing_since = i
                best = max(people, key=lambda p: p.travel(i, self.window))
                decided = best.travel(i, self.window) >= WALK_DECIDE_SCALES
                if decided or i - choosing_since >= self.decide_within:
                    for person in people:
                        if person is not best:
                            x, y, s = person.last_hip()
                            dropped.append(_Dropped(i, x, y, s))
                    self.others_seen = True
                    people = [best]
                else:
                    continue  # still choosing: poses wait
            if people:
                commit(people[0], chosen_over_others=was_choice)
            elif lost:
                commit(max(lost, key=lambda p: p.travel(i, self.window)), chosen_over_others=True)
            lost, choosing_since = [], None
            for j in range(next_out, i - self.hold_back + 1):
                yield chosen.pop(j, None)
            next_out = max(next_out, i - self.hold_back + 1)
            for person in people:
                person.forget_hips_before(i - self.window)
        # the end: what still waits, from the one who moved most if a choice was open
        if len(people) > 1 or lost:
            best = max(people + lost, key=lambda p: p.travel(n - 1, self.window))
            commit(best, chosen_over_others=True)
        for j in range(next_out, n):
            yield chosen.pop(j, None)

    def _walking(self, people: list[Person], i: int) -> bool:
        """One person is followed and has been seen walking (no need to look for others)."""
        return len(people) == 1 and people[0].travel(i, self.window) >= WALK_DECIDE_SCALES

    def _follow_back(
        self, person: Person, i: int, recent: deque[tuple[int, F]], next_out: int
    ) -> None:
        """Follow a newly found person back through the kept frames (not yet yielded)."""
        roi = person.marks[i].next_roi()
        for j, frame in reversed(recent):
            if j < next_out:
                break
            marks = self._landmarks(frame, roi)
            if marks is None:
                break
            person.add(j, marks)
            roi = marks.next_roi()

    @staticmethod
    def _known(det: Detection, people: list[Person], dropped: list[_Dropped]) -> bool:
        x, y = det.hip_px
        if any(p.near(x, y) for p in people):
            return True
        return any(np.hypot(x - d.x, y - d.y) < SAME_PERSON_SCALES * d.scale for d in dropped)
