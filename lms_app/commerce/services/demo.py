"""Commerce's demo data: the DEMO20 coupon (20 % off any course, on every purchase: the README
promises it for any course, so it is not limited to one use per account), used by
the README's walkthrough and the browser tests."""

from __future__ import annotations

from sqlmodel import Session, select

from lms_app.commerce.models import Coupon
from lms_app.core.users import User


def ensure_demo_coupons(session: Session) -> int:
    """Create DEMO20 when missing; returns how many coupons were created (0 or 1)."""
    existing = session.exec(select(Coupon).where(Coupon.code == "DEMO20")).first()
    if existing is not None:
        if existing.once_per_account:  # demo data seeded before coupons could be reusable
            existing.once_per_account = False
            session.add(existing)
        return 0
    admin = session.exec(select(User).where(User.email == "admin@example.com")).first()
    session.add(Coupon(code="DEMO20", kind="percent", amount=20, once_per_account=False,
                       created_by=admin.id if admin else None))
    return 1


# Demo courses sold in more currencies than their own (issue 20): slug → {currency: price}.
DEMO_PRICES = {
    "modern-python-patterns": {"EUR": 4500, "GBP": 3900},
    "data-analysis-with-pandas": {"EUR": 3600},
    "css-layout-mastery": {"USD": 2100, "GBP": 1700},
}


def ensure_demo_prices(session: Session) -> int:
    """Give a few paid demo courses EUR/GBP/USD prices; returns how many prices were created."""
    from lms_app.core import currencies
    from lms_app.core.courses import Course, CoursePrice

    courses = {c.slug: c for c in session.exec(select(Course).where(Course.slug.in_(list(DEMO_PRICES)))).all()}
    have = {(p.course_id, p.currency) for p in session.exec(select(CoursePrice)).all()}
    created = 0
    for slug, prices in DEMO_PRICES.items():
        course = courses.get(slug)
        if course is None or course.price_minor == 0:
            continue
        for code, minor in prices.items():
            if code != course.currency and code in currencies.enabled() and (course.id, code) not in have:
                session.add(CoursePrice(course_id=course.id, currency=code, price_minor=minor))
                created += 1
    return created
