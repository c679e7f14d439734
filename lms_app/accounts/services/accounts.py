"""Registration, sign-in, profile and password changes.

Functions take a SQLModel session and plain arguments from the caller, validate everything
themselves (handler type hints are not validation), and raise ServiceError with a message
for the person using the app.
"""

from __future__ import annotations

import functools
import re
import zoneinfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.core.users import User
from lms_app.core.types import utcnow
from lms_app.accounts.services import passwords, throttle
from lms_app.core import sessions
from lms_app.core.sessions import Actor, actor_for_token  # noqa: F401  (re-exported for callers of accounts)
from lms_app.core.errors import ServiceError, Throttled
from lms_app.core.settings import Settings

_EMAIL_RE = re.compile(
    r"^[^@\s<>()\[\],;:\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
NAME_MAX = 120
BIO_MAX = 2000
BAD_CREDENTIALS = "The email or password is incorrect."


def normalize_email(raw: object) -> str:
    if not isinstance(raw, str):
        raise ServiceError("Enter your email address.", "email")
    email = raw.strip().lower()
    if not email:
        raise ServiceError("Enter your email address.", "email")
    if len(email) > 254 or not _EMAIL_RE.match(email):
        raise ServiceError("Enter a valid email address, like name@example.com.", "email")
    return email


def clean_name(raw: object) -> str:
    name = " ".join(raw.split()) if isinstance(raw, str) else ""
    if not name:
        raise ServiceError("Enter your name.", "name")
    if len(name) > NAME_MAX:
        raise ServiceError(f"Use at most {NAME_MAX} characters for the name.", "name")
    return name


@functools.lru_cache(maxsize=1)
def timezones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones() | {"UTC"}))


def clean_timezone(raw: object) -> str:
    if not isinstance(raw, str) or raw not in set(timezones()):
        raise ServiceError("Choose a time zone from the list.", "timezone")
    return raw


def register(session: Session, settings: Settings, name: object, email: object, password: object,
             role: str = "learner") -> User:
    """Create an account. Self-registration always makes a learner (see register_and_sign_in
    for the per-address limit on self-registration)."""
    clean = clean_name(name)
    address = normalize_email(email)
    passwords.validate_password(password)  # type: ignore[arg-type]
    if session.exec(select(User.id).where(User.email == address)).first() is not None:
        raise ServiceError("An account with this email already exists. Sign in instead?", "email")
    user = User(name=clean, email=address, role=role,
                password_hash=passwords.hash_password(password, settings.bcrypt_cost))  # type: ignore[arg-type]
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent registration won the race
        session.rollback()
        raise ServiceError("An account with this email already exists. Sign in instead?", "email") from exc
    return user


def _too_many(refusal: throttle.Refusal) -> ServiceError:
    minutes = refusal.minutes()
    return Throttled(f"Too many failed attempts. Try again in {minutes} minute{'s' if minutes != 1 else ''}, "
                     "or use \"Forgot password?\": the e-mailed link signs you in at once.")


def authenticate(session: Session, settings: Settings, email: object, password: object, ip: str = "") -> User:
    """Check a password; throttled per address and account, per address and per account.

    The attempt takes its throttling slot and that is COMMITTED before bcrypt runs: parallel
    attempts each see the others (at most the limit get checked) and no lock is held while
    bcrypt works. Unknown emails cost one bcrypt comparison against a dummy hash, like known
    ones, so the response time does not tell which emails have accounts.
    """
    try:
        address = normalize_email(email)
    except ServiceError:
        raise ServiceError(BAD_CREDENTIALS) from None
    rules = throttle.login_rules(settings, address, ip)
    refusal = throttle.reserve(session, rules, settings.login_window_minutes)
    session.commit()
    if refusal is not None:
        raise _too_many(refusal)
    user = session.exec(select(User).where(User.email == address)).first()
    if not isinstance(password, str):
        password = ""
    if user is None:
        passwords.verify_password(password, passwords.dummy_hash(settings.bcrypt_cost))
        ok = False
    else:
        ok = passwords.verify_password(password, user.password_hash)
    if not ok or user is None:
        throttle.record_failure(session, rules, settings.login_window_minutes)
        raise ServiceError(BAD_CREDENTIALS)
    if not user.is_active:
        raise ServiceError("This account has been deactivated. Contact an administrator.")
    throttle.record_success(session, rules)
    return user


def update_profile(session: Session, actor: Actor, name: object, bio: object, timezone: object) -> User:
    user = _own_user(session, actor)
    clean_bio = bio.strip() if isinstance(bio, str) else ""
    if len(clean_bio) > BIO_MAX:
        raise ServiceError(f"Keep the bio under {BIO_MAX} characters.", "bio")
    user.name = clean_name(name)
    user.bio = clean_bio
    user.timezone = clean_timezone(timezone)
    user.updated_at = utcnow()
    session.add(user)
    session.flush()
    return user


def change_password(session: Session, settings: Settings, actor: Actor, old: object, new: object) -> int:
    """Change the password and sign out every other session; returns how many were signed out."""
    user = _own_user(session, actor)
    if not isinstance(old, str) or not passwords.verify_password(old, user.password_hash):
        raise ServiceError("The current password is incorrect.", "old_password")
    passwords.validate_password(new, "new_password")  # type: ignore[arg-type]
    if old == new:
        raise ServiceError("Choose a password different from the current one.", "new_password")
    user.password_hash = passwords.hash_password(new, settings.bcrypt_cost)  # type: ignore[arg-type]
    user.updated_at = utcnow()
    session.add(user)
    return sessions.revoke_user_sessions(session, user.id, keep_session_id=actor.session_id,
                                         reason="password_changed")


def _own_user(session: Session, actor: Actor) -> User:
    user = session.get(User, actor.user_id)
    if user is None or not user.is_active:
        raise ServiceError("Your account is no longer active. Sign in again.")
    return user


def sign_in(session: Session, settings: Settings, email: object, password: object,
            ip: str = "") -> tuple[str | None, str, str]:
    """Check credentials and leave a login ticket: returns (ticket, role, error message).

    Errors are returned, not raised, so the caller's transaction still commits the failure's
    cool-down that throttling sets. ``ip`` is the client address (Reflex's router, which honours
    ``trusted_proxy_hops``), never a value from the form.
    """
    from lms_app.accounts.mfa import service as mfa

    try:
        user = authenticate(session, settings, email, password, ip)
    except ServiceError as exc:
        return None, "", exc.message
    if mfa.is_enabled(session, user.id):  # the login page's two-step path (mfa.password_step) is the way in
        return None, "", mfa.NEED_CODE
    return sessions.create_login_ticket(session, user.id), user.role, ""


def register_and_sign_in(session: Session, settings: Settings, name: object, email: object,
                         password: object, ip: str = "", origin: str = "") -> str:
    """Create a learner account, mail its verification link (after commit), return a login ticket.

    Self-registration is limited per address (LMS_REGISTER_IP_MAX per window), counted and
    committed before the bcrypt hash is made, like sign-in attempts."""
    refusal = throttle.reserve(session, throttle.register_rules(settings, ip), settings.login_window_minutes)
    session.commit()
    if refusal is not None:
        minutes = refusal.minutes()
        raise ServiceError(f"Too many new accounts from your network. Try again in {minutes} minute"
                           f"{'s' if minutes != 1 else ''}.")
    from lms_app.accounts.services.recovery import send_verification

    user = register(session, settings, name, email, password)
    send_verification(session, user, origin)
    return sessions.create_login_ticket(session, user.id)
