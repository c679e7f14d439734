"""Prices in several currencies (issue 20): the teacher's extra prices, the catalog's price filter
within one currency, and checkout in the chosen currency (order, payment and ledger alike)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

import lms_app.core.db
from lms_app.authoring.services import courses as authoring, prices
from lms_app.authoring.services.checks import FormErrors
from lms_app.catalog.services import course_page, params as catalog_params, search as catalog_search
from lms_app.commerce.gateways.webhook_provider import WebhookProvider
from lms_app.commerce.models import LedgerEntry, Order, Payment
from lms_app.commerce.services import checkout, coupons, provider_checkout
from lms_app.core import currencies
from lms_app.core.courses import Course, CoursePrice
from lms_app.core.errors import PermissionDenied, ServiceError
from lms_app.core.settings import SettingsError
from tests.unit.commerce.commerce_support import buy, counts, make_coupon


def set_prices(actor, course, form):
    with lms_app.core.db.session_scope() as s:
        return prices.save_prices(s, actor, course.id, form)


def stored(course) -> dict[str, int]:
    with lms_app.core.db.session_scope() as s:
        return dict(s.exec(select(CoursePrice.currency, CoursePrice.price_minor)
                           .where(CoursePrice.course_id == course.id)).all())


def titles(page) -> list[str]:
    return sorted(c["title"] for c in page["courses"])


def search(db, **query):
    return catalog_search.search_courses(db, catalog_params.parse_params({k: str(v) for k, v in query.items()}))


@pytest.fixture
def teacher_course(make_user, make_course, sign_in):
    teacher = make_user(role="teacher")
    course = make_course(teacher=teacher, price_minor=4900, currency="USD", title="Priced")
    return course, sign_in(teacher)[1]


# --- settings ---------------------------------------------------------------------------------

def test_currencies_setting_takes_iso_codes_only(use_env):
    assert use_env(LMS_CURRENCIES=None).currencies == currencies.DEFAULT_CURRENCIES
    assert use_env(LMS_CURRENCIES="usd, EUR,gbp,EUR").currencies == ("USD", "EUR", "GBP")
    for bad in ("USD,XYZ", "EURO", "US1"):
        with pytest.raises(SettingsError, match="ISO 4217"):
            use_env(LMS_CURRENCIES=bad)
    with pytest.raises(SettingsError, match="XYZ, ABC are not ISO 4217 currency codes"):
        use_env(LMS_CURRENCIES="USD,XYZ,ABC")
    use_env(LMS_CURRENCIES=None)


# --- the teacher's prices ------------------------------------------------------------------------

def test_teacher_enables_eur_and_gbp_and_replaces_the_set(teacher_course):
    course, actor = teacher_course
    set_prices(actor, course, {"enabled_EUR": "on", "price_EUR": "45.00", "enabled_GBP": True, "price_GBP": "39.5",
                               "price_NGN": "1000"})  # NGN is not enabled: its price is ignored
    assert stored(course) == {"EUR": 4500, "GBP": 3950}
    set_prices(actor, course, {"EUR": "44"})  # the API's plain map; GBP is turned off
    assert stored(course) == {"EUR": 4400}
    with lms_app.core.db.session_scope() as s:
        view = prices.prices_view(s, actor, course.id)
    assert [r["currency"] for r in view["rows"]] == [c for c in currencies.enabled() if c != "USD"]
    assert next(r for r in view["rows"] if r["currency"] == "EUR") == {"currency": "EUR", "enabled": True,
                                                                        "price": "44.00", "placeholder": "0.00"}
    assert next(r for r in view["rows"] if r["currency"] == "JPY")["placeholder"] == "0"


@pytest.mark.parametrize("form,field,message", [
    ({"enabled_XYZ": "on", "price_XYZ": "5"}, "price_XYZ", "not a currency this site sells in"),
    ({"enabled_CHF": "on", "price_CHF": "5"}, "price_CHF", "not a currency this site sells in"),  # ISO, not enabled
    ({"enabled_EUR": "on", "price_EUR": "-1"}, "price_EUR", "cannot be negative"),
    ({"enabled_EUR": "on", "price_EUR": "0"}, "price_EUR", "cannot be free in EUR"),
    ({"enabled_EUR": "on", "price_EUR": ""}, "price_EUR", "Enter the price in EUR"),
    ({"enabled_EUR": "on", "price_EUR": "1.234"}, "price_EUR", "at most 2 decimal places"),
    ({"enabled_USD": "on", "price_USD": "5"}, "price_USD", "already the course's own currency"),
])
def test_bad_prices_are_refused_and_nothing_is_saved(teacher_course, form, field, message):
    course, actor = teacher_course
    set_prices(actor, course, {"EUR": "45"})
    with pytest.raises(FormErrors) as caught:
        set_prices(actor, course, {**form, "enabled_GBP": "on", "price_GBP": "30"})
    assert message in caught.value.errors[field]
    assert stored(course) == {"EUR": 4500}


def test_only_the_owner_or_an_admin_sets_prices(teacher_course, make_user, sign_in):
    course, _ = teacher_course
    for role in ("teacher", "learner"):
        with pytest.raises(PermissionDenied):
            set_prices(sign_in(make_user(role=role))[1], course, {"EUR": "1"})
    set_prices(sign_in(make_user(role="admin"))[1], course, {"EUR": "1"})
    assert stored(course) == {"EUR": 100}
    with pytest.raises(ServiceError):
        set_prices(sign_in(make_user(role="admin"))[1], type("C", (), {"id": "junk"}), {"EUR": "1"})


def test_a_free_course_is_free_in_every_currency(teacher_course, make_course, sign_in, make_user):
    course, actor = teacher_course
    set_prices(actor, course, {"EUR": "45", "GBP": "39"})
    form = {"title": course.title, "level": "beginner", "language": "en", "currency": "USD", "price": "0"}
    with lms_app.core.db.session_scope() as s:
        authoring.update_details(s, actor, course.id, form)
    assert stored(course) == {}  # becoming free drops the extra prices
    with pytest.raises(ServiceError, match="free in every currency"):
        set_prices(actor, course, {"EUR": "45"})
    with lms_app.core.db.session_scope() as s:
        assert currencies.price_in(s, s.get(Course, course.id), "EUR") == (0, "EUR")


def test_switching_the_primary_currency_drops_its_extra_price(teacher_course):
    course, actor = teacher_course
    set_prices(actor, course, {"EUR": "45", "GBP": "39"})
    form = {"title": course.title, "level": "beginner", "language": "en", "currency": "EUR", "price": "46"}
    with lms_app.core.db.session_scope() as s:
        authoring.update_details(s, actor, course.id, form)
    assert stored(course) == {"GBP": 3900}


def test_database_keeps_one_nonnegative_price_per_currency(teacher_course):
    course, _ = teacher_course
    with lms_app.core.db.session_scope() as s:
        s.add(CoursePrice(course_id=course.id, currency="EUR", price_minor=100))
    for row in (CoursePrice(course_id=course.id, currency="EUR", price_minor=200),
                CoursePrice(course_id=course.id, currency="GBP", price_minor=-1)):
        with pytest.raises(IntegrityError):
            with lms_app.core.db.session_scope() as s:
                s.add(row)
    assert stored(course) == {"EUR": 100}


# --- the catalog -------------------------------------------------------------------------------

@pytest.fixture
def mixed(make_course):
    """50 EUR (own), 30 USD with 28 EUR, 35 USD only, free, 4000 JPY."""
    eur = make_course(title="Fifty euros", price_minor=5000, currency="EUR")
    both = make_course(title="Thirty dollars", price_minor=3000, currency="USD")
    usd = make_course(title="Dollars only", price_minor=3500, currency="USD")
    make_course(title="Free", price_minor=0, currency="USD")
    make_course(title="Yen", price_minor=4000, currency="JPY")
    with lms_app.core.db.session_scope() as s:
        s.add(CoursePrice(course_id=both.id, currency="EUR", price_minor=2800))
    return eur, both, usd


def test_price_filter_compares_within_the_chosen_currency(db, mixed):
    # Before issue 20 the filter compared raw numbers: 50 EUR looked like "50" and 4000 JPY like 40.00.
    assert titles(search(db, price_min=0, price_max=40)) == ["Dollars only", "Free", "Thirty dollars"]  # USD
    assert titles(search(db, price_min=0, price_max=40, currency="USD")) == ["Dollars only", "Free", "Thirty dollars"]
    assert "Fifty euros" not in titles(search(db, price_min=45, price_max=60, currency="USD"))
    assert titles(search(db, price_min=45, price_max=60, currency="EUR")) == ["Fifty euros"]
    assert titles(search(db, price_min=20, price_max=30, currency="EUR")) == ["Thirty dollars"]
    assert titles(search(db, price_max=30, currency="EUR")) == ["Free", "Thirty dollars"]
    assert titles(search(db, price_min=4000, price_max=4000, currency="JPY")) == ["Yen"]  # JPY has no cents
    assert titles(search(db, price_min=1, currency="GBP")) == []  # nobody sells in GBP yet


def test_cards_show_the_chosen_currency_or_their_own_marked(db, mixed):
    labels = {c["title"]: c["price_label"] for c in search(db, currency="EUR")["courses"]}
    assert labels == {"Fifty euros": "€50.00", "Thirty dollars": "€28.00", "Dollars only": "$35.00 (USD)",
                      "Free": "Free", "Yen": "¥4,000 (JPY)"}
    labels = {c["title"]: c["price_label"] for c in search(db)["courses"]}
    assert labels["Thirty dollars"] == "$30.00" and labels["Fifty euros"] == "€50.00 (EUR)"


def test_currency_parameter_is_validated_kept_in_links_and_chips(db, mixed):
    assert catalog_params.parse_params({"currency": "eur"}).currency == "EUR"
    for junk in ("XYZ", "CHF", "EURO", "", "€"):
        assert catalog_params.parse_params({"currency": junk}).currency == ""
    p = catalog_params.parse_params({"currency": "EUR", "price_max": "30"})
    assert catalog_params.parse_params(dict(x.split("=") for x in
                                            catalog_params.catalog_url(p).split("?")[1].split("&"))) == p
    page = catalog_search.search_courses(db, p)
    assert [c["label"] for c in page["chips"]] == ["Up to 30 EUR"]
    assert "currency=EUR" in page["clear_url"]


def test_catalog_statement_count_does_not_grow_with_prices(db, make_course, count_queries):
    for i in range(6):
        course = make_course(title=f"C{i}", price_minor=1000 + i, currency="USD")
        with lms_app.core.db.session_scope() as s:
            s.add_all([CoursePrice(course_id=course.id, currency=c, price_minor=900 + i) for c in ("EUR", "GBP")])
    counts_seen = set()
    for query in ({}, {"currency": "EUR"}, {"currency": "EUR", "price_min": 5, "price_max": 20},
                  {"currency": "GBP", "sort": "price_asc"}):
        with count_queries() as n:
            page = search(db, **query)
        assert len(page["courses"]) == 6
        counts_seen.add(n.count)
    assert counts_seen == {3}, counts_seen  # the page, the total, the categories: as without currencies


def test_course_page_lists_every_price_without_another_query(db, mixed, count_queries):
    _, both, _ = mixed
    with count_queries() as n:
        found = course_page.public_course(db, both.slug)
    assert n.count == 2
    assert [(p["currency"], p["label"], p["primary"]) for p in found["detail"]["prices"]] == [
        ("USD", "$30.00", True), ("EUR", "€28.00", False)]


# --- checkout ----------------------------------------------------------------------------------

@pytest.fixture
def euro_course(teacher_course):
    course, actor = teacher_course
    set_prices(actor, course, {"EUR": "45", "GBP": "39"})
    return course


def test_purchase_in_eur_records_eur_everywhere(euro_course, make_user, sign_in, settings):
    learner = make_user()
    _, actor = sign_in(learner)
    with lms_app.core.db.session_scope() as s:
        view = checkout.quote_view(s, actor, euro_course.slug, "", "eur")
    assert (view["currency"], view["total_label"]) == ("EUR", "€45.00")
    assert [o["currency"] for o in view["currency_options"]] == ["USD", "EUR", "GBP"]
    with lms_app.core.db.session_scope() as s:
        from lms_app.commerce.gateways.test_gateway import TestGateway
        from tests.unit.commerce.commerce_support import SUCCESS

        order = checkout.purchase(s, settings, actor, euro_course.slug, "", SUCCESS, TestGateway(), currency="EUR")
    with lms_app.core.db.session_scope() as s:
        order = s.get(Order, order.id)
        payment = s.exec(select(Payment).where(Payment.order_id == order.id)).one()
        entry = s.exec(select(LedgerEntry).where(LedgerEntry.order_id == order.id)).one()
    assert (order.currency, order.amount_minor, order.list_price_minor) == ("EUR", 4500, 4500)
    assert (payment.currency, payment.amount_minor) == ("EUR", 4500)
    assert (entry.currency, entry.amount_minor) == ("EUR", 4500)
    assert entry.platform_fee_minor + entry.teacher_share_minor == 4500
    assert counts(learner.id, euro_course.id)["enrollments"] == 1


def test_the_price_comes_from_the_database_for_the_chosen_currency(euro_course, make_user, sign_in):
    _, actor = sign_in(make_user())
    with lms_app.core.db.session_scope() as s:  # the teacher changes the EUR price just before
        s.exec(select(CoursePrice).where(CoursePrice.currency == "EUR")).one().price_minor = 4700
    with lms_app.core.db.session_scope() as s:
        # whatever a client adds to the card form, only the currency code is read
        paid = checkout.pay(s, lms_app.core.settings.get_settings(), actor, euro_course.slug, "",
                            {"card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123",
                             "amount_minor": 1, "price": "0.01", "currency": "USD"}, currency="EUR")
    with lms_app.core.db.session_scope() as s:
        order = s.get(Order, paid.order_id)
    assert (order.currency, order.amount_minor) == ("EUR", 4700)


@pytest.mark.parametrize("code,shown", [("CHF", "CHF"), ("XYZ", "XYZ"), ("NGN", "NGN"), ("eu", "that currency"),
                                        (42, "that currency")])
def test_unknown_or_disabled_currency_is_refused_clearly(euro_course, make_user, sign_in, code, shown):
    learner = make_user()
    _, actor = sign_in(learner)
    with pytest.raises(ServiceError) as caught:
        with lms_app.core.db.session_scope() as s:
            checkout.quote_view(s, actor, euro_course.slug, "", code)
    assert caught.value.message == f"This course is not sold in {shown}. Choose one of: USD, EUR, GBP."
    assert caught.value.field == "currency"
    with pytest.raises(ServiceError, match="not sold in"):
        buy_in(actor, euro_course.slug, code)
    assert counts(learner.id) == {"orders": 0, "paid": 0, "payments": 0, "enrollments": 0, "ledger": 0}


def buy_in(actor, slug, currency, coupon=""):
    from lms_app.commerce.gateways.test_gateway import TestGateway
    from tests.unit.commerce.commerce_support import SUCCESS

    with lms_app.core.db.session_scope() as s:
        return checkout.purchase(s, lms_app.core.settings.get_settings(), actor, slug, coupon, SUCCESS, TestGateway(),
                                 currency=currency)


def test_fixed_coupons_apply_only_in_their_currency(euro_course, make_user, sign_in):
    make_coupon(code="FIVEUSD", kind="fixed", amount=500, currency="USD", once_per_account=False)
    make_coupon(code="FIVEEUR", kind="fixed", amount=500, currency="EUR", once_per_account=False)
    make_coupon(code="TENPCT", kind="percent", amount=10, once_per_account=False)
    _, actor = sign_in(make_user())
    with lms_app.core.db.session_scope() as s:
        q = lambda code, cur: checkout.price(s, actor, euro_course.slug, code, cur)  # noqa: E731
        assert (q("FIVEUSD", None).quote.amount_minor, q("FIVEUSD", None).coupon_error) == (4400, "")
        assert q("FIVEUSD", "EUR").coupon_error == coupons.WRONG_CURRENCY
        assert q("FIVEUSD", "EUR").quote.amount_minor == 4500
        assert q("FIVEEUR", "EUR").quote.amount_minor == 4000
        assert q("FIVEEUR", "USD").coupon_error == coupons.WRONG_CURRENCY
        assert q("TENPCT", "GBP").quote.amount_minor == 3510
    with pytest.raises(ServiceError, match="different currency"):
        buy_in(actor, euro_course.slug, "EUR", "FIVEUSD")
    order = buy_in(actor, euro_course.slug, "EUR", "FIVEEUR")
    assert (order.currency, order.discount_minor, order.amount_minor) == ("EUR", 500, 4000)


def test_redirect_provider_gets_the_chosen_currency_and_a_mismatch_is_refused(euro_course, make_user, sign_in,
                                                                              settings):
    from lms_app.commerce.gateways.base import GatewayEvent

    _, actor = sign_in(make_user())
    with lms_app.core.db.session_scope() as s:
        order_id, _ = provider_checkout.start(s, actor, euro_course.slug, "", WebhookProvider("s" * 32), currency="GBP")
    with lms_app.core.db.session_scope() as s:
        order = s.get(Order, order_id)
        ref = s.exec(select(Payment.reference).where(Payment.order_id == order_id)).one()
        assert (order.status, order.currency, order.amount_minor) == ("pending", "GBP", 3900)
        # the provider reports the right number in the course's own currency: not accepted
        outcome = provider_checkout.apply_event(s, settings, "webhook", GatewayEvent(
            event_id="evt_cur", kind="payment.succeeded", reference=ref, amount_minor=3900, currency="USD"))
    assert outcome == "mismatch"
    with lms_app.core.db.session_scope() as s:
        assert s.get(Order, order_id).status == "failed"


def test_free_course_checkout_in_any_enabled_currency_stays_free(make_course, make_user, sign_in):
    course = make_course(price_minor=0)
    _, actor = sign_in(make_user())
    with lms_app.core.db.session_scope() as s:
        assert checkout.price(s, actor, course.slug, "", "EUR").quote.amount_minor == 0
    with pytest.raises(ServiceError, match="free"):
        buy_in(actor, course.slug, "EUR")


def test_default_currency_is_the_course_own(euro_course, make_user, sign_in):
    _, actor = sign_in(make_user())
    order = buy(actor, euro_course.slug)
    assert (order.currency, order.amount_minor) == ("USD", 4900)


def test_demo_courses_are_sold_in_eur_and_gbp_too(db, settings):
    from lms_app.demo.seed import seed_demo_data

    assert seed_demo_data(db, settings)["course_prices"] == 5
    db.commit()
    course = db.exec(select(Course).where(Course.slug == "modern-python-patterns")).one()
    assert [(o.currency, o.label) for o in currencies.course_options(db, course)] == [
        ("USD", "$49.00"), ("EUR", "€45.00"), ("GBP", "£39.00")]
    assert seed_demo_data(db, settings)["course_prices"] == 0


def test_price_sorts_in_a_chosen_currency_put_courses_not_sold_in_it_last(db, mixed, make_course):
    assert [c["title"] for c in search(db, currency="EUR", sort="price_asc")["courses"]] == [
        "Free", "Thirty dollars", "Fifty euros", "Dollars only", "Yen"]
    assert [c["title"] for c in search(db, currency="EUR", sort="price_desc")["courses"]] == [
        "Fifty euros", "Thirty dollars", "Free", "Yen", "Dollars only"]
    # keyset pages walk across the boundary without losing or repeating a course
    for i in range(10):
        make_course(title=f"Extra {i}", price_minor=1000 + i * 100, currency="EUR" if i % 2 else "USD")
    for sort in ("price_asc", "price_desc"):
        first = search(db, currency="EUR", sort=sort)
        assert first["has_next"]
        query = dict(x.split("=") for x in first["next_url"].split("?")[1].split("&"))
        second = search(db, **query)
        seen = [c["title"] for c in first["courses"] + second["courses"]]
        assert len(seen) == 15 == len(set(seen)) and not second["has_next"]
        back = dict(x.split("=") for x in second["prev_url"].split("?")[1].split("&"))
        assert [c["title"] for c in search(db, **back)["courses"]] == [c["title"] for c in first["courses"]]
