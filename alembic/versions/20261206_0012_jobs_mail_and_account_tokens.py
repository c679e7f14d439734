"""jobs mail and account tokens

Job-run log (jobs), the mail delivery log (mail), one-time account links and users.email_verified_at
(accounts). Accounts that exist before this revision count as verified: they were made when no
verification existed, and must not lose the right to buy.

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
down_revision: Union[str, Sequence[str], None] = '0011'
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

    op.create_table('account_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("purpose IN ('verify_email', 'reset_password')", name='ck_account_tokens_purpose'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_account_tokens_user_purpose_created', ['user_id', 'purpose', 'created_at'], unique=False)

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
    sa.Column('claimed_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
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

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET email_verified_at = created_at WHERE email_verified_at IS NULL")



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')

    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_messages_user_id'))
        batch_op.drop_index('ix_mail_messages_to_created')
        batch_op.drop_index('ix_mail_messages_status_created')
        batch_op.drop_index('ix_mail_messages_created')

    op.drop_table('mail_messages')
    with op.batch_alter_table('account_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_account_tokens_user_purpose_created')

    op.drop_table('account_tokens')
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_job_runs_outcome_started')
        batch_op.drop_index('ix_job_runs_name_started')

    op.drop_table('job_runs')
