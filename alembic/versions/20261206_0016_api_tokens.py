"""api tokens

Refresh tokens of the REST API (hashed, rotating, in families) and personal access tokens.

Revision ID: 0016
Revises: 0012 (on the issue14 branch; the integrator re-chains at merge)
Create Date: 2026-12-06 20:10:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import lms_app.core.types


revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('api_refresh_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('password_mark', sa.String(length=16), nullable=False),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index('ix_api_refresh_tokens_family', 'api_refresh_tokens', ['family'], unique=False)
    op.create_index(op.f('ix_api_refresh_tokens_user_id'), 'api_refresh_tokens', ['user_id'], unique=False)
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('hint', sa.String(length=16), nullable=False),
    sa.Column('scopes', sa.String(length=100), nullable=False),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index(op.f('ix_api_tokens_user_id'), 'api_tokens', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_api_tokens_user_id'), table_name='api_tokens')
    op.drop_table('api_tokens')
    op.drop_index(op.f('ix_api_refresh_tokens_user_id'), table_name='api_refresh_tokens')
    op.drop_index('ix_api_refresh_tokens_family', table_name='api_refresh_tokens')
    op.drop_table('api_refresh_tokens')
