"""Two-factor sign-in in the browser: enable TOTP on the profile, sign out, sign in with a code,
then with a recovery code; screenshots of the profile card and the code step."""

from __future__ import annotations

import time

import pyotp
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS


def _code(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def _answer_code(ui, page, code: str, remember: bool = False) -> None:
    expect(page.get_by_label("Authentication code")).to_be_visible()
    page.get_by_label("Authentication code").fill(code)
    if remember:
        page.get_by_text("Remember this device for 30 days").click()
    page.get_by_role("button", name="Verify and sign in").click()


def test_enable_totp_then_sign_in_with_a_code_and_with_a_recovery_code(ui, page, new_learner, new_context):
    _name, email, password = new_learner
    out = ARTIFACTS / "screens" / "mfa"
    out.mkdir(parents=True, exist_ok=True)
    ui.goto(page, "/profile")
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    secret_box = page.locator("#mfa-secret")
    expect(secret_box).to_have_text(__import__("re").compile(r"^[A-Z2-7 ]{20,}$"))
    expect(page.get_by_role("img", name="QR code to add this account to an authenticator app")).to_be_visible()
    secret = secret_box.inner_text().replace(" ", "")
    page.locator("#two-factor").screenshot(path=str(out / "profile-2fa-setup-light-1280.png"))
    page.get_by_label("Code from your app").fill(_code(secret))
    page.get_by_role("button", name="Turn on").click()
    codes_box = page.get_by_label("Recovery codes")
    expect(codes_box).to_contain_text("-")
    codes = codes_box.inner_text().split()
    assert len(codes) == 10, codes
    page.locator("#two-factor").screenshot(path=str(out / "profile-2fa-recovery-codes-light-1280.png"))
    page.get_by_role("button", name="I have saved them").click()
    expect(page.get_by_text("10 recovery codes left")).to_be_visible()
    # The secret and the codes are gone from the page once saved.
    assert secret_box.inner_text() == "" and page.locator("#mfa-recovery-codes").inner_text() == ""

    # Sign out; the password alone no longer signs in.
    ui.sign_out(page)
    ui.sign_in(page, email, password)
    expect(page.get_by_label("Authentication code")).to_be_visible()
    ui.signed_out(page)
    _answer_code(ui, page, "000000" if _code(secret, 1) != "000000" else "111111")
    expect(page.get_by_role("alert")).to_contain_text("not right")
    _answer_code(ui, page, _code(secret, 1))
    ui.path_is(page, "/dashboard")
    ui.ready(page)
    ui.signed_in(page)

    # A recovery code works once.
    ui.sign_out(page)
    ui.sign_in(page, email, password)
    _answer_code(ui, page, codes[0])
    ui.path_is(page, "/dashboard")
    ui.ready(page)
    ui.signed_in(page)
    ui.goto(page, "/profile")
    expect(page.get_by_text("9 recovery codes left")).to_be_visible()

    for mode in ("light", "dark"):
        for width in (1280, 390):
            ctx = new_context(color_scheme=mode, viewport={"width": width, "height": 900})
            ctx.add_cookies(page.context.cookies())
            p = ctx.new_page()
            ui.goto(p, "/profile")
            card = p.locator("#two-factor")
            expect(card.get_by_text("9 recovery codes left")).to_be_visible()
            card.screenshot(path=str(out / f"profile-2fa-{mode}-{width}.png"))
            other = new_context(color_scheme=mode, viewport={"width": width, "height": 900}).new_page()
            other.goto("/login")
            ui.sign_in(other, email, password)
            expect(other.get_by_label("Authentication code")).to_be_visible()
            other.screenshot(path=str(out / f"login-code-step-{mode}-{width}.png"), full_page=True)
            other.context.close()
            ctx.close()
