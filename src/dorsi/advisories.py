"""Known flaws of the Python running Dorsi, for a warning at set-up and at ``dorsi serve``.

Dorsi works around each (see docs/deploy.md, "Security"), so an older patch release still
runs; the warning says which release carries the fix. ``python -m dorsi.advisories`` prints
the warnings on standard output and always exits 0 (``scripts/setup`` calls it).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

#: CVE-2024-7592: cookie parsing (http.cookies, and Starlette's cookie parser, which uses
#: its unquoting) takes quadratic time on backslashes in a quoted value. First fixed patch
#: release per minor version; 3.13 has it from 3.13.0 final, later minors from the start.
COOKIE_FIX: dict[tuple[int, int], tuple[int, int, int]] = {
    (3, 11): (3, 11, 10),
    (3, 12): (3, 12, 6),
    (3, 13): (3, 13, 0),
}


def _has_cookie_fix(version: Sequence[int | str]) -> bool:
    major, minor, micro = int(version[0]), int(version[1]), int(version[2])
    release_level = str(version[3]) if len(version) > 3 else "final"
    first = COOKIE_FIX.get((major, minor))
    if first is None:
        return (major, minor) > max(COOKIE_FIX)
    if (major, minor, micro) == first and first[2] == 0:
        return release_level == "final"  # 3.13.0's alphas and first candidate lack it
    return (major, minor, micro) >= first


def warnings_for(version: Sequence[int | str] = tuple(sys.version_info)) -> list[str]:
    """One line per known flaw of Python ``version`` (``sys.version_info``); empty when none."""
    found = []
    if not _has_cookie_fix(version):
        shown = ".".join(str(part) for part in version[:3])
        releases = ", ".join(".".join(map(str, v)) + "+" for v in COOKIE_FIX.values())
        found.append(
            f"Python {shown} lacks the fix for CVE-2024-7592 (cookie parsing takes quadratic "
            f"time); use {releases}. Meanwhile Dorsi refuses cookies over "
            "DORSI_MAX_COOKIE_BYTES (8 KiB), which bounds the cost (docs/deploy.md, Security)"
        )
    return found


def main() -> int:
    for line in warnings_for():
        print(f"warning: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
