"""Run one analysis in a child process, renewing the job's lease while it works.

Why a child process: pose inference is CPU-heavy native code. In a child it cannot hold the
web process's GIL, its memory is returned to the system when it ends, a crash in native code
fails one job instead of taking the web server down, and it can be stopped (killed) cleanly.
The child is ``python -m dorsi.jobs.gait_task`` and answers with one JSON object on stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_RUN_S = 30 * 60.0  # a single analysis never runs longer than this


class ChildFailed(Exception):
    """The child process ended without an answer (crashed, killed, or timed out)."""


class Abandoned(Exception):
    """The job was stopped: the worker is shutting down, or the job is no longer ours."""


def run_child(
    args: list[str],
    *,
    heartbeat: Callable[[], bool],
    heartbeat_s: float,
    stopping: threading.Event,
    max_run_s: float = MAX_RUN_S,
    out_file: Path,
) -> dict[str, Any]:
    """Run ``python -m dorsi.jobs.gait_task ARGS``; its JSON answer (written to ``out_file``).

    Every ``heartbeat_s`` seconds ``heartbeat()`` is called; when it answers False, or when
    ``stopping`` is set, the child is killed and :class:`Abandoned` raised.
    """
    command = [
        sys.executable,
        "-m",
        "dorsi.jobs.gait_task",
        *args,
        "--answer",
        str(out_file),
        "--parent-pid",
        str(os.getpid()),
    ]
    started = time.monotonic()
    with subprocess.Popen(  # noqa: S603 - our own module, arguments we built
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as child:
        next_beat = started + heartbeat_s
        while True:
            try:
                child.wait(timeout=min(1.0, heartbeat_s))
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if stopping.is_set():
                child.kill()
                raise Abandoned("the worker is stopping")
            if now - started > max_run_s:
                child.kill()
                raise ChildFailed(f"the analysis took longer than {max_run_s / 60:.0f} minutes")
            if now >= next_beat:
                next_beat = now + heartbeat_s
                if not heartbeat():
                    child.kill()
                    raise Abandoned("the job is no longer held by this worker")
    if not out_file.exists():
        raise ChildFailed(f"the analysis stopped unexpectedly (exit code {child.returncode})")
    try:
        answer: dict[str, Any] = json.loads(out_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ChildFailed("the analysis gave no readable answer") from exc
    finally:
        out_file.unlink(missing_ok=True)
    return answer


__all__ = ["MAX_RUN_S", "Abandoned", "ChildFailed", "run_child"]
