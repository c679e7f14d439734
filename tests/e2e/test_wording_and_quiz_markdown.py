"""What a newcomer reads (issue 18, item 5): quiz prompts, options and explanations are rendered
Markdown (code, not backticks), points are counted ("1 point", "2 points"), and a course of short
clips shows its real length instead of "0 min"."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Page, expect

QUIZ_COURSE, QUIZ_LESSON = "modern-python-patterns", "Check your understanding"  # the demo quiz
FREE_COURSE = "python-from-zero"
SHOTS = os.environ.get("LMS_E2E_SCREENSHOTS", "")  # a folder: light, dark and 390 px shots of each step


def shots(page: Page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for scheme, width in (("light", size["width"]), ("dark", size["width"]), ("dark", 390)):
        page.emulate_media(color_scheme=scheme)
        page.set_viewport_size({"width": width, "height": size["height"]})
        page.wait_for_timeout(400)
        page.screenshot(path=f"{SHOTS}/{name}-{scheme}-{width}.png", full_page=True)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(size)


def test_quiz_text_is_markdown_and_points_are_counted(ui, page: Page, DEMO):
    ui.login(page, *DEMO["learner"])
    ui.goto(page, f"/courses/{QUIZ_COURSE}")
    page.get_by_role("link", name="Continue learning").first.click()
    page.wait_for_url(re.compile(rf"/learn/{QUIZ_COURSE}/\d+"), timeout=30_000)
    ui.ready(page)
    page.locator("#course-sidebar").get_by_role("link", name=QUIZ_LESSON).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUIZ_LESSON)
    page.get_by_role("button", name=re.compile("Start the quiz|Try again")).click()
    quiz = page.locator("#quiz-panel")
    # `async def` is code, and no backtick is visible anywhere in the questions.
    expect(quiz.locator("code", has_text="async def")).to_be_visible()
    expect(quiz.locator("code", has_text="await asyncio.sleep(1.5)")).to_be_visible()
    assert "`" not in quiz.inner_text()
    expect(quiz.get_by_text("2 points", exact=True)).to_be_visible()
    expect(quiz.get_by_text("1 point", exact=True).first).to_be_visible()
    expect(quiz.get_by_text(re.compile(r"\b1 pts?\b"))).to_have_count(0)
    # The options are still labelled controls (their Markdown is the label).
    expect(page.get_by_role("radio", name="field(default_factory=...)")).to_be_visible()
    expect(page.get_by_role("checkbox", name="int | None")).to_be_visible()
    shots(page, "quiz-questions")

    page.get_by_role("radio", name="field(default_factory=...)").click()
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator("#quiz-result")).to_contain_text(re.compile(r"of 6 points"))
    # Explanations are Markdown too.
    expect(quiz.locator("code", has_text="field(default_factory=list)")).to_be_visible()
    assert "`" not in quiz.inner_text()
    shots(page, "quiz-feedback")


def test_a_course_of_short_clips_shows_real_lengths(ui, page: Page):
    ui.goto(page, f"/courses/{FREE_COURSE}")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Curriculum")).to_be_visible()
    expect(main.get_by_text(re.compile(r"^\d+ sec$")).first).to_be_visible()  # the demo video clips
    expect(main.get_by_text(re.compile(r"\b0 min\b"))).to_have_count(0)
    expect(main.get_by_text(re.compile(r"\b1 lessons\b|\b1 modules\b"))).to_have_count(0)
    shots(page, "course-page")


def test_admins_see_applicants_full_emails(ui, page: Page, new_context, new_learner, DEMO):
    """Two applicants called "Ada Tester" can be told apart: the list shows whole addresses."""
    ui.goto(page, "/become-teacher")
    page.get_by_label("Motivation").fill("I have taught Python at evening classes for five years.")
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text(re.compile("waiting for review|Pending", re.I)).first).to_be_visible()
    admin = new_context().new_page()
    ui.login(admin, *DEMO["admin"], lands_on="/admin")
    ui.goto(admin, "/admin/applications")
    expect(admin.get_by_text(new_learner[1], exact=True)).to_be_visible()
    shots(admin, "admin-applications")
