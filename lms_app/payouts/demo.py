"""Payouts' demo data: a sales history for the demo teacher so /teach/payouts has something to show.

Two months ago: two sales, marked paid by the demo admin. Last month (due): four USD sales (one
with the DEMO20 discount), one of them refunded in the same month, and a GBP sale (a second
statement). This month (open): one sale. Buyers are the demo learners learner01..learner07
(accounts without a usable password). Created once: the first demo payment's reference is the
natural key.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlmodel import Session, select

from lms_app.commerce.models import LedgerEntry, Order, Payment
from lms_app.core.courses import Course
from lms_app.core.pricing import split_fee
from lms_app.core.settings import Settings
from lms_app.core.types import utcnow
from lms_app.core.users import User
from lms_app.payouts.models import PayoutStatement

KEY = "demo-payout-1"

# (months back, day, learner number, course slug, discount percent, refunded on day or None)
SALES = [
    (2, 6, 1, "modern-python-patterns", 0, None),
    (2, 17, 2, "web-apps-in-pure-python", 0, None),
    (1, 4, 3, "modern-python-patterns", 0, None),
    (1, 9, 4, "web-apps-in-pure-python", 20, None),
    (1, 15, 5, "modern-python-patterns", 0, 20),
    (1, 23, 6, "web-apps-in-pure-python", 0, None),
    (1, 12, 7, "accessible-interfaces", 0, None),
    (0, 0, 7, "modern-python-patterns", 0, None),
]


def _month_start(now: datetime, back: int) -> datetime:
    year, month = now.year, now.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return datetime(year, month, 1, tzinfo=timezone.utc)


def ensure_demo_payouts(session: Session, settings: Settings) -> int:
    """Create the demo sales (once); returns how many orders were created."""
    if session.exec(select(Payment.id).where(Payment.gateway == "test", Payment.reference == KEY)).first():
        return 0
    teacher = session.exec(select(User).where(User.email == "teacher@example.com")).first()
    admin = session.exec(select(User).where(User.email == "admin@example.com")).first()
    if teacher is None:
        return 0
    slugs = {s[3] for s in SALES}
    courses = {c.slug: c for c in session.exec(select(Course).where(Course.slug.in_(slugs))).all()}
    emails = [f"learner{n:02d}@example.com" for n in range(1, 8)]
    learners = {u.email: u for u in session.exec(select(User).where(User.email.in_(emails))).all()}
    now = utcnow()
    made = 0
    paid_months: dict[tuple[str, str], list[LedgerEntry]] = {}
    for index, (back, day, learner_no, slug, percent, refund_day) in enumerate(SALES, start=1):
        course, learner = courses.get(slug), learners.get(f"learner{learner_no:02d}@example.com")
        if course is None or learner is None or course.teacher_id != teacher.id or not course.price_minor:
            continue
        at = now - timedelta(minutes=5) if back == 0 else _month_start(now, back) + timedelta(days=day - 1, hours=10)
        discount = course.price_minor * percent // 100
        amount = course.price_minor - discount
        refunded = _month_start(now, back) + timedelta(days=refund_day - 1, hours=15) if refund_day else None
        order = Order(user_id=learner.id, course_id=course.id, item_kind="course", status="refunded" if refunded else "paid",
                      currency=course.currency, list_price_minor=course.price_minor, discount_minor=discount,
                      amount_minor=amount, coupon_code="DEMO20" if discount else "", gateway="test",
                      course_title=course.title, created_at=at, paid_at=at, refunded_at=refunded,
                      refund_reason="Bought the wrong course (demo)" if refunded else "")
        session.add(order)
        session.flush()
        session.add(Payment(order_id=order.id, gateway="test", reference=f"demo-payout-{index}", amount_minor=amount,
                            currency=course.currency, card_last4="4242", created_at=at))
        fee, share = split_fee(amount, settings.platform_fee_percent)
        sale = LedgerEntry(order_id=order.id, course_id=course.id, item_kind="course", teacher_id=teacher.id,
                           kind="sale", currency=course.currency, list_price_minor=course.price_minor,
                           discount_minor=discount, amount_minor=amount, platform_fee_minor=fee,
                           teacher_share_minor=share, created_at=at)
        session.add(sale)
        if refunded:
            session.add(LedgerEntry(order_id=order.id, course_id=course.id, item_kind="course", teacher_id=teacher.id,
                                    kind="refund", currency=course.currency, list_price_minor=-course.price_minor,
                                    discount_minor=-discount, amount_minor=-amount, platform_fee_minor=-fee,
                                    teacher_share_minor=-share, created_at=refunded))
        if back == 2:
            paid_months.setdefault((at.strftime("%Y-%m"), course.currency), []).append(sale)
        made += 1
    for (month, currency), sales in paid_months.items():
        if admin is None:
            break
        gross = sum(s.amount_minor for s in sales)
        fee = sum(s.platform_fee_minor for s in sales)
        session.add(PayoutStatement(teacher_id=teacher.id, month=month, currency=currency, sales_count=len(sales),
                                    gross_minor=gross, refunds_minor=0, net_minor=gross, platform_fee_minor=fee,
                                    amount_due_minor=gross - fee, reference="DEMO-TRANSFER-001", paid_by=admin.id,
                                    paid_at=_month_start(now, 1) + timedelta(days=2, hours=9)))
    session.flush()
    return made
