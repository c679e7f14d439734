"""Which currencies courses may be priced in, and a course's price in one of them.

- ``ISO_4217``: the active ISO 4217 alphabetic codes (the standard's list, as data). The
  ``LMS_CURRENCIES`` setting may name only these; the course editor, the catalog's currency
  selector and the checkout offer only the configured ones (``enabled``).
- A course's **primary** price is ``courses.price_minor``/``courses.currency``; each extra currency
  the teacher enables is a ``course_prices`` row. A free course (primary price 0) is free in every
  currency and has no rows.
- ``price_expr(currency)`` is the SQL expression "this course's price in ``currency``" (NULL when
  it has none), a correlated scalar subquery, so catalog queries filter and show prices in one
  currency without one query per course.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, and_, case, cast, func, literal, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from lms_app.core.courses import Course, CoursePrice
from lms_app.core.errors import ServiceError
from lms_app.core.money import format_price

# ISO 4217 active alphabetic codes (fund and precious-metal codes left out: nothing is priced in them).
ISO_4217 = frozenset("""
AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD
CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF
GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK
LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD
OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN
SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG
XOF XPF YER ZAR ZMW ZWG
""".split())

DEFAULT_CURRENCIES = ("USD", "EUR", "GBP", "INR", "NGN", "BRL", "JPY")
# The viewer's last chosen currency lives in the browser's local storage under this key. It is read
# by a script whose result comes back as an event argument (validated like any input): no state
# var is browser-writable (tests/security: no client-storage vars).
STORAGE_KEY = "lms_currency"
READ_SAVED_SCRIPT = ("(() => { try { return window.localStorage.getItem('lms_currency') || '' } "
                     "catch (e) { return '' } })()")


def save_script(code: str) -> str:
    """JavaScript that remembers ``code`` (an already validated currency code) in the browser."""
    import json

    return f"try {{ window.localStorage.setItem('lms_currency', {json.dumps(code)}) }} catch (e) {{}}"
UNKNOWN_CURRENCY = "Choose a currency from the list."


def parse_setting(raw: str | None) -> tuple[str, ...]:
    """``LMS_CURRENCIES`` ("USD,EUR,GBP") → the codes in order; raises ValueError naming a bad one."""
    if raw is None or not raw.strip():
        return DEFAULT_CURRENCIES
    codes = [part.strip().upper() for part in raw.split(",") if part.strip()]
    bad = [c for c in codes if c not in ISO_4217]
    if bad:
        raise ValueError(f"{', '.join(bad)} {'is not an' if len(bad) == 1 else 'are not'} ISO 4217 currency code"
                         f"{'' if len(bad) == 1 else 's'}")
    return tuple(dict.fromkeys(codes))


def enabled() -> tuple[str, ...]:
    """The currencies this site sells in (``LMS_CURRENCIES``)."""
    from lms_app.core.settings import get_settings

    return get_settings().currencies


def clean_code(raw: object, allowed: tuple[str, ...] | None = None) -> str | None:
    """An enabled currency code from browser input (any case), or None."""
    if not isinstance(raw, str):
        return None
    code = raw.strip().upper()
    return code if len(code) == 3 and code in (allowed if allowed is not None else enabled()) else None


@dataclass(frozen=True)
class PriceOption:
    currency: str
    price_minor: int
    primary: bool

    @property
    def label(self) -> str:
        return format_price(self.price_minor, self.currency)


def options(course: Course, extra: list[tuple[str, int]] | dict[str, int]) -> list[PriceOption]:
    """The course's prices: the primary first, then the extra currencies in code order. A free course
    has one option (free)."""
    primary = PriceOption(course.currency, course.price_minor, True)
    if course.price_minor == 0:
        return [primary]
    rows = extra.items() if isinstance(extra, dict) else extra
    more = sorted((c, p) for c, p in rows if c != course.currency)
    return [primary, *(PriceOption(c, p, False) for c, p in more)]


def course_options(session: Session, course: Course) -> list[PriceOption]:
    """The course's prices from the database (one query)."""
    rows = session.exec(select(CoursePrice.currency, CoursePrice.price_minor)
                        .where(CoursePrice.course_id == course.id)).all()
    return options(course, list(rows))


def price_in(session: Session, course: Course, currency: object = None) -> tuple[int, str]:
    """(price in minor units, currency) of ``course`` in ``currency`` — None means its own. Always
    from the database; refuses a currency the course is not sold in with a message naming the ones
    it is."""
    if currency in (None, ""):
        return course.price_minor, course.currency
    code = currency.strip().upper() if isinstance(currency, str) else ""
    if code == course.currency:
        return course.price_minor, course.currency
    if course.price_minor == 0 and code in enabled():
        return 0, code
    found = None
    if len(code) == 3 and code in enabled():
        found = session.exec(select(CoursePrice.price_minor).where(CoursePrice.course_id == course.id,
                                                                  CoursePrice.currency == code)).first()
    if found is None:
        sold = ", ".join(o.currency for o in course_options(session, course))
        shown = code if len(code) == 3 and code.isalpha() else "that currency"
        raise ServiceError(f"This course is not sold in {shown}. Choose one of: {sold}.", "currency")
    return int(found), code


def price_expr(currency: str):
    """SQL: the course's price in ``currency`` (0 when free, NULL when not sold in it)."""
    extra = (select(CoursePrice.price_minor)
             .where(CoursePrice.course_id == Course.id, CoursePrice.currency == currency)
             .correlate(Course).scalar_subquery())
    return case((Course.price_minor == 0, literal(0)), (Course.currency == currency, Course.price_minor),
                else_=extra)


def price_between(currency: str, low: int | None, high: int | None, *, postgres: bool = False):
    """SQL: a published course whose price in ``currency`` is within [low, high] (minor units; None
    = open): free courses (0 everywhere), courses priced in it themselves, and courses with an extra
    price in it. Every branch names the status itself so each can use an index (on PostgreSQL a
    BitmapOr of ``ix_courses_status_price`` ranges and the primary key, the extra prices read once
    by one range scan of ``ix_course_prices_currency_price`` into an array), instead of one lookup
    per course."""
    def within(column):
        return and_(*([column >= low] if low is not None else []), *([column <= high] if high is not None else []))

    published = Course.status == "published"
    extra = select(CoursePrice.course_id).where(CoursePrice.currency == currency, within(CoursePrice.price_minor))
    listed = Course.id == func.any(func.array(extra.scalar_subquery())) if postgres else Course.id.in_(extra)
    paid_elsewhere = and_(listed, Course.price_minor > 0, Course.currency != currency)
    own = and_(published, Course.price_minor > 0, within(Course.price_minor), Course.currency == currency)
    free = [and_(published, Course.price_minor == 0)] if (low is None or low <= 0) and (high is None or high >= 0) \
        else []
    return or_(*free, own, paid_elsewhere)


def joined_price(currency: str):
    """(alias of course_prices to outer-join ON ``alias.course_id = courses.id AND alias.currency =
    currency``, the price-in-currency expression over it): for sorting many rows by that price."""
    alias = aliased(CoursePrice)
    on = and_(alias.course_id == Course.id, alias.currency == currency)
    price = case((Course.price_minor == 0, literal(0)), (Course.currency == currency, Course.price_minor),
                 else_=alias.price_minor)
    return alias, on, price


def packed_prices_expr():
    """SQL: every extra price of the course packed as 'EUR:4500,GBP:3900' (NULL when none), so a
    page query carries them without a query of its own (``unpack``)."""
    item = CoursePrice.currency + literal(":") + cast(CoursePrice.price_minor, String)
    return (select(func.aggregate_strings(item, ","))
            .where(CoursePrice.course_id == Course.id).correlate(Course).scalar_subquery())


def unpack(packed: str | None) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in (packed or "").split(","):
        code, _, minor = part.partition(":")
        if len(code) == 3 and minor.isdigit():
            out[code] = int(minor)
    return out
