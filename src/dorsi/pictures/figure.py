"""A small 2-D side-view figure posed from joint angles (pure geometry, no drawing).

The person faces right (+x); y points up; lengths are in centimetres for a 170 cm adult.
Segment lengths follow the proportions of body height in Winter, *Biomechanics and Motor
Control of Human Movement* (after Drillis & Contini); they only shape the drawing.

Angle conventions (degrees, all clinical):

- ``trunk_deg``: forward lean of the trunk from vertical (back lean negative).
- ``hip_deg``: hip flexion, thigh against the trunk line (0 = in line, 90 = sitting).
- ``knee_deg``: knee flexion (0 = straight; never negative: knees do not bend backwards).
- ``ankle_deg``: 0 = foot at 90 deg to the shank; dorsiflexion (toes toward the shin) positive.
- ``toes_deg``: big-toe joint (MTP) extension, toes lifted positive.
- ``toe_curl_deg``: curl of the toe tips downwards (toe flexion) positive.
- ``shoulder_deg``: shoulder flexion (0 = arm hanging, 90 = arm forward level).
- ``elbow_deg``: elbow flexion (0 = straight).

In absolute terms (counter-clockwise from +x): thigh = 270 - trunk + hip; shank = thigh - knee;
foot = shank + 90 + ankle. So the drawn ankle angle is ``foot - shank - 90``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Literal

HEIGHT_CM = 170.0
THIGH_CM = 0.245 * HEIGHT_CM
SHANK_CM = 0.246 * HEIGHT_CM
ANKLE_HEIGHT_CM = 0.039 * HEIGHT_CM
TRUNK_CM = (0.818 - 0.530) * HEIGHT_CM
NECK_CM = 0.052 * HEIGHT_CM
HEAD_RADIUS_CM = 0.06 * HEIGHT_CM
UPPER_ARM_CM = 0.186 * HEIGHT_CM
FOREARM_CM = 0.146 * HEIGHT_CM
HAND_RADIUS_CM = 3.6

# Drawn thickness of each limb (the width of its round-capped stroke).
WIDTH_CM = {
    "trunk": 14.0,
    "thigh": 10.0,
    "shank": 8.0,
    "upper_arm": 6.5,
    "forearm": 5.5,
    "toes": 2.8,
}

# Foot outline in the foot frame: ankle joint at the origin, x toward the toes, y up, for a
# foot at 0 deg (sole level when the shank is upright). Vertices 4 and 5 are the sole line
# (heel contact -> ball of the foot); tests measure the drawn ankle angle from them.
FOOT_OUTLINE: tuple[tuple[float, float], ...] = (
    (-3.2, 3.0),  # back of the ankle (Achilles)
    (-5.6, -2.6),  # back of the heel
    (-5.4, -4.6),  # the heel, rounded
    (-4.7, -5.9),
    (-3.4, -ANKLE_HEIGHT_CM),  # heel contact
    (13.0, -ANKLE_HEIGHT_CM),  # ball of the foot
    (14.6, -5.6),  # under the big-toe joint
    (14.2, -3.0),  # top of the big-toe joint
    (5.0, -0.2),  # instep
    (3.0, 3.0),  # front of the ankle
)
FOOT_SOLE_VERTICES = (4, 5)
MTP_CM = (14.2, -ANKLE_HEIGHT_CM + WIDTH_CM["toes"] / 2)
TOE_PROXIMAL_CM = 3.6
TOE_DISTAL_CM = 2.6

Side = Literal["near", "far"]
Point = tuple[float, float]


@dataclass(frozen=True)
class Leg:
    """Joint angles of one leg (degrees, clinical conventions; see the module docstring)."""

    hip_deg: float = 0.0
    knee_deg: float = 0.0
    ankle_deg: float = 0.0
    toes_deg: float = 0.0
    toe_curl_deg: float = 0.0


@dataclass(frozen=True)
class Arm:
    """Joint angles of the near arm."""

    shoulder_deg: float = 0.0
    elbow_deg: float = 0.0


@dataclass(frozen=True)
class BodyPose:
    """A whole-body pose: trunk lean, both legs and the near arm."""

    trunk_deg: float = 0.0
    near: Leg = Leg()
    far: Leg = Leg()
    arm: Arm = Arm()


@dataclass(frozen=True)
class Stroke:
    """A thick, round-capped polyline (a limb)."""

    points: tuple[Point, ...]
    width: float


@dataclass(frozen=True)
class Polygon:
    """A filled outline (the foot, the nose)."""

    points: tuple[Point, ...]


@dataclass(frozen=True)
class Disc:
    """A filled circle (head, hand)."""

    center: Point
    radius: float


Shape = Stroke | Polygon | Disc


@dataclass(frozen=True)
class Figure:
    """A solved pose: named landmarks and named drawable parts, in centimetres."""

    pose: BodyPose
    landmarks: dict[str, Point]
    parts: dict[str, tuple[Shape, ...]]

    def translated(self, dx: float, dy: float) -> Figure:
        """The same figure moved by (dx, dy)."""
        return Figure(
            pose=self.pose,
            landmarks={k: (x + dx, y + dy) for k, (x, y) in self.landmarks.items()},
            parts={k: tuple(_move(s, dx, dy) for s in v) for k, v in self.parts.items()},
        )


def _move(shape: Shape, dx: float, dy: float) -> Shape:
    if isinstance(shape, Stroke):
        return Stroke(tuple((x + dx, y + dy) for x, y in shape.points), shape.width)
    if isinstance(shape, Polygon):
        return Polygon(tuple((x + dx, y + dy) for x, y in shape.points))
    return Disc((shape.center[0] + dx, shape.center[1] + dy), shape.radius)


def direction(angle_deg: float) -> Point:
    """Unit vector at ``angle_deg`` counter-clockwise from +x."""
    rad = math.radians(angle_deg)
    return (math.cos(rad), math.sin(rad))


def _step(origin: Point, angle_deg: float, length: float) -> Point:
    dx, dy = direction(angle_deg)
    return (origin[0] + dx * length, origin[1] + dy * length)


def _in_frame(origin: Point, angle_deg: float, local: Point) -> Point:
    c, s = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    return (origin[0] + c * local[0] - s * local[1], origin[1] + s * local[0] + c * local[1])


def segment_angles(pose: BodyPose, side: Side) -> dict[str, float]:
    """Absolute angles (deg, counter-clockwise from +x) of the thigh, shank and foot."""
    leg = pose.near if side == "near" else pose.far
    thigh = 270.0 - pose.trunk_deg + leg.hip_deg
    shank = thigh - leg.knee_deg
    foot = shank + 90.0 + leg.ankle_deg
    return {"thigh": thigh, "shank": shank, "foot": foot}


def _leg(
    pose: BodyPose, side: Side, hip: Point
) -> tuple[dict[str, Point], dict[str, tuple[Shape, ...]]]:
    leg = pose.near if side == "near" else pose.far
    angle = segment_angles(pose, side)
    knee = _step(hip, angle["thigh"], THIGH_CM)
    ankle = _step(knee, angle["shank"], SHANK_CM)
    foot = angle["foot"]
    outline = tuple(_in_frame(ankle, foot, p) for p in FOOT_OUTLINE)
    mtp = _in_frame(ankle, foot, MTP_CM)
    toe_angle = foot + leg.toes_deg
    pip = _step(mtp, toe_angle, TOE_PROXIMAL_CM)
    tip = _step(pip, toe_angle - leg.toe_curl_deg, TOE_DISTAL_CM)
    marks = {
        "hip": hip,
        "knee": knee,
        "ankle": ankle,
        "heel": outline[FOOT_SOLE_VERTICES[0]],
        "heel_back": outline[1],
        "ball": outline[FOOT_SOLE_VERTICES[1]],
        "mtp": mtp,
        "toe_knuckle": pip,
        "toe_tip": tip,
        "forefoot_top": outline[7],
        "instep": outline[8],
    }
    parts: dict[str, tuple[Shape, ...]] = {
        "thigh": (Stroke((hip, knee), WIDTH_CM["thigh"]),),
        "shank": (Stroke((knee, ankle), WIDTH_CM["shank"]),),
        "foot": (Polygon(outline),),
        "toes": (Stroke((mtp, pip, tip), WIDTH_CM["toes"]),),
    }
    return (
        {f"{side}_{k}": v for k, v in marks.items()},
        {f"{side}_{k}": v for k, v in parts.items()},
    )


def solve(pose: BodyPose, hip: Point = (0.0, 0.0)) -> Figure:
    """Forward kinematics: landmarks and drawable parts of ``pose`` with the hip at ``hip``."""
    up = 90.0 - pose.trunk_deg
    shoulder = _step(hip, up, TRUNK_CM)
    head = _step(shoulder, up, NECK_CM + HEAD_RADIUS_CM)
    # The nose shows which way the person faces.
    nose = (
        _in_frame(head, up - 90.0, (HEAD_RADIUS_CM * 0.93, 1.5)),
        _in_frame(head, up - 90.0, (HEAD_RADIUS_CM + 2.2, -1.0)),
        _in_frame(head, up - 90.0, (HEAD_RADIUS_CM * 0.9, -3.2)),
    )
    upper = 270.0 - pose.trunk_deg + pose.arm.shoulder_deg
    elbow = _step(shoulder, upper, UPPER_ARM_CM)
    fore = upper + pose.arm.elbow_deg
    wrist = _step(elbow, fore, FOREARM_CM)
    hand = _step(wrist, fore, HAND_RADIUS_CM)
    landmarks: dict[str, Point] = {
        "hip": hip,
        "shoulder": shoulder,
        "head": head,
        "elbow": elbow,
        "wrist": wrist,
        "hand": hand,
    }
    parts: dict[str, tuple[Shape, ...]] = {
        "trunk": (Stroke((hip, shoulder), WIDTH_CM["trunk"]),),
        "head": (Disc(head, HEAD_RADIUS_CM), Polygon(nose)),
        "upper_arm": (Stroke((shoulder, elbow), WIDTH_CM["upper_arm"]),),
        "forearm": (Stroke((elbow, wrist), WIDTH_CM["forearm"]),),
        "hand": (Disc(hand, HAND_RADIUS_CM),),
    }
    for side in ("near", "far"):
        marks, leg_parts = _leg(pose, side, hip)
        landmarks.update(marks)
        parts.update(leg_parts)
    return Figure(pose=pose, landmarks=landmarks, parts=parts)


def lowest_point(shapes: tuple[Shape, ...]) -> float:
    """The lowest y any of ``shapes`` reaches, counting stroke thickness."""
    low = math.inf
    for shape in shapes:
        if isinstance(shape, Stroke):
            low = min(low, *(y - shape.width / 2 for _, y in shape.points))
        elif isinstance(shape, Polygon):
            low = min(low, *(y for _, y in shape.points))
        else:
            low = min(low, shape.center[1] - shape.radius)
    return low


def shape_points(shape: Shape) -> tuple[Point, ...]:
    """Points that bound ``shape`` (stroke and disc corners included)."""
    if isinstance(shape, Polygon):
        return shape.points
    if isinstance(shape, Stroke):
        r = shape.width / 2
        return tuple((x + dx, y + dy) for x, y in shape.points for dx, dy in _corners(r))
    r = shape.radius
    cx, cy = shape.center
    return tuple((cx + dx, cy + dy) for dx, dy in _corners(r))


def _corners(r: float) -> tuple[Point, ...]:
    return ((-r, -r), (r, -r), (r, r), (-r, r))


def _lerp_leg(a: Leg, b: Leg, t: float) -> Leg:
    values = {f.name: getattr(a, f.name) * (1 - t) + getattr(b, f.name) * t for f in fields(Leg)}
    return Leg(**values)


def interpolate(a: BodyPose, b: BodyPose, t: float) -> BodyPose:
    """The pose a fraction ``t`` (0..1) of the way from ``a`` to ``b`` (joint-space)."""
    arm = Arm(
        shoulder_deg=a.arm.shoulder_deg * (1 - t) + b.arm.shoulder_deg * t,
        elbow_deg=a.arm.elbow_deg * (1 - t) + b.arm.elbow_deg * t,
    )
    return replace(
        a,
        trunk_deg=a.trunk_deg * (1 - t) + b.trunk_deg * t,
        near=_lerp_leg(a.near, b.near, t),
        far=_lerp_leg(a.far, b.far, t),
        arm=arm,
    )


def drawn_ankle_deg(figure: Figure, side: Side) -> float:
    """The ankle angle read back from the drawn geometry (shank line and sole line)."""
    knee = figure.landmarks[f"{side}_knee"]
    ankle = figure.landmarks[f"{side}_ankle"]
    heel = figure.landmarks[f"{side}_heel"]
    ball = figure.landmarks[f"{side}_ball"]
    return angle_between(knee, ankle, heel, ball)


def angle_between(a0: Point, a1: Point, b0: Point, b1: Point) -> float:
    """Clinical ankle angle from a shank line (knee->ankle) and a sole line (heel->ball)."""
    shank = math.degrees(math.atan2(a1[1] - a0[1], a1[0] - a0[0]))
    sole = math.degrees(math.atan2(b1[1] - b0[1], b1[0] - b0[0]))
    return (sole - shank - 90.0 + 180.0) % 360.0 - 180.0
