"""live sessions: moved times (refund window for earlier bookings), availability windows, course lessons

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
        batch_op.create_index('uq_live_slots_offering_start_scheduled', ['offering_id', 'starts_at'], unique=True,
                              sqlite_where=sa.text("status = 'scheduled'"),
                              postgresql_where=sa.text("status = 'scheduled'"))
    op.create_table('live_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start_minute', sa.Integer(), nullable=False),
    sa.Column('end_minute', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name='ck_live_windows_weekday'),
    sa.CheckConstraint('start_minute >= 0 AND end_minute <= 1440 AND end_minute > start_minute',
                       name='ck_live_windows_minutes'),
    sa.CheckConstraint('last_day >= first_day', name='ck_live_windows_days'),
    sa.ForeignKeyConstraint(['offering_id'], ['live_offerings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_live_windows_offering', 'live_windows', ['offering_id'], unique=False)
    op.create_table('live_lesson_times',
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['slot_id'], ['live_slots.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lesson_id')
    )
    op.create_index(op.f('ix_live_lesson_times_slot_id'), 'live_lesson_times', ['slot_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_live_lesson_times_slot_id'), table_name='live_lesson_times')
    op.drop_table('live_lesson_times')
    op.drop_index('ix_live_windows_offering', table_name='live_windows')
    op.drop_table('live_windows')
    with op.batch_alter_table('live_slots', schema=None) as batch_op:
        batch_op.drop_index('uq_live_slots_offering_start_scheduled')
        batch_op.drop_column('rescheduled_at')
