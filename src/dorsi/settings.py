"""Run-time settings: the one place that reads the environment.

Every variable starts with ``DORSI_``:

``DORSI_DATABASE_URL``
    SQLAlchemy URL. Default: a SQLite file ``dorsi.sqlite3`` in the user's data directory
    (platformdirs). PostgreSQL: ``postgresql+psycopg://user@host:5432/dbname``.
``DORSI_SECRET_KEY``
    Key for the keyed hashes under which session ids, API tokens, sign-in links and client
    addresses are stored (a database copy alone cannot be used to sign in or to learn where
    people signed in from). At least 32 characters. When unset, a random key is created once
    in the data directory (file mode 0600); ``DORSI_ENV=production`` refuses to start without
    an explicit key, because several app processes must share it.
``DORSI_ENV``
    ``development`` (default) or ``production``.
``DORSI_DATA_DIR``
    Where the default database and the generated key live (default: platformdirs).
``DORSI_TRUST_PROXY``
    ``true`` when a TLS-terminating reverse proxy sets ``X-Forwarded-Proto``; only then is a
    forwarded scheme or address believed.
``DORSI_GAIT_WORKER`` / ``DORSI_GAIT_BROKER_URL``
    ``embedded`` (default: a thread in the app), ``off`` (another process runs the jobs), or
    ``dramatiq`` (``dorsi worker`` processes, messages through the broker URL; docs/deploy.md).
``DORSI_MAX_VIDEO_S`` / ``DORSI_GAIT_UPLOADS_PER_HOUR``
    Longest gait video (default 120 s) and uploads per patient per hour (default 10).
``DORSI_SCHEMA_WAIT_S``
    How long workers and operations commands wait for the schema to be migrated (default 60).
``DORSI_NO_CHECKIN_DAYS`` / ``DORSI_WORKLIST_ACKNOWLEDGED_DAYS``
    Days without a check-in before a patient with an active program is on the clinician's
    worklist (default 7, a clinician-set default: no published threshold), and how long an
    acknowledged item stays listed (default 7).
``DORSI_CLINIC_PHONE`` / ``DORSI_CLINIC_HOURS`` / ``DORSI_CLINIC_OUT_OF_HOURS``
    The clinic's contact details, shown to a patient whose program is paused: the phone
    number, the opening hours and what to do out of hours (free text, the clinic's words).
``DORSI_AUDIT_ANCHOR_FILE`` / ``DORSI_AUDIT_ANCHOR_MINUTES``
    Append-only file where the audit chain's head is recorded (every 60 minutes by default)
    and checked by ``dorsi audit verify``.
``DORSI_CLINIC_TIMEZONE``
    The clinic's IANA time zone (default ``UTC``): a patient's reminders use it until they
    choose their own.
``DORSI_SMTP_HOST`` / ``_PORT`` / ``_FROM`` / ``_SECURITY`` / ``_USER`` / ``_PASSWORD``
    The SMTP server e-mail reminders go through (none when the host is unset); ``_SECURITY``
    is ``starttls`` (default), ``ssl`` or ``none``. The password is never shown.
``DORSI_PUSH_SUBJECT`` / ``DORSI_PUSH_HOSTS`` / ``DORSI_PUSH_ALLOW_HTTP``
    Web Push: the contact the push services see in the VAPID claim (``mailto:...``), the
    push-service host names subscriptions may point at, and (tests only) plain-http endpoints.

Timeouts and throttling limits have defaults chosen from OWASP guidance (see ``docs/web.md``).
"""

from __future__ import annotations

import os
import secrets
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import available_timezones

import platformdirs
from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from dorsi.errors import InputError

#: the IANA zones this machine knows (read from disk once: every settings load checks one)
_known_timezones = cache(available_timezones)


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("dorsi", appauthor=False))


class Settings(BaseSettings):
    """Validated settings, read from ``DORSI_*`` environment variables at start-up."""

    model_config = SettingsConfigDict(env_prefix="DORSI_", extra="ignore", frozen=True)

    env: Literal["development", "production"] = "development"
    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str = ""
    secret_key: SecretStr | None = None
    trust_proxy: bool = False

    # Browser sessions (OWASP Session Management: idle 15-30 min for sensitive data).
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_absolute_hours: int = Field(default=12, ge=1, le=24 * 30)
    # API tokens for integrations: revocable, expire on their own.
    token_idle_hours: int = Field(default=24, ge=1, le=24 * 90)
    token_absolute_days: int = Field(default=30, ge=1, le=365)
    # One-time sign-in links handed to patients.
    sign_in_link_hours: int = Field(default=72, ge=1, le=24 * 14)
    # Sign-in throttling (services/throttle.py): attempts per account (or known device) and per
    # client address before delays start; the delays double up to the window.
    login_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    login_max_failures_per_account: int = Field(default=5, ge=1, le=1000)
    login_max_failures_per_address: int = Field(default=20, ge=1, le=10000)
    # Largest request body accepted (bytes).
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    # Request header caps (bytes), checked before anything parses a header (431 above): the
    # Cookie header, any one header (name and value), and all headers together. 8 KiB per
    # header is nginx's default (large_client_header_buffers); Dorsi's own cookies need < 200.
    # Cookie parsing of Python before 3.11.10 / 3.12.6 is quadratic (CVE-2024-7592).
    max_cookie_bytes: int = Field(default=8192, ge=1024, le=65536)
    max_header_bytes: int = Field(default=8192, ge=1024, le=65536)
    max_headers_total_bytes: int = Field(default=32768, ge=4096, le=262144)
    # Gait videos: largest upload (bytes, 413 above); "off" when separate workers run the jobs.
    max_upload_bytes: int = Field(default=200_000_000, ge=1_000_000)
    # Longest gait video accepted (seconds, 413 above; read from the container before decoding).
    # A walk past the camera and back takes well under a minute.
    max_video_s: int = Field(default=120, ge=10, le=3600)
    # Gait videos one patient's record may receive per hour (429 with Retry-After above it).
    gait_uploads_per_hour: int = Field(default=10, ge=1, le=1000)
    gait_worker: Literal["embedded", "off", "dramatiq"] = "embedded"
    # App processes of `dorsi serve` (0: one per CPU core, at most 4; see docs/web.md).
    workers: int = Field(default=0, ge=0, le=64)
    # With gait_worker=dramatiq: the broker (amqp://... RabbitMQ, redis://... Redis).
    gait_broker_url: str = Field(default="", validate_default=True)
    # How long `dorsi worker` and the operations commands wait for the schema to reach the
    # latest migration (another process may be migrating) before exiting 2 (seconds).
    schema_wait_s: float = Field(default=60.0, ge=0, le=3600)
    # Append-only file of audit-chain heads (docs/deploy.md, "Audit anchors"): `dorsi serve`
    # and `dorsi worker` append one every audit_anchor_minutes; `dorsi audit verify` checks them.
    audit_anchor_file: Path | None = None
    audit_anchor_minutes: int = Field(default=60, ge=1, le=24 * 60)
    # The clinician's worklist: days without a check-in (a clinician-set default; no published
    # threshold) and how long an acknowledged item stays listed.
    no_checkin_days: int = Field(default=7, ge=1, le=365)
    worklist_acknowledged_days: int = Field(default=7, ge=0, le=365)
    # The clinic's contact details, shown to a patient whose program is paused.
    clinic_phone: str = Field(default="", max_length=40, pattern=r"^[^\x00-\x1f]*$")
    clinic_hours: str = Field(default="", max_length=200, pattern=r"^[^\x00-\x1f]*$")
    clinic_out_of_hours: str = Field(default="", max_length=500, pattern=r"^[^\x00-\x1f]*$")
    # Reminders (docs/reminders.md). A patient's reminders use the clinic's time zone until
    # they choose their own.
    clinic_timezone: str = "UTC"
    # E-mail reminders go through this SMTP server; none are sent while the host is empty.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_from: str = ""
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_user: str = ""
    smtp_password: SecretStr | None = None
    smtp_timeout_s: float = Field(default=20.0, gt=0, le=300)
    # Web Push: the contact in the VAPID claim (RFC 8292 asks for one), and the push services
    # a browser's subscription may point at (host names, or their parent domains): the server
    # POSTs to the endpoint, so an arbitrary URL must not be accepted.
    push_subject: str = "mailto:admin@localhost"
    push_hosts: str = (
        "fcm.googleapis.com,updates.push.services.mozilla.com,push.apple.com,notify.windows.com"
    )
    # Plain-http endpoints on the push hosts (the tests' local push service only).
    push_allow_http: bool = False
    push_timeout_s: float = Field(default=10.0, gt=0, le=120)

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("must be at least 32 characters (use: openssl rand -hex 32)")
        return value

    @field_validator("gait_broker_url")
    @classmethod
    def _queue_needs_a_broker(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("gait_worker") == "dramatiq" and not value.startswith(
            ("amqp://", "amqps://", "redis://", "rediss://")
        ):
            raise ValueError(
                "must be amqp://... (RabbitMQ) or redis://... (Redis) "
                "when DORSI_GAIT_WORKER=dramatiq"
            )
        return value

    @field_validator("clinic_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in _known_timezones():
            raise ValueError("must be an IANA time zone such as America/New_York")
        return value

    @field_validator("push_subject")
    @classmethod
    def _contact(cls, value: str) -> str:
        if not value.startswith(("mailto:", "https://")):
            raise ValueError("must be a mailto: or https: contact for the push services")
        return value

    @model_validator(mode="after")
    def _production_needs_a_key(self) -> Settings:
        if self.env == "production" and self.secret_key is None:
            raise ValueError(
                "DORSI_SECRET_KEY must be set in production (all app processes share it)"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'dorsi.sqlite3'}"

    def secret(self) -> bytes:
        """The key for keyed hashes; created once in the data directory when not given."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode("utf-8")
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_hex(32))
        return path.read_text(encoding="utf-8").strip().encode("utf-8")


def load_settings(**overrides: object) -> Settings:
    """Read the settings from the environment; bad values become one clear InputError."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = "_".join(str(p) for p in first["loc"]) or "env"
        name = "DORSI_" + loc.upper()
        raise InputError(str(first["msg"]).removeprefix("Value error, "), field=name) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return load_settings()


__all__ = ["Settings", "get_settings", "load_settings"]
