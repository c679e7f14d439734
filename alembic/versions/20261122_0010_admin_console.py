"""admin console

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import lms_app.core.types


# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('target_type', sa.String(length=24), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.String(length=300), server_default='', nullable=False),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_action_created', ['action', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_entries_created', ['created_at'], unique=False)

    op.create_table('teacher_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('links', sa.Text(), server_default='', nullable=False),
    sa.Column('status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('decision_message', sa.Text(), server_default='', nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name='ck_teacher_applications_status'),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('teacher_applications', schema=None) as batch_op:
        batch_op.create_index('ix_teacher_applications_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_teacher_applications_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_teacher_applications_one_pending', ['user_id'], unique=True,
                              sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    # Covering index for the admin analytics (active learners, enrolments per course): index-only scans.
    with op.batch_alter_table('learning_events', schema=None) as batch_op:
        batch_op.create_index('ix_learning_events_kind_occurred_user_course',
                              ['kind', 'occurred_at', 'user_id', 'course_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('learning_events', schema=None) as batch_op:
        batch_op.drop_index('ix_learning_events_kind_occurred_user_course')

    with op.batch_alter_table('teacher_applications', schema=None) as batch_op:
        batch_op.drop_index('uq_teacher_applications_one_pending', sqlite_where=sa.text("status = 'pending'"),
                            postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_teacher_applications_user_id'))
        batch_op.drop_index('ix_teacher_applications_status_created')

    op.drop_table('teacher_applications')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_created')
        batch_op.drop_index(batch_op.f('ix_audit_entries_actor_id'))
        batch_op.drop_index('ix_audit_entries_action_created')

    op.drop_table('audit_entries')
