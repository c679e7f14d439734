"""Invoices: billing details checked before any charge, gap-free numbers per seller (declines,
rollbacks, redirect gateways, concurrent buyers), tax lines by country, the invoice PDF."""

from __future__ import annotations

import io
import threading

import pytest
from pypdf import PdfReader
from sqlmodel import func, select
from starlette.testclient import TestClient

import lms_app.core.db
from lms_app.commerce.gateways import test_gateway
from lms_app.commerce.gateways.test_gateway import TestGateway
from lms_app.commerce.invoice_models import Invoice, InvoiceCounter
from lms_app.commerce.models import Order
from lms_app.commerce.services import checkout, invoices, orders, receipts
from lms_app.core.errors import ServiceError
from lms_app.core.http import build_api
from lms_app.core.sessions import SESSION_COOKIE
from lms_app.core.settings import SettingsError, get_settings
from lms_app.core.types import utcnow
from tests.unit.commerce.commerce_support import DECLINED, SUCCESS, counts

BILL = {"billing_name": "Müller Lernwerk GmbH", "billing_address": "Hauptstraße 5\n10115 Berlin",
        "billing_country": "DE", "billing_tax_id": "DE123456789"}
YEAR = utcnow().year


def buy(actor, slug, billing=None, card=SUCCESS, coupon=""):
    with lms_app.core.db.session_scope() as s:
        order = checkout.purchase(s, get_settings(), actor, slug, coupon, card, TestGateway(), billing)
        return order.id


def invoice_of(order_id) -> Invoice | None:
    with lms_app.core.db.session_scope() as s:
        inv = s.get(Invoice, order_id)
        if inv is not None:
            s.expunge(inv)
        return inv


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def taxed(use_env):
    return use_env(LMS_TAX_RATES="DE:19,FR:20,GB:20,CH:8.1")


# --- input ------------------------------------------------------------------------------------

def test_no_billing_fields_means_no_invoice():
    assert invoices.billing_from({}) is None
    assert invoices.billing_from({"billing_name": "  ", "card_number": "4242"}) is None
    assert invoices.billing_from(None) is None
    assert invoices.billing_from(["billing_name"]) is None


@pytest.mark.parametrize("change,field,message", [
    ({"billing_name": ""}, "billing_name", invoices.NAME_NEEDED),
    ({"billing_name": "x" * 121}, "billing_name", "at most 120"),
    ({"billing_name": "Ada\nLovelace"}, "billing_name", "one line"),
    ({"billing_address": ""}, "billing_address", invoices.ADDRESS_NEEDED),
    ({"billing_address": "a" * 501}, "billing_address", "at most 500"),
    ({"billing_address": "Street\x001"}, "billing_address", "cannot be printed"),
    ({"billing_country": ""}, "billing_country", invoices.COUNTRY_NEEDED),
    ({"billing_country": "XX"}, "billing_country", invoices.COUNTRY_UNKNOWN),
    ({"billing_country": "Germany"}, "billing_country", invoices.COUNTRY_UNKNOWN),
    ({"billing_country": 49}, "billing_country", invoices.COUNTRY_NEEDED),
    ({"billing_tax_id": "DE 123 <script>"}, "billing_tax_id", invoices.TAX_ID_INVALID),
    ({"billing_tax_id": "D" * 33}, "billing_tax_id", invoices.TAX_ID_INVALID),
])
def test_invalid_billing_is_refused_with_a_clear_message(change, field, message):
    with pytest.raises(ServiceError) as err:
        invoices.billing_from({**BILL, **change})
    assert err.value.field == field
    assert message in err.value.message


def test_billing_is_normalised():
    b = invoices.billing_from({**BILL, "billing_country": "de", "billing_tax_id": "de123456789",
                               "billing_address": "  Hauptstraße 5 \r\n\r\n 10115 Berlin  "})
    assert (b.country, b.tax_id, b.address) == ("DE", "DE123456789", "Hauptstraße 5\n10115 Berlin")


def test_invalid_billing_refuses_the_purchase_before_any_charge(make_course, make_user, sign_in):
    course = make_course(price_minor=4900)
    learner = make_user()
    _, actor = sign_in(learner)
    before = len(test_gateway.CHARGES)
    with pytest.raises(ServiceError, match="Choose a country"):
        buy(actor, course.slug, {**BILL, "billing_country": "ZZ"})
    assert len(test_gateway.CHARGES) == before
    assert counts(learner.id) == {"orders": 0, "paid": 0, "payments": 0, "enrollments": 0, "ledger": 0}


# --- numbers ----------------------------------------------------------------------------------

def test_numbers_are_sequential_per_seller_with_no_gap_across_a_declined_card(make_course, make_user, sign_in):
    teacher, other_teacher = make_user(role="teacher"), make_user(role="teacher")
    a, b, c = (make_course(teacher=teacher, price_minor=4900) for _ in range(3))
    elsewhere = make_course(teacher=other_teacher, price_minor=1000)
    _, actor = sign_in(make_user())
    first = buy(actor, a.slug, BILL)
    with pytest.raises(checkout.PaymentDeclined):
        buy(actor, b.slug, BILL, card=DECLINED)
    second = buy(actor, b.slug, BILL)
    receipt_only = buy(actor, c.slug)  # no billing details: a receipt, no number taken
    other = buy(actor, elsewhere.slug, BILL)
    assert invoice_of(first).number == f"T{teacher.id}-{YEAR}-00001"
    assert invoice_of(second).number == f"T{teacher.id}-{YEAR}-00002"
    assert invoice_of(receipt_only) is None
    assert (invoice_of(other).seq, invoice_of(other).number) == (1, f"T{other_teacher.id}-{YEAR}-00001")
    assert invoice_of(first).seller_id == teacher.id and invoice_of(first).seller_name == teacher.name
    with lms_app.core.db.session_scope() as s:
        assert s.get(InvoiceCounter, teacher.id).last_seq == 2
    third = buy(sign_in(make_user())[1], c.slug, BILL)  # another buyer, same seller: the next number
    assert invoice_of(third).number == f"T{teacher.id}-{YEAR}-00003"


def test_a_rollback_after_the_number_was_taken_gives_it_back(make_course, make_user, sign_in):
    teacher = make_user(role="teacher")
    course, later = make_course(teacher=teacher, price_minor=4900), make_course(teacher=teacher, price_minor=100)
    _, actor = sign_in(make_user())
    with lms_app.core.db.session_scope() as s:
        order = checkout.purchase(s, get_settings(), actor, course.slug, "", SUCCESS, TestGateway(), BILL)
        assert s.get(Invoice, order.id).seq == 1
        s.rollback()  # e.g. a failure after the sale was booked
    assert counts()["orders"] == 0
    order_id = buy(actor, later.slug, BILL)
    assert invoice_of(order_id).seq == 1


def test_the_database_refuses_a_duplicate_number(db, make_course, make_user, sign_in):
    from sqlalchemy.exc import IntegrityError

    teacher = make_user(role="teacher")
    c1, c2 = make_course(teacher=teacher, price_minor=100), make_course(teacher=teacher, price_minor=100)
    _, actor = sign_in(make_user())
    o1, o2 = buy(actor, c1.slug, BILL), buy(actor, c2.slug, BILL)
    inv = db.get(Invoice, o2)
    inv.seq, inv.number = 1, "dup"
    db.add(inv)
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()
    assert o1 != o2


def _concurrent_buyers(make_course, make_user, sign_in, n):
    teacher = make_user(role="teacher")
    courses = [make_course(teacher=teacher, price_minor=1000 + i) for i in range(n)]
    actors = [sign_in(make_user())[1] for _ in range(n)]
    barrier = threading.Barrier(n)
    results: list = []

    def attempt(actor, course, i):
        barrier.wait()
        try:
            card = DECLINED if i % 4 == 3 else SUCCESS
            results.append(buy(actor, course.slug, BILL, card=card))
        except checkout.PaymentDeclined:
            results.append("declined")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results.append(repr(exc))

    threads = [threading.Thread(target=attempt, args=(a, c, i)) for i, (a, c) in enumerate(zip(actors, courses))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return teacher, results


@pytest.mark.postgres
def test_concurrent_purchases_get_distinct_numbers_with_no_gap_on_postgres(make_course, make_user, sign_in):
    teacher, results = _concurrent_buyers(make_course, make_user, sign_in, 16)
    paid = [r for r in results if isinstance(r, int)]
    assert len(paid) == 12 and results.count("declined") == 4, results
    with lms_app.core.db.session_scope() as s:
        seqs = sorted(s.exec(select(Invoice.seq).where(Invoice.seller_id == teacher.id)).all())
        assert seqs == list(range(1, 13))
        assert s.get(InvoiceCounter, teacher.id).last_seq == 12


# --- tax --------------------------------------------------------------------------------------

def test_split_is_exact_and_rounds_the_net_half_up():
    assert invoices.split_gross(4900, 1900) == (4118, 782)   # 4900 / 1.19 = 4117.65
    assert invoices.split_gross(1000, 2000) == (833, 167)
    assert invoices.split_gross(4900, 0) == (4900, 0)
    assert invoices.split_gross(0, 1900) == (0, 0)
    for gross in range(0, 3000, 7):
        for bp in (500, 810, 1900, 2000, 2500):
            net, tax = invoices.split_gross(gross, bp)
            assert net + tax == gross and tax >= 0
            assert abs(net * (10000 + bp) - gross * 10000) <= (10000 + bp) // 2  # nearest whole minor unit


def test_tax_line_at_the_billing_countrys_rate_and_none_without_a_rate(taxed, make_course, make_user, sign_in):
    teacher = make_user(role="teacher")
    de, ch, us = (make_course(teacher=teacher, price_minor=4900, currency="EUR") for _ in range(3))
    _, actor = sign_in(make_user())
    inv_de = invoice_of(buy(actor, de.slug, BILL))
    inv_ch = invoice_of(buy(actor, ch.slug, {**BILL, "billing_country": "CH", "billing_tax_id": ""}))
    inv_us = invoice_of(buy(actor, us.slug, {**BILL, "billing_country": "US"}))
    assert (inv_de.tax_rate_bp, inv_de.net_minor, inv_de.tax_minor, inv_de.gross_minor) == (1900, 4118, 782, 4900)
    assert (inv_ch.tax_rate_bp, inv_ch.net_minor + inv_ch.tax_minor) == (810, 4900)
    assert (inv_us.tax_rate_bp, inv_us.tax_minor, inv_us.net_minor) == (0, 0, 4900)
    assert invoices.view(inv_ch)["tax_rate_label"] == "8.1 %"
    assert invoices.view(inv_us)["tax_label"] == ""
    with lms_app.core.db.session_scope() as s:  # the amount paid and the ledger do not change
        assert {o.amount_minor for o in s.exec(select(Order)).all()} == {4900}


@pytest.mark.parametrize("raw", ["XX:19", "DE", "DE:abc", "DE:101", "DE:19.123", "DE:-1"])
def test_bad_tax_rate_settings_are_refused(use_env, raw):
    with pytest.raises(SettingsError, match="LMS_TAX_RATES"):
        use_env(LMS_TAX_RATES=raw)


# --- redirect gateways ------------------------------------------------------------------------

SECRET = "whsec_test_0123456789abcdef"


def test_redirect_checkout_holds_billing_and_the_webhook_numbers_it(use_env, make_course, make_user, sign_in):
    import json

    from lms_app.commerce.gateways.webhook_provider import WebhookProvider, sign
    from lms_app.commerce.models import Payment
    from lms_app.commerce.services import provider_checkout

    use_env(LMS_PAYMENT_GATEWAY="webhook", LMS_WEBHOOK_SECRET=SECRET, LMS_TAX_RATES="FR:20")
    client = TestClient(build_api())
    teacher = make_user(role="teacher")
    failing, paying = make_course(teacher=teacher, price_minor=3000), make_course(teacher=teacher, price_minor=1200)
    _, actor = sign_in(make_user())

    def start(slug, billing):
        with lms_app.core.db.session_scope() as s:
            return provider_checkout.start(s, actor, slug, "", WebhookProvider(SECRET), billing)[0]

    def send(order_id, amount, kind, n):
        with lms_app.core.db.session_scope() as s:
            ref = s.exec(select(Payment.reference).where(Payment.order_id == order_id)).one()
        body = json.dumps({"id": f"evt_inv_{n}", "type": kind,
                           "data": {"reference": ref, "amount_minor": amount, "currency": "USD"}}).encode()
        return client.post("/api/webhooks/payments", content=body, headers={"x-lms-signature": sign(SECRET, body)})

    with pytest.raises(ServiceError, match="billing address"):
        start(failing.slug, {**BILL, "billing_address": ""})
    failed_id = start(failing.slug, {**BILL, "billing_country": "FR"})
    held = invoice_of(failed_id)
    assert (held.seq, held.number, held.billing_country) == (None, "", "FR")
    assert send(failed_id, 3000, "payment.failed", 1).json() == {"result": "ok"}
    assert invoice_of(failed_id).seq is None  # a failed payment takes no number
    paid_id = start(paying.slug, {**BILL, "billing_country": "FR"})
    assert send(paid_id, 1200, "payment.succeeded", 2).json() == {"result": "ok"}
    inv = invoice_of(paid_id)
    assert (inv.seq, inv.number, inv.tax_rate_bp, inv.net_minor, inv.tax_minor) == (
        1, f"T{teacher.id}-{YEAR}-00001", 2000, 1000, 200)


# --- what people see --------------------------------------------------------------------------

def test_order_view_and_pdf_carry_the_invoice(taxed, make_course, make_user, sign_in):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher, price_minor=4900, currency="EUR", title="Invoicing 101")
    token, actor = sign_in(make_user())
    order_id = buy(actor, course.slug, BILL)
    number = invoice_of(order_id).number
    with lms_app.core.db.session_scope() as s:
        assert orders.detail(s, actor, order_id)["invoice_number"] == number
        name, data = receipts.receipt_pdf(s, get_settings(), actor, order_id)
        assert receipts.receipt_pdf(s, get_settings(), sign_in(make_user())[1], order_id) is None
    assert name == f"invoice-{number}.pdf"
    text = pdf_text(data)
    for expected in ("Invoice", number, "DE123456789", "Müller Lernwerk GmbH", "Hauptstraße 5", "Germany",
                     teacher.name, "Tax (19 %, DE)", "€7.82", "€41.18", "€49.00", "Invoicing 101"):
        assert expected in text, (expected, text)
    client = TestClient(build_api())  # the page's download route answers the same PDF
    client.cookies.set(SESSION_COOKIE, token)
    got = client.get(f"/api/orders/{order_id}/receipt.pdf")
    assert got.status_code == 200 and number in pdf_text(got.content)
    assert f"invoice-{number}.pdf" in got.headers["content-disposition"]


def test_without_billing_the_pdf_stays_a_receipt(make_course, make_user, sign_in):
    course = make_course(price_minor=2500)
    _, actor = sign_in(make_user())
    order_id = buy(actor, course.slug)
    with lms_app.core.db.session_scope() as s:
        assert orders.detail(s, actor, order_id)["invoice_number"] == ""
        name, data = receipts.receipt_pdf(s, get_settings(), actor, order_id)
        assert s.exec(select(func.count()).select_from(Invoice)).one() == 0
    text = pdf_text(data)
    assert name == f"receipt-{order_id}.pdf" and "Receipt" in text and "Invoice" not in text

