"""Invoices: the buyer's billing details, gap-free numbers per seller, tax lines.

A purchase with billing details (name, address, country; tax id optional) gets an invoice; one
without stays a receipt. The seller is the course's teacher (the ledger's ``teacher_id``): this
platform sells on the teacher's behalf and is not the merchant of record, so it collects no duty.

Numbers: ``T{seller}-{year}-{seq:05d}``, ``seq`` counting 1, 2, 3... per seller for ever (the
year is the issue year, for people). ``next_seq`` increments the seller's counter row with one
atomic upsert, which row-locks it on PostgreSQL until commit (SQLite has one writer at a time), in
the transaction that marks the order paid, *after* the card was charged: a declined card never reaches it, and any
rollback later in that transaction gives the number back. ``(seller_id, seq)`` is unique.

Tax: prices are tax-inclusive, so the amount paid (and the ledger) never change: the invoice splits
the gross into net + tax at the rate ``LMS_TAX_RATES`` gives the billing country (rounded half up
on the net, tax = gross - net). No rate for the country: no tax line. Reverse charge is not handled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, select

from lms_app.commerce.invoice_models import Invoice, InvoiceCounter
from lms_app.commerce.models import Order
from lms_app.core.countries import is_country, name_of
from lms_app.core.db import dialect_insert
from lms_app.core.errors import ServiceError
from lms_app.core.money import format_amount
from lms_app.core.settings import Settings
from lms_app.core.types import utcnow
from lms_app.core.users import User

FIELDS = ("billing_name", "billing_address", "billing_country", "billing_tax_id")
NAME_MAX, ADDRESS_MAX, TAX_ID_MAX = 120, 500, 32
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_TAX_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 .\-/]{1,31}$")

NAME_NEEDED = "Enter the name to put on the invoice (a person's or a company's)."
ADDRESS_NEEDED = "Enter the billing address."
COUNTRY_NEEDED = "Choose the billing country."
COUNTRY_UNKNOWN = "Choose a country from the list."
TAX_ID_INVALID = ("A tax id has 2 to 32 letters, digits, spaces, dots, dashes or slashes "
                  "(for example DE123456789).")


@dataclass(frozen=True)
class Billing:
    name: str
    address: str
    country: str
    tax_id: str = ""


def _text(form: dict, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def billing_from(raw: object) -> Billing | None:
    """The billing details of a checkout form (keys ``FIELDS``), or None when none was filled in.

    Raises ``ServiceError`` (with the form field) when they are incomplete or invalid, so the
    purchase is refused before anything is charged. A ``Billing`` passes through unchanged after
    the same checks."""
    if isinstance(raw, Billing):
        raw = {"billing_name": raw.name, "billing_address": raw.address, "billing_country": raw.country,
               "billing_tax_id": raw.tax_id}
    form = raw if isinstance(raw, dict) else {}
    name, address = _text(form, "billing_name"), _text(form, "billing_address")
    country, tax_id = _text(form, "billing_country").upper(), _text(form, "billing_tax_id")
    if not (name or address or country or tax_id):
        return None
    if not name:
        raise ServiceError(NAME_NEEDED, "billing_name")
    if len(name) > NAME_MAX or _CONTROL.search(name) or "\n" in name or "\r" in name:
        raise ServiceError(f"The invoice name must be one line of at most {NAME_MAX} characters.", "billing_name")
    if not address:
        raise ServiceError(ADDRESS_NEEDED, "billing_address")
    address = address.replace("\r\n", "\n").replace("\r", "\n")
    if len(address) > ADDRESS_MAX:
        raise ServiceError(f"The billing address must be at most {ADDRESS_MAX} characters.", "billing_address")
    if _CONTROL.search(address) or _CONTROL.search(name):
        raise ServiceError("The billing details contain characters that cannot be printed.", "billing_address")
    if not country:
        raise ServiceError(COUNTRY_NEEDED, "billing_country")
    if not is_country(country):
        raise ServiceError(COUNTRY_UNKNOWN, "billing_country")
    if tax_id and not _TAX_ID.match(tax_id):
        raise ServiceError(TAX_ID_INVALID, "billing_tax_id")
    address = "\n".join(line.strip() for line in address.split("\n") if line.strip())
    return Billing(name=name, address=address, country=country, tax_id=tax_id.upper())


def rate_bp(settings: Settings, country: str) -> int | None:
    """The tax rate in basis points for ``country`` (None: no rate configured, no tax line)."""
    return dict(settings.tax_rates).get(country)


def split_gross(gross_minor: int, bp: int) -> tuple[int, int]:
    """(net, tax) of a tax-inclusive amount: net rounded half up, tax = gross - net, exactly."""
    if bp <= 0 or gross_minor <= 0:
        return gross_minor, 0
    divisor = 10000 + bp
    net = (gross_minor * 10000 * 2 + divisor) // (2 * divisor)
    return net, gross_minor - net


def hold(session: Session, order: Order, billing: Billing) -> Invoice:
    """Keep the billing details with a pending order (redirect gateways): numbered once it is paid."""
    invoice = session.get(Invoice, order.id)
    if invoice is None:
        invoice = Invoice(order_id=order.id, buyer_id=order.user_id, billing_name=billing.name,
                          billing_address=billing.address, billing_country=billing.country, tax_id=billing.tax_id)
    elif invoice.seq is None:
        invoice.billing_name, invoice.billing_address = billing.name, billing.address
        invoice.billing_country, invoice.tax_id = billing.country, billing.tax_id
    session.add(invoice)
    session.flush()
    return invoice


def next_seq(session: Session, seller_id: int) -> int:
    """The seller's next invoice number, in the caller's transaction: one atomic upsert
    (``INSERT ... ON CONFLICT DO UPDATE SET last_seq = last_seq + 1 RETURNING``). On PostgreSQL it
    row-locks the counter until commit (a concurrent buyer of the same seller waits, then reads
    the committed value); SQLite has one writer at a time. A rollback restores the counter."""
    stmt = dialect_insert(session)(InvoiceCounter).values(seller_id=seller_id, last_seq=1)
    stmt = stmt.on_conflict_do_update(index_elements=["seller_id"],
                                      set_={"last_seq": InvoiceCounter.__table__.c.last_seq + 1})
    return session.execute(stmt.returning(InvoiceCounter.__table__.c.last_seq)).scalar_one()


def issue(session: Session, settings: Settings, order: Order, seller_id: int,
          billing: Billing | None = None) -> Invoice | None:
    """Number the invoice of a paid order, in the transaction that made it paid (3 statements).

    With ``billing`` (direct checkout: the order is new) the invoice row is created here; without,
    the billing details held with the pending order (``hold``) are used; neither: no invoice."""
    if billing is not None:
        invoice = Invoice(order_id=order.id, buyer_id=order.user_id, billing_name=billing.name,
                          billing_address=billing.address, billing_country=billing.country, tax_id=billing.tax_id)
    else:
        invoice = session.get(Invoice, order.id)
        if invoice is None:
            return None
        if invoice.seq is not None:
            return invoice
    seq = next_seq(session, seller_id)
    now = utcnow()
    bp = rate_bp(settings, invoice.billing_country)
    net, tax = split_gross(order.amount_minor, bp or 0)
    invoice.seller_id, invoice.seq = seller_id, seq
    invoice.number = f"T{seller_id}-{now.year}-{seq:05d}"
    invoice.seller_name = (session.exec(select(User.name).where(User.id == seller_id)).first() or "")[:120]
    invoice.currency, invoice.tax_rate_bp = order.currency, bp or 0
    invoice.gross_minor, invoice.net_minor, invoice.tax_minor = order.amount_minor, net, tax
    invoice.issued_at = now
    session.add(invoice)
    session.flush()
    return invoice


def issued(session: Session, order_id: int) -> Invoice | None:
    invoice = session.get(Invoice, order_id)
    return invoice if invoice is not None and invoice.seq is not None else None


def rate_label(bp: int) -> str:
    whole, frac = divmod(bp, 100)
    return f"{whole}.{frac:02d}".rstrip("0").rstrip(".") + " %" if frac else f"{whole} %"


def view(invoice: Invoice) -> dict:
    """What the order page and the PDF show of an issued invoice."""
    cur = invoice.currency
    return {"number": invoice.number, "seller": invoice.seller_name, "billing_name": invoice.billing_name,
            "billing_address": invoice.billing_address, "country_code": invoice.billing_country,
            "country": name_of(invoice.billing_country), "tax_id": invoice.tax_id,
            "date_label": invoice.issued_at.strftime("%d %b %Y") if invoice.issued_at else "",
            "net_label": format_amount(invoice.net_minor, cur),
            "tax_label": format_amount(invoice.tax_minor, cur) if invoice.tax_rate_bp else "",
            "tax_rate_label": rate_label(invoice.tax_rate_bp) if invoice.tax_rate_bp else "",
            "gross_label": format_amount(invoice.gross_minor, cur)}


def number_of(session: Session, order_id: int) -> str:
    return session.exec(select(Invoice.number).where(Invoice.order_id == order_id)).first() or ""
