"""Notifications in a browser: enrolling lights the bell, the list shows the notification, opening
it goes where it happened and clears the count; preferences on the profile; screenshots of the
bell, the list and the preferences (light/dark, 1280 and 390 px) in test-artifacts/screens."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS

COURSE, COURSE_TITLE = "python-from-zero", "Python from Zero"  # a free demo course
SHOTS = ARTIFACTS.parent / "screens"


def _shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_enrolment_lights_the_bell_and_the_list_links_to_the_course(ui, page: Page, new_learner):
    bell = page.locator("#notification-bell")
    expect(bell).to_be_visible()
    expect(bell.locator(".lms-bell-count")).to_have_count(0)

    ui.goto(page, f"/courses/{COURSE}")
    page.get_by_role("button", name="Enroll for free").first.click()
    page.wait_for_url(re.compile(r"/learn/[^/]+/\d+"), timeout=30_000)  # enrolling opens the first lesson
    ui.goto(page, "/dashboard")  # a page load re-reads the count (the bell also polls every minute)
    expect(bell.locator(".lms-bell-count")).to_have_text("1")
    expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread")
    _shoot(page, "bell-light-1280")

    bell.click()
    ui.path_is(page, "/notifications")
    ui.ready(page)
    item = page.locator(".lms-notification").first
    expect(item).to_have_attribute("data-unread", "true")
    expect(item).to_contain_text(f"You enrolled in {COURSE_TITLE}")
    _shoot(page, "list-light-1280")

    item.get_by_role("link", name=f"You enrolled in {COURSE_TITLE}").click()
    page.wait_for_url(re.compile(rf"/courses/{COURSE}$"), timeout=30_000)
    expect(bell.locator(".lms-bell-count")).to_have_count(0)

    ui.goto(page, "/notifications")
    expect(page.locator(".lms-notification").first).to_have_attribute("data-unread", "false")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("Nothing was unread.")).to_be_visible()


def test_preferences_card_saves_a_choice(ui, page: Page, new_learner):
    ui.goto(page, "/profile")
    card = page.locator("#notification-preferences")
    expect(card.get_by_role("heading", name="Notifications")).to_be_visible()
    switch = card.get_by_role("switch", name="E-mail: An assignment was graded")
    expect(switch).to_be_checked()
    switch.click()
    expect(switch).not_to_be_checked()
    card.scroll_into_view_if_needed()
    _shoot(page, "preferences-light-1280")
    page.reload()
    ui.ready(page)
    expect(page.locator("#notification-preferences").get_by_role(
        "switch", name="E-mail: An assignment was graded")).not_to_be_checked()


def test_screens_at_phone_width_and_dark(ui, new_context, DEMO):
    for scheme in ("light", "dark"):
        context = new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
        page = context.new_page()
        email, password = DEMO["learner"]
        ui.login(page, email, password)
        ui.goto(page, "/notifications")
        expect(page.locator("#notification-bell")).to_be_visible()
        _shoot(page, f"list-{scheme}-390")
        page.goto("/unsubscribe/1.enrolled.forged")
        expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
        _shoot(page, f"unsubscribe-bad-{scheme}-390")
        ui.goto(page, "/profile")
        page.locator("#notification-preferences").scroll_into_view_if_needed()
        expect(page.locator("#notification-preferences").get_by_role("switch").first).to_be_visible()
        page.locator("#notification-preferences").screenshot(path=str(SHOTS / f"preferences-{scheme}-390.png"))
        if scheme == "dark":
            big = new_context(viewport={"width": 1280, "height": 800}, color_scheme="dark").new_page()
            ui.login(big, email, password)
            ui.goto(big, "/notifications")
            _shoot(big, "list-dark-1280")
            ui.goto(big, "/profile")
            big.locator("#notification-preferences").screenshot(path=str(SHOTS / "preferences-dark-1280.png"))
