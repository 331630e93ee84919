"""A child process that ends with its parent, even when the parent is killed (SIGKILL).

Used by ``dorsi serve --workers N``'s app processes (a crashed parent must not leave them
serving on its port) and by the gait analysis child (a killed worker must not leave an
analysis burning a core for a job another worker has since taken over).

Linux: the kernel sends SIGKILL when the parent ends (``PR_SET_PDEATHSIG``). Elsewhere a daemon
thread checks the parent once a second.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
POLL_S = 1.0


def die_with_parent(parent_pid: int | None = None) -> None:
    """End this process when its parent ends.

    ``parent_pid``: the parent the caller expects; when the process already has another
    parent (the expected one ended before this call), it ends at once.
    """
    parent = os.getppid()
    if parent_pid is not None and parent != parent_pid:
        os.kill(os.getpid(), signal.SIGKILL)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError, TypeError):  # no prctl (macOS), no libc handle (Windows)
        _watch(parent)
        return
    if os.getppid() != parent:  # the parent ended between the two calls
        os.kill(os.getpid(), signal.SIGKILL)


def _watch(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(POLL_S)
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))

    threading.Thread(target=watch, name="dorsi-parent-watch", daemon=True).start()


__all__ = ["die_with_parent"]
