"""Certificates: issue on completion, revoke, reissue, issue manually, list, verify, download.

Issuing: ``progress._completed`` calls ``issue_for_completion`` in the completing transaction.
It inserts a row only (3–6 short queries); the PDF is rendered on the first download and stored,
so completion never waits for, or fails because of, PDF rendering. At most one live certificate
per enrollment is enforced by the partial unique index ``uq_certificates_enrollment_live``: a
concurrent second insert fails inside a savepoint and the existing certificate is returned.

Numbers are 120 random bits (24 base32 characters in six groups): not guessable, not
enumerable. Revoked certificates stay (the verify page says "revoked" with the date).
"""

from __future__ import annotations

import base64
import re
import secrets
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.core.courses import Course, Enrollment
from lms_app.core.users import User
from lms_app.certificates.models import AdminCertificateView, Certificate, CertificateView, VerifyView
from lms_app.core.types import utcnow
from lms_app.core import audit, events, storage
from lms_app.learning.services import completion, progress
from lms_app.core.sessions import Actor
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import ADMIN_AREA, LEARNER_AREA, require_role
from lms_app.core.settings import Settings

NUMBER_RE = re.compile(r"^[A-Z2-7]{4}(?:-[A-Z2-7]{4}){5}$")
PAGE_SIZE = 20
REASON_MAX = 500


def new_number() -> str:
    raw = base64.b32encode(secrets.token_bytes(15)).decode()  # 120 bits → 24 characters
    return "-".join(raw[i:i + 4] for i in range(0, 24, 4))


def clean_number(raw: object) -> str | None:
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    value = raw.strip().upper()
    return value if NUMBER_RE.match(value) else None


def date_label(when: datetime) -> str:
    return f"{when.day} {when:%B %Y}"


AREA = "certificates"  # storage area (core/storage.py)


def storage_dir(settings: Settings) -> Path:
    """Where PDFs live with local storage (the layout of ``LMS_STORAGE=local``)."""
    return settings.media_dir / AREA


# --- links -------------------------------------------------------------------------------

def verify_url(base_url: str, number: str) -> str:
    return f"{base_url}/verify/{number}"


def linkedin_url(base_url: str, site_name: str, cert: Certificate) -> str:
    query = urlencode({"startTask": "CERTIFICATION_NAME", "name": cert.course_title,
                       "organizationName": site_name, "issueYear": cert.issued_at.year,
                       "issueMonth": cert.issued_at.month, "certUrl": verify_url(base_url, cert.number),
                       "certId": cert.number})
    return f"https://www.linkedin.com/profile/add?{query}"


def _view(cert: Certificate, base_url: str, site_name: str) -> CertificateView:
    return CertificateView(
        number=cert.number, learner_name=cert.learner_name, course_title=cert.course_title,
        teacher_name=cert.teacher_name, date_label=date_label(cert.completed_at),
        revoked=cert.revoked_at is not None,
        revoked_label=date_label(cert.revoked_at) if cert.revoked_at else "",
        verify_href=f"/verify/{cert.number}", download_href=f"/api/certificates/{cert.number}.pdf",
        linkedin_href=linkedin_url(base_url, site_name, cert))


# --- issuing -----------------------------------------------------------------------------

def _live(session: Session, enrollment_id: int) -> Certificate | None:
    return session.exec(select(Certificate).where(Certificate.enrollment_id == enrollment_id,
                                                  Certificate.revoked_at.is_(None))).first()


def _insert(session: Session, enrollment: Enrollment, issued_by_id: int | None,
            completed_at: datetime | None = None) -> Certificate:
    """A new live certificate for the enrollment, or the one that already exists."""
    existing = _live(session, enrollment.id)
    if existing is not None:
        return existing
    learner, course = session.get(User, enrollment.user_id), session.get(Course, enrollment.course_id)
    teacher = session.get(User, course.teacher_id)
    now = utcnow()
    cert = Certificate(number=new_number(), user_id=enrollment.user_id, course_id=enrollment.course_id,
                       enrollment_id=enrollment.id, learner_name=learner.name, course_title=course.title,
                       teacher_name=teacher.name if teacher else "", completed_at=completed_at or now,
                       issued_at=now, issued_by_id=issued_by_id,
                       completion_rule=completion.describe(completion.rule_for(session, course.id)))
    try:
        with session.begin_nested():
            session.add(cert)
    except IntegrityError:
        # A concurrent completion issued it first (the partial unique index): use that one.
        return session.exec(select(Certificate).where(Certificate.enrollment_id == enrollment.id,
                                                      Certificate.revoked_at.is_(None))).one()
    events.record(session, "certificate_issued", user_id=enrollment.user_id, course_id=enrollment.course_id)
    return cert


def is_complete(session: Session, user_id: int, course_id: int) -> bool:
    order = progress.lesson_order(session, course_id)
    return bool(order) and set(order) <= progress.completed_ids(session, user_id, course_id)


def issue_for_completion(session: Session, user_id: int, course_id: int) -> Certificate | None:
    """Called when a learner's last lesson completes (services/progress.py); idempotent.

    Not reachable from a handler with client-chosen ids: the caller is the progress service,
    which has checked the actor's enrolment. Completion is re-checked here all the same.
    """
    enrollment = session.exec(select(Enrollment).where(Enrollment.user_id == user_id,
                                                       Enrollment.course_id == course_id)).first()
    if enrollment is None or not is_complete(session, user_id, course_id):
        return None
    return _insert(session, enrollment, None)


def _by_number(session: Session, raw: object, lock: bool = False) -> Certificate:
    number = clean_number(raw)
    query = select(Certificate).where(Certificate.number == number)
    if lock:
        query = query.with_for_update()
    cert = session.exec(query).first() if number else None
    if cert is None:
        raise ServiceError("No certificate has that number.", "number")
    return cert


def _reason(raw: object) -> str:
    if not isinstance(raw, str) or len(raw.strip()) < 3:
        raise ServiceError("Say why the certificate is revoked (at least 3 characters).", "reason")
    reason = " ".join(raw.split())
    if len(reason) > REASON_MAX:
        raise ServiceError(f"Keep the reason under {REASON_MAX} characters.", "reason")
    return reason


def revoke(session: Session, actor: Actor, number: object, reason: object) -> Certificate:
    require_role(actor, ADMIN_AREA)
    text = _reason(reason)
    cert = _by_number(session, number, lock=True)
    if cert.revoked_at is not None:
        raise ServiceError("This certificate is already revoked.")
    cert.revoked_at, cert.revoke_reason, cert.revoked_by_id = utcnow(), text, actor.user_id
    session.add(cert)
    session.flush()
    audit.record(session, actor, "certificate.revoke", "certificate", cert.id,
                 f"{cert.number} ({cert.learner_name}, {cert.course_title}): {text}")
    events.emit(session, "certificate_revoked", user_id=cert.user_id, course_id=cert.course_id, number=cert.number)
    return cert


def reissue(session: Session, actor: Actor, number: object) -> Certificate:
    """Revoke the certificate (if live) and issue a fresh one with today's names and a new number."""
    require_role(actor, ADMIN_AREA)
    old = _by_number(session, number, lock=True)
    enrollment = session.get(Enrollment, old.enrollment_id)
    if enrollment is None:
        raise ServiceError("The learner is no longer enrolled in this course.")
    live = _live(session, enrollment.id)
    if live is not None and live.id != old.id:
        raise ServiceError(f"This enrollment already has a valid certificate ({live.number}).")
    if old.revoked_at is None:
        old.revoked_at, old.revoke_reason, old.revoked_by_id = utcnow(), "Reissued", actor.user_id
        session.add(old)
        session.flush()
    new = _insert(session, enrollment, actor.user_id, completed_at=old.completed_at)
    if old.revoke_reason == "Reissued":
        old.revoke_reason = f"Reissued as {new.number}"
        session.add(old)
        session.flush()
    audit.record(session, actor, "certificate.reissue", "certificate", new.id,
                 f"{old.number} reissued as {new.number} ({new.learner_name}, {new.course_title})")
    return new


def issue_manually(session: Session, actor: Actor, email: object, course_id: object) -> Certificate:
    """An admin issues a certificate to a learner enrolled in the course, complete or not."""
    require_role(actor, ADMIN_AREA)
    if not isinstance(email, str) or not email.strip() or len(email) > 254:
        raise ServiceError("Enter the learner's email address.", "email")
    cid = progress._id(course_id)
    if cid is None:
        raise ServiceError("Choose a course.", "course")
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise ServiceError("No account has that email address.", "email")
    enrollment = session.exec(select(Enrollment).where(Enrollment.user_id == user.id,
                                                       Enrollment.course_id == cid)).first()
    if enrollment is None:
        raise ServiceError("That learner is not enrolled in this course.", "course")
    if _live(session, enrollment.id) is not None:
        raise ServiceError("That learner already has a valid certificate for this course.", "course")
    cert = _insert(session, enrollment, actor.user_id)
    session.flush()
    audit.record(session, actor, "certificate.issue", "certificate", cert.id,
                 f"{cert.number} ({cert.learner_name}, {cert.course_title})")
    return cert


# --- reading -----------------------------------------------------------------------------

def for_learner(session: Session, actor: Actor, base_url: str, site_name: str) -> list[CertificateView]:
    """The actor's own certificates, newest first (one query)."""
    require_role(actor, LEARNER_AREA)
    rows = session.exec(select(Certificate).where(Certificate.user_id == actor.user_id)
                        .order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(200)).all()
    return [_view(c, base_url, site_name) for c in rows]


def admin_list(session: Session, actor: Actor, query: object, page: object, base_url: str,
               site_name: str) -> tuple[list[AdminCertificateView], int]:
    """One page of certificates matching number, learner name/email or course title (two queries)."""
    require_role(actor, ADMIN_AREA)
    text = query.strip()[:100] if isinstance(query, str) else ""
    number = page if isinstance(page, int) and not isinstance(page, bool) else 1
    number = max(1, min(number, 10_000))
    stmt = select(Certificate, User.email).join(User, User.id == Certificate.user_id)
    count = select(func.count(Certificate.id)).join(User, User.id == Certificate.user_id)
    if text:
        pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        cond = or_(func.lower(Certificate.number).like(pattern, escape="\\"),
                   func.lower(Certificate.learner_name).like(pattern, escape="\\"),
                   func.lower(Certificate.course_title).like(pattern, escape="\\"),
                   User.email.like(pattern, escape="\\"))
        stmt, count = stmt.where(cond), count.where(cond)
    total = int(session.exec(count).one())
    rows = session.exec(stmt.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
                        .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    out = []
    for cert, email in rows:
        view = _view(cert, base_url, site_name)
        out.append(AdminCertificateView(**view, learner_email=email, revoke_reason=cert.revoke_reason,
                                        issued_label=date_label(cert.issued_at)))
    return out, total


def public_view(session: Session, raw_number: object, base_url: str, site_name: str) -> VerifyView:
    """The verify page's content: anyone may ask; unknown numbers say only "unknown"."""
    number = clean_number(raw_number)
    cert = session.exec(select(Certificate).where(Certificate.number == number)).first() if number else None
    if cert is None:
        return VerifyView(status="unknown", number=(raw_number if isinstance(raw_number, str) else "")[:40],
                          learner_name="", course_title="", teacher_name="", date_label="", issuer=site_name,
                          revoked_label="", credential_href="", linkedin_href="", holder_closed=False,
                          completion_rule="")
    erased_at = session.exec(select(User.erased_at).where(User.id == cert.user_id)).first()
    return VerifyView(status="revoked" if cert.revoked_at else "valid", number=cert.number,
                      learner_name=cert.learner_name, course_title=cert.course_title,
                      teacher_name=cert.teacher_name, date_label=date_label(cert.completed_at), issuer=site_name,
                      revoked_label=date_label(cert.revoked_at) if cert.revoked_at else "",
                      credential_href=f"/api/credentials/{cert.number}.json",
                      linkedin_href="" if cert.revoked_at else linkedin_url(base_url, site_name, cert),
                      holder_closed=erased_at is not None, completion_rule=cert.completion_rule)


# --- files and credentials -----------------------------------------------------------------

def pdf_file(session: Session, settings: Settings, actor: Actor | None, raw_number: object,
             base_url: str) -> tuple[str, str] | None:
    """(download name, storage key) for the owner or an admin; None for anyone else.

    The PDF is rendered on the first download and stored; later downloads stream the file.
    A revoked certificate's PDF is no longer served to its owner (admins still see it).
    """
    from lms_app.certificates.services import pdf as certificate_pdf

    number = clean_number(raw_number)
    if actor is None or number is None:
        return None
    cert = session.exec(select(Certificate).where(Certificate.number == number)).first()
    if cert is None or not (actor.role == "admin" or (cert.user_id == actor.user_id and cert.revoked_at is None)):
        return None
    name = f"certificate-{cert.number}.pdf"
    files = storage.get_storage(settings)
    stored = storage.key(AREA, cert.pdf_file)
    if stored and files.exists(stored):
        return name, stored
    data = certificate_pdf.render(certificate_pdf.CertificateContent(
        site_name=settings.site_name, learner_name=cert.learner_name, course_title=cert.course_title,
        teacher_name=cert.teacher_name, date_label=date_label(cert.completed_at), number=cert.number,
        verify_url=verify_url(base_url, cert.number)))
    file_name = f"{secrets.token_urlsafe(24)}.pdf"
    files.save_bytes(f"{AREA}/{file_name}", data, content_type="application/pdf")  # atomic (temp name, rename)
    # Two first downloads at once: the first stored file wins, the other is removed.
    won = session.execute(update(Certificate).where(Certificate.id == cert.id, or_(
        Certificate.pdf_file.is_(None), Certificate.pdf_file == cert.pdf_file)).values(pdf_file=file_name)).rowcount
    if not won:
        files.delete(f"{AREA}/{file_name}")
        session.refresh(cert)
        stored = storage.key(AREA, cert.pdf_file)
        return (name, stored) if stored else None
    return name, f"{AREA}/{file_name}"


def credential(session: Session, settings: Settings, raw_number: object, base_url: str) -> tuple[str, dict] | None:
    """("valid", signed credential) or ("revoked", status) for a number; None when unknown."""
    from lms_app.certificates.services import credentials

    number = clean_number(raw_number)
    cert = session.exec(select(Certificate).where(Certificate.number == number)).first() if number else None
    if cert is None:
        return None
    if cert.revoked_at is not None:
        return "revoked", {"number": cert.number, "status": "revoked", "revokedAt": cert.revoked_at.isoformat(),
                           "verify": verify_url(base_url, cert.number)}
    fields = {"number": cert.number, "learner_name": cert.learner_name, "course_title": cert.course_title,
              "teacher_name": cert.teacher_name, "issued_iso": _iso(cert.issued_at),
              "completed_iso": _iso(cert.completed_at)}
    document = credentials.credential_document(base_url, settings.site_name, fields)
    return "valid", credentials.sign(document, base_url, settings.secret_key, _iso(cert.issued_at))


def _iso(when: datetime) -> str:
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def verify_credential(session: Session, settings: Settings, document: object) -> bool:
    """A credential is good when its signature checks against our key and it is not revoked."""
    from lms_app.certificates.services import credentials

    if not credentials.verify(document, credentials.public_multibase(settings.secret_key)):
        return False
    subject = document.get("credentialSubject") if isinstance(document, dict) else None
    number = clean_number(subject.get("certificateNumber") if isinstance(subject, dict) else None)
    cert = session.exec(select(Certificate).where(Certificate.number == number)).first() if number else None
    return cert is not None and cert.revoked_at is None




def course_choices(session: Session, actor: Actor) -> list[dict]:
    """Courses an admin may issue a certificate for (published or archived), by title (one query)."""
    require_role(actor, ADMIN_AREA)
    rows = session.exec(select(Course.id, Course.title).where(Course.status.in_(("published", "archived")))
                        .order_by(Course.title, Course.id).limit(500)).all()
    return [{"id": str(cid), "title": title} for cid, title in rows]
