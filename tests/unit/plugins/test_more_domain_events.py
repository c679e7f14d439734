"""The domain events issue 13 lists beyond the learning events: an assignment handed in and a
certificate revoked reach plugins once, after the commit, with the ids a subscriber needs."""

from __future__ import annotations

import lms_app.core.db
from lms_app.assignments.services import submissions
from lms_app.certificates.services import issuing
from lms_app.core.plugin_api import hookimpl
from tests.unit.assignments.assignment_support import assignment_course, learners
from tests.unit.certificates.test_issuing import certified


class Recorder:
    def __init__(self):
        self.events = []

    @hookimpl
    def lms_event(self, event):
        self.events.append(event)


def test_assignment_submitted_once_per_submission(add_plugin, make_course, make_user, enroll, sign_in):
    recorder = add_plugin(Recorder(), "recorder-submitted")
    course, lesson, _ = assignment_course(make_course, mode="teacher")
    (user, actor, _), = learners(make_user, enroll, sign_in, course, n=1)
    for text in ("First draft", "Second draft"):  # a change of the answer is not a second submission
        with lms_app.core.db.session_scope() as s:
            sub = submissions.submit_text(s, actor, lesson.id, text)
    found = [e for e in recorder.events if e.name == "assignment_submitted"]
    assert [(e.data["user_id"], e.data["course_id"], e.data["lesson_id"], e.data["submission_id"]) for e in found] \
        == [(user.id, course.id, lesson.id, sub.id)]


def test_certificate_revoked(add_plugin, make_course, make_user, enroll, sign_in):
    recorder = add_plugin(Recorder(), "recorder-revoked")
    cert, learner, _, course = certified(make_course, make_user, enroll, sign_in)
    boss = sign_in(make_user(role="admin"))[1]
    with lms_app.core.db.session_scope() as s:
        issuing.revoke(s, boss, cert.number, "Plagiarism")
    found = [e for e in recorder.events if e.name == "certificate_revoked"]
    assert [(e.data["user_id"], e.data["course_id"], e.data["number"]) for e in found] == \
        [(learner.id, course.id, cert.number)]
