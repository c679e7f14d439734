"""Pure discount math in integer minor units: no database, no floats.

``discount`` is clamped so that 0 <= discount <= price, hence the total is never negative.
Percent discounts round half up to the minor unit (a 20 % coupon on 0.99 takes 0.20).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Quote:
    list_price_minor: int
    discount_minor: int
    amount_minor: int
    currency: str


def discount_for(price_minor: int, kind: str, amount: int) -> int:
    """The discount a coupon of ``kind`` ('percent' or 'fixed') and ``amount`` gives on ``price_minor``."""
    if price_minor <= 0 or amount <= 0:
        return 0
    if kind == "percent":
        pct = min(amount, 100)
        raw = (price_minor * pct * 2 + 100) // 200  # round half up, integers only
    elif kind == "fixed":
        raw = amount
    else:
        raise ValueError(f"unknown coupon kind {kind!r}")
    return max(0, min(raw, price_minor))


def quote(price_minor: int, currency: str, kind: str | None = None, amount: int = 0) -> Quote:
    price = max(0, int(price_minor))
    off = discount_for(price, kind, amount) if kind else 0
    return Quote(list_price_minor=price, discount_minor=off, amount_minor=price - off, currency=currency)


def split_fee(amount_minor: int, fee_percent: int) -> tuple[int, int]:
    """(platform fee, teacher share) of a paid amount; the fee rounds half up, the sum is exact."""
    pct = max(0, min(100, int(fee_percent)))
    fee = (amount_minor * pct * 2 + 100) // 200
    fee = max(0, min(fee, amount_minor))
    return fee, amount_minor - fee
