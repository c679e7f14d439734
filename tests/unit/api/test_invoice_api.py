"""REST checkout with billing details: the order carries its invoice number, the receipt endpoint
answers the invoice PDF; invalid billing details are a 422 naming the field."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.unit.api.conftest import bearer

CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123"}
BILLING = {"name": "Ada Lovelace Ltd", "address": "1 Analytical Way\nLondon", "country": "GB", "tax_id": "GB123456789"}


def test_api_checkout_with_billing_gets_an_invoice(api, make_course, make_user, login, use_env):
    use_env(LMS_TAX_RATES="GB:20")
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher, price_minor=1200, currency="GBP")
    auth = bearer(login(make_user())["access_token"])
    bad = api.post(f"/api/v1/checkout/{course.slug}", headers=auth,
                   json={"card": CARD, "billing": {**BILLING, "country": "XX"}})
    assert bad.status_code == 422 and "country" in bad.json()["error"].lower(), bad.text
    paid = api.post(f"/api/v1/checkout/{course.slug}", headers=auth, json={"card": CARD, "billing": BILLING})
    assert paid.status_code == 200, paid.text
    order = paid.json()["order"]
    assert order["invoice_number"].startswith(f"T{teacher.id}-") and order["invoice_number"].endswith("-00001")
    pdf = api.get(f"/api/v1/me/orders/{order['id']}/receipt", headers=auth)
    assert pdf.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert order["invoice_number"] in text and "GB123456789" in text and "Tax (20 %, GB)" in text
