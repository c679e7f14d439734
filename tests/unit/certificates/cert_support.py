"""Helpers for the certificate tests: a learner who completes a small course."""

from __future__ import annotations

from sqlmodel import select

import lms_app.core.db
from lms_app.certificates.models import Certificate
from lms_app.learning.services import progress
from tests.unit.learning.learning_support import add_lessons


def complete_course(actor, lessons) -> None:
    for lesson in lessons:
        with lms_app.core.db.session_scope() as s:
            progress.mark_complete(s, actor, lesson.id)


def certified(make_course, make_user, enroll, sign_in, name: str | None = None, title: str | None = None):
    """(certificate, learner, actor, course) after the learner completed a two-lesson course."""
    course = make_course(title=title) if title else make_course()
    lessons = add_lessons(course, ("text", "text"))
    learner = make_user(name=name) if name else make_user()
    enroll(learner, course)
    _, actor = sign_in(learner)
    complete_course(actor, lessons)
    return only_certificate(learner.id), learner, actor, course


def certificates_of(user_id: int) -> list[Certificate]:
    with lms_app.core.db.session_scope() as s:
        return list(s.exec(select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.id)).all())


def only_certificate(user_id: int) -> Certificate:
    rows = certificates_of(user_id)
    assert len(rows) == 1, rows
    return rows[0]
