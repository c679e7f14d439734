"""The course page's announcements: members of the course (its learners, its teacher, admins)
see them and the way to the community page; visitors, other learners and other teachers get
nothing at all — not even the slug back."""

from __future__ import annotations

import pytest

from lms_app.community import services
from lms_app.core.db import session_scope
from tests.unit.community.test_qa import actor, call


@pytest.fixture
def posted(world):
    call(services.post_announcement, actor(world["teacher"]), world["course"].id, "Exam moved", "To **Friday**.")
    return world


@pytest.mark.parametrize("who,sees", [("asker", True), ("teacher", True), ("admin", True), ("outsider", False),
                                      ("other_teacher", False), (None, False)])
def test_only_the_courses_members_see_its_announcements(posted, sign_in, who, sees):
    token = sign_in(posted[who])[0] if who else None
    slug = posted["course"].slug
    with session_scope() as s:
        found = services.course_page_announcements(s, token, slug)
    if sees:
        assert found["slug"] == slug and [a["title"] for a in found["items"]] == ["Exam moved"]
    else:
        assert found == {"slug": "", "items": []}


def test_nonsense_slugs_and_tokens_answer_nothing(posted, sign_in):
    token = sign_in(posted["asker"])[0]
    with session_scope() as s:
        for slug in ("", "no-such-course", None, 7, "x" * 500):
            assert services.course_page_announcements(s, token, slug) == {"slug": "", "items": []}
        assert services.course_page_announcements(s, "forged-token", posted["course"].slug)["items"] == []
