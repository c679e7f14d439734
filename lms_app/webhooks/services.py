"""Webhook registrations, fan-out of domain events, signed delivery (no ``import reflex``).

- **Who**: admins register for any event (all courses, or one); teachers only for events of a
  course they own (``authoring``'s ownership rule). Registrations are listed and removed by
  their owner (admins see all).
- **Fan-out** (``lms_event``): each event becomes one ``webhook_deliveries`` row per matching
  registration (unique per registration and event id: handing the same event over twice
  delivers once) and a job; nothing is sent inside the request that caused the event.
- **Signing** (the Standard Webhooks convention): headers ``webhook-id``, ``webhook-timestamp``
  and ``webhook-signature: v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>``.
- **Delivery** (a job): POST with a 10 s timeout, no redirects. A non-2xx or a network error
  is logged on the row and raised, so the queue retries with backoff; after the last attempt
  the row is ``failed``, and a registration with ``DISABLE_AFTER`` failed deliveries in a row is
  switched off (the page says why). A delivery can be replayed by hand.
- **SSRF**: in production the URL must be https and every address its host resolves to must be
  public (no loopback, private, link-local, reserved or multicast); checked at registration and
  again before each attempt (DNS may change).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import uuid
from urllib.parse import urlsplit

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.core.courses import Course
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.permissions import ADMIN_AREA, TEACHER_AREA, require_role
from lms_app.core.sessions import Actor
from lms_app.core.settings import get_settings
from lms_app.core.types import utcnow
from lms_app.webhooks.models import WebhookDelivery, WebhookEndpoint

# The events a registration may choose (domain events; a teacher's only those about a course).
EVENTS = ("enrolled", "lesson_completed", "course_completed", "quiz_submitted", "assignment_graded",
          "certificate_issued", "order_paid", "order_refunded", "review_posted")
TIMEOUT_SECONDS = 10
DISABLE_AFTER = 5  # failed deliveries in a row (each after all its retries)
MAX_ENDPOINTS = 20
PAGE_SIZE = 50


def _ip_is_public(ip: str) -> bool:
    addr = ipaddress.ip_address(ip)
    return not (addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved
                or addr.is_multicast or addr.is_unspecified)


def check_url(raw: object, production: bool | None = None, resolve=socket.getaddrinfo) -> str:
    """The cleaned URL, or ServiceError. In production: https, and a host that resolves only to
    public addresses (SSRF: the server must not be made to call itself or the private network)."""
    url = raw.strip() if isinstance(raw, str) else ""
    if not url or len(url) > 500:
        raise ServiceError("Enter the URL that should receive the events.", "url")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        raise ServiceError("That is not a valid URL.", "url") from None
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        raise ServiceError("Use an http(s) URL without a user name or password.", "url")
    production = get_settings().is_production if production is None else production
    if not production:
        return url
    if parts.scheme != "https":
        raise ServiceError("Use an https URL.", "url")
    try:
        infos = resolve(host, port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        raise ServiceError("That host name does not resolve.", "url") from None
    if not infos or not all(_ip_is_public(info[4][0]) for info in infos):
        raise ServiceError("That URL points to a private or local address.", "url")
    return url


def _clean_events(raw: object, course_only: bool) -> list[str]:
    if isinstance(raw, str):
        raw = raw.split()
    chosen = [e for e in EVENTS if isinstance(raw, (list, tuple)) and e in raw]
    if not chosen:
        raise ServiceError("Choose at least one event.", "events")
    return chosen


def _course_of(session: Session, actor: Actor, course_id: object) -> int | None:
    if course_id in (None, "", 0, "0"):
        if actor.role != "admin":
            raise ServiceError("Choose one of your courses.", "course_id")
        return None
    from lms_app.authoring.services.courses import owned_course

    return owned_course(session, actor, course_id).id  # PermissionDenied for someone else's


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def register(session: Session, actor: Actor, url: object, events: object, course_id: object = None) -> WebhookEndpoint:
    require_role(actor, TEACHER_AREA)
    cid = _course_of(session, actor, course_id)
    clean = check_url(url)
    chosen = _clean_events(events, cid is not None)
    count = session.exec(select(func.count(WebhookEndpoint.id)).where(WebhookEndpoint.owner_id == actor.user_id)).one()
    if count >= MAX_ENDPOINTS:
        raise ServiceError(f"You have {MAX_ENDPOINTS} webhooks: remove one first.")
    row = WebhookEndpoint(owner_id=actor.user_id, course_id=cid, url=clean, secret=new_secret(), events=" ".join(chosen))
    session.add(row)
    session.flush()
    return row


def _own_endpoint(session: Session, actor: Actor, endpoint_id: object) -> WebhookEndpoint:
    require_role(actor, TEACHER_AREA)
    row = session.get(WebhookEndpoint, endpoint_id) if isinstance(endpoint_id, int) and not isinstance(endpoint_id, bool) else None
    if row is None or (actor.role != "admin" and row.owner_id != actor.user_id):
        raise ServiceError("That webhook does not exist.")
    return row


def remove(session: Session, actor: Actor, endpoint_id: object) -> None:
    row = _own_endpoint(session, actor, endpoint_id)
    session.delete(row)
    session.flush()


def set_active(session: Session, actor: Actor, endpoint_id: object, active: bool) -> WebhookEndpoint:
    row = _own_endpoint(session, actor, endpoint_id)
    row.is_active, row.consecutive_failures, row.disabled_reason = bool(active), 0, ""
    session.add(row)
    return row


def edit(session: Session, actor: Actor, endpoint_id: object, url: object = None, events: object = None,
         active: object = None) -> WebhookEndpoint:
    """Change a registration's URL, events or on/off switch (what is None stays); the same checks
    as at registration. Switching it on clears its failure count."""
    row = _own_endpoint(session, actor, endpoint_id)
    if url is not None:
        row.url = check_url(url)
    if events is not None:
        row.events = " ".join(_clean_events(events, row.course_id is not None))
    if active is not None:
        if not isinstance(active, bool):
            raise ServiceError("Choose on or off.", "active")
        if active and not row.is_active:
            row.consecutive_failures, row.disabled_reason = 0, ""
        row.is_active = active
    session.add(row)
    session.flush()
    return row


def listing(session: Session, actor: Actor) -> list[dict]:
    """The actor's registrations (an admin's: all), newest first, with course titles (one query)."""
    require_role(actor, TEACHER_AREA)
    stmt = select(WebhookEndpoint, Course.title).outerjoin(Course, Course.id == WebhookEndpoint.course_id)
    if actor.role != "admin":
        stmt = stmt.where(WebhookEndpoint.owner_id == actor.user_id)
    rows = session.exec(stmt.order_by(WebhookEndpoint.created_at.desc(), WebhookEndpoint.id.desc()).limit(200)).all()
    return [{"id": e.id, "url": e.url, "events": e.events.replace(" ", ", "), "course": title or "All courses",
             "active": bool(e.is_active), "disabled_reason": e.disabled_reason,
             "created": e.created_at.strftime("%Y-%m-%d")} for e, title in rows]


def deliveries(session: Session, actor: Actor, endpoint_id: object) -> list[dict]:
    row = _own_endpoint(session, actor, endpoint_id)
    found = session.exec(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == row.id)
                         .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()).limit(PAGE_SIZE)).all()
    return [{"id": d.id, "event": d.event, "status": d.status, "attempts": d.attempts,
             "response_code": str(d.response_code or ""), "error": d.error,
             "created": d.created_at.strftime("%Y-%m-%d %H:%M:%S")} for d in found]


# --- fan-out -------------------------------------------------------------------------------

def fan_out(session: Session, name: str, data: dict, event_id: str | None = None) -> int:
    """Create one delivery per matching active registration and queue its job; returns how many."""
    if name not in EVENTS:
        return 0
    from lms_app.jobs.queue import enqueue

    event_id = event_id or uuid.uuid4().hex
    course_id = data.get("course_id")
    stmt = select(WebhookEndpoint).where(WebhookEndpoint.is_active.is_(True))
    stmt = stmt.where((WebhookEndpoint.course_id.is_(None)) | (WebhookEndpoint.course_id == course_id)) \
        if course_id is not None else stmt.where(WebhookEndpoint.course_id.is_(None))
    made = 0
    body = {"id": event_id, "type": name, "timestamp": utcnow().isoformat(), "data": data}
    for endpoint in session.exec(stmt).all():
        if name not in endpoint.events.split():
            continue
        try:
            with session.begin_nested():
                row = WebhookDelivery(endpoint_id=endpoint.id, event_id=event_id, event=name,
                                      payload=json.dumps(body, sort_keys=True, default=str))
                session.add(row)
                session.flush()
        except IntegrityError:
            continue  # this event was handed over before: delivered once
        enqueue(session, deliver, delivery_id=row.id)
        made += 1
    return made


# --- signing and delivery -----------------------------------------------------------------

def sign(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify(secret: str, headers: dict, body: str, tolerance: int = 300, now: int | None = None) -> bool:
    """What a receiver does (and the tests): the signature matches and the timestamp is recent."""
    try:
        ts = int(headers["webhook-timestamp"])
    except (KeyError, ValueError):
        return False
    if abs((now or int(time.time())) - ts) > tolerance:
        return False
    expected = sign(secret, headers.get("webhook-id", ""), ts, body)
    return any(hmac.compare_digest(expected, s) for s in headers.get("webhook-signature", "").split())


class DeliveryFailed(Exception):
    pass


def _record(delivery_id: int, **values) -> None:
    """Log an attempt in its own transaction: it stays although the job then fails (and retries)."""
    from lms_app.core.db import session_scope

    with session_scope() as s:
        s.exec(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(**values))


def _after_failure(endpoint_id: int, final: bool) -> None:
    from lms_app.core.db import session_scope

    if not final:
        return
    with session_scope() as s:
        row = s.get(WebhookEndpoint, endpoint_id)
        if row is None:
            return
        row.consecutive_failures += 1
        if row.consecutive_failures >= DISABLE_AFTER:
            row.is_active = False
            row.disabled_reason = (f"Switched off on {utcnow():%Y-%m-%d} after {DISABLE_AFTER} failed deliveries "
                                   "in a row. Fix the receiver, then switch it back on.")
        s.add(row)


def deliver(session: Session, delivery_id: int, http_post=None) -> int:
    """The job: send one delivery. Raises on failure so the queue retries it (with backoff)."""
    from lms_app.jobs.queue import RETRIES

    found = session.exec(select(WebhookDelivery, WebhookEndpoint)
                         .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
                         .where(WebhookDelivery.id == delivery_id)).first()
    if found is None:
        return 0
    delivery, endpoint = found
    if delivery.status == "ok" or not endpoint.is_active:
        return 0
    attempt = delivery.attempts + 1
    final = attempt >= RETRIES + 1
    timestamp = int(time.time())
    headers = {"content-type": "application/json", "user-agent": "LumenLearning-Webhooks/1",
               "webhook-id": delivery.event_id, "webhook-timestamp": str(timestamp),
               "webhook-signature": sign(endpoint.secret, delivery.event_id, timestamp, delivery.payload)}
    code, error = None, ""
    try:
        check_url(endpoint.url)
        if http_post is None:
            import httpx

            response = httpx.post(endpoint.url, content=delivery.payload.encode(), headers=headers,
                                  timeout=TIMEOUT_SECONDS, follow_redirects=False)
        else:
            response = http_post(endpoint.url, delivery.payload, headers)
        code = response.status_code
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except ServiceError as exc:
        error = exc.message
    except Exception as exc:  # noqa: BLE001 - network errors of any kind: logged, retried
        error = f"{type(exc).__name__}: {exc}"[:300]
    now = utcnow()
    if not error:
        _record(delivery.id, status="ok", attempts=attempt, response_code=code, error="", last_attempt_at=now)
        session.exec(update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint.id).values(consecutive_failures=0))
        return 1
    _record(delivery.id, status="failed" if final else "pending", attempts=attempt, response_code=code,
            error=error[:300], last_attempt_at=now)
    _after_failure(endpoint.id, final)
    raise DeliveryFailed(f"webhook delivery {delivery.id}: {error}")


def replay(session: Session, actor: Actor, delivery_id: object) -> None:
    """Send a delivery again (by hand): it gets a fresh set of attempts."""
    from lms_app.jobs.queue import enqueue

    row = session.get(WebhookDelivery, delivery_id) if isinstance(delivery_id, int) and not isinstance(delivery_id, bool) else None
    if row is None:
        raise ServiceError("That delivery does not exist.")
    _own_endpoint(session, actor, row.endpoint_id)
    row.status, row.attempts = "pending", 0
    session.add(row)
    enqueue(session, deliver, delivery_id=row.id)
