"""Bundles: a teacher's courses sold together at one price, and what each purchase granted.

The database enforces what can be clicked twice or raced:

- a learner holds at most one *pending or paid* purchase per bundle (partial unique index), so
  a double click or a second tab fails before the card is charged;
- a course appears once per bundle; a purchase grants a course at most once;
- ``bundle_grants`` records exactly which enrolments a purchase created, so a refund removes those
  and never the courses the learner owned before.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint, \
    text, true
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow

# What a learner who already owns some of the courses pays:
# "same": the bundle price whatever they own; "prorate": the bundle price minus the owned
# courses' share of it (share = the course's separate price / all the courses' separate prices).
OWNED_POLICIES = ("same", "prorate")
# "pending": waiting for a redirect provider's webhook (Stripe, Paystack...); "failed": it failed.
PURCHASE_STATUSES = ("pending", "paid", "failed", "refunded")


class Bundle(SQLModel, table=True):
    __tablename__ = "bundles"
    __table_args__ = (
        CheckConstraint("price_minor > 0", name="ck_bundles_price_positive"),
        CheckConstraint("owned_policy IN ('same', 'prorate')", name="ck_bundles_owned_policy"),
    )

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="RESTRICT"), nullable=False,
                                             index=True))
    slug: str = Field(sa_column=Column(String(120), nullable=False, unique=True))
    title: str = Field(sa_column=Column(String(160), nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    price_minor: int = Field(sa_column=Column(Integer, nullable=False))
    currency: str = Field(default="USD", sa_column=Column(String(3), nullable=False, server_default="USD"))
    owned_policy: str = Field(default="prorate", sa_column=Column(String(12), nullable=False,
                                                                  server_default="prorate"))
    active: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default=true()))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class BundleCourse(SQLModel, table=True):
    __tablename__ = "bundle_courses"
    __table_args__ = (UniqueConstraint("bundle_id", "course_id", name="uq_bundle_courses_bundle_course"),)

    id: int | None = Field(default=None, primary_key=True)
    bundle_id: int = Field(sa_column=Column(Integer, ForeignKey("bundles.id", ondelete="CASCADE"), nullable=False))
    course_id: int = Field(sa_column=Column(Integer, ForeignKey("courses.id", ondelete="RESTRICT"), nullable=False,
                                            index=True))
    position: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))


class BundlePurchase(SQLModel, table=True):
    __tablename__ = "bundle_purchases"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'paid', 'failed', 'refunded')", name="ck_bundle_purchases_status"),
        # One open or paid purchase per learner and bundle, whatever Python believes.
        Index("uq_bundle_purchases_user_bundle_live", "user_id", "bundle_id", unique=True,
              sqlite_where=text("status IN ('pending', 'paid')"),
              postgresql_where=text("status IN ('pending', 'paid')")),
        UniqueConstraint("order_id", name="uq_bundle_purchases_order"),
    )

    id: int | None = Field(default=None, primary_key=True)
    bundle_id: int = Field(sa_column=Column(Integer, ForeignKey("bundles.id", ondelete="RESTRICT"), nullable=False,
                                            index=True))
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="RESTRICT"), nullable=False,
                                          index=True))
    # Set in the same transaction right after the order is inserted.
    order_id: int | None = Field(default=None, sa_column=Column(Integer, ForeignKey("orders.id", ondelete="RESTRICT"),
                                                                nullable=True))
    status: str = Field(default="paid", sa_column=Column(String(12), nullable=False, server_default="paid"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    refunded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class BundleGrant(SQLModel, table=True):
    """One enrolment a bundle purchase created (courses the learner already owned get no row)."""

    __tablename__ = "bundle_grants"
    __table_args__ = (UniqueConstraint("purchase_id", "course_id", name="uq_bundle_grants_purchase_course"),)

    id: int | None = Field(default=None, primary_key=True)
    purchase_id: int = Field(sa_column=Column(Integer, ForeignKey("bundle_purchases.id", ondelete="CASCADE"),
                                              nullable=False))
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="RESTRICT"), nullable=False,
                                          index=True))
    course_id: int = Field(sa_column=Column(Integer, ForeignKey("courses.id", ondelete="RESTRICT"), nullable=False))
    # False once a refund removed the enrolment again.
    active: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default=true()))
