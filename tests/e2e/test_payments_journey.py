"""Paying through Stripe in a browser, against a local Stripe stand-in (no network):

1. a learner buys a course: checkout → "Continue to pay" → the provider's hosted page → Pay →
   (signed webhook) → back on our receipt → the course's lessons open;
2. an admin creates an all-access plan; the learner subscribes at the provider's page, opens a
   lesson of a course never bought, and cancels renewal from the profile page (confirmed);
3. screenshots of the pages this feature adds or changes (light/dark, 1280/390 px).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, DEMO, UI

BOUGHT = "data-analysis-with-pandas"        # $39.00 demo course the demo learner does not own
VIA_PLAN = "machine-learning-foundations"   # never bought: opened by the subscription


@pytest.fixture(scope="module")
def stripe_env(stripe_lms_server):
    return stripe_lms_server


def _context(browser, server, **kw):
    kw.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(base_url=server.base_url, **kw)
    context.set_default_timeout(20_000)
    context.set_default_navigation_timeout(40_000)
    return context


def _locked_lesson(server, slug: str) -> int:
    with sqlite3.connect(Path(server.data_dir) / "data" / "lms.db") as db:
        return db.execute("SELECT l.id FROM lessons l JOIN courses c ON c.id = l.course_id WHERE c.slug = ? "
                          "AND NOT l.is_preview ORDER BY l.id LIMIT 1", (slug,)).fetchone()[0]


def test_buy_through_stripe_checkout_then_subscribe_and_cancel(browser, stripe_env):
    server, fake = stripe_env
    ui = UI(server.base_url)
    learner = _context(browser, server)
    page = learner.new_page()
    ui.login(page, *DEMO["learner"])

    # 1. One-off purchase: redirect to the provider, pay there, come back enrolled.
    ui.goto(page, f"/checkout/{BOUGHT}")
    expect(page.get_by_role("heading", name="Order summary")).to_be_visible()
    expect(page.get_by_label("Card number")).to_have_count(0)  # no card form on our site
    page.get_by_role("button", name="Continue to pay $39.00").click()
    page.wait_for_url(re.compile(re.escape(fake.base) + r"/pay/cs_test_\d+$"), timeout=30_000)
    expect(page.locator("#amount")).to_have_text("3900 usd")
    page.locator("#fake-pay").click()
    page.wait_for_url(re.compile(r"/orders/\d+$"), timeout=30_000)
    ui.ready(page)
    expect(page.get_by_role("heading", name="Payment received")).to_be_visible()
    lesson = _locked_lesson(server, BOUGHT)
    ui.goto(page, f"/learn/{BOUGHT}/{lesson}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("is for enrolled learners")).to_have_count(0)

    # 2. Admin creates an all-access plan.
    admin_ctx = _context(browser, server)
    admin = admin_ctx.new_page()
    ui.login(admin, *DEMO["admin"], lands_on="/admin")
    ui.goto(admin, "/admin/plans")
    admin.get_by_label("Name").fill("All access")
    admin.get_by_label("Price").fill("29.00")
    admin.get_by_label("Free trial days").fill("7")
    admin.get_by_role("button", name="Create plan").click()
    expect(admin.get_by_role("cell", name="$29.00 / month")).to_be_visible()
    admin_ctx.close()

    # The plan's course is locked before subscribing...
    other = _locked_lesson(server, VIA_PLAN)
    ui.goto(page, f"/learn/{VIA_PLAN}/{other}")
    expect(page.get_by_text("is for enrolled learners")).to_be_visible()
    # ...subscribe at the provider...
    ui.goto(page, "/plans")
    page.get_by_role("button", name="Subscribe").first.click()
    page.wait_for_url(re.compile(re.escape(fake.base) + r"/pay/cs_test_\d+$"), timeout=30_000)
    page.locator("#fake-pay").click()
    ui.path_is(page, "/plans")
    expect(page.get_by_text("Your subscription is active")).to_be_visible()
    # ...and it opens.
    ui.goto(page, f"/learn/{VIA_PLAN}/{other}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("is for enrolled learners")).to_have_count(0)

    # Cancel renewal from the profile page (confirmed first); Stripe is told.
    ui.goto(page, "/profile")
    page.get_by_role("button", name="Cancel renewal").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("You keep access until the end of the period")
    page.locator("#confirm-cancel-renewal").click()
    expect(page.get_by_text("Your subscription will not renew")).to_be_visible()
    assert [u[1] for u in fake.subscription_updates] == [{"cancel_at_period_end": "true"}]
    learner.close()


SHOTS = [("checkout", f"/checkout/{VIA_PLAN}", "learner"), ("plans", "/plans", "learner"),
         ("profile", "/profile", "learner"), ("admin-plans", "/admin/plans", "admin")]


def test_screenshots(browser, stripe_env):
    server, _ = stripe_env
    ui = UI(server.base_url)
    out = ARTIFACTS.parent / "screens" / "payments"
    out.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        for width in (1280, 390):
            for role in ("learner", "admin"):
                context = _context(browser, server, color_scheme=scheme, viewport={"width": width, "height": 900})
                page = context.new_page()
                ui.login(page, *DEMO[role])
                for name, path, who in SHOTS:
                    if who != role:
                        continue
                    ui.goto(page, path)
                    page.wait_for_timeout(600)
                    page.screenshot(path=str(out / f"{name}-{scheme}-{width}.png"), full_page=True)
                context.close()
