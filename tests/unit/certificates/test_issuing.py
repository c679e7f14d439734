"""Issuing on completion, exactly once per enrollment (database constraint), numbers, admin actions."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

import lms_app.core.db
from lms_app.certificates.models import Certificate
from lms_app.core.courses import Enrollment
from lms_app.core.event_log import LearningEvent
from lms_app.core.users import User
from lms_app.core.types import utcnow
from lms_app.certificates.services import issuing as certificates
from lms_app.learning.services import progress
from lms_app.core.errors import PermissionDenied, ServiceError
from tests.unit.certificates.cert_support import (
    add_lessons, certificates_of, certified, complete_course, only_certificate)

BASE = "https://learn.example.org"


def test_completing_the_last_lesson_issues_one_certificate_and_records_the_event(make_course, make_user, enroll,
                                                                                  sign_in):
    teacher = make_user(role="teacher", name="Grace Hopper")
    course = make_course(teacher=teacher, title="Compilers")
    lessons = add_lessons(course, ("text", "text", "text"))
    learner = make_user(name="Zoë Ørsted")
    enroll(learner, course)
    _, actor = sign_in(learner)
    complete_course(actor, lessons[:2])
    assert certificates_of(learner.id) == []
    complete_course(actor, lessons[2:])
    cert = only_certificate(learner.id)
    assert (cert.learner_name, cert.course_title, cert.teacher_name) == ("Zoë Ørsted", "Compilers", "Grace Hopper")
    assert cert.revoked_at is None and cert.issued_by_id is None and cert.pdf_file is None
    with lms_app.core.db.session_scope() as s:
        kinds = s.exec(select(LearningEvent.kind).where(LearningEvent.user_id == learner.id)).all()
    assert kinds.count("certificate_issued") == 1


def test_uncompleting_and_completing_again_keeps_one_certificate(make_course, make_user, enroll, sign_in):
    cert, learner, actor, course = certified(make_course, make_user, enroll, sign_in)
    with lms_app.core.db.session_scope() as s:
        lesson_id = progress.lesson_order(s, course.id)[-1]
    with lms_app.core.db.session_scope() as s:
        progress.mark_complete(s, actor, lesson_id, complete=False)
    with lms_app.core.db.session_scope() as s:
        progress.mark_complete(s, actor, lesson_id)
    assert only_certificate(learner.id).number == cert.number


def test_issue_for_completion_refuses_an_incomplete_course_or_a_stranger(make_course, make_user, enroll):
    course = make_course()
    add_lessons(course, ("text",))
    learner, stranger = make_user(), make_user()
    enroll(learner, course)
    with lms_app.core.db.session_scope() as s:
        assert certificates.issue_for_completion(s, learner.id, course.id) is None
        assert certificates.issue_for_completion(s, stranger.id, course.id) is None
    assert certificates_of(learner.id) == [] and certificates_of(stranger.id) == []


def test_the_database_allows_one_live_certificate_per_enrollment(make_course, make_user, enroll, sign_in):
    cert, learner, _, course = certified(make_course, make_user, enroll, sign_in)

    def another(revoked: bool):
        return Certificate(number=certificates.new_number(), user_id=learner.id, course_id=course.id,
                           enrollment_id=cert.enrollment_id, learner_name="x", course_title="y", teacher_name="z",
                           completed_at=utcnow(), revoked_at=utcnow() if revoked else None)

    with pytest.raises(IntegrityError):
        with lms_app.core.db.session_scope() as s:
            s.add(another(revoked=False))
    with lms_app.core.db.session_scope() as s:
        s.add(another(revoked=True))  # revoked ones may pile up
    assert len(certificates_of(learner.id)) == 2


def test_concurrent_completion_events_issue_exactly_one(make_course, make_user, enroll, sign_in):
    """Ten transactions notice the completion at once: the unique index lets one insert win."""
    course = make_course()
    lessons = add_lessons(course, ("text", "text"))
    learner = make_user()
    enroll(learner, course)
    with lms_app.core.db.session_scope() as s:
        for lesson in lessons:
            progress.record_pass(s, learner.id, lesson.id)
        s.exec(Certificate.__table__.delete())  # start from completed and uncertified
    barrier = threading.Barrier(10)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def attempt():
        try:
            barrier.wait()
            with lms_app.core.db.session_scope() as s:
                numbers.append(certificates.issue_for_completion(s, learner.id, course.id).number)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    cert = only_certificate(learner.id)
    assert set(numbers) == {cert.number} and len(numbers) == 10


def test_numbers_are_long_random_and_checked():
    numbers = {certificates.new_number() for _ in range(2000)}
    assert len(numbers) == 2000
    for n in list(numbers)[:50]:
        assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){5}", n)
        assert certificates.clean_number(n.lower()) == n
    # 24 base32 characters = 120 random bits: every position varies.
    assert all(len({n[i] for n in numbers}) > 20 for i in range(len(n)) if n[i] != "-")
    for junk in (None, 5, "", "ABCD", "../etc/passwd", "A" * 41, "ABCD-EFGH-IJKL-MNOP-QRST-UVW1"):
        assert certificates.clean_number(junk) is None


def admin(make_user, sign_in):
    return sign_in(make_user(role="admin"))[1]


def test_only_admins_revoke_with_a_reason(make_course, make_user, enroll, sign_in):
    cert, learner, actor, course = certified(make_course, make_user, enroll, sign_in)
    teacher_actor = sign_in(make_user(role="teacher"))[1]
    boss = admin(make_user, sign_in)
    for who in (actor, teacher_actor, None):
        with pytest.raises(PermissionDenied), lms_app.core.db.session_scope() as s:
            certificates.revoke(s, who, cert.number, "Because")
    for reason in (None, "", "  ", 7, "x" * 501):
        with pytest.raises(ServiceError) as info, lms_app.core.db.session_scope() as s:
            certificates.revoke(s, boss, cert.number, reason)
        assert info.value.field == "reason"
    with pytest.raises(ServiceError), lms_app.core.db.session_scope() as s:
        certificates.revoke(s, boss, "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA", "Because")
    with lms_app.core.db.session_scope() as s:
        certificates.revoke(s, boss, cert.number, "Shared   account")
    row = only_certificate(learner.id)
    assert row.revoked_at is not None and row.revoke_reason == "Shared account" and row.revoked_by_id == boss.user_id
    with pytest.raises(ServiceError, match="already revoked"), lms_app.core.db.session_scope() as s:
        certificates.revoke(s, boss, cert.number, "Again")


def test_reissue_revokes_the_old_number_and_copies_current_names(make_course, make_user, enroll, sign_in):
    cert, learner, actor, course = certified(make_course, make_user, enroll, sign_in, name="Old Name")
    boss = admin(make_user, sign_in)
    with lms_app.core.db.session_scope() as s:
        s.get(User, learner.id).name = "Новое Имя"
    with pytest.raises(PermissionDenied), lms_app.core.db.session_scope() as s:
        certificates.reissue(s, actor, cert.number)
    with lms_app.core.db.session_scope() as s:
        new_number = certificates.reissue(s, boss, cert.number).number
    old, new = certificates_of(learner.id)
    assert new.number == new_number != old.number
    assert old.revoked_at is not None and old.revoke_reason == f"Reissued as {new_number}"
    assert new.revoked_at is None and new.learner_name == "Новое Имя" and new.issued_by_id == boss.user_id
    assert new.completed_at == old.completed_at
    # Reissuing the revoked old number while the new one is live is refused.
    with pytest.raises(ServiceError, match="already has a valid"), lms_app.core.db.session_scope() as s:
        certificates.reissue(s, boss, old.number)


def test_manual_issue_needs_an_enrolled_learner_and_no_live_certificate(make_course, make_user, enroll, sign_in):
    course = make_course()
    add_lessons(course, ("text", "text"))
    learner = make_user(email="ada@example.test")
    boss = admin(make_user, sign_in)
    with pytest.raises(PermissionDenied), lms_app.core.db.session_scope() as s:
        certificates.issue_manually(s, sign_in(learner)[1], "ada@example.test", course.id)
    with pytest.raises(ServiceError, match="not enrolled"), lms_app.core.db.session_scope() as s:
        certificates.issue_manually(s, boss, "ada@example.test", course.id)
    with pytest.raises(ServiceError, match="No account"), lms_app.core.db.session_scope() as s:
        certificates.issue_manually(s, boss, "nobody@example.test", course.id)
    for bad_course in (None, "x", -1, True, {"id": 1}):
        with pytest.raises(ServiceError), lms_app.core.db.session_scope() as s:
            certificates.issue_manually(s, boss, "ada@example.test", bad_course)
    enroll(learner, course)
    with lms_app.core.db.session_scope() as s:
        certificates.issue_manually(s, boss, " ADA@example.test ", str(course.id))
    cert = only_certificate(learner.id)
    assert cert.issued_by_id == boss.user_id
    with pytest.raises(ServiceError, match="already has"), lms_app.core.db.session_scope() as s:
        certificates.issue_manually(s, boss, "ada@example.test", course.id)


def test_admin_list_searches_and_paginates_in_sql(make_course, make_user, enroll, sign_in, count_queries):
    boss = admin(make_user, sign_in)
    course = make_course(title="Rust for everyone")
    with lms_app.core.db.session_scope() as s:
        for i in range(certificates.PAGE_SIZE + 5):
            user = User(email=f"l{i}@example.test", name=f"Learner {i}", password_hash="x")
            s.add(user)
            s.flush()
            enrollment = Enrollment(user_id=user.id, course_id=course.id)
            s.add(enrollment)
            s.flush()
            certificates._insert(s, enrollment, None)
    with count_queries() as n, lms_app.core.db.session_scope() as s:
        rows, total = certificates.admin_list(s, boss, "", 1, BASE, "Lumen Learning")
    assert total == certificates.PAGE_SIZE + 5 and len(rows) == certificates.PAGE_SIZE
    assert n.count <= 3
    with lms_app.core.db.session_scope() as s:
        rows2, _ = certificates.admin_list(s, boss, "", 2, BASE, "Lumen Learning")
        assert len(rows2) == 5 and not {r["number"] for r in rows} & {r["number"] for r in rows2}
        found, total = certificates.admin_list(s, boss, "learner 7", 1, BASE, "Lumen Learning")
        assert total == 1 and found[0]["learner_email"] == "l7@example.test"
        assert certificates.admin_list(s, boss, rows[3]["number"][5:14].lower(), 1, BASE, "x")[1] == 1
        assert certificates.admin_list(s, boss, "100%_", "junk", BASE, "x")[1] == 0
        with pytest.raises(PermissionDenied):
            certificates.admin_list(s, sign_in(make_user())[1], "", 1, BASE, "x")


def test_learners_see_only_their_own_certificates(make_course, make_user, enroll, sign_in):
    mine, learner, actor, _ = certified(make_course, make_user, enroll, sign_in)
    certified(make_course, make_user, enroll, sign_in)
    with lms_app.core.db.session_scope() as s:
        rows = certificates.for_learner(s, actor, BASE, "Lumen Learning")
        total = s.exec(select(func.count(Certificate.id))).one()
    assert total == 2 and [r["number"] for r in rows] == [mine.number]
    assert rows[0]["download_href"] == f"/api/certificates/{mine.number}.pdf"
    assert rows[0]["verify_href"] == f"/verify/{mine.number}"


def test_dashboard_certificates_cost_one_query_however_many(make_course, make_user, enroll, sign_in, count_queries):
    learner = make_user()
    _, actor = sign_in(learner)
    counts = []
    for _ in range(2):
        for _ in range(3):
            course = make_course()
            complete_course(actor, add_lessons(course, ("text",)) if enroll(learner, course) else [])
        with count_queries() as n, lms_app.core.db.session_scope() as s:
            rows = certificates.for_learner(s, actor, BASE, "Lumen Learning")
        counts.append((len(rows), n.count))
    assert [c[0] for c in counts] == [3, 6] and counts[0][1] == counts[1][1] == 1
