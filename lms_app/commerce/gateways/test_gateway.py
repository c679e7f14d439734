"""The built-in test gateway: dummy payments for development and tests (refused in production).

Card numbers (any future expiry, any 3-4 digit CVC):

=====================  ===================================
4242 4242 4242 4242    payment succeeds
4000 0000 0000 0002    declined ("Your card was declined.")
4000 0000 0000 9995    declined for insufficient funds
any other Luhn-valid   payment succeeds
=====================  ===================================

Numbers failing the Luhn check, past expiry dates and malformed CVCs are refused before any
charge. Nothing is stored: the charge log below keeps reference, amount and last four only.
"""

from __future__ import annotations

import secrets
import threading
from datetime import datetime, timezone

from lms_app.commerce.gateways.base import CardDetails, ChargeResult

SUCCESS = "4242424242424242"
DECLINED = "4000000000000002"
INSUFFICIENT = "4000000000009995"

DECLINED_REASON = "Your card was declined. Try another card."
INSUFFICIENT_REASON = "Your card has insufficient funds. Try another card."

_lock = threading.Lock()
CHARGES: list[tuple[str, int, str]] = []  # (reference, amount, currency): what tests count
REFUNDS: list[tuple[str, int]] = []


def digits(raw: object) -> str:
    return "".join(ch for ch in raw if ch.isdigit()) if isinstance(raw, str) and len(raw) <= 40 else ""


def luhn_ok(number: str) -> bool:
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def expiry_problem(raw: object, now: datetime | None = None) -> str | None:
    text = raw.replace(" ", "") if isinstance(raw, str) else ""
    parts = text.split("/")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) not in (1, 2) or len(parts[1]) not in (2, 4):
        return "Enter the expiry as MM/YY."
    month, year = int(parts[0]), int(parts[1])
    year += 2000 if year < 100 else 0
    if not 1 <= month <= 12:
        return "Enter the expiry as MM/YY."
    now = now or datetime.now(timezone.utc)
    if (year, month) < (now.year, now.month):
        return "This card has expired."
    return None


def card_problem(card: CardDetails) -> tuple[str, str] | None:
    """(field, message) for the first thing wrong with the card form, else None."""
    number = digits(card.number)
    if not luhn_ok(number):
        return "card_number", "Check the card number."
    if (msg := expiry_problem(card.expiry)) is not None:
        return "expiry", msg
    if not (isinstance(card.cvc, str) and card.cvc.strip().isdigit() and len(card.cvc.strip()) in (3, 4)):
        return "cvc", "Enter the 3 or 4 digit CVC."
    return None


class TestGateway:
    name = "test"
    __test__ = False  # not a pytest class

    def charge(self, amount_minor: int, currency: str, card: CardDetails, order_id: int) -> ChargeResult:
        if (problem := card_problem(card)) is not None:
            return ChargeResult(ok=False, reason=problem[1])
        number = digits(card.number)
        if number == DECLINED:
            return ChargeResult(ok=False, reason=DECLINED_REASON)
        if number == INSUFFICIENT:
            return ChargeResult(ok=False, reason=INSUFFICIENT_REASON)
        reference = f"test_{order_id}_{secrets.token_hex(6)}"
        with _lock:
            CHARGES.append((reference, amount_minor, currency))
        return ChargeResult(ok=True, reference=reference, last4=number[-4:])

    def refund(self, reference: str, amount_minor: int) -> None:
        with _lock:
            REFUNDS.append((reference, amount_minor))
