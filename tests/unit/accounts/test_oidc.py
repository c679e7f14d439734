"""Sign-in with OpenID Connect against a local provider the test starts (tests/oidc_provider.py).

Covers: state/nonce/PKCE kept server-side and checked, the browser-binding cookie (login CSRF),
single-use flows, new accounts with a verified e-mail, linking by verified e-mail only,
linking from the profile with a ticket, two-factor accounts still asked for their code."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from lms_app.accounts.oidc import providers, service
from lms_app.accounts.oidc.models import OidcFlow, OidcIdentity
from lms_app.core.db import session_scope
from lms_app.core.http import build_api
from lms_app.core.sessions import SESSION_COOKIE, Actor
from lms_app.core import sessions
from lms_app.core.users import User
from tests.oidc_provider import LocalProvider


@pytest.fixture(scope="module")
def idp():
    provider = LocalProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def client(idp, monkeypatch, use_env):
    use_env(**idp.env())
    providers.configured.cache_clear()
    service.forget_metadata()
    idp.user = {"sub": "alice-1", "email": "alice@idp.example", "email_verified": True, "name": "Alice IdP"}
    idp.tamper_nonce = False
    with TestClient(build_api(), base_url="http://localhost:3000") as c:
        yield c
    providers.configured.cache_clear()


def run_flow(client, start="/auth/oidc/local/start", steal_binding=False):
    """Start → provider (followed with httpx) → callback; returns the callback response."""
    started = client.get(start, follow_redirects=False)
    assert started.status_code == 303, started.text
    to_provider = started.headers["location"]
    q = parse_qs(urlsplit(to_provider).query)
    assert q["code_challenge_method"] == ["S256"] and q["nonce"][0] and q["state"][0]
    back = httpx.get(to_provider, follow_redirects=False).headers["location"]
    assert back.startswith("http://localhost:3000/auth/oidc/callback?")
    if steal_binding:
        client.cookies.clear()
    return client.get(back.replace("http://localhost:3000", ""), follow_redirects=False), q


def session_user(response) -> User | None:
    token = response.cookies.get(SESSION_COOKIE)
    with session_scope() as s:
        found = sessions.resolve_session(s, token)
        return found[0] if found else None


def test_new_account_is_created_with_a_verified_email(client, idp, db):
    response, q = run_flow(client, "/auth/oidc/local/start?next=/courses")
    assert response.status_code == 303 and response.headers["location"] == "/courses"
    user = session_user(response)
    assert user.email == "alice@idp.example" and user.email_verified_at is not None and user.role == "learner"
    assert user.name == "Alice IdP"
    identity = db.exec(select(OidcIdentity)).one()
    assert (identity.provider, identity.subject, identity.user_id) == ("local", "alice-1", user.id)
    # PKCE: the verifier was sent server-to-server; state/nonce/verifier never reached the browser as data.
    assert idp.token_requests[-1]["code_verifier"] and idp.token_requests[-1]["code_verifier"] not in str(q)
    assert db.exec(select(OidcFlow)).all() == []  # the flow was used up
    # Signing in again finds the same account by the identity (no second account).
    response, _ = run_flow(client)
    assert session_user(response).id == user.id


def test_callback_in_another_browser_signs_no_one_in(client, idp, db):
    response, _ = run_flow(client, steal_binding=True)
    assert response.status_code == 303 and response.headers["location"] == "/login?oidc_error=expired"
    assert SESSION_COOKIE not in response.cookies
    assert db.exec(select(User)).all() == []


def test_forged_state_and_replayed_callback_are_refused(client, idp):
    response = client.get("/auth/oidc/callback?state=made-up&code=x", follow_redirects=False)
    assert response.headers["location"] == "/login?oidc_error=expired"
    started = client.get("/auth/oidc/local/start", follow_redirects=False)
    back = httpx.get(started.headers["location"], follow_redirects=False).headers["location"].replace(
        "http://localhost:3000", "")
    first = client.get(back, follow_redirects=False)
    assert session_user(first) is not None
    again = client.get(back, follow_redirects=False)
    assert again.headers["location"] == "/login?oidc_error=expired"


def test_wrong_nonce_is_refused(client, idp, db):
    idp.tamper_nonce = True
    response, _ = run_flow(client)
    assert response.headers["location"] == "/login?oidc_error=provider"
    assert db.exec(select(User)).all() == []


def test_existing_account_links_only_with_a_verified_email(client, idp, make_user, db):
    owner = make_user(email="alice@idp.example")
    idp.user = {**idp.user, "email_verified": False}
    response, _ = run_flow(client)
    assert response.headers["location"] == "/login?oidc_error=unverified"
    assert db.exec(select(OidcIdentity)).all() == []
    idp.user = {**idp.user, "email_verified": True}
    response, _ = run_flow(client)
    assert session_user(response).id == owner.id
    assert db.exec(select(OidcIdentity.user_id)).one() == owner.id


def test_linking_from_the_profile_uses_a_ticket_and_cannot_take_anothers_identity(client, idp, make_user, db):
    me = make_user(email="me@example.com")
    idp.user = {"sub": "corp-42", "email": "someone@corp.example", "email_verified": False, "name": "Me"}
    with session_scope() as s:
        ticket = service.create_link_ticket(s, Actor(me.id, me.role, 0), "local")
    response, _ = run_flow(client, f"/auth/oidc/local/start?ticket={ticket}")
    assert response.headers["location"] == "/profile?linked=1"
    assert db.exec(select(OidcIdentity.user_id)).one() == me.id
    with session_scope() as s:
        assert [i["provider"] for i in service.identities(s, Actor(me.id, me.role, 0))] == ["Local ID"]
    # A ticket is good once.
    again = client.get(f"/auth/oidc/local/start?ticket={ticket}", follow_redirects=False)
    assert again.headers["location"] == "/profile?oidc_error=expired"
    # Someone else cannot link the same provider account.
    other = make_user()
    with session_scope() as s:
        ticket = service.create_link_ticket(s, Actor(other.id, other.role, 0), "local")
    response, _ = run_flow(client, f"/auth/oidc/local/start?ticket={ticket}")
    assert response.headers["location"] == "/login?oidc_error=taken"
    # Unlink: only one's own.
    identity_id = db.exec(select(OidcIdentity.id)).one()
    with session_scope() as s, pytest.raises(Exception):
        service.unlink(s, Actor(other.id, other.role, 0), identity_id)
    with session_scope() as s:
        service.unlink(s, Actor(me.id, me.role, 0), identity_id)
    assert db.exec(select(OidcIdentity)).all() == []


def test_two_factor_accounts_still_need_their_code(client, idp, make_user, settings):
    import pyotp

    from lms_app.accounts.mfa import service as mfa

    owner = make_user(email="alice@idp.example")
    actor = Actor(owner.id, owner.role, 0)
    with session_scope() as s:
        secret = mfa.begin_enrolment(s, settings, actor)["secret"].replace(" ", "")
    with session_scope() as s:
        mfa.confirm_enrolment(s, settings, actor, pyotp.TOTP(secret).now())
    response, _ = run_flow(client)
    assert response.headers["location"].startswith("/login?mfa=1")
    assert SESSION_COOKIE not in response.cookies
    challenge = response.cookies.get("lms_mfa_pending")
    with session_scope() as s, pytest.raises(Exception):
        mfa.code_step(s, settings, challenge, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")


def test_unknown_provider_and_bad_configuration(client, use_env):
    assert client.get("/auth/oidc/nope/start", follow_redirects=False).headers["location"] == \
        "/login?oidc_error=unknown"
    use_env(LMS_OIDC_PROVIDERS="google,Bad!", LMS_OIDC_GOOGLE_CLIENT_ID="x")
    found, problems = providers.load()
    assert found == [] and len(problems) == 2
    use_env(LMS_OIDC_PROVIDERS="google,github", LMS_OIDC_GOOGLE_CLIENT_ID="id", LMS_OIDC_GOOGLE_CLIENT_SECRET="s",
            LMS_OIDC_GITHUB_CLIENT_ID="id", LMS_OIDC_GITHUB_CLIENT_SECRET="s")
    found, problems = providers.load()
    assert problems == [] and [(p.key, p.kind, p.label) for p in found] == [("google", "oidc", "Google"),
                                                                           ("github", "github", "GitHub")]
    assert found[0].discovery_url == "https://accounts.google.com/.well-known/openid-configuration"


def test_expired_flows_are_purged(client, db):
    from datetime import timedelta

    from lms_app.core.types import utcnow

    client.get("/auth/oidc/local/start", follow_redirects=False)
    db.exec(OidcFlow.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    with session_scope() as s:
        assert service.purge(s) == 1
