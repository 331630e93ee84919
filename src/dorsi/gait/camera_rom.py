"""Seated active dorsiflexion from a phone camera's pose landmarks: angle, gates, repetitions.

This is the reference of the maths the patient's browser runs live
(``web/static/camera-maths.mjs``, a line-for-line mirror; a test runs both on the same
fixtures and requires the same answers), kept here so that recorded landmark sequences and
the benchmark can be checked on the server.

- The angle is the gait analysis's and the clinic's (:func:`dorsi.gait.angles.ankle_angle_deg`):
  shank ankle -> knee against foot heel -> toe, in *pixels* (normalised coordinates stretch
  with the frame's aspect ratio), ``90 - angle``: 0 deg = foot square to the shank,
  dorsiflexion positive.
- Two visibility gates: a frame whose four points are all seen well (``MEASURE_VISIBILITY``)
  is measured; one seen only fairly (``COUNT_VISIBILITY``) still moves the repetition counter
  but is not measured; below that the frame is skipped.
- Short smoothing: the median of the last ``SMOOTH_FRAMES`` usable angles (a median, so one
  bad frame does not make a peak).
- Repetitions with hysteresis around a resting baseline: a lift starts when the smoothed angle
  is ``START_DEG`` above the baseline and ends when it falls back within ``END_DEG`` of it. A
  repetition whose frames were mostly poorly seen is counted but has no measured peak.

The thresholds are engineering defaults chosen on the synthetic clips (docs/camera.md), not
clinical values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

#: BlazePose landmark indices (knee, ankle, heel, foot index) per side
LANDMARKS: dict[str, tuple[int, int, int, int]] = {
    "left": (25, 27, 29, 31),
    "right": (26, 28, 30, 32),
}

#: all four points at least this visible: the frame is measured
MEASURE_VISIBILITY = 0.6
#: all four at least this visible: the frame counts repetitions but is not measured
COUNT_VISIBILITY = 0.3
#: the shank must span at least this fraction of the frame's shorter side (too far away, or
#: not a leg, otherwise)
MIN_SHANK_FRACTION = 0.08
#: frames in the moving median
SMOOTH_FRAMES = 5
#: degrees above the resting baseline that start a repetition, and within which it ends
START_DEG = 8.0
END_DEG = 4.0
#: the resting baseline is the lowest smoothed angle of the last this many seconds out of a
#: repetition, so a foot that settles higher is not counted as one long lift
BASELINE_S = 4.0
#: a repetition is measured only if at least this fraction of its frames were measured frames
MIN_MEASURED_FRACTION = 0.6

Grade = Literal["good", "weak", "none"]


@dataclass(frozen=True)
class Point:
    x: float  # normalised 0-1 across the frame's width
    y: float  # normalised 0-1 down the frame's height
    visibility: float


@dataclass(frozen=True)
class FrameAngle:
    angle_deg: float | None
    grade: Grade
    side: str | None


def _angle_px(knee: Point, ankle: Point, heel: Point, toe: Point, w: float, h: float) -> float:
    sx, sy = (knee.x - ankle.x) * w, (knee.y - ankle.y) * h
    fx, fy = (toe.x - heel.x) * w, (toe.y - heel.y) * h
    ns, nf = math.hypot(sx, sy), math.hypot(fx, fy)
    cos = max(-1.0, min(1.0, (sx * fx + sy * fy) / (ns * nf)))
    return 90.0 - math.degrees(math.acos(cos))


def frame_angle(
    landmarks: Sequence[Point], width_px: float, height_px: float, side: str = "auto"
) -> FrameAngle:
    """The ankle angle of one frame and how well it was seen. ``side`` "auto" takes the side
    whose four points are seen best (the leg nearer a side-on camera)."""
    if len(landmarks) < 33:
        return FrameAngle(None, "none", None)
    sides = ["left", "right"] if side == "auto" else [side]
    best_side, best_vis = sides[0], -1.0
    for s in sides:
        vis = min(landmarks[i].visibility for i in LANDMARKS[s])
        if vis > best_vis:
            best_side, best_vis = s, vis
    if best_vis < COUNT_VISIBILITY:
        return FrameAngle(None, "none", None)
    knee, ankle, heel, toe = (landmarks[i] for i in LANDMARKS[best_side])
    shank_px = math.hypot((knee.x - ankle.x) * width_px, (knee.y - ankle.y) * height_px)
    foot_px = math.hypot((toe.x - heel.x) * width_px, (toe.y - heel.y) * height_px)
    if shank_px < MIN_SHANK_FRACTION * min(width_px, height_px) or foot_px <= 0.0:
        return FrameAngle(None, "none", None)
    angle = _angle_px(knee, ankle, heel, toe, width_px, height_px)
    grade: Grade = "good" if best_vis >= MEASURE_VISIBILITY else "weak"
    return FrameAngle(angle, grade, best_side)


@dataclass(frozen=True)
class Repetition:
    """One counted lift: its measured peak (None when its landmarks were poor)."""

    peak_deg: float | None
    quality: Literal["good", "poor"]
    start_s: float
    end_s: float


@dataclass
class RepCounter:
    """Counts lifts from a stream of frame angles; see the module docstring."""

    reps: list[Repetition] = field(default_factory=list)
    smoothed_deg: float | None = None
    _window: list[float] = field(default_factory=list)
    _rest: list[tuple[float, float]] = field(default_factory=list)
    _baseline: float = 0.0
    _in_rep: bool = False
    _start_s: float = 0.0
    _frames: int = 0
    _good: int = 0
    _peak: float | None = None

    def push(self, t_s: float, frame: FrameAngle) -> float | None:
        """Take one frame; returns the smoothed angle (None before any usable frame)."""
        if frame.angle_deg is None or frame.grade == "none":
            if self._in_rep:
                self._frames += 1
            return self.smoothed_deg
        self._window.append(frame.angle_deg)
        if len(self._window) > SMOOTH_FRAMES:
            self._window.pop(0)
        s = _median(self._window)
        self.smoothed_deg = s
        if not self._in_rep:
            self._rest = [(t, a) for t, a in self._rest if t > t_s - BASELINE_S]
            self._rest.append((t_s, s))
            self._baseline = min(a for _, a in self._rest)
            if s >= self._baseline + START_DEG:
                self._in_rep, self._start_s = True, t_s
                self._frames, self._good, self._peak = 0, 0, None
        if self._in_rep:
            self._frames += 1
            if frame.grade == "good":
                self._good += 1
                self._peak = s if self._peak is None else max(self._peak, s)
            if s <= self._baseline + END_DEG:
                self._close(t_s)
        return s

    def finish(self, t_s: float) -> list[Repetition]:
        """End of the session: a lift still under way is closed and counted."""
        if self._in_rep:
            self._close(t_s)
        return self.reps

    def _close(self, t_s: float) -> None:
        measured = self._frames > 0 and self._good / self._frames >= MIN_MEASURED_FRACTION
        peak = self._peak if measured else None
        self.reps.append(
            Repetition(peak, "good" if peak is not None else "poor", self._start_s, t_s)
        )
        self._in_rep = False


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2.0


@dataclass(frozen=True)
class SessionSummary:
    reps_counted: int
    reps_measured: int
    best_deg: float | None
    median_deg: float | None


def summarise(peaks: Sequence[float | None]) -> SessionSummary:
    """Per session: repetitions counted and measured, best and median measured peak."""
    measured = [p for p in peaks if p is not None]
    return SessionSummary(
        reps_counted=len(peaks),
        reps_measured=len(measured),
        best_deg=max(measured) if measured else None,
        median_deg=_median(measured) if measured else None,
    )


def run(
    frames: Sequence[tuple[float, Sequence[Point]]],
    width_px: float,
    height_px: float,
    side: str = "auto",
) -> list[Repetition]:
    """Count and measure the repetitions of a recorded landmark sequence ``(t_s, points)``."""
    counter = RepCounter()
    last = 0.0
    for t_s, points in frames:
        counter.push(t_s, frame_angle(points, width_px, height_px, side))
        last = t_s
    return counter.finish(last)
