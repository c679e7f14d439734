"""Platform analytics for admins: KPIs with the previous period, series, top lists, categories.

Everything is aggregated in SQL (``analytics_sql.bucket`` picks date_trunc/strftime per
dialect). ``dashboard`` runs a fixed number of queries (ten) whatever the data size; it reads
the learning-event table and the revenue ledger, plus ``users``/``courses`` for stock counts.
Money stays in integer minor units per currency.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TypedDict

from sqlalchemy import and_, case, func, literal, or_, true, union_all
from sqlmodel import Session, select

from lms_app.core.courses import Category, Course
from lms_app.commerce.models import CouponRedemption, LedgerEntry
from lms_app.core.event_log import LearningEvent
from lms_app.admin.models import TeacherApplication
from lms_app.core.users import User
from lms_app.core.sessions import Actor
from lms_app.analytics.services.sql import Period, bucket_keys, label, period, truncate
from lms_app.core.money import format_amount
from lms_app.core.permissions import ADMIN_AREA, require_role

ACTIVITY_KINDS = ("lesson_started", "lesson_completed", "course_completed", "quiz_submitted", "assignment_graded")
TOP_N = 10


class KpiView(TypedDict):
    key: str
    label: str
    value: str
    previous: str
    change: str  # "+12%", "-3%", "" when there is nothing to compare
    trend: str  # "up" | "down" | "flat"
    icon: str


def chart_label(text: str, limit: int = 18) -> str:
    """An axis label that fits the chart on one line; tables and CSV keep the whole title."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _between(column, p: Period):
    return and_(column >= p.start, column < p.end)


def _count_in(column, p: Period):
    return func.coalesce(func.sum(case((_between(column, p), 1), else_=0)), 0)


def _sum_in(column, value, p: Period):
    return func.coalesce(func.sum(case((_between(column, p), value), else_=0)), 0)


def _change(now: float, before: float) -> tuple[str, str]:
    if before == 0:
        return ("" if now == 0 else "new"), ("flat" if now == 0 else "up")
    pct = round((now - before) * 100 / abs(before))
    return f"{pct:+d}%", "up" if pct > 0 else "down" if pct < 0 else "flat"


def kpi(key: str, label: str, now, before, icon: str, fmt=lambda v: f"{int(v):,}") -> KpiView:
    change, trend = _change(float(now), float(before)) if before is not None else ("", "flat")
    return KpiView(key=key, label=label, value=fmt(now), previous="" if before is None else fmt(before),
                   change=change, trend=trend, icon=icon)


def _pct(part: int, whole: int) -> float:
    return round(part * 100 / whole, 1) if whole else 0.0


def kpis(session: Session, p: Period) -> dict:
    """Headline numbers (five queries)."""
    prev = p.previous
    # 1. users by role with sign-ups now / before
    users = session.exec(select(User.role, func.count(User.id), _count_in(User.created_at, p),
                                _count_in(User.created_at, prev)).group_by(User.role)).all()
    by_role = {role: int(n) for role, n, _, _ in users}
    signups, signups_prev = sum(int(r[2]) for r in users), sum(int(r[3]) for r in users)
    # 2. courses by status, pending applications, coupon redemptions now / before
    pending_apps = (select(func.count(TeacherApplication.id)).where(TeacherApplication.status == "pending")
                    .scalar_subquery())
    redeemed = select(func.count(CouponRedemption.id)).where(_between(CouponRedemption.created_at, p)).scalar_subquery()
    redeemed_prev = (select(func.count(CouponRedemption.id)).where(_between(CouponRedemption.created_at, prev))
                     .scalar_subquery())
    courses = session.exec(select(Course.status, func.count(Course.id), pending_apps, redeemed, redeemed_prev)
                           .group_by(Course.status)).all()
    by_status = {status: int(n) for status, n, *_ in courses}
    if courses:
        apps, coupons_now, coupons_prev = (int(v) for v in courses[0][2:])
    else:
        apps, coupons_now, coupons_prev = (int(v) for v in session.exec(select(pending_apps, redeemed, redeemed_prev)).one())
    # 3. events: enrolments and completions now / before
    ev = LearningEvent
    counted = session.exec(select(ev.kind, _count_in(ev.occurred_at, p), _count_in(ev.occurred_at, prev))
                           .where(ev.kind.in_(("enrolled", "course_completed")), ev.occurred_at >= prev.start,
                                  ev.occurred_at < p.end).group_by(ev.kind)).all()
    events = {kind: (int(a), int(b)) for kind, a, b in counted}
    # 4. active learners: distinct learners with learning activity in the 30 (and 7) days before the
    #    end of the period and of the previous one. Per window, one index-only range scan of
    #    ix_learning_events_kind_occurred_user_course grouped by learner (last activity), then counted.
    def _window(end):
        last = (select(func.max(ev.occurred_at).label("last"))
                .where(ev.kind.in_(ACTIVITY_KINDS), ev.occurred_at >= end - timedelta(days=30), ev.occurred_at < end,
                       ev.user_id.is_not(None)).group_by(ev.user_id).subquery())
        return (select(func.count(case((last.c.last >= end - timedelta(days=7), 1))).label("d7"),
                       func.count().label("d30")).select_from(last).subquery())

    now_w, prev_w = _window(p.end), _window(prev.end)
    row = session.exec(select(now_w.c.d7, now_w.c.d30, prev_w.c.d7, prev_w.c.d30)
                       .select_from(now_w.join(prev_w, true()))).one()
    active = {"now": (int(row[0]), int(row[1])), "prev": (int(row[2]), int(row[3]))}
    # 5. money from the ledger, per currency
    led = LedgerEntry
    money = session.exec(select(
        led.currency,
        _sum_in(led.created_at, case((led.kind == "sale", led.amount_minor), else_=0), p),
        _sum_in(led.created_at, case((led.kind == "refund", -led.amount_minor), else_=0), p),
        _count_in(led.created_at, p) - _sum_in(led.created_at, case((led.kind == "sale", 1), else_=0), p),
        _sum_in(led.created_at, case((led.kind == "sale", led.amount_minor), else_=0), prev),
        _sum_in(led.created_at, case((led.kind == "refund", -led.amount_minor), else_=0), prev),
        _count_in(led.created_at, prev) - _sum_in(led.created_at, case((led.kind == "sale", 1), else_=0), prev),
    ).where(led.created_at >= prev.start, led.created_at < p.end).group_by(led.currency)).all()
    money_rows = sorted(((c, *(int(v) for v in rest)) for c, *rest in money), key=lambda r: -r[1])
    enrolled_now, enrolled_prev = events.get("enrolled", (0, 0))
    done_now, done_prev = events.get("course_completed", (0, 0))
    cards = [
        kpi("signups", "New sign-ups", signups, signups_prev, "user-plus"),
        kpi("active7", "Active learners (7 days)", active["now"][0], active["prev"][0], "activity"),
        kpi("active30", "Active learners (30 days)", active["now"][1], active["prev"][1], "users"),
        kpi("enrollments", "Enrollments", enrolled_now, enrolled_prev, "book-open-check"),
        kpi("completion", "Completion rate", _pct(done_now, enrolled_now), _pct(done_prev, enrolled_prev),
            "graduation-cap", fmt=lambda v: f"{v:g}%"),
        kpi("coupons", "Coupon redemptions", coupons_now, coupons_prev, "ticket-percent"),
        kpi("pending", "Pending approvals", by_status.get("pending", 0) + apps, None, "clipboard-check"),
    ]
    for currency, gross, refunds, refund_count, gross_prev, refunds_prev, refund_count_prev in money_rows[:3]:
        fmt = (lambda c: (lambda v: format_amount(int(v), c)))(currency)
        cards += [kpi(f"gross_{currency}", f"Revenue gross ({currency})", gross, gross_prev, "banknote", fmt),
                  kpi(f"net_{currency}", f"Revenue net of refunds ({currency})", gross - refunds,
                      gross_prev - refunds_prev, "wallet", fmt),
                  kpi(f"refunds_{currency}", f"Refunds ({currency})", refunds, refunds_prev, "undo-2", fmt),
                  kpi(f"refund_count_{currency}", f"Refunded orders ({currency})", refund_count, refund_count_prev,
                      "receipt")]
    stock = ([{"label": f"{r.title()}s", "value": by_role.get(r, 0)} for r in ("learner", "teacher", "admin")],
             [{"label": s.title(), "value": by_status.get(s, 0)}
              for s in ("published", "pending", "draft", "rejected", "archived")])
    return {"cards": cards, "users": stock[0], "courses": stock[1], "pending_applications": apps,
            "pending_courses": by_status.get("pending", 0)}


def series(session: Session, p: Period) -> dict:
    """Sign-ups and enrolments per bucket (one UNION query) and revenue per bucket (one query)."""
    users_b = truncate(session, User.created_at, p.grain)
    events_b = truncate(session, LearningEvent.occurred_at, p.grain)
    signups = (select(literal("signups").label("what"), users_b.label("b"), func.count(User.id).label("n"))
               .where(_between(User.created_at, p)).group_by(users_b))
    enrolled = (select(literal("enrollments").label("what"), events_b.label("b"), func.count().label("n"))
                .where(LearningEvent.kind == "enrolled", _between(LearningEvent.occurred_at, p)).group_by(events_b))
    both = union_all(signups, enrolled).subquery()
    counts: dict[tuple[str, str], int] = {(what, b): int(n) for what, b, n in session.execute(
        select(both.c.what, label(session, both.c.b), both.c.n))}
    led_b = truncate(session, LedgerEntry.created_at, p.grain).label("b")
    per = (select(led_b, LedgerEntry.currency.label("currency"), func.sum(LedgerEntry.amount_minor).label("amount"))
           .where(_between(LedgerEntry.created_at, p)).group_by(led_b, LedgerEntry.currency).subquery())
    money = session.exec(select(label(session, per.c.b), per.c.currency, per.c.amount)).all()
    totals: dict[str, int] = {}
    for _, currency, amount in money:
        totals[currency] = totals.get(currency, 0) + int(amount)
    main = max(totals, key=totals.get) if totals else "USD"
    revenue = {b: int(amount) for b, currency, amount in money if currency == main}
    keys = bucket_keys(p)
    return {
        "activity": [{"date": k, "signups": counts.get(("signups", k), 0),
                      "enrollments": counts.get(("enrollments", k), 0)} for k in keys],
        "revenue": [{"date": k, "net": round(revenue.get(k, 0) / 100, 2)} for k in keys],
        "currency": main,
    }


def top_courses(session: Session, p: Period, limit: int = TOP_N) -> dict:
    """Top courses by enrolments and by net revenue in the period (two queries)."""
    ev = LearningEvent
    n = func.count().label("n")
    top = (select(ev.course_id.label("course_id"), n).where(ev.kind == "enrolled", _between(ev.occurred_at, p),
                                                             ev.course_id.is_not(None))
           .group_by(ev.course_id).order_by(n.desc(), ev.course_id).limit(limit).subquery())
    by_enrol = session.exec(select(Course.id, Course.title, top.c.n).join(top, top.c.course_id == Course.id)
                            .order_by(top.c.n.desc(), Course.id)).all()
    net = func.sum(LedgerEntry.amount_minor).label("net")
    by_money = session.exec(select(Course.id, Course.title, LedgerEntry.currency, net)
                            .join(Course, Course.id == LedgerEntry.course_id)
                            .where(_between(LedgerEntry.created_at, p))
                            .group_by(Course.id, Course.title, LedgerEntry.currency)
                            .order_by(net.desc(), Course.id).limit(limit)).all()
    return {
        "by_enrollments": [{"id": cid, "title": title, "label": chart_label(title), "enrollments": int(count)}
                           for cid, title, count in by_enrol],
        "by_revenue": [{"id": cid, "title": title, "currency": cur, "net_minor": int(amount),
                        "net": format_amount(int(amount), cur)} for cid, title, cur, amount in by_money],
    }


def categories(session: Session, p: Period) -> list[dict]:
    """Published courses and enrolments in the period per category (one query)."""
    ev = LearningEvent
    enrolled = (select(ev.course_id.label("course_id"), func.count().label("n"))
                .where(ev.kind == "enrolled", _between(ev.occurred_at, p)).group_by(ev.course_id).subquery())
    name = func.coalesce(Category.name, "Uncategorised")
    rows = session.exec(select(name, func.count(Course.id), func.coalesce(func.sum(enrolled.c.n), 0))
                        .select_from(Course).outerjoin(Category, Category.id == Course.category_id)
                        .outerjoin(enrolled, enrolled.c.course_id == Course.id)
                        .where(or_(Course.status == "published", enrolled.c.n.is_not(None)))
                        .group_by(name).order_by(func.coalesce(func.sum(enrolled.c.n), 0).desc(), name)).all()
    return [{"category": c, "courses": int(courses), "enrollments": int(n)} for c, courses, n in rows]


def dashboard(session: Session, actor: Actor, start: object = None, end: object = None) -> dict:
    """Everything the analytics page shows, for a validated range (ten queries)."""
    require_role(actor, ADMIN_AREA)
    p = period(start, end)
    result = {"period": {"start": f"{p.start:%Y-%m-%d}", "end": f"{p.end - timedelta(days=1):%Y-%m-%d}",
                         "label": p.label, "previous": p.previous.label, "grain": p.grain}}
    result.update(kpis(session, p))
    result.update(series(session, p))
    result.update(top_courses(session, p))
    result["categories"] = categories(session, p)
    return result


# --- CSV exports: the same queries, as rows --------------------------------------------

EXPORTS = ("kpis", "activity", "revenue", "top_enrollments", "top_revenue", "categories")


def export_table(session: Session, actor: Actor, table: object, start: object = None, end: object = None):
    """(filename, headers, rows) of one analytics table for the range."""
    require_role(actor, ADMIN_AREA)
    from lms_app.core.errors import ServiceError

    if table not in EXPORTS:
        raise ServiceError("That table cannot be exported.")
    p = period(start, end)
    stem = f"{table}-{p.start:%Y%m%d}-{p.end - timedelta(days=1):%Y%m%d}.csv"
    if table == "kpis":
        cards = kpis(session, p)["cards"]
        return stem, ["Metric", "This period", "Previous period", "Change"], [
            [c["label"], c["value"], c["previous"], c["change"]] for c in cards]
    if table in ("activity", "revenue"):
        data = series(session, p)
        if table == "activity":
            return stem, ["Date", "Sign-ups", "Enrollments"], [[r["date"], r["signups"], r["enrollments"]]
                                                                for r in data["activity"]]
        return stem, ["Date", f"Net revenue ({data['currency']})"], [[r["date"], r["net"]] for r in data["revenue"]]
    if table == "categories":
        return stem, ["Category", "Courses", "Enrollments"], [[r["category"], r["courses"], r["enrollments"]]
                                                              for r in categories(session, p)]
    top = top_courses(session, p, limit=100)
    if table == "top_enrollments":
        return stem, ["Course", "Enrollments"], [[r["title"], r["enrollments"]] for r in top["by_enrollments"]]
    return stem, ["Course", "Currency", "Net revenue"], [[r["title"], r["currency"], r["net"]]
                                                        for r in top["by_revenue"]]
