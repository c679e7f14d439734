"""Registration errors, the 404 page, and phone-width layout."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect


def test_register_with_taken_email_keeps_the_form(ui, page: Page, DEMO, unique_email: str):
    ui.register(page, "Dup Tester", DEMO["learner"][0], "some long password")
    message = page.get_by_role("alert").filter(has_text="An account with this email already exists")
    expect(message).to_be_visible()
    ui.path_is(page, "/register")
    ui.signed_out(page)

    # The message is tied to the email field, not to the form in general.
    email, name, password = page.get_by_label("Email"), page.get_by_label("Full name"), page.get_by_label("Password")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_attribute("aria-invalid", "false")
    email_box, message_box, password_box = email.bounding_box(), message.bounding_box(), password.bounding_box()
    assert email_box["y"] < message_box["y"] < password_box["y"], (email_box, message_box, password_box)

    # Nothing typed is lost.
    expect(name).to_have_value("Dup Tester")
    expect(email).to_have_value(DEMO["learner"][0])

    # Fixing the email is enough to get in.
    email.fill(unique_email)
    if not password.input_value():
        password.fill("some long password")
    page.get_by_role("button", name="Create account").click()
    ui.path_is(page, "/dashboard")
    ui.ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hi, Dup Tester")


def test_unknown_url_shows_the_404_page(ui, page: Page):
    page.goto("/no/such/page-here")
    expect(page.get_by_role("heading", name="We could not find that page")).to_be_visible()
    ui.ready(page)
    expect(page.get_by_role("link", name="Home", exact=True).last).to_be_visible()


def _overflow(page: Page) -> dict:
    return page.evaluate("() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})")


@pytest.mark.parametrize("signed_in", [False, True], ids=["home", "dashboard"])
def test_phone_width_has_no_horizontal_scroll(ui, new_context, DEMO, signed_in: bool):
    page = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    if signed_in:
        ui.login(page, *DEMO["learner"], lands_on="/dashboard")
        # Wait for the learner's course list (the demo learner is enrolled in courses).
        expect(page.get_by_role("heading", name="In progress")).to_be_visible()
    else:
        ui.goto(page, "/")
        expect(page.get_by_role("heading", name="Featured courses")).to_be_visible()
        expect(page.get_by_role("heading", name="Browse by category")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # images and fonts settle
    sizes = _overflow(page)
    assert sizes["scroll"] <= sizes["inner"], f"horizontal scrolling at 390 px: {sizes}"
    # The account menu / sign-in stays reachable at phone width.
    target = (page.get_by_role("button", name="Account menu") if signed_in
              else page.get_by_role("link", name="Sign in", exact=True).first)
    expect(target).to_be_in_viewport()


def test_layout_has_landmarks(ui, page: Page):
    """Screen-reader users jump by landmarks: one banner (top bar), one main, one contentinfo (footer)."""
    ui.goto(page, "/")
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("contentinfo")).to_have_count(1)
    # The navbar's controls live in the banner, and the skip link leads to the main content.
    expect(page.get_by_role("banner").get_by_role("button", name="Toggle dark mode")).to_be_visible()
    expect(page.get_by_role("link", name="Skip to content")).to_have_attribute("href", re.compile(r"#main$"))
    expect(page.get_by_role("main")).to_have_attribute("id", "main")
