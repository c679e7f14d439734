"""certificates

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import lms_app.core.types


# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('learner_name', sa.String(length=120), nullable=False),
    sa.Column('course_title', sa.String(length=160), nullable=False),
    sa.Column('teacher_name', sa.String(length=120), nullable=False),
    sa.Column('completed_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoke_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('pdf_file', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_course_id'), ['course_id'], unique=False)
        batch_op.create_index('ix_certificates_issued', ['issued_at'], unique=False)
        batch_op.create_index('ix_certificates_user_issued', ['user_id', 'issued_at'], unique=False)
        # One live (non-revoked) certificate per enrollment, even under concurrent completion.
        batch_op.create_index('uq_certificates_enrollment_live', ['enrollment_id'], unique=True, sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))


def downgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index('uq_certificates_enrollment_live', sqlite_where=sa.text('revoked_at IS NULL'), postgresql_where=sa.text('revoked_at IS NULL'))
        batch_op.drop_index('ix_certificates_user_issued')
        batch_op.drop_index('ix_certificates_issued')
        batch_op.drop_index(batch_op.f('ix_certificates_course_id'))

    op.drop_table('certificates')
