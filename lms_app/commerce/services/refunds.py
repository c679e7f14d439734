"""Admin refunds: one transaction flips the order, removes access, reverses the ledger, frees the coupon.

The flip is a conditional UPDATE (``status = 'paid'`` → ``'refunded'``), so two admins clicking
at once refund once; the ledger's unique (order, kind) backs that up.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, select

from lms_app.commerce.models import Order, Payment
from lms_app.core.types import utcnow
from lms_app.core import audit
from lms_app.commerce.services import coupons, ledger
from lms_app.learning.services import enrollment
from lms_app.core import events
from lms_app.core.sessions import Actor
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import ADMIN_AREA, require_role


# What other features undo when an order of their item kind is refunded (e.g. "live": release
# the seat). Called inside the refund's transaction; must be idempotent.
_ITEM_REFUNDED: dict[str, list] = {}


def on_item_refunded(item_kind: str, fn) -> None:
    """Register ``fn(session, order)`` to run when an order with ``item_kind`` is refunded."""
    handlers = _ITEM_REFUNDED.setdefault(item_kind, [])
    if fn not in handlers:
        handlers.append(fn)


def order_id_of(raw: object) -> int:
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) < 18:
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < 2**62:
        raise ServiceError("That order does not exist.")
    return raw


def refund(session: Session, actor: Actor, raw_order_id: object, reason: object, gateway=None) -> Order:
    require_role(actor, ADMIN_AREA)
    return refund_order(session, actor, order_id_of(raw_order_id), reason, gateway)


def refund_order(session: Session, actor: Actor, order_id: int, reason: object, gateway=None) -> Order:
    """The one refund path, without the admin check: callers that already decided the refund is
    allowed (a learner cancelling a live booking before its cut-off, a teacher cancelling a slot)
    use it too. Orders of items other than courses remove no enrolment."""
    text = " ".join(reason.split()) if isinstance(reason, str) else ""
    if not text:
        raise ServiceError("Say why the order is refunded.", "reason")
    if len(text) > 500:
        raise ServiceError("Keep the reason under 500 characters.", "reason")
    flipped = session.execute(update(Order).where(Order.id == order_id, Order.status == "paid")
                              .values(status="refunded", refunded_at=utcnow(), refund_reason=text)
                              .execution_options(synchronize_session=False))
    order = session.get(Order, order_id)
    if order is None:
        raise ServiceError("That order does not exist.")
    if flipped.rowcount != 1:
        raise ServiceError("Only paid orders can be refunded; this one is " + order.status + ".")
    session.refresh(order)
    if order.course_id is not None:
        enrollment.remove(session, order.user_id, order.course_id)
    for undo in _ITEM_REFUNDED.get(order.item_kind, ()):
        undo(session, order)
    ledger.record_refund(session, order)
    coupons.release(session, order.id)
    events.record(session, "refunded", user_id=order.user_id, course_id=order.course_id,
                  amount_minor=order.amount_minor, currency=order.currency)
    audit.record(session, actor, "order.refund", "order", order.id, f"{order.course_title}: {text}")
    payment = session.exec(select(Payment).where(Payment.order_id == order.id)).first()
    if payment is not None and gateway is not None and gateway.name == payment.gateway:
        gateway.refund(payment.reference, payment.amount_minor)
    session.flush()
    return order
