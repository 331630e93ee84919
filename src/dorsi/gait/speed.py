"""Walking speed from a video and a distance the patient gives, with its uncertainty.

A speed from a phone video is the given distance divided by the time the walker was seen
moving across the picture. Neither is exact, and a clinician comparing two visits must know
whether a change is larger than the measure's own wobble, so the speed carries a standard
uncertainty beside it (one standard uncertainty, combined in quadrature as in the GUM; not a
validated confidence interval):

- **the distance** is known to half a unit of its last given digit ("5" metres: +/- 0.5 m;
  "5.2": +/- 0.05 m), the precision of the entry itself, not of the patient's tape measure;
- **the walking time** has each end placed to one frame, and the walk's start and end are
  found by its motion, which is no steadier than its strides: each end is uncertain by one
  frame combined with the stride-to-stride standard deviation of the stride times (both ends
  together: times the square root of 2). With fewer than two strides, only the frames count.

These rules are clinician-set defaults (no published source gives a video's speed
uncertainty); docs/gait.md shows what they give on the demo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from statistics import stdev


@dataclass(frozen=True)
class SpeedEstimate:
    """A walking speed (m/s) and its standard uncertainty, with the parts it is made of."""

    speed_mps: float
    uncertainty_mps: float
    distance_uncertainty_m: float
    time_uncertainty_s: float


def entry_precision_m(distance_m: float) -> float:
    """Half a unit of the last digit of ``distance_m`` as written at its shortest
    (5.0 -> 0.5, 5.25 -> 0.005)."""
    exponent = Decimal(repr(float(distance_m))).normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return 0.5 * 10.0**-places


def video_speed(
    distance_m: float, walking_s: float, *, fps: float, stride_times_s: list[float]
) -> SpeedEstimate:
    """Speed = ``distance_m / walking_s`` with its standard uncertainty (see the module docs).

    Raises ``ValueError`` for a distance, time or frame rate that is not positive.
    """
    if not (distance_m > 0 and walking_s > 0 and fps > 0):
        raise ValueError("distance_m, walking_s and fps must be positive")
    speed = distance_m / walking_s
    u_distance = entry_precision_m(distance_m)
    spread = stdev(stride_times_s) if len(stride_times_s) >= 2 else 0.0
    u_time = math.sqrt(2.0) * math.hypot(1.0 / fps, spread)
    relative = math.hypot(u_distance / distance_m, u_time / walking_s)
    return SpeedEstimate(speed, speed * relative, u_distance, u_time)


__all__ = ["SpeedEstimate", "entry_precision_m", "video_speed"]
