"""E-mail journeys in a browser, with the mail read from the /admin/mail outbox as an admin:
register → verification mail → link → verified (and checkout opens); forgot password → reset
mail → new password → signed in, the old session signed out."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import mail_link

PAID = "data-analysis-with-pandas"  # a paid demo course


def test_register_mail_link_verifies_and_unlocks_checkout(ui, page: Page, new_context, unique_email: str):
    ui.register(page, "Vera Verify", unique_email, "correct horse battery")
    ui.path_is(page, "/dashboard")
    ui.ready(page)

    # Unverified: checkout says why and offers a new mail instead of the card form.
    ui.goto(page, f"/checkout/{PAID}")
    expect(page.get_by_role("heading", name="Confirm your e-mail address")).to_be_visible()
    expect(page.get_by_label("Card number")).to_have_count(0)
    page.get_by_role("button", name="Resend the e-mail").click()
    expect(page.get_by_text(f"We sent a new link to {unique_email}.")).to_be_visible()

    link = mail_link(ui, new_context, unique_email, "Confirm your e-mail address", "/verify-email/")
    page.goto(link)
    expect(page.locator("#verify-ok")).to_be_visible()

    ui.goto(page, f"/checkout/{PAID}")
    expect(page.get_by_label("Card number")).to_be_visible()

    # The link was single-use.
    page.goto(link)
    expect(page.locator("#verify-bad")).to_be_visible()


def test_forgot_password_link_sets_a_new_password_and_signs_out_old_sessions(ui, page: Page, new_context,
                                                                             new_learner):
    name, email, old_password = new_learner  # signed in on `page`: the old session
    fresh = new_context().new_page()
    ui.goto(fresh, "/login")
    fresh.get_by_role("link", name="Forgot password?").click()
    ui.path_is(fresh, "/forgot-password")
    ui.ready(fresh)
    fresh.get_by_label("Email").fill(email)
    fresh.get_by_role("button", name="Send me a link").click()
    expect(fresh.locator("#reset-sent")).to_be_visible()

    link = mail_link(ui, new_context, email, "Reset your password", "/reset-password/")
    fresh.goto(link)
    ui.ready(fresh)
    fresh.get_by_label("New password", exact=True).fill("a brand new passphrase")
    fresh.get_by_label("Repeat the new password").fill("a brand new passphrase")
    fresh.get_by_role("button", name="Save the new password").click()
    ui.path_is(fresh, "/dashboard")
    ui.ready(fresh)
    ui.signed_in(fresh)

    # The session that was open before the reset is gone.
    page.reload()
    ui.ready(page)
    ui.signed_out(page)
    # The old password no longer works; the new one does.
    ui.goto(page, "/login")
    ui.sign_in(page, email, old_password)
    expect(page.get_by_role("alert").filter(has_text="The email or password is incorrect.")).to_be_visible()
    ui.sign_in(page, email, "a brand new passphrase")
    page.wait_for_url(lambda url: "/login" not in url, timeout=30_000)
    ui.ready(page)
    ui.signed_in(page)
    # The reset link is spent.
    fresh.goto(link)
    expect(fresh.locator("#reset-bad")).to_be_visible()
    assert re.search(r"/reset-password/", fresh.url)
