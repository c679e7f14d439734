"""live sessions

Live-session offerings, slots and bookings (live); orders and ledger entries may be for an item
other than a course (``item_kind``/``item_id``, ``course_id`` nullable); mail messages may carry
one text attachment (calendar invites).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 19:43:27.667443
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import lms_app.core.types


# revision identifiers, used by Alembic.
revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = "0016"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('live_offerings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('image_url', sa.String(length=500), server_default='', nullable=False),
    sa.Column('category', sa.String(length=80), server_default='', nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('price_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), server_default='USD', nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=64), server_default='UTC', nullable=False),
    sa.Column('meeting_url', sa.String(length=500), server_default='', nullable=False),
    sa.Column('cutoff_hours', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), server_default='active', nullable=False),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('active', 'inactive')", name='ck_live_offerings_status'),
    sa.CheckConstraint('capacity >= 1', name='ck_live_offerings_capacity'),
    sa.CheckConstraint('cutoff_hours >= 0', name='ck_live_offerings_cutoff'),
    sa.CheckConstraint('duration_minutes BETWEEN 5 AND 1440', name='ck_live_offerings_duration'),
    sa.CheckConstraint('price_minor >= 0', name='ck_live_offerings_price'),
    sa.ForeignKeyConstraint(['teacher_id'], ['users.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('live_offerings', schema=None) as batch_op:
        batch_op.create_index('ix_live_offerings_teacher', ['teacher_id'], unique=False)

    op.create_table('live_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('seats_taken', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status', sa.String(length=12), server_default='scheduled', nullable=False),
    sa.Column('reminder_sent_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name='ck_live_slots_status'),
    sa.CheckConstraint('capacity >= 1', name='ck_live_slots_capacity'),
    sa.CheckConstraint('ends_at > starts_at', name='ck_live_slots_order'),
    sa.CheckConstraint('seats_taken >= 0 AND seats_taken <= capacity', name='ck_live_slots_seats'),
    sa.ForeignKeyConstraint(['offering_id'], ['live_offerings.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['teacher_id'], ['users.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('live_slots', schema=None) as batch_op:
        batch_op.create_index('ix_live_slots_offering_start', ['offering_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_live_slots_status_start', ['status', 'starts_at'], unique=False)
        batch_op.create_index('ix_live_slots_teacher_start', ['teacher_id', 'starts_at'], unique=False)

    op.create_table('live_bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), server_default='confirmed', nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('amount_minor', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), server_default='USD', nullable=False),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('offer_expires_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attended_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('confirmed', 'cancelled', 'offered', 'expired')", name='ck_live_bookings_status'),
    sa.CheckConstraint('amount_minor >= 0', name='ck_live_bookings_amount'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['slot_id'], ['live_slots.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('live_bookings', schema=None) as batch_op:
        batch_op.create_index('ix_live_bookings_slot', ['slot_id'], unique=False)
        batch_op.create_index('ix_live_bookings_user_created', ['user_id', 'created_at'], unique=False)
        batch_op.create_index('uq_live_bookings_slot_user_confirmed', ['slot_id', 'user_id'], unique=True, sqlite_where=sa.text("status IN ('confirmed', 'offered')"), postgresql_where=sa.text("status IN ('confirmed', 'offered')"))

    op.create_table('live_calendar_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash'),
    sa.UniqueConstraint('user_id')
    )
    op.create_table('live_waitlist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), server_default='waiting', nullable=False),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('waiting', 'promoted', 'left')", name='ck_live_waitlist_status'),
    sa.ForeignKeyConstraint(['slot_id'], ['live_slots.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('live_waitlist', schema=None) as batch_op:
        batch_op.create_index('ix_live_waitlist_slot_status', ['slot_id', 'status', 'id'], unique=False)
        batch_op.create_index('uq_live_waitlist_slot_user_waiting', ['slot_id', 'user_id'], unique=True, sqlite_where=sa.text("status = 'waiting'"), postgresql_where=sa.text("status = 'waiting'"))

    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_kind', sa.String(length=16), server_default='course', nullable=False))
        batch_op.alter_column('course_id',
               existing_type=sa.INTEGER(),
               nullable=True)

    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_name', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('attachment_type', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('attachment_body', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_kind', sa.String(length=16), server_default='course', nullable=False))
        batch_op.add_column(sa.Column('item_id', sa.Integer(), nullable=True))
        batch_op.alter_column('course_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_check_constraint('ck_orders_course_item', "item_kind <> 'course' OR course_id IS NOT NULL")



def downgrade() -> None:
    op.execute("DELETE FROM ledger_entries WHERE course_id IS NULL")
    op.execute("UPDATE live_bookings SET order_id = NULL")
    op.execute("DELETE FROM coupon_redemptions WHERE order_id IN (SELECT id FROM orders WHERE course_id IS NULL)")
    op.execute("DELETE FROM payments WHERE order_id IN (SELECT id FROM orders WHERE course_id IS NULL)")
    op.execute("DELETE FROM orders WHERE course_id IS NULL")
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint('ck_orders_course_item', type_='check')
        batch_op.alter_column('course_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('item_id')
        batch_op.drop_column('item_kind')

    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.drop_column('attachment_body')
        batch_op.drop_column('attachment_type')
        batch_op.drop_column('attachment_name')

    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.alter_column('course_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('item_kind')

    with op.batch_alter_table('live_bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_live_bookings_slot_user_confirmed', sqlite_where=sa.text("status IN ('confirmed', 'offered')"), postgresql_where=sa.text("status IN ('confirmed', 'offered')"))
        batch_op.drop_index('ix_live_bookings_user_created')
        batch_op.drop_index('ix_live_bookings_slot')

    op.drop_table('live_calendar_tokens')
    op.drop_table('live_waitlist')
    op.drop_table('live_bookings')
    with op.batch_alter_table('live_slots', schema=None) as batch_op:
        batch_op.drop_index('ix_live_slots_teacher_start')
        batch_op.drop_index('ix_live_slots_status_start')
        batch_op.drop_index('ix_live_slots_offering_start')

    op.drop_table('live_slots')
    with op.batch_alter_table('live_offerings', schema=None) as batch_op:
        batch_op.drop_index('ix_live_offerings_teacher')

    op.drop_table('live_offerings')
