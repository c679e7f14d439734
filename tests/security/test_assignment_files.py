"""Submission files: only the author, assigned peer reviewers (under an anonymous name), the
course's teacher and admins can download them; everyone else gets 404."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from lms_app.core.http import build_api
from lms_app.core.sessions import SESSION_COOKIE
from lms_app.core.db import session_scope
from lms_app.assignments.services import submissions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "assignments"))
from assignment_support import assignment_course, learners  # noqa: E402

PDF = b"%PDF-1.4\n% my-private-essay\n%%EOF\n"


@pytest.fixture
def client():
    with TestClient(build_api(), base_url="http://testserver") as c:
        yield c


def fetch(client, token, file_id):
    client.cookies.clear()
    if token:
        client.cookies.set(SESSION_COOKIE, token)
    return client.get(f"/media/submissions/{file_id}")


def test_only_author_reviewers_and_staff_read_a_submission_file(client, make_course, make_user, enroll, sign_in,
                                                                settings):
    teacher = make_user(role="teacher")
    course, lesson, _ = assignment_course(make_course, teacher=teacher)
    (author, a_actor, a_token), (_, r_actor, r_token), (_, _, stranger_token) = \
        learners(make_user, enroll, sign_in, course, 3)
    with session_scope() as s:
        row = submissions.add_file(s, settings, a_actor, lesson.id, PDF, "Jane Doe essay.pdf")
        file_id = row.id
    with session_scope() as s:  # the second learner submits and is assigned to review the author
        submissions.submit_text(s, r_actor, lesson.id, "mine")
    t_token, _ = sign_in(teacher)
    a_token2, _ = sign_in(make_user(role="admin"))
    o_token, _ = sign_in(make_user(role="teacher"))
    outsider_token, _ = sign_in(make_user())

    own = fetch(client, a_token, file_id)
    assert own.status_code == 200 and own.content == PDF and "Jane Doe" in own.headers["content-disposition"]
    for token in (t_token, a_token2):
        assert fetch(client, token, file_id).status_code == 200
    reviewer = fetch(client, r_token, file_id)
    assert reviewer.status_code == 200 and reviewer.content == PDF
    assert "Jane" not in reviewer.headers["content-disposition"] and author.name not in reviewer.headers[
        "content-disposition"]
    # The third learner has not submitted, so has no review duty: no access. Nor others.
    for token in (stranger_token, o_token, outsider_token, None, "forged-token"):
        response = fetch(client, token, file_id)
        assert response.status_code == 404 and PDF not in response.content
    for junk in ("0", "-1", "abc", "99999999", "1%2F..%2F..%2Fetc"):
        assert fetch(client, a_token, junk).status_code == 404
