"""Payout statements from the ledger: totals (refunds netted, fees rounded per sale), months in
UTC, status, marking paid (once, audited, admins only), who may read and download a statement.
Runs on SQLite and on PostgreSQL (LMS_TEST_DATABASE_URL)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from starlette.testclient import TestClient

import lms_app.core.db
from lms_app.commerce.models import LedgerEntry
from lms_app.commerce.services import refunds
from lms_app.core.audit_log import AuditEntry
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.http import build_api
from lms_app.core.sessions import SESSION_COOKIE, Actor
from lms_app.core.types import utcnow
from lms_app.payouts import services
from lms_app.payouts.models import PayoutStatement
from tests.unit.commerce.commerce_support import buy

NOW = utcnow()
THIS_MONTH = services.current_month()


def _month_back(n: int) -> str:
    year, month = NOW.year, NOW.month - n
    while month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}"


PAST = _month_back(2)
LATER = _month_back(1)


def at(month: str, day: int, hour: int = 12) -> datetime:
    return datetime(int(month[:4]), int(month[5:]), day, hour, tzinfo=timezone.utc)


def _as(user) -> Actor:
    return Actor(user_id=user.id, role=user.role, session_id=0)


def _move(order_id: int, kind: str, when: datetime) -> None:
    with lms_app.core.db.session_scope() as s:
        s.execute(update(LedgerEntry).where(LedgerEntry.order_id == order_id, LedgerEntry.kind == kind)
                  .values(created_at=when))


@pytest.fixture
def shop(make_user, make_course):
    """A teacher with sales in PAST (USD: 9.99, 10.01, 10.03 and a refund of 10.01 in the same
    month; EUR: 25.00), another teacher with a sale, an admin."""
    teacher, other, admin = make_user(role="teacher"), make_user(role="teacher"), make_user(role="admin")

    def sell(owner, price, currency="USD", when=None, title=None):
        course = make_course(teacher=owner, price_minor=price, currency=currency, title=title)
        order = buy(_as(make_user()), course.slug)
        _move(order.id, "sale", when or at(PAST, 3))
        return order

    a = sell(teacher, 999, when=at(PAST, 1, 0))        # fee 199.8 -> 200, share 799
    b = sell(teacher, 1001, when=at(PAST, 10))         # fee 200.2 -> 200, share 801
    c = sell(teacher, 1003, when=at(PAST, 28, 23))     # fee 200.6 -> 201, share 802
    e = sell(teacher, 2500, "EUR", when=at(PAST, 15))  # fee 500, share 2000
    o = sell(other, 4000, when=at(PAST, 5))
    with lms_app.core.db.session_scope() as s:
        refunds.refund(s, _as(admin), b.id, "Bought by mistake")
    _move(b.id, "refund", at(PAST, 20))
    return {"teacher": teacher, "other": other, "admin": admin, "orders": {"a": a, "b": b, "c": c, "e": e, "o": o},
            "sell": sell}


def test_statement_nets_refunds_and_sums_fees_rounded_per_sale(db, shop):
    t = shop["teacher"]
    data = services.statement(db, _as(t), t.id, PAST, "USD")
    s = data["statement"]
    assert (s["sales"], s["gross"], s["refunds"], s["net"], s["fee"], s["due"]) == \
           (3, "$30.03", "-$10.01", "$20.02", "$4.01", "$16.01")
    assert s["due_minor"] == 1601 and s["status"] == "due"
    # one line per item, netting the refund of its own sale
    by_item = {ln["item"]: ln for ln in data["lines"]}
    assert len(by_item) == 3
    refunded = next(ln for ln in data["lines"] if ln["refunds"] != "$0.00")
    assert (refunded["sales"], refunded["net"], refunded["due"]) == (1, "$0.00", "$0.00")
    # the EUR sale is its own statement; the other teacher's sale is in neither
    eur = services.statement(db, _as(t), t.id, PAST, "eur")["statement"]
    assert (eur["gross"], eur["fee"], eur["due"]) == ("€25.00", "€5.00", "€20.00")


def test_months_are_utc_calendar_months(db, shop):
    t = shop["teacher"]
    # a sale at 23:30 UTC on the last day of PAST belongs to PAST, one at 00:00 on the 1st to LATER
    last_day = (at(LATER, 1, 0) - timedelta(minutes=30))
    shop["sell"](t, 500, when=last_day)
    shop["sell"](t, 700, when=at(LATER, 1, 0))
    rows = services.teacher_statements(db, _as(t))["rows"]
    assert [(r["month"], r["currency"], r["sales"]) for r in rows] == \
           [(LATER, "USD", 1), (PAST, "EUR", 1), (PAST, "USD", 4)]
    assert rows[0]["gross"] == "$7.00"


def test_teacher_list_shows_status_and_is_paginated_with_a_fixed_number_of_queries(db, shop, count_queries,
                                                                                   monkeypatch):
    t = shop["teacher"]
    shop["sell"](t, 1500, when=NOW)  # this month: open
    with count_queries() as n:
        data = services.teacher_statements(db, _as(t))
    assert n.count <= 4
    assert {r["teacher"] for r in data["rows"]} == {t.name}
    assert [(r["month"], r["status"]) for r in data["rows"]] == [(THIS_MONTH, "open"), (PAST, "due"), (PAST, "due")]
    assert data["rows"][0]["pdf_url"] == f"/api/payouts/{t.id}/{THIS_MONTH}/USD/statement.pdf"
    monkeypatch.setattr(services, "PAGE_SIZE", 2)
    first, second = services.teacher_statements(db, _as(t), 1), services.teacher_statements(db, _as(t), 2)
    assert (first["pages"], len(first["rows"]), len(second["rows"])) == (2, 2, 1)
    assert second["rows"][0]["currency"] == "USD" and second["rows"][0]["month"] == PAST
    with pytest.raises(PermissionDenied):
        services.teacher_statements(db, Actor(user_id=t.id, role="learner", session_id=0))


def test_mark_paid_once_by_an_admin_audited_and_snapshotted(db, shop):
    t, admin = shop["teacher"], shop["admin"]
    with pytest.raises(PermissionDenied):
        services.mark_paid(db, _as(t), t.id, PAST, "USD", "TR-1")  # not by the teacher
    with pytest.raises(ServiceError) as missing_ref:
        services.mark_paid(db, _as(admin), t.id, PAST, "USD", "  ")
    assert missing_ref.value.field == "reference"
    view = services.mark_paid(db, _as(admin), t.id, PAST, "USD", "TR-1")
    db.commit()
    assert (view["status"], view["due"], view["reference"]) == ("paid", "$16.01", "TR-1")
    row = db.exec(select(PayoutStatement)).one()
    assert (row.amount_due_minor, row.platform_fee_minor, row.refunds_minor, row.sales_count, row.paid_by) == \
           (1601, 401, -1001, 3, admin.id)
    [entry] = db.exec(select(AuditEntry).where(AuditEntry.action == "payout.mark_paid")).all()
    assert entry.actor_id == admin.id and "TR-1" in entry.summary and "$16.01" in entry.summary
    with pytest.raises(ServiceError, match="already marked paid"):
        services.mark_paid(db, _as(admin), t.id, PAST, "USD", "TR-2")
    db.rollback()
    assert services.statement(db, _as(t), t.id, PAST, "USD")["statement"]["status"] == "paid"
    # the other currency of the month is still due
    assert services.statement(db, _as(t), t.id, PAST, "EUR")["statement"]["status"] == "due"


def test_the_database_refuses_a_second_paid_row(db, shop):
    t, admin = shop["teacher"], shop["admin"]
    services.mark_paid(db, _as(admin), t.id, PAST, "USD", "TR-1")
    db.commit()
    db.add(PayoutStatement(teacher_id=t.id, month=PAST, currency="USD", paid_by=admin.id))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()
    db.add(PayoutStatement(teacher_id=t.id, month=PAST, currency="GBP", paid_by=admin.id, net_minor=5))
    with pytest.raises(IntegrityError):  # amounts that do not add up
        db.commit()
    db.rollback()


def test_open_months_and_unknown_statements_cannot_be_paid(db, shop):
    t, admin = shop["teacher"], shop["admin"]
    shop["sell"](t, 1500, when=NOW)
    with pytest.raises(ServiceError, match="has not ended"):
        services.mark_paid(db, _as(admin), t.id, THIS_MONTH, "USD", "TR")
    for args in ((t.id, PAST, "GBP"), (shop["admin"].id, PAST, "USD"), (t.id, "2001-01", "USD")):
        with pytest.raises(ServiceError, match="does not exist"):
            services.mark_paid(db, _as(admin), *args, "TR")
    for bad in ((t.id, "2026-13", "USD"), (t.id, "x", "USD"), (t.id, PAST, "US"), ("abc", PAST, "USD"),
                (True, PAST, "USD"), (t.id, None, "USD")):
        with pytest.raises(ServiceError):
            services.mark_paid(db, _as(admin), *bad, "TR")
    assert db.exec(select(PayoutStatement)).all() == []


def test_a_refund_after_payment_lands_in_the_month_it_happened(db, shop):
    t, admin = shop["teacher"], shop["admin"]
    services.mark_paid(db, _as(admin), t.id, PAST, "USD", "TR-1")
    db.commit()
    with lms_app.core.db.session_scope() as s:  # the 9.99 sale of PAST is refunded today
        refunds.refund(s, _as(admin), shop["orders"]["a"].id, "Changed their mind")
    paid = services.statement(db, _as(t), t.id, PAST, "USD")["statement"]
    assert (paid["status"], paid["due"], paid["refunds"]) == ("paid", "$16.01", "-$10.01")
    now = services.statement(db, _as(t), t.id, THIS_MONTH, "USD")["statement"]
    assert (now["status"], now["sales"], now["gross"], now["refunds"], now["fee"], now["due"]) == \
           ("open", 0, "$0.00", "-$9.99", "-$2.00", "-$7.99")


def test_a_teacher_cannot_read_another_teachers_statement(db, shop, make_user):
    t, other, admin = shop["teacher"], shop["other"], shop["admin"]
    with pytest.raises(PermissionDenied):
        services.statement(db, _as(other), t.id, PAST, "USD")
    with pytest.raises(PermissionDenied):
        services.statement(db, _as(make_user()), t.id, PAST, "USD")
    with pytest.raises(PermissionDenied):
        services.statement(db, None, t.id, PAST, "USD")
    assert services.statement(db, _as(admin), t.id, PAST, "USD")["statement"]["teacher"] == t.name
    with pytest.raises(ServiceError, match="does not exist"):
        services.statement(db, _as(t), t.id, LATER, "USD")
    # the teacher's list holds only their own statements
    assert {r["teacher_id"] for r in services.teacher_statements(db, _as(other))["rows"]} == {other.id}


def test_downloads_only_for_the_teacher_and_admins(shop, make_user, sign_in):
    t = shop["teacher"]
    client = TestClient(build_api())
    base = f"/api/payouts/{t.id}/{PAST}/USD/statement"

    def get(token, ext):
        client.cookies.clear()
        if token:
            client.cookies.set(SESSION_COOKIE, token)
        return client.get(f"{base}.{ext}")

    mine = sign_in(t)[0]
    pdf = get(mine, "pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-type"] == "application/pdf" and "no-store" in pdf.headers["cache-control"]
    text = get(mine, "csv")
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(text.text)))
    assert rows[0] == services.CSV_HEADERS
    total = next(r for r in rows if r and r[0] == "Total")
    assert total[1:] == ["3", "30.03", "-10.01", "20.02", "4.01", "16.01", "USD"]
    assert get(sign_in(shop["admin"])[0], "pdf").status_code == 200
    for token in (None, "forged", sign_in(shop["other"])[0], sign_in(make_user())[0]):
        assert get(token, "pdf").status_code == 404
        assert get(token, "csv").status_code == 404
    client.cookies.set(SESSION_COOKIE, mine)
    for path in (f"/api/payouts/{t.id}/{LATER}/USD/statement.pdf", f"/api/payouts/{t.id}/2026-99/USD/statement.csv",
                 f"/api/payouts/abc/{PAST}/USD/statement.pdf"):
        assert client.get(path).status_code == 404


def test_csv_neutralises_formulas_in_titles(db, shop):
    t = shop["teacher"]
    shop["sell"](t, 1200, when=at(PAST, 4), title='=HYPERLINK("http://evil.example","x")')
    _, text = services.statement_csv(db, _as(t), t.id, PAST, "USD")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["'=HYPERLINK(\"http://evil.example\",\"x\")"] == [r[0] for r in rows if "HYPERLINK" in (r[0] if r else "")]
    assert not any(cell.startswith("=") for r in rows for cell in r)


def test_admin_list_shows_ended_months_only_with_filters(db, shop, count_queries):
    t, other, admin = shop["teacher"], shop["other"], shop["admin"]
    shop["sell"](t, 1500, when=NOW)  # this month: not on the admin page yet
    with count_queries() as n:
        data = services.admin_statements(db, _as(admin))
    assert n.count <= 2
    assert sorted((r["teacher_id"], r["currency"], r["status"]) for r in data["rows"]) == \
           sorted([(t.id, "USD", "due"), (t.id, "EUR", "due"), (other.id, "USD", "due")])
    assert all(r["month"] == PAST for r in data["rows"])
    services.mark_paid(db, _as(admin), other.id, PAST, "USD", "TR-9")
    db.commit()
    paid = services.admin_statements(db, _as(admin), status="paid")["rows"]
    assert [(r["teacher_id"], r["reference"]) for r in paid] == [(other.id, "TR-9")]
    assert len(services.admin_statements(db, _as(admin), status="due")["rows"]) == 2
    assert services.admin_statements(db, _as(admin), month=LATER)["rows"] == []
    assert len(services.admin_statements(db, _as(admin), month=PAST)["rows"]) == 3
    with pytest.raises(ServiceError):
        services.admin_statements(db, _as(admin), month="last month")
    for role in ("teacher", "learner"):
        with pytest.raises(PermissionDenied):
            services.admin_statements(db, Actor(user_id=t.id, role=role, session_id=0))


def test_pdf_draws_titles_in_other_scripts(db, shop):
    t = shop["teacher"]
    shop["sell"](t, 1200, when=at(PAST, 4), title="Дизайн – интерфейсов " + "x" * 80)
    name, data = services.statement_pdf(db, _as(t), t.id, PAST, "USD", "Lumen – Learning")
    assert name == f"payout-{t.id}-{PAST}-USD.pdf" and data.startswith(b"%PDF-")
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Дизайн" in text and "Lumen – Learning" in text and "Amount due: $16.01" not in text
    assert "Amount due: $25.61" in text  # 16.01 + the new sale's share 9.60


def test_demo_data_gives_the_demo_teacher_a_due_and_a_paid_month(db, settings):
    from lms_app.core.users import User
    from lms_app.demo.seed import seed_demo_data

    seed_demo_data(db, settings)
    db.commit()
    teacher = db.exec(select(User).where(User.email == "teacher@example.com")).one()
    rows = services.teacher_statements(db, _as(teacher))["rows"]
    statuses = {(r["month"], r["currency"]): r["status"] for r in rows}
    assert statuses[(THIS_MONTH, "USD")] == "open"
    assert statuses[(LATER, "USD")] == "due" and statuses[(LATER, "GBP")] == "due"
    assert statuses[(PAST, "USD")] == "paid"
    due = next(r for r in rows if (r["month"], r["currency"]) == (LATER, "USD"))
    assert due["sales"] == 4 and due["refunds"] == "-$49.00"
    assert seed_demo_data(db, settings)["payout_demo_sales"] == 0
