"""Registration, e-mail rules, sign-in (timing-safe and throttled) and password changes."""

from __future__ import annotations

from datetime import timedelta

import bcrypt
import pytest
from sqlalchemy import update
from sqlmodel import func, select

from lms_app.core.users import LoginTicket, ThrottleCounter, User
from lms_app.core.types import utcnow
from lms_app.accounts.services import accounts, passwords, throttle
from lms_app.core import sessions
from lms_app.accounts.services.accounts import BAD_CREDENTIALS
from lms_app.core.sessions import Actor
from lms_app.core.errors import ServiceError
from lms_app.core.settings import get_settings

PW = "correct horse battery"


def user_count(db) -> int:
    return db.exec(select(func.count(User.id))).one()


def attempts(db, email: str, ip: str = "") -> int:
    """This address's counted attempts on this account (0 when there is no counter)."""
    db.expire_all()
    key = throttle.login_rules(get_settings(), email, ip)[0].key
    return db.exec(select(ThrottleCounter.count).where(ThrottleCounter.key == key)).first() or 0


# --- e-mail ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("Foo@Example.COM", "foo@example.com"),
    ("  ada@example.org \n", "ada@example.org"),
    ("first.last+tag@sub.domain.io", "first.last+tag@sub.domain.io"),
])
def test_normalize_email_lowercases_and_trims(raw, expected):
    assert accounts.normalize_email(raw) == expected


@pytest.mark.parametrize("raw", [
    "plainaddress", "@no-local.com", "no-at.example.com", "two@@example.com", "a@b", "a@-bad.com",
    "a@bad-.com", "spaces in@example.com", "a@exa mple.com", "<script>@x.com", "a@x..com",
    "x" * 65 + "@example.com", "a@" + "b" * 250 + ".com", "a@example.com\nBcc: b@example.com",
])
def test_malformed_emails_are_refused(raw):
    with pytest.raises(ServiceError) as info:
        accounts.normalize_email(raw)
    assert info.value.field == "email"
    assert "valid email" in info.value.message


@pytest.mark.parametrize("raw", ["", "   ", None, 42, ["a@b.com"]])
def test_missing_emails_ask_for_one(raw):
    with pytest.raises(ServiceError, match="Enter your email"):
        accounts.normalize_email(raw)


# --- registration ------------------------------------------------------------------------

def test_register_creates_a_learner_with_normalised_email_and_hashed_password(db, settings):
    user = accounts.register(db, settings, "  Ada   Lovelace ", "Ada@Example.com", PW)
    db.commit()
    stored = db.get(User, user.id)
    assert stored.email == "ada@example.com"
    assert stored.name == "Ada Lovelace"
    assert stored.role == "learner"
    assert stored.password_hash != PW and passwords.verify_password(PW, stored.password_hash)


def test_email_uniqueness_is_case_insensitive(db, settings):
    accounts.register(db, settings, "First", "foo@x.com", PW)
    db.commit()
    with pytest.raises(ServiceError) as info:
        accounts.register(db, settings, "Second", "Foo@X.com", PW)
    assert info.value.field == "email"
    assert "already exists" in info.value.message
    db.rollback()
    assert db.exec(select(func.count(User.id)).where(func.lower(User.email) == "foo@x.com")).one() == 1


def test_concurrent_duplicate_hits_the_unique_constraint_and_gets_the_same_message(db, settings, monkeypatch,
                                                                                      make_user):
    make_user(email="race@example.com")
    # Simulate the race: the pre-check sees no row, the INSERT then violates the unique index.
    real_exec = db.exec
    calls = {"n": 0}

    def exec_hiding_first_lookup(stmt, *a, **kw):
        calls["n"] += 1
        if calls["n"] == 1:
            class Empty:
                def first(self):
                    return None
            return Empty()
        return real_exec(stmt, *a, **kw)

    monkeypatch.setattr(db, "exec", exec_hiding_first_lookup)
    with pytest.raises(ServiceError, match="already exists") as info:
        accounts.register(db, settings, "Racer", "RACE@example.com", PW)
    assert info.value.field == "email"


@pytest.mark.parametrize("name, email, password, field", [
    ("", "a@example.com", PW, "name"),
    ("   ", "a@example.com", PW, "name"),
    ("x" * 121, "a@example.com", PW, "name"),
    ("Ann", "not-an-email", PW, "email"),
    ("Ann", "a@example.com", "short", "password"),
    ("Ann", "a@example.com", "y" * 129, "password"),
    ("Ann", "a@example.com", None, "password"),
])
def test_register_refuses_bad_input_with_the_field_at_fault(db, settings, name, email, password, field):
    with pytest.raises(ServiceError) as info:
        accounts.register(db, settings, name, email, password)
    assert info.value.field == field
    db.rollback()
    assert user_count(db) == 0


def test_register_and_sign_in_returns_a_redeemable_ticket(db, settings):
    ticket = accounts.register_and_sign_in(db, settings, "Ann", "ann@example.com", PW)
    db.commit()
    token = sessions.redeem_login_ticket(db, ticket, 1)
    db.commit()
    user, _ = sessions.resolve_session(db, token)
    assert user.email == "ann@example.com" and user.role == "learner"


# --- sign-in -----------------------------------------------------------------------------

def test_authenticate_accepts_the_right_password_any_email_case(db, settings, make_user):
    made = make_user(email="lena@example.com", password=PW)
    user = accounts.authenticate(db, settings, "  LENA@example.com ", PW)
    assert user.id == made.id


def test_wrong_password_and_unknown_email_give_the_same_generic_message(db, settings, make_user):
    make_user(email="known@example.com", password=PW)
    with pytest.raises(ServiceError) as wrong:
        accounts.authenticate(db, settings, "known@example.com", "wrong password!")
    with pytest.raises(ServiceError) as unknown:
        accounts.authenticate(db, settings, "nobody@example.com", PW)
    with pytest.raises(ServiceError) as malformed:
        accounts.authenticate(db, settings, "not an email", PW)
    assert wrong.value.message == unknown.value.message == malformed.value.message == BAD_CREDENTIALS
    assert wrong.value.field is None and unknown.value.field is None


def test_unknown_email_costs_one_bcrypt_compare_against_the_dummy_hash(db, settings, monkeypatch):
    calls = []
    real_verify = passwords.verify_password
    checkpw_calls = []
    real_checkpw = bcrypt.checkpw

    def spy_verify(password, password_hash):
        calls.append((password, password_hash))
        return real_verify(password, password_hash)

    def spy_checkpw(password, hashed):
        result = real_checkpw(password, hashed)  # raises on a malformed hash: that would cost no time
        checkpw_calls.append(hashed)
        return result

    monkeypatch.setattr(passwords, "verify_password", spy_verify)
    monkeypatch.setattr(bcrypt, "checkpw", spy_checkpw)
    with pytest.raises(ServiceError, match=BAD_CREDENTIALS):
        accounts.authenticate(db, settings, "ghost@example.com", "some password")
    assert calls == [("some password", passwords.dummy_hash(settings.bcrypt_cost))]
    assert len(checkpw_calls) == 1, "the dummy compare must really run bcrypt"
    # ... at the same cost as real accounts, so it takes as long.
    assert checkpw_calls[0].decode().split("$")[2] == f"{settings.bcrypt_cost:02d}"


def test_known_email_compares_against_the_users_own_hash(db, settings, monkeypatch, make_user):
    user = make_user(email="real@example.com", password=PW)
    calls = []
    real_verify = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda p, h: calls.append(h) or real_verify(p, h))
    with pytest.raises(ServiceError):
        accounts.authenticate(db, settings, "real@example.com", "wrong password")
    assert calls == [user.password_hash]


def test_non_string_password_is_a_plain_failure(db, settings, make_user):
    make_user(email="typed@example.com", password=PW)
    for bad in (None, 123, {"$ne": ""}, [PW]):
        with pytest.raises(ServiceError, match=BAD_CREDENTIALS):
            accounts.authenticate(db, settings, "typed@example.com", bad)


def test_deactivated_account_cannot_sign_in(db, settings, make_user):
    make_user(email="gone@example.com", password=PW, is_active=False)
    with pytest.raises(ServiceError, match="deactivated"):
        accounts.authenticate(db, settings, "gone@example.com", PW)


def test_sign_in_returns_error_without_raising_so_the_failure_is_committed(db, settings, make_user):
    make_user(email="sig@example.com", password=PW, role="teacher")
    ticket, role, error = accounts.sign_in(db, settings, "sig@example.com", "wrong-password")
    assert (ticket, role, error) == (None, "", BAD_CREDENTIALS)
    db.commit()
    assert attempts(db, "sig@example.com") == 1
    ticket, role, error = accounts.sign_in(db, settings, "SIG@example.com", PW)
    db.commit()
    assert ticket and role == "teacher" and error == ""
    assert db.exec(select(func.count(LoginTicket.id))).one() == 1


# --- throttling (the concurrency and per-address attacks are in tests/security/test_throttling.py) ---

def wait_out_cool_downs(db) -> None:
    """The progressive delay blocks a key for a few seconds after each failure past half the
    limit; tests skip the waiting instead of sleeping."""
    db.exec(update(ThrottleCounter).values(blocked_until=None))
    db.commit()


def fail(db, settings, email, times):
    for _ in range(times):
        wait_out_cool_downs(db)
        with pytest.raises(ServiceError):
            accounts.authenticate(db, settings, email, "definitely wrong")
        db.commit()


def test_ten_failures_lock_the_account_even_for_the_right_password(db, settings, make_user):
    assert settings.login_max_failures == 10
    make_user(email="victim@example.com", password=PW)
    fail(db, settings, "victim@example.com", settings.login_max_failures - 1)
    wait_out_cool_downs(db)
    # Nine failures: still open (once the short cool-down has passed).
    assert accounts.authenticate(db, settings, "victim@example.com", PW).email == "victim@example.com"
    db.commit()
    fail(db, settings, "victim@example.com", settings.login_max_failures)
    wait_out_cool_downs(db)
    with pytest.raises(ServiceError) as info:
        accounts.authenticate(db, settings, "Victim@Example.com", PW)
    assert info.value.message.startswith("Too many failed attempts")
    assert "minute" in info.value.message


def test_a_failure_past_half_the_limit_cools_the_key_down_for_a_few_seconds(db, settings, make_user):
    make_user(email="cool@example.com", password=PW)
    fail(db, settings, "cool@example.com", settings.login_max_failures // 2)
    with pytest.raises(ServiceError, match="Too many failed attempts"):
        accounts.authenticate(db, settings, "cool@example.com", PW)
    wait_out_cool_downs(db)
    assert accounts.authenticate(db, settings, "cool@example.com", PW).email == "cool@example.com"


def test_unknown_emails_are_throttled_too(db, settings):
    fail(db, settings, "probe@example.com", settings.login_max_failures)
    wait_out_cool_downs(db)
    with pytest.raises(ServiceError, match="Too many failed attempts"):
        accounts.authenticate(db, settings, "probe@example.com", PW)


def test_locked_refusal_happens_before_bcrypt(db, settings, monkeypatch, make_user):
    make_user(email="locked@example.com", password=PW)
    fail(db, settings, "locked@example.com", settings.login_max_failures)
    wait_out_cool_downs(db)
    with pytest.raises(ServiceError, match="Too many failed attempts"):
        accounts.authenticate(db, settings, "locked@example.com", PW)
    db.commit()
    before = attempts(db, "locked@example.com")  # the limit + 1: where a counter stops

    def forbidden(*args, **kwargs):
        raise AssertionError("bcrypt ran while the account was locked")

    monkeypatch.setattr(passwords, "verify_password", forbidden)
    monkeypatch.setattr(bcrypt, "checkpw", forbidden)
    monkeypatch.setattr(bcrypt, "hashpw", forbidden)
    for _ in range(3):
        with pytest.raises(ServiceError, match="Too many failed attempts"):
            accounts.authenticate(db, settings, "locked@example.com", PW)
    # Refused attempts are not counted: the lock cannot be extended for ever by an attacker.
    db.commit()
    assert attempts(db, "locked@example.com") == before


def test_lock_is_per_account(db, settings, make_user):
    make_user(email="a1@example.com", password=PW)
    make_user(email="b1@example.com", password=PW)
    fail(db, settings, "a1@example.com", settings.login_max_failures)
    assert accounts.authenticate(db, settings, "b1@example.com", PW).email == "b1@example.com"


def test_lock_expires_when_the_window_has_passed(db, settings, make_user):
    make_user(email="w@example.com", password=PW)
    fail(db, settings, "w@example.com", settings.login_max_failures)
    wait_out_cool_downs(db)
    with pytest.raises(ServiceError, match="Too many failed attempts"):
        accounts.authenticate(db, settings, "w@example.com", PW)
    db.exec(update(ThrottleCounter).values(
        window_started_at=utcnow() - timedelta(minutes=settings.login_window_minutes, seconds=1)))
    db.commit()
    assert accounts.authenticate(db, settings, "w@example.com", PW).email == "w@example.com"


def test_success_clears_failures(db, settings, make_user):
    make_user(email="clear@example.com", password=PW)
    fail(db, settings, "clear@example.com", settings.login_max_failures - 1)
    assert attempts(db, "clear@example.com") == settings.login_max_failures - 1
    wait_out_cool_downs(db)
    accounts.authenticate(db, settings, "clear@example.com", PW)
    db.commit()
    assert attempts(db, "clear@example.com") == 0
    # The counter starts again from zero: nine more failures do not lock.
    fail(db, settings, "clear@example.com", settings.login_max_failures - 1)
    wait_out_cool_downs(db)
    assert accounts.authenticate(db, settings, "clear@example.com", PW)


def test_expired_counters_are_purged(db, settings):
    fail(db, settings, "old@example.com", 3)
    assert throttle.purge(db, settings.login_window_minutes) == 0
    later = utcnow() + timedelta(minutes=settings.login_window_minutes, seconds=1)
    assert throttle.purge(db, settings.login_window_minutes, now=later) == 3
    db.commit()
    assert attempts(db, "old@example.com") == 0


# --- profile and password changes --------------------------------------------------------

def test_change_password_requires_the_old_one(db, settings, make_user, sign_in):
    user = make_user(password=PW)
    _, actor = sign_in(user)
    for old in ("wrong old password", None, 12345678):
        with pytest.raises(ServiceError) as info:
            accounts.change_password(db, settings, actor, old, "brand new password")
        assert info.value.field == "old_password"
    db.rollback()
    assert passwords.verify_password(PW, db.get(User, user.id).password_hash)


@pytest.mark.parametrize("new, message", [("short", "at least"), ("z" * 129, "at most"), (PW, "different")])
def test_change_password_validates_the_new_one(db, settings, make_user, sign_in, new, message):
    user = make_user(password=PW)
    _, actor = sign_in(user)
    with pytest.raises(ServiceError, match=message) as info:
        accounts.change_password(db, settings, actor, PW, new)
    assert info.value.field == "new_password"


def test_change_password_revokes_other_sessions_but_keeps_the_current(db, settings, make_user, sign_in):
    user = make_user(password=PW)
    other_user = make_user(password=PW)
    current_token, actor = sign_in(user)
    old_tokens = [sign_in(user)[0] for _ in range(2)]
    bystander, _ = sign_in(other_user)
    revoked = accounts.change_password(db, settings, actor, PW, "a whole new password")
    db.commit()
    assert revoked == 2
    assert sessions.resolve_session(db, current_token) is not None
    assert all(sessions.resolve_session(db, t) is None for t in old_tokens)
    assert sessions.resolve_session(db, bystander) is not None
    stored = db.get(User, user.id)
    db.refresh(stored)
    assert passwords.verify_password("a whole new password", stored.password_hash)
    assert not passwords.verify_password(PW, stored.password_hash)


def test_update_profile_cleans_and_saves(db, make_user, sign_in):
    user = make_user()
    _, actor = sign_in(user)
    accounts.update_profile(db, actor, "  New   Name ", "  Hello there  ", "Europe/Berlin")
    db.commit()
    stored = db.get(User, user.id)
    assert (stored.name, stored.bio, stored.timezone) == ("New Name", "Hello there", "Europe/Berlin")


@pytest.mark.parametrize("name, bio, tz, field", [
    ("Ok", "", "Mars/Olympus", "timezone"),
    ("Ok", "", None, "timezone"),
    ("Ok", "", "../../etc/passwd", "timezone"),
    ("", "", "UTC", "name"),
    ("Ok", "b" * (accounts.BIO_MAX + 1), "UTC", "bio"),
])
def test_update_profile_refuses_bad_fields(db, make_user, sign_in, name, bio, tz, field):
    user = make_user(name="Original")
    _, actor = sign_in(user)
    with pytest.raises(ServiceError) as info:
        accounts.update_profile(db, actor, name, bio, tz)
    assert info.value.field == field


def test_update_profile_of_a_deactivated_account_is_refused(db, make_user, sign_in):
    user = make_user(is_active=False)
    actor = Actor(user_id=user.id, role=user.role, session_id=0)
    with pytest.raises(ServiceError, match="no longer active"):
        accounts.update_profile(db, actor, "Name", "", "UTC")


@pytest.mark.postgres
def test_truly_concurrent_registrations_make_one_account(settings):
    """Real parallel transactions: the unique index decides, losers get the friendly message."""
    import threading

    from lms_app.core.db import session_scope

    barrier = threading.Barrier(4)
    outcomes: list = []

    def attempt(i):
        barrier.wait()
        try:
            with session_scope() as s:
                accounts.register(s, settings, f"Racer {i}", "Race@Example.com", PW)
            outcomes.append("ok")
        except ServiceError as exc:
            outcomes.append((exc.field, exc.message))
        except Exception as exc:  # pragma: no cover - the failure being tested for
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcomes.count("ok") == 1, outcomes
    assert all(o == "ok" or (o[0] == "email" and "already exists" in o[1]) for o in outcomes), outcomes
    with session_scope() as s:
        assert s.exec(select(func.count(User.id)).where(User.email == "race@example.com")).one() == 1
