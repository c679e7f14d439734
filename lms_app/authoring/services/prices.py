"""A course's prices in more currencies than its own (issue 20): the teacher enables a currency
and sets its price in the course editor.

Rules (the course's own price and currency, set in the details form, stay its primary price):
- Only currencies of ``LMS_CURRENCIES`` can be enabled; the primary currency is never an extra one.
- A free course is free in every currency: it has no extra prices, and becoming free drops them.
- A paid course costs more than 0 in every currency it is sold in (else choosing that currency
  would make it free); the database refuses negatives (``ck_course_prices_price_nonnegative``).
- Saving replaces the whole set at once (all rows or none), owner or admin only, like the details.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, select

from lms_app.authoring.services.checks import FormErrors, parse_price, price_text
from lms_app.authoring.services.courses import editable, owned_course, touch
from lms_app.core import currencies
from lms_app.core.courses import Course, CoursePrice
from lms_app.core.errors import ServiceError
from lms_app.core.money import format_price
from lms_app.core.sessions import Actor

FREE_EVERYWHERE = "This course is free, so it is free in every currency: set a price in the details first."


def prices_view(session: Session, actor: Actor, course_id: object) -> dict:
    """The editor card: one row per enabled currency other than the course's own."""
    course = owned_course(session, actor, course_id)
    extra = dict(session.exec(select(CoursePrice.currency, CoursePrice.price_minor)
                              .where(CoursePrice.course_id == course.id)).all())
    rows = [{"currency": code, "enabled": code in extra,
             "price": price_text(extra[code], code) if code in extra else "", "placeholder": price_text(0, code)}
            for code in currencies.enabled() if code != course.currency]
    return {"course_id": course.id, "currency": course.currency, "is_free": course.price_minor == 0,
            "primary_label": format_price(course.price_minor, course.currency), "rows": rows,
            "summary": ", ".join(o.label + f" ({o.currency})" for o in currencies.options(course, extra))}


def _enabled_flag(raw: object) -> bool:
    return raw in (True, "on", "true", "1")


def validate(course: Course, form: object) -> dict[str, int]:
    """{currency: price} from the form (``enabled_EUR``/``price_EUR`` pairs, or a plain
    ``{"EUR": "45.00"}`` map from the API); every problem reported by field."""
    form = form if isinstance(form, dict) else {}
    allowed = currencies.enabled()
    wanted: dict[str, object] = {}
    for key, value in form.items():
        if not isinstance(key, str):
            continue
        if key.startswith("enabled_"):
            if _enabled_flag(value):
                wanted.setdefault(key[len("enabled_"):].upper(), form.get("price_" + key[len("enabled_"):]))
        elif len(key) == 3 and key.isalpha():
            wanted[key.upper()] = value
    errors: dict[str, str] = {}
    out: dict[str, int] = {}
    if wanted and course.price_minor == 0:
        raise ServiceError(FREE_EVERYWHERE, "prices")
    for code, raw in wanted.items():
        field = f"price_{code}"
        if code not in allowed:
            errors[field] = f"{code[:3] or 'That currency'} is not a currency this site sells in. " \
                            f"Choose from: {', '.join(allowed)}."
            continue
        if code == course.currency:
            errors[field] = f"{code} is already the course's own currency: change its price in the details."
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors[field] = f"Enter the price in {code}, or turn {code} off."
            continue
        try:
            minor = parse_price(raw, code)
        except ServiceError as exc:
            errors[field] = exc.message
            continue
        if minor == 0:
            errors[field] = f"A paid course cannot be free in {code}: enter a price above 0, or turn {code} off."
            continue
        out[code] = minor
    if errors:
        raise FormErrors(errors)
    return out


def save_prices(session: Session, actor: Actor, course_id: object, form: object) -> dict[str, int]:
    """Replace the course's extra prices with the form's (all or none)."""
    course = editable(session, actor, course_id)
    prices = validate(course, form)
    session.exec(delete(CoursePrice).where(CoursePrice.course_id == course.id))
    session.add_all([CoursePrice(course_id=course.id, currency=code, price_minor=minor)
                     for code, minor in sorted(prices.items())])
    touch(course)
    session.add(course)
    session.flush()
    return prices


def after_details_saved(session: Session, course: Course) -> None:
    """Keep the extra prices consistent with the primary price: a free course drops them all, and
    the primary currency is never also an extra one."""
    stmt = delete(CoursePrice).where(CoursePrice.course_id == course.id)
    if course.price_minor != 0:
        stmt = stmt.where(CoursePrice.currency == course.currency)
    session.exec(stmt)
