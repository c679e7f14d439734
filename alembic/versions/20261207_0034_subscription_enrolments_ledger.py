"""Subscription enrolments and subscription revenue in the ledger

- enrollments.source: 'direct' (bought, free, bundle, granted by staff) or 'plan' (created when
  a subscriber first opened a course of the plan; counts only while a subscription grants it).
- ledger_entries.teacher_id nullable: a subscription invoice is a sale by the platform itself
  (teacher_id NULL, platform fee = amount paid, teacher share = 0).
- subscription_plans.paystack_code: the plan's code at Paystack (PLN_...), once created there.

Revision ID: 0034
Revises: 0026
Create Date: 2026-12-07 02:15:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0034"
down_revision: Union[str, Sequence[str], None] = "0026"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("subscription_plans") as batch:
        batch.add_column(sa.Column("paystack_code", sa.String(length=40), server_default="", nullable=False))
    with op.batch_alter_table("enrollments") as batch:
        batch.add_column(sa.Column("source", sa.String(length=8), server_default="direct", nullable=False))
        batch.create_check_constraint("ck_enrollments_source", "source IN ('direct', 'plan')")
    with op.batch_alter_table("ledger_entries") as batch:
        batch.alter_column("teacher_id", existing_type=sa.Integer(), nullable=True)
        batch.create_check_constraint(
            "ck_ledger_platform_sale",
            "teacher_id IS NOT NULL OR (teacher_share_minor = 0 AND platform_fee_minor = amount_minor)")


def downgrade() -> None:
    op.execute("DELETE FROM ledger_entries WHERE teacher_id IS NULL")
    with op.batch_alter_table("ledger_entries") as batch:
        batch.drop_constraint("ck_ledger_platform_sale", type_="check")
        batch.alter_column("teacher_id", existing_type=sa.Integer(), nullable=False)
    op.execute("DELETE FROM enrollments WHERE source = 'plan'")
    with op.batch_alter_table("enrollments") as batch:
        batch.drop_constraint("ck_enrollments_source", type_="check")
        batch.drop_column("source")
    with op.batch_alter_table("subscription_plans") as batch:
        batch.drop_column("paystack_code")
