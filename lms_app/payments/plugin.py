"""Payments: Stripe and Paystack gateways, subscriptions and all-access passes."""

from __future__ import annotations

from lms_app.core.plugin_api import GatewaySpec, NavItem, Page, PersonalData, ProfileSection, ScheduledJob, hookimpl
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


@hookimpl
def lms_course_access_many(session, user_id, course_ids):
    from lms_app.payments.services.subscriptions import granted_course_ids

    return sorted(granted_course_ids(session, user_id, list(course_ids)))


@hookimpl
def lms_pages():
    from lms_app.core.auth_state import AuthState
    from lms_app.payments.pages import plans

    return [Page("/plans", plans.plans_page, "Plans", plans.ON_LOAD),
            Page("/admin/plans", plans.admin_page, "Plans & payments",
                 [AuthState.refresh, plans.AdminPlansState.load])]


@hookimpl
def lms_nav_items():
    return [NavItem("account", "Plans", "/plans", "library", order=25),
            NavItem("admin", "Plans & payments", "/admin/plans", "library", order=85)]


@hookimpl
def lms_profile_sections():
    from lms_app.payments.pages import plans

    return [ProfileSection("subscription", plans.subscription_section, order=60)]


@hookimpl
def lms_scheduled_jobs():
    from lms_app.payments.services import webhooks

    return [ScheduledJob("reconcile-payments", 15, webhooks.reconcile,
                         "ask Stripe/Paystack about payments pending for 15 minutes; apply and flag mismatches")]


@hookimpl
def lms_personal_data():
    return [PersonalData("subscriptions", ("user_id",), "keep",
                         why="Subscriptions are billing records, kept for accounting like orders.")]
