"""Bundles in a browser: a learner finds the demo bundle from the bundle list, applies the DEMO20
coupon, pays with the test card, and opens a members-only lesson of each course in it; the
teacher's bundle page lists it. Plus screenshots of the new pages (light, dark, 390 px)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

BUNDLE = "complete-starter-bundle"
# The demo teacher's paid USD courses ($49.00 + $29.00 + $45.00 = $123.00); the bundle is $85.99.
COURSES = ("modern-python-patterns", "web-apps-in-pure-python", "docker-and-ci-pipelines")


def test_learner_buys_a_bundle_with_a_coupon_and_opens_each_course(ui, page: Page, new_learner, verify_email,
                                                                    new_context, DEMO):
    verify_email(page, new_learner[1])
    ui.goto(page, "/bundles")
    expect(page.get_by_role("heading", name="Course bundles")).to_be_visible()
    page.get_by_role("link", name=re.compile("Complete starter bundle")).first.click()
    ui.path_is(page, f"/bundles/{BUNDLE}")
    ui.ready(page)
    expect(page.get_by_role("heading", name="Courses in this bundle")).to_be_visible()
    expect(page.get_by_text("you save $37.01")).to_be_visible()

    page.get_by_label("Coupon code").fill("NOSUCHCODE")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("This code does not exist. Check the spelling.")).to_be_visible()
    page.get_by_label("Coupon code").fill("demo20")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("-$17.20")).to_be_visible()
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/39")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Buy bundle for $68.79").click()
    page.wait_for_url(re.compile(r"/orders/\d+$"), timeout=30_000)
    ui.ready(page)
    expect(page.get_by_text("$68.79").first).to_be_visible()

    for slug in COURSES:
        ui.goto(page, f"/courses/{slug}")
        page.get_by_role("link", name=re.compile("Continue learning|Start learning")).first.click()
        page.wait_for_url(re.compile(rf"/learn/{slug}/\d+"), timeout=30_000)
        ui.ready(page)
        first_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
        ui.goto(page, f"/learn/{slug}/{first_id + 1}")  # not a free preview: members only
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.get_by_text("is for enrolled learners")).to_have_count(0)

    # Back on the bundle page: bought, nothing to pay again.
    ui.goto(page, f"/bundles/{BUNDLE}")
    expect(page.get_by_text("You bought this bundle")).to_be_visible()
    expect(page.get_by_text("You own this")).to_have_count(3)

    teacher = new_context().new_page()
    ui.login(teacher, *DEMO["teacher"], lands_on="/teach")
    ui.goto(teacher, "/teach/bundles")
    row = teacher.get_by_role("row").filter(has_text="Complete starter bundle")
    expect(row).to_be_visible()
    expect(row.get_by_role("cell", name="1", exact=True)).to_be_visible()  # one sale
    teacher.context.close()


def test_screenshots(ui, new_context, DEMO, lms_server):
    from pathlib import Path

    out = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens" / "bundles"
    out.mkdir(parents=True, exist_ok=True)
    shots = [("list", "/bundles", "learner"), ("bundle", f"/bundles/{BUNDLE}", "learner"),
             ("teach", "/teach/bundles", "teacher")]
    for scheme in ("light", "dark"):
        for width in (1280, 390):
            for role in ("learner", "teacher"):
                page = new_context(color_scheme=scheme, viewport={"width": width, "height": 900}).new_page()
                ui.login(page, *DEMO[role])
                for name, path, who in shots:
                    if who != role:
                        continue
                    ui.goto(page, path)
                    ui.ready(page)
                    page.wait_for_timeout(600)
                    page.screenshot(path=str(out / f"{name}-{scheme}-{width}.png"), full_page=True)
                page.context.close()
