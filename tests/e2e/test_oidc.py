"""Sign in with the local OpenID Connect provider the test starts (tests/oidc_provider.py)."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS


def test_sign_in_with_the_local_provider_creates_a_verified_account(ui, page, new_context, oidc_provider):
    email = f"idp-{time.time_ns() % 10**12:x}@idp.example"
    oidc_provider.user = {"sub": f"sub-{email}", "email": email, "email_verified": True, "name": "Ida Provider"}
    out = ARTIFACTS / "screens" / "oidc"
    out.mkdir(parents=True, exist_ok=True)
    ui.goto(page, "/login")
    page.get_by_role("link", name="Continue with Local ID").click()
    ui.path_is(page, "/dashboard")
    ui.ready(page)
    ui.signed_in(page)
    ui.goto(page, "/profile")
    card = page.locator("#linked-sign-in")
    expect(card.get_by_text("Local ID", exact=True)).to_be_visible()
    expect(card.get_by_text(email, exact=False)).to_be_visible()
    # Signing out and in again with the provider opens the same account.
    ui.sign_out(page)
    page.get_by_role("link", name="Continue with Local ID").click()
    ui.path_is(page, "/dashboard")
    ui.ready(page)
    ui.signed_in(page)
    for mode in ("light", "dark"):
        for width in (1280, 390):
            p = new_context(color_scheme=mode, viewport={"width": width, "height": 900}).new_page()
            ui.goto(p, "/login")
            expect(p.get_by_role("link", name="Continue with Local ID")).to_be_visible()
            p.screenshot(path=str(out / f"login-providers-{mode}-{width}.png"), full_page=True)
            p.context.close()
    ctx = new_context(color_scheme="dark", viewport={"width": 390, "height": 900})
    ctx.add_cookies(page.context.cookies())
    p = ctx.new_page()
    ui.goto(p, "/profile")
    p.locator("#linked-sign-in").screenshot(path=str(out / "profile-linked-dark-390.png"))
