"""Download my data and delete my account: what the zip holds, what is erased, what is kept."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlmodel import select

import lms_app.core.db
from lms_app.accounts.services import accounts
from lms_app.certificates.models import Certificate
from lms_app.commerce.models import Order
from lms_app.core.audit_log import AuditEntry
from lms_app.core.courses import Enrollment
from lms_app.core.errors import ServiceError
from lms_app.core.sessions import actor_or_none
from lms_app.core.types import utcnow
from lms_app.core.users import User, UserSession
from lms_app.learning.models import LessonProgress, Review
from lms_app.privacy.models import DataExport
from lms_app.privacy.services import personal_data, registry
from tests.unit.certificates.cert_support import certified

PW = "correct horse battery"


def _learner_with_everything(make_course, make_user, enroll, sign_in):
    cert, learner, actor, course = certified(make_course, make_user, enroll, sign_in, name="Ada Lovelace")
    other = make_course(title="Unfinished")
    enroll(learner, other)
    with lms_app.core.db.session_scope() as s:
        s.add(Review(user_id=learner.id, course_id=course.id, rating=5, comment="Great course"))
        s.add(Order(user_id=learner.id, course_id=other.id, status="paid", currency="EUR", amount_minor=1900,
                    list_price_minor=1900))
    return cert, learner, actor, course


def _zip(settings, user_id):
    with lms_app.core.db.session_scope() as s:
        return zipfile.ZipFile(io.BytesIO(personal_data.build_zip(s, settings, user_id)))


def test_every_user_referencing_column_is_declared_by_some_feature():
    """A new table with a users.id foreign key must say (lms_personal_data) how it is exported and erased."""
    found = registry.user_columns()
    print("\nuser-referencing columns:", ", ".join(f"{t}.{c}" for t, c in sorted(found)))
    assert {("orders", "user_id"), ("certificates", "user_id"), ("submissions", "user_id"),
            ("data_exports", "user_id")} <= found
    assert registry.uncovered() == []


def test_coverage_check_fails_for_an_undeclared_table(monkeypatch):
    from sqlalchemy import Column, ForeignKey, Integer, Table
    from sqlmodel import SQLModel

    table = Table("zz_undeclared_notes", SQLModel.metadata, Column("id", Integer, primary_key=True),
                  Column("author_id", Integer, ForeignKey("users.id")))
    try:
        assert registry.uncovered() == [("zz_undeclared_notes", "author_id")]
    finally:
        SQLModel.metadata.remove(table)


def test_export_zip_holds_every_kind_of_data_and_no_secrets(settings, make_course, make_user, enroll, sign_in):
    cert, learner, actor, course = _learner_with_everything(make_course, make_user, enroll, sign_in)
    someone_else = make_user(name="Someone Else")
    enroll(someone_else, course)
    zf = _zip(settings, learner.id)
    names = set(zf.namelist())
    assert {"README.txt", "profile.json", "data/enrollments.json", "data/lesson_progress.json",
            "data/reviews.json", "data/orders.json", "data/certificates.json", "data/user_sessions.json"} <= names
    profile = json.loads(zf.read("profile.json"))
    assert profile["name"] == "Ada Lovelace" and "password_hash" not in profile
    assert len(json.loads(zf.read("data/enrollments.json"))) == 2
    assert {e["user_id"] for e in json.loads(zf.read("data/enrollments.json"))} == {learner.id}
    assert json.loads(zf.read("data/certificates.json"))[0]["number"] == cert.number
    assert json.loads(zf.read("data/orders.json"))[0]["amount_minor"] == 1900
    everything = b"".join(zf.read(n) for n in names)
    assert b"token_hash" not in everything and b"$2b$" not in everything
    assert b"Someone Else" not in everything


def test_export_includes_submission_files(settings, make_course, make_user, enroll, sign_in, tmp_path):
    from lms_app.assignments.models import Submission, SubmissionFile
    from lms_app.assignments.services.submissions import files_dir
    from tests.unit.learning.learning_support import add_lessons

    course = make_course()
    lesson = add_lessons(course, ("text",))[0]
    learner = make_user()
    enroll(learner, course)
    folder = files_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "abc123.pdf").write_bytes(b"%PDF-1.4 my essay")
    with lms_app.core.db.session_scope() as s:
        sub = Submission(user_id=learner.id, lesson_id=lesson.id, course_id=course.id, text="my answer", status="awaiting_teacher")
        s.add(sub)
        s.flush()
        s.add(SubmissionFile(submission_id=sub.id, file_key="abc123.pdf", file_name="essay.pdf", file_size=17,
                             file_mime="application/pdf"))
    zf = _zip(settings, learner.id)
    files = [n for n in zf.namelist() if n.startswith("files/submissions/")]
    assert len(files) == 1 and files[0].endswith("essay.pdf")
    assert zf.read(files[0]) == b"%PDF-1.4 my essay"
    assert json.loads(zf.read("data/submissions.json"))[0]["text"] == "my answer"
    # erasing the account deletes the submission and its file on disk
    with lms_app.core.db.session_scope() as s:
        actor = actor_or_none(s, sign_in(learner)[0])
    with lms_app.core.db.session_scope() as s:
        personal_data.erase_account(s, settings, actor, _pw())
    assert not (folder / "abc123.pdf").exists()
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(Submission).where(Submission.user_id == learner.id)).all() == []


def _pw():
    return PW  # tests/conftest.py's DEFAULT_PASSWORD (importing conftest again would reset the settings)


def test_request_export_builds_small_ones_now_and_only_the_owner_downloads(settings, make_user, sign_in):
    learner, stranger, admin = make_user(), make_user(), make_user(role="admin")
    _, actor = sign_in(learner)
    with lms_app.core.db.session_scope() as s:
        view = personal_data.request_export(s, settings, actor)
    assert view["status"] == "ready" and view["href"] == f"/api/privacy/exports/{view['id']}.zip"
    with lms_app.core.db.session_scope() as s:
        again = personal_data.request_export(s, settings, actor)
    assert again["id"] == view["id"], "a second click within minutes reuses the export"
    with lms_app.core.db.session_scope() as s:
        assert (personal_data.exports_dir(settings) / personal_data.export_file(s, settings, actor, view["id"])[1]).is_file()
        assert personal_data.export_file(s, settings, sign_in(stranger)[1], view["id"]) is None
        assert personal_data.export_file(s, settings, None, view["id"]) is None
        assert personal_data.export_file(s, settings, actor, "nonsense") is None
        assert personal_data.export_file(s, settings, sign_in(admin)[1], view["id"]) is not None
    # expired: refused, then purged with its file
    with lms_app.core.db.session_scope() as s:
        row = s.get(DataExport, int(view["id"]))
        path = personal_data.exports_dir(settings) / row.file_key
        row.expires_at = utcnow() - timedelta(seconds=1)
        s.add(row)
    with lms_app.core.db.session_scope() as s:
        assert personal_data.export_file(s, settings, actor, view["id"]) is None
        assert personal_data.purge_exports(s, settings) == 1
    assert not path.exists()


def test_large_exports_go_to_the_worker(settings, make_user, sign_in, monkeypatch):
    learner = make_user()
    _, actor = sign_in(learner)
    queued = []
    monkeypatch.setattr(personal_data, "INLINE_MAX_ROWS", 0)
    import lms_app.jobs.queue as queue

    monkeypatch.setattr(queue, "enqueue", lambda session, fn, **kw: queued.append((fn, kw)))
    with lms_app.core.db.session_scope() as s:
        view = personal_data.request_export(s, settings, actor)
    assert view["status"] == "pending" and queued[0][0] is personal_data.build_export
    with lms_app.core.db.session_scope() as s:
        assert personal_data.build_export(s, **queued[0][1]) == 1
        assert personal_data.build_export(s, **queued[0][1]) == 0  # idempotent
    with lms_app.core.db.session_scope() as s:
        assert personal_data.list_exports(s, actor)[0]["status"] == "ready"


def test_a_learner_cannot_export_or_erase_someone_else(settings, make_user, sign_in):
    learner, victim = make_user(), make_user()
    _, actor = sign_in(learner)
    for fn in (personal_data.request_export, personal_data.list_exports):
        with pytest.raises(Exception), lms_app.core.db.session_scope() as s:
            fn(s, settings, actor, victim.id) if fn is personal_data.request_export else fn(s, actor, victim.id)
    with pytest.raises(Exception), lms_app.core.db.session_scope() as s:
        personal_data.erase_account(s, settings, actor, _pw(), victim.id)
    with lms_app.core.db.session_scope() as s:
        assert s.get(User, victim.id).erased_at is None


def test_delete_needs_the_password(settings, make_user, sign_in):
    learner = make_user()
    _, actor = sign_in(learner)
    with pytest.raises(ServiceError, match="password"), lms_app.core.db.session_scope() as s:
        personal_data.erase_account(s, settings, actor, "wrong password")
    with lms_app.core.db.session_scope() as s:
        assert s.get(User, learner.id).erased_at is None


def test_delete_erases_personal_data_keeps_orders_and_certificates(settings, make_course, make_user, enroll, sign_in):
    cert, learner, actor, course = _learner_with_everything(make_course, make_user, enroll, sign_in)
    email = learner.email
    token, _ = sign_in(learner)
    with lms_app.core.db.session_scope() as s:
        personal_data.erase_account(s, settings, actor, _pw())
    with lms_app.core.db.session_scope() as s:
        user = s.get(User, learner.id)
        assert user.erased_at is not None and not user.is_active
        assert user.name == "Deleted account" and user.email == f"deleted-{learner.id}@erased.invalid"
        assert user.password_hash == "!" and user.bio == ""
        assert actor_or_none(s, token) is None, "sessions are gone"
        assert s.exec(select(UserSession).where(UserSession.user_id == learner.id)).all() == []
        assert s.exec(select(LessonProgress).where(LessonProgress.user_id == learner.id)).all() == []
        assert s.exec(select(Review).where(Review.user_id == learner.id)).all() == []
        # kept: the order (accounting), the certificate with the name as issued, and its enrolment
        assert len(s.exec(select(Order).where(Order.user_id == learner.id)).all()) == 1
        kept = s.exec(select(Certificate).where(Certificate.user_id == learner.id)).one()
        assert kept.learner_name == "Ada Lovelace" and kept.revoked_at is None
        assert [e.course_id for e in s.exec(select(Enrollment).where(Enrollment.user_id == learner.id))] == [course.id]
    # can no longer sign in; the address can register again, as a new empty account
    with lms_app.core.db.session_scope() as s:
        with pytest.raises(ServiceError):
            accounts.authenticate(s, settings, email, _pw(), ip="198.51.100.1")
    with lms_app.core.db.session_scope() as s:
        again = accounts.register(s, settings, "Ada Again", email, "another good password")
        assert again.id != learner.id


def test_admin_exports_and_deletes_for_a_user_audited(settings, make_user, sign_in):
    learner, admin = make_user(), make_user(role="admin")
    _, admin_actor = sign_in(admin)
    with lms_app.core.db.session_scope() as s:
        view = personal_data.request_export(s, settings, admin_actor, learner.id)
    assert view["status"] == "ready"
    with lms_app.core.db.session_scope() as s:
        personal_data.erase_account(s, settings, admin_actor, "", learner.id)
    with lms_app.core.db.session_scope() as s:
        actions = [e.action for e in s.exec(select(AuditEntry).where(AuditEntry.target_id == learner.id)
                                            .order_by(AuditEntry.id))]
        assert actions == ["user.export", "user.erase"]
        assert s.get(User, learner.id).erased_at is not None
        with pytest.raises(ServiceError):
            personal_data.request_export(s, settings, admin_actor, learner.id)


def test_admins_and_teachers_with_courses_cannot_be_deleted(settings, make_user, make_course, sign_in):
    admin, teacher = make_user(role="admin"), make_user(role="teacher")
    make_course(teacher=teacher)
    for user in (admin, teacher):
        _, actor = sign_in(user)
        with pytest.raises(ServiceError), lms_app.core.db.session_scope() as s:
            personal_data.erase_account(s, settings, actor, _pw())


def test_erasing_clears_the_throttle_counters_naming_the_address(settings, make_user, sign_in):
    learner = make_user()
    with lms_app.core.db.session_scope() as s:
        with pytest.raises(ServiceError):
            accounts.authenticate(s, settings, learner.email, "wrong", ip="198.51.100.9")
    _, actor = sign_in(learner)
    with lms_app.core.db.session_scope() as s:
        personal_data.erase_account(s, settings, actor, _pw())
    from lms_app.core.users import ThrottleCounter

    with lms_app.core.db.session_scope() as s:
        keys = [c.key for c in s.exec(select(ThrottleCounter))]
    assert not any(learner.email in k for k in keys), keys
