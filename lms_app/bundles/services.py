"""Bundles: teachers sell several of their own courses at one price; learners buy them once.

Buying reuses the checkout's machinery (``commerce.services.checkout.purchase_item``): the price
comes from the database, coupons apply (site-wide ones: a coupon scoped to one course is refused
for a bundle, because its author priced it for that course only), the configured gateway takes
the money, and one ledger sale entry books fee + teacher share = paid. With a direct (card)
gateway, in one transaction and *before* the card is charged:

1. the purchase row (one paid purchase per learner and bundle: a partial unique index, so a
   double click or a second tab fails here and is never charged twice);
2. an enrolment for each course the learner does not own yet (unique per learner and course);
3. the order, coupon use, charge, payment and ledger entry (``purchase_item``);
4. a ``bundle_grants`` row per enrolment created, so a refund removes exactly those.

A redirect provider (Stripe, Paystack, the signed-webhook provider) gets a *pending* purchase and
order (``start_redirect``); its webhook, through ``provider_checkout.on_item_paid``, enrols and
books the sale (``fulfil_paid``) or frees the place (``release_failed``).

Courses the learner already owns are shown as "You own this" and priced as the teacher chose:
``same`` (the bundle price whatever they own) or ``prorate`` (the owned courses' share of the
bundle price is taken off; share = the course's separate price / the courses' separate prices).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.bundles.models import OWNED_POLICIES, Bundle, BundleCourse, BundleGrant, BundlePurchase
from lms_app.core import audit
from lms_app.core.courses import Course, Enrollment
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.money import format_amount
from lms_app.core.permissions import LEARNER_AREA, TEACHER_AREA, require_role
from lms_app.core.sessions import Actor
from lms_app.core.settings import Settings
from lms_app.core.types import utcnow
from lms_app.core.users import User

NOT_FOUND = "That bundle does not exist or is no longer on sale."
UNAVAILABLE = "This bundle is not on sale right now: one of its courses is unavailable."
ALREADY_BOUGHT = "You have already bought this bundle."
OWN_ALL = "You already own every course in this bundle."
OWN_TEACHING = "You teach these courses: learners buy the bundle, you sell it."
COURSE_COUPON = "This code is for one course only; it cannot be used on a bundle."
ENROLLED_MEANWHILE = "You were enrolled in one of these courses meanwhile. Reload the page to see the new price."
POLICY_LABELS = {"same": "Same bundle price, whatever the learner owns",
                 "prorate": "Take the owned courses' share off the bundle price"}
MAX_COURSES = 20
PAGE_SIZE = 12


# --- reading -------------------------------------------------------------------------------

def _id(raw: object, message: str = NOT_FOUND) -> int:
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) < 12:
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < 2**62:
        raise ServiceError(message)
    return raw


def _active_bundle(session: Session, slug: object) -> Bundle:
    if not isinstance(slug, str) or not 0 < len(slug) <= 120:
        raise ServiceError(NOT_FOUND)
    bundle = session.exec(select(Bundle).where(Bundle.slug == slug)).first()
    if bundle is None or not bundle.active:
        raise ServiceError(NOT_FOUND)
    return bundle


def courses_of(session: Session, bundle_id: int) -> list[Course]:
    return list(session.exec(select(Course).join(BundleCourse, BundleCourse.course_id == Course.id)
                             .where(BundleCourse.bundle_id == bundle_id)
                             .order_by(BundleCourse.position, BundleCourse.id)).all())


def owned_course_ids(session: Session, user_id: int | None, course_ids: list[int]) -> set[int]:
    """The courses the learner owns: a *direct* enrolment (bought, free, another bundle, staff).
    A course a subscription opened is not owned (it ends with the plan): the bundle grants it,
    turning that enrolment direct (``enrollment.add``)."""
    from lms_app.learning.services.enrollment import DIRECT

    if not user_id or not course_ids:
        return set()
    return set(session.exec(select(Enrollment.course_id).where(Enrollment.user_id == user_id,
                                                               Enrollment.source == DIRECT,
                                                               Enrollment.course_id.in_(course_ids))).all())


def list_price(bundle: Bundle, courses: list[Course], owned: set[int]) -> int:
    """What this learner pays before a coupon (see the module docstring for the policies)."""
    if bundle.owned_policy != "prorate" or not owned:
        return bundle.price_minor
    separate = sum(c.price_minor for c in courses)
    owned_sum = sum(c.price_minor for c in courses if c.id in owned)
    if separate <= 0:
        return bundle.price_minor
    credit = (bundle.price_minor * owned_sum * 2 + separate) // (2 * separate)  # round half up
    return max(0, bundle.price_minor - min(credit, bundle.price_minor))


@dataclass(frozen=True)
class Priced:
    bundle: Bundle
    courses: list[Course]
    owned: set[int]
    list_price_minor: int
    coupon: object
    coupon_error: str
    discount_minor: int
    amount_minor: int


def _coupon_for(session: Session, bundle: Bundle, user_id: int, code: object):
    """(coupon or None, refusal message)."""
    from lms_app.commerce.services import coupons

    if not isinstance(code, str) or not code.strip():
        return None, ""
    found = coupons.find(session, code)
    if found is not None and found.course_id is not None:
        return None, COURSE_COUPON
    error = coupons.refusal(session, found, user_id, _sale_item(bundle, 0)) or ""
    return (None, error) if error else (found, "")


def price(session: Session, actor: Actor, slug: object, coupon_code: object = "") -> Priced:
    from lms_app.core import pricing

    require_role(actor, LEARNER_AREA)
    bundle = _active_bundle(session, slug)
    courses = courses_of(session, bundle.id)
    if len(courses) < 2 or any(c.status != "published" for c in courses):
        raise ServiceError(UNAVAILABLE)
    owned = owned_course_ids(session, actor.user_id, [c.id for c in courses])
    base = list_price(bundle, courses, owned)
    coupon, error = _coupon_for(session, bundle, actor.user_id, coupon_code)
    q = pricing.quote(base, bundle.currency, coupon.kind if coupon else None, coupon.amount if coupon else 0)
    return Priced(bundle=bundle, courses=courses, owned=owned, list_price_minor=base, coupon=coupon,
                  coupon_error=error, discount_minor=q.discount_minor, amount_minor=q.amount_minor)


def _sale_item(bundle: Bundle, price_minor: int):
    from lms_app.commerce.services.checkout import SaleItem

    return SaleItem(kind="bundle", item_id=bundle.id, title=bundle.title, teacher_id=bundle.teacher_id,
                    price_minor=price_minor, currency=bundle.currency)


def _teacher_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.exec(select(User.id, User.name).where(User.id.in_(ids))).all())


def _summary(bundle: Bundle, courses: list[Course], teacher: str) -> dict:
    separate = sum(c.price_minor for c in courses)
    savings = separate - bundle.price_minor
    return {"slug": bundle.slug, "title": bundle.title, "teacher": teacher, "course_count": len(courses),
            "price_label": format_amount(bundle.price_minor, bundle.currency),
            "separate_label": format_amount(separate, bundle.currency),
            "savings_label": format_amount(savings, bundle.currency) if savings > 0 else "",
            "course_titles": ", ".join(c.title for c in courses)}


def public_list(session: Session, page: object = 1) -> dict:
    """Active bundles whose courses are all published, newest first, ``PAGE_SIZE`` a page.
    Three queries whatever the page holds."""
    number = page if isinstance(page, int) and not isinstance(page, bool) and 0 < page < 10**6 else 1
    unpublished = (select(BundleCourse.bundle_id).join(Course, Course.id == BundleCourse.course_id)
                   .where(Course.status != "published"))
    rows = list(session.exec(select(Bundle).where(Bundle.active.is_(True), Bundle.id.not_in(unpublished))
                             .order_by(Bundle.created_at.desc(), Bundle.id.desc())
                             .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all())
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    by_bundle: dict[int, list[Course]] = {b.id: [] for b in rows}
    if rows:
        for bundle_id, course in session.exec(
                select(BundleCourse.bundle_id, Course).join(Course, Course.id == BundleCourse.course_id)
                .where(BundleCourse.bundle_id.in_(list(by_bundle)))
                .order_by(BundleCourse.bundle_id, BundleCourse.position, BundleCourse.id)).all():
            by_bundle[bundle_id].append(course)
    names = _teacher_names(session, {b.teacher_id for b in rows})
    items = [_summary(b, by_bundle[b.id], names.get(b.teacher_id, "")) for b in rows if len(by_bundle[b.id]) >= 2]
    return {"items": items, "page": number, "has_next": more, "has_prev": number > 1}


def page_view(session: Session, slug: object, viewer: Actor | None, coupon_code: object = "") -> dict | None:
    """The public bundle page for ``viewer`` (None when signed out); None when it is not on sale
    (inactive bundles are shown to their teacher and admins, marked as such)."""
    if not isinstance(slug, str) or not 0 < len(slug) <= 120:
        return None
    bundle = session.exec(select(Bundle).where(Bundle.slug == slug)).first()
    if bundle is None:
        return None
    is_owner = viewer is not None and (viewer.user_id == bundle.teacher_id or viewer.role == "admin")
    if not bundle.active and not is_owner:
        return None
    courses = courses_of(session, bundle.id)
    available = bundle.active and len(courses) >= 2 and all(c.status == "published" for c in courses)
    user_id = viewer.user_id if viewer is not None else None
    owned = owned_course_ids(session, user_id, [c.id for c in courses])
    bought = user_id is not None and session.exec(
        select(BundlePurchase.id).where(BundlePurchase.bundle_id == bundle.id, BundlePurchase.user_id == user_id,
                                        BundlePurchase.status == "paid")).first() is not None
    base = list_price(bundle, courses, owned)
    coupon, coupon_error, discount = None, "", 0
    if viewer is not None and available:
        from lms_app.core import pricing

        coupon, coupon_error = _coupon_for(session, bundle, viewer.user_id, coupon_code)
        if coupon is not None:
            discount = pricing.quote(base, bundle.currency, coupon.kind, coupon.amount).discount_minor
    verified = False
    if viewer is not None:
        user = session.get(User, viewer.user_id)
        verified = user is not None and user.email_verified_at is not None
    cur = bundle.currency
    view = _summary(bundle, courses, _teacher_names(session, {bundle.teacher_id}).get(bundle.teacher_id, ""))
    view.update({
        "description": bundle.description, "active": bundle.active, "available": available,
        "signed_in": viewer is not None, "is_teacher": viewer is not None and viewer.user_id == bundle.teacher_id,
        "bought": bought, "owns_all": bool(courses) and len(owned) == len(courses),
        "owned_count": len(owned), "email_verified": verified,
        "owned_note": ("" if not owned else
                       "You already own some of these courses; the price is the same." if bundle.owned_policy == "same"
                       else "You already own some of these courses: their share is taken off the price."),
        "list_label": format_amount(base, cur),
        "discount_label": "-" + format_amount(discount, cur) if discount else "",
        "total_label": format_amount(base - discount, cur), "is_free_now": base - discount == 0,
        "coupon_code": coupon.code if coupon else "", "coupon_error": coupon_error,
        "courses": [{"slug": c.slug, "title": c.title, "price_label": format_amount(c.price_minor, cur),
                     "owned": c.id in owned} for c in courses],
    })
    return view


# --- buying --------------------------------------------------------------------------------

def _checked(session: Session, actor: Actor, slug: object, coupon_code: object) -> tuple[Priced, list[int]]:
    """Price the bundle for the buyer and refuse what cannot be bought: (priced, courses to grant)."""
    from lms_app.commerce.services.checkout import require_verified

    require_role(actor, LEARNER_AREA)
    require_verified(session, actor)
    p = price(session, actor, slug, coupon_code)
    if p.coupon_error:
        raise ServiceError(p.coupon_error, "coupon")
    if p.bundle.teacher_id == actor.user_id:
        raise ServiceError(OWN_TEACHING)
    to_grant = [c.id for c in p.courses if c.id not in p.owned]
    if not to_grant:
        raise ServiceError(OWN_ALL)
    return p, to_grant


def _hold(session: Session, bundle_id: int, user_id: int, status: str) -> BundlePurchase:
    """Insert the purchase row: the partial unique index stops a second click or tab here."""
    purchase = BundlePurchase(bundle_id=bundle_id, user_id=user_id, status=status)
    session.add(purchase)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ServiceError(ALREADY_BOUGHT if status == "paid" else IN_PROGRESS) from None
    return purchase


def _grant(session: Session, purchase: BundlePurchase, course_ids: list[int]) -> None:
    from lms_app.learning.services import enrollment

    try:
        for course_id in course_ids:
            enrollment.add(session, purchase.user_id, course_id)
    except IntegrityError:
        session.rollback()
        raise ServiceError(ENROLLED_MEANWHILE) from None
    session.add_all([BundleGrant(purchase_id=purchase.id, user_id=purchase.user_id, course_id=cid)
                     for cid in course_ids])


def buy(session: Session, settings: Settings, actor: Actor, slug: object, coupon_code: object, card,
        gateway, billing: object = None) -> "object":
    """Buy the bundle with a direct gateway (see the module docstring for the order of steps);
    with ``billing`` (the buyer's invoice details) the order gets an invoice number."""
    from lms_app.commerce.services import invoices
    from lms_app.commerce.services.checkout import purchase_item

    invoices.billing_from(billing)  # refuse bad details before anything is written
    p, to_grant = _checked(session, actor, slug, coupon_code)
    if p.amount_minor > 0 and card is None:
        raise ServiceError("Enter your card details.", "card_number")
    item = _sale_item(p.bundle, p.list_price_minor)
    purchase = _hold(session, p.bundle.id, actor.user_id, "paid")
    _grant(session, purchase, to_grant)
    order = purchase_item(session, settings, actor, item, p.coupon.code if p.coupon else "", card, gateway, billing)
    purchase.order_id = order.id
    session.add(purchase)
    session.flush()
    return order


IN_PROGRESS = "A payment for this bundle is already in progress."


def start_redirect(session: Session, actor: Actor, slug: object, coupon_code: object, gateway,
                   billing: object = None) -> tuple[int, str]:
    """A redirect provider (Stripe Checkout, Paystack, the signed-webhook provider): hold a pending
    purchase and order with the coupon use and answer (order id, confirmation URL); a second tab
    gets the same payment back (before any re-check: its coupon is already held by that order).
    The provider's webhook then runs ``fulfil_paid`` or ``release_failed`` (registered with
    ``provider_checkout.on_item_paid``)."""
    from lms_app.commerce.models import CouponRedemption, Order, Payment
    from lms_app.commerce.services import coupons, invoices

    require_role(actor, LEARNER_AREA)
    bill = invoices.billing_from(billing)
    bundle = _active_bundle(session, slug)
    open_order = session.exec(
        select(Order.id, Payment.reference).join(Payment, Payment.order_id == Order.id)
        .join(BundlePurchase, BundlePurchase.order_id == Order.id)
        .where(BundlePurchase.bundle_id == bundle.id, BundlePurchase.user_id == actor.user_id,
               BundlePurchase.status == "pending", Order.status == "pending")).first()
    if open_order is not None:
        resume = getattr(gateway, "resume_url", None)
        return open_order[0], (resume(open_order[1]) if resume else f"{gateway.confirm_base}?reference={open_order[1]}")
    p, _to_grant = _checked(session, actor, slug, coupon_code)
    if p.amount_minor == 0:
        raise ServiceError("Nothing to pay: use the free checkout.")
    purchase = _hold(session, bundle.id, actor.user_id, "pending")
    if p.coupon is not None and not coupons.take_one_use(session, p.coupon.id):
        raise ServiceError(coupons.USED_UP, "coupon")
    order = Order(user_id=actor.user_id, course_id=None, item_kind="bundle", item_id=bundle.id, status="pending",
                  currency=bundle.currency, list_price_minor=p.list_price_minor, discount_minor=p.discount_minor,
                  amount_minor=p.amount_minor, coupon_id=p.coupon.id if p.coupon else None,
                  coupon_code=p.coupon.code if p.coupon else "", gateway=gateway.name, course_title=bundle.title[:160])
    session.add(order)
    session.flush()
    if p.coupon is not None:
        session.add(CouponRedemption(coupon_id=p.coupon.id, user_id=actor.user_id, order_id=order.id,
                                     once_per_account=p.coupon.once_per_account))
    if getattr(gateway, "wants_details", False):
        user = session.get(User, actor.user_id)
        reference, url = gateway.create_payment(p.amount_minor, bundle.currency, order.id, description=bundle.title,
                                                email=user.email if user else "")
    else:
        reference, url = gateway.create_payment(p.amount_minor, bundle.currency, order.id)
    session.add(Payment(order_id=order.id, gateway=gateway.name, reference=reference, status="pending",
                        amount_minor=p.amount_minor, currency=bundle.currency))
    purchase.order_id = order.id
    session.add(purchase)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ServiceError(IN_PROGRESS) from None
    if bill is not None:  # numbered when the provider confirms the payment (``fulfil_paid``)
        invoices.hold(session, order, bill)
    return order.id, url


def fulfil_paid(session: Session, settings: Settings, order) -> None:
    """The provider confirmed a pending bundle order (amount and currency already checked): enrol
    in each course the learner does not own *now*, record the grants, book the sale, number the
    invoice when billing details were held."""
    from lms_app.commerce.services import invoices, ledger

    purchase = session.exec(select(BundlePurchase).where(BundlePurchase.order_id == order.id)).first()
    bundle = session.get(Bundle, order.item_id) if order.item_id else None
    if purchase is None or bundle is None:
        return
    flipped = session.execute(update(BundlePurchase).where(BundlePurchase.id == purchase.id,
                                                           BundlePurchase.status == "pending")
                              .values(status="paid").execution_options(synchronize_session=False))
    if flipped.rowcount != 1:
        return
    session.refresh(purchase)
    ids = [c.id for c in courses_of(session, bundle.id)]
    owned = owned_course_ids(session, order.user_id, ids)
    _grant(session, purchase, [cid for cid in ids if cid not in owned])
    ledger.record_sale(session, order, _sale_item(bundle, order.list_price_minor), settings.platform_fee_percent)
    invoices.issue(session, settings, order, bundle.teacher_id)  # the billing details held at start, if any
    session.flush()


def release_failed(session: Session, order) -> None:
    """The provider reported a failure (or the wrong amount): free the learner's place."""
    session.execute(update(BundlePurchase).where(BundlePurchase.order_id == order.id,
                                                 BundlePurchase.status == "pending")
                    .values(status="failed").execution_options(synchronize_session=False))


@dataclass(frozen=True)
class Paid:
    order_id: int
    redirect_url: str = ""


def pay(session: Session, settings: Settings, actor: Actor, slug: object, coupon_code: object, card_form: object,
        gateway=None, billing: object = None) -> Paid:
    """Pay for a bundle with the configured gateway: a direct (card) gateway charges now; a redirect
    gateway gets a pending order and answers its URL; a total of 0 under a coupon needs no gateway."""
    from lms_app.commerce.gateways import get_gateway
    from lms_app.commerce.services.checkout import card_from

    gateway = gateway or get_gateway(settings)
    direct = hasattr(gateway, "charge")
    if direct or price(session, actor, slug, coupon_code).amount_minor == 0:
        order = buy(session, settings, actor, slug, coupon_code, card_from(card_form) if direct else None, gateway,
                    billing)
        return Paid(order_id=order.id)
    order_id, url = start_redirect(session, actor, slug, coupon_code, gateway, billing)
    return Paid(order_id=order_id, redirect_url=url)


def undo_refunded(session: Session, order) -> None:
    """Refund of a bundle order (``refunds.on_item_refunded``): remove exactly the enrolments this
    purchase created, never the courses the learner owned before. Idempotent."""
    from lms_app.learning.services import enrollment

    purchase = session.exec(select(BundlePurchase).where(BundlePurchase.order_id == order.id)).first()
    if purchase is None:
        return
    flipped = session.execute(update(BundlePurchase).where(BundlePurchase.id == purchase.id,
                                                           BundlePurchase.status == "paid")
                              .values(status="refunded", refunded_at=utcnow())
                              .execution_options(synchronize_session=False))
    if flipped.rowcount != 1:
        return
    grants = session.exec(select(BundleGrant).where(BundleGrant.purchase_id == purchase.id,
                                                    BundleGrant.active.is_(True))).all()
    heirs = _other_paid_purchases(session, purchase, [g.course_id for g in grants])
    for grant in grants:
        grant.active = False
        session.add(grant)
        heir = heirs.get(grant.course_id)
        if heir is None:
            enrollment.remove(session, grant.user_id, grant.course_id)
        else:  # another bundle the learner paid for holds this course: it keeps it, now on that purchase
            session.add(BundleGrant(purchase_id=heir, user_id=grant.user_id, course_id=grant.course_id))
    session.flush()


def _other_paid_purchases(session: Session, purchase: BundlePurchase, course_ids: list[int]) -> dict[int, int]:
    """course id -> another paid purchase of this learner whose bundle includes the course (a later
    bundle skipped it as already owned — through this one). One query."""
    if not course_ids:
        return {}
    rows = session.exec(select(BundleCourse.course_id, BundlePurchase.id)
                        .join(BundlePurchase, BundlePurchase.bundle_id == BundleCourse.bundle_id)
                        .where(BundlePurchase.user_id == purchase.user_id, BundlePurchase.status == "paid",
                               BundlePurchase.id != purchase.id, BundleCourse.course_id.in_(course_ids))
                        .order_by(BundlePurchase.id)).all()
    found: dict[int, int] = {}
    for course_id, purchase_id in rows:
        found.setdefault(course_id, purchase_id)
    return found


# --- teaching ------------------------------------------------------------------------------

def course_choices(session: Session, actor: Actor) -> list[dict]:
    """The teacher's own published, paid courses (what a bundle may hold)."""
    require_role(actor, TEACHER_AREA)
    rows = session.exec(select(Course).where(Course.teacher_id == actor.user_id, Course.status == "published",
                                             Course.price_minor > 0).order_by(Course.title).limit(500)).all()
    return [{"id": str(c.id), "title": c.title, "price_label": format_amount(c.price_minor, c.currency)}
            for c in rows]


def _owned_bundle(session: Session, actor: Actor, raw_id: object) -> Bundle:
    require_role(actor, TEACHER_AREA)
    bundle = session.get(Bundle, _id(raw_id, "That bundle does not exist."))
    if bundle is None or (bundle.teacher_id != actor.user_id and actor.role != "admin"):
        raise PermissionDenied("That bundle does not exist or is not yours.")
    return bundle


def _course_ids(raw: object) -> list[int]:
    if isinstance(raw, str):
        raw = [part for part in raw.replace(";", ",").split(",") if part.strip()]
    if not isinstance(raw, (list, tuple)) or len(raw) > MAX_COURSES:
        raise ServiceError(f"Choose from 2 to {MAX_COURSES} of your courses.", "courses")
    ids: list[int] = []
    for item in raw:
        cid = _id(item, "Choose courses from the list.")
        if cid not in ids:
            ids.append(cid)
    if len(ids) < 2:
        raise ServiceError("Choose at least two courses: a bundle sells several courses together.", "courses")
    return ids


def save(session: Session, actor: Actor, form: object, bundle_id: object = None) -> Bundle:
    """Create (``bundle_id`` None) or edit one of the actor's bundles; validates everything."""
    from lms_app.authoring.services.checks import parse_price, slugify

    require_role(actor, TEACHER_AREA)
    form = form if isinstance(form, dict) else {}
    bundle = _owned_bundle(session, actor, bundle_id) if bundle_id not in (None, "", 0) else None
    title = " ".join(form.get("title").split()) if isinstance(form.get("title"), str) else ""
    if not 3 <= len(title) <= 160:
        raise ServiceError("Give the bundle a title of 3 to 160 characters.", "title")
    description = form.get("description").strip() if isinstance(form.get("description"), str) else ""
    if len(description) > 5000:
        raise ServiceError("Keep the description under 5,000 characters.", "description")
    policy = form.get("owned_policy") or "prorate"
    if policy not in OWNED_POLICIES:
        raise ServiceError("Choose how learners who own some of the courses are priced.", "owned_policy")
    ids = _course_ids(form.get("courses"))
    owner_id = bundle.teacher_id if bundle is not None else actor.user_id
    courses = {c.id: c for c in session.exec(select(Course).where(Course.id.in_(ids))).all()}
    for cid in ids:
        course = courses.get(cid)
        if course is None or course.teacher_id != owner_id:
            raise ServiceError("A bundle holds only your own courses.", "courses")
        if course.status != "published":
            raise ServiceError(f"“{course.title}” is not published: publish it before bundling it.", "courses")
        if course.price_minor <= 0:
            raise ServiceError(f"“{course.title}” is free: bundle paid courses only.", "courses")
    currencies = {courses[cid].currency for cid in ids}
    if len(currencies) != 1:
        raise ServiceError("All the courses of a bundle must be priced in the same currency.", "courses")
    currency = currencies.pop()
    amount = parse_price(form.get("price"), currency)
    if amount <= 0:
        raise ServiceError("Enter the bundle's price, more than 0.", "price")
    if bundle is None:
        bundle = Bundle(teacher_id=actor.user_id, slug=_unique_slug(session, slugify(title)), title=title,
                        price_minor=amount, currency=currency)
    bundle.title, bundle.description, bundle.price_minor, bundle.currency = title, description, amount, currency
    bundle.owned_policy, bundle.updated_at = policy, utcnow()
    session.add(bundle)
    session.flush()
    session.execute(delete(BundleCourse).where(BundleCourse.bundle_id == bundle.id))
    session.add_all([BundleCourse(bundle_id=bundle.id, course_id=cid, position=i) for i, cid in enumerate(ids)])
    session.flush()
    audit.record(session, actor, "bundle.save", "bundle", bundle.id, f"{title}: {len(ids)} courses")
    return bundle


def _unique_slug(session: Session, base: str) -> str:
    base = base[:100] or "bundle"
    taken = set(session.exec(select(Bundle.slug).where(Bundle.slug.like(f"{base}%"))).all())
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def set_active(session: Session, actor: Actor, bundle_id: object, active: object) -> Bundle:
    bundle = _owned_bundle(session, actor, bundle_id)
    bundle.active, bundle.updated_at = active is True, utcnow()
    session.add(bundle)
    audit.record(session, actor, "bundle.activate" if bundle.active else "bundle.deactivate", "bundle", bundle.id,
                 bundle.title)
    return bundle


def teacher_list(session: Session, actor: Actor) -> list[dict]:
    """The actor's bundles with their course count and paid sales (three queries)."""
    require_role(actor, TEACHER_AREA)
    bundles = session.exec(select(Bundle).where(Bundle.teacher_id == actor.user_id)
                           .order_by(Bundle.created_at.desc(), Bundle.id.desc()).limit(200)).all()
    ids = [b.id for b in bundles]
    n_courses = dict(session.exec(select(BundleCourse.bundle_id, func.count(BundleCourse.id))
                                  .where(BundleCourse.bundle_id.in_(ids)).group_by(BundleCourse.bundle_id)).all()) \
        if ids else {}
    sales = dict(session.exec(select(BundlePurchase.bundle_id, func.count(BundlePurchase.id))
                              .where(BundlePurchase.bundle_id.in_(ids), BundlePurchase.status == "paid")
                              .group_by(BundlePurchase.bundle_id)).all()) if ids else {}
    return [{"id": b.id, "slug": b.slug, "title": b.title, "price_label": format_amount(b.price_minor, b.currency),
             "courses": int(n_courses.get(b.id, 0)), "sales": int(sales.get(b.id, 0)), "active": b.active,
             "policy": POLICY_LABELS[b.owned_policy]} for b in bundles]


def edit_view(session: Session, actor: Actor, bundle_id: object) -> dict:
    from lms_app.core.money import decimal_amount

    bundle = _owned_bundle(session, actor, bundle_id)
    ids = session.exec(select(BundleCourse.course_id).where(BundleCourse.bundle_id == bundle.id)
                       .order_by(BundleCourse.position, BundleCourse.id)).all()
    return {"id": bundle.id, "title": bundle.title, "description": bundle.description,
            "price": decimal_amount(bundle.price_minor, bundle.currency), "owned_policy": bundle.owned_policy,
            "course_ids": [str(i) for i in ids]}
