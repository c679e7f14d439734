"""Queue, render and deliver e-mail (plain Python, no Reflex).

``queue_mail`` renders a template into a ``mail_messages`` row and enqueues the delivery job for
after the caller's commit, so a request never talks to an SMTP server and a rolled-back action
sends nothing. ``deliver`` (the job) sends through SMTP, or, with no SMTP configured, marks the
message ``stored`` for the /admin/mail outbox. Errors are written to the row in their own
transaction and re-raised, so Huey retries with backoff and the log keeps each attempt's error.
"""

from __future__ import annotations

import functools
import os
from datetime import timedelta
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import func, update
from sqlmodel import Session, select

from lms_app.core.permissions import ADMIN_AREA, require_role
from lms_app.core.sessions import Actor
from lms_app.core.settings import get_settings
from lms_app.core.types import utcnow
from lms_app.jobs.queue import enqueue
from lms_app.mail import smtp
from lms_app.mail.models import MailMessage

TEMPLATES = Path(__file__).parent / "templates"
ACCENT = "#3e63dd"  # the app's Radix "indigo" accent
SUBJECT_MAX = 200
PAGE_SIZE = 50
STUCK_AFTER = timedelta(minutes=10)
# A claim older than this belongs to a worker that died mid-send (SMTP times out after 20 s).
CLAIM_TTL = timedelta(minutes=5)


@functools.cache
def _env(kind: str) -> Environment:
    """HTML templates autoescape every value (user names, course titles); text ones are plain text."""
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html"]) if kind == "html" else False,
                       keep_trailing_newline=True)


def render(template: str, subject: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) of a template; the subject is one line of plain text."""
    settings = get_settings()
    subject = " ".join(str(subject).split())[:SUBJECT_MAX]
    values = {"site_name": settings.site_name, "accent": ACCENT, "subject": subject, **context}
    text = _env("text").get_template(f"{template}.txt").render(values)
    html = _env("html").get_template(f"{template}.html").render(values)
    return subject, text, html


def link_base(origin: str = "") -> str:
    """Where links in mails point: LMS_PUBLIC_URL, else the request's origin when it is one the
    app serves, else localhost. The Origin header is the client's word: trusting any value would
    let someone request a reset for a victim's address with a link to their own host (and read
    the token when the victim clicks), so only the LMS_ALLOWED_ORIGINS (or, in development with
    none listed, any origin) are used."""
    settings = get_settings()
    if settings.public_url:
        return settings.public_url
    origin = (origin or "").strip().rstrip("/") if isinstance(origin, str) else ""
    allowed = [o.strip().rstrip("/") for o in os.environ.get("LMS_ALLOWED_ORIGINS", "").split(",") if o.strip()]
    if origin.startswith(("http://", "https://")) and (origin in allowed or (not allowed and not settings.is_production)):
        return origin
    return f"http://localhost:{os.environ.get('PORT', '3000')}"


def smtp_config() -> smtp.SmtpConfig | None:
    from lms_app.core import plugins

    return plugins.setting("LMS_SMTP_URL")


def mail_from() -> str:
    from lms_app.core import plugins

    return plugins.setting("LMS_MAIL_FROM") or formataddr((get_settings().site_name, "no-reply@localhost"))


def queue_mail(session: Session, *, to: str, template: str, subject: str, context: dict,
               user_id: int | None = None, sensitive: bool = False,
               one_click_url: str | None = None, attachment: tuple[str, str, str] | None = None) -> MailMessage:
    """Render and log a message; its delivery job is enqueued when ``session`` commits.
    ``one_click_url``: a non-essential mail's RFC 8058 unsubscribe target (List-Unsubscribe headers).
    ``attachment`` = (file name, MIME type, text), e.g. an ``.ics`` invite."""
    subject, text, html = render(template, subject, context)
    name, mime, body = attachment or ("", "", "")
    message = MailMessage(user_id=user_id, to_address=to, kind=template, subject=subject, text_body=text,
                          html_body=html, sensitive=sensitive, unsubscribe_url=one_click_url,
                          attachment_name=name, attachment_type=mime, attachment_body=body)
    session.add(message)
    session.flush()
    enqueue(session, deliver, message_id=message.id)
    return message


def message_id_of(message: MailMessage) -> str:
    """The same Message-ID on every attempt: if a worker dies after the server accepted a message
    but before ``sent`` was committed, the resend is recognisably the same mail (receivers and
    mail clients drop duplicates by Message-ID)."""
    domain = parseaddr(mail_from())[1].rpartition("@")[2] or "localhost"
    return f"<lms.{message.id}.{int(message.created_at.timestamp())}@{domain}>"


# RFC 5322 allows 998-character lines: a long List-Unsubscribe URL must stay one token (folded at
# 78 it would be RFC 2047-encoded, which mail clients do not decode in that header).
_POLICY = email_policy.SMTP.clone(max_line_length=998)


def build_email(message: MailMessage) -> EmailMessage:
    email = EmailMessage(policy=_POLICY)
    email["Subject"] = message.subject
    email["From"] = mail_from()
    email["To"] = message.to_address
    email["Message-ID"] = message_id_of(message)
    if message.unsubscribe_url:
        email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    if message.attachment_name and message.attachment_body:
        maintype, _, subtype = (message.attachment_type or "text/plain").partition("/")
        email.add_attachment(message.attachment_body.encode(), maintype=maintype, subtype=subtype or "plain",
                             filename=message.attachment_name)
    return email


def deliver(session: Session, message_id: int) -> int:
    """The job: send one message (1) or store it for the outbox (0). Sent or stored ones are
    skipped, and so is one another worker has claimed (two jobs for one message send it once)."""
    config = smtp_config()
    if config is not None and not _claim(message_id):
        return 0
    message = session.get(MailMessage, message_id)
    if message is None or message.status in ("sent", "stored"):
        return 0
    if config is None:
        message.status = "stored"
        session.add(message)
        return 0
    try:
        smtp.send(config, build_email(message))
    except Exception as exc:
        _record_failure(message_id, f"{type(exc).__name__}: {exc}")
        raise
    message.status, message.sent_at, message.claimed_at = "sent", utcnow(), None
    message.attempts += 1
    if message.sensitive:  # the link is the recipient's alone: keep the log, drop the bodies
        message.text_body = message.html_body = ""
    session.add(message)
    return 1


def _claim(message_id: int) -> bool:
    """Claim an unsent message in a committed transaction of its own, before the SMTP talk."""
    from lms_app.core.db import session_scope

    now = utcnow()
    with session_scope() as other:
        return other.exec(update(MailMessage).where(
            MailMessage.id == message_id, MailMessage.status.in_(("queued", "failed")),
            MailMessage.claimed_at.is_(None) | (MailMessage.claimed_at < now - CLAIM_TTL)).values(
            claimed_at=now)).rowcount == 1


def _record_failure(message_id: int, error: str) -> None:
    from lms_app.core.db import session_scope

    with session_scope() as other:
        other.exec(update(MailMessage).where(MailMessage.id == message_id).values(
            status="failed", attempts=MailMessage.attempts + 1, last_error=error[:2000], claimed_at=None))


def requeue_stuck(session: Session, older_than: timedelta = STUCK_AFTER) -> int:
    """A periodic sweep: messages still ``queued`` after 10 minutes (the enqueue after commit failed,
    or a worker was killed holding the job) get their delivery job again, unless a worker's claim
    is fresh; ``deliver`` skips what was sent meanwhile."""
    now = utcnow()
    rows = session.exec(select(MailMessage.id).where(
        MailMessage.status == "queued", MailMessage.created_at < now - older_than,
        MailMessage.claimed_at.is_(None) | (MailMessage.claimed_at < now - min(older_than, CLAIM_TTL)))
        .order_by(MailMessage.id).limit(1000)).all()
    for message_id in rows:
        enqueue(session, deliver, message_id=message_id)
    return len(rows)


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def outbox(session: Session, actor: Actor, page: object = 1) -> dict:
    """The delivery log for admins, newest first: who, what, status, attempts, last error."""
    require_role(actor, ADMIN_AREA)
    total = session.exec(select(func.count(MailMessage.id))).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page if isinstance(page, int) else 1, 1), pages)
    rows = session.exec(select(MailMessage).order_by(MailMessage.created_at.desc(), MailMessage.id.desc())
                        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return {"rows": [{"id": str(m.id), "to": m.to_address, "subject": m.subject, "kind": m.kind, "status": m.status,
                      "attempts": str(m.attempts), "error": m.last_error[:300], "created": _when(m.created_at)}
                     for m in rows], "total": total, "page": page, "pages": pages}


def read_message(session: Session, actor: Actor, message_id: object) -> dict | None:
    """One message's plain-text body for the outbox (the HTML is shown as text: it is not trusted markup)."""
    require_role(actor, ADMIN_AREA)
    if not isinstance(message_id, (int, str)) or not str(message_id).isdigit():
        return None
    message = session.get(MailMessage, int(message_id))
    if message is None:
        return None
    text = message.text_body or "(body removed after sending: it held a one-time link)"
    if message.sensitive and smtp_config() is not None:  # a real recipient exists: their link is not ours to read
        text = "(not shown: this message holds a one-time link for its recipient)"
    return {"id": str(message.id), "to": message.to_address, "subject": message.subject, "status": message.status,
            "text": text,
            "created": _when(message.created_at)}
