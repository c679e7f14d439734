"""Password hashing: bcrypt over an HMAC-SHA256 pre-hash, so every byte of the password counts."""

from __future__ import annotations

import bcrypt
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from lms_app.accounts.services import passwords
from lms_app.core.errors import ServiceError

COST = 4


@pytest.mark.parametrize("length", [passwords.MIN_LENGTH, 20, passwords.MAX_LENGTH])
def test_lengths_from_8_to_128_are_accepted(length):
    pw = "a" * length
    passwords.validate_password(pw)
    assert passwords.verify_password(pw, passwords.hash_password(pw, COST))


@pytest.mark.parametrize("bad", ["", "short", "a" * (passwords.MIN_LENGTH - 1), "a" * (passwords.MAX_LENGTH + 1),
                                 None, 12345678, ["password1"]])
def test_out_of_range_or_non_string_passwords_are_refused(bad):
    with pytest.raises(ServiceError) as info:
        passwords.validate_password(bad)
    assert info.value.field == "password"


def test_129_characters_never_verify_even_against_their_own_hash():
    pw = "x" * 129
    # Build the hash the service would have made had it accepted the password.
    forged = bcrypt.hashpw(passwords._prehash(pw), bcrypt.gensalt(rounds=COST)).decode()
    assert passwords.verify_password(pw, forged) is False


def test_passwords_sharing_the_first_72_bytes_do_not_verify_against_each_other():
    common = "p" * 72
    first, second = common + "-first", common + "-second"
    assert first.encode()[:72] == second.encode()[:72]
    stored = passwords.hash_password(first, COST)
    assert passwords.verify_password(first, stored)
    assert not passwords.verify_password(second, stored)
    # bcrypt alone reads 72 bytes at most (bcrypt 5 raises, older versions truncated), so
    # a scheme that truncated would treat the two as equal: the pre-hash is what separates them.
    raw = bcrypt.hashpw(first.encode()[:72], bcrypt.gensalt(rounds=COST))
    assert bcrypt.checkpw(second.encode()[:72], raw)
    assert passwords._prehash(first) != passwords._prehash(second)


def test_long_multibyte_passwords_differing_only_at_the_end():
    base = "密码" * 60  # 120 characters, 360 UTF-8 bytes
    a, b = base + "甲乙丙丁", base + "甲乙丙戊"
    assert len(a) <= passwords.MAX_LENGTH
    stored = passwords.hash_password(a, COST)
    assert passwords.verify_password(a, stored)
    assert not passwords.verify_password(b, stored)


@pytest.mark.parametrize("pw", ["pässwörd-ÄÖÜ", "пароль-секрет", "🔐🔑 emoji pass", "パスワードです", "Ωmega\u00a0space"])
def test_non_ascii_passwords_round_trip(pw):
    stored = passwords.hash_password(pw, COST)
    assert stored.startswith("$2b$04$")
    assert passwords.verify_password(pw, stored)
    assert not passwords.verify_password(pw.upper() + "!", stored)


def test_hash_is_salted_and_uses_the_configured_cost():
    one, two = passwords.hash_password("same password", COST), passwords.hash_password("same password", 5)
    assert one != two
    assert one.split("$")[2] == "04" and two.split("$")[2] == "05"


@pytest.mark.parametrize("stored", ["", "not-a-hash", "$2b$04$tooshort"])
def test_garbage_hash_does_not_verify_or_raise(stored):
    assert passwords.verify_password("whatever123", stored) is False


@pytest.mark.parametrize("pw", [None, 123, b"bytes-password"])
def test_non_string_input_does_not_verify(pw):
    stored = passwords.hash_password("bytes-password", COST)
    assert passwords.verify_password(pw, stored) is False


def test_dummy_hash_is_a_valid_bcrypt_hash_at_the_cost():
    dummy = passwords.dummy_hash(COST)
    assert dummy.startswith("$2b$04$") and len(dummy) == 60
    assert bcrypt.checkpw(passwords._prehash("anything-at-all"), dummy.encode()) is False  # well-formed
    assert passwords.verify_password("anything-at-all", dummy) is False


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=passwords.MIN_LENGTH, max_size=passwords.MAX_LENGTH).filter(lambda s: "\x00" not in s),
       st.text(min_size=1, max_size=4))
def test_property_only_the_same_password_verifies(pw, suffix):
    stored = passwords.hash_password(pw, COST)
    assert passwords.verify_password(pw, stored)
    assert not passwords.verify_password(pw + suffix, stored)
