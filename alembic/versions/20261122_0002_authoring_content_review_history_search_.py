"""authoring content, review history, search text

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:29:10.356086
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import lms_app.core.types


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('course_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('from_status', sa.String(length=16), nullable=False),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('course_status_changes', schema=None) as batch_op:
        batch_op.create_index('ix_course_status_changes_course_at', ['course_id', 'created_at'], unique=False)

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcomes', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('duration_seconds', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('review_note', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('submitted_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('video_url', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('file_key', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('file_name', sa.String(length=255), server_default='', nullable=False))
        batch_op.add_column(sa.Column('file_size', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('file_mime', sa.String(length=100), server_default='', nullable=False))

    # ### end Alembic commands ###
    # Backfill the maintained columns of courses that already exist (the services keep them
    # current from now on; this mirrors services.authoring's composition at this revision).
    op.execute(
        "UPDATE courses SET duration_seconds = COALESCE("
        "(SELECT SUM(l.duration_seconds) FROM lessons l WHERE l.course_id = courses.id), 0)"
    )
    op.execute(
        "UPDATE courses SET search_text = title || ' ' || subtitle || ' ' || description || ' ' || "
        "COALESCE((SELECT u.name FROM users u WHERE u.id = courses.teacher_id), '')"
    )


def downgrade() -> None:
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_column('file_mime')
        batch_op.drop_column('file_size')
        batch_op.drop_column('file_name')
        batch_op.drop_column('file_key')
        batch_op.drop_column('video_url')
        batch_op.drop_column('body')

    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_column('submitted_at')
        batch_op.drop_column('review_note')
        batch_op.drop_column('search_text')
        batch_op.drop_column('duration_seconds')
        batch_op.drop_column('outcomes')

    with op.batch_alter_table('course_status_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_course_status_changes_course_at')

    op.drop_table('course_status_changes')
    # ### end Alembic commands ###
