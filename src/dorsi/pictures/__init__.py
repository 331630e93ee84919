"""Pictures of the exercises: generated vector figures from a small pose description.

Each exercise has an entry in ``catalog/data/exercise_poses.yaml`` (setting, props, keyframes of
joint angles, highlighted part, arrows, caption). From it the code builds a side-view scene of
simple shapes (:mod:`dorsi.pictures.compose`) and draws it as SVG (pure string building) or PNG
(Pillow). All pictures share one style; a new exercise needs only a new pose entry.

Public API::

    render_exercise_picture("seated_dorsiflexion", "svg", width_px=480) -> bytes
    render_exercise_animation("seated_dorsiflexion", width_px=480) -> bytes   # looping SVG
    exercise_scene("seated_dorsiflexion") -> Scene
"""

from __future__ import annotations

from dorsi.pictures._api import (
    DEFAULT_WIDTH_PX,
    MAX_WIDTH_PX,
    MIN_WIDTH_PX,
    PictureFormat,
    exercise_scene,
    picture_format_for,
    render_exercise_animation,
    render_exercise_picture,
)

__all__ = [
    "DEFAULT_WIDTH_PX",
    "MAX_WIDTH_PX",
    "MIN_WIDTH_PX",
    "PictureFormat",
    "exercise_scene",
    "picture_format_for",
    "render_exercise_animation",
    "render_exercise_picture",
]
