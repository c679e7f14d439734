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
