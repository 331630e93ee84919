"""Load the OpenCap walking trial (../shared/data/opencap-walk) as 2-D sagittal keypoints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dorsi.gait.keypoints import KEYPOINTS, FloatArray, PoseTrack
from tests.conftest import SHARED

DATA = SHARED / "data" / "opencap-walk"
PX_PER_M = 500.0  # a person about 930 px tall, as in a phone video

# our keypoint -> the trial's marker(s) (averaged when several)
VIDEO_MARKERS: dict[str, tuple[str, ...]] = {
    "left_shoulder": ("LShoulder",),
    "right_shoulder": ("RShoulder",),
    "left_hip": ("LHip",),
    "right_hip": ("RHip",),
    "left_knee": ("LKnee",),
    "right_knee": ("RKnee",),
    "left_ankle": ("LAnkle",),
    "right_ankle": ("RAnkle",),
    "left_heel": ("LHeel",),
    "right_heel": ("RHeel",),
    "left_toe": ("LBigToe",),
    "right_toe": ("RBigToe",),
}
# the anatomical (augmented) markers OpenSim's model was fitted to
ANATOMICAL_MARKERS: dict[str, tuple[str, ...]] = {
    **VIDEO_MARKERS,
    "left_knee": ("L_knee_study", "L_mknee_study"),
    "right_knee": ("r_knee_study", "r_mknee_study"),
    "left_ankle": ("L_ankle_study", "L_mankle_study"),
    "right_ankle": ("r_ankle_study", "r_mankle_study"),
    "left_heel": ("L_calc_study",),
    "right_heel": ("r_calc_study",),
    "left_toe": ("L_toe_study",),
    "right_toe": ("r_toe_study",),
}


@dataclass(frozen=True)
class Trial:
    fps: float
    markers: dict[str, FloatArray]  # name -> (frames, 3) metres, Y up
    angles: dict[str, FloatArray]  # OpenSim coordinate -> (frames,) degrees

    def track(self, mapping: dict[str, tuple[str, ...]]) -> PoseTrack:
        """Sagittal projection: the walking direction (principal horizontal axis) and up.

        Image pixels with y down, walking towards +x, so it looks like a side-on video.
        """
        pelvis = (self.markers["LHip"] + self.markers["RHip"]) / 2
        horizontal = pelvis[:, [0, 2]] - pelvis[:, [0, 2]].mean(axis=0)
        _, _, vt = np.linalg.svd(horizontal, full_matrices=False)
        axis = vt[0] if np.dot(vt[0], horizontal[-1] - horizontal[0]) > 0 else -vt[0]
        xy = np.zeros((pelvis.shape[0], len(KEYPOINTS), 2))
        for k, name in enumerate(KEYPOINTS):
            p = np.mean([self.markers[m] for m in mapping[name]], axis=0)
            xy[:, k, 0] = (p[:, [0, 2]] @ axis) * PX_PER_M + 1000.0
            xy[:, k, 1] = 1000.0 - p[:, 1] * PX_PER_M
        return PoseTrack(xy, np.ones(xy.shape[:2]), self.fps)


def load_trial(folder: Path = DATA) -> Trial:
    lines = (folder / "walk.trc").read_text(encoding="utf-8").splitlines()
    fps = float(lines[2].split("\t")[0])
    names = [n for n in lines[3].split("\t")[2:] if n]
    rows = [line.split("\t") for line in lines[5:] if line.strip()]
    data = np.array([[float(v) for v in r[2 : 2 + 3 * len(names)]] for r in rows])
    markers = {n: data[:, 3 * i : 3 * i + 3] for i, n in enumerate(names)}
    mot = (folder / "walk.mot").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(mot) if line.strip() == "endheader") + 1
    columns = mot[start].split()
    values = np.array(
        [[float(v) for v in line.split()] for line in mot[start + 1 :] if line.strip()]
    )
    angles = {c: values[:, j] for j, c in enumerate(columns)}
    return Trial(fps, markers, angles)
