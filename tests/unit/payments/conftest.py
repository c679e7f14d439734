"""Fixtures: the local provider stand-ins, and the settings that point the adapters at them."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from lms_app.core import plugins
from tests.unit.payments.fakes import PAYSTACK_SECRET, STRIPE_WEBHOOK_SECRET, FakePaystack, FakeStripe


@pytest.fixture
def fake_stripe(use_env):
    fake = FakeStripe()
    use_env(LMS_PAYMENT_GATEWAY="stripe", LMS_STRIPE_SECRET_KEY="sk_test_fake", LMS_STRIPE_API_BASE=fake.base,
            LMS_STRIPE_WEBHOOK_SECRET=STRIPE_WEBHOOK_SECRET)
    plugins._plugin_settings.cache_clear()
    yield fake
    fake.close()
    plugins._plugin_settings.cache_clear()


@pytest.fixture
def fake_paystack(use_env):
    fake = FakePaystack()
    use_env(LMS_PAYMENT_GATEWAY="paystack", LMS_PAYSTACK_SECRET_KEY=PAYSTACK_SECRET, LMS_PAYSTACK_BASE_URL=fake.base)
    plugins._plugin_settings.cache_clear()
    yield fake
    fake.close()
    plugins._plugin_settings.cache_clear()


@pytest.fixture
def api():
    from lms_app.core.http import build_api

    return TestClient(build_api())
