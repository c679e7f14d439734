"""PDF receipts (fpdf2), for the order's buyer or an admin only.

An order bought with billing details (services/invoices.py) gets an *invoice* instead: its
number, the seller (the teacher), the buyer's billing block and tax id, and net / tax / gross.
The invoice uses the app's Unicode font (billing addresses are not Latin-1)."""

from __future__ import annotations

from fpdf import FPDF
from sqlmodel import Session

from lms_app.commerce.services import invoices, orders
from lms_app.core.sessions import Actor
from lms_app.core.settings import Settings


def _latin(text: str) -> str:
    """The core PDF fonts are Latin-1: replace what they cannot draw."""
    return text.replace("€", "EUR ").replace("₹", "INR ").replace("₦", "NGN ").replace("–", "-").encode(
        "latin-1", "replace").decode("latin-1")


def receipt_pdf(session: Session, settings: Settings, actor: Actor | None, raw_id: object) -> tuple[str, bytes] | None:
    """(file name, PDF bytes) or None when the order is not this actor's to read."""
    view = orders.detail(session, actor, raw_id) if actor is not None else None
    if view is None:
        return None
    invoice = invoices.issued(session, view["id"])
    if invoice is not None:
        return f"invoice-{invoice.number}.pdf", invoice_pdf(settings, view, invoices.view(invoice))
    pdf = FPDF(format="A4")
    pdf.set_title(f"Receipt {view['number']}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    pdf.cell(0, 12, _latin(settings.site_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    pdf.cell(0, 8, _latin(f"Receipt {view['number']}  ·  {view['date_label']}".replace("·", "-")),
             new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, _latin(f"Billed to: {view['buyer']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    rows = [("Course", view["course_title"]), ("List price", view["list_label"])]
    if view["discount_label"]:
        rows.append((f"Discount ({view['coupon_code']})", "-" + view["discount_label"]))
    rows += [("Total paid", view["amount_label"]), ("Payment", view["payment_label"]),
             ("Status", view["status_label"])]
    if view["refunded_label"]:
        rows.append(("Refunded on", view["refunded_label"]))
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(60, 9, _latin(label))
        pdf.set_font("Helvetica", "", 12)
        pdf.multi_cell(0, 9, _latin(str(value)), new_x="LMARGIN", new_y="NEXT")
    return f"receipt-{view['id']}.pdf", bytes(pdf.output())


def invoice_pdf(settings: Settings, view: dict, inv: dict) -> bytes:
    """The invoice of an order (``orders.detail`` view) and its issued invoice (``invoices.view``)."""
    from lms_app.certificates.services.pdf import REGULAR

    pdf = FPDF(format="A4")
    pdf.set_title(f"Invoice {inv['number']}")
    pdf.add_font("inv", "", str(REGULAR))
    pdf.add_page()

    def line(text: str, size: int = 11, height: float = 6.5) -> None:
        pdf.set_font("inv", "", size)
        pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")

    def row(label: str, value: str, size: int = 11) -> None:
        pdf.set_font("inv", "", size)
        pdf.set_text_color(96, 100, 108)
        pdf.cell(70, 8, label)
        pdf.set_text_color(28, 32, 36)
        pdf.multi_cell(0, 8, value, new_x="LMARGIN", new_y="NEXT")

    line("Invoice", 22, 12)
    line(f"Invoice number: {inv['number']}")
    line(f"Date of issue: {inv['date_label']}")
    line(f"Order: {view['number']}")
    pdf.ln(4)
    line("Seller", 13, 8)
    line(inv["seller"] or "The course's teacher")
    line(f"Sold through {settings.site_name}, which collects the payment on the seller's behalf.", 9, 5)
    pdf.ln(4)
    line("Billed to", 13, 8)
    line(inv["billing_name"])
    line(inv["billing_address"])
    line(inv["country"])
    if inv["tax_id"]:
        line(f"Tax id: {inv['tax_id']}")
    pdf.ln(6)
    row("Item", view["course_title"])
    if view["discount_label"]:
        row("List price", view["list_label"])
        row(f"Discount ({view['coupon_code']})", "-" + view["discount_label"])
    if inv["tax_label"]:
        row("Net amount", inv["net_label"])
        row(f"Tax ({inv['tax_rate_label']}, {inv['country_code']})", inv["tax_label"])
    row("Total (tax included)" if inv["tax_label"] else "Total", inv["gross_label"], 13)
    row("Payment", view["payment_label"])
    row("Status", view["status_label"])
    if view["refunded_label"]:
        row("Refunded on", view["refunded_label"])
    if not inv["tax_label"]:
        pdf.ln(4)
        line("No tax is charged on this invoice.", 9, 5)
    return bytes(pdf.output())
