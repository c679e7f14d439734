"""Two-factor sign-in through the page states: the login page's code step and the profile card.

Leakage: the TOTP secret and the recovery codes reach the browser only inside a one-time
script, never in a state var (vars are kept in the state store and re-sent on reconnect)."""

from __future__ import annotations

import json
import re
import time

import pyotp
from sqlmodel import func, select

from lms_app.accounts.mfa import service as mfa
from lms_app.accounts.mfa.models import MfaTotp
from lms_app.accounts.mfa.pages import AdminMfaState, MfaState
from lms_app.accounts.pages.login import LoginState
from lms_app.core.audit_log import AuditEntry
from lms_app.core.users import LoginTicket

PW = "correct horse battery"


def script_texts(states, events) -> str:
    return "\n".join(states.scripts(events))


def enrol_through_the_card(states, token):
    root = states.root(token, path="/profile")
    card = states.sub(root, MfaState)
    states.call(card, "load")
    assert card.loaded and not card.enabled
    events = states.call(card, "start_setup")
    shown = script_texts(states, events)
    secret = re.search(r'k\.textContent="([A-Z2-7 ]+)"', shown).group(1).replace(" ", "")
    assert "data:image/svg+xml" in shown and card.mode == "setup"
    # The secret is not in any var of any state.
    assert secret not in json.dumps(states.snapshot(root)) and secret not in json.dumps(states.snapshot(root)).replace(" ", "")
    events = states.call(card, "confirm", {"code": pyotp.TOTP(secret).now()})
    codes_script = script_texts(states, events)
    codes = json.loads(re.search(r'p\.textContent=("[^"]*")', codes_script).group(1)).split("\n")
    assert len(codes) == 10 and card.enabled and card.mode == "codes" and card.recovery_left == 10
    snapshot = json.dumps(states.snapshot(root))
    assert secret not in snapshot and not any(c in snapshot for c in codes)
    states.call(card, "done")
    assert card.mode == ""
    return root, card, secret, codes


def test_enrolment_through_the_profile_card_leaks_nothing_into_vars(states, make_user, sign_in):
    user = make_user(password=PW)
    token, _ = sign_in(user)
    root, card, secret, codes = enrol_through_the_card(states, token)
    # A wrong code on "new recovery codes" shows an error and keeps the old codes.
    states.call(card, "open_form", "regenerate")
    states.call(card, "regenerate", {"code": "12"})
    assert card.error and card.recovery_left == 10
    states.call(card, "open_form", "not-a-form")
    assert card.mode == "regenerate"


def test_login_asks_for_the_code_and_binds_it_to_the_password_step(states, make_user, sign_in, db):
    user = make_user(email="two@example.com", password=PW)
    token, _ = sign_in(user)
    _root, _card, secret, codes = enrol_through_the_card(states, token)

    root = states.root(path="/login")
    login = states.sub(root, LoginState)
    events = states.call(login, "submit", {"email": "two@example.com", "password": PW})
    assert login.step == "code" and states.scripts(events) == [] and login.error == ""
    assert db.exec(select(func.count(LoginTicket.id))).one() == 0
    # The challenge token is backend-only.
    assert login._challenge and login._challenge not in json.dumps(states.snapshot(root))

    # Another tab (no password step) cannot use a right code.
    other = states.sub(states.root(path="/login"), LoginState)
    states.call(other, "submit_code", {"code": codes[0]})
    assert other.error == mfa.CHALLENGE_GONE and other.step == "password"

    states.call(login, "submit_code", {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert login.error == mfa.WRONG_CODE and login.step == "code"
    events = states.call(login, "submit_code", {"code": codes[0], "remember": "on"})
    scripts = states.scripts(events)
    assert len(scripts) == 1 and "/api/session" in scripts[0] and "device:" in scripts[0]
    assert login._challenge == ""


def test_restart_forgets_the_challenge(states, make_user, sign_in):
    user = make_user(email="r@example.com", password=PW)
    token, _ = sign_in(user)
    enrol_through_the_card(states, token)
    login = states.sub(states.root(path="/login"), LoginState)
    states.call(login, "submit", {"email": "r@example.com", "password": PW})
    states.call(login, "restart")
    assert login.step == "password" and login._challenge == ""


def test_disable_from_the_card(states, make_user, sign_in, db):
    user = make_user(password=PW)
    token, _ = sign_in(user)
    _root, card, secret, codes = enrol_through_the_card(states, token)
    states.call(card, "open_form", "disable")
    states.call(card, "disable", {"password": "nope", "code": codes[1]})
    assert card.error and card.enabled
    states.call(card, "disable", {"password": PW, "code": codes[1]})
    assert not card.enabled and card.error == ""
    assert db.exec(select(func.count(MfaTotp.id))).one() == 0


def test_admin_reset_handler_is_admin_only(states, make_user, sign_in, db):
    admin, learner = make_user(role="admin"), make_user(password=PW)
    learner_token, _ = sign_in(learner)
    enrol_through_the_card(states, learner_token)
    # The learner calling the admin handler is refused and nothing changes.
    mine = states.sub(states.root(learner_token, path="/admin/users"), AdminMfaState)
    states.call(mine, "reset_second_factor", learner.id)
    assert db.exec(select(func.count(MfaTotp.id))).one() == 1
    admin_token, _ = sign_in(admin)
    theirs = states.sub(states.root(admin_token, path="/admin/users"), AdminMfaState)
    states.call(theirs, "reset_second_factor", learner.id)
    assert db.exec(select(func.count(MfaTotp.id))).one() == 0
    assert db.exec(select(func.count(AuditEntry.id)).where(AuditEntry.action == "user.mfa_reset")).one() == 1
