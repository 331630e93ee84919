"""Sagittal-plane ankle angle from 2-D points.

Convention (as in the clinic, see ``shared/clinical/REFERENCE.md`` section 2): 0 deg = foot at
90 deg to the shank, dorsiflexion positive, plantarflexion negative.

The shank is the line ankle -> knee; the foot is the line heel -> toe. With ``theta`` the
unsigned angle between them, the ankle angle is ``90 - theta``. Being unsigned, it does not
depend on the walking direction or on whether y points up or down.
"""

from __future__ import annotations

import numpy as np

from dorsi.gait.keypoints import FloatArray


def _unit(v: FloatArray) -> FloatArray:
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norm > 0, v / norm, np.nan)


def angle_between_deg(a: FloatArray, b: FloatArray) -> FloatArray:
    """Unsigned angle between vectors ``a`` and ``b`` (``(..., 2)``), in degrees."""
    cos = np.sum(_unit(a) * _unit(b), axis=-1)
    return np.asarray(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))), dtype=np.float64)


def ankle_angle_deg(
    knee: FloatArray, ankle: FloatArray, heel: FloatArray, toe: FloatArray
) -> FloatArray:
    """Ankle angle in degrees (dorsiflexion positive) from ``(..., 2)`` point arrays."""
    return 90.0 - angle_between_deg(knee - ankle, toe - heel)


def segment_length(a: FloatArray, b: FloatArray) -> FloatArray:
    """Distance between two ``(..., 2)`` point arrays."""
    return np.asarray(np.linalg.norm(a - b, axis=-1), dtype=np.float64)
