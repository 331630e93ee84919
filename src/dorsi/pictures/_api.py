"""The public entry points: one exercise id in, picture bytes out."""

from __future__ import annotations

from typing import Literal, get_args

from dorsi.errors import InputError
from dorsi.pictures.scene import Scene

PictureFormat = Literal["svg", "png"]
DEFAULT_WIDTH_PX = 480
MIN_WIDTH_PX = 120
MAX_WIDTH_PX = 4000


def exercise_scene(exercise_id: str) -> Scene:
    """The scene of one exercise; :class:`~dorsi.errors.NotFoundError` for an unknown id."""
    from dorsi.catalog.exercises import load_exercises
    from dorsi.pictures.compose import compose
    from dorsi.pictures.pose_file import load_poses

    exercise = load_exercises().get(exercise_id)  # NotFoundError listing the valid ids
    return compose(load_poses().pictures[exercise.id], title=exercise.name)


def _check_width(width_px: int) -> None:
    if isinstance(width_px, bool) or not isinstance(width_px, int):
        raise InputError(f"must be a whole number of pixels (got {width_px!r})", field="width_px")
    if not MIN_WIDTH_PX <= width_px <= MAX_WIDTH_PX:
        raise InputError(
            f"must be from {MIN_WIDTH_PX} to {MAX_WIDTH_PX} (got {width_px})", field="width_px"
        )


def render_exercise_picture(
    exercise_id: str, fmt: PictureFormat, *, width_px: int = DEFAULT_WIDTH_PX
) -> bytes:
    """The picture of ``exercise_id`` as SVG (UTF-8) or PNG bytes, ``width_px`` wide.

    Raises
    ------
    NotFoundError
        ``exercise_id`` is not in the catalog (the message lists the valid ids).
    InputError
        ``fmt`` is not ``"svg"`` or ``"png"``, or ``width_px`` is out of range.
    """
    if fmt not in get_args(PictureFormat):
        raise InputError(f"must be 'svg' or 'png' (got {fmt!r})", field="fmt")
    _check_width(width_px)
    scene = exercise_scene(exercise_id)
    if fmt == "svg":
        from dorsi.pictures.svg import render_svg

        return render_svg(scene, width_px=width_px).encode("utf-8")
    from dorsi.pictures.png import render_png

    return render_png(scene, width_px=width_px)


def render_exercise_animation(exercise_id: str, *, width_px: int = DEFAULT_WIDTH_PX) -> bytes:
    """A short looping SVG animation of ``exercise_id`` for the web page (UTF-8 bytes).

    The movement plays forth and back; people who ask their system for reduced motion see the
    still picture instead.
    """
    from dorsi.catalog.exercises import load_exercises
    from dorsi.pictures.animate import render_animation
    from dorsi.pictures.pose_file import load_poses

    _check_width(width_px)
    exercise = load_exercises().get(exercise_id)
    picture = load_poses().pictures[exercise.id]
    return render_animation(picture, title=exercise.name, width_px=width_px).encode("utf-8")


def picture_format_for(path: str) -> PictureFormat:
    """``"svg"`` or ``"png"`` from a file name; :class:`InputError` for anything else."""
    lowered = path.lower()
    if lowered.endswith(".svg"):
        return "svg"
    if lowered.endswith(".png"):
        return "png"
    raise InputError(f"must end in .svg or .png (got '{path}')", field="--picture")
