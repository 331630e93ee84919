"""Signing in and out: throttled password checks, server-side sessions and API tokens.

- Browser sessions and API tokens are 256-bit random values handed to the client once; the
  database keeps only their keyed hash (HMAC-SHA256), so a copy of the database cannot be
  used to sign in. Both expire when idle and at an absolute limit, and are revoked at logout.
- A new browser session is created at every sign-in (the old one, if any, is revoked: no
  session fixation). Each carries its own CSRF token (synchronizer token pattern).
- Sign-in is throttled per account and per client address with growing delays
  (:mod:`dorsi.services.throttle`): each attempt is counted in the database, before its
  password is checked, by :func:`start_sign_in` (a unit of work of its own), so several app
  processes and parallel requests share the counts. A device the account's owner signed in on
  before (its device cookie) is counted on its own, so others' guesses cannot keep the owner
  out. Over the limit the answer is :class:`RateLimitedError` with the seconds to wait.
  Unknown and known usernames are answered alike, in content and (through a dummy hash) in
  timing.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, update

from dorsi.errors import AuthenticationError, InputError, RateLimitedError
from dorsi.services import audit, throttle
from dorsi.services.context import Actor, Ctx
from dorsi.services.passwords import VERIFY_MAX_LENGTH, verify_password
from dorsi.store.models import ApiToken, AuthSession, SignInLink, User

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
# Spaces, tabs and line ends around a username are dropped (the API's schema says the same).
USERNAME_PADDING = " \t\r\n"
WRONG_CREDENTIALS = "wrong username or password"
# Refresh a session's last-seen time at most this often (fewer writes; idle timeout unchanged
# in practice).
TOUCH_EVERY = timedelta(seconds=30)


def normalize_username(raw: str) -> str:
    return raw.strip().lower()


def check_username(raw: str) -> str:
    """A valid, normalized username, or :class:`InputError` naming ``username``.

    Only ASCII letters count (checked before lower-casing, so no other script's letter can
    turn into one).
    """
    name = raw.strip(USERNAME_PADDING)
    if not USERNAME_RE.fullmatch(name):
        raise InputError(
            "must be 2-64 characters: letters, digits, dot, dash or underscore, "
            "starting with a letter or digit",
            field="username",
        )
    return name.lower()


def _actor(user: User, credential_hash: str, csrf: str | None = None) -> Actor:
    return Actor(
        id=user.id,
        username=user.username,
        role=user.role,
        display_name=user.display_name,
        patient_id=user.patient_id,
        credential_hash=credential_hash,
        csrf_token=csrf,
    )


# The user's columns an actor is made of: a credential lookup loads these, not whole rows.
_ACTOR_COLUMNS = (User.id, User.username, User.role, User.display_name, User.patient_id)


def _actor_of(row: Sequence[Any], credential_hash: str, csrf: str | None = None) -> Actor:
    """An actor from the values of :data:`_ACTOR_COLUMNS`, in that order."""
    user_id, username, role, display_name, patient_id = row
    return Actor(
        id=user_id,
        username=username,
        role=role,
        display_name=display_name,
        patient_id=patient_id,
        credential_hash=credential_hash,
        csrf_token=csrf,
    )


# --- throttled password checks ---------------------------------------------------------

# A device cookie (OWASP "Slow Down Online Guessing Attacks with Device Cookies") is good for
# this long after the sign-in that issued it.
DEVICE_COOKIE_DAYS = 180
# The first wait after the free attempts; it doubles with each further failure (30 s, 1 min,
# 2 min, ... up to the sign-in window): a few typos cost the owner little, a guesser a lot.
FIRST_DELAY_S = 30


def guess_rule(ctx: Ctx, free: int) -> throttle.Rule:
    """Growing delays after ``free`` attempts, capped at the sign-in window."""
    return throttle.Rule(
        free=free,
        first_delay_s=FIRST_DELAY_S,
        max_delay_s=ctx.settings.login_window_minutes * 60,
    )


def device_cookie(ctx: Ctx, username: str) -> str:
    """A signed, opaque token saying "``username`` signed in on this device" (set as a cookie
    after a successful sign-in; it holds no name, only a keyed hash that binds it)."""
    issued = int(ctx.now.timestamp())
    nonce = ctx.new_token()[:22]
    mac = ctx.keyed_hash(f"device:{username}:{issued}:{nonce}")
    return f"{issued}.{nonce}.{mac}"


def _known_device(ctx: Ctx, value: str, username: str) -> bool:
    if not value or len(value) > 128 or value.count(".") != 2:
        return False
    issued_s, nonce, mac = value.split(".")
    if not issued_s.isdigit():
        return False
    age_s = ctx.now.timestamp() - int(issued_s)
    if not 0 <= age_s <= DEVICE_COOKIE_DAYS * 86400:
        return False
    return hmac.compare_digest(mac, ctx.keyed_hash(f"device:{username}:{issued_s}:{nonce}"))


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt already counted by the throttle (:func:`start_sign_in`); only such an
    attempt may have its password checked."""

    username: str
    guessed: throttle.Key  # the account's key, or the known device's
    address: throttle.Key | None  # None for a known device


def start_sign_in(ctx: Ctx, *, username: str, password: str, device: str | None = None) -> Attempt:
    """Count a sign-in attempt, or raise :class:`RateLimitedError` with the seconds to wait.

    Run it as a unit of work of its own, before :func:`login_session` / :func:`login_token`:
    the count is then stored before the password is checked, so parallel guesses cannot get
    more than the allowed number checked. Known and unknown usernames are counted alike.

    Attempts are counted per account and per client address; an attempt from a device the
    account's owner signed in on before (``device``: its device cookie) is counted only
    against that device, so nobody else's guesses can keep the owner out.
    """
    name = normalize_username(username)[:64]
    if not name or not password:
        raise InputError("username and password are both required", field="username")
    if len(password) > VERIFY_MAX_LENGTH:
        raise InputError(f"must be at most {VERIFY_MAX_LENGTH} characters", field="password")
    account_rule = guess_rule(ctx, ctx.settings.login_max_failures_per_account)
    if device is not None and _known_device(ctx, device, name):
        keys = [throttle.key(ctx, "device", device, account_rule)]
        address = None
    else:
        address_rule = guess_rule(ctx, ctx.settings.login_max_failures_per_address)
        keys = [
            throttle.key(ctx, "user", name, account_rule),
            throttle.key(ctx, "addr", ctx.address, address_rule),
        ]
        address = keys[1]
    try:
        throttle.charge(ctx, keys, "too many failed sign-ins")
    except RateLimitedError:
        audit.note(ctx, "auth.login", None, "throttled")
        raise
    return Attempt(username=name, guessed=keys[0], address=address)


def _verified_user(ctx: Ctx, attempt: Attempt, password: str) -> User:
    """The active user with these credentials, or :class:`AuthenticationError`.

    The attempt was counted already; a success clears the count of what was guessed.
    """
    audit.note(ctx, "auth.login", None)
    name = attempt.username
    # No stored username holds NUL (check_username), and PostgreSQL cannot even compare one.
    user = None if "\x00" in name else ctx.db.scalar(select(User).where(User.username == name))
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        raise AuthenticationError(WRONG_CREDENTIALS)
    throttle.clear(ctx, attempt.guessed)
    if attempt.address is not None:
        throttle.refund(ctx, attempt.address)
    throttle.forget_old(ctx)
    ctx.actor = _actor(user, "")
    return user


# --- browser sessions -------------------------------------------------------------------


@dataclass(frozen=True)
class NewSession:
    """A fresh browser session: the cookie value (shown once) and its CSRF token."""

    cookie_value: str
    csrf_token: str
    actor: Actor
    device_cookie: str


def _start_session(ctx: Ctx, user: User, previous_cookie: str | None) -> NewSession:
    if previous_cookie:
        revoke_session(ctx, previous_cookie)
    ctx.db.execute(delete(AuthSession).where(AuthSession.expires_at < ctx.now - timedelta(days=1)))
    value, csrf = ctx.new_token(), ctx.new_token()
    id_hash = ctx.keyed_hash("session:" + value)
    ctx.db.add(
        AuthSession(
            id_hash=id_hash,
            user_id=user.id,
            csrf_token=csrf,
            created_at=ctx.now,
            last_seen_at=ctx.now,
            expires_at=ctx.now + timedelta(hours=ctx.settings.session_absolute_hours),
        )
    )
    actor = _actor(user, id_hash, csrf)
    ctx.actor = actor
    return NewSession(
        cookie_value=value,
        csrf_token=csrf,
        actor=actor,
        device_cookie=device_cookie(ctx, user.username),
    )


def login_session(
    ctx: Ctx, attempt: Attempt, *, password: str, previous_cookie: str | None = None
) -> NewSession:
    """Check the password of a counted attempt and open a new browser session (rotating any
    old one); the answer carries a fresh device cookie."""
    user = _verified_user(ctx, attempt, password)
    return _start_session(ctx, user, previous_cookie)


def session_actor(ctx: Ctx, cookie_value: str) -> Actor | None:
    """The actor of a live browser session (refreshing its idle timer), else None."""
    if not cookie_value or len(cookie_value) > 128:
        return None
    id_hash = ctx.keyed_hash("session:" + cookie_value)
    idle = timedelta(minutes=ctx.settings.session_idle_minutes)
    now = ctx.now
    row = ctx.db.execute(
        select(AuthSession.last_seen_at, AuthSession.csrf_token, *_ACTOR_COLUMNS)
        .join(User, User.id == AuthSession.user_id)
        .where(
            AuthSession.id_hash == id_hash,
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > now,
            AuthSession.last_seen_at > now - idle,
            User.is_active.is_(True),
        )
    ).first()
    if row is None:
        return None
    last_seen_at, csrf_token, *actor = row
    if now - last_seen_at >= TOUCH_EVERY:
        ctx.db.execute(
            update(AuthSession).where(AuthSession.id_hash == id_hash).values(last_seen_at=now)
        )
    return _actor_of(actor, id_hash, csrf_token)


def revoke_session(ctx: Ctx, cookie_value: str) -> None:
    """Revoke a browser session (sign out). Unknown values are ignored."""
    id_hash = ctx.keyed_hash("session:" + cookie_value)
    ctx.db.execute(
        update(AuthSession)
        .where(AuthSession.id_hash == id_hash, AuthSession.revoked_at.is_(None))
        .values(revoked_at=ctx.now)
    )


# --- API tokens -------------------------------------------------------------------------


def login_token(ctx: Ctx, attempt: Attempt, *, password: str) -> str:
    """Check the password of a counted attempt and issue a new API bearer token (once)."""
    user = _verified_user(ctx, attempt, password)
    value = ctx.new_token()
    ctx.db.execute(delete(ApiToken).where(ApiToken.expires_at < ctx.now - timedelta(days=1)))
    ctx.db.add(
        ApiToken(
            id_hash=ctx.keyed_hash("token:" + value),
            user_id=user.id,
            created_at=ctx.now,
            last_used_at=ctx.now,
            expires_at=ctx.now + timedelta(days=ctx.settings.token_absolute_days),
        )
    )
    return value


#: the user of a live API token, and when it was last used: every API request asks, so the
#: statement is built once (its values are bound per request)
_LIVE_TOKEN = (
    select(ApiToken.last_used_at, *_ACTOR_COLUMNS)
    .join(User, User.id == ApiToken.user_id)
    .where(
        ApiToken.id_hash == bindparam("id_hash"),
        ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > bindparam("now"),
        ApiToken.last_used_at > bindparam("idle_since"),
        User.is_active.is_(True),
    )
)


def token_actor(ctx: Ctx, token: str) -> Actor | None:
    """The actor of a live API token (refreshing its idle timer), else None."""
    if not token or len(token) > 128:
        return None
    id_hash = ctx.keyed_hash("token:" + token)
    idle = timedelta(hours=ctx.settings.token_idle_hours)
    now = ctx.now
    row = ctx.db.execute(
        _LIVE_TOKEN, {"id_hash": id_hash, "now": now, "idle_since": now - idle}
    ).first()
    if row is None:
        return None
    last_used_at, *actor = row
    if now - last_used_at >= TOUCH_EVERY:
        ctx.db.execute(update(ApiToken).where(ApiToken.id_hash == id_hash).values(last_used_at=now))
    return _actor_of(actor, id_hash)


def revoke_token(ctx: Ctx, token: str) -> None:
    """Revoke an API token (logout). Unknown values are ignored."""
    id_hash = ctx.keyed_hash("token:" + token)
    ctx.db.execute(
        update(ApiToken)
        .where(ApiToken.id_hash == id_hash, ApiToken.revoked_at.is_(None))
        .values(revoked_at=ctx.now)
    )


# --- ending every session of a user ------------------------------------------------------


def end_sessions(ctx: Ctx, user_id: int, *, keep: str | None = None) -> int:
    """Revoke every live browser session and API token of ``user_id``; how many ended.

    ``keep`` is the credential hash of the request's own session or token, left alive when
    people change their own password (the device in their hand stays signed in). The caller
    audits the change.
    """
    ended = 0
    for table in (AuthSession, ApiToken):
        query = update(table).where(
            table.user_id == user_id, table.revoked_at.is_(None), table.expires_at > ctx.now
        )
        if keep:
            query = query.where(table.id_hash != keep)
        result = ctx.db.execute(query.values(revoked_at=ctx.now))
        ended += int(getattr(result, "rowcount", 0) or 0)
    return ended


# --- one-time sign-in links -------------------------------------------------------------


def create_sign_in_link(ctx: Ctx, *, user_id: int) -> str:
    """A one-time sign-in secret for ``user_id`` (expires; any older unused link is voided)."""
    ctx.db.execute(
        update(SignInLink)
        .where(SignInLink.user_id == user_id, SignInLink.used_at.is_(None))
        .values(used_at=ctx.now)
    )
    value = ctx.new_token()
    ctx.db.add(
        SignInLink(
            id_hash=ctx.keyed_hash("link:" + value),
            user_id=user_id,
            created_by_id=ctx.actor.id if ctx.actor else None,
            created_at=ctx.now,
            expires_at=ctx.now + timedelta(hours=ctx.settings.sign_in_link_hours),
        )
    )
    return value


def redeem_sign_in_link(ctx: Ctx, *, link: str, previous_cookie: str | None = None) -> NewSession:
    """Use a one-time link: it is spent, and a browser session starts."""
    audit.note(ctx, "auth.link", None)
    if not link or len(link) > 128:
        raise AuthenticationError(
            "this sign-in link is not valid; ask your therapist for a new one"
        )
    row = ctx.db.execute(
        select(SignInLink, User)
        .join(User, User.id == SignInLink.user_id)
        .where(
            SignInLink.id_hash == ctx.keyed_hash("link:" + link),
            SignInLink.used_at.is_(None),
            SignInLink.expires_at > ctx.now,
            User.is_active.is_(True),
        )
    ).first()
    if row is None:
        raise AuthenticationError(
            "this sign-in link is used up or expired; ask your therapist for a new one"
        )
    sign_in_link, user = row
    sign_in_link.used_at = ctx.now
    return _start_session(ctx, user, previous_cookie)


__all__ = [
    "Attempt",
    "NewSession",
    "check_username",
    "create_sign_in_link",
    "device_cookie",
    "end_sessions",
    "guess_rule",
    "login_session",
    "login_token",
    "normalize_username",
    "redeem_sign_in_link",
    "revoke_session",
    "revoke_token",
    "session_actor",
    "start_sign_in",
    "token_actor",
]
