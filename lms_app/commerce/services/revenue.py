"""Revenue from the ledger: per course and per month for a teacher, the platform summary for admins.

Sums run in SQL over ``ledger_entries`` (sales plus negative reversals), so refunds net out.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from lms_app.core.courses import Course
from lms_app.commerce.models import LedgerEntry, Order
from lms_app.core.sessions import Actor
from lms_app.core.money import format_amount
from lms_app.core.permissions import ADMIN_AREA, TEACHER_AREA, require_role

_SUMS = (func.sum(LedgerEntry.amount_minor), func.sum(LedgerEntry.platform_fee_minor),
         func.sum(LedgerEntry.teacher_share_minor),
         func.sum(func.cast(LedgerEntry.kind == "sale", type_=LedgerEntry.amount_minor.type)))


def _row(label: str, currency: str, gross: int, fee: int, share: int, sales: int) -> dict:
    return {"label": label, "sales": int(sales or 0), "gross": format_amount(int(gross or 0), currency),
            "fee": format_amount(int(fee or 0), currency), "share": format_amount(int(share or 0), currency)}


# How a row sold through ``purchase_item`` (not a course) is labelled in the per-item table.
ITEM_LABELS = {"live": "Live session"}


def teacher_revenue(session: Session, actor: Actor) -> dict[str, list[dict]]:
    """{"courses": [...], "months": [...]} for the teacher's own sales (admins: their own too).
    "courses" has one row per course, then one per other item sold through the checkout (a live
    session's seats, by the title they were sold under), so nothing the months count is missing
    from the per-item table."""
    require_role(actor, TEACHER_AREA)
    by_course = session.exec(
        select(Course.title, LedgerEntry.currency, *_SUMS).join(Course, Course.id == LedgerEntry.course_id)
        .where(LedgerEntry.teacher_id == actor.user_id).group_by(Course.id, Course.title, LedgerEntry.currency)
        .order_by(Course.title)).all()
    if session.get_bind().dialect.name == "postgresql":
        month = func.to_char(func.timezone("UTC", LedgerEntry.created_at), "YYYY-MM")
    else:  # SQLite stores UTC text: 'YYYY-MM-DD HH:MM:SS...'
        month = func.substr(LedgerEntry.created_at, 1, 7)
    by_month = session.exec(
        select(month, LedgerEntry.currency, *_SUMS).where(LedgerEntry.teacher_id == actor.user_id)
        .group_by(month, LedgerEntry.currency).order_by(month.desc()).limit(120)).all()
    by_item = session.exec(
        select(LedgerEntry.item_kind, Order.course_title, LedgerEntry.currency, *_SUMS)
        .join(Order, Order.id == LedgerEntry.order_id)
        .where(LedgerEntry.teacher_id == actor.user_id, LedgerEntry.course_id.is_(None))
        .group_by(LedgerEntry.item_kind, Order.course_title, LedgerEntry.currency)
        .order_by(LedgerEntry.item_kind, Order.course_title).limit(500)).all()
    items = [_row(f"{ITEM_LABELS.get(k, k.replace('_', ' ').capitalize())}: {t}", c, g, f, s, n)
             for k, t, c, g, f, s, n in by_item]
    return {"courses": [_row(t, c, g, f, s, n) for t, c, g, f, s, n in by_course] + items,
            "months": [_row(m, c, g, f, sh, n) for m, c, g, f, sh, n in by_month]}


def platform_summary(session: Session, actor: Actor) -> list[dict]:
    require_role(actor, ADMIN_AREA)
    rows = session.exec(select(LedgerEntry.currency, *_SUMS).group_by(LedgerEntry.currency)).all()
    return [_row(c, c, g, f, s, n) for c, g, f, s, n in rows]
