"""Domain events that become mail: a receipt when an order is paid, a link when a certificate is issued.

Called from ``lms_event`` after the causing transaction committed; each opens its own short
transaction that only renders and logs the message (the send is the job's)."""

from __future__ import annotations

from sqlmodel import Session, select

from lms_app.core.courses import Course
from lms_app.core.money import format_amount
from lms_app.core.types import utcnow
from lms_app.core.users import User
from lms_app.mail.services import link_base, queue_mail


def receipt(session: Session, data: dict) -> bool:
    if data.get("course_id") is None:  # an order for something else (a live seat mails its own confirmation)
        return False
    user, course = session.get(User, data.get("user_id")), session.get(Course, data.get("course_id"))
    if user is None or course is None or not user.is_active:
        return False
    amount = format_amount(int(data.get("amount_minor") or 0), str(data.get("currency") or "USD"))
    queue_mail(session, to=user.email, template="receipt", subject=f"Your receipt: {course.title}", user_id=user.id,
               context={"name": user.name, "course_title": course.title, "amount": amount,
                        "paid_on": utcnow().strftime("%d %B %Y"),
                        "link": f"{link_base()}/learn/{course.slug}"})
    return True


def certificate(session: Session, data: dict) -> bool:
    from lms_app.certificates.models import Certificate

    cert = session.exec(select(Certificate).where(Certificate.user_id == data.get("user_id"),
                                                  Certificate.course_id == data.get("course_id"),
                                                  Certificate.revoked_at.is_(None))
                        .order_by(Certificate.issued_at.desc())).first()
    user = session.get(User, data.get("user_id"))
    if cert is None or user is None or not user.is_active:
        return False
    from lms_app.notifications.services import channels_for, one_click_url, unsubscribe_url

    if not channels_for(session, user.id, "certificate_issued")["email"]:  # non-essential: the user's choice
        return False
    queue_mail(session, to=user.email, template="certificate", subject=f"Your certificate: {cert.course_title}",
               user_id=user.id, context={"name": user.name, "course_title": cert.course_title, "number": cert.number,
                                         "link": f"{link_base()}/verify/{cert.number}",
                                         "unsubscribe_url": unsubscribe_url(user.id, "certificate_issued")},
               one_click_url=one_click_url(user.id, "certificate_issued"))
    return True


HANDLERS = {"order_paid": receipt, "certificate_issued": certificate}
