"""The patient pages as an installable app: the web app manifest and the service worker.

- ``GET /manifest.webmanifest``: name, icons (PNG files in ``static/icons``, made by
  ``scripts/make-icons``), start at Today, standalone. Linked from the patient pages.
- ``GET /sw.js``: the service worker (``web/sw.js``). Served from the root, not from
  ``/static``, because a worker controls only the pages under its own path: from here it may
  keep Today and the guided session for offline use. Its text names a version made from the
  files it keeps, so any change to them installs a new worker that drops the old copies. The
  camera's built assets (``static/vendor``, about 21 MB) are kept only once the patient turns
  the camera on, in a cache named after their build stamp (:func:`camera_version`).

Both are public and hold no patient data. What is cached, and the privacy choices, are in
``docs/offline.md``.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from dorsi import __version__
from dorsi.web.deps import action

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
VENDOR = STATIC / "vendor"
WORKER = HERE / "sw.js"
MANIFEST_PATH = "/manifest.webmanifest"

#: What the worker keeps for every patient (no patient data): styles, scripts, icons, the
#: offline page. The patient's own pages and pictures are kept apart (``static/pwa.js``).
OFFLINE_STATIC = (
    "dorsi.css",
    "favicon.svg",
    "offline-store.js",
    "offline.html",
    "pwa.js",
    "session.js",
    # the camera measure's page code (13 KB; its pose model is kept on first use, see sw.js)
    "camera.js",
    "camera-maths.mjs",
    "camera.css",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-192.png",
    "icons/maskable-512.png",
)

THEME_COLOUR = "#0b57a4"  # the accent of static/dorsi.css and of the icons
MANIFEST: dict[str, Any] = {
    "id": "/me",
    "name": "Dorsi",
    "short_name": "Dorsi",
    "description": "Your foot drop exercises, every day.",
    "start_url": "/me",
    "scope": "/",
    "display": "standalone",
    "orientation": "portrait",
    "background_color": "#ffffff",
    "theme_color": THEME_COLOUR,
    "icons": [
        {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
        {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
        {
            "src": "/static/icons/maskable-192.png",
            "sizes": "192x192",
            "type": "image/png",
            "purpose": "maskable",
        },
        {
            "src": "/static/icons/maskable-512.png",
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ],
}

router = APIRouter(include_in_schema=False)


def camera_version(vendor: Path = VENDOR) -> str:
    """The camera assets' build stamp (``scripts/build-camera-assets`` writes
    ``.built-<hash of its inputs>``), or ``none`` when they are not built."""
    stamps = sorted(p.name.removeprefix(".built-") for p in vendor.glob(".built-*"))
    return stamps[-1] if stamps else "none"


@cache
def worker_script() -> str:
    """The worker's text with its version and the list of files it keeps."""
    urls = [f"/static/{name}" for name in OFFLINE_STATIC] + [MANIFEST_PATH]
    source = WORKER.read_text("utf-8")
    camera = camera_version()
    digest = hashlib.sha256(__version__.encode())
    for name in OFFLINE_STATIC:
        digest.update((STATIC / name).read_bytes())
    digest.update(source.encode())
    digest.update(camera.encode())
    return (
        source.replace("__VERSION__", digest.hexdigest()[:16])
        .replace("__STATIC__", json.dumps(urls))
        .replace("__CAMERA_VERSION__", camera)
    )


@router.get(MANIFEST_PATH, dependencies=[action("public")])
async def manifest() -> Response:
    return Response(json.dumps(MANIFEST), media_type="application/manifest+json")


@router.get("/sw.js", dependencies=[action("public")])
async def service_worker() -> Response:
    # Served from the root its scope is "/" anyway; the header says so explicitly.
    return Response(
        worker_script(),
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/"},
    )


__all__ = [
    "MANIFEST",
    "OFFLINE_STATIC",
    "THEME_COLOUR",
    "camera_version",
    "router",
    "worker_script",
]
