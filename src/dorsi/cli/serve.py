"""``dorsi serve``: run the clinic web app (migrations are applied first)."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dorsi.settings import Settings


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="app processes (default: DORSI_WORKERS, else one per CPU core, at most "
        f"{MAX_AUTO_WORKERS})",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="fill an empty database with the demo clinic first and print its logins",
    )


MAX_AUTO_WORKERS = 4
#: room for the request line (method, path and query) beside the headers, in the server's cap
REQUEST_LINE_BYTES = 8192


def worker_count(requested: int | None, configured: int, database_url: str) -> int:
    """How many app processes to run: asked for, else configured, else one per core (<= 4).

    Several processes share one SQLite file only where writers can take turns on a file lock
    (``fcntl``: Linux, macOS); elsewhere, and for an in-memory database, one process.
    """
    from dorsi.errors import InputError

    if requested is not None and not 1 <= requested <= 64:
        raise InputError("must be from 1 to 64", field="--workers")
    count = requested or configured or min(os.cpu_count() or 1, MAX_AUTO_WORKERS)
    if database_url.startswith("sqlite"):
        try:
            import fcntl  # noqa: F401
        except ImportError:  # pragma: no cover - Windows
            return 1
        if ":memory:" in database_url or database_url.rstrip("/") == "sqlite:":
            return 1
    return count


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    from dorsi.errors import InputError
    from dorsi.store import require_web_extra

    require_web_extra()
    if not 1 <= args.port <= 65535:
        raise InputError("must be from 1 to 65535", field="--port")
    import uvicorn

    from dorsi.settings import get_settings
    from dorsi.web.app import SERVE_PID_VARIABLE, create_app, prepare_database

    settings = get_settings()
    if args.demo:
        from dorsi.cli.demo import fill_and_describe

        print(fill_and_describe(quiet_if_full=True), end="", flush=True)
    if not _loopback(args.host) and not settings.trust_proxy:
        print(
            "dorsi serve: warning: listening beyond this machine over plain http; put a TLS "
            "reverse proxy in front and set DORSI_TRUST_PROXY=true (see docs/web.md)",
            file=sys.stderr,
        )
    workers = worker_count(args.workers, settings.workers, settings.resolved_database_url)
    common: dict[str, object] = {
        "host": args.host,
        "port": args.port,
        # h11, whose header cap can be set (uvicorn has none for httptools): a header block
        # still arriving past the app's total cap plus room for the request line is dropped
        # by the server (400) instead of buffered on; the app's HeaderLimit (431) is the rule.
        "http": "h11",
        "h11_max_incomplete_event_size": settings.max_headers_total_bytes + REQUEST_LINE_BYTES,
        "proxy_headers": settings.trust_proxy,
        "forwarded_allow_ips": "*" if settings.trust_proxy else None,
        # Access logs would record paths with patient ids and one-time sign-in links.
        "access_log": False,
        "log_level": "warning",
        "server_header": False,
    }
    if workers == 1:
        app = create_app(settings)
        _warn_about_python()
        print(f"Dorsi is running at http://{args.host}:{args.port}/  (Ctrl+C stops it)", flush=True)
        with _anchors(settings):
            uvicorn.run(app, **common)  # type: ignore[arg-type]
        return 0
    prepare_database(settings)  # migrations once, here, before the app processes start
    os.environ[SERVE_PID_VARIABLE] = str(os.getpid())  # the app processes end with this one
    _warn_about_python()
    print(
        f"Dorsi is running at http://{args.host}:{args.port}/  ({workers} app processes; "
        "Ctrl+C stops it)",
        flush=True,
    )
    with _anchors(settings):
        uvicorn.run(
            "dorsi.web.app:worker_app",
            factory=True,
            workers=workers,
            **common,  # type: ignore[arg-type]
        )
    return 0


def _warn_about_python() -> None:
    """Known flaws of this Python (docs/deploy.md, Security), said once the app is ready to
    serve, so that a refusal before it stays the one line it is."""
    from dorsi.advisories import warnings_for

    for line in warnings_for():
        print(f"dorsi serve: warning: {line}", file=sys.stderr)


@contextlib.contextmanager
def _anchors(settings: Settings) -> Iterator[None]:
    """With DORSI_AUDIT_ANCHOR_FILE: record the audit head there while serving (in this one
    process, however many app processes serve)."""
    from dorsi.store.audit_anchors import keeper_for

    keeper = keeper_for(settings, settings.resolved_database_url)
    if keeper is not None:
        keeper.start()
    try:
        yield
    finally:
        if keeper is not None:
            keeper.stop()
