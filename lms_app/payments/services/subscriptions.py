"""Plans and subscriptions (Stripe Billing): admins create plans, learners subscribe through a
Stripe Checkout Session in ``subscription`` mode, webhooks move the status, learners cancel at
period end. ``grants_access`` is what the one course-access rule asks (through the
``lms_course_access`` hook).

Access while: status ``active``/``trialing``/``past_due`` and now is before the period end,
plus ``LMS_SUBSCRIPTION_GRACE_DAYS`` unless the learner cancelled at period end. ``ended`` is
terminal: a late ``updated`` event never brings a subscription back.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.core import audit
from lms_app.core.courses import Course
from lms_app.core.errors import ServiceError
from lms_app.core.money import format_amount
from lms_app.core.permissions import ADMIN_AREA, LEARNER_AREA, require_role
from lms_app.core.sessions import Actor
from lms_app.core.types import utcnow
from lms_app.payments import config
from lms_app.payments.models import LIVE, Plan, PlanCourse, Subscription

GRANTING = ("trialing", "active", "past_due")
STRIPE_STATUS = {"active": "active", "trialing": "trialing", "past_due": "past_due", "incomplete": "incomplete",
                 "unpaid": "ended", "canceled": "ended", "incomplete_expired": "ended", "paused": "ended"}


def _id(raw: object) -> int:
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) < 18:
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < 2**62:
        raise ServiceError("That plan does not exist.")
    return raw


def create_plan(session: Session, actor: Actor, name: object, interval: object, price_minor: object,
                currency: object = "USD", trial_days: object = 0, course_ids: object = None) -> Plan:
    """An admin's plan; ``course_ids`` None or empty means every course."""
    require_role(actor, ADMIN_AREA)
    name = " ".join(name.split()) if isinstance(name, str) else ""
    if not 1 <= len(name) <= 80:
        raise ServiceError("Give the plan a name (up to 80 characters).", "name")
    if interval not in ("month", "year"):
        raise ServiceError("Choose monthly or yearly.", "interval")
    if isinstance(price_minor, bool) or not isinstance(price_minor, int) or not 0 < price_minor < 10**9:
        raise ServiceError("Enter a price above zero.", "price")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise ServiceError("Use a three-letter currency code.", "currency")
    if isinstance(trial_days, bool) or not isinstance(trial_days, int) or not 0 <= trial_days <= 90:
        raise ServiceError("Trial days are between 0 and 90.", "trial_days")
    ids = sorted({_id(c) for c in course_ids}) if isinstance(course_ids, (list, tuple)) else []
    if ids and len(session.exec(select(Course.id).where(Course.id.in_(ids))).all()) != len(ids):
        raise ServiceError("One of the chosen courses does not exist.", "courses")
    plan = Plan(name=name, interval=interval, price_minor=price_minor, currency=currency.upper(),
                trial_days=trial_days, all_courses=not ids)
    session.add(plan)
    session.flush()
    session.add_all([PlanCourse(plan_id=plan.id, course_id=cid) for cid in ids])
    audit.record(session, actor, "plan.create", "plan", plan.id, name)
    session.flush()
    return plan


def plans_view(session: Session, user_id: int | None = None) -> list[dict]:
    """Active plans, cheapest first; with ``user_id``, the plans that viewer holds now are marked
    (``current`` and a note: renews / ends on …), so /plans offers no second subscription."""
    rows = session.exec(select(Plan).where(Plan.active == True).order_by(Plan.price_minor)).all()  # noqa: E712
    counts = dict(session.exec(select(PlanCourse.plan_id, func.count(PlanCourse.id))
                               .where(PlanCourse.plan_id.in_([p.id for p in rows])).group_by(PlanCourse.plan_id)
                               ).all()) if rows else {}
    held: dict[int, Subscription] = {}
    if user_id and rows:
        held = {sub.plan_id: sub for sub in session.exec(select(Subscription).where(
            Subscription.user_id == user_id, Subscription.status.in_(GRANTING))).all()}
    return [{"id": p.id, "name": p.name, "interval": p.interval,
             "price_label": f"{format_amount(p.price_minor, p.currency)} / {p.interval}",
             "scope": "Every course" if p.all_courses else _courses_label(counts.get(p.id, 0)),
             "trial": f"{p.trial_days}-day free trial" if p.trial_days else "",
             "current": p.id in held, "current_note": _held_note(held[p.id]) if p.id in held else ""} for p in rows]


def _held_note(sub: Subscription) -> str:
    end = sub.current_period_end.strftime("%d %b %Y") if sub.current_period_end else ""
    if sub.status == "past_due":
        return "Your plan: the last payment failed, update your card to keep access."
    if not end:
        return "Your plan."
    return f"Your plan: ends on {end}." if sub.cancel_at_period_end else f"Your plan: renews on {end}."


def _courses_label(n: int) -> str:
    return "1 course" if n == 1 else f"{n} courses"


def access_until(sub: Subscription, grace_days: int) -> datetime | None:
    """Until when the subscription opens its courses (None: not at all)."""
    if sub.status not in GRANTING:
        return None
    if sub.current_period_end is None:
        return datetime.max.replace(tzinfo=timezone.utc) if sub.status in ("active", "trialing") else None
    return sub.current_period_end + (timedelta() if sub.cancel_at_period_end else timedelta(days=grace_days))


def grants_access(session: Session, user_id: int, course_id: int, now: datetime | None = None) -> bool:
    """Whether a live subscription of this learner covers the course now (one query)."""
    now = now or utcnow()
    grace = timedelta(days=config.get("LMS_SUBSCRIPTION_GRACE_DAYS"))
    covered = or_(Plan.all_courses == True,  # noqa: E712
                  Plan.id.in_(select(PlanCourse.plan_id).where(PlanCourse.course_id == course_id)))
    rows = session.exec(select(Subscription).join(Plan, Plan.id == Subscription.plan_id)
                        .where(Subscription.user_id == user_id, Subscription.status.in_(GRANTING), covered)).all()
    return any((until := access_until(s, grace.days)) is not None and now < until for s in rows)


def granted_course_ids(session: Session, user_id: int, course_ids: list[int], now: datetime | None = None) -> set[int]:
    """Which of ``course_ids`` a live subscription of this learner covers now (two queries): the
    batch form of ``grants_access`` for lists."""
    if not course_ids:
        return set()
    now = now or utcnow()
    grace = config.get("LMS_SUBSCRIPTION_GRACE_DAYS")
    rows = session.exec(select(Subscription, Plan.all_courses).join(Plan, Plan.id == Subscription.plan_id)
                        .where(Subscription.user_id == user_id, Subscription.status.in_(GRANTING))).all()
    live = [(sub.plan_id, every) for sub, every in rows if (until := access_until(sub, grace)) is not None and now < until]
    if any(every for _, every in live):
        return set(course_ids)
    plan_ids = [plan_id for plan_id, _ in live]
    if not plan_ids:
        return set()
    return set(session.exec(select(PlanCourse.course_id).where(PlanCourse.plan_id.in_(plan_ids),
                                                               PlanCourse.course_id.in_(course_ids))).all())


def subscribe(session: Session, actor: Actor, plan_id: object, gateway) -> str:
    """Start a subscription checkout at Stripe; returns the hosted page URL."""
    require_role(actor, LEARNER_AREA)
    plan = session.get(Plan, _id(plan_id))
    if plan is None or not plan.active:
        raise ServiceError("That plan does not exist.")
    live = session.exec(select(Subscription).where(Subscription.user_id == actor.user_id,
                                                   Subscription.plan_id == plan.id,
                                                   Subscription.status.in_(LIVE))).first()
    if live is not None and live.status != "incomplete":
        raise ServiceError("You already have this plan.")
    ref, url = gateway.create_subscription(plan, actor.user_id, _email(session, actor.user_id))
    if live is not None:  # an abandoned checkout: point it at the new one
        live.provider_ref, live.checkout_ref, live.updated_at = ref, ref, utcnow()
        session.add(live)
    else:
        try:
            session.add(Subscription(user_id=actor.user_id, plan_id=plan.id, provider=gateway.name,
                                     provider_ref=ref, checkout_ref=ref))
            session.flush()
        except IntegrityError:
            session.rollback()
            raise ServiceError("A subscription to this plan is already being set up.") from None
    session.flush()
    return url


def _email(session: Session, user_id: int) -> str:
    from lms_app.core.users import User

    user = session.get(User, user_id)
    return user.email if user else ""


def _ts(value) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=timezone.utc) if isinstance(value, (int, float)) and value else None


def _period_end(obj: dict) -> datetime | None:
    items = ((obj.get("items") or {}).get("data") or [{}])
    return _ts(obj.get("current_period_end")) or _ts(items[0].get("current_period_end"))


def apply_stripe_event(session: Session, kind: str, obj: dict, created: int | None = None) -> str:
    """Move a subscription on a verified Stripe event (the caller stored the event id once).
    ``created`` is the event's creation time at Stripe: an event older than the newest one
    applied to the subscription is stale and ignored (Stripe does not deliver in order)."""
    at = _ts(created)
    if kind in ("checkout.session.completed",) and obj.get("mode") == "subscription":
        sub = session.exec(select(Subscription).where(Subscription.provider == "stripe",
                                                      Subscription.checkout_ref == str(obj.get("id")))).first()
        if sub is None or sub.status == "ended" or not obj.get("subscription"):
            return "ignored"
        sub.provider_ref = str(obj["subscription"])[:100]
        if sub.status == "incomplete":
            sub.status = "active"
        return _save(session, sub)
    if kind.startswith("customer.subscription."):
        sub = _by_ref(session, obj.get("id"))
        if sub is None or sub.status == "ended" or _stale(sub, at):  # ended is terminal
            return "ignored"
        was = sub.status
        sub.status = "ended" if kind == "customer.subscription.deleted" else \
            STRIPE_STATUS.get(str(obj.get("status")), sub.status)
        if sub.status in ("ended", "past_due") and was != sub.status:
            _notify(session, sub, sub.status)
        sub.current_period_end = _period_end(obj) or sub.current_period_end
        sub.cancel_at_period_end = bool(obj.get("cancel_at_period_end"))
        return _save(session, sub)
    if kind in INVOICE_PAID + ("invoice.payment_failed",):
        sub = _by_ref(session, obj.get("subscription") or
                      ((obj.get("parent") or {}).get("subscription_details") or {}).get("subscription"))
        booked = None
        if sub is not None and kind in INVOICE_PAID:
            # Money taken is booked whatever the status: a late 'paid' after the end still happened.
            booked = record_invoice(session, sub, "stripe", obj.get("id"), obj.get("amount_paid"), obj.get("currency"))
            if booked == "duplicate":
                return "duplicate"
        if sub is None or sub.status == "ended" or _stale(sub, at):
            return "ok" if booked == "ok" else "ignored"
        was = sub.status
        sub.status = "active" if kind in INVOICE_PAID else "past_due"
        if sub.status == "past_due" and was != "past_due":
            _notify(session, sub, "past_due")
        lines = ((obj.get("lines") or {}).get("data") or [{}])
        end = _ts(((lines[0].get("period") or {}).get("end")))
        if kind in INVOICE_PAID and end:
            sub.current_period_end = max(end, sub.current_period_end or end)
        return _save(session, sub)
    if kind == "charge.refunded" and obj.get("invoice"):
        return refund_invoice(session, "stripe", obj.get("invoice"), bool(obj.get("refunded")),
                              obj.get("amount_refunded"))
    return "ignored"


INVOICE_PAID = ("invoice.paid", "invoice.payment_succeeded")
PAYSTACK_KINDS = ("subscription.create", "subscription.not_renew", "subscription.disable", "invoice.payment_failed")
PERIOD = {"month": timedelta(days=31), "year": timedelta(days=366)}


def paystack_event_id(kind: str, data: dict) -> str:
    """Paystack events carry no id: the event, and the id (or code) of what it is about."""
    about = data.get("id") or data.get("subscription_code") or data.get("invoice_code") or data.get("reference") or ""
    return f"{kind}:{about}"[:100]


def is_paystack_subscription_event(kind: str, data: dict) -> bool:
    return kind in PAYSTACK_KINDS or (kind == "charge.success" and bool(_plan_code(data)))


def _plan_code(data: dict) -> str:
    plan = data.get("plan")
    code = plan.get("plan_code") if isinstance(plan, dict) else plan
    return code if isinstance(code, str) else ""


def _iso(value) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def _paystack_sub_by_customer(session: Session, data: dict, code: str) -> Subscription | None:
    """The learner's live Paystack subscription to the plan with this Paystack code, found by
    the customer's e-mail (Paystack's subscription and renewal events do not carry our ids)."""
    from lms_app.core.users import User

    email = ((data.get("customer") or {}).get("email") or "") if isinstance(data.get("customer"), dict) else ""
    if not email or not code:
        return None
    return session.exec(select(Subscription).join(Plan, Plan.id == Subscription.plan_id)
                        .join(User, User.id == Subscription.user_id)
                        .where(Subscription.provider == "paystack", Plan.paystack_code == code,
                               func.lower(User.email) == email.strip().lower(), Subscription.status.in_(LIVE))
                        .order_by(Subscription.id.desc())).first()


def _paystack_by_ref(session: Session, ref) -> Subscription | None:
    if not isinstance(ref, str) or not ref:
        return None
    return session.exec(select(Subscription).where(Subscription.provider == "paystack",
                                                   Subscription.provider_ref == ref)).first()


def apply_paystack_event(session: Session, kind: str, data: dict) -> str:
    """Move a Paystack subscription on a verified event (the caller stored the event id once):

    - ``charge.success`` with a plan: the first payment (our reference) or a renewal (plan +
      customer): booked as an order + platform ledger sale, access on; the period runs one
      interval from the payment unless ``subscription.create`` said otherwise;
    - ``subscription.create``: Paystack's subscription code and next payment date;
    - ``subscription.not_renew``: cancelled at period end; ``subscription.disable``: ended
      (terminal); ``invoice.payment_failed``: past due, grace period, dunning mail."""
    if kind == "charge.success":
        sub = session.exec(select(Subscription).where(Subscription.provider == "paystack",
                                                      Subscription.checkout_ref == str(data.get("reference", ""))[:100])
                           ).first() or _paystack_sub_by_customer(session, data, _plan_code(data))
        if sub is None:
            return "ignored"
        booked = record_invoice(session, sub, "paystack", data.get("reference"), data.get("amount"),
                                data.get("currency"))
        if booked == "duplicate":
            return "duplicate"
        if sub.status == "ended":
            return "ok" if booked == "ok" else "ignored"
        sub.status = "active"
        plan = session.get(Plan, sub.plan_id)
        paid_at = _iso(data.get("paid_at")) or utcnow()
        end = paid_at + PERIOD[plan.interval]
        sub.current_period_end = max(end, sub.current_period_end or end)
        return _save(session, sub)
    if kind == "subscription.create":
        code = str(data.get("subscription_code") or "")[:100]
        if not code.startswith("SUB_"):
            return "ignored"
        sub = _paystack_by_ref(session, code) or _paystack_sub_by_customer(session, data, _plan_code(data))
        if sub is None or sub.status == "ended":
            return "ignored"
        sub.provider_ref = code
        if sub.status == "incomplete" and data.get("status") in ("active", None):
            sub.status = "active"
        sub.current_period_end = _iso(data.get("next_payment_date")) or sub.current_period_end
        return _save(session, sub)
    if kind in ("subscription.not_renew", "subscription.disable"):
        sub = _paystack_by_ref(session, data.get("subscription_code"))
        if sub is None or sub.status == "ended":
            return "ignored"
        if kind == "subscription.not_renew":
            sub.cancel_at_period_end = True
        else:
            sub.status = "ended"
            _notify(session, sub, "ended")
        return _save(session, sub)
    if kind == "invoice.payment_failed":
        sub = _paystack_by_ref(session, (data.get("subscription") or {}).get("subscription_code")
                               if isinstance(data.get("subscription"), dict) else None)
        if sub is None or sub.status == "ended":
            return "ignored"
        if sub.status != "past_due":
            sub.status = "past_due"
            _notify(session, sub, "past_due")
        return _save(session, sub)
    return "ignored"


def billing_gateway(settings, provider: str | None = None):
    """The gateway that bills subscriptions: the subscription's own provider, else the site's
    (Paystack when it is the site's gateway and configured, Stripe otherwise)."""
    from lms_app.payments.paystack_gateway import PaystackGateway
    from lms_app.payments.stripe_gateway import StripeGateway

    name = provider or ("paystack" if settings.payment_gateway == "paystack" else "stripe")
    if name == "paystack":
        if not config.get("LMS_PAYSTACK_SECRET_KEY"):
            raise ServiceError("Subscriptions are not available on this site yet.")
        return PaystackGateway(settings)
    if not config.get("LMS_STRIPE_SECRET_KEY"):
        raise ServiceError("Subscriptions are not available on this site yet.")
    return StripeGateway(settings)


def record_invoice(session: Session, sub: Subscription, provider: str, invoice_ref: object, amount: object,
                   currency: object) -> str:
    """Book a paid subscription invoice (first payment or renewal): an order (item_kind
    'subscription', item_id = the subscription), its payment (reference = the provider's invoice
    id, unique per gateway: Stripe sends ``invoice.paid`` AND ``invoice.payment_succeeded`` for
    one invoice) and a platform ledger sale. 'ok', 'skipped' (nothing paid: a trial) or
    'duplicate' (already booked)."""
    from lms_app.commerce.models import Order, Payment
    from lms_app.commerce.services import ledger

    if not isinstance(invoice_ref, str) or not invoice_ref or isinstance(amount, bool) or not isinstance(amount, int) \
            or amount <= 0 or not isinstance(currency, str) or len(currency) != 3:
        return "skipped"
    ref = invoice_ref[:80]
    if session.exec(select(Payment.id).where(Payment.gateway == provider, Payment.reference == ref)).first():
        return "duplicate"
    plan = session.get(Plan, sub.plan_id)
    currency = currency.upper()
    # The plan's price is the list price; less paid (a provider-side coupon) is a discount; more
    # (tax added by the provider) or another currency is booked as paid, with no discount.
    listed = plan.price_minor if plan is not None and plan.currency == currency and amount <= plan.price_minor \
        else amount
    now = utcnow()
    order = Order(user_id=sub.user_id, course_id=None, item_kind="subscription", item_id=sub.id, status="paid",
                  currency=currency, list_price_minor=listed, discount_minor=listed - amount, amount_minor=amount,
                  gateway=provider, course_title=(f"{plan.name} ({plan.interval}ly plan)" if plan else "Plan")[:160],
                  created_at=now, paid_at=now)
    session.add(order)
    session.flush()
    session.add(Payment(order_id=order.id, gateway=provider, reference=ref, amount_minor=amount, currency=currency))
    try:
        session.flush()
    except IntegrityError:  # the same invoice booked by a concurrent delivery: the provider retries
        session.rollback()
        return "duplicate"
    ledger.record_platform_sale(session, order)
    session.flush()
    return "ok"


def refund_invoice(session: Session, provider: str, invoice_ref: object, full: bool, amount: object = None) -> str:
    """The provider refunded a subscription invoice: reverse its order and ledger sale through
    commerce's one refund path (no access is removed: the subscription's own events do that).
    A partial refund is flagged for an admin rather than guessed at."""
    from lms_app.commerce.models import Order, Payment
    from lms_app.commerce.services import refunds
    from lms_app.payments.models import PaymentFlag

    if not isinstance(invoice_ref, str) or not invoice_ref:
        return "ignored"
    order = session.exec(select(Order).join(Payment, Payment.order_id == Order.id)
                         .where(Payment.gateway == provider, Payment.reference == invoice_ref[:80],
                                Order.item_kind == "subscription")).first()
    if order is None or order.status != "paid":
        return "ignored"
    if not full:
        session.add(PaymentFlag(provider=provider, reference=invoice_ref[:100],
                                detail=f"partial refund of {amount} at the provider: review order {order.id}"))
        session.flush()
        return "flagged"
    try:
        refunds.refund_order(session, None, order.id, f"Refunded at {provider.title()}")
    except ServiceError:
        return "ignored"
    return "ok"


NOTICES = {
    "past_due": ("Your payment did not go through", "We could not take the renewal payment for your plan. "
                 "Your courses stay open for a few days while the payment is retried: update your card to keep them.",
                 "See your subscription"),
    "ended": ("Your subscription has ended", "Your plan has ended and its courses are locked again. You keep every "
              "course you bought and your progress.", "See the plans"),
}


def _notify(session: Session, sub: Subscription, what: str) -> None:
    """Dunning and end-of-access mails, queued in the same transaction (sent after commit)."""
    from lms_app.core.users import User
    from lms_app.mail.services import link_base, queue_mail

    user, plan = session.get(User, sub.user_id), session.get(Plan, sub.plan_id)
    if user is None or plan is None or not user.is_active:
        return
    subject, message, action = NOTICES[what]
    queue_mail(session, to=user.email, template="subscription_notice", subject=subject, user_id=user.id,
               context={"name": user.name, "message": message, "plan": plan.name, "action": action,
                        "link": f"{link_base()}{'/profile' if what == 'past_due' else '/plans'}"})


def _by_ref(session: Session, ref) -> Subscription | None:
    if not isinstance(ref, str) or not ref:
        return None
    return session.exec(select(Subscription).where(Subscription.provider == "stripe",
                                                   Subscription.provider_ref == ref)).first()


def _stale(sub: Subscription, at: datetime | None) -> bool:
    if at is None:
        return False
    if sub.provider_event_at is not None and at < sub.provider_event_at:
        return True
    sub.provider_event_at = at
    return False


def _save(session: Session, sub: Subscription) -> str:
    sub.updated_at = utcnow()
    session.add(sub)
    session.flush()
    return "ok"


def mine(session: Session, actor: Actor) -> list[dict]:
    """The learner's subscriptions for the account page (labels only)."""
    require_role(actor, LEARNER_AREA)
    rows = session.exec(select(Subscription, Plan).join(Plan, Plan.id == Subscription.plan_id)
                        .where(Subscription.user_id == actor.user_id, Subscription.status != "incomplete")
                        .order_by(Subscription.created_at.desc()).limit(20)).all()
    out = []
    for sub, plan in rows:
        end = sub.current_period_end.strftime("%d %b %Y") if sub.current_period_end else ""
        note = ("Ends on " + end if sub.cancel_at_period_end else "Renews on " + end) if end else ""
        out.append({"id": sub.id, "plan": plan.name, "status": sub.status, "note": note if sub.status in GRANTING else "",
                    "price_label": f"{format_amount(plan.price_minor, plan.currency)} / {plan.interval}",
                    "can_cancel": sub.status in GRANTING and not sub.cancel_at_period_end})
    return out


def cancel_at_period_end(session: Session, actor: Actor, sub_id: object, gateway) -> Subscription:
    """The owner stops renewal; access continues to the end of the paid period."""
    require_role(actor, LEARNER_AREA)
    sub = session.get(Subscription, _id(sub_id))
    if sub is None or sub.user_id != actor.user_id:
        raise ServiceError("That subscription does not exist.")
    if sub.status not in GRANTING or sub.cancel_at_period_end:
        raise ServiceError("This subscription does not renew any more.")
    if getattr(gateway, "name", sub.provider) != sub.provider:  # billed by the other provider
        from lms_app.core.settings import get_settings

        gateway = billing_gateway(get_settings(), sub.provider)
    gateway.cancel_subscription(sub.provider_ref)
    sub.cancel_at_period_end = True
    _save(session, sub)
    return sub


def flags_view(session: Session, actor: Actor, limit: int = 100) -> list[dict]:
    """Provider reports that did not match their order, newest first (admins only)."""
    from lms_app.payments.models import PaymentFlag

    require_role(actor, ADMIN_AREA)
    rows = session.exec(select(PaymentFlag).order_by(PaymentFlag.id.desc()).limit(limit)).all()
    return [{"id": f.id, "when": f.created_at.strftime("%Y-%m-%d %H:%M"), "provider": f.provider,
             "reference": f.reference, "detail": f.detail} for f in rows]
