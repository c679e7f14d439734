"""course_prices: a course's price in each extra currency its teacher enables

Revision ID: 0033
Revises: 0031
Create Date: 2026-12-07 02:10:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0033"
down_revision: Union[str, Sequence[str], None] = "0031"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "course_prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("price_minor", sa.Integer(), nullable=False),
        sa.CheckConstraint("price_minor >= 0", name="ck_course_prices_price_nonnegative"),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("course_id", "currency", name="uq_course_prices_course_currency"),
    )
    op.create_index("ix_course_prices_currency_price", "course_prices", ["currency", "price_minor"])
    op.create_index("ix_courses_status_currency_price", "courses", ["status", "currency", "price_minor", "id"])


def downgrade() -> None:
    op.drop_index("ix_courses_status_currency_price", table_name="courses")
    op.drop_index("ix_course_prices_currency_price", table_name="course_prices")
    op.drop_table("course_prices")
