"""Coupons: who may create them, whether one applies, and exact usage counting.

Admins create site-wide or course coupons; teachers only coupons scoped to their own courses.
Usage is counted by one atomic ``UPDATE ... SET used_count = used_count + 1 WHERE used_count <
cap`` (no read-then-write race on any backend) and a redemption row per use, unique per (coupon,
learner) for once-per-account coupons (a partial unique index); reusable ones (DEMO20) skip that.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from sqlalchemy import update
from sqlmodel import Session, delete, select

from lms_app.commerce.models import Coupon, CouponRedemption
from lms_app.core.courses import Course
from lms_app.core.types import utcnow
from lms_app.core import audit
from lms_app.core.sessions import Actor
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.permissions import TEACHER_AREA, require_role

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,39}$")

UNKNOWN = "This code does not exist. Check the spelling."
INACTIVE = "This code is no longer active."
EXPIRED = "This code has expired."
NOT_YET = "This code is not valid yet."
WRONG_COURSE = "This code is not valid for this course."
USED_UP = "This code has been used up."
ALREADY_USED = "You have already used this code."
WRONG_CURRENCY = "This code is for a different currency."


def clean_code(raw: object) -> str:
    code = raw.strip().upper() if isinstance(raw, str) else ""
    if not _CODE.match(code):
        raise ServiceError("Use 3-40 letters, digits, dashes or underscores for the code.", "code")
    return code


def find(session: Session, raw: object) -> Coupon | None:
    code = raw.strip().upper() if isinstance(raw, str) else ""
    if not code or len(code) > 40:
        return None
    return session.exec(select(Coupon).where(Coupon.code == code)).first()


def refusal(session: Session, coupon: Coupon | None, user_id: int, course: Course,
            now: datetime | None = None, currency: str | None = None) -> str | None:
    """Why ``coupon`` cannot be used by this learner on this course now (None when it can), paying
    in ``currency`` (None: the course's own): a fixed amount applies only in the coupon's currency."""
    now = now or utcnow()
    if coupon is None:
        return UNKNOWN
    if not coupon.active:
        return INACTIVE
    if coupon.valid_from is not None and now < coupon.valid_from:
        return NOT_YET
    if coupon.valid_until is not None and now >= coupon.valid_until:
        return EXPIRED
    if coupon.course_id is not None and coupon.course_id != course.id:
        return WRONG_COURSE
    if coupon.kind == "fixed" and coupon.currency != (currency or course.currency):
        return WRONG_CURRENCY
    if coupon.max_redemptions is not None and coupon.used_count >= coupon.max_redemptions:
        return USED_UP
    if not coupon.once_per_account:
        return None
    used = session.exec(select(CouponRedemption.id).where(CouponRedemption.coupon_id == coupon.id,
                                                          CouponRedemption.user_id == user_id)).first()
    return ALREADY_USED if used is not None else None


def take_one_use(session: Session, coupon_id: int) -> bool:
    """Count one use atomically; False when the cap was reached meanwhile."""
    result = session.execute(
        update(Coupon).where(Coupon.id == coupon_id, Coupon.active.is_(True),
                             (Coupon.max_redemptions.is_(None)) | (Coupon.used_count < Coupon.max_redemptions))
        .values(used_count=Coupon.used_count + 1).execution_options(synchronize_session=False))
    return result.rowcount == 1


def release(session: Session, order_id: int) -> None:
    """Give back the use an order took (refunds): the learner may use the code again."""
    rows = session.exec(select(CouponRedemption).where(CouponRedemption.order_id == order_id)).all()
    for row in rows:
        session.execute(update(Coupon).where(Coupon.id == row.coupon_id, Coupon.used_count > 0)
                        .values(used_count=Coupon.used_count - 1).execution_options(synchronize_session=False))
    session.execute(delete(CouponRedemption).where(CouponRedemption.order_id == order_id))


# --- management ------------------------------------------------------------------------

def _int(raw: object, field: str, low: int, high: int, message: str) -> int:
    if isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) < 12:
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
        raise ServiceError(message, field)
    return raw


def _date(raw: object, field: str) -> datetime | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str) or len(raw) > 32:
        raise ServiceError("Enter the date as YYYY-MM-DD.", field)
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ServiceError("Enter the date as YYYY-MM-DD.", field) from None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def create(session: Session, actor: Actor, code: object, kind: object, amount: object, *,
           course_id: object = None, valid_from: object = None, valid_until: object = None,
           max_redemptions: object = None, once_per_account: object = True) -> Coupon:
    require_role(actor, TEACHER_AREA)
    clean = clean_code(code)
    if kind not in ("percent", "fixed"):
        raise ServiceError("Choose percent or fixed amount.", "kind")
    value = _int(amount, "amount", 1, 100 if kind == "percent" else 10**9,
                 "Enter a percent from 1 to 100." if kind == "percent" else "Enter a positive amount in cents.")
    course = None
    if course_id not in (None, "", 0, "0"):
        cid = _int(course_id, "course_id", 1, 2**62, "Choose a course.")
        course = session.get(Course, cid)
        if course is None:
            raise ServiceError("Choose a course.", "course_id")
    if actor.role != "admin" and (course is None or course.teacher_id != actor.user_id):
        raise PermissionDenied("Teachers create coupons for their own courses only.")
    start, end = _date(valid_from, "valid_from"), _date(valid_until, "valid_until")
    if start and end and end <= start:
        raise ServiceError("The end date must be after the start date.", "valid_until")
    cap = None if max_redemptions in (None, "", 0, "0") else _int(
        max_redemptions, "max_redemptions", 1, 10**7, "Enter a whole number of uses, or leave empty.")
    if session.exec(select(Coupon.id).where(Coupon.code == clean)).first() is not None:
        raise ServiceError("A coupon with this code already exists.", "code")
    coupon = Coupon(code=clean, kind=kind, amount=value, currency=course.currency if course else "USD",
                    course_id=course.id if course else None, created_by=actor.user_id, valid_from=start,
                    valid_until=end, max_redemptions=cap, once_per_account=once_per_account not in (False, "off", "false"))
    session.add(coupon)
    session.flush()
    audit.record(session, actor, "coupon.create", "coupon", coupon.id, f"{clean}: {kind} {value}")
    return coupon


def _managed(session: Session, actor: Actor):
    require_role(actor, TEACHER_AREA)
    query = select(Coupon, Course.title).join(Course, Course.id == Coupon.course_id, isouter=True)
    if actor.role != "admin":
        query = query.where(Course.teacher_id == actor.user_id)
    return query


def list_for(session: Session, actor: Actor, limit: int = 200) -> list[dict]:
    rows = session.exec(_managed(session, actor).order_by(Coupon.id.desc()).limit(limit)).all()
    return [coupon_view(c, title) for c, title in rows]


def set_active(session: Session, actor: Actor, coupon_id: object, active: bool) -> Coupon:
    cid = _int(coupon_id, "coupon_id", 1, 2**62, "That coupon does not exist.")
    found = session.exec(_managed(session, actor).where(Coupon.id == cid)).first()
    if found is None:
        raise PermissionDenied("That coupon does not exist or is not yours.")
    coupon = found[0]
    coupon.active = bool(active)
    session.add(coupon)
    audit.record(session, actor, "coupon.activate" if coupon.active else "coupon.deactivate", "coupon", coupon.id,
                 coupon.code)
    return coupon


def coupon_view(coupon: Coupon, course_title: str | None) -> dict:
    from lms_app.core.money import format_price

    off = f"{coupon.amount}%" if coupon.kind == "percent" else format_price(coupon.amount, coupon.currency)
    cap = "unlimited" if coupon.max_redemptions is None else str(coupon.max_redemptions)
    return {"id": coupon.id, "code": coupon.code, "off": off, "scope": course_title or "All courses",
            "uses": f"{coupon.used_count} / {cap}", "active": coupon.active,
            "window": " – ".join(d.strftime("%Y-%m-%d") if d else "…" for d in (coupon.valid_from, coupon.valid_until))
            if (coupon.valid_from or coupon.valid_until) else "Always"}


def course_choices(session: Session, actor: Actor) -> list[dict]:
    """Courses this actor may scope a coupon to (teachers: their own; admins: all)."""
    require_role(actor, TEACHER_AREA)
    query = select(Course.id, Course.title).order_by(Course.title).limit(500)
    if actor.role != "admin":
        query = query.where(Course.teacher_id == actor.user_id)
    return [{"id": str(cid), "title": title} for cid, title in session.exec(query).all()]
