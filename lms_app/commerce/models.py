"""Commerce: orders, payments, coupons and their redemptions, the revenue ledger, webhook events.

Money is integer minor units plus an ISO 4217 code. The database itself guarantees the
invariants the services rely on:

- at most one *open or paid* order per (learner, course): a partial unique index;
- at most one successful payment per order; provider references and webhook event ids unique;
- a coupon is redeemed at most once per learner (unless it is ``once_per_account = false``, like the
  demo coupon DEMO20); ``used_count`` never exceeds the cap;
- an order's amounts are never negative and the discount never exceeds the list price.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, Index, Integer, String, Text, UniqueConstraint, text, true
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow

ORDER_STATUSES = ("pending", "paid", "failed", "refunded")
COUPON_KINDS = ("percent", "fixed")


class Coupon(SQLModel, table=True):
    __tablename__ = "coupons"
    __table_args__ = (
        CheckConstraint("kind IN ('percent', 'fixed')", name="ck_coupons_kind"),
        CheckConstraint("amount > 0", name="ck_coupons_amount_positive"),
        CheckConstraint("kind <> 'percent' OR amount <= 100", name="ck_coupons_percent_max"),
        CheckConstraint("used_count >= 0", name="ck_coupons_used_nonnegative"),
        CheckConstraint("max_redemptions IS NULL OR used_count <= max_redemptions", name="ck_coupons_used_cap"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Stored upper-cased, so lookups are case-insensitive on every backend.
    code: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    kind: str = Field(sa_column=Column(String(8), nullable=False))
    # Percent (1-100) or a fixed amount in minor units of ``currency``.
    amount: int = Field(sa_column=Column(Integer, nullable=False))
    currency: str = Field(default="USD", sa_column=Column(String(3), nullable=False, server_default="USD"))
    course_id: int | None = Field(default=None, foreign_key="courses.id", index=True, ondelete="CASCADE")
    created_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    valid_from: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    valid_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    max_redemptions: int | None = Field(default=None)
    used_count: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    # True: one use per learner (a CouponRedemption row, unique per coupon and learner). False: a
    # learner may use it on every purchase (the demo coupon DEMO20: "20 % off any course").
    once_per_account: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default=true()))


class Order(SQLModel, table=True):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'paid', 'failed', 'refunded')", name="ck_orders_status"),
        CheckConstraint("list_price_minor >= 0 AND discount_minor >= 0 AND amount_minor >= 0",
                        name="ck_orders_amounts_nonnegative"),
        CheckConstraint("discount_minor <= list_price_minor", name="ck_orders_discount_le_price"),
        CheckConstraint("amount_minor = list_price_minor - discount_minor", name="ck_orders_amount_sum"),
        CheckConstraint("item_kind <> 'course' OR course_id IS NOT NULL", name="ck_orders_course_item"),
        # One open or paid order per learner and course, whatever Python believes.
        Index("uq_orders_user_course_live", "user_id", "course_id", unique=True,
              sqlite_where=text("status IN ('pending', 'paid')"),
              postgresql_where=text("status IN ('pending', 'paid')")),
        Index("ix_orders_user_created", "user_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="RESTRICT")
    # NULL for orders of something other than a course (``item_kind``/``item_id`` name it).
    course_id: int | None = Field(default=None, foreign_key="courses.id", index=True, ondelete="RESTRICT")
    item_kind: str = Field(default="course", sa_column=Column(String(16), nullable=False, server_default="course"))
    item_id: int | None = Field(default=None)
    status: str = Field(default="pending", sa_column=Column(String(12), nullable=False, server_default="pending"))
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    list_price_minor: int = Field(default=0)
    discount_minor: int = Field(default=0)
    amount_minor: int = Field(default=0)
    coupon_id: int | None = Field(default=None, foreign_key="coupons.id", ondelete="SET NULL")
    coupon_code: str = Field(default="", sa_column=Column(String(40), nullable=False, server_default=""))
    gateway: str = Field(default="", sa_column=Column(String(24), nullable=False, server_default=""))
    # A title copy, so receipts stay right when the course is renamed.
    course_title: str = Field(default="", sa_column=Column(String(160), nullable=False, server_default=""))
    refund_reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    paid_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    refunded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class Payment(SQLModel, table=True):
    """One charge at a gateway. Card numbers are never stored: only brand and last four."""

    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("order_id", name="uq_payments_order"),
        UniqueConstraint("gateway", "reference", name="uq_payments_gateway_reference"),
        CheckConstraint("amount_minor >= 0", name="ck_payments_amount_nonnegative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", ondelete="RESTRICT")
    gateway: str = Field(sa_column=Column(String(24), nullable=False))
    reference: str = Field(sa_column=Column(String(80), nullable=False))
    status: str = Field(default="succeeded", sa_column=Column(String(12), nullable=False, server_default="succeeded"))
    amount_minor: int = Field(default=0)
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    card_last4: str = Field(default="", sa_column=Column(String(4), nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class CouponRedemption(SQLModel, table=True):
    __tablename__ = "coupon_redemptions"
    # Once-per-account coupons: at most one redemption per (coupon, learner), by the database.
    __table_args__ = (Index("uq_coupon_redemptions_once", "coupon_id", "user_id", unique=True,
                            sqlite_where=text("once_per_account"), postgresql_where=text("once_per_account")),)

    id: int | None = Field(default=None, primary_key=True)
    coupon_id: int = Field(foreign_key="coupons.id", ondelete="CASCADE")
    # Copied from the coupon when redeemed (the partial unique index reads it).
    once_per_account: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, server_default=true()))
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    order_id: int = Field(foreign_key="orders.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class LedgerEntry(SQLModel, table=True):
    """Append-only revenue ledger: a sale, and a reversal (negative amounts) when refunded."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("kind IN ('sale', 'refund')", name="ck_ledger_kind"),
        # A sale without a teacher is the platform's own (subscription invoices): all of it is fee.
        CheckConstraint("teacher_id IS NOT NULL OR (teacher_share_minor = 0 AND platform_fee_minor = amount_minor)",
                        name="ck_ledger_platform_sale"),
        UniqueConstraint("order_id", "kind", name="uq_ledger_order_kind"),
        Index("ix_ledger_teacher_created", "teacher_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", ondelete="RESTRICT")
    course_id: int | None = Field(default=None, foreign_key="courses.id", index=True, ondelete="RESTRICT")
    item_kind: str = Field(default="course", sa_column=Column(String(16), nullable=False, server_default="course"))
    # None: the platform is the seller (subscription invoices), see ledger.record_platform_sale.
    teacher_id: int | None = Field(default=None, foreign_key="users.id", ondelete="RESTRICT")
    kind: str = Field(sa_column=Column(String(8), nullable=False))
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    list_price_minor: int = Field(default=0)
    discount_minor: int = Field(default=0)
    amount_minor: int = Field(default=0)
    platform_fee_minor: int = Field(default=0)
    teacher_share_minor: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class WebhookEvent(SQLModel, table=True):
    """Every accepted webhook event id, so a replayed event changes nothing."""

    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_webhook_events_provider_event"),)

    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(sa_column=Column(String(24), nullable=False))
    event_id: str = Field(sa_column=Column(String(100), nullable=False))
    kind: str = Field(default="", sa_column=Column(String(60), nullable=False, server_default=""))
    received_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
