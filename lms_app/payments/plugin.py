"""Payments: Stripe and Paystack gateways, subscriptions and all-access passes."""

from __future__ import annotations

from lms_app.core.plugin_api import GatewaySpec, hookimpl
from lms_app.payments import models  # noqa: F401  (registers its tables on SQLModel.metadata)


@hookimpl
def lms_settings():
    from lms_app.payments.config import SETTINGS

    return SETTINGS


@hookimpl
def lms_payment_gateways():
    from lms_app.payments.paystack_gateway import PaystackGateway
    from lms_app.payments.stripe_gateway import StripeGateway

    return [GatewaySpec("stripe", StripeGateway, label="Stripe Checkout"),
            GatewaySpec("paystack", PaystackGateway, label="Paystack")]


@hookimpl
def lms_config_problems(settings):
    from lms_app.payments.config import production_problems

    return production_problems(settings)


@hookimpl
def lms_http_routes():
    from lms_app.payments import api

    return api.ROUTES


@hookimpl
def lms_course_access(session, user_id, course_id):
    from lms_app.payments.services.subscriptions import grants_access

    return grants_access(session, user_id, course_id)
