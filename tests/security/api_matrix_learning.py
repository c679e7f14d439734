"""The authorization matrix's rows for the learner's resources (progress, reviews, quizzes,
assignments, checkout and orders, certificate files), and the part of the world they need.

``learner_world`` adds to the matrix's world (same people); ``learner_rows(w)`` are rows in the
format of ``test_api_authorization.matrix``. Rows run in order, each for every caller in
``CALLERS`` order (anonymous, learner, other learner, teacher, other teacher, admin, revoked,
expired, small scope = the learner's read-only token), so a row may depend on the ones before."""

from __future__ import annotations

from sqlmodel import select

from lms_app.assignments.services import submissions
from lms_app.certificates.models import Certificate
from lms_app.commerce.gateways.test_gateway import TestGateway
from lms_app.commerce.services import checkout
from lms_app.core.db import session_scope
from lms_app.core.sessions import Actor
from lms_app.core.settings import get_settings
from lms_app.learning.services import progress, reviews
from lms_app.quizzes.services import attempts
from tests.unit.assignments.assignment_support import assignment_course
from tests.unit.commerce.commerce_support import SUCCESS
from tests.unit.learning.learning_support import add_lessons
from tests.unit.quizzes import quiz_support

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123", "name": "Matrix"}


def learner_world(people: dict, make_course, enroll) -> dict:
    """Courses of ``people['teacher']`` the learner is enrolled in (a video and a quiz lesson, an
    assignment with a submitted file, a completed one with its certificate), the learner's review,
    quiz attempt and paid order, and a paid course of the other teacher to check out."""
    learner, teacher = people["learner"], people["teacher"]
    me = Actor(learner.id, learner.role, 0)
    teacher_actor = Actor(teacher.id, teacher.role, 0)
    course = make_course(teacher=teacher)
    video = add_lessons(course, ("video",))[0]
    quiz = quiz_support.quiz_lesson(course, module_title="Quiz module", position=1)
    quiz_support.build(teacher_actor, quiz)
    enroll(learner, course)
    assignment, lesson, _ = assignment_course(make_course, mode="teacher", teacher=teacher)
    enroll(learner, assignment)
    done = make_course(teacher=teacher)
    text = add_lessons(done, ("text",))[0]
    enroll(learner, done)
    to_buy = make_course(teacher=people["other_teacher"], price_minor=1500)
    bought = make_course(teacher=people["other_teacher"], price_minor=900)
    with session_scope() as s:
        reviews.save(s, me, course.id, 4, "Matrix review")
        attempt_id = attempts.start_attempt(s, me, quiz.id).id
        submissions.submit_text(s, me, lesson.id, "My answer")
        file_id = submissions.add_file(s, get_settings(), me, lesson.id, PDF, "answer.pdf").id
        progress.mark_complete(s, me, text.id)
        order_id = checkout.purchase(s, get_settings(), me, bought.slug, "", SUCCESS, TestGateway()).id
    with session_scope() as s:
        number = s.exec(select(Certificate.number).where(Certificate.user_id == learner.id)).one()
    bundle_slug = _bundle_of(people["other_teacher"], make_course)
    return {"video_id": video.id, "learn_slug": course.slug, "quiz_id": quiz.id, "attempt_id": attempt_id,
            "assignment_id": lesson.id, "file_id": file_id, "buy_slug": to_buy.slug, "order_id": order_id,
            "cert_number": number, "bundle_slug": bundle_slug}


def _bundle_of(teacher, make_course) -> str:
    """A bundle of two paid courses of ``teacher`` (everyone else may buy it)."""
    from lms_app.bundles import services as bundles

    courses = [make_course(teacher=teacher, price_minor=p) for p in (1000, 2000)]
    with session_scope() as s:
        return bundles.save(s, Actor(teacher.id, teacher.role, 0), {
            "title": "Matrix bundle", "price": "25", "courses": [str(c.id) for c in courses]}).slug


def learner_rows(w) -> list[tuple[str, str, str, object, dict[str, int]]]:
    g = w.get
    roles = ("learner", "other_learner", "teacher", "other_teacher", "admin", "small_scope")
    needs_auth = {"anonymous": 401, "revoked": 401, "expired": 401}
    signed = {**{c: 200 for c in roles}, **needs_auth}
    public_optional = {**{c: 200 for c in (*roles, "anonymous")}, "revoked": 401, "expired": 401}

    def only(status_others: int, **allowed) -> dict[str, int]:
        """Everyone signed in gets ``status_others`` except ``allowed``."""
        return {**{c: status_others for c in roles}, **needs_auth, **allowed}

    mine_read = only(403, learner=200, small_scope=200)  # the learner's own, with any token of theirs
    mine_learn = only(403, learner=200)  # changing it needs the learn scope
    owner_or_staff = only(404, learner=200, small_scope=200, admin=200)
    video, slug, quiz, attempt = g("video_id", 1), g("learn_slug", "s"), g("quiz_id", 1), g("attempt_id", 1)
    lesson, file_id, order, number = g("assignment_id", 1), g("file_id", 1), g("order_id", 1), g("cert_number", "n")
    return [
        ("GET", "/lessons/{lesson_id}/position", f"/lessons/{video}/position", None, mine_read),
        ("PUT", "/lessons/{lesson_id}/position", f"/lessons/{video}/position", {"position": 10}, mine_learn),
        ("GET", "/me/courses/{slug}/progress", f"/me/courses/{slug}/progress", None, mine_read),
        ("GET", "/courses/{slug}/reviews", f"/courses/{slug}/reviews", None, public_optional),
        ("PUT", "/courses/{slug}/review", f"/courses/{slug}/review", {"rating": 5, "comment": "Nice"}, mine_learn),
        ("DELETE", "/courses/{slug}/review", f"/courses/{slug}/review", None,
         only(404, learner=204, small_scope=403)),  # nobody else has a review to delete
        ("GET", "/quizzes/{lesson_id}", f"/quizzes/{quiz}", None, signed),  # visitors see the settings only
        ("POST", "/quizzes/{lesson_id}/attempts", f"/quizzes/{quiz}/attempts", None, mine_learn),
        ("GET", "/quiz-attempts/{attempt_id}", f"/quiz-attempts/{attempt}", None, mine_read),
        ("PUT", "/quiz-attempts/{attempt_id}/answers", f"/quiz-attempts/{attempt}/answers", {"answers": {}},
         mine_learn),
        ("POST", "/quiz-attempts/{attempt_id}/submit", f"/quiz-attempts/{attempt}/submit", None, mine_learn),
        ("GET", "/assignments/{lesson_id}", f"/assignments/{lesson}", None,
         only(403, learner=200, small_scope=200, teacher=200, admin=200)),  # staff get the rubric view
        ("PUT", "/assignments/{lesson_id}/submission", f"/assignments/{lesson}/submission", {"text": "Changed"},
         mine_learn),
        # JSON instead of a multipart file: refused as invalid once the token and scope pass
        ("POST", "/assignments/{lesson_id}/files", f"/assignments/{lesson}/files", None,
         only(422, small_scope=403)),
        ("GET", "/submission-files/{file_id}", f"/submission-files/{file_id}", None,
         only(404, learner=200, small_scope=200, teacher=200, admin=200)),
        ("DELETE", "/assignments/{lesson_id}/files/{file_id}", f"/assignments/{lesson}/files/{file_id}", None,
         mine_learn),
        ("POST", "/peer-reviews/{review_id}", "/peer-reviews/2147483647", {"scores": {}, "feedback": ""},
         only(403, small_scope=403)),  # nobody was assigned it
        ("GET", "/checkout/{slug}", f"/checkout/{g('buy_slug', 's')}", None, signed),
        ("POST", "/checkout/{slug}", f"/checkout/{g('buy_slug', 's')}", {"card": CARD}, only(200, small_scope=403)),
        ("GET", "/me/orders", "/me/orders", None, signed),
        ("GET", "/me/orders/{order_id}", f"/me/orders/{order}", None, owner_or_staff),
        ("GET", "/me/orders/{order_id}/receipt", f"/me/orders/{order}/receipt", None, owner_or_staff),
        ("GET", "/me/certificates/{number}/pdf", f"/me/certificates/{number}/pdf", None, owner_or_staff),
        ("GET", "/certificates/{number}/credential", f"/certificates/{number}/credential", None,
         {**{c: 200 for c in (*roles, "anonymous")}, "revoked": 200, "expired": 200}),  # public, reads no token
        ("GET", "/bundles", "/bundles", None,
         {**{c: 200 for c in (*roles, "anonymous")}, "revoked": 200, "expired": 200}),  # public, reads no token
        ("GET", "/bundles/{slug}", f"/bundles/{g('bundle_slug', 's')}", None, public_optional),
        ("POST", "/bundles/{slug}/purchase", f"/bundles/{g('bundle_slug', 's')}/purchase", {"card": CARD},
         only(200, small_scope=403, other_teacher=422)),  # its teacher cannot buy it
    ]
