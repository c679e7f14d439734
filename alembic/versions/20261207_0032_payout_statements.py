"""payouts: statements marked paid, with a snapshot of their amounts (lms_app.payouts); ledger index by date

Revision ID: 0032
Revises: 0033
Create Date: 2026-12-07 02:10:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import lms_app.core.types


revision: str = "0032"
down_revision: Union[str, Sequence[str], None] = "0033"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "payout_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("sales_count", sa.Integer(), nullable=False),
        sa.Column("gross_minor", sa.Integer(), nullable=False),
        sa.Column("refunds_minor", sa.Integer(), nullable=False),
        sa.Column("net_minor", sa.Integer(), nullable=False),
        sa.Column("platform_fee_minor", sa.Integer(), nullable=False),
        sa.Column("amount_due_minor", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=120), server_default="", nullable=False),
        sa.Column("paid_by", sa.Integer(), nullable=False),
        sa.Column("paid_at", lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(month) = 7", name="ck_payout_statements_month"),
        sa.CheckConstraint("net_minor = gross_minor + refunds_minor", name="ck_payout_statements_net"),
        sa.CheckConstraint("amount_due_minor = net_minor - platform_fee_minor", name="ck_payout_statements_due"),
        sa.CheckConstraint("sales_count >= 0 AND gross_minor >= 0 AND refunds_minor <= 0",
                           name="ck_payout_statements_signs"),
        sa.ForeignKeyConstraint(["paid_by"], ["users.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["teacher_id"], ["users.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("teacher_id", "month", "currency", name="uq_payout_statements_teacher_month_currency"),
    )
    # The admin payouts page reads one month of every teacher's ledger entries.
    with op.batch_alter_table("ledger_entries") as batch:
        batch.create_index("ix_ledger_created", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries") as batch:
        batch.drop_index("ix_ledger_created")
    op.drop_table("payout_statements")
