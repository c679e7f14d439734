"""jobs mail and account tokens

Job-run log (jobs) and the mail delivery log (mail).

Revision ID: 0012
Revises: 0010 (on the issue13 branch; another branch adds 0011: re-chain at merge)
Create Date: 2026-12-06 06:08:57.348111
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import lms_app.core.types


# revision identifiers, used by Alembic.
revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('periodic', sa.Boolean(), nullable=False),
    sa.Column('task_id', sa.String(length=64), server_default='', nullable=False),
    sa.Column('attempt', sa.Integer(), server_default='1', nullable=False),
    sa.Column('started_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=16), server_default='running', nullable=False),
    sa.Column('done', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint("outcome IN ('running', 'ok', 'retrying', 'failed')", name='ck_job_runs_outcome'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index('ix_job_runs_name_started', ['name', 'started_at'], unique=False)
        batch_op.create_index('ix_job_runs_outcome_started', ['outcome', 'started_at'], unique=False)

    op.create_table('mail_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('text_body', sa.Text(), server_default='', nullable=False),
    sa.Column('html_body', sa.Text(), server_default='', nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='queued', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'sent', 'failed', 'stored')", name='ck_mail_messages_status'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.create_index('ix_mail_messages_created', ['created_at'], unique=False)
        batch_op.create_index('ix_mail_messages_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_mail_messages_to_created', ['to_address', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_messages_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_messages_user_id'))
        batch_op.drop_index('ix_mail_messages_to_created')
        batch_op.drop_index('ix_mail_messages_status_created')
        batch_op.drop_index('ix_mail_messages_created')

    op.drop_table('mail_messages')
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_job_runs_outcome_started')
        batch_op.drop_index('ix_job_runs_name_started')

    op.drop_table('job_runs')
