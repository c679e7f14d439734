"""Two-factor sign-in (accounts/mfa/service.py): enrolment, codes used once, recovery codes,
the challenge bound to the password step, remembered devices, the admin reset, the API entry."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pyotp
import pytest
from sqlmodel import func, select

from lms_app.accounts.mfa import service as mfa
from lms_app.accounts.mfa.models import MfaChallenge, MfaDevice, MfaRecoveryCode, MfaTotp
from lms_app.core.audit_log import AuditEntry
from lms_app.core.db import session_scope
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.sessions import Actor, hash_token
from lms_app.core.types import utcnow
from lms_app.core.users import LoginTicket, ThrottleCounter, User

PW = "correct horse battery"


def actor(user) -> Actor:
    return Actor(user_id=user.id, role=user.role, session_id=0)


def secret_of(found: dict) -> str:
    return found["secret"].replace(" ", "")


def code_at(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + offset_steps * 30)


def enrol(settings, user) -> tuple[str, list[str]]:
    with session_scope() as s:
        found = mfa.begin_enrolment(s, settings, actor(user))
    secret = secret_of(found)
    with session_scope() as s:
        codes = mfa.confirm_enrolment(s, settings, actor(user), code_at(secret, -1))
    return secret, codes


def test_enrolment_stores_the_secret_encrypted_and_turns_on_with_a_right_code(settings, make_user, db):
    user = make_user(email="ann@example.com")
    with session_scope() as s:
        found = mfa.begin_enrolment(s, settings, actor(user))
    secret = secret_of(found)
    assert found["uri"].startswith("otpauth://totp/") and "ann%40example.com" in found["uri"]
    assert found["qr"].startswith("data:image/svg+xml")
    row = db.exec(select(MfaTotp)).one()
    assert secret not in row.secret_enc and row.confirmed_at is None
    with session_scope() as s:
        assert not mfa.is_enabled(s, user.id)
        with pytest.raises(ServiceError):
            mfa.confirm_enrolment(s, settings, actor(user), "000000" if code_at(secret) != "000000" else "111111")
    with session_scope() as s:
        codes = mfa.confirm_enrolment(s, settings, actor(user), code_at(secret))
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.exec(select(MfaRecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not any(c.replace("-", "") in h for c in codes for h in stored)
    with session_scope() as s:
        assert mfa.is_enabled(s, user.id)
        assert mfa.status(s, actor(user)) == {"enabled": True, "recovery_left": 10, "devices": 0}
        with pytest.raises(ServiceError, match="already on"):
            mfa.begin_enrolment(s, settings, actor(user))


def test_a_totp_code_works_once_and_codes_far_off_are_refused(settings, make_user):
    user = make_user()
    secret, _ = enrol(settings, user)
    with session_scope() as s:
        mfa.check_second_factor(s, s.get(User, user.id), code_at(secret))
    with session_scope() as s, pytest.raises(mfa.SecondFactorInvalid):
        mfa.check_second_factor(s, s.get(User, user.id), code_at(secret))  # replay of the same step
    with session_scope() as s, pytest.raises(mfa.SecondFactorInvalid):
        mfa.check_second_factor(s, s.get(User, user.id), code_at(secret, 5))  # 2.5 minutes ahead


def test_check_second_factor_needs_a_code_only_when_on(settings, make_user):
    plain, guarded_user = make_user(), make_user()
    with session_scope() as s:
        mfa.check_second_factor(s, s.get(User, plain.id), None)
    secret, codes = enrol(settings, guarded_user)
    with session_scope() as s, pytest.raises(mfa.SecondFactorRequired) as info:
        mfa.check_second_factor(s, s.get(User, guarded_user.id), None)
    assert info.value.field == "code" and "code" in info.value.message
    with session_scope() as s, pytest.raises(mfa.SecondFactorRequired):
        mfa.check_second_factor(s, s.get(User, guarded_user.id), "   ")
    with session_scope() as s:
        mfa.check_second_factor(s, s.get(User, guarded_user.id), codes[0].upper())  # recovery code, any case


def test_recovery_codes_are_single_use_and_regenerating_replaces_them(settings, make_user, db):
    user = make_user()
    secret, codes = enrol(settings, user)
    with session_scope() as s:
        mfa.check_second_factor(s, s.get(User, user.id), codes[3])
    with session_scope() as s, pytest.raises(mfa.SecondFactorInvalid):
        mfa.check_second_factor(s, s.get(User, user.id), codes[3])
    with session_scope() as s:
        assert mfa.status(s, actor(user))["recovery_left"] == 9
        with pytest.raises(ServiceError):
            mfa.regenerate_recovery_codes(s, settings, actor(user), "nonsense")
    with session_scope() as s:
        new = mfa.regenerate_recovery_codes(s, settings, actor(user), code_at(secret, 1))
    assert len(new) == 10 and not set(new) & set(codes)
    with session_scope() as s, pytest.raises(mfa.SecondFactorInvalid):
        mfa.check_second_factor(s, s.get(User, user.id), codes[0])
    assert db.exec(select(func.count(MfaRecoveryCode.id))).one() == 10


def test_wrong_codes_are_throttled_per_account(settings, make_user):
    user = make_user()
    secret, codes = enrol(settings, user)
    for _ in range(mfa.MFA_USER_LIMIT):
        with session_scope() as s, pytest.raises(mfa.SecondFactorInvalid):
            mfa.check_second_factor(s, s.get(User, user.id), "abcde-fghjk")
    # Even the right recovery code is refused now: the account's code attempts are used up.
    with session_scope() as s, pytest.raises(mfa.SecondFactorInvalid, match="Too many"):
        mfa.check_second_factor(s, s.get(User, user.id), codes[0])


def test_password_step_gives_a_ticket_without_mfa_and_a_challenge_with_it(settings, make_user, db):
    plain = make_user(email="plain@example.com", password=PW)
    guarded_user = make_user(email="guarded@example.com", password=PW)
    enrol(settings, guarded_user)
    with session_scope() as s:
        step = mfa.password_step(s, settings, "plain@example.com", PW, "10.0.0.1")
    assert step.ticket and not step.challenge
    with session_scope() as s:
        step = mfa.password_step(s, settings, "guarded@example.com", PW, "10.0.0.1")
    assert step.challenge and not step.ticket
    assert db.exec(select(func.count(LoginTicket.id))).one() == 1  # only the plain account's
    with session_scope() as s:
        wrong = mfa.password_step(s, settings, "guarded@example.com", "wrong password", "10.0.0.1")
    assert wrong.error and not wrong.challenge
    # The old one-step sign-in refuses to hand out a ticket for a two-factor account.
    from lms_app.accounts.services.accounts import sign_in

    with session_scope() as s:
        ticket, _role, error = sign_in(s, settings, "guarded@example.com", PW, "10.0.0.1")
    assert ticket is None and error == mfa.NEED_CODE


def test_code_step_is_bound_to_the_challenge_expires_and_limits_attempts(settings, make_user, db):
    user = make_user(email="c@example.com", password=PW)
    secret, codes = enrol(settings, user)
    with session_scope() as s, pytest.raises(ServiceError, match="expired"):
        mfa.code_step(s, settings, "made-up-token", code_at(secret))
    with session_scope() as s:
        token = mfa.password_step(s, settings, "c@example.com", PW).challenge
    for _ in range(mfa.CHALLENGE_ATTEMPTS):
        with session_scope() as s, pytest.raises(ServiceError) as info:
            mfa.code_step(s, settings, token, "000000" if code_at(secret) != "000000" else "111111")
        assert info.value.field == "code"
    with session_scope() as s, pytest.raises(ServiceError, match="Too many wrong codes for this sign-in"):
        mfa.code_step(s, settings, token, codes[0])  # right code, but this challenge is used up
    # Five wrong codes also started the account's progressive delay; let it pass for this test.
    db.exec(ThrottleCounter.__table__.delete())
    db.commit()
    with session_scope() as s:
        token = mfa.password_step(s, settings, "c@example.com", PW).challenge
    with session_scope() as s:
        ticket, device, role = mfa.code_step(s, settings, token, codes[1])
    assert ticket and device == "" and role == "learner"
    with session_scope() as s, pytest.raises(ServiceError, match="expired"):
        mfa.code_step(s, settings, token, codes[2])  # a challenge is spent once
    with session_scope() as s:
        token = mfa.password_step(s, settings, "c@example.com", PW).challenge
    db.exec(MfaChallenge.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    with session_scope() as s, pytest.raises(ServiceError, match="expired"):
        mfa.code_step(s, settings, token, codes[2])


def test_remembered_device_skips_the_code_until_forgotten(settings, make_user, db):
    user = make_user(email="d@example.com", password=PW)
    _secret, codes = enrol(settings, user)
    with session_scope() as s:
        token = mfa.password_step(s, settings, "d@example.com", PW).challenge
    with session_scope() as s:
        _ticket, claim, _role = mfa.code_step(s, settings, token, codes[0], remember=True, user_agent="Firefox")
    assert claim
    with session_scope() as s:
        cookie = mfa.claim_device(s, settings, claim)
    assert cookie and cookie.startswith(f"{user.id}.")
    with session_scope() as s:
        assert mfa.claim_device(s, settings, claim) is None  # a claim is good once
    row = db.exec(select(MfaDevice)).one()
    assert row.token_hash == hash_token(cookie.split(".")[1]) and row.expires_at > utcnow() + timedelta(days=29)
    with session_scope() as s:
        step = mfa.password_step(s, settings, "d@example.com", PW, device_cookie=cookie)
    assert step.ticket and not step.challenge
    uid, tok, sig = cookie.split(".")
    for forged in (f"{uid}.{tok}.{'0' * 64}", f"{int(uid) + 1}.{tok}.{sig}", "garbage", None):
        with session_scope() as s:
            assert mfa.password_step(s, settings, "d@example.com", PW, device_cookie=forged).challenge
    with session_scope() as s:
        assert mfa.status(s, actor(user))["devices"] == 1
        assert mfa.forget_devices(s, actor(user)) == 1
    with session_scope() as s:
        assert mfa.password_step(s, settings, "d@example.com", PW, device_cookie=cookie).challenge


def test_disable_needs_password_and_code(settings, make_user, db):
    user = make_user(password=PW)
    secret, codes = enrol(settings, user)
    with session_scope() as s, pytest.raises(ServiceError, match="password"):
        mfa.disable(s, settings, actor(user), "wrong", code_at(secret))
    with session_scope() as s, pytest.raises(ServiceError) as info:
        mfa.disable(s, settings, actor(user), PW, "nope")
    assert info.value.field == "code"
    with session_scope() as s:
        mfa.disable(s, settings, actor(user), PW, codes[0])
    assert db.exec(select(func.count(MfaTotp.id))).one() == 0
    assert db.exec(select(func.count(MfaRecoveryCode.id))).one() == 0


def test_admin_reset_is_admin_only_and_audited(settings, make_user, db):
    admin, user = make_user(role="admin"), make_user(role="teacher")
    enrol(settings, user)
    with session_scope() as s, pytest.raises(PermissionDenied):
        mfa.admin_reset(s, actor(user), user.id)
    with session_scope() as s:
        for bad in ("1", None, 10**9, True):
            with pytest.raises(ServiceError):
                mfa.admin_reset(s, actor(admin), bad)
    with session_scope() as s:
        assert mfa.admin_reset(s, actor(admin), user.id) is True
    with session_scope() as s:
        assert not mfa.is_enabled(s, user.id)
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "user.mfa_reset")).one()
    assert entry.target_id == user.id and entry.actor_id == admin.id


def test_admins_without_mfa_are_listed_for_the_production_check(settings, make_user):
    a1 = make_user(role="admin", email="a1@example.com")
    make_user(role="admin", email="a2@example.com")
    make_user(role="learner", email="l@example.com")
    enrol(settings, a1)
    with session_scope() as s:
        assert mfa.admins_without_mfa(s) == ["a2@example.com"]


def test_purge_drops_expired_challenges(settings, make_user, db):
    user = make_user(email="p@example.com", password=PW)
    enrol(settings, user)
    with session_scope() as s:
        mfa.start_challenge(s, user.id)
    db.exec(MfaChallenge.__table__.update().values(expires_at=utcnow() - timedelta(minutes=1)))
    db.commit()
    with session_scope() as s:
        assert mfa.purge(s) == 1


def test_production_check_names_admins_without_two_factor(settings, make_user):
    from dataclasses import replace

    from lms_app.core import plugins

    admin = make_user(role="admin", email="boss@example.com")
    production = replace(settings, environment="production")
    assert any("boss@example.com" in p and "two-factor" in p for p in plugins.config_problems(production))
    assert not any("two-factor" in p for p in plugins.config_problems(settings))  # only production asks
    enrol(settings, admin)
    assert not any("two-factor" in p for p in plugins.config_problems(production))


def test_manage_mfa_setup_enrols_from_the_terminal(settings, make_user, monkeypatch, capsys):
    from lms_app import manage

    user = make_user(role="admin", email="root@example.com")
    seen = {}
    real = mfa.begin_enrolment

    def spy(*args, **kwargs):
        seen.update(real(*args, **kwargs))
        return seen

    monkeypatch.setattr(mfa, "begin_enrolment", spy)
    monkeypatch.setattr("builtins.input", lambda _prompt: code_at(seen["secret"].replace(" ", "")))
    assert manage.mfa_setup("ROOT@example.com") == 0
    printed = capsys.readouterr().out
    assert "Two-factor sign-in is on" in printed and len(re.findall(r"\b[a-z2-9]{5}-[a-z2-9]{5}\b", printed)) == 10
    with session_scope() as s:
        assert mfa.is_enabled(s, user.id)
    assert manage.mfa_setup("nobody@example.com") == 1


def test_session_route_sets_the_remember_cookie_from_a_one_time_claim(settings, make_user):
    from starlette.testclient import TestClient

    from lms_app.core import sessions
    from lms_app.core.http import build_api

    user = make_user(email="dev@example.com", password=PW)
    _secret, codes = enrol(settings, user)
    with session_scope() as s:
        token = mfa.password_step(s, settings, "dev@example.com", PW).challenge
    with session_scope() as s:
        ticket, claim, _role = mfa.code_step(s, settings, token, codes[0], remember=True)
    with TestClient(build_api(), base_url="http://localhost:3000") as client:
        response = client.post("/api/session", json={"ticket": ticket, "device": claim},
                               headers={"Origin": "http://localhost:3000"})
        assert response.status_code == 200, response.text
        headers = [h.lower() for h in response.headers.get_list("set-cookie")]
        device = [h for h in headers if h.startswith(mfa.DEVICE_COOKIE)]
        assert len(device) == 1 and "httponly" in device[0] and "max-age=2592000" in device[0]
        cookie = response.cookies.get(mfa.DEVICE_COOKIE)
        with session_scope() as s:
            assert mfa.device_remembers(s, settings, user.id, cookie)
        # A claim is good once; a made-up claim sets nothing (the session cookie still works).
        with session_scope() as s:
            again = sessions.create_login_ticket(s, user.id)
        second = client.post("/api/session", json={"ticket": again, "device": claim},
                             headers={"Origin": "http://localhost:3000"})
        assert second.status_code == 200
        assert not any(h.lower().startswith(mfa.DEVICE_COOKIE) for h in second.headers.get_list("set-cookie"))
