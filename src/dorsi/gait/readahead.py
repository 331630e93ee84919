"""Decoding in a background thread, a few frames ahead of the pose model.

OpenCV's decoder and LiteRT both release Python's GIL while they work, so on a two-core
laptop the next frames decode while the model runs on the current one. Only ``depth`` frames
are ever held (memory stays flat however long the video is). An error in the decoder is
raised in the reading thread, at the frame where it happened.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import TypeVar

T = TypeVar("T")

_END = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def read_ahead(source: Iterator[T], *, depth: int = 4) -> Generator[T, None, None]:
    """The items of ``source``, produced in a background thread up to ``depth`` ahead.

    Closing the returned generator early (or dropping it) stops the thread and closes
    ``source``.
    """
    if depth < 1:
        raise ValueError("depth must be at least 1")
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in source:
                if not put(item):
                    break
        except BaseException as error:  # handed to the reader, raised there
            put(_Failure(error))
            return
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()
        put(_END)

    worker = threading.Thread(target=produce, name="dorsi-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = buffer.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join(timeout=5.0)
