"""Audit anchors kept outside the database, so a chain cut off at the end is caught.

The hash chain (:mod:`dorsi.store.audit_chain`) shows an entry changed, deleted or inserted in
the middle, but someone who can write to the database can cut entries off the END and the
shorter chain still verifies. An *anchor* is the head of the chain (``ID:HASH``) written
somewhere the database cannot reach; a chain that no longer holds every anchored entry with
the anchored hash was cut or rewritten.

The anchor file (``DORSI_AUDIT_ANCHOR_FILE``) is plain text, one anchor a line, only ever
appended to::

    1234:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 2026-03-02T09:00:00Z

Lines starting with ``#`` are comments. Who appends: ``dorsi audit anchor``, ``dorsi backup``
(which also writes ``<backup>.anchor`` beside the backup), and ``dorsi serve`` and
``dorsi worker`` every ``DORSI_AUDIT_ANCHOR_MINUTES`` when the head has moved
(:class:`AnchorKeeper`). ``dorsi audit verify`` checks the chain against every line. Keep the
file where the database's users cannot write (another machine, a write-once bucket, a log
shipper): an anchor file next to the database is only as safe as the database.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from dorsi.errors import InputError
from dorsi.settings import Settings
from dorsi.store.audit_chain import head, parse_anchor
from dorsi.store.db import make_engine

log = logging.getLogger("dorsi.audit")


@dataclass(frozen=True)
class Anchor:
    """One recorded head: the entry id, its hash, when it was recorded, where (file:line)."""

    entry_id: int
    entry_hash: str
    at: str
    source: str = ""

    def line(self) -> str:
        return f"{self.entry_id}:{self.entry_hash} {self.at}"


def anchor_now(entry_id: int, entry_hash: str, now: datetime) -> Anchor:
    at = now.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Anchor(entry_id, entry_hash, at)


def read_anchors(path: Path) -> list[Anchor]:
    """Every anchor in the file; InputError naming the file and line of a bad one."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            f"the anchor file '{path}' does not exist (it is made by 'dorsi audit anchor', "
            "dorsi serve and dorsi worker once the audit log has entries)",
            field="anchors",
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read '{path}': {exc.strerror}", field="anchors") from None
    anchors = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        head, _, at = line.partition(" ")
        try:
            entry_id, entry_hash = parse_anchor(head)
        except ValueError as exc:
            raise InputError(f"{path}, line {number}: {exc}", field="anchors") from None
        anchors.append(Anchor(entry_id, entry_hash, at.strip(), f"{path}:{number}"))
    return anchors


def last_anchor(path: Path) -> Anchor | None:
    """The newest anchor of the file (None when it is missing or empty)."""
    if not path.exists():
        return None
    anchors = read_anchors(path)
    return anchors[-1] if anchors else None


def append_anchor(path: Path, anchor: Anchor) -> None:
    """Append one line (opened for appending only, flushed to disk before returning)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (anchor.line() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def record_head(head: tuple[int, str], path: Path, now: datetime) -> Anchor | None:
    """Append the head unless the file's last anchor is already this head (or the log is
    empty); the anchor written, else None."""
    entry_id, entry_hash = head
    if entry_id == 0:
        return None
    last = last_anchor(path)
    if last is not None and (last.entry_id, last.entry_hash) == (entry_id, entry_hash):
        return None
    anchor = anchor_now(entry_id, entry_hash, now)
    append_anchor(path, anchor)
    return anchor


class AnchorKeeper:
    """A daemon thread that records the head every ``interval_s`` (for serve and worker).

    ``read_head`` opens its own short transaction; failures are logged and tried again next
    time (the database may be restarting), never raised into the server.
    """

    def __init__(
        self,
        path: Path,
        read_head: Callable[[], tuple[int, str]],
        *,
        interval_s: float,
        clock: Callable[[], datetime],
        close: Callable[[], None] | None = None,
    ) -> None:
        self.path = path
        self._close = close
        self.read_head = read_head
        self.interval_s = interval_s
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def record_once(self) -> Anchor | None:
        return record_head(self.read_head(), self.path, self.clock())

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="dorsi-audit-anchor", daemon=True
            )
            self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        if self._close is not None:
            self._close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.record_once()
            except Exception as exc:  # the database may be restarting: try again next time
                log.warning(
                    "audit anchor not recorded (%s); trying again later", type(exc).__name__
                )
            self._stop.wait(self.interval_s)


def keeper_for(settings: Settings, database_url: str) -> AnchorKeeper | None:
    """The keeper ``dorsi serve`` and ``dorsi worker`` run when DORSI_AUDIT_ANCHOR_FILE is set."""
    if settings.audit_anchor_file is None:
        return None

    engine = make_engine(database_url)

    def read_head() -> tuple[int, str]:
        with Session(engine) as session, session.begin():
            return head(session)

    return AnchorKeeper(
        settings.audit_anchor_file,
        read_head,
        interval_s=settings.audit_anchor_minutes * 60.0,
        clock=lambda: datetime.now(UTC),
        close=engine.dispose,
    )


__all__ = [
    "Anchor",
    "AnchorKeeper",
    "anchor_now",
    "append_anchor",
    "keeper_for",
    "last_anchor",
    "read_anchors",
    "record_head",
]
