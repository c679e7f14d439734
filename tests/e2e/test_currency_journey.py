"""Prices in several currencies (issue 20) in a browser: a teacher sells a course in EUR too; a
learner switches the catalog to EUR, filters by a EUR price range, sees the EUR price, and buys the
course in EUR with the test card gateway. Then screenshots of the pages this feature changes."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, DEMO

COURSE = "Docker and CI Pipelines"       # the demo teacher's $45.00 course, sold in USD only
SLUG = "docker-and-ci-pipelines"


def test_teacher_enables_eur_and_learner_buys_in_eur(ui, page: Page, new_context, new_learner, verify_email):
    # The teacher sells the course in EUR too, at 42.00.
    teacher = new_context().new_page()
    ui.login(teacher, *DEMO["teacher"])
    ui.goto(teacher, "/teach")
    teacher.get_by_role("link", name=COURSE).first.click()
    teacher.wait_for_url(re.compile(r"/teach/courses/\d+"), timeout=30_000)
    ui.ready(teacher)
    expect(teacher.get_by_role("heading", name="Prices in other currencies")).to_be_visible()
    teacher.get_by_label("Sell in EUR").check()
    teacher.get_by_label("Price in EUR").fill("-5")
    teacher.get_by_role("button", name="Save prices").click()
    expect(teacher.get_by_text("The price cannot be negative.").first).to_be_visible()
    teacher.get_by_label("Price in EUR").fill("42.00")
    teacher.get_by_role("button", name="Save prices").click()
    expect(teacher.get_by_text("Prices saved.")).to_be_visible()
    expect(teacher.locator("#prices-summary")).to_contain_text("€42.00 (EUR)")
    teacher.context.close()

    # The learner's catalog in USD: a EUR-only course is marked with its own currency.
    verify_email(page, new_learner[1])
    ui.goto(page, "/courses?price_min=40&price_max=46")
    expect(page.get_by_role("heading", name=COURSE)).to_be_visible()
    expect(page.get_by_text("$45.00").first).to_be_visible()
    expect(page.get_by_role("heading", name="Modern Python Patterns")).to_have_count(0)  # $49.00
    # Switch the catalog to EUR: the filter now means 40-46 EUR, and the price shows in EUR.
    page.get_by_role("combobox", name="Currency").click()
    page.get_by_role("option", name="EUR", exact=True).click()
    page.wait_for_url(re.compile(r"currency=EUR"), timeout=30_000)
    ui.ready(page)
    expect(page.get_by_text("Up to 46 EUR")).to_be_visible()
    expect(page.get_by_role("heading", name=COURSE)).to_be_visible()
    expect(page.get_by_text("€42.00").first).to_be_visible()
    expect(page.get_by_role("heading", name="Modern Python Patterns")).to_be_visible()  # its demo price: €45.00
    ui.goto(page, "/courses?price_min=40&price_max=41&currency=EUR")
    expect(page.get_by_text("No courses match")).to_be_visible()  # 42 EUR is not in 40-41 EUR

    # The course page lists the EUR price; the checkout starts in the catalog's currency.
    ui.goto(page, f"/courses/{SLUG}")
    expect(page.locator("#other-prices").first).to_contain_text("€42.00")
    page.get_by_role("link", name="Buy for $45.00").first.click()
    ui.path_is(page, f"/checkout/{SLUG}")
    ui.ready(page)
    expect(page.get_by_role("button", name="Pay €42.00")).to_be_visible()
    page.get_by_role("combobox", name="Currency to pay in").click()
    page.get_by_role("option", name=re.compile(r"^USD")).click()
    expect(page.get_by_role("button", name="Pay $45.00")).to_be_visible()
    page.get_by_role("combobox", name="Currency to pay in").click()
    page.get_by_role("option", name=re.compile(r"^EUR")).click()
    expect(page.get_by_role("button", name="Pay €42.00")).to_be_visible()
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/39")
    page.get_by_label("CVC").fill("123")
    page.get_by_label("Name on card").fill("Ada Tester")
    page.get_by_role("button", name="Pay €42.00").click()
    page.wait_for_url(re.compile(r"/orders/\d+$"), timeout=30_000)
    ui.ready(page)
    expect(page.get_by_role("heading", name="Payment received")).to_be_visible()
    expect(page.get_by_text("€42.00").first).to_be_visible()


SHOTS = [("catalog-eur", "/courses?currency=EUR", "learner"),
         ("course-page", "/courses/modern-python-patterns", "learner"),
         ("checkout-eur", "/checkout/data-analysis-with-pandas?currency=EUR", "learner"),
         ("editor-prices", "/teach", "teacher")]


def test_screenshots(ui, new_context):
    out = ARTIFACTS.parent / "screens" / "currency"
    out.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        for width in (1280, 390):
            for role in ("learner", "teacher"):
                page = new_context(color_scheme=scheme, viewport={"width": width, "height": 900}).new_page()
                ui.login(page, *DEMO[role])
                for name, path, who in SHOTS:
                    if who != role:
                        continue
                    ui.goto(page, path)
                    if name == "editor-prices":
                        page.get_by_role("link", name="Modern Python Patterns").first.click()
                        page.wait_for_url(re.compile(r"/teach/courses/\d+"), timeout=30_000)
                        ui.ready(page)
                        heading = page.get_by_role("heading", name="Prices in other currencies")
                        expect(heading).to_be_visible()
                        heading.scroll_into_view_if_needed()
                    page.wait_for_timeout(600)
                    page.screenshot(path=str(out / f"{name}-{scheme}-{width}.png"), full_page=True)
                page.context.close()
