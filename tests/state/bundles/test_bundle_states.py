"""Bundle handlers driven without a browser: the teacher creates, edits and takes a bundle off
sale; a learner sees it, applies a coupon and buys it; what the states hold (nothing private)."""

from __future__ import annotations

from sqlmodel import select

import lms_app.core.db
from lms_app.bundles.models import Bundle
from lms_app.bundles.pages import BundleListState, BundlePageState, TeachBundlesState
from lms_app.core.courses import Enrollment
from tests.unit.commerce.commerce_support import make_coupon

CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123", "name": "Ada"}


def _teach(states, token):
    state = states.sub(states.root(token, path="/teach/bundles"), TeachBundlesState)
    states.call(state, "load")
    return state


def test_teacher_creates_edits_and_takes_off_sale_learner_buys(states, make_user, make_course, sign_in):
    teacher = make_user(role="teacher")
    courses = [make_course(teacher=teacher, price_minor=p, title=f"Course {p}") for p in (2000, 3000)]
    make_course(teacher=make_user(role="teacher"), price_minor=1000)  # someone else's: never offered
    t_token, _ = sign_in(teacher)
    state = _teach(states, t_token)
    assert state.loaded and state.rows == [] and {c["id"] for c in state.choices} == {str(c.id) for c in courses}
    states.call(state, "save", {"title": "Duo", "price": "40", "owned_policy": "same", f"course-{courses[0].id}": "on"})
    assert state.error_field == "courses" and "two" in state.error
    form = {"title": "Duo", "price": "40", "owned_policy": "prorate", "description": "Both courses",
            **{f"course-{c.id}": "on" for c in courses}}
    states.call(state, "save", form)
    assert state.error == "" and [r["title"] for r in state.rows] == ["Duo"] and state.rows[0]["courses"] == 2
    bundle_id = state.rows[0]["id"]
    states.call(state, "edit", bundle_id)
    assert (state.editing_id, state.f_price, sorted(state.f_courses)) == (bundle_id, "40.00",
                                                                           sorted(str(c.id) for c in courses))
    states.call(state, "save", {**form, "price": "45"})
    assert state.rows[0]["price_label"] == "$45.00" and state.editing_id == 0

    anon = states.sub(states.root(None, path="/bundles"), BundleListState)
    states.call(anon, "load")
    assert [b["title"] for b in anon.items] == ["Duo"] and anon.items[0]["savings_label"] == "$5.00"

    learner = make_user()
    token, _ = sign_in(learner)
    root = states.root(token, path="/bundles/duo")
    page = states.sub(root, BundlePageState)
    states.call(page, "load")
    assert page.found and page.bundle["total_label"] == "$45.00" and page.bundle["signed_in"]
    make_coupon(code="BUNDLE10", amount=10)
    states.call(page, "apply_coupon", {"coupon": "bundle10"})
    assert page.coupon_error == "" and page.bundle["total_label"] == "$40.50"
    events = states.call(page, "buy", CARD)
    assert page.error == "" and states.redirects(events)[0].startswith("/orders/")
    snapshot = states.serialize(states.snapshot(root))
    assert "4242 4242" not in snapshot and "$2b$" not in snapshot and learner.email not in snapshot
    with lms_app.core.db.session_scope() as s:
        assert len(s.exec(select(Enrollment).where(Enrollment.user_id == learner.id)).all()) == 2

    state = _teach(states, t_token)
    assert state.rows[0]["sales"] == 1
    states.call(state, "ask_deactivate", bundle_id, "Duo")
    assert state.confirm_open and state.confirm_title == "Duo"
    states.call(state, "confirm_deactivate")
    assert not state.confirm_open and state.rows[0]["active"] is False
    with lms_app.core.db.session_scope() as s:
        assert s.get(Bundle, bundle_id).active is False
    states.call(anon, "load")
    assert anon.items == []


def test_handlers_refuse_wrong_roles_and_other_teachers(states, make_user, make_course, sign_in):
    teacher = make_user(role="teacher")
    courses = [make_course(teacher=teacher, price_minor=1000) for _ in range(2)]
    t_token, _ = sign_in(teacher)
    state = _teach(states, t_token)
    states.call(state, "save", {"title": "Pair", "price": "15", **{f"course-{c.id}": "on" for c in courses}})
    bundle_id = state.rows[0]["id"]

    other_token, _ = sign_in(make_user(role="teacher"))
    other = _teach(states, other_token)
    assert other.rows == []
    events = states.call(other, "edit", bundle_id)
    assert other.editing_id == 0 and "not yours" in str(states.toasts(events))
    states.call(other, "ask_deactivate", bundle_id, "Pair")
    states.call(other, "confirm_deactivate")
    with lms_app.core.db.session_scope() as s:
        assert s.get(Bundle, bundle_id).active is True

    learner_token, _ = sign_in(make_user())
    refused = states.sub(states.root(learner_token, path="/teach/bundles"), TeachBundlesState)
    states.call(refused, "load")
    assert refused.rows == [] and not refused.loaded

    anon_page = states.sub(states.root(None, path="/bundles/pair"), BundlePageState)
    states.call(anon_page, "load")
    assert anon_page.found and not anon_page.bundle["signed_in"]
    events = states.call(anon_page, "buy", CARD)
    assert any(r.startswith("/login") for r in states.redirects(events))

    # the teacher cannot buy their own bundle
    own = states.sub(states.root(t_token, path="/bundles/pair"), BundlePageState)
    states.call(own, "load")
    assert own.bundle["is_teacher"]
    states.call(own, "buy", CARD)
    assert "You teach" in own.error


def test_bundle_page_takes_billing_details_for_an_invoice(states, make_user, make_course, sign_in):
    from lms_app.commerce.invoice_models import Invoice

    teacher = make_user(role="teacher")
    courses = [make_course(teacher=teacher, price_minor=p) for p in (2000, 3000)]
    state = _teach(states, sign_in(teacher)[0])
    states.call(state, "save", {"title": "Pair", "price": "40", "owned_policy": "same",
                                **{f"course-{c.id}": "on" for c in courses}})
    token, _ = sign_in(make_user())
    page = states.sub(states.root(token, path="/bundles/pair"), BundlePageState)
    states.call(page, "load")
    bill = {"billing_name": "Ada Lovelace", "billing_address": "1 Analytical Way", "billing_country": "GB",
            "billing_tax_id": "GB123456789"}
    states.call(page, "buy", {**CARD, **bill, "billing_country": "ZZ"})
    assert page.error_field == "billing_country" and not page.busy
    events = states.call(page, "buy", {**CARD, **bill})
    assert page.error == "" and states.redirects(events)[0].startswith("/orders/")
    with lms_app.core.db.session_scope() as s:
        invoice = s.exec(select(Invoice)).one()
        assert invoice.tax_id == "GB123456789" and invoice.number.startswith(f"T{teacher.id}-")
