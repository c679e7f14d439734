"""Invoices: the buyer's billing details on a paid order and the seller's gap-free numbering.

- ``invoices``: one row per order that was bought with billing details (keyed by ``order_id``).
  A redirect-gateway order holds its billing details here while it is pending (``seq`` NULL);
  the number is given in the transaction that marks the order paid.
- ``invoice_counters``: the last number each seller (the course's teacher) gave. It is updated
  in the paid order's transaction, so a rollback (a declined card, a lost race) takes the number
  back with it: numbers per seller are sequential with no gaps. ``(seller_id, seq)`` is unique.

Amounts are integer minor units; prices are tax-inclusive (gross = the amount paid), the tax
rate is kept in basis points (1900 = 19 %).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow


class Invoice(SQLModel, table=True):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("seller_id", "seq", name="uq_invoices_seller_seq"),
        CheckConstraint("seq IS NULL OR seq >= 1", name="ck_invoices_seq_positive"),
        CheckConstraint("tax_rate_bp >= 0 AND tax_rate_bp <= 10000", name="ck_invoices_rate"),
        CheckConstraint("net_minor >= 0 AND tax_minor >= 0 AND net_minor + tax_minor = gross_minor",
                        name="ck_invoices_amounts"),
        CheckConstraint("(seq IS NULL) = (number = '')", name="ck_invoices_number_with_seq"),
    )

    order_id: int = Field(sa_column=Column(Integer, ForeignKey("orders.id", ondelete="RESTRICT"), primary_key=True,
                                            autoincrement=False))
    # The buyer (the order's user_id), so the person's data export includes their billing details.
    buyer_id: int = Field(foreign_key="users.id", index=True, ondelete="RESTRICT")
    # The seller: the course's teacher (the ledger's teacher_id); set when the number is given.
    seller_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="RESTRICT")
    seq: int | None = Field(default=None)
    number: str = Field(default="", sa_column=Column(String(40), nullable=False, server_default=""))
    seller_name: str = Field(default="", sa_column=Column(String(120), nullable=False, server_default=""))
    billing_name: str = Field(sa_column=Column(String(120), nullable=False))
    billing_address: str = Field(sa_column=Column(Text, nullable=False))
    billing_country: str = Field(sa_column=Column(String(2), nullable=False))
    tax_id: str = Field(default="", sa_column=Column(String(32), nullable=False, server_default=""))
    currency: str = Field(default="", sa_column=Column(String(3), nullable=False, server_default=""))
    tax_rate_bp: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    net_minor: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    tax_minor: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    gross_minor: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    issued_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class InvoiceCounter(SQLModel, table=True):
    __tablename__ = "invoice_counters"
    __table_args__ = (CheckConstraint("last_seq >= 0", name="ck_invoice_counters_nonnegative"),)

    seller_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True,
                                             autoincrement=False))
    last_seq: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
