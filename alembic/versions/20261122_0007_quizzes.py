"""quizzes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import lms_app.core.types


# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # lessons.lesson_type has no CHECK constraint (free-form on purpose: the registry decides),
    # so 'quiz' and 'assignment' lessons need no change to the lessons table.
    op.create_table('quizzes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('pass_percent', sa.Integer(), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=True),
    sa.Column('max_attempts', sa.Integer(), nullable=True),
    sa.Column('shuffle_questions', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('shuffle_options', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('pool_size', sa.Integer(), nullable=True),
    sa.Column('show_answers', sa.String(length=16), server_default='after_attempt', nullable=False),
    sa.Column('updated_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("show_answers IN ('never', 'after_attempt', 'after_pass')", name='ck_quizzes_show_answers'),
    sa.CheckConstraint('max_attempts IS NULL OR max_attempts > 0', name='ck_quizzes_max_attempts'),
    sa.CheckConstraint('pass_percent >= 0 AND pass_percent <= 100', name='ck_quizzes_pass_percent'),
    sa.CheckConstraint('pool_size IS NULL OR pool_size > 0', name='ck_quizzes_pool_size'),
    sa.CheckConstraint('time_limit_minutes IS NULL OR time_limit_minutes > 0', name='ck_quizzes_time_limit'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('lesson_id')
    )
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quizzes_course_id'), ['course_id'], unique=False)

    op.create_table('quiz_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('attempt_no', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), server_default='in_progress', nullable=False),
    sa.Column('started_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deadline_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('questions', sa.JSON(), server_default='[]', nullable=False),
    sa.Column('answers', sa.JSON(), server_default='{}', nullable=False),
    sa.Column('pass_percent', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('max_score', sa.Integer(), server_default='0', nullable=False),
    sa.Column('percent', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.CheckConstraint("status IN ('in_progress', 'submitted')", name='ck_quiz_attempts_status'),
    sa.CheckConstraint('attempt_no >= 1', name='ck_quiz_attempts_no_positive'),
    sa.CheckConstraint('max_attempts IS NULL OR attempt_no <= max_attempts', name='ck_quiz_attempts_within_max'),
    sa.CheckConstraint('percent IS NULL OR (percent >= 0 AND percent <= 100)', name='ck_quiz_attempts_percent'),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'quiz_id', 'attempt_no', name='uq_quiz_attempts_user_quiz_no')
    )
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_attempts_quiz_status', ['quiz_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempts_user_id'), ['user_id'], unique=False)

    op.create_table('quiz_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), server_default='[]', nullable=False),
    sa.Column('answer_key', sa.JSON(), server_default='{}', nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('explanation', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint("kind IN ('single', 'multiple', 'true_false', 'short', 'numeric')", name='ck_quiz_questions_kind'),
    sa.CheckConstraint('points > 0 AND points <= 100', name='ck_quiz_questions_points'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_questions_quiz_position', ['quiz_id', 'position'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_questions_quiz_position')
    op.drop_table('quiz_questions')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_user_id'))
        batch_op.drop_index('ix_quiz_attempts_quiz_status')
    op.drop_table('quiz_attempts')
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quizzes_course_id'))
    op.drop_table('quizzes')
