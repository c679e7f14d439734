"""Checkout page with billing details: the pay handler passes them to the service, refusals name
the field, the order page shows the invoice number, and no billing detail sits in a state var."""

from __future__ import annotations

from lms_app.commerce.pages.orders import ReceiptState
from tests.state.commerce.test_checkout_states import CARD, checkout
from tests.unit.commerce.commerce_support import counts

BILL = {"billing_name": "Lernwerk GmbH", "billing_address": "Hauptstraße 5\n10115 Berlin",
        "billing_country": "DE", "billing_tax_id": "DE987654321"}


def test_pay_with_billing_details_issues_an_invoice_shown_on_the_order_page(states, make_course, make_user, sign_in):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher, price_minor=4900)
    learner = make_user()
    token, _ = sign_in(learner)
    root, state = checkout(states, token, course.slug)
    events = states.call(state, "pay", {**CARD, **BILL})
    [target] = states.redirects(events)
    snapshot = states.serialize(states.snapshot(root))
    assert "DE987654321" not in snapshot and "Hauptstra" not in snapshot
    receipt = states.sub(states.root(token, path=target), ReceiptState)
    states.call(receipt, "load")
    assert receipt.found and receipt.order["invoice_number"].startswith(f"T{teacher.id}-")
    stranger = states.sub(states.root(sign_in(make_user())[0], path=target), ReceiptState)
    states.call(stranger, "load")
    assert not stranger.found and stranger.order["invoice_number"] == ""


def test_invalid_billing_names_the_field_and_charges_nothing(states, make_course, make_user, sign_in):
    course = make_course(price_minor=4900)
    learner = make_user()
    token, _ = sign_in(learner)
    _, state = checkout(states, token, course.slug)
    events = states.call(state, "pay", {**CARD, **BILL, "billing_country": "QQ"})
    assert states.redirects(events) == []
    assert state.error_field == "billing_country" and "Choose a country" in state.error and not state.busy
    states.call(state, "pay", {**CARD, **BILL, "billing_tax_id": "<b>"})
    assert state.error_field == "billing_tax_id"
    assert counts(learner.id)["orders"] == 0
