"""Password hashing with argon2id (argon2-cffi) at configured parameters."""

from __future__ import annotations

import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

# A hash to verify against for unknown usernames, so timing does not reveal which exist. It is
# made once per parameter set (an unknown user then costs one verification, like a known one).
_DUMMY_PASSWORD = secrets.token_urlsafe(24)  # known to nobody, not even readers of this file
_dummy_hashes: dict[tuple[int, int, int], str] = {}


def _parameters(cfg) -> tuple[int, int, int]:
    return cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"]


def _hasher(cfg=None) -> PasswordHasher:
    time_cost, memory_cost, parallelism = _parameters(cfg if cfg is not None else current_app.config)
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def dummy_hash(cfg=None) -> str:
    """A hash of nothing anyone knows, at the configured parameters, computed once per process."""
    cfg = cfg if cfg is not None else current_app.config
    key = _parameters(cfg)
    found = _dummy_hashes.get(key)
    if found is None:  # two threads may both compute it on a cold start: harmless
        found = _dummy_hashes.setdefault(key, _hasher(cfg).hash(_DUMMY_PASSWORD))
    return found


def hash_password(password: str) -> str:
    """Hash ``password`` with argon2id."""
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches. Exactly one argon2 verification whether or not a hash is given."""
    hasher = _hasher()
    if not stored_hash:
        try:
            hasher.verify(dummy_hash(), password)
        except VerificationError:
            pass
        return False
    try:
        return hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with other parameters than the current ones."""
    try:
        return _hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def generate_password(length: int = 10) -> str:
    """A random password without look-alike characters, for roster imports."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    return "".join(secrets.choice(alphabet) for _ in range(length))


MIN_PASSWORD_LENGTH = 8
