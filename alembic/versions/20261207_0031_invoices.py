"""invoices: billing details on orders, gap-free invoice numbers per seller

Revision ID: 0031
Revises: 0034
Create Date: 2026-12-07 02:10:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import lms_app.core.types


revision: str = "0031"
down_revision: Union[str, Sequence[str], None] = "0034"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column("order_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("seller_id", sa.Integer(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=40), server_default="", nullable=False),
        sa.Column("seller_name", sa.String(length=120), server_default="", nullable=False),
        sa.Column("billing_name", sa.String(length=120), nullable=False),
        sa.Column("billing_address", sa.Text(), nullable=False),
        sa.Column("billing_country", sa.String(length=2), nullable=False),
        sa.Column("tax_id", sa.String(length=32), server_default="", nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="", nullable=False),
        sa.Column("tax_rate_bp", sa.Integer(), server_default="0", nullable=False),
        sa.Column("net_minor", sa.Integer(), server_default="0", nullable=False),
        sa.Column("tax_minor", sa.Integer(), server_default="0", nullable=False),
        sa.Column("gross_minor", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("issued_at", lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("seq IS NULL OR seq >= 1", name="ck_invoices_seq_positive"),
        sa.CheckConstraint("tax_rate_bp >= 0 AND tax_rate_bp <= 10000", name="ck_invoices_rate"),
        sa.CheckConstraint("net_minor >= 0 AND tax_minor >= 0 AND net_minor + tax_minor = gross_minor",
                           name="ck_invoices_amounts"),
        sa.CheckConstraint("(seq IS NULL) = (number = '')", name="ck_invoices_number_with_seq"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["buyer_id"], ["users.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["seller_id"], ["users.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("order_id"),
        sa.UniqueConstraint("seller_id", "seq", name="uq_invoices_seller_seq"),
    )
    op.create_index(op.f("ix_invoices_buyer_id"), "invoices", ["buyer_id"], unique=False)
    op.create_index(op.f("ix_invoices_seller_id"), "invoices", ["seller_id"], unique=False)
    op.create_table(
        "invoice_counters",
        sa.Column("seller_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("last_seq >= 0", name="ck_invoice_counters_nonnegative"),
        sa.ForeignKeyConstraint(["seller_id"], ["users.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("seller_id"),
    )


def downgrade() -> None:
    op.drop_table("invoice_counters")
    op.drop_index(op.f("ix_invoices_seller_id"), table_name="invoices")
    op.drop_index(op.f("ix_invoices_buyer_id"), table_name="invoices")
    op.drop_table("invoices")
