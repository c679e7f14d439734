"""Two-factor sign-in with TOTP (pyotp): enrolment, recovery codes, the code step of sign-in,
remembered devices, disabling, and the admin reset. Plain Python, no Reflex.

How the code step is bound to the password step: a right password for an account with two-factor
sign-in on gives no login ticket but a *challenge*: a random token whose SHA-256 is stored with the
account, an expiry (5 minutes) and an attempt counter (5). Only the login page's server-side
state holds the raw token; the code step presents it, so a code alone (or a code with someone
else's password step) opens nothing. Every code attempt is also counted by the sign-in
throttle per account and per address (``mfa-user:``/``mfa-ip:`` counters).

A TOTP code is accepted once: the 30-second step of the last accepted code is stored and an
UPDATE that requires a later step decides (two parallel uses of one code cannot both win).
Recovery codes are single use the same way (``used_at`` set in the UPDATE that checks it was
empty).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from lms_app.accounts.mfa.models import MfaChallenge, MfaDevice, MfaRecoveryCode, MfaTotp
from lms_app.accounts.services import passwords, throttle
from lms_app.core import audit
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import ADMIN_AREA, require_role
from lms_app.core.sessions import Actor, hash_token
from lms_app.core.settings import Settings, get_settings
from lms_app.core.types import utcnow
from lms_app.core.users import User

STEP_SECONDS = 30
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
CHALLENGE_MINUTES = 5
CHALLENGE_ATTEMPTS = 5
MFA_USER_LIMIT = 10  # wrong codes per account per throttling window, over all challenges
DEVICE_DAYS = 30
DEVICE_CLAIM_SECONDS = 60
DEVICE_COOKIE = "lms_mfa_device"
MAX_CODE_LENGTH = 40

NEED_CODE = "Enter the 6-digit code from your authenticator app, or one of your recovery codes."
WRONG_CODE = "That code is not right. Check your authenticator app's clock and try the newest code."
CHALLENGE_GONE = "Your sign-in step expired. Enter your email and password again."


class SecondFactorRequired(ServiceError):
    """The account has two-factor sign-in on and no code was given."""

    def __init__(self, message: str = NEED_CODE):
        super().__init__(message, "code")


class SecondFactorInvalid(ServiceError):
    """The code given is wrong, already used, or too many attempts were made."""

    def __init__(self, message: str = WRONG_CODE):
        super().__init__(message, "code")


# --- secrets at rest -----------------------------------------------------------------------

def _fernet(settings: Settings) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"lms-app/mfa-totp-secret/v1").derive(settings.secret_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def _encrypt(settings: Settings, secret: str) -> str:
    return _fernet(settings).encrypt(secret.encode("ascii")).decode("ascii")


def _decrypt(settings: Settings, blob: str) -> str | None:
    try:
        return _fernet(settings).decrypt(blob.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):  # LMS_SECRET_KEY changed: the authenticator must be reset
        return None


def _digest(settings: Settings, purpose: str, value: str) -> str:
    return hmac.new(settings.secret_key.encode("utf-8"), f"{purpose}|{value}".encode("utf-8"),
                    hashlib.sha256).hexdigest()


# --- codes -----------------------------------------------------------------------------------

def _clean_code(raw: object) -> str:
    if not isinstance(raw, str) or len(raw) > MAX_CODE_LENGTH:
        return ""
    return re.sub(r"[\s-]", "", raw).lower()


def _is_totp_shape(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def _is_recovery_shape(code: str) -> bool:
    return len(code) == 10 and all(ch in RECOVERY_ALPHABET for ch in code)


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The 30-second step (this one, the one before or after) whose code is ``code``."""
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = int((now if now is not None else time.time()) // STEP_SECONDS)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _totp_row(session: Session, user_id: int) -> MfaTotp | None:
    return session.exec(select(MfaTotp).where(MfaTotp.user_id == user_id)).first()


def _use_totp(session: Session, settings: Settings, row: MfaTotp, code: str) -> bool:
    secret = _decrypt(settings, row.secret_enc)
    if secret is None:
        return False
    step = _matching_step(secret, code)
    if step is None:
        return False
    used = session.exec(update(MfaTotp).where(MfaTotp.id == row.id, MfaTotp.last_step < step)
                        .values(last_step=step)).rowcount
    return used == 1


def _use_recovery(session: Session, settings: Settings, user_id: int, code: str) -> bool:
    used = session.exec(update(MfaRecoveryCode)
                        .where(MfaRecoveryCode.user_id == user_id,
                               MfaRecoveryCode.code_hash == _digest(settings, "recovery", code),
                               MfaRecoveryCode.used_at.is_(None))
                        .values(used_at=utcnow())).rowcount
    return used == 1


def _use_code(session: Session, settings: Settings, user_id: int, raw: object) -> bool:
    """Spend a TOTP code or a recovery code of a confirmed authenticator; False when wrong."""
    code = _clean_code(raw)
    row = _totp_row(session, user_id)
    if row is None or row.confirmed_at is None:
        return False
    if _is_totp_shape(code):
        return _use_totp(session, settings, row, code)
    if _is_recovery_shape(code):
        return _use_recovery(session, settings, user_id, code)
    return False


def is_enabled(session: Session, user_id: int) -> bool:
    return session.exec(select(MfaTotp.id).where(MfaTotp.user_id == user_id,
                                                 MfaTotp.confirmed_at.is_not(None))).first() is not None


# --- the profile card ------------------------------------------------------------------------

def status(session: Session, actor: Actor) -> dict:
    """What the profile card shows: on/off, recovery codes left, remembered devices (2 queries)."""
    enabled = is_enabled(session, actor.user_id)
    left = session.exec(select(func.count(MfaRecoveryCode.id)).where(
        MfaRecoveryCode.user_id == actor.user_id, MfaRecoveryCode.used_at.is_(None))).one() if enabled else 0
    devices = session.exec(select(func.count(MfaDevice.id)).where(
        MfaDevice.user_id == actor.user_id, MfaDevice.token_hash.is_not(None), MfaDevice.revoked_at.is_(None),
        MfaDevice.expires_at > utcnow())).one() if enabled else 0
    return {"enabled": enabled, "recovery_left": int(left), "devices": int(devices)}


def _user(session: Session, actor: Actor) -> User:
    user = session.get(User, actor.user_id)
    if user is None or not user.is_active:
        raise ServiceError("Your account is no longer active. Sign in again.")
    return user


def begin_enrolment(session: Session, settings: Settings, actor: Actor) -> dict:
    """A new secret, waiting for its first code: returns the key, the otpauth URI and its QR code
    (an SVG data URI) for the page to show until the code is confirmed."""
    user = _user(session, actor)
    row = _totp_row(session, user.id)
    if row is not None and row.confirmed_at is not None:
        raise ServiceError("Two-factor sign-in is already on. Turn it off first to set up a new app.")
    secret = pyotp.random_base32()
    if row is None:
        row = MfaTotp(user_id=user.id, secret_enc=_encrypt(settings, secret))
    else:
        row.secret_enc, row.created_at, row.last_step = _encrypt(settings, secret), utcnow(), 0
    session.add(row)
    session.flush()
    uri = pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=user.email, issuer_name=settings.site_name)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#111111", light="#ffffff")
    spaced = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return {"secret": spaced, "uri": uri, "qr": qr}


def _new_recovery_codes(session: Session, settings: Settings, user_id: int) -> list[str]:
    session.exec(delete(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user_id))
    codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
    for code in codes:
        session.add(MfaRecoveryCode(user_id=user_id, code_hash=_digest(settings, "recovery", _clean_code(code))))
    session.flush()
    return codes


def confirm_enrolment(session: Session, settings: Settings, actor: Actor, code: object) -> list[str]:
    """The first right code turns two-factor sign-in on; returns the 10 recovery codes (shown once)."""
    user = _user(session, actor)
    row = _totp_row(session, user.id)
    if row is None or row.confirmed_at is not None:
        raise ServiceError("Start the set-up again: no authenticator is waiting for a code.")
    clean = _clean_code(code)
    if not _is_totp_shape(clean) or not _use_totp(session, settings, row, clean):
        raise ServiceError("That code is not right. Enter the 6-digit code your app shows now.", "code")
    session.exec(update(MfaTotp).where(MfaTotp.id == row.id).values(confirmed_at=utcnow()))
    return _new_recovery_codes(session, settings, user.id)


def cancel_enrolment(session: Session, actor: Actor) -> None:
    session.exec(delete(MfaTotp).where(MfaTotp.user_id == actor.user_id, MfaTotp.confirmed_at.is_(None)))


def _throttled_check(session: Session, settings: Settings, user_id: int, code: object, ip: str = "") -> bool:
    """Count the attempt (committed before checking), then spend the code; False when wrong."""
    rules = mfa_rules(settings, user_id, ip)
    refusal = throttle.reserve(session, rules, settings.login_window_minutes)
    session.commit()
    if refusal is not None:
        minutes = refusal.minutes()
        raise SecondFactorInvalid(f"Too many wrong codes. Try again in {minutes} minute{'s' if minutes != 1 else ''}.")
    if _use_code(session, settings, user_id, code):
        throttle.record_success(session, rules)
        return True
    throttle.record_failure(session, rules, settings.login_window_minutes)
    return False


def mfa_rules(settings: Settings, user_id: int, ip: str = "") -> list[throttle.Rule]:
    return [throttle.Rule(f"mfa-user:{user_id}", MFA_USER_LIMIT),
            throttle.Rule(f"mfa-ip:{(ip or 'unknown')[:64]}", settings.login_ip_max_failures)]


def regenerate_recovery_codes(session: Session, settings: Settings, actor: Actor, code: object) -> list[str]:
    """New recovery codes (the old ones stop working) after a right authenticator code."""
    user = _user(session, actor)
    if not is_enabled(session, user.id):
        raise ServiceError("Turn on two-factor sign-in first.")
    if not _throttled_check(session, settings, user.id, code):
        session.commit()
        raise ServiceError(WRONG_CODE, "code")
    return _new_recovery_codes(session, settings, user.id)


def disable(session: Session, settings: Settings, actor: Actor, password: object, code: object) -> None:
    """Turn two-factor sign-in off: needs the password and a code (or a recovery code)."""
    user = _user(session, actor)
    if not is_enabled(session, user.id):
        raise ServiceError("Two-factor sign-in is already off.")
    if not isinstance(password, str) or not passwords.verify_password(password, user.password_hash):
        raise ServiceError("The password is incorrect.", "password")
    if not _throttled_check(session, settings, user.id, code):
        session.commit()
        raise ServiceError(WRONG_CODE, "code")
    _remove(session, user.id)


def _remove(session: Session, user_id: int) -> None:
    session.exec(delete(MfaRecoveryCode).where(MfaRecoveryCode.user_id == user_id))
    session.exec(delete(MfaTotp).where(MfaTotp.user_id == user_id))
    session.exec(delete(MfaChallenge).where(MfaChallenge.user_id == user_id))
    session.exec(update(MfaDevice).where(MfaDevice.user_id == user_id, MfaDevice.revoked_at.is_(None))
                 .values(revoked_at=utcnow()))


def forget_devices(session: Session, actor: Actor) -> int:
    """Every remembered browser asks for a code again; returns how many were forgotten."""
    return session.exec(update(MfaDevice).where(MfaDevice.user_id == actor.user_id, MfaDevice.revoked_at.is_(None))
                        .values(revoked_at=utcnow())).rowcount or 0


def admin_reset(session: Session, actor: Actor, user_id: object) -> bool:
    """An admin removes a user's second factor (lost phone and codes); audited. Returns whether
    there was one."""
    require_role(actor, ADMIN_AREA)
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise ServiceError("That user does not exist.")
    user = session.get(User, user_id)
    if user is None:
        raise ServiceError("That user does not exist.")
    had = _totp_row(session, user.id) is not None
    _remove(session, user.id)
    audit.record(session, actor, "user.mfa_reset", "user", user.id, f"{user.name}: two-factor sign-in reset")
    return had


def admins_without_mfa(session: Session) -> list[str]:
    """Active admins' e-mails whose accounts have no confirmed authenticator (production check)."""
    confirmed = select(MfaTotp.user_id).where(MfaTotp.confirmed_at.is_not(None))
    return list(session.exec(select(User.email).where(User.role == "admin", User.is_active.is_(True),
                                                      User.id.not_in(confirmed)).order_by(User.email)).all())


# --- the code step of sign-in ----------------------------------------------------------------

def start_challenge(session: Session, user_id: int) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.exec(delete(MfaChallenge).where(MfaChallenge.expires_at < now))
    session.add(MfaChallenge(user_id=user_id, token_hash=hash_token(token), created_at=now,
                             expires_at=now + timedelta(minutes=CHALLENGE_MINUTES)))
    session.flush()
    return token


@dataclass(frozen=True)
class Passed:
    user_id: int
    role: str
    device_claim: str = ""


def answer_challenge(session: Session, settings: Settings, token: object, code: object, ip: str = "",
                     remember: bool = False, user_agent: str = "") -> Passed:
    """Check the code for a challenge; on success the challenge is spent and, when asked, a
    device claim is made (traded for the remember cookie by the session route)."""
    if not isinstance(token, str) or not token or len(token) > 200:
        raise ServiceError(CHALLENGE_GONE)
    now = utcnow()
    row = session.exec(select(MfaChallenge).where(MfaChallenge.token_hash == hash_token(token))).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise ServiceError(CHALLENGE_GONE)
    # One attempt taken atomically; the 6th finds no row to update.
    taken = session.exec(update(MfaChallenge).where(MfaChallenge.id == row.id, MfaChallenge.used_at.is_(None),
                                                    MfaChallenge.attempts < CHALLENGE_ATTEMPTS)
                         .values(attempts=MfaChallenge.attempts + 1)).rowcount
    session.commit()
    if taken != 1:
        raise ServiceError("Too many wrong codes for this sign-in. Enter your email and password again.")
    if not _clean_code(code):
        raise ServiceError(NEED_CODE, "code")
    if not _throttled_check(session, settings, row.user_id, code, ip):
        session.commit()
        raise ServiceError(WRONG_CODE, "code")
    spent = session.exec(update(MfaChallenge).where(MfaChallenge.id == row.id, MfaChallenge.used_at.is_(None))
                         .values(used_at=now)).rowcount
    user = session.get(User, row.user_id)
    if spent != 1 or user is None or not user.is_active:
        raise ServiceError(CHALLENGE_GONE)
    claim = _new_device_claim(session, user.id, user_agent) if remember is True else ""
    return Passed(user.id, user.role, claim)


# --- remembered devices ----------------------------------------------------------------------

def _new_device_claim(session: Session, user_id: int, user_agent: str) -> str:
    claim = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(MfaDevice(user_id=user_id, claim_hash=hash_token(claim), label=(user_agent or "")[:200],
                          created_at=now, expires_at=now + timedelta(seconds=DEVICE_CLAIM_SECONDS)))
    session.flush()
    return claim


def claim_device(session: Session, settings: Settings, claim: object) -> str | None:
    """Trade a one-minute claim for the 30-day device cookie value (signed); None when unknown."""
    if not isinstance(claim, str) or not claim or len(claim) > 200:
        return None
    now = utcnow()
    row = session.exec(select(MfaDevice).where(MfaDevice.claim_hash == hash_token(claim))).first()
    if row is None or row.expires_at <= now or row.revoked_at is not None or row.token_hash is not None:
        return None
    token = secrets.token_urlsafe(32)
    done = session.exec(update(MfaDevice).where(MfaDevice.id == row.id, MfaDevice.token_hash.is_(None))
                        .values(claim_hash=None, token_hash=hash_token(token),
                                expires_at=now + timedelta(days=DEVICE_DAYS))).rowcount
    if done != 1:
        return None
    return _sign_device(settings, row.user_id, token)


def _sign_device(settings: Settings, user_id: int, token: str) -> str:
    return f"{user_id}.{token}.{_digest(settings, 'device', f'{user_id}.{token}')}"


def device_remembers(session: Session, settings: Settings, user_id: int, cookie: object) -> bool:
    """Whether the browser's device cookie is a live remembered device of this user."""
    if not isinstance(cookie, str) or len(cookie) > 300 or cookie.count(".") != 2:
        return False
    uid, token, signature = cookie.split(".")
    if uid != str(user_id) or not hmac.compare_digest(signature, _digest(settings, "device", f"{uid}.{token}")):
        return False
    return session.exec(select(MfaDevice.id).where(
        MfaDevice.user_id == user_id, MfaDevice.token_hash == hash_token(token), MfaDevice.revoked_at.is_(None),
        MfaDevice.expires_at > utcnow())).first() is not None


def purge(session: Session) -> int:
    """Delete expired challenges and expired or long-revoked devices (periodic job)."""
    now = utcnow()
    removed = session.exec(delete(MfaChallenge).where(MfaChallenge.expires_at < now)).rowcount or 0
    removed += session.exec(delete(MfaDevice).where(
        (MfaDevice.expires_at < now) | (MfaDevice.revoked_at < now - timedelta(days=30)))).rowcount or 0
    return removed


# --- the one entry point for other sign-in paths (the REST API's token endpoint) -------------

def check_second_factor(session: Session, user: User, code: str | None, ip: str = "") -> None:
    """Raise unless ``user`` may have a credential given ``code``.

    Accounts without two-factor sign-in pass. Otherwise a missing code raises
    ``SecondFactorRequired`` and a wrong, reused or throttled code ``SecondFactorInvalid``
    (both ``ServiceError`` with ``field == "code"`` and a message for the person). A right code
    is spent (a TOTP step or a recovery code works once). The attempt's throttling slot is
    committed before the check, as for passwords: call it after the password was checked."""
    if not is_enabled(session, user.id):
        return
    if code is None or not _clean_code(code):
        raise SecondFactorRequired()
    if not _throttled_check(session, get_settings(), user.id, code, ip):
        session.commit()
        raise SecondFactorInvalid()


# --- the password step of the sign-in page ---------------------------------------------------

@dataclass(frozen=True)
class Step:
    """What the password step leads to: a login ticket, a challenge for the code step, or an error."""

    ticket: str = ""
    challenge: str = ""
    role: str = ""
    error: str = ""


def password_step(session: Session, settings: Settings, email: object, password: object, ip: str = "",
                  device_cookie: object = None) -> Step:
    """Check the password (throttled, see accounts.authenticate); then a ticket when the account
    has no second factor or this browser is remembered, else a challenge for the code step.
    Errors are returned, not raised, so the caller's transaction commits the throttling."""
    from lms_app.accounts.services.accounts import authenticate
    from lms_app.core import sessions

    try:
        user = authenticate(session, settings, email, password, ip)
    except ServiceError as exc:
        return Step(error=exc.message)
    if not is_enabled(session, user.id) or device_remembers(session, settings, user.id, device_cookie):
        return Step(ticket=sessions.create_login_ticket(session, user.id), role=user.role)
    return Step(challenge=start_challenge(session, user.id), role=user.role)


def code_step(session: Session, settings: Settings, token: object, code: object, ip: str = "",
              remember: bool = False, user_agent: str = "") -> tuple[str, str, str]:
    """The code step: (login ticket, device claim or "", role); raises ServiceError."""
    from lms_app.core import sessions

    passed = answer_challenge(session, settings, token, code, ip, remember, user_agent)
    return sessions.create_login_ticket(session, passed.user_id), passed.device_claim, passed.role
