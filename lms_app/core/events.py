"""Events: learning events (a row for analytics) and domain events (for plugins, after commit).

``record`` adds a ``learning_events`` row to the caller's session, committed or rolled back with
the change it describes, so analytics never count an enrolment that did not happen, and queues
the matching domain event. ``emit`` queues a domain event that has no analytics row (a review
posted). Queued events are handed to the plugins' ``lms_event`` hooks only after the session's
transaction commits; a rollback (or a rolled-back savepoint) drops the events queued inside it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import event as sa_event
from sqlmodel import Session

from lms_app.core.event_log import EVENT_KINDS, LearningEvent
from lms_app.core.types import utcnow

log = logging.getLogger(__name__)

# Learning-event kinds whose domain event has a clearer name for plugin authors.
_DOMAIN_NAME = {"paid": "order_paid", "refunded": "order_refunded"}
# Every domain event a plugin can receive (the learning events under their domain names, and more).
DOMAIN_EVENTS = tuple(_DOMAIN_NAME.get(kind, kind) for kind in EVENT_KINDS) + ("review_posted",)
DOMAIN_EVENTS += ("course_submitted", "course_approved", "course_rejected", "teacher_application_decided")
DOMAIN_EVENTS += ("assignment_submitted", "certificate_revoked")  # no learning-event row: activity is elsewhere
DOMAIN_EVENTS += ("live_booked", "live_cancelled", "live_slot_cancelled")  # live sessions (issue 15)
DOMAIN_EVENTS += ("live_slot_rescheduled",)  # a teacher moved a booked time (issue 15)
# Community (lms_app.community): Q&A, announcements and messages to the teacher.
DOMAIN_EVENTS += ("question_posted", "question_answered", "announcement_posted", "message_received")

_PENDING = "lms_after_commit"
_MARKS = "lms_domain_event_marks"


@dataclass(frozen=True)
class DomainEvent:
    """What happened (``name``) and plain values about it (ids, amounts): never a database row."""

    name: str
    data: dict = field(default_factory=dict)
    occurred_at: datetime = field(default_factory=utcnow)


def record(session: Session, kind: str, *, user_id: int | None = None, course_id: int | None = None,
           lesson_id: int | None = None, amount_minor: int | None = None, currency: str | None = None,
           score: int | None = None, at: datetime | None = None, notify: bool = True) -> LearningEvent:
    """Add a learning event row; ``notify=False`` for history written by the demo seed."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown learning event {kind!r}")
    event = LearningEvent(kind=kind, user_id=user_id, course_id=course_id, lesson_id=lesson_id,
                          amount_minor=amount_minor, currency=currency, score=score, occurred_at=at or utcnow())
    session.add(event)
    if notify:
        data = {"user_id": user_id, "course_id": course_id, "lesson_id": lesson_id, "amount_minor": amount_minor,
                "currency": currency, "score": score}
        emit(session, _DOMAIN_NAME.get(kind, kind), **{k: v for k, v in data.items() if v is not None})
    return event


def emit(session: Session, name: str, **data) -> None:
    """Queue a domain event for the plugins, delivered after this session's transaction commits."""
    if name not in DOMAIN_EVENTS:
        raise ValueError(f"unknown domain event {name!r}")
    on_commit(session, deliver, [DomainEvent(name, data)])


def on_commit(session: Session, fn, *args) -> None:
    """Call ``fn(*args)`` once this session's transaction has committed; never when it rolls back
    (a rolled-back savepoint drops only what was queued inside it). The one after-commit rule:
    domain events and job enqueueing both go through it."""
    session.info.setdefault(_PENDING, []).append((fn, args))


def deliver(events: list[DomainEvent]) -> None:
    """Hand events to every plugin's ``lms_event``; one plugin's failure is logged, not raised."""
    from lms_app.core import plugins

    impls = plugins.hook().lms_event.get_hookimpls()
    for domain_event in events:
        for impl in impls:
            try:
                impl.function(event=domain_event)
            except Exception:  # noqa: BLE001 - a plugin must not break the action that already committed
                log.exception("plugin %s failed on event %s", impl.plugin_name, domain_event.name)


@sa_event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session, transaction) -> None:
    if transaction.nested:
        session.info.setdefault(_MARKS, {})[id(transaction)] = len(session.info.get(_PENDING, ()))


@sa_event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session, previous_transaction) -> None:
    """A rollback inside a savepoint (a failed flush is one) drops what the savepoint queued; any
    other rollback drops everything, because the whole transaction is lost. (The mark is read
    here, not when the savepoint ends: SQLAlchemy ends it before it reports the soft rollback.)"""
    transaction = previous_transaction
    while transaction is not None and not transaction.nested:
        transaction = transaction.parent
    mark = session.info.get(_MARKS, {}).pop(id(transaction), None) if transaction is not None else None
    pending = session.info.get(_PENDING)
    if mark is None:
        session.info.pop(_MARKS, None)
        if pending:
            pending.clear()
    elif pending:
        del pending[mark:]


@sa_event.listens_for(Session, "after_commit")
def _run_committed(session) -> None:
    # SQLAlchemy also reports the release of a savepoint (``begin_nested``) as a commit: nothing
    # is committed then, and a subscriber writing on its own connection would wait for the outer
    # transaction's lock (on SQLite, for the busy timeout, while this thread holds the lock).
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING, None)
    session.info.pop(_MARKS, None)
    for fn, args in pending or ():
        try:
            fn(*args)
        except Exception:  # noqa: BLE001 - the change is committed; one failure must not stop the rest
            log.exception("after-commit call %s failed", getattr(fn, "__qualname__", fn))
