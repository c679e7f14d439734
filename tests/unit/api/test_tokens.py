"""Access tokens, refresh rotation and reuse detection, personal tokens (services and HTTP)."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from sqlmodel import select

from lms_app.accounts.services import accounts
from lms_app.api.models import ApiRefreshToken
from lms_app.api.services import tokens
from lms_app.core.sessions import Actor
from lms_app.core.types import utcnow
from lms_app.core.users import User
from tests.conftest import DEFAULT_PASSWORD


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_sign_in_returns_a_short_lived_jwt_with_kid_and_a_refresh_token(api, make_user, settings):
    user = make_user()
    r = api.post("/api/v1/auth/token", json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900 and body["scope"] == "learn read"
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "HS256" and header["kid"] in tokens.signing_keys(settings)
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 900 and claims["sub"] == str(user.id)
    me = api.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.json()["email"] == user.email
    assert r.headers["cache-control"] == "no-store"


def test_wrong_password_is_401_in_the_error_shape(api, make_user):
    user = make_user()
    r = api.post("/api/v1/auth/token", json={"email": user.email, "password": "nope nope nope"})
    assert r.status_code == 401
    assert r.json() == {"error": "Invalid email or password.", "code": "invalid_credentials", "field": None} or \
        set(r.json()) == {"error", "code", "field"} and r.json()["code"] == "invalid_credentials"


def test_sign_in_uses_the_web_logins_throttle(api, make_user, use_env):
    use_env(LMS_LOGIN_MAX_FAILURES="3")
    user = make_user()
    codes = [api.post("/api/v1/auth/token", json={"email": user.email, "password": "wrong wrong"}).status_code
             for _ in range(4)]
    # the landed throttle's progressive delay: from half the limit on, the key cools down
    assert codes[0] == 401 and set(codes[1:]) == {429}
    # the correct password is refused too while throttled
    r = api.post("/api/v1/auth/token", json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert r.status_code == 429 and r.json()["code"] == "throttled" and "Retry-After" in r.headers


def test_refresh_rotates_and_reuse_revokes_the_family(api, login, make_user, db):
    user = make_user()
    first = login(user)
    r = api.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 200
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    # the spent token comes back: refused, and the live one of the same family dies with it
    reuse = api.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401 and "already used" in reuse.json()["error"]
    after = api.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert after.status_code == 401 and "revoked" in after.json()["error"]
    rows = db.exec(select(ApiRefreshToken).where(ApiRefreshToken.user_id == user.id)).all()
    assert len(rows) == 2 and all(row.revoked_at is not None for row in rows)
    # only hashes are stored
    assert {row.token_hash for row in rows}.isdisjoint({first["refresh_token"], second["refresh_token"]})


def test_other_sign_ins_survive_a_reuse(api, login, make_user):
    user = make_user()
    a, b = login(user), login(user)
    api.post("/api/v1/auth/refresh", json={"refresh_token": a["refresh_token"]})
    api.post("/api/v1/auth/refresh", json={"refresh_token": a["refresh_token"]})  # reuse: family a revoked
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": b["refresh_token"]}).status_code == 200


def test_revoke_signs_out(api, login, make_user):
    pair = login(make_user())
    assert api.post("/api/v1/auth/revoke", json={"refresh_token": pair["refresh_token"]}).json() == {"ok": True}
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401


def test_expired_refresh_token_is_refused(db, make_user, settings):
    user = make_user()
    pair = tokens.issue_pair(db, settings, user, now=utcnow() - timedelta(days=tokens.REFRESH_DAYS + 1))
    db.commit()
    with pytest.raises(tokens.TokenError, match="expired"):
        tokens.refresh(db, settings, pair.refresh_token)


def test_password_change_ends_access_and_refresh_tokens(api, login, make_user, db, settings):
    user = make_user()
    pair = login(user)
    accounts.change_password(db, settings, Actor(user.id, user.role, 0), DEFAULT_PASSWORD, "a new long password")
    db.commit()
    assert api.get("/api/v1/me", headers=bearer(pair["access_token"])).status_code == 401
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401


def test_deactivation_ends_every_token(api, login, make_user, db):
    user = make_user()
    pair = login(user)
    pat = api.post("/api/v1/me/tokens", json={"name": "script", "scopes": ["read"]},
                   headers=bearer(pair["access_token"])).json()["token"]
    row = db.get(User, user.id)
    row.is_active = False
    db.add(row)
    db.commit()
    for token in (pair["access_token"], pat):
        assert api.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert api.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401


def test_expired_access_token_is_refused(db, make_user, settings):
    user = make_user()
    old = tokens.access_token(settings, user, now=utcnow() - timedelta(minutes=16))
    with pytest.raises(tokens.TokenError, match="expired"):
        tokens.authenticate_bearer(db, settings, old)


def test_foreign_key_and_alg_none_are_refused(db, make_user, settings):
    user = make_user()
    good = tokens.access_token(settings, user)
    claims = jwt.decode(good, options={"verify_signature": False})
    kid = jwt.get_unverified_header(good)["kid"]
    forged = jwt.encode(claims, "another key of at least thirty-two bytes!!", algorithm="HS256", headers={"kid": kid})
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": kid})
    other_kid = jwt.encode(claims, tokens.signing_keys(settings)[kid], algorithm="HS256", headers={"kid": "v0-old"})
    for token in (forged, unsigned, other_kid, good + "x", "not.a.jwt"):
        with pytest.raises(tokens.TokenError):
            tokens.authenticate_bearer(db, settings, token)
    assert tokens.authenticate_bearer(db, settings, good).actor.user_id == user.id


def test_personal_token_is_shown_once_scoped_and_revocable(api, login, make_user, db):
    user = make_user()
    access = login(user)["access_token"]
    r = api.post("/api/v1/me/tokens", json={"name": "CI script", "scopes": ["read"]}, headers=bearer(access))
    assert r.status_code == 201
    created = r.json()
    assert created["token"].startswith("lms_pat_") and created["scopes"] == ["read"]
    listed = api.get("/api/v1/me/tokens", headers=bearer(access)).json()
    assert [t["id"] for t in listed] == [created["id"]] and "token" not in listed[0]
    pat = created["token"]
    assert api.get("/api/v1/me", headers=bearer(pat)).status_code == 200
    assert api.get("/api/v1/me/tokens", headers=bearer(access)).json()[0]["last_used_at"] is not None
    # read-only: cannot enrol (learn), cannot mint more tokens
    enrol = api.post("/api/v1/courses/anything/enroll", headers=bearer(pat))
    assert enrol.status_code == 403 and enrol.json()["code"] == "insufficient_scope"
    more = api.post("/api/v1/me/tokens", json={"name": "x", "scopes": ["read"]}, headers=bearer(pat))
    assert more.status_code == 403
    assert api.delete(f"/api/v1/me/tokens/{created['id']}", headers=bearer(access)).status_code == 200
    assert api.get("/api/v1/me", headers=bearer(pat)).status_code == 401


def test_a_learner_cannot_grant_scopes_beyond_the_role(api, login, make_user):
    access = login(make_user())["access_token"]
    r = api.post("/api/v1/me/tokens", json={"name": "x", "scopes": ["admin"]}, headers=bearer(access))
    assert r.status_code == 422 and r.json()["field"] == "scopes"


def test_someone_elses_token_cannot_be_revoked(api, login, make_user):
    a, b = make_user(), make_user()
    created = api.post("/api/v1/me/tokens", json={"name": "x", "scopes": ["read"]},
                       headers=bearer(login(a)["access_token"])).json()
    r = api.delete(f"/api/v1/me/tokens/{created['id']}", headers=bearer(login(b)["access_token"]))
    assert r.status_code == 404
    assert api.get("/api/v1/me", headers=bearer(created["token"])).status_code == 200


def test_two_factor_accounts_need_their_code_once(api, make_user, settings):
    """The token endpoint honours two-factor sign-in like the web login: no code → otp_required,
    a right code once → tokens, the same code again → otp_invalid, a recovery code works."""
    from tests.unit.accounts.test_mfa import code_at, enrol

    user = make_user()
    secret, recovery = enrol(settings, user)
    creds = {"email": user.email, "password": DEFAULT_PASSWORD}
    missing = api.post("/api/v1/auth/token", json=creds)
    assert missing.status_code == 401 and missing.json()["code"] == "otp_required" and missing.json()["field"] == "otp"
    code = code_at(secret)
    assert api.post("/api/v1/auth/token", json={**creds, "otp": code}).status_code == 200
    again = api.post("/api/v1/auth/token", json={**creds, "otp": code})
    assert again.status_code == 401 and again.json()["code"] == "otp_invalid"
    assert api.post("/api/v1/auth/token", json={**creds, "otp": recovery[0]}).status_code == 200
    wrong_password = api.post("/api/v1/auth/token", json={"email": user.email, "password": "nope nope nope",
                                                          "otp": code_at(secret, 1)})
    assert wrong_password.json()["code"] == "invalid_credentials"
