"""Putting a posed figure into the room: floor, chair or bed, and the paths of moving parts.

World coordinates are centimetres, y up, the floor at ``y = 0``, the person facing +x.
"""

from __future__ import annotations

import itertools
import math
from functools import cache

from dorsi.pictures.figure import (
    BodyPose,
    Figure,
    Leg,
    Point,
    interpolate,
    lowest_point,
    shape_points,
    solve,
)
from dorsi.pictures.poses import (
    FLOOR_TOLERANCE_CM,
    MIN_MOVE_CM,
    Picture,
    TravelArrow,
    TurnArrow,
)

BED_TOP_CM = 50.0
SAMPLES_PER_STEP = 16

_STANCE_PARTS = {
    "near": ("near_foot", "near_toes"),
    "far": ("far_foot", "far_toes"),
    "both": ("near_foot", "near_toes", "far_foot", "far_toes"),
}


@cache
def chair_hip_y() -> float:
    """Hip height on the chair: sitting upright with shins upright, the soles rest on the floor."""
    sitting = BodyPose(near=Leg(hip_deg=90.0, knee_deg=90.0), far=Leg(hip_deg=90.0, knee_deg=90.0))
    figure = solve(sitting)
    return -lowest_point(figure.parts["near_foot"] + figure.parts["near_toes"])


def place(picture: Picture, pose: BodyPose) -> Figure:
    """``pose`` solved and set in its setting: on the chair, on the bed, or standing."""
    if picture.setting == "chair":
        return solve(pose, hip=(0.0, chair_hip_y()))
    figure = solve(pose)
    if picture.setting == "bed":
        body = tuple(s for name, shapes in figure.parts.items() if name != "hand" for s in shapes)
        return figure.translated(0.0, BED_TOP_CM - lowest_point(body))
    stance = tuple(s for name in _STANCE_PARTS[picture.stance] for s in figure.parts[name])
    return figure.translated(0.0, -lowest_point(stance))


def keyframe_figures(picture: Picture) -> tuple[Figure, ...]:
    """The placed figure at every keyframe."""
    return tuple(place(picture, pose) for pose in picture.poses())


def sampled_figures(picture: Picture) -> tuple[Figure, ...]:
    """Placed figures along the whole movement (joint angles interpolated between keyframes)."""
    poses = picture.poses()
    figures = [place(picture, poses[0])]
    for a, b in itertools.pairwise(poses):
        for i in range(1, SAMPLES_PER_STEP + 1):
            figures.append(place(picture, interpolate(a, b, i / SAMPLES_PER_STEP)))
    return tuple(figures)


def turn_path(picture: Picture, arrow: TurnArrow) -> tuple[Point, ...]:
    """The marker's path, pushed ``offset_cm`` away from the pivot (a curved arrow's line)."""
    path = []
    for figure in sampled_figures(picture):
        mx, my = figure.landmarks[arrow.marker]
        px, py = figure.landmarks[arrow.pivot]
        dist = math.hypot(mx - px, my - py)
        if dist < 1e-6:
            path.append((mx, my))
            continue
        k = (dist + arrow.offset_cm) / dist
        path.append((px + (mx - px) * k, py + (my - py) * k))
    return tuple(path)


_DIRECTIONS = {"forward": (1.0, 0.0), "back": (-1.0, 0.0), "up": (0.0, 1.0), "down": (0.0, -1.0)}


def travel_path(picture: Picture, arrow: TravelArrow) -> tuple[Point, Point]:
    """Start and end of a straight arrow, placed from the last keyframe."""
    sx, sy = keyframe_figures(picture)[-1].landmarks[arrow.start]
    ux, uy = _DIRECTIONS[arrow.direction]
    start = (sx + arrow.dx_cm, sy + arrow.dy_cm)
    return start, (start[0] + ux * arrow.length_cm, start[1] + uy * arrow.length_cm)


def moved_parts(first: Figure, last: Figure, *, threshold_cm: float = MIN_MOVE_CM) -> set[str]:
    """Names of the parts that moved more than ``threshold_cm`` between two figures."""
    moved = set()
    for name, shapes in first.parts.items():
        a = [p for s in shapes for p in shape_points(s)]
        b = [p for s in last.parts[name] for p in shape_points(s)]
        if any(math.dist(p, q) > threshold_cm for p, q in zip(a, b, strict=True)):
            moved.add(name)
    return moved


def check_picture(picture: Picture) -> tuple[str, str] | None:
    """The first thing wrong with ``picture`` as (field, message), or ``None`` when it is fine."""
    figures = keyframe_figures(picture)
    floor = BED_TOP_CM if picture.setting == "bed" else 0.0
    for index, figure in enumerate(figures):
        for name, shapes in figure.parts.items():
            if picture.setting == "bed" and name == "hand":
                continue
            depth = floor - lowest_point(shapes)
            if depth > FLOOR_TOLERANCE_CM:
                where = "the bed" if picture.setting == "bed" else "the floor"
                return (
                    f"keyframes.{index}",
                    f"the {name.replace('_', ' ')} goes {depth:.1f} cm through {where}",
                )
    if not moved_parts(figures[0], figures[-1]):
        return ("keyframes", "nothing moves between the first and the last keyframe")
    for index, arrow in enumerate(picture.arrows):
        if isinstance(arrow, TurnArrow):
            a = figures[0].landmarks[arrow.marker]
            b = figures[-1].landmarks[arrow.marker]
            if math.dist(a, b) < MIN_MOVE_CM:
                return (
                    f"arrows.{index}.marker",
                    f"'{arrow.marker}' does not move, so the arrow would show nothing",
                )
    return None
