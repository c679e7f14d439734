"""Payouts: monthly statements per teacher from the revenue ledger (page, PDF, CSV), marked paid
by admins (audited)."""

from __future__ import annotations

from lms_app.core.plugin_api import NavItem, Page, PersonalData, hookimpl
from lms_app.payouts import models  # noqa: F401  (registers its tables on SQLModel.metadata)


@hookimpl
def lms_pages():
    from lms_app.payouts import pages

    return [Page("/teach/payouts", pages.teacher_page, "Payouts", pages.TEACH_ON_LOAD),
            Page("/admin/payouts", pages.admin_page, "Payouts", pages.ADMIN_ON_LOAD)]


@hookimpl
def lms_nav_items():
    return [NavItem("teacher", "Payouts", "/teach/payouts", "banknote", order=35),
            NavItem("admin", "Payouts", "/admin/payouts", "banknote", order=75)]


@hookimpl
def lms_http_routes():
    from lms_app.payouts import api

    return api.ROUTES


@hookimpl
def lms_api_routers():
    from lms_app.payouts import rest

    return [rest.router]


@hookimpl
def lms_demo_data(session, settings):
    from lms_app.payouts.demo import ensure_demo_payouts

    return {"payout_demo_sales": ensure_demo_payouts(session, settings)}


@hookimpl
def lms_personal_data():
    return [PersonalData("payout_statements", ("teacher_id", "paid_by"), "keep",
                         why="Payouts are accounting records, kept like the ledger they summarise.")]
