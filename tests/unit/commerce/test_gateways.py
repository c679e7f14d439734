"""The test gateway's card checks and documented numbers, and its refusal in production."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms_app.commerce.gateways import get_gateway, test_gateway
from lms_app.commerce.gateways.base import CardDetails
from lms_app.commerce.gateways.test_gateway import TestGateway, expiry_problem, luhn_ok


def test_luhn_examples():
    assert luhn_ok("4242424242424242") and luhn_ok("4000000000000002") and luhn_ok("4000000000009995")
    assert not luhn_ok("4242424242424241") and not luhn_ok("42") and not luhn_ok("abcd")


@given(st.text(max_size=19, alphabet="0123456789"))
def test_one_wrong_digit_breaks_luhn(number):
    if len(number) < 12 or not luhn_ok(number):
        return
    last = (int(number[-1]) + 1) % 10
    assert not luhn_ok(number[:-1] + str(last))


def test_expiry_checks():
    now = datetime(2030, 6, 15, tzinfo=timezone.utc)
    assert expiry_problem("06/30", now) is None and expiry_problem("6/2031", now) is None
    assert expiry_problem("05/30", now) == "This card has expired."
    for bad in ("13/30", "0/30", "1230", "", None, "ab/cd"):
        assert expiry_problem(bad, now) == "Enter the expiry as MM/YY."


def test_documented_numbers():
    gateway = TestGateway()
    card = CardDetails(number="4242 4242 4242 4242", expiry="12/39", cvc="123")
    ok = gateway.charge(1000, "USD", card, 1)
    assert ok.ok and ok.last4 == "4242" and ok.reference
    assert gateway.charge(1000, "USD", replace(card, number="4000000000000002"), 2).reason == \
        test_gateway.DECLINED_REASON
    assert gateway.charge(1000, "USD", replace(card, number="4000 0000 0000 9995"), 3).reason == \
        test_gateway.INSUFFICIENT_REASON
    assert "4242" not in repr(card)  # card fields stay out of logs and tracebacks


def test_test_gateway_is_refused_in_production(monkeypatch):
    from lms_app.core.settings import load_settings

    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("LMS_PAYMENT_GATEWAY", "test")
    settings = load_settings()
    assert any("LMS_PAYMENT_GATEWAY" in p for p in settings.production_problems())
    with pytest.raises(RuntimeError):
        get_gateway(settings)
    monkeypatch.setenv("LMS_PAYMENT_GATEWAY", "webhook")
    monkeypatch.setenv("LMS_WEBHOOK_SECRET", "x" * 32)
    settings = load_settings()
    assert not any("PAYMENT" in p or "WEBHOOK" in p for p in settings.production_problems())
    assert get_gateway(settings).name == "webhook"
