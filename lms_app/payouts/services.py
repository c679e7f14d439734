"""Payout statements from the revenue ledger: one per teacher, month (UTC) and currency.

Figures (integer minor units, per statement):
- gross: what buyers paid for sales booked in the month; sales: how many;
- refunds: reversals booked in the month (zero or negative). A refund lands in the month it
  happened (the reversal's ``created_at``), even when the sale's month was already paid: a paid
  statement never changes;
- net = gross + refunds; platform fee = the sum of the entries' fees (each rounded once, when
  booked, by ``split_fee``); amount due = the sum of the teacher shares = net - fee, exactly.

Status: ``open`` while the month is running (the current UTC month), then ``due`` until an
admin marks it paid (``paid``: a ``payout_statements`` row holding the figures as paid).
Teachers read their own statements; admins read and mark everyone's. The pages, the REST API and
the PDF/CSV downloads all call these functions.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import TypedDict

from sqlalchemy import and_, case, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.commerce.models import LedgerEntry, Order
from lms_app.commerce.services.revenue import ITEM_LABELS
from lms_app.core import audit
from lms_app.core.arguments import clean_text, object_id, page_number
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.money import format_amount
from lms_app.core.permissions import ADMIN_AREA, TEACHER_AREA, require_role
from lms_app.core.sessions import Actor
from lms_app.core.types import utcnow
from lms_app.core.users import User
from lms_app.payouts.models import PayoutStatement

PAGE_SIZE = 12
ADMIN_PAGE_SIZE = 25
STATUSES = ("due", "paid")
NOT_FOUND = "That statement does not exist."
ALREADY_PAID = "This statement is already marked paid."
REFUND_NOTE = ("A refund lands in the month it happened: a refund made after a statement was paid is "
               "deducted from that later month's statement, never from the paid one.")
_MONTH = re.compile(r"(20\d\d)-(0[1-9]|1[0-2])")
_CURRENCY = re.compile(r"[A-Z]{3}")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")


class StatementView(TypedDict):
    key: str               # "<teacher id>/<YYYY-MM>/<currency>", the statement's address
    teacher_id: int
    teacher: str
    month: str
    month_label: str
    currency: str
    sales: int
    gross: str
    refunds: str
    net: str
    fee: str
    due: str
    due_minor: int
    status: str            # open | due | paid
    status_label: str
    paid_label: str
    reference: str
    pdf_url: str
    csv_url: str


class LineView(TypedDict):
    item: str
    sales: int
    gross: str
    refunds: str
    net: str
    fee: str
    due: str


# --- arguments -----------------------------------------------------------------------------

def current_month(now: datetime | None = None) -> str:
    return (now or utcnow()).astimezone(timezone.utc).strftime("%Y-%m")


def last_ended_month(now: datetime | None = None) -> str:
    start, _ = month_bounds(current_month(now))
    return (start - timedelta(days=1)).strftime("%Y-%m")


def parse_month(raw: object) -> str:
    if not isinstance(raw, str) or not _MONTH.fullmatch(raw.strip()):
        raise ServiceError("Choose a month as YYYY-MM.", "month")
    return raw.strip()


def parse_currency(raw: object) -> str:
    text = raw.strip().upper() if isinstance(raw, str) else ""
    if not _CURRENCY.fullmatch(text):
        raise ServiceError("Choose a currency as a three-letter code.", "currency")
    return text


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) in UTC."""
    year, mon = int(month[:4]), int(month[5:])
    start = datetime(year, mon, 1, tzinfo=timezone.utc)
    end = datetime(year + (mon == 12), 1 if mon == 12 else mon + 1, 1, tzinfo=timezone.utc)
    return start, end


def month_label(month: str) -> str:
    return f"{_MONTH_NAMES[int(month[5:]) - 1]} {month[:4]}"


def _month_expr(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", LedgerEntry.created_at), "YYYY-MM")
    return func.substr(LedgerEntry.created_at, 1, 7)  # SQLite stores UTC text 'YYYY-MM-DD HH:MM:SS...'


def _sums():
    sale = LedgerEntry.kind == "sale"
    return (func.count(case((sale, 1))),
            func.coalesce(func.sum(case((sale, LedgerEntry.amount_minor), else_=0)), 0),
            func.coalesce(func.sum(case((sale, 0), else_=LedgerEntry.amount_minor)), 0),
            func.coalesce(func.sum(LedgerEntry.platform_fee_minor), 0),
            func.coalesce(func.sum(LedgerEntry.teacher_share_minor), 0))


def _figures(sales, gross, refunds, fee, due) -> dict:
    gross, refunds, fee, due = int(gross or 0), int(refunds or 0), int(fee or 0), int(due or 0)
    return {"sales": int(sales or 0), "gross": gross, "refunds": refunds, "net": gross + refunds, "fee": fee,
            "due": due}


def _view(teacher_id: int, teacher: str, month: str, currency: str, figures: dict,
          paid: PayoutStatement | None, now_month: str) -> StatementView:
    if paid is not None:  # what was paid, as it was paid
        figures = {"sales": paid.sales_count, "gross": paid.gross_minor, "refunds": paid.refunds_minor,
                   "net": paid.net_minor, "fee": paid.platform_fee_minor, "due": paid.amount_due_minor}
        status, label = "paid", "Paid"
    elif month >= now_month:
        status, label = "open", "Open (month running)"
    else:
        status, label = "due", "Due"
    key = f"{teacher_id}/{month}/{currency}"

    def money(minor):
        return format_amount(minor, currency)

    return StatementView(
        key=key, teacher_id=teacher_id, teacher=teacher, month=month, month_label=month_label(month),
        currency=currency, sales=figures["sales"], gross=money(figures["gross"]), refunds=money(figures["refunds"]),
        net=money(figures["net"]), fee=money(figures["fee"]), due=money(figures["due"]), due_minor=figures["due"],
        status=status, status_label=label,
        paid_label=paid.paid_at.strftime("%Y-%m-%d") if paid is not None else "",
        reference=paid.reference if paid is not None else "",
        pdf_url=f"/api/payouts/{key}/statement.pdf", csv_url=f"/api/payouts/{key}/statement.csv")


def _paid_rows(session: Session, keys: set[tuple[int, str, str]]) -> dict[tuple[int, str, str], PayoutStatement]:
    if not keys:
        return {}
    teachers = {k[0] for k in keys}
    months = {k[1] for k in keys}
    rows = session.exec(select(PayoutStatement).where(PayoutStatement.teacher_id.in_(teachers),
                                                      PayoutStatement.month.in_(months))).all()
    return {(r.teacher_id, r.month, r.currency): r for r in rows if (r.teacher_id, r.month, r.currency) in keys}


def _name(session: Session, user_id: int) -> str:
    return session.exec(select(User.name).where(User.id == user_id)).first() or f"Teacher {user_id}"


# --- reading ---------------------------------------------------------------------------------

def teacher_statements(session: Session, actor: Actor, page: object = 1) -> dict:
    """The caller's own statements, newest month first, a page of ``PAGE_SIZE`` (four queries)."""
    require_role(actor, TEACHER_AREA)
    number = page_number(page)
    month = _month_expr(session)
    grouped = (select(month, LedgerEntry.currency, *_sums()).where(LedgerEntry.teacher_id == actor.user_id)
               .group_by(month, LedgerEntry.currency))
    total = int(session.exec(select(func.count()).select_from(grouped.subquery())).one())
    rows = session.exec(grouped.order_by(month.desc(), LedgerEntry.currency)
                        .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    paid = _paid_rows(session, {(actor.user_id, m, c) for m, c, *_ in rows})
    now_month = current_month()
    name = _name(session, actor.user_id) if rows else ""
    views = [_view(actor.user_id, name, m, c, _figures(*sums), paid.get((actor.user_id, m, c)), now_month)
             for m, c, *sums in rows]
    return {"rows": views, "page": number, "pages": max(1, -(-total // PAGE_SIZE)), "total": total}


def admin_statements(session: Session, actor: Actor, month: object = "", status: object = "",
                     page: object = 1) -> dict:
    """Statements of ended months for every teacher, newest month first, filtered by month
    (YYYY-MM) and status (due/paid); a page of ``ADMIN_PAGE_SIZE`` (two queries)."""
    require_role(actor, ADMIN_AREA)
    number = page_number(page)
    now_month = current_month()
    month_start, _ = month_bounds(now_month)
    m = _month_expr(session)
    where = [LedgerEntry.created_at < month_start]
    chosen = ""
    if isinstance(month, str) and month.strip():
        chosen = parse_month(month)
        start, end = month_bounds(chosen)
        where += [LedgerEntry.created_at >= start, LedgerEntry.created_at < end]
    grouped = (select(LedgerEntry.teacher_id.label("teacher_id"), m.label("month"),
                      LedgerEntry.currency.label("currency"), *[s.label(f"s{i}") for i, s in enumerate(_sums())])
               .where(*where).group_by(LedgerEntry.teacher_id, m, LedgerEntry.currency).subquery())
    query = (select(grouped, User.name, PayoutStatement)
             .join(User, User.id == grouped.c.teacher_id)
             .outerjoin(PayoutStatement, and_(PayoutStatement.teacher_id == grouped.c.teacher_id,
                                              PayoutStatement.month == grouped.c.month,
                                              PayoutStatement.currency == grouped.c.currency)))
    if status == "due":
        query = query.where(PayoutStatement.id.is_(None))
    elif status == "paid":
        query = query.where(PayoutStatement.id.is_not(None))
    total = int(session.exec(select(func.count()).select_from(query.subquery())).one())
    rows = session.exec(query.order_by(grouped.c.month.desc(), User.name, grouped.c.currency)
                        .offset((number - 1) * ADMIN_PAGE_SIZE).limit(ADMIN_PAGE_SIZE)).all()
    views = [_view(t, name, mo, c, _figures(*sums), paid, now_month)
             for t, mo, c, *sums, name, paid in rows]
    return {"rows": views, "page": number, "pages": max(1, -(-total // ADMIN_PAGE_SIZE)), "total": total,
            "month": chosen, "status": status if status in STATUSES else ""}


def _readable(actor: Actor | None, teacher_id: int) -> None:
    if actor is None or actor.role not in TEACHER_AREA:
        raise PermissionDenied()
    if actor.role != "admin" and actor.user_id != teacher_id:
        raise PermissionDenied()


def _load(session: Session, actor: Actor | None, teacher_id: object, month: object, currency: object):
    """(StatementView, [(label, figures)], total figures, paid row or None)."""
    teacher = object_id(teacher_id, NOT_FOUND)
    _readable(actor, teacher)
    chosen, cur = parse_month(month), parse_currency(currency)
    start, end = month_bounds(chosen)
    rows = session.exec(
        select(LedgerEntry.item_kind, Order.course_title, *_sums())
        .join(Order, Order.id == LedgerEntry.order_id)
        .where(LedgerEntry.teacher_id == teacher, LedgerEntry.currency == cur, LedgerEntry.created_at >= start,
               LedgerEntry.created_at < end)
        .group_by(LedgerEntry.item_kind, Order.course_title)
        .order_by(Order.course_title, LedgerEntry.item_kind).limit(1000)).all()
    paid = session.exec(select(PayoutStatement).where(PayoutStatement.teacher_id == teacher,
                                                      PayoutStatement.month == chosen,
                                                      PayoutStatement.currency == cur)).first()
    if not rows and paid is None:
        raise ServiceError(NOT_FOUND)
    lines, total = [], {"sales": 0, "gross": 0, "refunds": 0, "net": 0, "fee": 0, "due": 0}
    for kind, title, *sums in rows:
        f = _figures(*sums)
        for k in total:
            total[k] += f[k]
        label = title if kind == "course" else f"{ITEM_LABELS.get(kind, kind.replace('_', ' ').capitalize())}: {title}"
        lines.append((label, f))
    view = _view(teacher, _name(session, teacher), chosen, cur, total, paid, current_month())
    if paid is not None:  # the figures as paid (the ledger of an ended month does not change)
        total = {"sales": paid.sales_count, "gross": paid.gross_minor, "refunds": paid.refunds_minor,
                 "net": paid.net_minor, "fee": paid.platform_fee_minor, "due": paid.amount_due_minor}
    return view, lines, total, paid


def statement(session: Session, actor: Actor | None, teacher_id: object, month: object, currency: object) -> dict:
    """One statement with its lines per item sold: the teacher's own, or any for an admin.

    {"statement": StatementView, "lines": [LineView], "note": REFUND_NOTE}. Raises
    PermissionDenied for someone else's statement, ServiceError(NOT_FOUND) when there is none."""
    view, lines, _, _ = _load(session, actor, teacher_id, month, currency)
    cur = view["currency"]
    return {"statement": view, "note": REFUND_NOTE,
            "lines": [LineView(item=label, sales=f["sales"], gross=format_amount(f["gross"], cur),
                               refunds=format_amount(f["refunds"], cur), net=format_amount(f["net"], cur),
                               fee=format_amount(f["fee"], cur), due=format_amount(f["due"], cur))
                      for label, f in lines]}


# --- marking paid ----------------------------------------------------------------------------

def _live_figures(session: Session, teacher_id: int, month: str, currency: str) -> dict | None:
    start, end = month_bounds(month)
    row = session.exec(select(func.count(LedgerEntry.id), *_sums())
                       .where(LedgerEntry.teacher_id == teacher_id, LedgerEntry.currency == currency,
                              LedgerEntry.created_at >= start, LedgerEntry.created_at < end)).one()
    if not row[0]:
        return None
    return _figures(*row[1:])


def mark_paid(session: Session, actor: Actor, teacher_id: object, month: object, currency: object,
              reference: object) -> StatementView:
    """Record that an admin paid a teacher's statement of an ended month (once; audited).

    The figures are computed from the ledger now and kept as paid. A second call for the same
    teacher, month and currency is refused (and the database's unique constraint refuses a
    concurrent one)."""
    require_role(actor, ADMIN_AREA)
    teacher = object_id(teacher_id, NOT_FOUND)
    chosen, cur = parse_month(month), parse_currency(currency)
    note = clean_text(reference, "reference", "A payment reference", maximum=120, minimum=1)
    if chosen >= current_month():
        raise ServiceError("This month has not ended yet: statements can be paid from the 1st of the next month.")
    figures = _live_figures(session, teacher, chosen, cur)
    if figures is None:
        raise ServiceError(NOT_FOUND)
    if session.exec(select(PayoutStatement.id).where(PayoutStatement.teacher_id == teacher,
                                                     PayoutStatement.month == chosen,
                                                     PayoutStatement.currency == cur)).first():
        raise ServiceError(ALREADY_PAID)
    row = PayoutStatement(teacher_id=teacher, month=chosen, currency=cur, sales_count=figures["sales"],
                          gross_minor=figures["gross"], refunds_minor=figures["refunds"], net_minor=figures["net"],
                          platform_fee_minor=figures["fee"], amount_due_minor=figures["due"], reference=note,
                          paid_by=actor.user_id, paid_at=utcnow())
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ServiceError(ALREADY_PAID) from None
    name = _name(session, teacher)
    audit.record(session, actor, "payout.mark_paid", "payout statement", row.id,
                 f"{name}: {month_label(chosen)} {cur}, {format_amount(figures['due'], cur)} paid (reference {note})")
    return _view(teacher, name, chosen, cur, figures, row, current_month())


# --- downloads -------------------------------------------------------------------------------

CSV_HEADERS = ["Item", "Sales", "Gross sales", "Refunds", "Net", "Platform fee", "Amount due", "Currency"]


def statement_csv(session: Session, actor: Actor | None, teacher_id: object, month: object,
                  currency: object) -> tuple[str, str]:
    """(file name, CSV text): one row per item, the total, then the statement's details. Amounts
    are plain decimals in major units (numbers a spreadsheet can add), with their currency."""
    from lms_app.core.csv_export import to_csv
    from lms_app.core.money import decimal_amount

    view, lines, total, _ = _load(session, actor, teacher_id, month, currency)
    cur = view["currency"]

    def row(label, f):
        return [label, f["sales"], *[decimal_amount(f[k], cur) for k in ("gross", "refunds", "net", "fee", "due")],
                cur]

    rows = [row(label, f) for label, f in lines]
    rows.append(row("Total", total))
    rows.append([])
    rows.append(["Teacher", view["teacher"]])
    rows.append(["Month (UTC)", view["month"]])
    rows.append(["Status", view["status_label"] + (f" on {view['paid_label']}" if view["paid_label"] else "")])
    if view["reference"]:
        rows.append(["Payment reference", view["reference"]])
    return _file_name(view, "csv"), to_csv(CSV_HEADERS, rows)


def _file_name(s: StatementView, ext: str) -> str:
    return f"payout-{s['teacher_id']}-{s['month']}-{s['currency']}.{ext}"


def statement_pdf(session: Session, actor: Actor | None, teacher_id: object, month: object, currency: object,
                  site_name: str) -> tuple[str, bytes]:
    """(file name, PDF bytes), drawn with fpdf2 in the DejaVu font the certificates ship (titles
    in any script the font covers, currency signs included)."""
    from fpdf import FPDF

    from lms_app.certificates.services.pdf import REGULAR

    data = statement(session, actor, teacher_id, month, currency)
    s = data["statement"]
    pdf = FPDF(format="A4")
    pdf.add_font("statement", "", REGULAR)
    pdf.set_title(f"Payout statement {s['month']} {s['currency']}")
    pdf.add_page()
    pdf.set_font("statement", "", 18)
    pdf.cell(0, 11, site_name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("statement", "", 12)
    pdf.cell(0, 8, f"Payout statement · {s['month_label']} (UTC) · {s['currency']}",
             new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, f"Teacher: {s['teacher']}", new_x="LMARGIN", new_y="NEXT")
    status = s["status_label"] + (f" on {s['paid_label']}" if s["paid_label"] else "")
    if s["reference"]:
        status += f" (reference {s['reference']})"
    pdf.cell(0, 8, f"Status: {status}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (62, 14, 23, 23, 23, 22, 23)
    pdf.set_font("statement", "", 9)
    for w, h in zip(widths, CSV_HEADERS[:7]):
        pdf.cell(w, 7, h, border=1, align="L" if w == widths[0] else "R")
    pdf.ln()
    pdf.set_font("statement", "", 9)

    def line(values, size=9):
        pdf.set_font("statement", "", size)  # the font has no bold face: the total is a size larger
        for i, (w, v) in enumerate(zip(widths, values)):
            text = str(v)
            if i == 0 and len(text) > 38:
                text = text[:37] + "..."
            pdf.cell(w, 7, text, border=1, align="L" if i == 0 else "R")
        pdf.ln()

    for ln in data["lines"]:
        line([ln["item"], ln["sales"], ln["gross"], ln["refunds"], ln["net"], ln["fee"], ln["due"]])
    line(["Total", s["sales"], s["gross"], s["refunds"], s["net"], s["fee"], s["due"]], size=10)
    pdf.ln(4)
    pdf.set_font("statement", "", 12)
    pdf.cell(0, 8, f"Amount due: {s['due']}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("statement", "", 9)
    pdf.multi_cell(0, 5, "Amounts are net of refunds booked in this month; the platform fee is rounded per sale. "
                   + REFUND_NOTE, new_x="LMARGIN", new_y="NEXT")
    return _file_name(s, "pdf"), bytes(pdf.output())
