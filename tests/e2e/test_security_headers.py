"""The Content-Security-Policy holds in a real browser: the production build's pages load, sign-in
works and the player runs without one policy violation (issue 16)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

WATCH = """() => { window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation',
    e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI)); }"""


def _violations(page: Page, console: list[str]) -> list[str]:
    seen = page.evaluate("() => window.__cspViolations || []")
    return seen + [line for line in console if "Content Security Policy" in line]


def test_pages_and_the_player_run_under_the_policy(ui, page: Page, DEMO):
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    page.add_init_script(f"({WATCH})()")

    response = page.goto("/")
    csp = response.headers["content-security-policy"]
    assert "object-src 'none'" in csp and "frame-ancestors 'self'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    expect(page.get_by_role("heading", name="Featured courses")).to_be_visible()
    ui.ready(page)
    assert _violations(page, console) == []

    ui.goto(page, "/courses")
    ui.ready(page)
    assert _violations(page, console) == []

    ui.login(page, *DEMO["learner"], lands_on="/dashboard")
    expect(page.get_by_role("heading", name="In progress")).to_be_visible()
    assert _violations(page, console) == []

    # The player: rx.call_script and the position hooks are what need 'unsafe-eval'.
    page.locator("a[href^='/learn/']").first.click()
    expect(page).to_have_url(re.compile(r"/learn/[^/]+/\d+"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    ui.ready(page)
    page.wait_for_timeout(1000)
    assert _violations(page, console) == []
