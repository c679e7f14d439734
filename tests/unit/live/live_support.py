"""Helpers shared by the live-session tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import lms_app.core.db
from lms_app.commerce.gateways.base import CardDetails
from lms_app.commerce.gateways.test_gateway import TestGateway
from lms_app.core.settings import get_settings
from lms_app.live import services

CARD = CardDetails(number="4242 4242 4242 4242", expiry="12/39", cvc="123", name="Ada")
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=timezone.utc)


def form(**overrides) -> dict:
    base = {"title": "Python Masterclass", "description": "Two hours of Python.", "duration_minutes": "120",
            "capacity": "2", "price": "99.99", "timezone": "Europe/Berlin", "meeting_url": "https://meet.example/abc",
            "cutoff_hours": "24", "category": "Programming"}
    base.update(overrides)
    return base


def make_offering(actor, **overrides):
    with lms_app.core.db.session_scope() as s:
        return services.create_offering(s, actor, form(**overrides))


def make_slots(actor, offering_id, day="2030-01-10", at="18:00", weeks=1):
    with lms_app.core.db.session_scope() as s:
        return services.schedule(s, actor, offering_id, day, at, weeks)


def book(actor, slot_id, coupon="", card=CARD, now=None):
    with lms_app.core.db.session_scope() as s:
        return services.book(s, get_settings(), actor, slot_id, coupon, card, TestGateway(), now=now)


def in_days(days: float) -> datetime:
    return datetime.now(timezone.utc) + timedelta(days=days)
