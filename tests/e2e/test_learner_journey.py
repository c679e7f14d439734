"""A new learner's main journey: register, sign out and in, edit the profile, switch theme."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

DARK = re.compile(r"(^|\s)dark(\s|$)")


def _html_theme(page: Page) -> tuple[str, str]:
    return page.evaluate("() => [document.documentElement.className, document.documentElement.style.colorScheme]")


def test_register_sign_out_sign_in_profile_and_theme(ui, page: Page, unique_email: str):
    name, password = "Grace Hopper-Test", "a long enough phrase"

    # Register: straight into the dashboard, greeted by name, name in the account menu.
    ui.register(page, name, unique_email, password)
    ui.path_is(page, "/dashboard")
    ui.ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hi, {name}")
    expect(page.get_by_role("button", name="Account menu")).to_contain_text(name)

    # Sign out from the account menu.
    ui.sign_out(page)
    expect(page.get_by_text("You have been signed out.")).to_be_visible()
    ui.signed_out(page)
    page.goto("/dashboard")
    ui.path_is(page, "/login")  # really signed out: the dashboard sends us to sign in

    # Sign in again with the new account: a learner lands on the dashboard.
    ui.login(page, unique_email, password, lands_on="/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hi, {name}")

    # Profile: change name and bio, save, reload: persisted, and the navbar shows the new name.
    ui.goto(page, "/profile")
    name_input = page.get_by_label("Name", exact=True)
    expect(name_input).to_have_value(name)
    new_name, new_bio = "Grace B. Hopper", "I write compilers and teach COBOL on weekends."
    name_input.fill(new_name)
    page.get_by_label("Bio").fill(new_bio)
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    page.reload()
    ui.ready(page)
    expect(page.get_by_label("Name", exact=True)).to_have_value(new_name)
    expect(page.get_by_label("Bio")).to_have_value(new_bio)
    expect(page.get_by_role("button", name="Account menu").get_by_text(new_name)).to_be_visible()

    # Theme: toggle to dark, reload, still dark; toggle back to light.
    html = page.locator("html")
    expect(html).not_to_have_class(DARK)
    toggle = page.get_by_role("button", name="Toggle dark mode")
    toggle.click()
    expect(html).to_have_class(DARK)
    assert _html_theme(page)[1] == "dark", _html_theme(page)
    page.reload()
    ui.ready(page)
    expect(html).to_have_class(DARK)
    assert _html_theme(page)[1] == "dark", _html_theme(page)
    page.get_by_role("button", name="Toggle dark mode").click()
    expect(html).not_to_have_class(DARK)
    assert _html_theme(page)[1] == "light", _html_theme(page)
    page.reload()
    ui.ready(page)
    expect(html).not_to_have_class(DARK)
