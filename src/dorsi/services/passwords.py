"""Passwords: argon2id hashing, the password rule, and a dummy hash.

Parameters: argon2id, memory 19 MiB (19456 KiB), 2 iterations, parallelism 1 — the OWASP
Password Storage Cheat Sheet's minimum configuration. They are
fixed here, not configurable, so no deployment can weaken them by accident.

The rule follows OWASP ASVS 5.0 section V6.2: at least 8 characters (V6.2.1), and 15 for staff
accounts, whose password is their only factor (V6.2.1 strongly recommends 15; NIST SP 800-63B-4
requires 15 for a password used alone); at least 64 allowed (V6.2.9: up to 128 here); no
composition rules (V6.2.5); checked exactly as typed, never trimmed or truncated (V6.2.8);
refused when it is a common or breached password (V6.2.4, V6.2.12: the shipped list of 30,000,
see ``data/common_passwords.txt``) or built from context words: the username, the app's or a
clinic's name (V6.2.11). :func:`password_problem` is the one place that words the reasons;
the CLI, the API and the pages all show them.

An unknown username is checked against a dummy hash with the same parameters, so the answer
takes as long as for a real account (no username enumeration by timing).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dorsi.errors import InputError
from dorsi.i18n import N_

MEMORY_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1
MIN_LENGTH = 8  # patients (ASVS 5.0 V6.2.1)
MIN_LENGTH_STAFF = 15  # clinicians and admins: single-factor accounts that open many records
STAFF_ROLES = frozenset({"clinician", "admin"})
MAX_LENGTH = 128  # ASVS 5.0 V6.2.9 asks for at least 64
# Sign-in accepts what an earlier rule (up to 256) let people choose; longer is refused unhashed.
VERIFY_MAX_LENGTH = 256
# Words that make a password easy to guess in this app (ASVS 5.0 V6.2.11), lower case.
CONTEXT_WORDS = (
    "dorsi",
    "clinica",
    "clinic",
    "physiotherapy",
    "physio",
    "therapy",
    "terapia",
    "rehab",
    "footdrop",
    "patient",
    "paciente",
)
# Fewer different characters than this is a repeated pattern, not a password ("aaaaaaaa").
MIN_DISTINCT_CHARACTERS = 3
_PADDING = "0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t"

_HASHER = PasswordHasher(
    time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=PARALLELISM, type=Type.ID
)


@lru_cache(maxsize=1)
def blocklist() -> frozenset[str]:
    """The shipped list of common and breached passwords (lower-case)."""
    text = resources.files("dorsi.services").joinpath("data", "common_passwords.txt")
    lines = text.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def min_length(role: str | None) -> int:
    """The shortest password allowed for ``role`` (None: the stricter, staff, rule)."""
    return MIN_LENGTH if role == "patient" else MIN_LENGTH_STAFF


@dataclass(frozen=True)
class PasswordProblem:
    """Why a password is refused: an English template (marked for translation) and values."""

    template: str
    values: tuple[tuple[str, int], ...] = ()

    def text(self, gettext: object = None) -> str:
        """The reason, translated by ``gettext`` (a ``gettext``-like callable) when given."""
        template = gettext(self.template) if callable(gettext) else self.template
        return str(template) % dict(self.values) if self.values else str(template)


class PasswordPolicyError(InputError):
    """A new password breaks the rule (an :class:`InputError` on ``password``, so 422 / exit 2).

    It never holds the password itself; ``problem`` lets a page show the reason translated.
    """

    def __init__(self, problem: PasswordProblem, *, field: str = "password") -> None:
        super().__init__(problem.text(), field=field)
        self.problem = problem


def _core(lowered: str) -> str:
    """The password without digits, punctuation and spaces around it ("letmein!" -> "letmein")."""
    return lowered.strip(_PADDING)


def password_problem(
    password: str, *, role: str | None = None, username: str = ""
) -> PasswordProblem | None:
    """Why ``password`` may not be chosen by a ``role`` account named ``username``, or None."""
    if "\x00" in password:
        return PasswordProblem(N_("must not contain the NUL character"))
    if len(password) > MAX_LENGTH:
        return PasswordProblem(
            N_("must be at most %(max)d characters long"), (("max", MAX_LENGTH),)
        )
    if not password.strip():
        return PasswordProblem(N_("must not be only spaces"))
    shortest = min_length(role)
    if len(password) < shortest:
        return PasswordProblem(N_("must be at least %(min)d characters long"), (("min", shortest),))
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        return PasswordProblem(N_("repeats one or two characters; use words or a phrase instead"))
    lowered = password.lower()
    words = blocklist()
    core = _core(lowered)
    if lowered in words or core in words or "".join(core.split()) in words:
        return PasswordProblem(
            N_("is a common or leaked password; choose something less easy to guess")
        )
    name = username.strip().lower()
    if len(name) >= 3 and name in lowered:
        return PasswordProblem(N_("must not contain the username"))
    rest = lowered
    for word in (name, *CONTEXT_WORDS) if len(name) >= 3 else CONTEXT_WORDS:
        rest = rest.replace(word, "")
    if rest != lowered and not _core(rest).strip(_PADDING):
        return PasswordProblem(
            N_("is only the name of the app or the clinic with digits; add words of your own")
        )
    return None


def check_policy(password: str, *, role: str | None = None, username: str = "") -> None:
    """Raise :class:`PasswordPolicyError` (field ``password``) when the password is refused."""
    problem = password_problem(password, role=role, username=username)
    if problem is not None:
        raise PasswordPolicyError(problem)


def hash_password(password: str, *, role: str | None = None, username: str = "") -> str:
    """Check the rule, then hash with argon2id (a PHC string)."""
    check_policy(password, role=role, username=username)
    return _HASHER.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("dorsi-dummy-password-for-unknown-users")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing hash is checked against a dummy (same cost)."""
    target = stored_hash or _dummy_hash()
    if len(password) > VERIFY_MAX_LENGTH or "\x00" in password:
        password = ""  # never truncated (ASVS 5.0 V6.2.8): too long simply does not match
        target = _dummy_hash()
    try:
        ok = _HASHER.verify(target, password)
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
    "MAX_LENGTH",
    "MEMORY_KIB",
    "MIN_LENGTH",
    "MIN_LENGTH_STAFF",
    "PARALLELISM",
    "TIME_COST",
    "VERIFY_MAX_LENGTH",
    "PasswordPolicyError",
    "PasswordProblem",
    "blocklist",
    "check_policy",
    "hash_password",
    "min_length",
    "needs_rehash",
    "parameters",
    "password_problem",
    "verify_password",
]
