"""completion rules

Per-course completion rules (learning: course_completion_rules) and the server-measured watched
time of a video (lesson_progress.watched_seconds, position_saved_at), and the rule a certificate was
issued under (certificates.completion_rule). Existing courses get no row:
their lessons keep completing as before (learner marks complete).

Revision ID: 0019
Revises: 0018 (re-chain at merge)
Create Date: 2026-12-06 19:50:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import lms_app.core.types


revision: str = '0019'
down_revision: Union[str, Sequence[str], None] = "0018"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('course_completion_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('video_rule', sa.String(length=16), server_default='watch', nullable=False),
    sa.Column('video_percent', sa.Integer(), server_default='90', nullable=False),
    sa.Column('reading_rule', sa.String(length=16), server_default='manual', nullable=False),
    sa.Column('reading_seconds', sa.Integer(), server_default='60', nullable=False),
    sa.Column('updated_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("video_rule IN ('watch', 'manual')", name='ck_completion_rules_video_rule'),
    sa.CheckConstraint("reading_rule IN ('time', 'manual')", name='ck_completion_rules_reading_rule'),
    sa.CheckConstraint('video_percent BETWEEN 50 AND 100', name='ck_completion_rules_video_percent'),
    sa.CheckConstraint('reading_seconds BETWEEN 10 AND 3600', name='ck_completion_rules_reading_seconds'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('course_id')
    )
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('watched_seconds', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('position_saved_at', lms_app.core.types.UTCDateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completion_rule', sa.Text(), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('completion_rule')
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.drop_column('position_saved_at')
        batch_op.drop_column('watched_seconds')
    op.drop_table('course_completion_rules')
