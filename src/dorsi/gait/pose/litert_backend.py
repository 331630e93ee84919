"""BlazePose (full model) run directly on LiteRT, locking onto the person who walks.

Why: MediaPipe's legacy graph runs the same two networks, but with a general-purpose graph
scheduler around them, a segmentation mask and 3-D landmarks Dorsi does not use, and one
person chosen by the detector's score alone. Here the same networks run on LiteRT with the
same crops (:mod:`~dorsi.gait.pose.litert_geometry`), the unused model heads pruned
(:func:`~dorsi.gait.pose.litert_models.prune_outputs`), and the person is chosen by walking.

Two ways to use it:

- :meth:`LiteRTPose.process` (the :class:`~dorsi.gait.pose.PoseBackend` interface): MediaPipe's
  behaviour, frame by frame: detect when nobody is tracked, take the best detection, then follow
  that person with the region from the previous frame's landmarks (no detection while tracking
  holds).
- :meth:`LiteRTPose.track` (used by the pipeline): a stream of frames in, one pose per frame
  out, following the person who *walks* (:class:`~dorsi.gait.pose.litert_tracking.WalkerTracker`),
  so a bystander is not followed for long and the video is read once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from numpy.typing import NDArray

from dorsi.gait.keypoints import KEYPOINTS
from dorsi.gait.pose.frame import FramePose
from dorsi.gait.pose.litert_geometry import Landmarks, Roi
from dorsi.gait.pose.litert_models import BlazePoseNets
from dorsi.gait.pose.litert_tracking import MIN_PRESENCE, WalkerTracker

# BlazePose's 33 landmarks: ours -> its index (the same mapping as the MediaPipe backend)
_BLAZEPOSE: dict[str, int] = {
    "left_shoulder": 11,
    "right_shoulder": 12,
    "left_hip": 23,
    "right_hip": 24,
    "left_knee": 25,
    "right_knee": 26,
    "left_ankle": 27,
    "right_ankle": 28,
    "left_heel": 29,
    "right_heel": 30,
    "left_toe": 31,
    "right_toe": 32,
}
_ORDER = np.array([_BLAZEPOSE[name] for name in KEYPOINTS])


def to_frame_pose(marks: Landmarks) -> FramePose:
    """Dorsi's twelve keypoints from BlazePose's 39 landmarks."""
    return FramePose(
        xy=np.asarray(marks.xy[_ORDER], np.float64),
        visibility=np.clip(marks.visibility[_ORDER], 0.0, 1.0),
    )


class LiteRTPose:
    """BlazePose full on LiteRT (see the module docs).

    Parameters
    ----------
    threads:
        LiteRT threads per network (default :data:`~dorsi.gait.pose.litert_models.DEFAULT_THREADS`,
        or ``DORSI_POSE_THREADS``).
    """

    name = "litert-blazepose-full"
    #: the pipeline need not search again behind bystanders: :meth:`track` chose the walker
    finds_walker = True

    def __init__(self, *, threads: int | None = None) -> None:
        self._nets = BlazePoseNets(threads=threads)
        self._roi: Roi | None = None
        #: set by :meth:`track` when someone else was followed and dropped as not walking
        self.others_seen = False
        self.tracker: WalkerTracker[NDArray[np.uint8]] | None = None

    # -- the PoseBackend interface: MediaPipe's single-person behaviour -------------------

    def process(self, frame_rgb: NDArray[np.uint8]) -> FramePose | None:
        if self._roi is None:
            found = self._nets.detect(frame_rgb, bgr=False)
            if not found:
                return None
            self._roi = found[0].roi()
        marks = self._nets.landmarks(frame_rgb, self._roi, bgr=False)
        if marks.presence < MIN_PRESENCE:
            self._roi = None
            return None
        self._roi = marks.next_roi()
        return to_frame_pose(marks)

    def reset(self) -> None:
        self._roi = None

    def close(self) -> None:
        self._nets.close()

    # -- the walker-following stream -------------------------------------------------------

    def track(
        self, frames_bgr: Iterable[NDArray[np.uint8]], *, fps: float
    ) -> Iterator[FramePose | None]:
        """One pose (or None) per frame, in order, following the walker.

        Frames are BGR as OpenCV decodes them. Each pose is yielded a fraction of a second
        after its frame (see :class:`~dorsi.gait.pose.litert_tracking.WalkerTracker`).
        """
        nets = self._nets
        tracker: WalkerTracker[NDArray[np.uint8]] = WalkerTracker(
            lambda frame: nets.detect(frame, bgr=True),
            lambda frame, roi: nets.landmarks(frame, roi, bgr=True),
            fps=fps,
        )
        self.tracker = tracker
        for marks in tracker.run(frames_bgr):
            yield None if marks is None else to_frame_pose(marks)
        self.others_seen = tracker.others_seen
