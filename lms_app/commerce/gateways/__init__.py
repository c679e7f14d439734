"""Payment gateways: one module per provider behind the interface in ``base``.

Gateways are registered by plugins (``lms_payment_gateways``; the built-in test card form and
the generic webhook provider by commerce's own plugin). ``get_gateway(settings)`` builds the one
``LMS_PAYMENT_GATEWAY`` names. A Stripe or Paystack adapter is one module implementing
``RedirectGateway`` plus a ``GatewaySpec`` returned from a hook; checkout, fulfilment, the ledger
and refunds do not change.
"""

from __future__ import annotations

from lms_app.commerce.gateways.base import CardDetails, ChargeResult, DirectGateway, RedirectGateway
from lms_app.core import plugins
from lms_app.core.settings import Settings, SettingsError


def registered() -> dict:
    """Every registered gateway spec by key (a key registered twice is an error)."""
    specs: dict = {}
    for spec in plugins.collected("lms_payment_gateways"):
        if spec.key in specs:
            raise SettingsError(f"payment gateway {spec.key!r} is registered by two plugins")
        specs[spec.key] = spec
    return specs


def get_gateway(settings: Settings):
    specs = registered()
    spec = specs.get(settings.payment_gateway)
    if spec is None:
        raise SettingsError(f"LMS_PAYMENT_GATEWAY must be one of {', '.join(sorted(specs))}, "
                            f"not {settings.payment_gateway!r}")
    if spec.test_only and settings.is_production:
        raise RuntimeError(f"The {spec.key} gateway is refused in production mode.")
    return spec.factory(settings)


__all__ = ["CardDetails", "ChargeResult", "DirectGateway", "RedirectGateway", "get_gateway", "registered"]
