"""Payout statements in a browser, on the demo data (the demo teacher sold courses last month,
one sale refunded; the month before was paid):

1. the demo teacher opens Payouts and downloads last month's USD statement as PDF and CSV;
2. an admin filters the payouts by that month and marks the statement paid (confirmed, with a
   reference); the teacher then sees it paid;
3. screenshots of both pages (light/dark, 1280/390 px).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, DEMO

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _last_month() -> tuple[str, str]:
    now = datetime.now(timezone.utc)
    year, month = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    return f"{year:04d}-{month:02d}", f"{MONTHS[month - 1]} {year}"


def test_teacher_downloads_the_statement_and_an_admin_marks_it_paid(new_context, ui):
    month, label = _last_month()
    teacher = new_context().new_page()
    ui.login(teacher, *DEMO["teacher"])
    ui.goto(teacher, "/teach/payouts")
    expect(teacher.get_by_role("heading", name="Payouts", level=1)).to_be_visible()
    card = teacher.locator(".rt-Card").filter(has=teacher.get_by_role("heading", name=f"{label} · USD"))
    expect(card).to_contain_text("Due")
    expect(card).to_contain_text("-$49.00")  # the refund, netted
    expect(teacher.get_by_text("A refund lands in the month it happened")).to_be_visible()

    with teacher.expect_download() as pdf_download:
        card.get_by_role("link", name=f"Download PDF statement for {label} USD").click()
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF"), pdf[:20]
    assert pdf_download.value.suggested_filename.endswith(f"{month}-USD.pdf")
    with teacher.expect_download() as csv_download:
        card.get_by_role("link", name=f"Download CSV statement for {label} USD").click()
    text = Path(csv_download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("Item,Sales,Gross sales,Refunds,Net,Platform fee,Amount due")
    assert "Modern Python Patterns" in text and "-49.00" in text, text
    total = next(line for line in text.splitlines() if line.startswith("Total,"))
    assert total.split(",")[1] == "4", total  # four sales, one refunded

    admin = new_context().new_page()
    ui.login(admin, *DEMO["admin"], lands_on="/admin")
    ui.goto(admin, "/admin/payouts")
    admin.get_by_label("Month").fill(month)
    admin.get_by_role("button", name="Filter").click()
    row = admin.get_by_role("row").filter(has_text="Tomás Teacher").filter(has_text="USD")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Due")
    row.get_by_role("button", name=f"Mark paid: Tomás Teacher {month} USD").click()
    dialog = admin.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Tomás Teacher")
    dialog.get_by_role("button", name="Mark paid").click()  # no reference yet: refused, the dialog stays
    expect(dialog.get_by_role("alert")).to_have_text("Enter a payment reference.")
    dialog.get_by_label("Payment reference").fill("TR-E2E-0001")
    dialog.get_by_role("button", name="Mark paid").click()
    expect(admin.get_by_text("Statement marked paid")).to_be_visible()
    expect(dialog).to_have_count(0)
    expect(row).to_contain_text("Paid")
    expect(row.get_by_role("button", name=f"Mark paid: Tomás Teacher {month} USD")).to_have_count(0)

    ui.goto(teacher, "/teach/payouts")
    expect(card).to_contain_text("Paid")
    expect(card).to_contain_text("Payment reference: TR-E2E-0001")

    ui.goto(admin, "/admin/audit")
    entry = admin.get_by_role("row").filter(has_text="Marked payout statement paid")
    expect(entry).to_contain_text("TR-E2E-0001")


def test_screenshots(browser, lms_server, ui):
    out = ARTIFACTS.parent / "screens" / "payouts"
    out.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        for width in (1280, 390):
            for role, path in (("teacher", "/teach/payouts"), ("admin", "/admin/payouts")):
                context = browser.new_context(base_url=lms_server.base_url, color_scheme=scheme,
                                              viewport={"width": width, "height": 900})
                context.set_default_timeout(20_000)
                page = context.new_page()
                ui.login(page, *DEMO[role])
                ui.goto(page, path)
                page.wait_for_timeout(800)
                page.screenshot(path=str(out / f"{role}-payouts-{scheme}-{width}.png"), full_page=True)
                context.close()
