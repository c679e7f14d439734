"""Reviews on the course page, driven through ReviewsState's handlers."""

from __future__ import annotations

from lms_app.catalog.pages.course import CoursePageState
from lms_app.learning.pages.course_reviews import ReviewsState


def loaded(states, token, slug):
    root = states.root(token, path=f"/courses/{slug}")
    reviews = states.sub(root, ReviewsState)
    states.call(reviews, "load")
    page = states.sub(root, CoursePageState)
    states.call(page, "load")
    return reviews, page


def test_enrolled_learner_posts_edits_and_deletes(states, make_course, make_user, enroll, sign_in):
    course = make_course()
    learner = make_user(name="Rita")
    enroll(learner, course)
    token, _ = sign_in(learner)
    state, page = loaded(states, token, course.slug)
    assert state.can_review and not state.has_review and state.rows == []
    states.call(state, "save", {"comment": "no stars"})
    assert "1 to 5" in state.error
    states.call(state, "pick", 4)
    states.call(state, "save", {"comment": "Clear and kind"})
    state, page = loaded(states, token, course.slug)
    assert state.has_review and state.my_rating == 4 and [r["author"] for r in state.rows] == ["Rita"]
    assert page.course["rating_label"] == "4.0" and page.course["rating_count"] == 1
    states.call(state, "pick", 2)
    states.call(state, "save", {"comment": "Changed my mind"})
    state, page = loaded(states, token, course.slug)
    assert page.course["rating_label"] == "2.0" and len(state.rows) == 1
    states.call(state, "delete")
    state, page = loaded(states, token, course.slug)
    assert state.rows == [] and page.course["rating_count"] == 0


def test_not_enrolled_cannot_review_and_teacher_replies(states, make_course, make_user, enroll, sign_in):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher)
    stranger_token, _ = sign_in(make_user())
    state, _ = loaded(states, stranger_token, course.slug)
    assert not state.can_review
    states.call(state, "pick", 5)
    states.call(state, "save", {"comment": "sneaky"})
    state, page = loaded(states, stranger_token, course.slug)
    assert state.rows == [] and page.course["rating_count"] == 0
    learner = make_user()
    enroll(learner, course)
    token, _ = sign_in(learner)
    mine, _ = loaded(states, token, course.slug)
    states.call(mine, "pick", 5)
    states.call(mine, "save", {"comment": ""})
    teacher_token, _ = sign_in(teacher)
    as_teacher, _ = loaded(states, teacher_token, course.slug)
    assert as_teacher.can_reply and not as_teacher.can_review
    states.call(as_teacher, "reply", {"review_id": str(as_teacher.rows[0]["id"]), "reply": "Thanks!"})
    as_teacher, _ = loaded(states, teacher_token, course.slug)
    assert as_teacher.rows[0]["teacher_reply"] == "Thanks!"


def _review(states, make_user, enroll, sign_in, course, name, rating):
    learner = make_user(name=name)
    enroll(learner, course)
    token, _ = sign_in(learner)
    state, _ = loaded(states, token, course.slug)
    states.call(state, "pick", rating)
    states.call(state, "save", {"comment": f"{name} says {rating}"})


def test_admin_hides_and_shows_a_review_again_from_the_course_page(states, make_course, make_user, enroll,
                                                                    sign_in):
    course = make_course()
    _review(states, make_user, enroll, sign_in, course, "Ann", 5)
    _review(states, make_user, enroll, sign_in, course, "Bob", 1)
    admin_token, _ = sign_in(make_user(role="admin"))
    state, page = loaded(states, admin_token, course.slug)
    bob = next(r for r in state.rows if r["author"] == "Bob")
    states.call(state, "hide", bob["id"])
    state, page = loaded(states, admin_token, course.slug)
    assert page.course["rating_label"] == "5.0" and page.course["rating_count"] == 1
    assert next(r for r in state.rows if r["author"] == "Bob")["hidden"]
    states.call(state, "unhide", bob["id"])
    state, page = loaded(states, admin_token, course.slug)
    assert page.course["rating_label"] == "3.0" and page.course["rating_count"] == 2


def test_moderation_list_pages_filters_and_toggles(states, make_course, make_user, enroll, sign_in):
    from lms_app.learning.pages.admin_reviews import LearnerReviewsState
    from lms_app.learning.services import review_moderation

    course = make_course()
    for i in range(review_moderation.PAGE_SIZE + 2):
        _review(states, make_user, enroll, sign_in, course, f"L{i:02d}", 1 + i % 5)
    admin_token, _ = sign_in(make_user(role="admin"))
    state = states.sub(states.root(admin_token, path="/admin/learner-reviews"), LearnerReviewsState)
    states.call(state, "load")
    assert len(state.rows) == review_moderation.PAGE_SIZE and state.older_than and state.first_page
    newest = state.rows[0]
    assert newest["author"] == f"L{review_moderation.PAGE_SIZE + 1:02d}" and newest["course_slug"] == course.slug
    states.call(state, "older")
    assert [r["author"] for r in state.rows] == ["L01", "L00"] and not state.older_than and not state.first_page
    states.call(state, "change_visibility", state.rows[0]["id"], True)
    assert state.rows[0]["hidden"] and [r["author"] for r in state.rows] == ["L01", "L00"]
    states.call(state, "show_hidden_only", True)
    assert [r["author"] for r in state.rows] == ["L01"]
    states.call(state, "change_visibility", state.rows[0]["id"], False)
    assert state.rows == []


def test_moderation_list_refuses_learners_and_teachers(states, make_course, make_user, enroll, sign_in):
    from lms_app.learning.pages.admin_reviews import LearnerReviewsState

    course = make_course()
    _review(states, make_user, enroll, sign_in, course, "Ann", 5)
    for role in ("learner", "teacher"):
        token, _ = sign_in(make_user(role=role))
        state = states.sub(states.root(token, path="/admin/learner-reviews"), LearnerReviewsState)
        states.call(state, "load")
        states.call(state, "show_hidden_only", False)
        assert state.rows == [] and not state.loaded
