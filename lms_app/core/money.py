"""Money helpers: integer minor units plus an ISO 4217 code, never floats."""

from __future__ import annotations

# Currencies whose minor unit is not 1/100.
_EXPONENTS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "UGX": 0, "BHD": 3, "KWD": 3, "JOD": 3, "OMR": 3, "TND": 3}
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "NGN": "₦", "BRL": "R$"}


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def format_price(minor: int, currency: str) -> str:
    """'Free' for zero, else e.g. '$49.99' or '4,900 JPY' style."""
    if minor == 0:
        return "Free"
    exp = exponent(currency)
    units = minor / (10**exp) if exp else minor
    amount = f"{units:,.{exp}f}"
    symbol = _SYMBOLS.get(currency.upper())
    return f"{symbol}{amount}" if symbol else f"{amount} {currency.upper()}"


def format_amount(minor: int, currency: str) -> str:
    """Like format_price but zero is an amount ('$0.00'), and negatives keep their sign."""
    exp = exponent(currency)
    sign = "-" if minor < 0 else ""
    minor = abs(minor)
    amount = f"{(minor / (10**exp) if exp else minor):,.{exp}f}"
    symbol = _SYMBOLS.get(currency.upper())
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency.upper()}"


def decimal_amount(minor: int, currency: str) -> str:
    """The amount as a plain decimal string in major units ('49.00', '4900' for JPY), exactly
    (integer arithmetic), e.g. for schema.org ``Offer.price``."""
    exp = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(int(minor)), 10**exp)
    return f"{sign}{whole}.{frac:0{exp}d}" if exp else f"{sign}{whole}"
