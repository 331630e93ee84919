"""Passwords: argon2id hashing, the length and blocklist policy, and a dummy hash.

Parameters: argon2id, memory 19 MiB (19456 KiB), 2 iterations, parallelism 1 — the OWASP
Password Storage Cheat Sheet's minimum configuration, and what issue 3 requires. They are
fixed here, not configurable, so no deployment can weaken them by accident.

An unknown username is checked against a dummy hash with the same parameters, so the answer
takes as long as for a real account (no username enumeration by timing).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dorsi.errors import InputError

MEMORY_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1
MIN_LENGTH = 8
MAX_LENGTH = 256

_HASHER = PasswordHasher(
    time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM, type=Type.ID
)


@lru_cache(maxsize=1)
def blocklist() -> frozenset[str]:
    """The shipped list of common passwords (lower-case)."""
    text = resources.files("dorsi.services").joinpath("data", "common_passwords.txt")
    lines = text.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def check_policy(password: str, *, username: str = "") -> None:
    """Raise :class:`InputError` (field ``password``) when the password is too weak."""
    if len(password) < MIN_LENGTH:
        raise InputError(f"must be at least {MIN_LENGTH} characters long", field="password")
    if len(password) > MAX_LENGTH:
        raise InputError(f"must be at most {MAX_LENGTH} characters long", field="password")
    lowered = password.lower()
    if lowered in blocklist():
        raise InputError(
            "is one of the most common passwords; choose something less easy to guess",
            field="password",
        )
    if username and lowered == username.lower():
        raise InputError("must not be the same as the username", field="password")


def hash_password(password: str, *, username: str = "") -> str:
    """Check the policy, then hash with argon2id (a PHC string)."""
    check_policy(password, username=username)
    return _HASHER.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("dorsi-dummy-password-for-unknown-users")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing hash is checked against a dummy (same cost)."""
    target = stored_hash or _dummy_hash()
    try:
        ok = _HASHER.verify(target, password[:MAX_LENGTH])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and stored_hash is not None


def needs_rehash(stored_hash: str) -> bool:
    """True when the stored hash used weaker parameters than today's."""
    return _HASHER.check_needs_rehash(stored_hash)


def parameters(stored_hash: str) -> dict[str, int | str]:
    """The argon2 variant and parameters encoded in a PHC hash string (for tests and docs)."""
    # $argon2id$v=19$m=19456,t=2,p=1$salt$hash
    _, variant, version, params, *_ = stored_hash.split("$")
    values: dict[str, int | str] = {"variant": variant, "version": version.removeprefix("v=")}
    for pair in params.split(","):
        key, value = pair.split("=")
        values[key] = int(value)
    return values


__all__ = [
    "MEMORY_KIB",
    "MIN_LENGTH",
    "PARALLELISM",
    "TIME_COST",
    "blocklist",
    "check_policy",
    "hash_password",
    "needs_rehash",
    "parameters",
    "verify_password",
]
