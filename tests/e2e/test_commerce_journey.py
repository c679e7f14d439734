"""Buying a course in a browser: a learner pays with the DEMO20 coupon and the success test card,
sees the receipt, opens the first lesson; a declined card on another course says why; an admin
refunds the first order and the learner loses access."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

FIRST = "web-apps-in-pure-python"      # $29.00 demo course → $23.20 with DEMO20
SECOND = "data-analysis-with-pandas"   # $39.00 demo course


def _pay(page: Page, number: str) -> None:
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry (MM/YY)").fill("12/39")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Ada Tester")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()


def test_buy_with_coupon_receipt_lesson_decline_and_refund(ui, page: Page, new_context, new_learner, DEMO,
                                                           verify_email):
    verify_email(page, new_learner[1])  # buying needs a confirmed address
    # Course page → checkout.
    ui.goto(page, f"/courses/{FIRST}")
    page.get_by_role("link", name="Buy for $29.00").first.click()
    ui.path_is(page, f"/checkout/{FIRST}")
    ui.ready(page)
    expect(page.get_by_role("heading", name="Order summary")).to_be_visible()

    # A refused coupon says why; DEMO20 applies live.
    page.get_by_label("Coupon code").fill("NOSUCHCODE")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("This code does not exist. Check the spelling.")).to_be_visible()
    page.get_by_label("Coupon code").fill("demo20")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("-$5.80")).to_be_visible()
    expect(page.get_by_role("button", name="Pay $23.20")).to_be_visible()

    # Success card → receipt.
    _pay(page, "4242 4242 4242 4242")
    page.wait_for_url(re.compile(r"/orders/\d+$"), timeout=30_000)
    ui.ready(page)
    expect(page.get_by_role("heading", name="Payment received")).to_be_visible()
    expect(page.get_by_text("$23.20")).to_be_visible()
    expect(page.get_by_text("Card ending 4242")).to_be_visible()
    # The button downloads the file (a plain link: the app's router must not swallow it).
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename.endswith(".pdf")

    # The bell has it too, and the receipt mail is in the outbox (issue 13).
    ui.goto(page, "/notifications")
    expect(page.locator(".lms-notification").filter(has_text="Payment received:").first).to_be_visible()
    outbox = new_context().new_page()
    ui.login(outbox, *DEMO["admin"], lands_on="/admin")
    ui.goto(outbox, "/admin/mail")
    expect(outbox.get_by_role("row").filter(has_text=new_learner[1]).filter(has_text="Your receipt:").first
           ).to_be_visible()
    outbox.context.close()
    page.go_back()
    ui.ready(page)

    # The first lesson opens.
    page.get_by_role("link", name="Start learning").click()
    ui.path_is(page, f"/courses/{FIRST}")
    ui.ready(page)
    page.get_by_role("link", name="Continue learning").first.click()
    page.wait_for_url(re.compile(rf"/learn/{FIRST}/\d+"), timeout=30_000)
    ui.ready(page)
    expect(page.get_by_text("is for enrolled learners")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # The first lesson is a free preview; the next one is for enrolled learners only.
    first_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    lesson_url = f"/learn/{FIRST}/{first_id + 1}"
    ui.goto(page, lesson_url)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("is for enrolled learners")).to_have_count(0)

    # A declined card on another course: the reason is shown, nothing is bought.
    ui.goto(page, f"/checkout/{SECOND}")
    _pay(page, "4000 0000 0000 0002")
    expect(page.get_by_role("alert").filter(has_text="Your card was declined")).to_be_visible()
    ui.path_is(page, f"/checkout/{SECOND}")

    # Payment history lists the one order.
    ui.goto(page, "/orders")
    expect(page.get_by_role("cell", name="Web Apps in Pure Python")).to_be_visible()
    expect(page.get_by_role("cell", name="Data Analysis with pandas")).to_have_count(0)
    order_number = page.get_by_role("row").nth(1).get_by_role("link").inner_text()

    # The admin refunds it.
    admin_ctx = new_context()
    admin = admin_ctx.new_page()
    ui.login(admin, *DEMO["admin"], lands_on="/admin")
    ui.goto(admin, "/admin/orders")
    admin.get_by_role("button", name=f"Refund order {order_number}").click()
    dialog = admin.get_by_role("alertdialog")
    # An empty reason says so inside the dialog (it used to do nothing, silently).
    dialog.get_by_role("button", name="Refund order", exact=True).click()
    expect(dialog.get_by_role("alert")).to_have_text("Say why the order is refunded.")
    dialog.get_by_label("Reason").fill("Requested by the learner")
    dialog.get_by_role("button", name="Refund order", exact=True).click()
    expect(admin.get_by_text("Order refunded")).to_be_visible()
    admin_ctx.close()

    # The learner sees the refund and has lost access.
    ui.goto(page, "/orders")
    expect(page.get_by_text("Refunded")).to_be_visible()
    page.goto(lesson_url)
    ui.ready(page)
    expect(page.get_by_text("is for enrolled learners")).to_be_visible()
    ui.goto(page, f"/courses/{FIRST}")
    expect(page.get_by_role("link", name="Buy for $29.00").first).to_be_visible()
