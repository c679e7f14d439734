"""A subscription's whole life in a browser, against the local Stripe stand-in (no network):

an admin creates a monthly all-access plan; the demo learner subscribes at the provider's page
(the stand-in then bills the first period: the invoice shows up in the learner's orders), starts
a course they never bought from its course page ("Start learning"), cancels renewal, and the
clock is moved past the period end: the stand-in sends Stripe's ``customer.subscription.deleted``
(what Stripe does when a subscription cancelled at period end runs out). The plan's course is
locked again, its course page offers to buy it, and the course the learner owned stays open.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, DEMO, UI

VIA_PLAN = "machine-learning-foundations"   # a paid demo course the demo learner never bought


@pytest.fixture(scope="module")
def stripe_env(stripe_lms_server):
    return stripe_lms_server


def _db(server):
    return sqlite3.connect(Path(server.data_dir) / "data" / "lms.db")


def _first_lesson(server, slug: str) -> int:
    with _db(server) as db:
        return db.execute("SELECT l.id FROM lessons l JOIN courses c ON c.id = l.course_id WHERE c.slug = ? "
                          "AND NOT l.is_preview ORDER BY l.id LIMIT 1", (slug,)).fetchone()[0]


def _owned(server) -> str:
    """A course the demo learner is enrolled in directly (demo data), other than the plan's one."""
    with _db(server) as db:
        return db.execute("SELECT c.slug FROM enrollments e JOIN courses c ON c.id = e.course_id "
                          "JOIN users u ON u.id = e.user_id WHERE u.email = ? AND e.source = 'direct' "
                          "AND c.slug <> ? ORDER BY c.id LIMIT 1", (DEMO["learner"][0], VIA_PLAN)).fetchone()[0]


def _plan_enrolment(server) -> list[str]:
    with _db(server) as db:
        return [r[0] for r in db.execute(
            "SELECT e.source FROM enrollments e JOIN courses c ON c.id = e.course_id JOIN users u "
            "ON u.id = e.user_id WHERE u.email = ? AND c.slug = ?", (DEMO["learner"][0], VIA_PLAN))]


def _screenshots(page, name: str) -> None:
    """The page in light and dark, at 1280 and 390 px (artifacts/../screens/subscriptions)."""
    out = ARTIFACTS.parent / "screens" / "subscriptions"
    out.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(500)
            page.screenshot(path=str(out / f"{name}-{scheme}-{width}.png"), full_page=True)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_subscribe_start_a_course_cancel_and_it_locks_at_period_end(browser, stripe_env):
    server, fake = stripe_env
    ui = UI(server.base_url)

    def context():
        ctx = browser.new_context(base_url=server.base_url, viewport={"width": 1280, "height": 900})
        ctx.set_default_timeout(20_000)
        ctx.set_default_navigation_timeout(40_000)
        return ctx

    # An admin creates a monthly plan without a trial (the first period is billed at once).
    admin_ctx = context()
    admin = admin_ctx.new_page()
    ui.login(admin, *DEMO["admin"], lands_on="/admin")
    ui.goto(admin, "/admin/plans")
    admin.get_by_label("Name").fill("Everything monthly")
    admin.get_by_label("Price").fill("19.00")
    admin.get_by_role("button", name="Create plan").click()
    expect(admin.get_by_role("cell", name="$19.00 / month")).to_be_visible()
    admin_ctx.close()

    learner_ctx = context()
    page = learner_ctx.new_page()
    ui.login(page, *DEMO["learner"])
    owned, lesson = _owned(server), _first_lesson(server, VIA_PLAN)
    owned_lesson = _first_lesson(server, owned)

    # Before: the plan's course is for sale and its lessons are locked.
    ui.goto(page, f"/courses/{VIA_PLAN}")
    expect(page.get_by_role("link", name=re.compile(r"^Buy for ")).filter(visible=True).first).to_be_visible()

    # Subscribe at the provider's page; back on /plans, active.
    ui.goto(page, "/plans")
    page.get_by_role("button", name="Subscribe").first.click()
    page.wait_for_url(re.compile(re.escape(fake.base) + r"/pay/cs_test_\d+$"), timeout=30_000)
    page.locator("#fake-pay").click()
    ui.path_is(page, "/plans")
    expect(page.get_by_text("Your subscription is active")).to_be_visible()

    # The course page now offers to start the course; starting enrols through the plan.
    ui.goto(page, f"/courses/{VIA_PLAN}")
    expect(page.get_by_text("Included in your plan.").filter(visible=True).first).to_be_visible()
    _screenshots(page, "course-included-in-plan")
    page.get_by_role("link", name="Start learning").filter(visible=True).first.click()
    page.wait_for_url(re.compile(rf"/learn/{VIA_PLAN}/\d+"), timeout=30_000)
    ui.ready(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("is for enrolled learners")).to_have_count(0)
    deadline = time.monotonic() + 15  # the page's load event writes the enrolment: wait for its commit
    while _plan_enrolment(server) != ["plan"] and time.monotonic() < deadline:
        time.sleep(0.25)
    assert _plan_enrolment(server) == ["plan"]

    # The first period's invoice is in the learner's orders (booked as the platform's sale).
    ui.goto(page, "/orders")
    expect(page.get_by_text("Everything monthly (monthly plan)").first).to_be_visible()

    # Cancel renewal (confirmed first): access continues until the period ends.
    ui.goto(page, "/profile")
    page.get_by_role("button", name="Cancel renewal").click()
    page.locator("#confirm-cancel-renewal").click()
    expect(page.get_by_text("Your subscription will not renew")).to_be_visible()
    ui.goto(page, f"/learn/{VIA_PLAN}/{lesson}")
    expect(page.get_by_text("is for enrolled learners")).to_have_count(0)

    # The clock moves past the period end: Stripe deletes the subscription and says so.
    subscription_id = fake.subscription_updates[-1][0]
    assert fake.end_subscription(subscription_id) == 200

    ui.goto(page, f"/learn/{VIA_PLAN}/{lesson}")
    expect(page.get_by_text("is for enrolled learners")).to_be_visible()
    ui.goto(page, f"/courses/{VIA_PLAN}")
    expect(page.get_by_role("link", name=re.compile(r"^Buy for ")).filter(visible=True).first).to_be_visible()
    # What the learner owned outside the plan stays open.
    ui.goto(page, f"/learn/{owned}/{owned_lesson}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("is for enrolled learners")).to_have_count(0)
    learner_ctx.close()
