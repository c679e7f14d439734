"""Live sessions in a browser: the demo teacher creates a free session and schedules a time;
a new learner finds it under Live sessions, books it in one click and sees it on the dashboard;
the teacher edits it and uploads its image; an admin cancels the booking from Live bookings."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect


def test_teacher_schedules_learner_books_and_sees_it_on_dashboard(ui, browser, new_context, DEMO, tmp_path):
    title = f"E2E office hour {time.time_ns() % 10**8}"
    teacher_ctx = new_context()
    teacher: Page = teacher_ctx.new_page()
    email, password = DEMO["teacher"]
    ui.login(teacher, email, password)
    ui.goto(teacher, "/teach/live")
    expect(teacher.get_by_role("heading", name="New live session")).to_be_visible()
    teacher.get_by_label("Title").fill(title)
    teacher.get_by_label("Seats per time").fill("1")
    teacher.get_by_label("Price (USD, 0 = free)").fill("0")
    teacher.get_by_label("Meeting link (https://...)").fill("https://meet.example.com/e2e")
    teacher.get_by_label("Your time zone").fill("Europe/Berlin")
    teacher.get_by_role("button", name="Create session").click()
    expect(teacher.get_by_role("link", name=title)).to_be_visible()
    teacher.get_by_label("Session", exact=True).select_option(label=title)
    teacher.get_by_label("Date").fill("2031-02-04")
    teacher.get_by_label("Start time").fill("07:00")
    teacher.get_by_role("button", name="Schedule", exact=True).click()
    expect(teacher.get_by_text("No bookings yet").first).to_be_visible()

    learner_ctx = new_context()
    learner: Page = learner_ctx.new_page()
    ui.register(learner, "Ezra Booker", f"e2e-live-{time.time_ns() % 10**12:x}@example.com", "correct horse battery")
    ui.path_is(learner, "/dashboard")
    ui.goto(learner, "/live")
    learner.get_by_role("link", name=title).first.click()
    expect(learner.get_by_role("heading", name=title)).to_be_visible()
    expect(learner.get_by_text("1 of 1 seats left")).to_be_visible()
    learner.get_by_role("button", name=re.compile(r"^Book ")).first.click()
    expect(learner.get_by_text("Booked", exact=True)).to_be_visible()
    ui.goto(learner, "/dashboard")
    expect(learner.get_by_role("heading", name="Upcoming live sessions")).to_be_visible()
    expect(learner.get_by_role("link", name=title)).to_be_visible()
    expect(learner.get_by_role("button", name="Download calendar invite")).to_be_visible()

    # The teacher sees the learner's name on the time.
    ui.goto(teacher, "/teach/live")
    expect(teacher.get_by_text("Ezra Booker")).to_be_visible()

    # ...edits the session: a new title and an uploaded image, which the list then shows.
    teacher.get_by_role("row", name=re.compile(re.escape(title))).get_by_role("button", name="Edit").click()
    dialog = teacher.get_by_role("dialog")
    expect(dialog.get_by_label("Edit: Title")).to_have_value(title)
    image = tmp_path / "cover.png"
    Image.new("RGB", (1200, 800), (30, 90, 160)).save(image)
    dialog.get_by_label("Session image").set_input_files(str(image))
    expect(dialog.locator("img")).to_have_attribute("src", re.compile(r"^/media/thumbnails/.+\.webp$"))
    dialog.get_by_label("Edit: Title").fill(title + " (edited)")
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog).to_have_count(0)
    expect(teacher.get_by_role("link", name=title + " (edited)")).to_be_visible()
    ui.goto(learner, "/live")
    card = learner.get_by_role("link", name=re.compile(re.escape(title + " (edited)"))).first
    expect(card.locator("img")).to_have_attribute("src", re.compile(r"/media/thumbnails/"))

    # An admin cancels the learner's booking from Live bookings (confirmed first).
    admin_ctx = new_context()
    admin: Page = admin_ctx.new_page()
    ui.login(admin, *DEMO["admin"], lands_on="/admin")
    ui.goto(admin, "/admin/live")
    admin.get_by_label("Search live sessions and bookings").fill(title)
    admin.get_by_role("button", name="Search").click()
    row = admin.get_by_role("region", name="Bookings").get_by_role("row", name=re.compile("Ezra|e2e-live"))
    expect(row).to_contain_text("Confirmed")
    row.get_by_role("button", name="Cancel booking").click()
    admin.get_by_role("alertdialog").get_by_role("button", name="Cancel booking").click()
    expect(row).to_contain_text("Cancelled")


@pytest.mark.skipif(not os.environ.get("LMS_E2E_SCREENSHOTS"), reason="set LMS_E2E_SCREENSHOTS=<dir> to take them")
def test_screenshots_of_live_pages(ui, page: Page, new_context, DEMO):
    """Not a check: pictures of /live, an offering, /teach/live, /admin/live and the dashboard card
    (light/dark, 1280/390). Uses the demo sessions and the demo learner."""
    out = Path(os.environ["LMS_E2E_SCREENSHOTS"])
    out.mkdir(parents=True, exist_ok=True)
    for mode in ("light", "dark"):
        for width in (1280, 390):
            size = {"viewport": {"width": width, "height": 900}, "color_scheme": mode}
            learner = new_context(**size).new_page()
            ui.login(learner, *DEMO["learner"])
            ui.goto(learner, "/live")
            expect(learner.get_by_role("heading", name="Live sessions")).to_be_visible()
            learner.wait_for_timeout(800)
            learner.screenshot(path=str(out / f"live-list-{mode}-{width}.png"), full_page=True)
            learner.get_by_role("link", name="Office hour: ask the teacher").first.click()
            expect(learner.get_by_role("heading", name="Upcoming times")).to_be_visible()
            learner.wait_for_timeout(800)
            learner.screenshot(path=str(out / f"live-offering-{mode}-{width}.png"), full_page=True)
            ui.goto(learner, "/live")
            learner.get_by_role("link", name="Python Masterclass (live)").first.click()
            ui.ready(learner)
            expect(learner.get_by_text("2 of 2 seats left").first).to_be_visible()
            learner.wait_for_timeout(500)
            learner.get_by_role("button", name=re.compile(r"^Book ")).first.click()
            expect(learner.get_by_role("heading", name="Pay for your seat")).to_be_visible()
            learner.screenshot(path=str(out / f"live-pay-{mode}-{width}.png"), full_page=True)
            ui.goto(learner, "/dashboard")
            learner.wait_for_timeout(1000)
            learner.screenshot(path=str(out / f"live-dashboard-{mode}-{width}.png"), full_page=True)
            teacher = new_context(**size).new_page()
            ui.login(teacher, *DEMO["teacher"])
            ui.goto(teacher, "/teach/live")
            expect(teacher.get_by_role("heading", name="New live session")).to_be_visible()
            teacher.screenshot(path=str(out / f"live-teach-{mode}-{width}.png"), full_page=True)
            teacher.get_by_role("button", name="Edit").first.click()
            expect(teacher.get_by_role("dialog")).to_be_visible()
            teacher.wait_for_timeout(500)
            teacher.screenshot(path=str(out / f"live-edit-{mode}-{width}.png"))
            admin = new_context(**size).new_page()
            ui.login(admin, *DEMO["admin"])
            ui.goto(admin, "/admin/live")
            admin.wait_for_timeout(800)
            admin.screenshot(path=str(out / f"live-admin-{mode}-{width}.png"), full_page=True)
            for p in (learner, teacher, admin):
                p.context.close()
