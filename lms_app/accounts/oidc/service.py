"""Sign in with OpenID Connect (Authlib) and GitHub; linking identities to accounts.

The flow: ``/auth/oidc/<key>/start`` makes a flow row (random ``state``, ``nonce`` and PKCE
``code_verifier``, stored server-side, 10 minutes, used once) and a random *binding* cookie for
this browser (only its hash is stored), then redirects to the provider. The callback finds the
flow by ``state``, requires the same browser's binding cookie (a callback URL sent to someone
else signs no one in: login CSRF), deletes the flow, trades the code with the verifier, and
checks the ID token's signature (the issuer's JWKS), issuer, audience, expiry and nonce.

Who it signs in:
- an identity already linked → its account;
- a linking flow started from the profile (signed in, a one-time ticket) → linked to that account;
- otherwise by e-mail, only when the provider says the address is verified: an existing account
  with that address gets the identity linked (the provider proved the address); an unknown
  address gets a new learner account whose e-mail counts as verified. An unverified address
  never links: the person signs in with the password and links from the profile (proving it).
Accounts with two-factor sign-in still need their code after the provider.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

import httpx
import warnings

from authlib.deprecate import AuthlibDeprecationWarning

with warnings.catch_warnings():
    # Authlib 1.9 prefers the new "httpx2" package and warns when it falls back to httpx; httpx is
    # what Reflex already ships, and the client works the same with it.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.accounts.oidc import providers
from lms_app.accounts.oidc.models import OidcFlow, OidcIdentity
from lms_app.accounts.oidc.providers import GITHUB, Provider
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import LEARNER_AREA, require_role
from lms_app.core.sessions import Actor, hash_token
from lms_app.core.settings import Settings
from lms_app.core.types import utcnow
from lms_app.core.users import User

FLOW_MINUTES = 10
BINDING_COOKIE = "lms_oidc_flow"
CALLBACK_PATH = "/auth/oidc/callback"
HTTP_TIMEOUT = 10.0
METADATA_SECONDS = 3600

# Error codes the callback puts in the login URL; the page shows the text (never text from the URL).
ERRORS = {
    "expired": "That sign-in took too long or was opened in another browser. Please try again.",
    "provider": "The sign-in provider did not confirm who you are. Please try again.",
    "unverified": "Your provider did not confirm your e-mail address. Sign in with your password, then link "
                  "the provider on your profile page.",
    "taken": "That provider account is already linked to another account here.",
    "inactive": "This account has been deactivated. Contact an administrator.",
    "unknown": "That sign-in provider is not available.",
    "denied": "Sign-in was cancelled at the provider.",
}


class OidcError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code if code in ERRORS else "provider"


# --- provider metadata (discovery and keys), cached ----------------------------------------------

_cache: dict[str, tuple[float, dict]] = {}
_lock = threading.Lock()


def _get_json(url: str, **kwargs) -> dict:
    response = httpx.get(url, timeout=HTTP_TIMEOUT, follow_redirects=False, **kwargs)
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict) and not isinstance(data, list):
        raise OidcError("provider")
    return data


def metadata(provider: Provider, force: bool = False) -> dict:
    """The provider's discovery document with its JWKS (``jwks``), cached for an hour."""
    if provider.kind == "github":
        return {"authorization_endpoint": GITHUB["authorize"], "token_endpoint": GITHUB["token"]}
    with _lock:
        hit = _cache.get(provider.discovery_url)
    if hit and not force and time.monotonic() - hit[0] < METADATA_SECONDS:
        return hit[1]
    try:
        found = _get_json(provider.discovery_url)
        found["jwks"] = _get_json(found["jwks_uri"])
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        raise OidcError("provider") from exc
    with _lock:
        _cache[provider.discovery_url] = (time.monotonic(), found)
    return found


def forget_metadata() -> None:
    with _lock:
        _cache.clear()


def _client(provider: Provider, redirect_uri: str) -> OAuth2Client:
    return OAuth2Client(provider.client_id, provider.client_secret, scope=provider.scope, redirect_uri=redirect_uri,
                        code_challenge_method="S256", timeout=HTTP_TIMEOUT,
                        token_endpoint_auth_method="client_secret_post" if provider.kind == "github"
                        else "client_secret_basic")


def redirect_uri(base: str) -> str:
    return base + CALLBACK_PATH


# --- start ------------------------------------------------------------------------------------

def create_link_ticket(session: Session, actor: Actor, provider_key: object) -> str:
    """A one-time ticket (1 minute) the start route trades for a linking flow for this account."""
    require_role(actor, LEARNER_AREA)
    if providers.get(provider_key) is None:
        raise ServiceError(ERRORS["unknown"])
    ticket = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(OidcFlow(ticket_hash=hash_token(ticket), provider=provider_key, link_user_id=actor.user_id,
                         next_path="/profile", created_at=now, expires_at=now + timedelta(minutes=1)))
    session.flush()
    return ticket


def start(session: Session, provider: Provider, meta: dict, base: str, next_path: str,
          link_ticket: object = None) -> tuple[str, str]:
    """Make the flow; returns (the provider's authorization URL, the browser binding cookie value)."""
    now = utcnow()
    session.exec(delete(OidcFlow).where(OidcFlow.expires_at < now))
    binding, state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(64)[:96]
    flow = None
    if link_ticket:
        if not isinstance(link_ticket, str) or len(link_ticket) > 200:
            raise OidcError("expired")
        flow = session.exec(select(OidcFlow).where(OidcFlow.ticket_hash == hash_token(link_ticket))).first()
        if flow is None or flow.expires_at <= now or flow.provider != provider.key:
            raise OidcError("expired")
        flow.ticket_hash = None
    else:
        flow = OidcFlow(provider=provider.key, next_path=next_path)
    flow.state_hash, flow.browser_hash = hash_token(state), hash_token(binding)
    flow.nonce, flow.code_verifier = nonce, verifier
    flow.created_at, flow.expires_at = now, now + timedelta(minutes=FLOW_MINUTES)
    session.add(flow)
    session.flush()
    client = _client(provider, redirect_uri(base))
    extra = {"nonce": nonce} if provider.kind == "oidc" else {}
    url, _state = client.create_authorization_url(meta["authorization_endpoint"], state=state,
                                                  code_verifier=verifier, **extra)
    return url, binding


# --- callback ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Flow:
    provider: str
    nonce: str
    code_verifier: str
    next_path: str
    link_user_id: int | None


def take_flow(session: Session, state: object, binding: object) -> Flow:
    """The flow for this callback (deleted: used once), if this browser started it."""
    if not isinstance(state, str) or not state or len(state) > 200 or not isinstance(binding, str) or not binding:
        raise OidcError("expired")
    row = session.exec(select(OidcFlow).where(OidcFlow.state_hash == hash_token(state))).first()
    if row is None:
        raise OidcError("expired")
    deleted = session.exec(delete(OidcFlow).where(OidcFlow.id == row.id)).rowcount
    session.commit()  # spent even if the rest fails
    if deleted != 1 or row.expires_at <= utcnow() or not secrets.compare_digest(row.browser_hash, hash_token(binding)):
        raise OidcError("expired")
    return Flow(row.provider, row.nonce, row.code_verifier, row.next_path, row.link_user_id)


def exchange(provider: Provider, meta: dict, base: str, flow: Flow, code: object) -> dict:
    """Trade the code (with the PKCE verifier) and return checked claims: sub, email, email_verified, name.

    Network only (no database): call it outside a transaction."""
    if not isinstance(code, str) or not code or len(code) > 2000:
        raise OidcError("provider")
    client = _client(provider, redirect_uri(base))
    try:
        token = client.fetch_token(meta["token_endpoint"], code=code, code_verifier=flow.code_verifier,
                                   headers={"Accept": "application/json"})
    except Exception as exc:  # Authlib raises OAuthError, httpx HTTPError, ValueError on bad JSON
        raise OidcError("provider") from exc
    if provider.kind == "github":
        return _github_claims(client, token)
    return _id_token_claims(provider, meta, token, flow.nonce)


def _id_token_claims(provider: Provider, meta: dict, token: dict, nonce: str) -> dict:
    raw = token.get("id_token")
    if not raw:
        raise OidcError("provider")
    registry = JWSRegistry(algorithms=meta.get("id_token_signing_alg_values_supported") or ["RS256"],
                           strict_check_header=False)
    try:
        try:
            decoded = jwt.decode(raw, KeySet.import_key_set(meta["jwks"]), registry=registry)
        except Exception:  # a rotated key: fetch the keys once more
            meta = metadata(provider, force=True)
            decoded = jwt.decode(raw, KeySet.import_key_set(meta["jwks"]), registry=registry)
        options = {"iss": {"values": [meta["issuer"]]}} if "{tenantid}" not in meta.get("issuer", "") else None
        claims = CodeIDToken(decoded.claims, decoded.header, options,
                             {"nonce": nonce, "client_id": provider.client_id,
                              "access_token": token.get("access_token")})
        claims.validate(leeway=120)
    except OidcError:
        raise
    except Exception as exc:
        raise OidcError("provider") from exc
    return {"sub": str(claims["sub"]), "email": str(claims.get("email") or "").strip().lower(),
            "email_verified": claims.get("email_verified") is True, "name": str(claims.get("name") or "")}


def _github_claims(client: OAuth2Client, token: dict) -> dict:
    headers = {"Accept": "application/vnd.github+json"}
    try:
        user = client.get(GITHUB["user"], headers=headers).json()
        emails = client.get(GITHUB["emails"], headers=headers).json()
    except Exception as exc:
        raise OidcError("provider") from exc
    primary = next((e for e in emails if isinstance(e, dict) and e.get("primary")), {}) if isinstance(emails, list) else {}
    return {"sub": str(user.get("id") or ""), "email": str(primary.get("email") or "").strip().lower(),
            "email_verified": primary.get("verified") is True, "name": str(user.get("name") or user.get("login") or "")}


@dataclass(frozen=True)
class Outcome:
    user_id: int
    next_path: str
    created: bool = False
    linked: bool = False


def sign_in_with(session: Session, settings: Settings, flow: Flow, claims: dict) -> Outcome:
    """Find, link or create the account for checked claims (see the module docstring)."""
    from lms_app.accounts.services import passwords

    subject = claims.get("sub") or ""
    if not subject or len(subject) > 255:
        raise OidcError("provider")
    now = utcnow()
    found = session.exec(select(OidcIdentity).where(OidcIdentity.provider == flow.provider,
                                                    OidcIdentity.subject == subject)).first()
    if flow.link_user_id is not None:
        if found is not None and found.user_id != flow.link_user_id:
            raise OidcError("taken")
        if found is None:
            _link(session, flow.link_user_id, flow.provider, subject, claims.get("email", ""))
        return Outcome(flow.link_user_id, "/profile", linked=True)
    if found is not None:
        user = session.get(User, found.user_id)
        if user is None or not user.is_active:
            raise OidcError("inactive")
        found.last_used_at = now
        session.add(found)
        return Outcome(user.id, flow.next_path)
    email = claims.get("email") or ""
    if not email or claims.get("email_verified") is not True:
        raise OidcError("unverified")
    from lms_app.accounts.services.accounts import clean_name, normalize_email

    try:
        email = normalize_email(email)
    except ServiceError as exc:
        raise OidcError("unverified") from exc
    user = session.exec(select(User).where(User.email == email)).first()
    created = False
    if user is None:
        try:
            name = clean_name(claims.get("name") or email.split("@")[0])
        except ServiceError:
            name = email.split("@")[0][:120]
        # No password: a random one nobody knows (the owner can set one with "forgot password").
        user = User(name=name, email=email, role="learner", email_verified_at=now,
                    password_hash=passwords.hash_password(secrets.token_urlsafe(32), settings.bcrypt_cost))
        session.add(user)
        try:
            session.flush()
        except IntegrityError as exc:
            raise OidcError("provider") from exc
        created = True
    elif not user.is_active:
        raise OidcError("inactive")
    elif user.email_verified_at is None:
        user.email_verified_at = now  # the provider just proved the address
        session.add(user)
    _link(session, user.id, flow.provider, subject, email)
    return Outcome(user.id, flow.next_path, created=created, linked=not created)


def _link(session: Session, user_id: int, provider: str, subject: str, email: str) -> None:
    exists = session.exec(select(OidcIdentity.id).where(OidcIdentity.user_id == user_id,
                                                        OidcIdentity.provider == provider)).first()
    if exists is not None:
        raise OidcError("taken")
    session.add(OidcIdentity(user_id=user_id, provider=provider, subject=subject, email=email[:254],
                             last_used_at=utcnow()))
    try:
        session.flush()
    except IntegrityError as exc:
        raise OidcError("taken") from exc


# --- the profile card ---------------------------------------------------------------------------

def identities(session: Session, actor: Actor) -> list[dict]:
    require_role(actor, LEARNER_AREA)
    rows = session.exec(select(OidcIdentity).where(OidcIdentity.user_id == actor.user_id)
                        .order_by(OidcIdentity.created_at)).all()
    labels = {p.key: p.label for p in providers.configured().values()}
    return [{"id": r.id or 0, "provider": labels.get(r.provider, r.provider.title()), "email": r.email,
             "since": r.created_at.strftime("%Y-%m-%d")} for r in rows]


def unlink(session: Session, actor: Actor, identity_id: object) -> None:
    require_role(actor, LEARNER_AREA)
    if not isinstance(identity_id, int) or isinstance(identity_id, bool):
        raise ServiceError("That linked sign-in does not exist.")
    gone = session.exec(delete(OidcIdentity).where(OidcIdentity.id == identity_id,
                                                   OidcIdentity.user_id == actor.user_id)).rowcount
    if gone != 1:
        raise ServiceError("That linked sign-in does not exist.")


def purge(session: Session) -> int:
    """Delete sign-ins in progress that expired (periodic job)."""
    return session.exec(delete(OidcFlow).where(OidcFlow.expires_at < utcnow())).rowcount or 0
