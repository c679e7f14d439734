"""Signing in: wrong passwords, guarded pages, role landing pages, tampered cookies."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect


def test_wrong_password_shows_error_and_stays_on_login(ui, page: Page, DEMO):
    email, _ = DEMO["learner"]
    page.goto("/login")
    ui.sign_in(page, email, "not-the-password")
    expect(page.get_by_role("alert").filter(has_text="The email or password is incorrect.")).to_be_visible()
    assert re.search(r"/login/?(\?.*)?$", page.url), page.url
    ui.signed_out(page)
    # The form is still usable: the right password now gets in.
    ui.sign_in(page, email, DEMO["learner"][1])
    ui.path_is(page, "/dashboard")
    ui.ready(page)
    ui.signed_in(page)


@pytest.mark.parametrize(("path", "role", "heading"), [
    ("/profile", "learner", "Profile"),
    ("/teach", "teacher", "Teaching"),
    ("/admin", "admin", "Administration"),
])
def test_guarded_page_sends_to_login_and_back(ui, page: Page, DEMO, path: str, role: str, heading: str):
    page.goto(path)
    next_param = re.escape(path.replace("/", "%2F")) + "(%2F)?$"
    page.wait_for_url(re.compile(r"/login/?\?next=" + next_param), timeout=30_000)
    expect(page.get_by_text("Sign in to continue to that page.")).to_be_visible()
    ui.sign_in(page, *DEMO[role])
    ui.path_is(page, path)
    ui.ready(page)
    ui.signed_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


@pytest.mark.parametrize(("role", "lands_on", "heading"), [
    ("teacher", "/teach", "Teaching"),
    ("admin", "/admin", "Administration"),
    ("learner", "/dashboard", "Hi, "),
])
def test_role_lands_on_its_home(ui, page: Page, DEMO, role: str, lands_on: str, heading: str):
    ui.login(page, *DEMO[role], lands_on=lands_on)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    if role == "admin":
        # The admin's figures render for the admin (the learner test below relies on these names).
        expect(page.get_by_role("heading", name="People")).to_be_visible()
        expect(page.get_by_role("heading", name="Newest accounts")).to_be_visible()
        expect(page.get_by_role("table").filter(has_text="Joined")).to_contain_text("learner")


# Records whether admin-only text was ever rendered, even for a moment before a redirect.
WATCH_SCRIPT = """
(() => {
  window.__lmsSeen = [];
  const words = ['Newest accounts'];
  const check = () => {
    const text = document.body ? document.body.innerText : '';
    for (const w of words) if (text.includes(w) && !window.__lmsSeen.includes(w)) window.__lmsSeen.push(w);
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, characterData: true});
})();
"""


def test_learner_is_refused_the_admin_page(ui, context, page: Page, DEMO):
    ui.login(page, *DEMO["learner"], lands_on="/dashboard")
    context.add_init_script(WATCH_SCRIPT)
    page.goto("/admin")
    expect(page.get_by_text(re.compile(r"does not have access"))).to_be_visible()
    # Sent back to the learner's own home; no admin figures rendered at any point.
    ui.path_is(page, "/dashboard")
    ui.ready(page)
    for name in ("People", "Newest accounts"):
        expect(page.get_by_role("heading", name=name)).to_have_count(0)
    expect(page.get_by_role("table")).to_have_count(0)
    expect(page.get_by_text("admin@example.com")).to_have_count(0)
    expect(page.get_by_role("link", name="Admin", exact=True)).to_have_count(0)
    assert page.evaluate("window.__lmsSeen") == [], "admin data was rendered for a learner"


def test_tampered_session_cookie_counts_as_signed_out(ui, context, page: Page, lms_server, DEMO):
    ui.login(page, *DEMO["learner"], lands_on="/dashboard")
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["lms_session"]["httpOnly"], "the session cookie must be HttpOnly"
    token = cookies["lms_session"]["value"]
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    context.add_cookies([{"name": "lms_session", "value": tampered, "url": lms_server.base_url,
                          "httpOnly": True, "sameSite": "Lax"}])
    page.goto("/dashboard")
    page.wait_for_url(re.compile(r"/login/?\?next=%2Fdashboard(%2F)?$"), timeout=30_000)
    ui.ready(page)
    ui.signed_out(page)
    expect(page.get_by_text(re.compile(r"session has ended", re.I))).to_be_visible()

    # Plain garbage too, on a fresh visitor.
    context.clear_cookies()
    context.add_cookies([{"name": "lms_session", "value": "garbage", "url": lms_server.base_url}])
    page.goto("/profile")
    page.wait_for_url(re.compile(r"/login/?\?next=%2Fprofile(%2F)?$"), timeout=30_000)
    ui.signed_out(page)
