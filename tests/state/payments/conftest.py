from tests.unit.payments.conftest import api, fake_paystack, fake_stripe  # noqa: F401  (shared fixtures)
