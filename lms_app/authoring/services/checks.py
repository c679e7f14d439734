"""Small checks shared by the authoring services: ids, titles, slugs, prices and outcomes from raw
browser input, plus ``FormErrors`` for reporting several field problems at once."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from lms_app.core.errors import ServiceError
from lms_app.core.money import exponent

TITLE_MIN, TITLE_MAX = 3, 160
PRICE_MAX_MINOR = 10_000_000  # 100,000.00 in a two-decimal currency
OUTCOMES_MAX, OUTCOME_MAX = 10, 160
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text: str) -> str:
    """Control characters (NUL included: PostgreSQL refuses it in text) never reach the database."""
    return _CONTROLS.sub("", text)


class FormErrors(ServiceError):
    """Several field errors at once: ``errors`` maps field name → message."""

    def __init__(self, errors: dict[str, str]):
        first_field, first = next(iter(errors.items()))
        super().__init__(first if len(errors) == 1 else "Some fields need attention: " + first, first_field)
        self.errors = errors


# --- small checks ------------------------------------------------------------------------------

def as_id(raw: object, what: str = "item") -> int:
    """A positive integer id from browser input (ints or digit strings only; never bools)."""
    if isinstance(raw, bool):
        raise ServiceError(f"That {what} does not exist.")
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int) or raw <= 0 or raw > 2**62:
        raise ServiceError(f"That {what} does not exist.")
    return raw


def clean_title(raw: object, field: str = "title", *, minimum: int = TITLE_MIN, maximum: int = TITLE_MAX,
                what: str = "title") -> str:
    text = " ".join(strip_controls(raw).split()) if isinstance(raw, str) else ""
    if not text:
        raise ServiceError(f"Enter a {what}.", field)
    if len(text) < minimum:
        raise ServiceError(f"Use at least {minimum} characters for the {what}.", field)
    if len(text) > maximum:
        raise ServiceError(f"Use at most {maximum} characters for the {what}.", field)
    return text


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:80].strip("-") or "course"


def parse_price(raw: object, currency: str) -> int:
    """'49.99' / '0' / 4999-as-text → minor units; refuses negatives, absurd amounts, extra decimals."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 0
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise ServiceError("Enter the price as a number, like 49.99 (0 for free).", "price")
    text = str(raw).strip().replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ServiceError("Enter the price as a number, like 49.99 (0 for free).", "price") from None
    if not amount.is_finite():
        raise ServiceError("Enter the price as a number, like 49.99 (0 for free).", "price")
    if amount < 0:
        raise ServiceError("The price cannot be negative. Use 0 for a free course.", "price")
    exp = exponent(currency)
    minor = amount * (10**exp)
    if minor != minor.to_integral_value():
        raise ServiceError(f"{currency} prices have at most {exp} decimal places.", "price")
    minor_int = int(minor)
    limit = PRICE_MAX_MINOR if exp == 2 else PRICE_MAX_MINOR // 100 * (10**exp)
    if minor_int > limit:
        raise ServiceError(f"That price is too high: the most a course can cost is {limit / 10**exp:,.0f} {currency}.",
                           "price")
    return minor_int


def price_text(minor: int, currency: str) -> str:
    exp = exponent(currency)
    return f"{minor / 10**exp:.{exp}f}" if exp else str(minor)


def clean_outcomes(raw: object) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        items = raw.split("\n")
    elif isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        items = raw
    else:
        raise ServiceError("List what learners will learn, one point per line.", "outcomes")
    out = [" ".join(strip_controls(x).lstrip("-*• ").split()) for x in items]
    out = [x for x in out if x]
    if len(out) > OUTCOMES_MAX:
        raise ServiceError(f"List at most {OUTCOMES_MAX} points.", "outcomes")
    for x in out:
        if len(x) > OUTCOME_MAX:
            raise ServiceError(f"Keep each point under {OUTCOME_MAX} characters.", "outcomes")
    return out
