"""Gait from a phone video: ankle angle in swing, toe clearance, events, side-to-side comparison.

Public API::

    from dorsi.gait import analyze_video, GaitReport
    report = analyze_video("walk.mp4", affected_side="left")
    report.model_dump(mode="json")  # the JSON of ``dorsi gait analyze --json``

Importing this package is cheap: numpy, OpenCV and the pose model load only when a video is
analysed. Without the ``gait`` extra, :func:`analyze_video` raises
:class:`~dorsi.errors.MissingExtraError` saying how to install it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dorsi.gait.report import GaitReport

if TYPE_CHECKING:
    from dorsi.gait.keypoints import Side


def analyze_video(
    path: str | Path,
    *,
    affected_side: Side | None = None,
    cutoff_hz: float = 6.0,
    backend: str | None = None,
) -> GaitReport:
    """Analyse one side-on walking video (see :func:`dorsi.gait.pipeline.analyze_video`;
    ``backend`` names the pose backend, ``None`` for the default)."""
    from dorsi.gait._extra import require_gait_extra

    require_gait_extra()
    from dorsi.gait.pipeline import analyze_video as _analyze

    return _analyze(path, affected_side=affected_side, cutoff_hz=cutoff_hz, backend=backend).report


__all__ = ["GaitReport", "analyze_video"]
