"""Commerce: checkout, the built-in payment gateways, orders and receipts, coupons, refunds,
teacher revenue."""

from __future__ import annotations

from lms_app.commerce import models  # noqa: F401  (registers its tables on SQLModel.metadata)
from lms_app.commerce import invoice_models  # noqa: F401  (invoices, invoice_counters)
from lms_app.core.plugin_api import GatewaySpec, NavItem, Page, hookimpl, pages_of
from lms_app.core.plugin_api import PersonalData
from lms_app.core.auth_state import AuthState


@hookimpl
def lms_pages():
    from lms_app.commerce.pages import admin_orders, checkout, coupons, orders, revenue

    return pages_of(checkout, revenue, admin_orders, coupons) + [
        Page("/orders", orders.history_page, "Payments", [AuthState.refresh, orders.OrdersState.load]),
        Page("/orders/[order_id]", orders.receipt_page, "Receipt", [AuthState.refresh, orders.ReceiptState.load]),
        Page("/teach/coupons", coupons.page, "Coupons", coupons.TEACH_ON_LOAD),
    ]


@hookimpl
def lms_nav_items():
    return [NavItem("account", "Payments", "/orders", "receipt", order=20),
            NavItem("teacher", "Revenue", "/teach/revenue", "wallet", order=30),
            NavItem("teacher", "Coupons", "/teach/coupons", "ticket-percent", order=40),
            NavItem("admin", "Orders & refunds", "/admin/orders", "receipt", order=70),
            NavItem("admin", "Coupons", "/admin/coupons", "ticket-percent", order=80)]


@hookimpl
def lms_payment_gateways():
    from lms_app.commerce.gateways.test_gateway import TestGateway
    from lms_app.commerce.gateways.webhook_provider import WebhookProvider

    return [GatewaySpec("test", lambda settings: TestGateway(), test_only=True, label="Test cards"),
            GatewaySpec("webhook", lambda settings: WebhookProvider(settings.webhook_secret),
                        label="Hosted payment page with signed webhooks")]


@hookimpl
def lms_config_problems(settings):
    from lms_app.commerce.gateways import registered

    keys = registered()
    if settings.payment_gateway not in keys:
        return [f"LMS_PAYMENT_GATEWAY must be one of {', '.join(sorted(keys))}, not {settings.payment_gateway!r}"]
    return []


@hookimpl
def lms_http_routes():
    from lms_app.commerce import api

    return api.ROUTES


@hookimpl
def lms_demo_data(session, settings):
    from lms_app.commerce.services.demo import ensure_demo_coupons, ensure_demo_prices

    return {"coupons": ensure_demo_coupons(session), "course_prices": ensure_demo_prices(session)}


@hookimpl
def lms_personal_data():
    keep = "Accounting records: kept for the statutory retention period (e.g. 10 years under HGB §257 / " \
           "6 years in the UK), pointing at the anonymised account."
    return [PersonalData("orders", ("user_id",), "keep", why=keep),
            PersonalData("coupon_redemptions", ("user_id",), "keep", why=keep),
            PersonalData("ledger_entries", ("teacher_id",), "keep", why=keep),
            PersonalData("invoices", ("buyer_id",), "keep", why=keep),
            PersonalData("invoices", ("seller_id",), "keep", export=False, why=keep),
            PersonalData("invoice_counters", ("seller_id",), "keep", export=False, why=keep),
            PersonalData("coupons", ("created_by",), "keep", why="Coupons the person created stay valid for buyers.")]


@hookimpl
def lms_api_routers():
    from lms_app.commerce import rest, rest_staff

    return [rest.router, rest_staff.router]
