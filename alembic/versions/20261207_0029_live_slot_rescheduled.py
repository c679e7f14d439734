"""live sessions: when a teacher last moved a booked time (refund window for earlier bookings)

Revision ID: 0029
Revises: 0020
Create Date: 2026-12-06 23:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import lms_app.core.types


revision: str = '0029'
down_revision: Union[str, Sequence[str], None] = "0020"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('live_slots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rescheduled_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('live_slots', schema=None) as batch_op:
        batch_op.drop_column('rescheduled_at')
