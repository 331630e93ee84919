"""A fake camera feed for chromium (``--use-file-for-fake-video-capture``): frames of a real
side-on video written as Y4M (YUV 4:2:0), the format chromium's fake capture device reads.

The frames come from ``shared/data/sports2d-demo/demo.mp4`` (BSD-3-Clause): a woman walking
side-on, so the pose model sees a real lower leg and foot. It is a walking clip, not a seated
exercise: it proves the page runs the model on a live stream, not the accuracy of the angles
(that is benchmarks/camera.py and docs/camera.md).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT.parent / "shared" / "data" / "sports2d-demo" / "demo.mp4"


def demo_video() -> Path:
    if DEMO.exists():
        return DEMO
    raise FileNotFoundError(f"{DEMO} is missing (shared/data/sports2d-demo/demo.mp4)")


def write_y4m(
    out: Path,
    video: Path,
    *,
    first: int = 40,
    count: int = 90,
    width: int = 640,
    height: int = 360,
    fps: int = 30,
) -> Path:
    """Frames ``first`` .. ``first + count`` of ``video``, scaled to ``width`` x ``height``."""
    import cv2

    capture = cv2.VideoCapture(str(video))
    try:
        capture.set(cv2.CAP_PROP_POS_FRAMES, first)
        with out.open("wb") as f:
            f.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
            for _ in range(count):
                ok, frame = capture.read()
                if not ok:
                    break
                small = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
                f.write(b"FRAME\n")
                f.write(cv2.cvtColor(small, cv2.COLOR_BGR2YUV_I420).tobytes())
    finally:
        capture.release()
    return out
