"""bundles: a teacher's courses sold together, their purchases and the enrolments each granted

Revision ID: 0030
Revises: 0032
Create Date: 2026-12-07 02:10:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from lms_app.core.types import UTCDateTime

revision: str = "0030"
down_revision: Union[str, Sequence[str], None] = "0032"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "bundles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("price_minor", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
        sa.Column("owned_policy", sa.String(length=12), server_default="prorate", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("price_minor > 0", name="ck_bundles_price_positive"),
        sa.CheckConstraint("owned_policy IN ('same', 'prorate')", name="ck_bundles_owned_policy"),
        sa.ForeignKeyConstraint(["teacher_id"], ["users.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug"),
    )
    op.create_index("ix_bundles_teacher_id", "bundles", ["teacher_id"])
    op.create_table(
        "bundle_courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["bundle_id"], ["bundles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bundle_id", "course_id", name="uq_bundle_courses_bundle_course"),
    )
    op.create_index("ix_bundle_courses_course_id", "bundle_courses", ["course_id"])
    op.create_table(
        "bundle_purchases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), server_default="paid", nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("refunded_at", UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'paid', 'failed', 'refunded')", name="ck_bundle_purchases_status"),
        sa.ForeignKeyConstraint(["bundle_id"], ["bundles.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", name="uq_bundle_purchases_order"),
    )
    op.create_index("ix_bundle_purchases_bundle_id", "bundle_purchases", ["bundle_id"])
    op.create_index("ix_bundle_purchases_user_id", "bundle_purchases", ["user_id"])
    op.create_index("uq_bundle_purchases_user_bundle_live", "bundle_purchases", ["user_id", "bundle_id"], unique=True,
                    sqlite_where=sa.text("status IN ('pending', 'paid')"),
                    postgresql_where=sa.text("status IN ('pending', 'paid')"))
    op.create_table(
        "bundle_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purchase_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(["purchase_id"], ["bundle_purchases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("purchase_id", "course_id", name="uq_bundle_grants_purchase_course"),
    )
    op.create_index("ix_bundle_grants_user_id", "bundle_grants", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_bundle_grants_user_id", table_name="bundle_grants")
    op.drop_table("bundle_grants")
    op.drop_index("uq_bundle_purchases_user_bundle_live", table_name="bundle_purchases")
    op.drop_index("ix_bundle_purchases_user_id", table_name="bundle_purchases")
    op.drop_index("ix_bundle_purchases_bundle_id", table_name="bundle_purchases")
    op.drop_table("bundle_purchases")
    op.drop_index("ix_bundle_courses_course_id", table_name="bundle_courses")
    op.drop_table("bundle_courses")
    op.drop_index("ix_bundles_teacher_id", table_name="bundles")
    op.drop_table("bundles")
