"""Subscription plans, learners' subscriptions, and flagged provider reports.

- ``Plan``: a monthly or yearly price giving access to every published course
  (``all_courses``) or to the courses listed in ``plan_courses``.
- ``Subscription``: one per learner and plan while live (partial unique index); its status
  follows the provider's webhooks. Access is granted while ``active``/``trialing``, or
  ``past_due`` until ``current_period_end`` plus the grace days; never after ``ended``.
- ``PaymentFlag``: the provider reported an amount or currency other than ours (tampering or
  a bug): the order was refused and an admin looks at the flag.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, Index, Integer, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow

SUB_STATUSES = ("incomplete", "trialing", "active", "past_due", "canceled", "ended")
LIVE = ("incomplete", "trialing", "active", "past_due")


class Plan(SQLModel, table=True):
    __tablename__ = "subscription_plans"
    __table_args__ = (
        CheckConstraint("interval IN ('month', 'year')", name="ck_plans_interval"),
        CheckConstraint("price_minor > 0", name="ck_plans_price_positive"),
        CheckConstraint("trial_days >= 0 AND trial_days <= 90", name="ck_plans_trial"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(80), nullable=False))
    interval: str = Field(sa_column=Column(String(8), nullable=False))
    price_minor: int = Field(sa_column=Column(Integer, nullable=False))
    currency: str = Field(default="USD", sa_column=Column(String(3), nullable=False))
    trial_days: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    all_courses: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default=text("true")))
    active: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default=text("true")))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # Paystack's plan code (PLN_...), created at Paystack on the first Paystack subscription.
    paystack_code: str = Field(default="", sa_column=Column(String(40), nullable=False, server_default=""))


class PlanCourse(SQLModel, table=True):
    __tablename__ = "plan_courses"
    __table_args__ = (UniqueConstraint("plan_id", "course_id", name="uq_plan_courses"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="subscription_plans.id", ondelete="CASCADE")
    course_id: int = Field(foreign_key="courses.id", index=True, ondelete="CASCADE")


class Subscription(SQLModel, table=True):
    __tablename__ = "subscriptions"
    __table_args__ = (
        CheckConstraint("status IN ('incomplete', 'trialing', 'active', 'past_due', 'canceled', 'ended')",
                        name="ck_subscriptions_status"),
        # One live subscription per learner and plan, whatever Python believes.
        Index("uq_subscriptions_user_plan_live", "user_id", "plan_id", unique=True,
              sqlite_where=text("status IN ('incomplete', 'trialing', 'active', 'past_due')"),
              postgresql_where=text("status IN ('incomplete', 'trialing', 'active', 'past_due')")),
        UniqueConstraint("provider", "provider_ref", name="uq_subscriptions_provider_ref"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    plan_id: int = Field(foreign_key="subscription_plans.id", ondelete="RESTRICT")
    provider: str = Field(sa_column=Column(String(24), nullable=False))
    # The provider's subscription id once known; the checkout session id until then.
    provider_ref: str = Field(sa_column=Column(String(100), nullable=False))
    checkout_ref: str = Field(default="", sa_column=Column(String(100), nullable=False, server_default=""))
    status: str = Field(default="incomplete", sa_column=Column(String(12), nullable=False,
                                                                server_default="incomplete"))
    current_period_end: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    cancel_at_period_end: bool = Field(default=False, sa_column=Column(Boolean, nullable=False,
                                                                         server_default=text("false")))
    # When the provider created the newest event applied: an older event arriving later is stale.
    provider_event_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class PaymentFlag(SQLModel, table=True):
    """A provider report that did not match our order (amount or currency): refused, kept for review."""

    __tablename__ = "payment_flags"

    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(sa_column=Column(String(24), nullable=False))
    reference: str = Field(sa_column=Column(String(100), nullable=False))
    event_id: str = Field(default="", sa_column=Column(String(100), nullable=False, server_default=""))
    detail: str = Field(default="", sa_column=Column(String(300), nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
