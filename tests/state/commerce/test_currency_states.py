"""Prices in several currencies (issue 20), driven without a browser: the editor's prices card, the
catalog's currency selector, and the checkout's currency picker."""

from __future__ import annotations

from sqlmodel import select

import lms_app.core.db
from lms_app.authoring.pages.course_prices import CoursePricesState
from lms_app.catalog.pages.catalog import CatalogState
from lms_app.commerce.models import Order
from lms_app.commerce.pages.checkout import CheckoutState
from lms_app.core.courses import CoursePrice

CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123", "name": "Ada"}


def prices_of(course_id) -> dict[str, int]:
    with lms_app.core.db.session_scope() as s:
        return dict(s.exec(select(CoursePrice.currency, CoursePrice.price_minor)
                           .where(CoursePrice.course_id == course_id)).all())


def test_teacher_sets_prices_in_the_editor_card_and_others_cannot(states, make_course, make_user, sign_in):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher, price_minor=4900)
    token, _ = sign_in(teacher)
    card = states.sub(states.root(token, path=f"/teach/courses/{course.id}"), CoursePricesState)
    states.call(card, "load", course.id)
    assert card.course_id == course.id and card.currency == "USD" and not card.is_free
    assert "USD" not in [r["currency"] for r in card.rows] and "EUR" in [r["currency"] for r in card.rows]
    states.call(card, "save", {"enabled_EUR": "on", "price_EUR": "-3", "enabled_GBP": "on", "price_GBP": "39"})
    assert "cannot be negative" in next(r["error"] for r in card.rows if r["currency"] == "EUR")
    assert next(r for r in card.rows if r["currency"] == "GBP")["price"] == "39"  # what was typed stays
    assert prices_of(course.id) == {} and not card.saving
    events = states.call(card, "save", {"enabled_EUR": "on", "price_EUR": "45", "enabled_GBP": "on",
                                        "price_GBP": "39"})
    assert states.toasts(events)[0][0] == "success" and card.error == ""
    assert prices_of(course.id) == {"EUR": 4500, "GBP": 3900} and "€45.00 (EUR)" in card.summary
    # Another teacher naming this course id gets nothing and changes nothing.
    other_token, _ = sign_in(make_user(role="teacher"))
    other = states.sub(states.root(other_token, path="/teach"), CoursePricesState)
    states.call(other, "load", course.id)
    assert other.course_id == 0 and other.rows == []
    other.course_id = course.id  # even with a forged id in the state, the service refuses
    states.call(other, "save", {"enabled_EUR": "on", "price_EUR": "1"})
    assert prices_of(course.id) == {"EUR": 4500, "GBP": 3900}


def test_catalog_currency_selector_keeps_the_choice(states, make_course):
    make_course(title="Euro", price_minor=5000, currency="EUR")
    catalog = states.sub(states.root(path="/courses"), CatalogState)
    events = states.call(catalog, "load")
    assert catalog.currency == "USD" and catalog.result["courses"][0]["price_label"] == "€50.00 (EUR)"
    [ask] = states.scripts(events)  # no currency in the URL: the browser is asked for its saved one
    assert "localStorage.getItem('lms_currency')" in ask
    events = states.call(catalog, "choose_option", "currency", "EUR")
    assert states.redirects(events) == ["/courses?currency=EUR"]
    assert "localStorage.setItem('lms_currency', \"EUR\")" in states.scripts(events)[0]
    assert states.redirects(states.call(catalog, "choose_option", "currency", "XYZ")) == ["/courses"]
    # The saved choice comes back as an argument: validated, and only used without a URL currency.
    assert states.redirects(states.call(catalog, "use_saved_currency", "EUR")) == ["/courses?currency=EUR"]
    for junk in ("<script>", "XYZ", None, {"a": 1}, "USD"):
        assert states.redirects(states.call(catalog, "use_saved_currency", junk)) == []
    chosen = states.sub(states.root(path="/courses", query={"currency": "EUR"}), CatalogState)
    assert states.scripts(states.call(chosen, "load")) == []
    assert chosen.currency == "EUR" and chosen.result["courses"][0]["price_label"] == "€50.00"
    assert states.redirects(states.call(chosen, "use_saved_currency", "GBP")) == []


def test_checkout_picks_a_currency_and_pays_the_server_price_in_it(states, make_course, make_user, sign_in):
    course = make_course(price_minor=4900)
    with lms_app.core.db.session_scope() as s:
        s.add(CoursePrice(course_id=course.id, currency="EUR", price_minor=4500))
    learner = make_user()
    token, _ = sign_in(learner)
    root = states.root(token, path=f"/checkout/{course.slug}", query={"currency": "GBP"})
    state = states.sub(root, CheckoutState)
    states.call(state, "load")
    assert state.found and state.currency == "USD" and state.summary["total_label"] == "$49.00"
    assert state.error == "This course is not sold in GBP. Choose one of: USD, EUR."
    assert [o["currency"] for o in state.currency_options] == ["USD", "EUR"]
    events = states.call(state, "choose_currency", "XYZ")
    assert states.toasts(events) and state.currency == "USD"
    states.call(state, "choose_currency", "EUR")
    assert state.currency == "EUR" and state.summary["total_label"] == "€45.00"
    # the browser's remembered currency is only a hint: one the course is not sold in changes nothing
    plain = states.sub(states.root(token, path=f"/checkout/{course.slug}"), CheckoutState)
    [ask] = states.scripts(states.call(plain, "load"))
    assert "lms_currency" in ask and plain.currency == "USD"
    for junk in ("GBP", "XYZ", None, 5):
        states.call(plain, "prefer_currency", junk)
        assert plain.currency == "USD" and plain.error == ""
    states.call(plain, "prefer_currency", "eur")
    assert plain.currency == "EUR" and plain.summary["total_label"] == "€45.00"
    [target] = states.redirects(states.call(state, "pay", {**CARD, "amount_minor": 1, "currency": "USD"}))
    with lms_app.core.db.session_scope() as s:
        order = s.get(Order, int(target.rsplit("/", 1)[1]))
    assert (order.currency, order.amount_minor) == ("EUR", 4500)
