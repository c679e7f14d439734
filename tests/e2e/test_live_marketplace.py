"""Reference document 002's scenario 3 in a browser: a creator sells "Python Masterclass"
($99.99, 2 hours, 2 seats) beside "React Workshop"; of three learners two book (one with
DEMO20) and the third joins the waitlist; one cancels before the cut-off and is refunded; the
waitlisted learner is offered the seat and pays for it; the creator sees bookings and revenue;
the .ics carries the right UTC time; the admin sees every booking."""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

from icalendar import Calendar
from playwright.sync_api import Page, expect

CARD = {"Card number": "4242 4242 4242 4242", "Expiry": "12/39", "CVC": "123", "Name on card": "Test Learner"}


def _create(teacher: Page, title: str, price: str, seats: str, minutes: str) -> None:
    teacher.get_by_label("Title").fill(title)
    teacher.get_by_label("Duration (minutes)").fill(minutes)
    teacher.get_by_label("Seats per time").fill(seats)
    teacher.get_by_label("Price (USD, 0 = free)").fill(price)
    teacher.get_by_label("Meeting link (https://...)").fill("https://meet.example.com/scenario-3")
    teacher.get_by_label("Your time zone").fill("UTC")
    teacher.get_by_role("button", name="Create session").click()
    expect(teacher.get_by_role("link", name=title)).to_be_visible()


def _pay(page: Page, coupon: str = "") -> None:
    expect(page.get_by_role("heading", name="Pay for your seat")).to_be_visible()
    if coupon:
        page.get_by_label("Coupon code").fill(coupon)
    for label, value in CARD.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Pay and book").click()


def test_scenario_3_sell_book_waitlist_cancel_refund_and_see_it_all(ui, new_context, DEMO, verify_email):
    stamp = time.time_ns() % 10**8
    master, react = f"Python Masterclass {stamp}", f"React Workshop {stamp}"
    teacher = new_context().new_page()
    ui.login(teacher, *DEMO["teacher"])
    ui.goto(teacher, "/teach/live")
    _create(teacher, master, "99.99", "2", "120")
    _create(teacher, react, "49", "10", "90")
    teacher.get_by_label("Session", exact=True).select_option(label=master)
    teacher.get_by_label("Date").fill("2031-03-04")
    teacher.get_by_label("Start time").fill("18:00")
    teacher.get_by_role("button", name="Schedule", exact=True).click()
    expect(teacher.get_by_text("No bookings yet").first).to_be_visible()

    learners = []
    for name in ("Ana First", "Ben Second", "Cy Third"):
        page = new_context().new_page()
        email = f"e2e-s3-{name.split()[0].lower()}-{stamp}@example.com"
        ui.register(page, name, email, "correct horse battery")
        ui.path_is(page, "/dashboard")
        verify_email(page, email)
        learners.append(page)
    ana, ben, cy = learners

    def open_master(page: Page) -> None:
        ui.goto(page, "/live")
        page.get_by_role("link", name=master).first.click()
        expect(page.get_by_role("heading", name=master)).to_be_visible()

    open_master(ana)
    expect(ana.get_by_text("2 of 2 seats left")).to_be_visible()
    ana.get_by_role("button", name=re.compile(r"^Book ")).first.click()
    _pay(ana, "DEMO20")
    expect(ana.get_by_text("Booked", exact=True)).to_be_visible()

    open_master(ben)
    expect(ben.get_by_text("1 of 2 seats left")).to_be_visible()
    ben.get_by_role("button", name=re.compile(r"^Book ")).first.click()
    _pay(ben)
    expect(ben.get_by_text("Booked", exact=True)).to_be_visible()

    open_master(cy)
    expect(cy.get_by_text("0 of 2 seats left")).to_be_visible()
    cy.get_by_role("button", name=re.compile("^Join waitlist")).first.click()
    expect(cy.get_by_text("On the waitlist", exact=True).first).to_be_visible()

    # Ana cancels (the start is years away: well before the 24 h cut-off) and is refunded.
    ui.goto(ana, "/dashboard")
    card = ana.get_by_role("link", name=master)
    expect(card).to_be_visible()
    ana.get_by_role("button", name="Cancel", exact=True).first.click()
    ana.get_by_role("button", name="Cancel booking").click()
    expect(ana.get_by_role("link", name=master)).to_have_count(0)

    # Cy is offered the freed seat (a priced time: held until they pay) and takes it.
    ui.goto(cy, "/dashboard")
    expect(cy.get_by_text("Seat held for you")).to_be_visible()
    open_master(cy)
    cy.get_by_role("button", name="Pay to confirm your seat").click()
    _pay(cy)
    expect(cy.get_by_text("Booked", exact=True)).to_be_visible()

    # Ben's invite carries 18:00 UTC on 4 March 2031.
    ui.goto(ben, "/dashboard")
    with ben.expect_download() as download:
        ben.get_by_role("button", name="Download calendar invite").first.click()
    event = Calendar.from_ical(open(download.value.path(), "rb").read()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2031, 3, 4, 18, 0, tzinfo=timezone.utc)
    assert str(event.get("summary")) == master

    # The creator sees who holds the seats and what they earned (Ana's payment refunded).
    ui.goto(teacher, "/teach/live")
    expect(teacher.get_by_text("Ben Second, Cy Third")).to_be_visible()
    ui.goto(teacher, "/teach/revenue")
    row = teacher.get_by_role("row").filter(has_text=f"Live session: {master}")
    expect(row).to_contain_text("$199.98")

    admin = new_context().new_page()
    ui.login(admin, *DEMO["admin"])
    ui.goto(admin, "/admin/live")
    admin.get_by_label("Search live sessions and bookings").fill(master)
    admin.get_by_role("button", name="Search").click()
    sessions = admin.get_by_role("region", name="Sessions").get_by_role("row").filter(has_text=master)
    expect(sessions).to_have_count(1)
    expect(sessions).to_contain_text("Tomás Teacher")
    admin.get_by_label("Search live sessions and bookings").fill(react)
    admin.get_by_role("button", name="Search").click()
    expect(admin.get_by_role("region", name="Sessions").get_by_role("row").filter(has_text=react)).to_have_count(1)
    admin.get_by_label("Search live sessions and bookings").fill(master)
    admin.get_by_role("button", name="Search").click()
    rows = admin.get_by_role("region", name="Bookings").get_by_role("row").filter(has_text=master)
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text=re.compile("cancelled", re.I))).to_have_count(1)
