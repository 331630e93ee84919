"""The public entry points: one exercise id in, picture bytes out."""

from __future__ import annotations

from typing import Literal, get_args

from dorsi.catalog.exercises import load_exercises
from dorsi.errors import InputError
from dorsi.i18n import normalize_language
from dorsi.pictures.animate import render_animation
from dorsi.pictures.compose import compose
from dorsi.pictures.png import render_png
from dorsi.pictures.pose_file import load_poses
from dorsi.pictures.scene import Scene
from dorsi.pictures.svg import render_svg

PictureFormat = Literal["svg", "png"]
DEFAULT_WIDTH_PX = 480
MIN_WIDTH_PX = 120
MAX_WIDTH_PX = 4000


def exercise_scene(exercise_id: str, lang: str = "en") -> Scene:
    """The scene of one exercise, its words in ``lang``; :class:`~dorsi.errors.NotFoundError`
    for an unknown id."""

    language = normalize_language(lang)
    exercise = load_exercises(language).get(exercise_id)  # NotFoundError listing the valid ids
    picture = load_poses(language).pictures[exercise.id]
    return compose(picture, title=exercise.name, lang=language)


def _check_width(width_px: int) -> None:
    if isinstance(width_px, bool) or not isinstance(width_px, int):
        raise InputError(f"must be a whole number of pixels (got {width_px!r})", field="width_px")
    if not MIN_WIDTH_PX <= width_px <= MAX_WIDTH_PX:
        raise InputError(
            f"must be from {MIN_WIDTH_PX} to {MAX_WIDTH_PX} (got {width_px})", field="width_px"
        )


def render_exercise_picture(
    exercise_id: str, fmt: PictureFormat, *, width_px: int = DEFAULT_WIDTH_PX, lang: str = "en"
) -> bytes:
    """The picture of ``exercise_id`` as SVG (UTF-8) or PNG bytes, ``width_px`` wide, its
    caption and key in ``lang``.

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
    scene = exercise_scene(exercise_id, lang)
    if fmt == "svg":
        return render_svg(scene, width_px=width_px).encode("utf-8")
    return render_png(scene, width_px=width_px)


def render_exercise_animation(
    exercise_id: str, *, width_px: int = DEFAULT_WIDTH_PX, lang: str = "en"
) -> bytes:
    """A short looping SVG animation of ``exercise_id`` for the web page (UTF-8 bytes).

    The movement plays forth and back; people who ask their system for reduced motion see the
    still picture instead.
    """
    _check_width(width_px)
    language = normalize_language(lang)
    exercise = load_exercises(language).get(exercise_id)
    picture = load_poses(language).pictures[exercise.id]
    svg = render_animation(picture, title=exercise.name, width_px=width_px, lang=language)
    return svg.encode("utf-8")


def picture_format_for(path: str) -> PictureFormat:
    """``"svg"`` or ``"png"`` from a file name; :class:`InputError` for anything else."""
    lowered = path.lower()
    if lowered.endswith(".svg"):
        return "svg"
    if lowered.endswith(".png"):
        return "png"
    raise InputError(f"must end in .svg or .png (got '{path}')", field="--picture")
