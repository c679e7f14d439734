"""lesson feedback

Revision ID: lesson_feedback_0001
Revises:
Create Date: 2026-12-01

Depends on 0001, the built-in revision that creates the tables its foreign keys name (users,
lessons), not on the newest built-in revision: a branch that depends on the built-in head makes
Alembic drop that head from ``alembic_version`` (it becomes implied), and the app's check that
the database is at every head (tests/unit/test_migrations.py) then fails.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import lms_app.core.types


# revision identifiers, used by Alembic.
revision: str = 'lesson_feedback_0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = ('lesson_feedback',)
depends_on: Union[str, Sequence[str], None] = '0001'


def upgrade() -> None:
    op.create_table('lesson_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('clear', sa.Boolean(), nullable=False),
    sa.Column('created_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lms_app.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'lesson_id', name='uq_lesson_feedback_user_lesson')
    )
    with op.batch_alter_table('lesson_feedback', schema=None) as batch_op:
        batch_op.create_index('ix_lesson_feedback_lesson_clear', ['lesson_id', 'clear'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('lesson_feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_lesson_feedback_lesson_clear')

    op.drop_table('lesson_feedback')
