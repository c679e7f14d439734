"""Access tokens (JWT), rotating refresh tokens and personal access tokens (no ``import reflex``).

- **Access token**: a JWT (HS256, PyJWT) valid ``ACCESS_MINUTES``, with a ``kid`` header naming
  the key, so keys can rotate (``signing_keys``: the current key signs, every listed key
  verifies). Only HS256 is accepted: ``alg: none`` and any other algorithm are refused. The
  token carries a fingerprint of the password hash: a password change or reset ends it.
- **Refresh token**: random, stored hashed, good once. Using it spends it and returns a new pair
  of the same *family*; presenting a spent token again means it was stolen (or replayed), so the
  whole family is revoked. Signing out revokes the family.
- **Personal access token** (``lms_pat_...``): for scripts; named, scoped, shown once, stored
  hashed, with a last-used time; revoked from the profile page or the API.

Deactivated accounts: every token check loads the user and refuses an inactive one.

Revocation by the web (``on_credentials_revoked``, through ``lms_credentials_revoked``): an
admin deactivating an account, erasure and a password reset revoke every refresh token and
personal token; a password change and "sign out everywhere" revoke every refresh token (all
devices) and keep personal tokens. A plain web sign-out ends only that browser session: API
sign-ins are not tied to a browser session (a client ends its own with ``POST /auth/revoke``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from sqlalchemy import update
from sqlmodel import Session, select

from lms_app.api.models import ApiRefreshToken, ApiToken
from lms_app.core.errors import ServiceError
from lms_app.core.sessions import Actor, hash_token
from lms_app.core.settings import Settings
from lms_app.core.types import utcnow
from lms_app.core.users import User

ACCESS_MINUTES = 15
REFRESH_DAYS = 30
ALGORITHM = "HS256"
PAT_PREFIX = "lms_pat_"
MAX_TOKEN_LENGTH = 2000
LAST_USED_RESOLUTION = timedelta(minutes=5)
MAX_TOKENS_PER_USER = 50
SCOPES = ("read", "learn", "teach", "admin")
ROLE_SCOPES = {"learner": ("read", "learn"), "teacher": ("read", "learn", "teach"),
               "admin": ("read", "learn", "teach", "admin")}


class TokenError(ServiceError):
    """A token that does not authenticate (unknown, expired, revoked, wrong key, inactive user)."""


@dataclass(frozen=True)
class Principal:
    """Who calls the API: the actor the services check, the scopes the token grants, and a key
    that identifies the credential for per-token rate limits (never the token itself)."""

    actor: Actor
    scopes: frozenset[str]
    kind: str  # "jwt" | "pat"
    credential: str


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    scope: str


def _derive(secret: str, version: str) -> bytes:
    return hmac.new(secret.encode(), f"lms-api-access-token:{version}".encode(), hashlib.sha256).digest()


KID_RE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
MIN_KEY_LENGTH = 32


def parse_keys(raw: str) -> tuple[tuple[str, str], ...]:
    """``LMS_JWT_KEYS``: ``kid:secret`` pairs separated by commas or spaces, the signing key
    first. Each kid is unique, each secret at least 32 characters."""
    pairs: list[tuple[str, str]] = []
    for item in re.split(r"[,\s]+", raw.strip()):
        if not item:
            continue
        kid, sep, secret = item.partition(":")
        if not sep or not KID_RE.match(kid):
            raise ValueError("write each key as kid:secret (kid: letters, digits, . _ -)")
        if len(secret) < MIN_KEY_LENGTH:
            raise ValueError(f"the secret of key {kid!r} is shorter than {MIN_KEY_LENGTH} characters")
        if any(k == kid for k, _ in pairs):
            raise ValueError(f"key id {kid!r} is listed twice")
        pairs.append((kid, secret))
    if not pairs:
        raise ValueError("list at least one kid:secret")
    return tuple(pairs)


def configured_keys() -> tuple[tuple[str, str], ...]:
    """The ``LMS_JWT_KEYS`` setting (empty: none configured)."""
    from lms_app.core import plugins

    try:
        return plugins.setting("LMS_JWT_KEYS") or ()
    except KeyError:  # the API plugin's settings are not registered (a bare test manager)
        return ()


def signing_keys(settings: Settings) -> dict[str, bytes]:
    """kid -> key, in order: the first signs, every listed key verifies.

    Rotation: with ``LMS_JWT_KEYS="new:<secret>,old:<secret>"`` new tokens are signed by "new"
    and tokens signed by "old" keep verifying until they expire (ACCESS_MINUTES); then drop
    "old" from the list. A token whose ``kid`` is not listed is refused. Without the setting the
    one key is derived from ``LMS_SECRET_KEY`` (rotating that secret rotates it, ending every
    access token at once)."""
    listed = configured_keys()
    if listed:
        return {kid: _derive(secret, "jwt") for kid, secret in listed}
    key = _derive(settings.secret_key, "v1")
    kid = "v1-" + hashlib.sha256(key).hexdigest()[:8]
    return {kid: key}


def password_mark(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def role_scopes(role: str) -> frozenset[str]:
    return frozenset(ROLE_SCOPES.get(role, ()))


def access_token(settings: Settings, user: User, now: datetime | None = None) -> str:
    now = now or utcnow()
    kid, key = next(iter(signing_keys(settings).items()))
    claims = {"sub": str(user.id), "role": user.role, "scope": " ".join(sorted(role_scopes(user.role))),
              "pwm": password_mark(user), "iat": int(now.timestamp()),
              "exp": int((now + timedelta(minutes=ACCESS_MINUTES)).timestamp()), "jti": uuid.uuid4().hex,
              "typ": "access"}
    return jwt.encode(claims, key, algorithm=ALGORITHM, headers={"kid": kid})


def _claims(settings: Settings, token: str) -> dict:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise TokenError("The access token is malformed.") from None
    key = signing_keys(settings).get(header.get("kid") if isinstance(header.get("kid"), str) else "")
    if key is None or header.get("alg") != ALGORITHM:
        raise TokenError("The access token was not signed by this server.")
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], options={"require": ["exp", "iat", "sub"]})
    except jwt.ExpiredSignatureError:
        raise TokenError("The access token has expired. Refresh it.") from None
    except jwt.PyJWTError:
        raise TokenError("The access token is invalid.") from None
    if claims.get("typ") != "access":
        raise TokenError("The access token is invalid.")
    return claims


def _live_user(session: Session, user_id: object) -> User:
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active:
        raise TokenError("This account is not active.")
    return user


def authenticate_bearer(session: Session, settings: Settings, token: object) -> Principal:
    """The principal behind ``Authorization: Bearer <token>`` (a JWT or a personal token)."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise TokenError("Send a bearer token.")
    if token.startswith(PAT_PREFIX):
        return _pat_principal(session, token)
    claims = _claims(settings, token)
    try:
        user_id = int(claims["sub"])
    except (TypeError, ValueError):
        raise TokenError("The access token is invalid.") from None
    user = _live_user(session, user_id)
    if not hmac.compare_digest(str(claims.get("pwm", "")), password_mark(user)):
        raise TokenError("The password changed since this token was issued. Sign in again.")
    scopes = role_scopes(user.role) & frozenset(str(claims.get("scope", "")).split())
    return Principal(Actor(user_id=user.id, role=user.role, session_id=0), scopes, "jwt",
                     "jwt:" + str(claims.get("jti", ""))[:40])


# --- refresh tokens ---------------------------------------------------------------------------

def _new_refresh(session: Session, user: User, family: str, now: datetime) -> str:
    raw = secrets.token_urlsafe(32)
    session.add(ApiRefreshToken(user_id=user.id, family=family, token_hash=hash_token(raw),
                                password_mark=password_mark(user), created_at=now,
                                expires_at=now + timedelta(days=REFRESH_DAYS)))
    session.flush()
    return raw


def issue_pair(session: Session, settings: Settings, user: User, now: datetime | None = None) -> TokenPair:
    """A new access token and the first refresh token of a new family (after sign-in)."""
    now = now or utcnow()
    refresh = _new_refresh(session, user, uuid.uuid4().hex, now)
    return TokenPair(access_token(settings, user, now), refresh, ACCESS_MINUTES * 60,
                     " ".join(sorted(role_scopes(user.role))))


def revoke_family(session: Session, family: str, now: datetime | None = None) -> int:
    return session.exec(update(ApiRefreshToken)
                        .where(ApiRefreshToken.family == family, ApiRefreshToken.revoked_at.is_(None))
                        .values(revoked_at=now or utcnow())).rowcount or 0


def refresh(session: Session, settings: Settings, raw: object, now: datetime | None = None) -> TokenPair:
    """Spend a refresh token for a new pair. A token presented twice revokes its family; the
    revocation is committed even though the call fails (the caller commits, then raises)."""
    now = now or utcnow()
    if not isinstance(raw, str) or not raw or len(raw) > 200:
        raise TokenError("The refresh token is invalid.")
    row = session.exec(select(ApiRefreshToken).where(ApiRefreshToken.token_hash == hash_token(raw))
                       .with_for_update()).first()
    if row is None:
        raise TokenError("The refresh token is invalid.")
    if row.revoked_at is not None:
        raise TokenError("The refresh token has been revoked. Sign in again.")
    if row.used_at is not None:
        revoke_family(session, row.family, now)
        session.commit()  # the revocation stands although this call fails
        raise ReuseDetected("This refresh token was already used: every token of this sign-in is now "
                            "revoked. Sign in again.")
    if row.expires_at <= now:
        raise TokenError("The refresh token has expired. Sign in again.")
    # Spend it with a guarded UPDATE: of two concurrent refreshes only one can win.
    spent = session.exec(update(ApiRefreshToken).where(ApiRefreshToken.id == row.id, ApiRefreshToken.used_at.is_(None))
                         .values(used_at=now)).rowcount
    if spent != 1:
        revoke_family(session, row.family, now)
        session.commit()  # the revocation stands although this call fails
        raise ReuseDetected("This refresh token was already used. Sign in again.")
    user = _live_user(session, row.user_id)
    if not hmac.compare_digest(row.password_mark, password_mark(user)):
        revoke_family(session, row.family, now)
        session.commit()  # the revocation stands although this call fails
        raise TokenError("The password changed since this sign-in. Sign in again.")
    new = _new_refresh(session, user, row.family, now)
    return TokenPair(access_token(settings, user, now), new, ACCESS_MINUTES * 60,
                     " ".join(sorted(role_scopes(user.role))))


class ReuseDetected(TokenError):
    """A spent refresh token came back: its family has been revoked (commit that, then refuse)."""


def revoke_refresh(session: Session, raw: object, now: datetime | None = None) -> bool:
    """Sign out: revoke the family of this refresh token. Unknown tokens are ignored."""
    if not isinstance(raw, str) or not raw or len(raw) > 200:
        return False
    row = session.exec(select(ApiRefreshToken).where(ApiRefreshToken.token_hash == hash_token(raw))).first()
    return bool(row and revoke_family(session, row.family, now))


def revoke_user_tokens(session: Session, user_id: int, now: datetime | None = None, personal: bool = True) -> int:
    """Revoke every refresh token (every sign-in, every device) of a user and, with ``personal``,
    every personal token too; returns how many. Access tokens already issued die with them: they
    are checked against the account (inactive, password changed) and last ACCESS_MINUTES."""
    now = now or utcnow()
    n = session.exec(update(ApiRefreshToken).where(ApiRefreshToken.user_id == user_id,
                                                   ApiRefreshToken.revoked_at.is_(None)).values(revoked_at=now)).rowcount
    if personal:
        n += session.exec(update(ApiToken).where(ApiToken.user_id == user_id,
                                                 ApiToken.revoked_at.is_(None)).values(revoked_at=now)).rowcount
    return n or 0


# What ends when the web signs a person out (``lms_credentials_revoked``): every reason ends the
# API sign-ins (refresh tokens); personal tokens, which are not sign-ins but credentials the
# person made for scripts, end when the account is locked, erased or recovered after a reset
# (a possible takeover), not when the person changes a password they know or signs out.
KEEPS_PERSONAL_TOKENS = ("password_changed", "signed_out_everywhere")


def on_credentials_revoked(session: Session, user_id: int, reason: str) -> int:
    return revoke_user_tokens(session, user_id, personal=reason not in KEEPS_PERSONAL_TOKENS)


# --- personal access tokens -------------------------------------------------------------------

def clean_scopes(raw: object, role: str) -> list[str]:
    if isinstance(raw, str):
        raw = raw.split()
    if not isinstance(raw, (list, tuple)) or not raw or not all(isinstance(s, str) for s in raw):
        raise ServiceError("Choose at least one scope.", "scopes")
    unknown = sorted(set(raw) - set(SCOPES))
    if unknown:
        raise ServiceError(f"Unknown scope: {', '.join(unknown)}.", "scopes")
    beyond = sorted(set(raw) - role_scopes(role))
    if beyond:
        raise ServiceError(f"Your role cannot grant: {', '.join(beyond)}.", "scopes")
    return [s for s in SCOPES if s in raw]


def create_pat(session: Session, actor: Actor, name: object, scopes: object,
               days: object = None) -> tuple[ApiToken, str]:
    """A new personal token; the raw value is returned once and never stored."""
    user = _live_user(session, actor.user_id)
    clean_name = " ".join(name.split())[:80] if isinstance(name, str) else ""
    if not clean_name:
        raise ServiceError("Name the token (what uses it).", "name")
    chosen = clean_scopes(scopes, user.role)
    expires = None
    if days not in (None, "", 0):
        try:
            n = int(days)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ServiceError("Expiry must be a number of days.", "days") from None
        if not 1 <= n <= 366:
            raise ServiceError("Expiry must be between 1 and 366 days.", "days")
        expires = utcnow() + timedelta(days=n)
    live = session.exec(select(ApiToken.id).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    if len(live) >= MAX_TOKENS_PER_USER:
        raise ServiceError(f"You have {MAX_TOKENS_PER_USER} tokens: revoke one first.")
    secret = secrets.token_urlsafe(32)
    raw = PAT_PREFIX + secret
    row = ApiToken(user_id=user.id, name=clean_name, token_hash=hash_token(raw), hint=secret[:6],
                   scopes=" ".join(chosen), expires_at=expires)
    session.add(row)
    session.flush()
    return row, raw


def list_pats(session: Session, actor: Actor) -> list[ApiToken]:
    return list(session.exec(select(ApiToken).where(ApiToken.user_id == actor.user_id, ApiToken.revoked_at.is_(None))
                             .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all())


def revoke_pat(session: Session, actor: Actor, token_id: object) -> bool:
    """Revoke one of the actor's own tokens; someone else's id is treated as unknown."""
    if not isinstance(token_id, int) or isinstance(token_id, bool):
        raise ServiceError("That token does not exist.")
    n = session.exec(update(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == actor.user_id,
                                            ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow())).rowcount
    if not n:
        raise ServiceError("That token does not exist.")
    return True


def _pat_principal(session: Session, raw: str) -> Principal:
    found = session.exec(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                         .where(ApiToken.token_hash == hash_token(raw))).first()
    if found is None:
        raise TokenError("The token is invalid.")
    row, user = found
    now = utcnow()
    if row.revoked_at is not None:
        raise TokenError("The token has been revoked.")
    if row.expires_at is not None and row.expires_at <= now:
        raise TokenError("The token has expired.")
    if not user.is_active:
        raise TokenError("This account is not active.")
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        session.exec(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
    return Principal(Actor(user_id=user.id, role=user.role, session_id=0),
                     frozenset(row.scopes.split()) & role_scopes(user.role), "pat", f"pat:{row.id}")
