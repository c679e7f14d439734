"""PDF receipts (fpdf2), for the order's buyer or an admin only."""

from __future__ import annotations

from fpdf import FPDF
from sqlmodel import Session

from lms_app.commerce.services import orders
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
