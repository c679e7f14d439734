"""App assembly: theme, pages, HTTP routes, and the production start-up checks."""

from __future__ import annotations

import reflex as rx

from lms_app.api.routes import build_api
from lms_app.pages import admin, dashboard, home, login, not_found, profile, register, teach
from lms_app.pages import catalog, course
from lms_app.pages import admin_reviews, course_editor, learn
from lms_app.pages import admin_orders, checkout, coupons_admin, orders, revenue
from lms_app.pages import admin_learner_reviews
from lms_app.pages import admin_analytics, admin_applications, admin_audit, admin_categories, admin_users
from lms_app.pages import become_teacher, teach_analytics
from lms_app.pages import admin_certificates, verify
from lms_app.pages import assignment_editor, grading
from lms_app.pages import quiz_builder
from lms_app.settings import get_settings
from lms_app.state.auth import AuthState


def _refuse_unsafe_production() -> None:
    settings = get_settings()
    if settings.is_production and (problems := settings.production_problems()):
        raise SystemExit("Refusing to start in production mode:\n- " + "\n- ".join(problems))


_refuse_unsafe_production()

app = rx.App(
    stylesheets=["/styles.css"],
    api_transformer=build_api(),
    head_components=[rx.el.meta(name="theme-color", content="#3e63dd")],
)

DESCRIPTION = "Open-source learning platform: courses, progress that never gets lost, verifiable certificates."

PAGES = (
    home, login, register, dashboard, profile, not_found, catalog, course, checkout, learn, verify,  # everyone
    become_teacher,
    teach, course_editor, quiz_builder, assignment_editor, grading, revenue, teach_analytics,  # teachers
    admin, admin_analytics, admin_users, admin_applications, admin_categories, admin_reviews,  # admins
    admin_learner_reviews, admin_orders, coupons_admin, admin_certificates, admin_audit,
)
for module in PAGES:
    app.add_page(module.page, route=module.ROUTE, title=module.TITLE,
                 description=getattr(module, "DESCRIPTION", DESCRIPTION), on_load=module.ON_LOAD)

app.add_page(orders.history_page, route="/orders", title="Payments", description=DESCRIPTION,
             on_load=[AuthState.refresh, orders.OrdersState.load])
app.add_page(orders.receipt_page, route="/orders/[order_id]", title="Receipt", description=DESCRIPTION,
             on_load=[AuthState.refresh, orders.ReceiptState.load])
app.add_page(coupons_admin.page, route="/teach/coupons", title="Coupons", description=DESCRIPTION,
             on_load=coupons_admin.TEACH_ON_LOAD)
