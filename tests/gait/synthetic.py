"""A synthetic side-on walker with known events, ankle angles and toe clearance.

The generator is driven by the feet, as real walking is: each foot's pose (heel position and
pitch) follows a stance phase (heel or toe contact, roll to flat foot, heel off with the toe
planted) and a swing phase that carries it to the next footprint with a set minimum toe
clearance. The hip moves at constant speed; the knee comes from two-segment inverse
kinematics. The truth (event times, ankle angle, clearance) is computed from the noise-free
geometry with the definitions the pipeline uses, then noise, dropouts, outliers and far-leg
label swaps can be added.

Foot-drop pattern (``foot_drop=True`` for a side): the foot stays pitched toe-down in swing
(plantarflexed) and lands toes first, with a lower clearance.

Slow and asymmetric gait (as after a stroke): ``stride_time_s`` up to 2.5 s and more, a
stance share per side (``stance_fraction_by_side``: a shorter stance, so a longer swing, on the
affected side) and the left foot's heel strike at ``left_phase`` of the right stride instead of
halfway (unequal step times). :func:`phases_fit` says whether the two feet's phases allow a
walk (each foot swings only while the other stands).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dorsi.gait.analysis import MID_SWING, PEAK_SWING
from dorsi.gait.angles import ankle_angle_deg
from dorsi.gait.keypoints import INDEX, KEYPOINTS, SIDES, FloatArray, PoseTrack, Side

THIGH_M, SHANK_M, FOOT_M = 0.47, 0.45, 0.25
ANKLE_IN_FOOT_M = (0.06, 0.08)  # ankle centre from the heel: forward, up
HIP_HEIGHT_M = 0.99
EARLY_LIFT_M = 0.06
LEAD = 0.25  # the heel lands this fraction of a stride ahead of the hip
REACH = 0.985  # the leg never stretches beyond this fraction of thigh + shank
TRUNK_M = 0.52


@dataclass(frozen=True)
class SideTruth:
    heel_strikes_s: FloatArray
    toe_offs_s: FloatArray
    ankle_deg: FloatArray
    #: per stride (heel strike i -> i+1): peak swing dorsiflexion, clearance ratio, contact
    peak_swing_deg: FloatArray
    clearance_ratio: FloatArray
    contact: tuple[str, ...]


@dataclass(frozen=True)
class SyntheticWalk:
    track: PoseTrack
    truth: dict[Side, SideTruth]
    width: int
    height: int


@dataclass(frozen=True)
class WalkSpec:
    """What to generate. Units in the names; pixels for the picture."""

    fps: float = 30.0
    duration_s: float = 8.0
    stride_time_s: float = 1.1
    stance_fraction: float = 0.62
    speed_mps: float = 1.0
    direction: int = 1  # +1 walks to the right of the picture, -1 to the left
    px_per_m: float = 300.0
    #: stance share of the stride per side, overriding ``stance_fraction``
    stance_fraction_by_side: dict[Side, float] = field(default_factory=dict)
    #: the left heel strike, as a fraction of the right stride after the right heel strike
    left_phase: float = 0.5
    foot_drop: dict[Side, bool] = field(default_factory=dict)
    clearance_m: dict[Side, float] = field(default_factory=dict)
    noise_px: float = 0.0
    dropout_fraction: float = 0.0
    outlier_fraction: float = 0.0
    swap_fraction: float = 0.0
    seed: int = 0


def stance_share(spec: WalkSpec, side: Side) -> float:
    """Stance share of the stride of ``side``."""
    return spec.stance_fraction_by_side.get(side, spec.stance_fraction)


def phases_fit(spec: WalkSpec) -> bool:
    """Whether each foot swings only while the other is on the floor (no flight phase)."""
    right, left, phi = stance_share(spec, "right"), stance_share(spec, "left"), spec.left_phase
    # right swing [right, 1) inside left stance [phi, phi + left); left swing inside right stance
    return phi <= right and phi + left >= 1.0


def _smooth(u: FloatArray) -> FloatArray:
    u = np.clip(u, 0.0, 1.0)
    return np.asarray(u * u * (3 - 2 * u), np.float64)


def _rot(v: tuple[float, float], pitch_rad: FloatArray) -> FloatArray:
    c, s = np.cos(pitch_rad), np.sin(pitch_rad)
    return np.stack([v[0] * c - v[1] * s, v[0] * s + v[1] * c], axis=-1)


@dataclass(frozen=True)
class _Pattern:
    ic_pitch: float  # foot pitch at contact, toe up positive (rad)
    to_pitch: float  # foot pitch at toe off (rad)
    swing_ankle: tuple[float, float, float]  # ankle angle at toe off, mid-swing, contact (deg)
    clearance_m: float


def _pattern(spec: WalkSpec, side: Side) -> _Pattern:
    if spec.foot_drop.get(side, False):
        return _Pattern(
            np.radians(-12.0),
            np.radians(-30.0),
            (-25.0, -15.0, -15.0),
            spec.clearance_m.get(side, 0.006),
        )
    return _Pattern(
        np.radians(18.0), np.radians(-45.0), (-15.0, 4.0, 0.0), spec.clearance_m.get(side, 0.02)
    )


def _phase(spec: WalkSpec, t: FloatArray, offset_s: float) -> tuple[FloatArray, FloatArray]:
    phase_t = t - offset_s
    cycle = np.floor(phase_t / spec.stride_time_s)
    return phase_t / spec.stride_time_s - cycle, cycle


def _stance_pose(
    p: _Pattern, s: FloatArray, x0: FloatArray, st: float
) -> tuple[FloatArray, FloatArray]:
    """Heel and pitch in stance (``s`` in [0, st]): contact, roll to flat, heel off on the toe."""
    heel = np.zeros((s.size, 2))
    pitch = np.zeros(s.size)
    flat_end, heel_off = 0.15 * st, 0.6 * st
    a = s < flat_end
    pitch[a] = p.ic_pitch * (1 - _smooth(s[a] / flat_end))
    if p.ic_pitch >= 0:  # pivot on the heel
        heel[a, 0] = x0[a]
    else:  # pivot on the toe
        heel[a] = np.stack([x0[a] + FOOT_M, np.zeros(a.sum())], axis=1) - FOOT_M * np.stack(
            [np.cos(pitch[a]), np.sin(pitch[a])], axis=1
        )
    b = (s >= flat_end) & (s < heel_off)
    heel[b, 0] = x0[b]
    c = s >= heel_off
    pitch[c] = p.to_pitch * _smooth((s[c] - heel_off) / (st - heel_off))
    heel[c] = np.stack([x0[c] + FOOT_M, np.zeros(c.sum())], axis=1) - FOOT_M * np.stack(
        [np.cos(pitch[c]), np.sin(pitch[c])], axis=1
    )
    return heel, pitch


def _ankle_of(heel: FloatArray, pitch: FloatArray) -> FloatArray:
    return np.asarray(heel + _rot(ANKLE_IN_FOOT_M, pitch), np.float64)


def _foot_from_ankle(ankle: FloatArray, pitch: FloatArray) -> tuple[FloatArray, FloatArray]:
    heel = ankle - _rot(ANKLE_IN_FOOT_M, pitch)
    return heel, heel + FOOT_M * np.stack([np.cos(pitch), np.sin(pitch)], axis=1)


def _foot(
    spec: WalkSpec, side: Side, t: FloatArray, offset_s: float, hip: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Heel, toe and ankle of one foot over time (metres, y up)."""
    p = _pattern(spec, side)
    stride_m = spec.speed_mps * spec.stride_time_s
    st = stance_share(spec, side)
    s, cycle = _phase(spec, t, offset_s)
    x0 = (cycle * spec.stride_time_s + offset_s) * spec.speed_mps + LEAD * stride_m
    heel = np.zeros((t.size, 2))
    pitch = np.zeros(t.size)
    stance = s < st
    heel[stance], pitch[stance] = _stance_pose(p, s[stance], x0[stance], st)
    d = ~stance
    u = (s[d] - st) / (1 - st)
    # ankle at toe off (this cycle) and at the next contact (next cycle), from stance poses
    h_to, p_to = _stance_pose(p, np.full(d.sum(), st - 1e-9), x0[d], st)
    h_ic, p_ic = _stance_pose(p, np.zeros(d.sum()), x0[d] + stride_m, st)
    a_to, a_ic = _ankle_of(h_to, p_to), _ankle_of(h_ic, p_ic)
    w = _smooth(u)
    bump = np.sin(np.pi * u)
    # knee flexion lifts the foot early in swing, so the toe dips to its minimum mid-swing
    early = EARLY_LIFT_M * np.sin(np.pi * np.clip(u / 0.45, 0, 1)) ** 2
    mid = (u >= 0.25) & (u <= 0.75)
    a_start, a_mid, a_end = p.swing_ankle
    target = np.radians(
        np.where(
            u < 0.5,
            a_start + (a_mid - a_start) * _smooth(u / 0.5),
            a_mid + (a_end - a_mid) * _smooth((u - 0.5) / 0.5),
        )
    )
    ends = np.maximum(_smooth(1 - u / 0.15), _smooth((u - 0.85) / 0.15))
    stance_pitch = np.where(u < 0.5, p_to, p_ic)
    lift = 0.05
    for _ in range(6):
        ankle = a_to + (a_ic - a_to) * np.stack([w, u], axis=1)
        ankle[:, 1] += lift * bump + early
        knee = _knee(hip[d], ankle, 1.0)
        shank = knee - ankle
        perp = np.arctan2(shank[:, 1], shank[:, 0]) - np.pi / 2  # foot pitch at 0 deg ankle
        sw_pitch = (1 - ends) * (perp + target) + ends * stance_pitch
        _h, toe = _foot_from_ankle(ankle, sw_pitch)
        if not mid.any():
            break
        step = float(np.max((p.clearance_m - toe[mid, 1]) / bump[mid]))
        lift = max(lift + step, 0.0)
        if abs(step) < 1e-5:
            break
    heel[d], _toe = _foot_from_ankle(ankle, sw_pitch)
    pitch[d] = sw_pitch
    toe_xy = heel + FOOT_M * np.stack([np.cos(pitch), np.sin(pitch)], axis=1)
    return heel, toe_xy, _ankle_of(heel, pitch)


def _stance_ankles(spec: WalkSpec, side: Side, t: FloatArray, offset_s: float) -> FloatArray:
    """The ankle where the foot is in stance (NaN in swing), for the pelvis height."""
    p = _pattern(spec, side)
    s, cycle = _phase(spec, t, offset_s)
    stride_m = spec.speed_mps * spec.stride_time_s
    x0 = (cycle * spec.stride_time_s + offset_s) * spec.speed_mps + LEAD * stride_m
    out = np.full((t.size, 2), np.nan)
    st = stance_share(spec, side)
    stance = s < st
    heel, pitch = _stance_pose(p, s[stance], x0[stance], st)
    out[stance] = _ankle_of(heel, pitch)
    return out


def _knee(hip: FloatArray, ankle: FloatArray, forward: float) -> FloatArray:
    """Knee from two-segment inverse kinematics, bending forwards (y up)."""
    v = ankle - hip
    norm = np.linalg.norm(v, axis=1)
    dist = np.clip(norm, 1e-6, THIGH_M + SHANK_M - 1e-6)
    along = (THIGH_M**2 - SHANK_M**2 + dist**2) / (2 * dist)
    up = np.sqrt(np.clip(THIGH_M**2 - along**2, 0, None))
    unit = v / norm[:, None]
    normal = np.stack([-unit[:, 1], unit[:, 0]], axis=1) * forward
    return np.asarray(hip + unit * along[:, None] + normal * up[:, None], np.float64)


def generate_walk(spec: WalkSpec | None = None) -> SyntheticWalk:
    """Generate one walk and its truth (see the module docstring)."""
    spec = spec or WalkSpec()
    rng = np.random.default_rng(spec.seed)
    n = round(spec.duration_s * spec.fps)
    t = np.arange(n) / spec.fps
    hip = np.stack([spec.speed_mps * t, np.full(n, HIP_HEIGHT_M)], axis=1)
    if not phases_fit(spec):
        raise ValueError("the feet's stance shares and left_phase leave both feet in the air")
    offsets = {"right": 0.0, "left": spec.left_phase * spec.stride_time_s}
    # the pelvis drops where a stance leg would otherwise be over-stretched (double support)
    reach = REACH * (THIGH_M + SHANK_M)
    for side in SIDES:
        ankle = _stance_ankles(spec, side, t, offsets[side])
        dx = hip[:, 0] - ankle[:, 0]
        low = ankle[:, 1] + np.sqrt(np.clip(reach**2 - dx**2, 0, None))
        hip[:, 1] = np.fmin(hip[:, 1], low)
    world: dict[str, FloatArray] = {}
    truth: dict[Side, SideTruth] = {}
    for side in SIDES:
        heel, toe, ankle = _foot(spec, side, t, offsets[side], hip)
        knee = _knee(hip, ankle, 1.0)
        world[f"{side}_heel"], world[f"{side}_toe"] = heel, toe
        world[f"{side}_ankle"], world[f"{side}_knee"] = ankle, knee
        angle = ankle_angle_deg(knee, ankle, heel, toe)
        first = int(np.ceil((t[0] - offsets[side]) / spec.stride_time_s))
        last = int(np.floor((t[-1] - offsets[side]) / spec.stride_time_s))
        hs = offsets[side] + spec.stride_time_s * np.arange(first, last + 1)
        to = hs + stance_share(spec, side) * spec.stride_time_s
        peaks, clear, contact = [], [], []
        for h1, t0 in zip(hs[1:], to[:-1], strict=True):
            sw = h1 - t0
            end = t0 + PEAK_SWING[1] * sw - 0.5 / spec.fps  # contact belongs to stance
            swing = (t >= t0 + PEAK_SWING[0] * sw) & (t < end)
            mid = (t >= t0 + MID_SWING[0] * sw) & (t <= t0 + MID_SWING[1] * sw)
            peaks.append(float(np.max(angle[swing])) if swing.any() else np.nan)
            clear.append(float(np.min(toe[mid, 1])) / SHANK_M if mid.any() else np.nan)
            contact.append("toe" if spec.foot_drop.get(side, False) else "heel")
        truth[side] = SideTruth(
            hs.astype(np.float64),
            to.astype(np.float64),
            angle,
            np.array(peaks),
            np.array(clear),
            tuple(contact),
        )
    world["left_hip"] = hip + np.array([0.0, 0.0])
    world["right_hip"] = hip + np.array([0.0, 0.0])
    world["left_shoulder"] = hip + np.array([0.0, TRUNK_M])
    world["right_shoulder"] = hip + np.array([0.0, TRUNK_M])

    travel_px = spec.speed_mps * spec.duration_s * spec.px_per_m
    width = int(travel_px + 2 * 0.6 * spec.px_per_m)
    height = int(2.2 * spec.px_per_m)
    xy = np.zeros((n, len(KEYPOINTS), 2))
    for name, k in INDEX.items():
        p = world[name]
        x = 0.6 * spec.px_per_m + p[:, 0] * spec.px_per_m
        xy[:, k, 0] = x if spec.direction > 0 else width - x
        xy[:, k, 1] = height - 0.2 * spec.px_per_m - p[:, 1] * spec.px_per_m
    visibility = np.full((n, len(KEYPOINTS)), 0.95)
    far: Side = "right" if spec.direction > 0 else "left"  # camera on the walker's left if +1
    far_idx = [INDEX[f"{far}_{p}"] for p in ("knee", "ankle", "heel", "toe")]
    visibility[:, far_idx] = 0.75
    xy += rng.normal(0.0, spec.noise_px, xy.shape) if spec.noise_px > 0 else 0.0
    if spec.swap_fraction > 0:
        near: Side = "left" if far == "right" else "right"
        near_idx = [INDEX[f"{near}_{p}"] for p in ("knee", "ankle", "heel", "toe")]
        for i in np.flatnonzero(rng.random(n) < spec.swap_fraction):
            xy[i, far_idx], xy[i, near_idx] = xy[i, near_idx].copy(), xy[i, far_idx].copy()
    if spec.outlier_fraction > 0:
        hit = rng.random((n, len(KEYPOINTS))) < spec.outlier_fraction
        xy[hit] += rng.normal(0.0, 0.3 * spec.px_per_m, (int(hit.sum()), 2))
    if spec.dropout_fraction > 0:
        # short runs (1-4 frames) of missing points, as when a foot is hidden for a moment
        for k in range(len(KEYPOINTS)):
            starts = np.flatnonzero(rng.random(n) < spec.dropout_fraction / 2.5)
            for s0 in starts:
                run = slice(s0, min(n, s0 + int(rng.integers(1, 5))))
                xy[run, k] = np.nan
                visibility[run, k] = 0.0
    return SyntheticWalk(PoseTrack(xy, visibility, spec.fps), truth, width, height)
