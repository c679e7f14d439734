"""Password hashing with bcrypt.

bcrypt only reads the first 72 bytes of its input, and a 128-character password can be up
to 512 UTF-8 bytes. So every password is first reduced with HMAC-SHA256 (keyed with a fixed
domain string, not the secret key, so rotating the secret does not lock everyone out) and the
base64 of that digest (44 bytes) is what bcrypt hashes. Every byte of the password counts.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import threading

import bcrypt

from lms_app.core.errors import ServiceError

MIN_LENGTH = 8
MAX_LENGTH = 128
_PREHASH_KEY = b"lms-app/password-prehash/v1"
# At most one bcrypt per core at a time. Without the cap, asyncio's default pool ran six
# bcrypts on two cores and the event loop's thread waited up to 40 ms for a core during 20
# concurrent logins (bench/login_stall.py); with it, about 10 ms, and logins take as long.
_BCRYPT_SLOTS = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def validate_password(password: str, field: str = "password") -> None:
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise ServiceError(f"Use at least {MIN_LENGTH} characters for the password.", field)
    if len(password) > MAX_LENGTH:
        raise ServiceError(f"Use at most {MAX_LENGTH} characters for the password.", field)


def _prehash(password: str) -> bytes:
    digest = hmac.new(_PREHASH_KEY, password.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest)


def hash_password(password: str, cost: int) -> str:
    """bcrypt hash (CPU-heavy: call it through ``asyncio.to_thread`` from handlers)."""
    with _BCRYPT_SLOTS:
        return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds=cost)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    if not isinstance(password, str) or len(password) > MAX_LENGTH:
        return False
    try:
        with _BCRYPT_SLOTS:
            return bcrypt.checkpw(_prehash(password), password_hash.encode("ascii"))
    except ValueError:
        return False


@functools.lru_cache(maxsize=4)
def dummy_hash(cost: int) -> str:
    """A hash to compare against for unknown emails, so they cost the same time."""
    return hash_password("not-a-real-password-for-timing", cost)
