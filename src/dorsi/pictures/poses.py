"""The pose description of each exercise picture (``catalog/data/exercise_poses.yaml``).

One entry per exercise id: where the person is (``setting``), the props, a list of keyframes
(joint angles; each keyframe changes only what it names), which parts to highlight, the arrows
and a short caption. Adding an exercise picture needs only a new entry here.

Validated on load (:mod:`dorsi.pictures.pose_file`), failing with
:class:`~dorsi.errors.CatalogError` naming the file and field: ids must be exercises of the
catalog, every catalog exercise needs a picture, angles must lie in the anatomical ranges of
:data:`ANGLE_LIMITS_DEG`, the arrow's marker must really move, and no keyframe may push a body
part through the floor.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from dorsi.catalog.sourced import CatalogModel, Evidence
from dorsi.pictures.figure import Arm, BodyPose, Leg

FILENAME = "exercise_poses.yaml"

# Anatomical limits for drawing: (low, high, where the bound comes from). They reject a pose a
# body cannot take (a knee bent backwards, an ankle past its range); they are not targets.
ANGLE_LIMITS_DEG: dict[str, tuple[float, float, str]] = {
    "ankle_deg": (
        -50.0,
        30.0,
        "dorsiflexion: normal 13 deg (AAOS) to 20 deg (AMA), REFERENCE 2.2, plus margin; "
        "plantarflexion 50 deg: clinician_default (no figure in REFERENCE)",
    ),
    "knee_deg": (0.0, 145.0, "clinician_default: a knee never bends backwards"),
    "hip_deg": (-30.0, 125.0, "clinician_default: usual hip extension/flexion range"),
    "toes_deg": (-30.0, 70.0, "clinician_default: usual big-toe joint range"),
    "toe_curl_deg": (0.0, 90.0, "clinician_default: toe tips curl down only"),
    "trunk_deg": (-20.0, 80.0, "clinician_default: lean range of a supported trunk"),
    "shoulder_deg": (-50.0, 180.0, "clinician_default: usual shoulder range"),
    "elbow_deg": (0.0, 150.0, "clinician_default: an elbow never bends backwards"),
}

Setting = Literal["chair", "standing", "bed"]
Stance = Literal["both", "near", "far"]
Prop = Literal[
    "stool",
    "table",
    "band",
    "wall",
    "counter",
    "counter_side",
    "stairs",
    "towel",
    "strap",
]
PartName = Literal[
    "head",
    "trunk",
    "upper_arm",
    "forearm",
    "hand",
    "near_thigh",
    "near_shank",
    "near_foot",
    "near_toes",
    "far_thigh",
    "far_shank",
    "far_foot",
    "far_toes",
]
Landmark = Literal[
    "hip",
    "shoulder",
    "head",
    "elbow",
    "wrist",
    "hand",
    "near_hip",
    "near_knee",
    "near_ankle",
    "near_heel",
    "near_heel_back",
    "near_ball",
    "near_mtp",
    "near_toe_knuckle",
    "near_toe_tip",
    "near_forefoot_top",
    "near_instep",
    "far_hip",
    "far_knee",
    "far_ankle",
    "far_heel",
    "far_heel_back",
    "far_ball",
    "far_mtp",
    "far_toe_knuckle",
    "far_toe_tip",
    "far_forefoot_top",
    "far_instep",
]
Direction = Literal["forward", "back", "up", "down"]


def _angle(name: str) -> Any:
    low, high, _ = ANGLE_LIMITS_DEG[name]
    return Field(default=None, ge=low, le=high)


class LegAngles(CatalogModel):
    """Angles of one leg in a keyframe; a missing angle keeps its previous value."""

    hip_deg: float | None = _angle("hip_deg")
    knee_deg: float | None = _angle("knee_deg")
    ankle_deg: float | None = _angle("ankle_deg")
    toes_deg: float | None = _angle("toes_deg")
    toe_curl_deg: float | None = _angle("toe_curl_deg")


class ArmAngles(CatalogModel):
    """Angles of the near arm in a keyframe; a missing angle keeps its previous value."""

    shoulder_deg: float | None = _angle("shoulder_deg")
    elbow_deg: float | None = _angle("elbow_deg")


class Keyframe(CatalogModel):
    """What changes at this keyframe. In the first keyframe, a missing ``far`` copies ``near``."""

    trunk_deg: float | None = _angle("trunk_deg")
    near: LegAngles = LegAngles()
    far: LegAngles | None = None
    arm: ArmAngles = ArmAngles()


class TurnArrow(CatalogModel):
    """A curved arrow that follows ``marker`` through the keyframes, set off from ``pivot``."""

    kind: Literal["turn"]
    marker: Landmark
    pivot: Landmark
    offset_cm: float = Field(default=6.0, ge=0.0, le=40.0)
    both_ways: bool = False
    in_zoom: bool = False


class TravelArrow(CatalogModel):
    """A straight arrow of ``length_cm`` pointing ``direction``, starting near ``start``."""

    kind: Literal["travel"]
    start: Landmark
    direction: Direction
    dx_cm: float = Field(default=0.0, ge=-100.0, le=100.0)
    dy_cm: float = Field(default=0.0, ge=-100.0, le=100.0)
    length_cm: float = Field(default=25.0, gt=2.0, le=120.0)
    in_zoom: bool = False


class Label(CatalogModel):
    """A short text drawn next to a landmark (e.g. letters near the toes)."""

    text: str = Field(min_length=1, max_length=24)
    at: Landmark
    dx_cm: float = Field(default=0.0, ge=-100.0, le=100.0)
    dy_cm: float = Field(default=0.0, ge=-100.0, le=100.0)


class Zoom(CatalogModel):
    """A round close-up of a small part (the toes), drawn beside the figure."""

    center: Landmark
    dx_cm: float = Field(default=0.0, ge=-30.0, le=30.0)
    dy_cm: float = Field(default=0.0, ge=-30.0, le=30.0)
    scale: float = Field(default=3.0, ge=1.5, le=6.0)
    radius_cm: float = Field(default=13.0, ge=5.0, le=30.0)


class Picture(CatalogModel):
    """How one exercise is drawn."""

    setting: Setting
    stance: Stance = "both"
    props: tuple[Prop, ...] = ()
    keyframes: tuple[Keyframe, ...] = Field(min_length=2, max_length=6)
    highlight: tuple[PartName, ...] = Field(min_length=1)
    arrows: tuple[Annotated[TurnArrow | TravelArrow, Field(discriminator="kind")], ...] = Field(
        min_length=1, max_length=3
    )
    labels: tuple[Label, ...] = ()
    zoom: Zoom | None = None
    caption: str = Field(min_length=3, max_length=80)

    @model_validator(mode="after")
    def _check(self) -> Picture:
        if self.zoom is None and any(a.in_zoom for a in self.arrows):
            raise ValueError("an arrow is marked in_zoom but the picture has no zoom")
        if len(set(self.props)) != len(self.props):
            raise ValueError("a prop is listed twice")
        return self

    def poses(self) -> tuple[BodyPose, ...]:
        """The full body pose at each keyframe (each one builds on the one before)."""
        result: list[BodyPose] = []
        current = BodyPose()
        for index, frame in enumerate(self.keyframes):
            near = _apply_leg(current.near, frame.near)
            if frame.far is not None:
                far = _apply_leg(current.far, frame.far)
            elif index == 0:
                far = near
            else:
                far = current.far
            arm = Arm(
                shoulder_deg=_pick(frame.arm.shoulder_deg, current.arm.shoulder_deg),
                elbow_deg=_pick(frame.arm.elbow_deg, current.arm.elbow_deg),
            )
            current = BodyPose(
                trunk_deg=_pick(frame.trunk_deg, current.trunk_deg), near=near, far=far, arm=arm
            )
            result.append(current)
        return tuple(result)


def _pick(new: float | None, old: float) -> float:
    return old if new is None else new


def _apply_leg(old: Leg, new: LegAngles) -> Leg:
    return Leg(
        hip_deg=_pick(new.hip_deg, old.hip_deg),
        knee_deg=_pick(new.knee_deg, old.knee_deg),
        ankle_deg=_pick(new.ankle_deg, old.ankle_deg),
        toes_deg=_pick(new.toes_deg, old.toes_deg),
        toe_curl_deg=_pick(new.toe_curl_deg, old.toe_curl_deg),
    )


class PoseFile(CatalogModel):
    """The whole pose file."""

    source: str = Field(min_length=3)
    evidence: Evidence
    pictures: dict[str, Picture] = Field(min_length=1)


# How far (cm) a drawn part may sink below the floor or seat before the data is rejected;
# a heel rolling on the floor dips this much when the toes lift about the ankle joint.
FLOOR_TOLERANCE_CM = 1.5
# The smallest movement (cm) of an arrow's marker that counts as "the part moves".
MIN_MOVE_CM = 1.0


__all__ = [
    "ANGLE_LIMITS_DEG",
    "FILENAME",
    "FLOOR_TOLERANCE_CM",
    "MIN_MOVE_CM",
    "ArmAngles",
    "Keyframe",
    "Label",
    "LegAngles",
    "Picture",
    "PoseFile",
    "TravelArrow",
    "TurnArrow",
    "Zoom",
]
