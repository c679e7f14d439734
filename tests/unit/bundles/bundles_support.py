"""Helpers shared by the bundle tests."""

from __future__ import annotations

from sqlmodel import func, select

import lms_app.core.db
from lms_app.bundles import services
from lms_app.bundles.models import BundleGrant, BundlePurchase
from lms_app.commerce.gateways.test_gateway import TestGateway
from lms_app.commerce.models import LedgerEntry, Order, Payment
from lms_app.core.courses import Enrollment
from lms_app.core.sessions import Actor
from lms_app.core.settings import get_settings
from tests.unit.commerce.commerce_support import SUCCESS


def make_bundle(teacher, courses, price="60.00", policy="prorate", title="Starter bundle"):
    actor = Actor(user_id=teacher.id, role="teacher", session_id=0)
    with lms_app.core.db.session_scope() as s:
        bundle = services.save(s, actor, {"title": title, "price": price, "owned_policy": policy,
                                          "courses": [str(c.id) for c in courses]})
        return bundle.id, bundle.slug


def buy(actor, slug, coupon="", card=SUCCESS, gateway=None):
    with lms_app.core.db.session_scope() as s:
        return services.buy(s, get_settings(), actor, slug, coupon, card, gateway or TestGateway())


def state(user_id: int) -> dict:
    with lms_app.core.db.session_scope() as s:
        def n(model, *where):
            return s.exec(select(func.count(model.id)).where(*where)).one()

        return {"orders": n(Order, Order.user_id == user_id), "payments": n(Payment),
                "ledger": n(LedgerEntry), "purchases": n(BundlePurchase, BundlePurchase.user_id == user_id),
                "grants": n(BundleGrant, BundleGrant.user_id == user_id),
                "enrolled": sorted(s.exec(select(Enrollment.course_id).where(Enrollment.user_id == user_id)).all())}
