"""Notifications without Reflex: send (``notify``), list, mark read, preferences, unsubscribe links.

``notify`` runs inside the caller's transaction: the row is written with the change that caused
it and the mail is queued for after the commit (``mail.services.queue_mail``), so a rolled-back
action notifies nobody. Every read and write here takes the acting user's id from the server
(``Actor``), never from the browser: nobody can read or mark another user's notifications.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.core.errors import ServiceError
from lms_app.core.sessions import MAX_TOKEN_LENGTH, Actor, hash_token
from lms_app.core.settings import get_settings
from lms_app.core.types import utcnow
from lms_app.core.users import User, UserSession
from lms_app.notifications import kinds as kind_registry
from lms_app.notifications.models import CHANNELS, Notification, NotificationPreference

PAGE_SIZE = 20
TITLE_MAX = 200
BODY_MAX = 1000
LINK_MAX = 500
BELL_CAP = 99  # the bell shows "99+" beyond this; counting stops there (a cheap bounded count)


# --- preferences -------------------------------------------------------------------------

def channels_for(session: Session, user_id: int, kind: str) -> dict[str, bool]:
    """The channels on for this user and kind: their saved choice, else the kind's defaults."""
    spec = kind_registry.get(kind)
    if spec is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    row = session.exec(select(NotificationPreference).where(NotificationPreference.user_id == user_id,
                                                            NotificationPreference.kind == kind)).first()
    if row is not None:
        return {"in_app": row.in_app, "email": row.email, "digest": row.digest}
    return {channel: channel in spec.channels for channel in CHANNELS}


def email_wanted(session: Session, user_ids: list[int], kind: str) -> set[int]:
    """Which of ``user_ids`` want ``kind`` by e-mail (one query; for senders of bulk mail such as
    course announcements, which mail many people in one job)."""
    spec = kind_registry.get(kind)
    if spec is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    chosen = dict(session.exec(select(NotificationPreference.user_id, NotificationPreference.email).where(
        NotificationPreference.kind == kind, NotificationPreference.user_id.in_(user_ids))).all()) if user_ids else {}
    default = "email" in spec.channels
    return {uid for uid in user_ids if chosen.get(uid, default)}


def preferences(session: Session, actor: Actor) -> list[dict[str, str]]:
    """Every kind with the actor's channels, for the profile card (flat string dicts)."""
    saved = {p.kind: p for p in session.exec(select(NotificationPreference)
                                             .where(NotificationPreference.user_id == actor.user_id)).all()}
    rows = []
    for spec in kind_registry.all_kinds().values():
        if spec.name == "new_enrolment" and actor.role == "learner" or \
                spec.group == "Teaching" and actor.role == "learner":
            continue
        row = saved.get(spec.name)
        on = ({"in_app": row.in_app, "email": row.email, "digest": row.digest} if row is not None
              else {c: c in spec.channels for c in CHANNELS})
        offered = ("email",) if spec.name == "digest" else CHANNELS
        rows.append({"kind": spec.name, "label": spec.label, "group": spec.group, "help": spec.description,
                     **{c: ("on" if on[c] else "off") if c in offered else "" for c in CHANNELS}})
    return rows


def set_preference(session: Session, actor: Actor, kind: object, channel: object, value: object) -> None:
    spec = kind_registry.get(kind)
    if spec is None or channel not in CHANNELS or not isinstance(value, bool):
        raise ServiceError("Unknown notification setting.")
    if spec.name == "digest" and channel != "email":
        raise ServiceError("Unknown notification setting.")
    _save(session, actor.user_id, spec.name, channel, value)


def _save(session: Session, user_id: int, kind: str, channel: str, value: bool) -> None:
    current = channels_for(session, user_id, kind)
    current[channel] = value
    row = session.exec(select(NotificationPreference).where(NotificationPreference.user_id == user_id,
                                                            NotificationPreference.kind == kind)).first()
    if row is None:
        try:
            with session.begin_nested():  # two tabs saving at once: one inserts, the other updates
                session.add(NotificationPreference(user_id=user_id, kind=kind, **current))
            return
        except IntegrityError:
            row = session.exec(select(NotificationPreference).where(NotificationPreference.user_id == user_id,
                                                                    NotificationPreference.kind == kind)).one()
    session.exec(update(NotificationPreference).where(NotificationPreference.id == row.id)
                 .values(**{channel: value}, updated_at=utcnow()))


# --- unsubscribe links -------------------------------------------------------------------

def _signature(user_id: int, kind: str) -> str:
    key = hashlib.sha256(("lms-unsubscribe-v1:" + get_settings().secret_key).encode()).digest()
    mac = hmac.new(key, f"{user_id}:{kind}".encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A signed token naming one user and one kind: following it turns that kind's e-mail off. It
    does not expire (an old mail's link still works) and can do nothing else."""
    return f"{user_id}.{kind}.{_signature(user_id, kind)}"


def unsubscribe_url(user_id: int, kind: str) -> str:
    from lms_app.mail.services import link_base

    return f"{link_base()}/unsubscribe/{unsubscribe_token(user_id, kind)}"


def one_click_url(user_id: int, kind: str) -> str:
    """The RFC 8058 ``List-Unsubscribe`` target (POST, no sign-in; see ``notifications.api``)."""
    from lms_app.mail.services import link_base

    return f"{link_base()}/api/unsubscribe/{unsubscribe_token(user_id, kind)}"


def unsubscribe(session: Session, token: object) -> str | None:
    """Turn off the e-mail of the kind the token names; returns the kind's label, or None when the
    token is not one we signed."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        return None
    user_part, kind, signature = token.split(".")
    if not user_part.isdigit() or kind_registry.get(kind) is None:
        return None
    if not hmac.compare_digest(signature, _signature(int(user_part), kind)):
        return None
    user = session.get(User, int(user_part))
    if user is None:
        return None
    _save(session, user.id, kind, "email", False)
    return kind_registry.get(kind).label


# --- sending -----------------------------------------------------------------------------

def clean_link(link: object) -> str:
    """A path inside the app or nothing: never an absolute, protocol-relative or script URL."""
    if not isinstance(link, str):
        return ""
    link = link.strip()
    if not link.startswith("/") or link.startswith("//") or "\\" in link or len(link) > LINK_MAX \
            or any(ord(ch) < 32 for ch in link):
        return ""
    return link


def _one_line(text: object, limit: int) -> str:
    return " ".join(str(text or "").split())[:limit]


def notify(session: Session, user_id: int, kind: str, title: str, link: str = "", body: str = "", *,
           dedupe_key: str | None = None, email_subject: str | None = None,
           send_email: bool = True) -> Notification | None:
    """Notify one user of something, on the channels they chose for ``kind``.

    In-app and digest: a ``notifications`` row (in the bell, or kept for the weekly digest). E-mail:
    a mail with a link to ``link`` and a one-click unsubscribe link for this kind, queued for after
    the commit. ``dedupe_key`` (unique per user) turns a repeated call into a no-op. Returns the row,
    or None when nothing was stored (all channels off, a duplicate, an inactive user). Raises
    ValueError for a kind nobody registered. ``send_email=False``: the caller mails on its own
    (the certificate mail, which checks the same preference)."""
    channels = channels_for(session, user_id, kind)
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    title, body, link = _one_line(title, TITLE_MAX), str(body or "")[:BODY_MAX], clean_link(link)
    row = None
    if channels["in_app"] or channels["digest"]:
        row = Notification(user_id=user_id, kind=kind, title=title, body=body, link=link, in_app=channels["in_app"],
                           digest=channels["digest"], dedupe_key=dedupe_key)
        if dedupe_key is not None:
            try:
                with session.begin_nested():
                    session.add(row)
            except IntegrityError:
                return None
        else:
            session.add(row)
            session.flush()
    elif dedupe_key is not None and session.exec(select(Notification.id).where(
            Notification.user_id == user_id, Notification.dedupe_key == dedupe_key)).first() is not None:
        return None
    if channels["email"] and send_email:
        from lms_app.mail.services import link_base, queue_mail

        queue_mail(session, to=user.email, template="notification", subject=email_subject or title, user_id=user_id,
                   context={"name": user.name, "title": title, "body": body,
                            "link": f"{link_base()}{link or '/dashboard'}",
                            "unsubscribe_url": unsubscribe_url(user_id, kind),
                            "kind_label": kind_registry.get(kind).label},
                   one_click_url=one_click_url(user_id, kind))
    return row


# --- reading -----------------------------------------------------------------------------

def unread_for_token(session: Session, token: object) -> int:
    """The bell: unread in-app notifications of the user behind a session token, in ONE query
    (the session lookup and the count joined; capped at BELL_CAP + 1 rows). 0 when signed out."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return 0
    now = utcnow()
    unread = (select(Notification.id)
              .join(UserSession, UserSession.user_id == Notification.user_id)
              .join(User, User.id == Notification.user_id)
              .where(UserSession.token_hash == hash_token(token), UserSession.revoked_at.is_(None),
                     UserSession.expires_at > now, User.is_active.is_(True),
                     Notification.in_app.is_(True), Notification.read_at.is_(None))
              .limit(BELL_CAP + 1).subquery())
    return session.exec(select(func.count()).select_from(unread)).one()


def unread_count(session: Session, actor: Actor) -> int:
    unread = (select(Notification.id).where(Notification.user_id == actor.user_id, Notification.in_app.is_(True),
                                            Notification.read_at.is_(None)).limit(BELL_CAP + 1).subquery())
    return session.exec(select(func.count()).select_from(unread)).one()


def _when(moment: datetime, now: datetime) -> str:
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)} d ago"
    return moment.strftime("%d %b %Y")


def page(session: Session, actor: Actor, before: object = None, unread_only: object = False) -> dict:
    """One page of the actor's in-app notifications, newest first, older than id ``before``
    (keyset: the cost does not grow with the page number). ``more`` tells whether older ones exist."""
    query = select(Notification).where(Notification.user_id == actor.user_id, Notification.in_app.is_(True))
    if isinstance(before, int) and not isinstance(before, bool) and before > 0:
        query = query.where(Notification.id < before)
    if unread_only is True:
        query = query.where(Notification.read_at.is_(None))
    rows = session.exec(query.order_by(Notification.id.desc()).limit(PAGE_SIZE + 1)).all()
    now = utcnow()
    return {"rows": [{"id": str(n.id), "kind": n.kind, "title": n.title, "body": n.body, "link": n.link,
                      "when": _when(n.created_at, now), "unread": "yes" if n.read_at is None else ""}
                     for n in rows[:PAGE_SIZE]],
            "more": len(rows) > PAGE_SIZE, "last_id": rows[:PAGE_SIZE][-1].id if rows else None}


def _own_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.isdigit() and len(value) < 12:
        return int(value)
    return None


def mark_read(session: Session, actor: Actor, notification_id: object) -> str | None:
    """Mark one of the actor's own notifications read; returns its link (None if not theirs)."""
    nid = _own_id(notification_id)
    if nid is None:
        return None
    row = session.exec(select(Notification).where(Notification.id == nid, Notification.user_id == actor.user_id,
                                                  Notification.in_app.is_(True))).first()
    if row is None:
        return None
    if row.read_at is None:
        session.exec(update(Notification).where(Notification.id == row.id, Notification.read_at.is_(None))
                     .values(read_at=utcnow()))
    return row.link


def mark_all_read(session: Session, actor: Actor) -> int:
    return session.exec(update(Notification).where(Notification.user_id == actor.user_id,
                                                   Notification.in_app.is_(True), Notification.read_at.is_(None))
                        .values(read_at=utcnow())).rowcount or 0
