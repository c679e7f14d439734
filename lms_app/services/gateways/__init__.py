"""Payment gateways: one module per provider behind the interface in ``base``.

``get_gateway(settings)`` picks the configured one. Adding Stripe or Paystack means one module
implementing ``RedirectGateway`` (create payment, then verify and parse signed webhooks) and one
line in ``_REGISTRY``; checkout, fulfilment, the ledger and refunds do not change.
"""

from __future__ import annotations

from lms_app.services.gateways.base import CardDetails, ChargeResult, DirectGateway, RedirectGateway
from lms_app.settings import Settings


def get_gateway(settings: Settings):
    if settings.payment_gateway == "test":
        if settings.is_production:
            raise RuntimeError("The test gateway is refused in production mode.")
        from lms_app.services.gateways.test_gateway import TestGateway

        return TestGateway()
    from lms_app.services.gateways.webhook_provider import WebhookProvider

    return WebhookProvider(settings.webhook_secret)


__all__ = ["CardDetails", "ChargeResult", "DirectGateway", "RedirectGateway", "get_gateway"]
