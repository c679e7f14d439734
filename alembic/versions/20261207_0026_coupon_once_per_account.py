"""coupons.once_per_account: the demo coupon DEMO20 works on every course a learner buys

Revision ID: 0026
Revises: 0029
Create Date: 2026-12-06 23:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0026"
down_revision: Union[str, Sequence[str], None] = "0029"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("coupons") as batch:
        batch.add_column(sa.Column("once_per_account", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.execute("UPDATE coupons SET once_per_account = false WHERE code = 'DEMO20'")
    with op.batch_alter_table("coupon_redemptions") as batch:
        batch.add_column(sa.Column("once_per_account", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch.drop_constraint("uq_coupon_redemptions_coupon_user", type_="unique")
        batch.create_index("uq_coupon_redemptions_once", ["coupon_id", "user_id"], unique=True,
                           sqlite_where=sa.text("once_per_account"), postgresql_where=sa.text("once_per_account"))


def downgrade() -> None:
    op.execute("DELETE FROM coupon_redemptions WHERE once_per_account = false")
    with op.batch_alter_table("coupon_redemptions") as batch:
        batch.drop_index("uq_coupon_redemptions_once")
        batch.create_unique_constraint("uq_coupon_redemptions_coupon_user", ["coupon_id", "user_id"])
        batch.drop_column("once_per_account")
    with op.batch_alter_table("coupons") as batch:
        batch.drop_column("once_per_account")
