"""The authorization matrix's rows for the payout statement endpoints (``payout_rows``) and the
sale they read (``payout_world``): the teacher sold a course in an ended month."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

import lms_app.core.db
from lms_app.commerce.models import LedgerEntry
from lms_app.core.sessions import Actor
from lms_app.core.types import utcnow
from lms_app.payouts.services import current_month, month_bounds


def payout_world(people: dict, make_user, make_course) -> dict:
    from tests.unit.commerce.commerce_support import buy

    course = make_course(teacher=people["teacher"], price_minor=3000, currency="USD")
    buyer = make_user()
    order = buy(Actor(user_id=buyer.id, role=buyer.role, session_id=0), course.slug)
    last_month = month_bounds(current_month())[0] - timedelta(days=3)
    with lms_app.core.db.session_scope() as s:
        s.execute(update(LedgerEntry).where(LedgerEntry.order_id == order.id).values(created_at=last_month))
    return {"payout_month": last_month.strftime("%Y-%m"), "payout_teacher_id": people["teacher"].id}


def payout_rows(w, teacher_only: dict, admin_only: dict) -> list:
    month, teacher = w.get("payout_month", utcnow().strftime("%Y-%m")), w.get("payout_teacher_id", 1)
    return [
        ("GET", "/teach/payouts", "/teach/payouts", None, teacher_only),
        # always the caller's own statement: the others have none for that month
        ("GET", "/teach/payouts/{month}/{currency}", f"/teach/payouts/{month}/USD", None,
         {**teacher_only, "other_teacher": 404, "admin": 404}),
        ("GET", "/admin/payouts", f"/admin/payouts?month={month}", None, admin_only),
        ("POST", "/admin/payouts/{teacher_id}/{month}/{currency}/mark-paid",
         f"/admin/payouts/{teacher}/{month}/USD/mark-paid", {"reference": "Matrix transfer"}, admin_only),
    ]
