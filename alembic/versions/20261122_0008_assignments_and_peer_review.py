"""assignments and peer review

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import lms_app.core.types


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('assignment_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('due_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('grading_mode', sa.String(length=16), server_default='teacher', nullable=False),
    sa.Column('reviews_required', sa.Integer(), server_default='2', nullable=False),
    sa.Column('peer_days', sa.Integer(), server_default='7', nullable=False),
    sa.Column('pass_percent', sa.Integer(), server_default='50', nullable=False),
    sa.Column('updated_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("grading_mode IN ('teacher', 'peer')", name='ck_assignment_settings_mode'),
    sa.CheckConstraint('pass_percent BETWEEN 0 AND 100', name='ck_assignment_settings_pass'),
    sa.CheckConstraint('peer_days BETWEEN 1 AND 60', name='ck_assignment_settings_peer_days'),
    sa.CheckConstraint('reviews_required BETWEEN 1 AND 5', name='ck_assignment_settings_reviews'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('lesson_id')
    )
    op.create_table('rubric_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('levels', sa.JSON(), server_default='[]', nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rubric_criteria', schema=None) as batch_op:
        batch_op.create_index('ix_rubric_criteria_lesson_position', ['lesson_id', 'position'], unique=False)

    op.create_table('submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), server_default='', nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('submitted_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('peer_deadline_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('points', sa.Integer(), nullable=True),
    sa.Column('max_points', sa.Integer(), nullable=True),
    sa.Column('percent', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('breakdown', sa.JSON(), server_default='[]', nullable=False),
    sa.Column('feedback', sa.Text(), server_default='', nullable=False),
    sa.Column('graded_by', sa.String(length=16), nullable=True),
    sa.Column('grader_id', sa.Integer(), nullable=True),
    sa.Column('graded_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('peer_review', 'awaiting_teacher', 'graded')", name='ck_submissions_status'),
    sa.CheckConstraint('percent IS NULL OR percent BETWEEN 0 AND 100', name='ck_submissions_percent'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['grader_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('lesson_id', 'user_id', name='uq_submissions_lesson_user')
    )
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submissions_course_id'), ['course_id'], unique=False)
        batch_op.create_index('ix_submissions_lesson_status', ['lesson_id', 'status'], unique=False)
        batch_op.create_index('ix_submissions_status_course_submitted', ['status', 'course_id', 'submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_submissions_user_id'), ['user_id'], unique=False)

    op.create_table('peer_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('scores', sa.JSON(), server_default='{}', nullable=False),
    sa.Column('feedback', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint('reviewer_id <> author_id', name='ck_peer_reviews_not_own'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('submission_id', 'reviewer_id', name='uq_peer_reviews_submission_reviewer')
    )
    with op.batch_alter_table('peer_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_reviews_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index('ix_peer_reviews_reviewer_lesson', ['reviewer_id', 'lesson_id'], unique=False)

    op.create_table('submission_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('file_key', sa.String(length=80), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('file_mime', sa.String(length=100), nullable=False),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('submission_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_files_submission_id'), ['submission_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('submission_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_files_submission_id'))

    op.drop_table('submission_files')
    with op.batch_alter_table('peer_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_peer_reviews_reviewer_lesson')
        batch_op.drop_index(batch_op.f('ix_peer_reviews_lesson_id'))

    op.drop_table('peer_reviews')
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_user_id'))
        batch_op.drop_index('ix_submissions_status_course_submitted')
        batch_op.drop_index('ix_submissions_lesson_status')
        batch_op.drop_index(batch_op.f('ix_submissions_course_id'))

    op.drop_table('submissions')
    with op.batch_alter_table('rubric_criteria', schema=None) as batch_op:
        batch_op.drop_index('ix_rubric_criteria_lesson_position')

    op.drop_table('rubric_criteria')
    op.drop_table('assignment_settings')
