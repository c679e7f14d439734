"""E-mail verification and password reset: the rules (mails go out through the job queue).

No user enumeration: ``request_password_reset`` answers nothing and does the same work (a token
and a rendered mail) whether or not the address has an account; the page says the same words.
Throttling is counted in the database per account (``tokens.THROTTLE_MAX`` links an hour).
"""

from __future__ import annotations

from sqlmodel import Session, select

from lms_app.accounts.services import passwords, throttle, tokens
from lms_app.accounts.services.accounts import normalize_email
from lms_app.core import sessions
from lms_app.core.errors import ServiceError
from lms_app.core.sessions import Actor
from lms_app.core.settings import Settings
from lms_app.core.types import utcnow
from lms_app.core.users import User

BAD_LINK = "This link is invalid, already used or expired. Ask for a new one."
RESEND_WAIT = "We sent several e-mails in the last hour. Check your inbox (and spam folder), or try again later."


def send_verification(session: Session, user: User, origin: str = "") -> None:
    from lms_app.mail.services import link_base, queue_mail

    raw = tokens.issue(session, user.id, "verify_email")
    queue_mail(session, to=user.email, template="verify_email", subject="Confirm your e-mail address",
               user_id=user.id, sensitive=True,
               context={"name": user.name, "link": f"{link_base(origin)}/verify-email/{raw}",
                        "hours": int(tokens.LIFETIME["verify_email"].total_seconds() // 3600)})


def resend_verification(session: Session, actor: Actor, origin: str = "") -> str:
    """Mail a new verification link to the signed-in user; returns what to tell them."""
    user = session.get(User, actor.user_id)
    if user is None or not user.is_active:
        raise ServiceError("Your account is no longer active. Sign in again.")
    if user.email_verified_at is not None:
        return "Your e-mail address is already confirmed."
    if tokens.recent_count(session, user.id, "verify_email") >= tokens.THROTTLE_MAX:
        raise ServiceError(RESEND_WAIT)
    send_verification(session, user, origin)
    return f"We sent a new link to {user.email}."


def verify_email(session: Session, raw_token: object) -> bool:
    """Spend a verification link and mark its own account verified (whoever is signed in)."""
    user_id = tokens.spend(session, raw_token, "verify_email")
    user = session.get(User, user_id) if user_id else None
    if user is None or not user.is_active:
        return False
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        session.add(user)
    return True


def request_password_reset(session: Session, settings: Settings, email: object, origin: str = "") -> None:
    """Mail a reset link if the address has an active account and is not throttled; else do the
    same work and mail nothing. The caller shows one answer either way."""
    from lms_app.mail.services import link_base, queue_mail, render

    address = normalize_email(email)  # a malformed address is a form error, not an account fact
    user = session.exec(select(User).where(User.email == address)).first()
    minutes = int(tokens.LIFETIME["reset_password"].total_seconds() // 60)
    if user is None or not user.is_active or tokens.recent_count(session, user.id, "reset_password") >= tokens.THROTTLE_MAX:
        raw, _ = tokens.new_token()
        render("reset_password", "Reset your password", {"name": "", "link": raw, "minutes": minutes})
        return
    raw = tokens.issue(session, user.id, "reset_password")
    queue_mail(session, to=user.email, template="reset_password", subject="Reset your password", user_id=user.id,
               sensitive=True, context={"name": user.name, "minutes": minutes,
                                        "link": f"{link_base(origin)}/reset-password/{raw}"})


def reset_link_is_live(session: Session, raw_token: object) -> bool:
    return tokens.check(session, raw_token, "reset_password") is not None


def reset_password(session: Session, settings: Settings, raw_token: object, new_password: object) -> int:
    """Set a new password through a reset link and sign the account out everywhere; returns the
    user id (the caller signs this browser in). The password is checked before the link is spent,
    so a too-short password does not burn the link."""
    passwords.validate_password(new_password, "password")  # type: ignore[arg-type]
    user_id = tokens.spend(session, raw_token, "reset_password")
    user = session.get(User, user_id) if user_id else None
    if user is None or not user.is_active:
        raise ServiceError(BAD_LINK)
    user.password_hash = passwords.hash_password(new_password, settings.bcrypt_cost)  # type: ignore[arg-type]
    user.updated_at = utcnow()
    if user.email_verified_at is None:  # the link reached this mailbox: the address is confirmed
        user.email_verified_at = user.updated_at
    session.add(user)
    tokens.spend_all(session, user.id, "reset_password")
    sessions.revoke_user_sessions(session, user.id, reason="password_reset")
    throttle.clear_account(session, user.email)  # the owner is back: a stranger's lockout ends here
    return user.id


def reset_and_sign_in(session: Session, settings: Settings, raw_token: object, new_password: object) -> str:
    """Reset, then a login ticket for this browser (every older session is already revoked)."""
    return sessions.create_login_ticket(session, reset_password(session, settings, raw_token, new_password))
