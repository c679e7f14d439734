"""Pure discount math, proved over prices, coupon kinds and currencies (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lms_app.core import pricing
from lms_app.core.money import format_amount

prices = st.integers(min_value=0, max_value=10**9)
kinds = st.sampled_from(["percent", "fixed"])
currencies = st.sampled_from(["USD", "EUR", "JPY", "KWD", "NGN", "BRL"])


@given(prices, kinds, st.integers(min_value=-10**6, max_value=10**10), currencies)
def test_total_never_negative_and_discount_never_exceeds_price(price, kind, amount, currency):
    q = pricing.quote(price, currency, kind, amount)
    assert 0 <= q.discount_minor <= q.list_price_minor == price
    assert q.amount_minor == price - q.discount_minor >= 0
    assert q.currency == currency
    assert all(isinstance(v, int) for v in (q.discount_minor, q.amount_minor))


@given(prices, st.integers(min_value=1, max_value=100))
def test_percent_is_rounded_half_up_to_the_minor_unit(price, pct):
    off = pricing.discount_for(price, "percent", pct)
    exact = price * pct / 100
    assert abs(off - exact) <= 0.5
    assert pricing.discount_for(price, "percent", 100) == price


@given(prices, st.integers(min_value=0, max_value=100))
def test_fee_and_share_add_up_exactly(amount, pct):
    fee, share = pricing.split_fee(amount, pct)
    assert fee + share == amount and fee >= 0 and share >= 0


def test_examples():
    assert pricing.quote(4900, "USD", "percent", 20).amount_minor == 3920
    assert pricing.quote(4900, "USD", "fixed", 10000).amount_minor == 0
    assert pricing.quote(99, "USD", "percent", 20).discount_minor == 20
    assert pricing.quote(1000, "USD").discount_minor == 0
    assert format_amount(0, "USD") == "$0.00" and format_amount(-3920, "USD") == "-$39.20"
    assert format_amount(1200, "JPY") == "¥1,200"
