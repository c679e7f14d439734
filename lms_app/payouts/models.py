"""The one table payouts add: statements an admin marked paid, with a snapshot of their amounts.

A statement that is not marked paid has no row: it is computed from ``ledger_entries`` whenever
it is shown. Marking it paid freezes what was paid (amounts at that moment, who, when, the
transfer reference); a refund booked later lands in the month it happened, so a paid statement
never changes afterwards.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow


class PayoutStatement(SQLModel, table=True):
    __tablename__ = "payout_statements"
    __table_args__ = (
        # One statement per teacher, month and currency: a second "mark paid" fails in the database.
        UniqueConstraint("teacher_id", "month", "currency", name="uq_payout_statements_teacher_month_currency"),
        CheckConstraint("length(month) = 7", name="ck_payout_statements_month"),
        CheckConstraint("net_minor = gross_minor + refunds_minor", name="ck_payout_statements_net"),
        CheckConstraint("amount_due_minor = net_minor - platform_fee_minor", name="ck_payout_statements_due"),
        CheckConstraint("sales_count >= 0 AND gross_minor >= 0 AND refunds_minor <= 0",
                        name="ck_payout_statements_signs"),
    )

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(foreign_key="users.id", ondelete="RESTRICT")
    month: str = Field(sa_column=Column(String(7), nullable=False))  # "YYYY-MM", UTC
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    sales_count: int = Field(default=0)
    gross_minor: int = Field(default=0)
    refunds_minor: int = Field(default=0)  # zero or negative
    net_minor: int = Field(default=0)
    platform_fee_minor: int = Field(default=0)
    amount_due_minor: int = Field(default=0)
    reference: str = Field(default="", sa_column=Column(String(120), nullable=False, server_default=""))
    paid_by: int = Field(foreign_key="users.id", ondelete="RESTRICT")
    paid_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
