"""Web Push: the server's VAPID key, patients' browser subscriptions, sending a notification.

- The VAPID key pair (RFC 8292) is made on first start and kept in the data folder
  (``vapid_private.pem``, mode 0600), so every app process and the sender sign with the same
  key and browsers' subscriptions stay valid across restarts. The public key is what the
  browser's ``pushManager.subscribe`` needs (``applicationServerKey``).
- A subscription (endpoint and the browser's ``p256dh`` and ``auth`` keys) is stored per
  patient; a patient may subscribe several browsers. The endpoint must be on a known push
  service (``DORSI_PUSH_HOSTS``): the server sends requests to it.
- A message is encrypted for the browser with RFC 8291 (``aes128gcm``, :mod:`http_ece`) and
  signed with a VAPID JWT; a push service answering 404 or 410 means the browser unsubscribed,
  and the sender deletes the subscription.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import http_ece
import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from pydantic import Field
from sqlalchemy import select

from dorsi.clinical.contract import Contract
from dorsi.errors import InputError
from dorsi.services.context import Ctx
from dorsi.services.patients import load_patient
from dorsi.settings import Settings
from dorsi.store.models import PushSubscription

KEY_FILE = "vapid_private.pem"
#: browsers kept per patient (the oldest goes when another subscribes)
MAX_DEVICES = 10
#: how long a push service keeps an undelivered reminder (seconds): the same day only
TTL_S = 12 * 3600
GONE = frozenset({404, 410})


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


# --- the server's key ------------------------------------------------------------------------


def vapid_key(settings: Settings) -> Vapid02:
    """The VAPID key pair, created once in the data folder (mode 0600)."""
    path: Path = settings.data_dir / KEY_FILE
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    vapid: Vapid02 = Vapid02.from_pem(path.read_bytes())
    return vapid


def public_key(settings: Settings) -> str:
    """The VAPID public key, base64url (uncompressed P-256 point): ``applicationServerKey``."""
    point = vapid_key(settings).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64encode(point)


# --- subscriptions ---------------------------------------------------------------------------


class SubscriptionKeys(Contract):
    p256dh: str = Field(min_length=80, max_length=100, pattern=r"^[A-Za-z0-9_-]+=*$")
    auth: str = Field(min_length=16, max_length=32, pattern=r"^[A-Za-z0-9_-]+=*$")


class SubscriptionIn(Contract):
    """A browser's ``PushSubscription.toJSON()``."""

    endpoint: str = Field(min_length=10, max_length=2048)
    keys: SubscriptionKeys
    expirationTime: int | None = None  # the browser's own name


def _check(settings: Settings, data: SubscriptionIn) -> None:
    parts = urlsplit(data.endpoint)
    allowed_schemes = ("https", "http") if settings.push_allow_http else ("https",)
    host = (parts.hostname or "").lower()
    hosts = [h.strip().lower() for h in settings.push_hosts.split(",") if h.strip()]
    if parts.scheme not in allowed_schemes or not host:
        raise InputError("must be an https URL of a push service", field="endpoint")
    if not any(host == h or host.endswith("." + h) for h in hosts):
        raise InputError(f"must be on a known push service ({', '.join(hosts)})", field="endpoint")
    point = _b64decode(data.keys.p256dh)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        point = b""
    if len(point) != 65:
        raise InputError(
            "must be the browser's P-256 public key (an uncompressed point, 65 bytes)",
            field="keys.p256dh",
        )
    if len(_b64decode(data.keys.auth)) != 16:
        raise InputError("must be the browser's 16-byte auth secret", field="keys.auth")


def subscribe(ctx: Ctx, patient_id: int, data: SubscriptionIn) -> int:
    """Store a browser's subscription for the patient; the number of their browsers."""
    patient = load_patient(ctx, patient_id, "push.subscribe", "push subscription")
    _check(ctx.settings, data)
    digest = hashlib.sha256(data.endpoint.encode("utf-8")).hexdigest()
    row = ctx.db.scalar(select(PushSubscription).where(PushSubscription.endpoint_hash == digest))
    if row is None:
        row = PushSubscription(endpoint=data.endpoint, endpoint_hash=digest)
        ctx.db.add(row)
    # a shared browser follows whoever subscribed it last
    row.patient_id = patient.id
    row.p256dh = data.keys.p256dh
    row.auth = data.keys.auth
    row.created_at = ctx.now
    row.created_by_id = ctx.actor.id if ctx.actor else None
    ctx.db.flush()
    rows = list(
        ctx.db.scalars(
            select(PushSubscription)
            .where(PushSubscription.patient_id == patient.id)
            .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())
        )
    )
    for old in rows[MAX_DEVICES:]:
        ctx.db.delete(old)
    return min(len(rows), MAX_DEVICES)


# --- sending ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One browser to notify (a copy of the row, used outside the transaction)."""

    id: int
    endpoint: str
    p256dh: str
    auth: str


def encrypt(payload: bytes, target: Target) -> bytes:
    """The RFC 8291 ``aes128gcm`` body for the browser's keys (a fresh key for each message)."""
    server_key = ec.generate_private_key(ec.SECP256R1())
    body: bytes = http_ece.encrypt(
        payload,
        private_key=server_key,
        dh=_b64decode(target.p256dh),
        auth_secret=_b64decode(target.auth),
        version="aes128gcm",
    )
    return body


def vapid_header(settings: Settings, endpoint: str, *, now_s: float | None = None) -> str:
    """``Authorization: vapid t=<JWT>, k=<public key>`` for the endpoint's push service."""
    parts = urlsplit(endpoint)
    claims = {
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int((now_s if now_s is not None else time.time()) + 12 * 3600),
        "sub": settings.push_subject,
    }
    header: str = vapid_key(settings).sign(claims)["Authorization"]
    return header


def send(settings: Settings, client: httpx.Client, target: Target, message: dict[str, str]) -> int:
    """Send one notification; the push service's status (201 accepted, 404/410 gone)."""
    body = encrypt(json.dumps(message, ensure_ascii=False).encode("utf-8"), target)
    response = client.post(
        target.endpoint,
        content=body,
        headers={
            "Authorization": vapid_header(settings, target.endpoint),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(TTL_S),
            "Urgency": "normal",
        },
        timeout=settings.push_timeout_s,
    )
    return response.status_code


__all__ = [
    "GONE",
    "SubscriptionIn",
    "Target",
    "encrypt",
    "public_key",
    "send",
    "subscribe",
    "vapid_header",
    "vapid_key",
]
