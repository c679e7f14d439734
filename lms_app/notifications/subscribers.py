"""Domain events that become notifications. Called from ``lms_event`` after the causing commit;
each handler runs in its own short transaction. ``dedupe_key`` makes a redelivered event a no-op."""

from __future__ import annotations

from sqlmodel import Session, select

from lms_app.core.courses import Course
from lms_app.core.money import format_amount
from lms_app.core.users import User
from lms_app.notifications.services import notify


def _course(session: Session, data: dict) -> Course | None:
    course_id = data.get("course_id")
    return session.get(Course, course_id) if isinstance(course_id, int) else None


def _key(name: str, data: dict, *parts) -> str:
    return ":".join([name, *(str(p) for p in parts)])[:160]


def enrolled(session: Session, data: dict) -> int:
    course = _course(session, data)
    if course is None:
        return 0
    learner = session.get(User, data.get("user_id"))
    sent = notify(session, data["user_id"], "enrolled", f"You enrolled in {course.title}", f"/courses/{course.slug}",
                  "Pick up where you left off any time from your dashboard.") is not None
    if learner is not None and course.teacher_id != learner.id:
        notify(session, course.teacher_id, "new_enrolment", f"{learner.name} enrolled in {course.title}",
               f"/teach/courses/{course.id}")
    return int(sent)


def order_paid(session: Session, data: dict) -> int:
    course = _course(session, data)
    if course is None:
        return 0
    amount = format_amount(int(data.get("amount_minor") or 0), str(data.get("currency") or "USD"))
    return int(notify(session, data["user_id"], "order_paid", f"Payment received: {course.title}",
                      f"/courses/{course.slug}", f"{amount} paid. Your receipt was sent by e-mail.") is not None)


def order_refunded(session: Session, data: dict) -> int:
    course = _course(session, data)
    if course is None:
        return 0
    amount = format_amount(int(data.get("amount_minor") or 0), str(data.get("currency") or "USD"))
    return int(notify(session, data["user_id"], "order_refunded", f"Refunded: {course.title}", "/dashboard",
                      f"{amount} was refunded.") is not None)


def assignment_graded(session: Session, data: dict) -> int:
    course = _course(session, data)
    if course is None:
        return 0
    from lms_app.core.courses import Lesson

    lesson = session.get(Lesson, data.get("lesson_id")) if isinstance(data.get("lesson_id"), int) else None
    link = f"/learn/{course.slug}/{lesson.id}" if lesson is not None else f"/courses/{course.slug}"
    score = data.get("score")
    title = f"Your assignment in {course.title} was graded" + (f": {score}%" if isinstance(score, int) else "")
    return int(notify(session, data["user_id"], "assignment_graded", title, link) is not None)


def certificate_issued(session: Session, data: dict) -> int:
    from lms_app.certificates.models import Certificate

    cert = session.exec(select(Certificate).where(Certificate.user_id == data.get("user_id"),
                                                  Certificate.course_id == data.get("course_id"),
                                                  Certificate.revoked_at.is_(None))
                        .order_by(Certificate.issued_at.desc())).first()
    if cert is None:
        return 0
    # The certificate mail is the mail feature's (it honours the same preference).
    return int(notify(session, cert.user_id, "certificate_issued", f"Certificate issued: {cert.course_title}",
                      f"/verify/{cert.number}", dedupe_key=f"certificate:{cert.id}", send_email=False) is not None)


def review_posted(session: Session, data: dict) -> int:
    course = _course(session, data)
    if course is None or course.teacher_id == data.get("user_id"):
        return 0
    rating = data.get("rating")
    stars = f"{rating}★ " if isinstance(rating, int) else ""
    return int(notify(session, course.teacher_id, "review_posted", f"New {stars}review of {course.title}",
                      f"/courses/{course.slug}") is not None)


def course_approved(session: Session, data: dict) -> int:
    course = _course(session, data)
    if course is None:
        return 0
    return int(notify(session, course.teacher_id, "course_approved", f"{course.title} was approved and is published",
                      f"/courses/{course.slug}") is not None)


def course_rejected(session: Session, data: dict) -> int:
    course = _course(session, data)
    if course is None:
        return 0
    return int(notify(session, course.teacher_id, "course_rejected", f"{course.title} needs changes before publishing",
                      f"/teach/courses/{course.id}", course.review_note or "") is not None)


def teacher_application_decided(session: Session, data: dict) -> int:
    if not isinstance(data.get("user_id"), int):
        return 0
    approved = data.get("approved") is True
    return int(notify(session, data["user_id"], "teacher_application_decided",
                      "Your teacher application was approved" if approved else
                      "Your teacher application was not approved",
                      "/teach" if approved else "/become-teacher") is not None)


HANDLERS = {"enrolled": enrolled, "order_paid": order_paid, "order_refunded": order_refunded,
            "assignment_graded": assignment_graded, "certificate_issued": certificate_issued,
            "review_posted": review_posted, "course_approved": course_approved, "course_rejected": course_rejected,
            "teacher_application_decided": teacher_application_decided}
