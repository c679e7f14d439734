"""Quizzes in a browser: a teacher adds a quiz lesson to a published course, builds five questions
(one of each type) with a time limit and two attempts; an enrolled learner fails, tries again,
passes, and the lesson completes."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

COURSE = "modern-python-patterns"  # demo course of teacher@example.com; learner@example.com is enrolled
QUIZ_TITLE = "Final check"


def _add_question(page: Page, kind: str, prompt: str, fill) -> None:
    page.get_by_role("button", name="Add question").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Question type").select_option(label=kind)
    dialog.get_by_label("Question", exact=True).fill(prompt)
    fill(dialog)
    dialog.get_by_role("button", name="Save question").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text(prompt, exact=True)).to_be_visible()  # now in the question list


def _options(*texts: str, right: tuple[int, ...]):
    def fill(dialog):
        for i, text in enumerate(texts):
            dialog.get_by_label(f"Option {i + 1}", exact=True).fill(text)
        for i in right:
            dialog.get_by_label(f"Option {i + 1} is correct").check()
    return fill


def _build_quiz(page: Page) -> str:
    _add_question(page, "Single choice", "Capital of France?", _options("Lyon", "Paris", "Nice", right=(1,)))
    _add_question(page, "Multiple choice", "Which numbers are prime?", _options("2", "4", "5", right=(0, 2)))
    _add_question(page, "True / false", "The sky is green.", lambda d: d.get_by_label("False").check())
    _add_question(page, "Short answer", "Largest ocean?",
                  lambda d: d.get_by_label("Accepted answers (one per line)").fill("Pacific\nPacific Ocean"))

    def numeric(dialog):
        dialog.get_by_label("Correct answer").fill("3.14")
        dialog.get_by_label("Tolerance (±)").fill("0.01")
    _add_question(page, "Number", "Pi to two decimals?", numeric)
    expect(page.get_by_text("Correct: Paris")).to_be_visible()
    expect(page.get_by_text("Accepted: Pacific / Pacific Ocean")).to_be_visible()

    page.get_by_label("Pass mark (%)").fill("80")
    page.get_by_label("Time limit (minutes)").fill("5")
    page.get_by_label("Attempts allowed").fill("2")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Quiz settings saved.").first).to_be_visible()
    return page.url


def _answer(page: Page, all_right: bool) -> None:
    page.get_by_role("radio", name="Paris").click()
    if all_right:
        page.get_by_role("checkbox", name="2", exact=True).click()
        page.get_by_role("checkbox", name="5", exact=True).click()
        page.get_by_role("radio", name="False").click()
        page.get_by_label("Answer to question 4").fill("  pacific ")
        page.get_by_label("Answer to question 5").fill("3,141")
        page.get_by_label("Answer to question 5").press("Tab")
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Submit", exact=True).click()


def test_teacher_builds_a_quiz_and_a_learner_fails_retries_and_passes(ui, page: Page, new_context, DEMO):
    # The teacher adds a quiz lesson to their published course and opens the builder from it.
    ui.login(page, *DEMO["teacher"], lands_on="/teach")
    page.get_by_role("link", name="Modern Python Patterns").first.click()
    page.wait_for_url(re.compile(r"/teach/courses/\d+"), timeout=30_000)
    page.get_by_role("tab", name="Curriculum").click()
    page.get_by_label("New lesson title").nth(1).fill(QUIZ_TITLE)
    page.get_by_label("Lesson type").nth(1).select_option("quiz")
    page.get_by_role("button", name="Add lesson").nth(1).click()
    expect(page.get_by_label("Lesson title", exact=True).last).to_have_value(QUIZ_TITLE)
    page.get_by_label("Edit lesson content").last.click()
    page.get_by_role("link", name="Build the quiz").click()
    page.wait_for_url(re.compile(r"/teach/lessons/\d+/quiz"), timeout=30_000)
    expect(page.get_by_role("heading", name=f"Quiz: {QUIZ_TITLE}")).to_be_visible()
    expect(page.get_by_text("No questions yet")).to_be_visible()
    lesson_id = re.search(r"/teach/lessons/(\d+)/quiz", _build_quiz(page)).group(1)

    # The learner: a first attempt with one right answer fails...
    learner = new_context().new_page()
    ui.login(learner, *DEMO["learner"])
    ui.goto(learner, f"/learn/{COURSE}/{lesson_id}")
    expect(learner.get_by_role("heading", level=1)).to_have_text(QUIZ_TITLE)
    expect(learner.get_by_text("5 min")).to_be_visible()
    learner.get_by_role("button", name="Start the quiz").click()
    expect(learner.get_by_label("Time left")).to_contain_text(re.compile(r"[45]:\d\d"))
    _answer(learner, all_right=False)
    expect(learner.locator("#quiz-result")).to_contain_text("Not passed yet: 1 of 5 points (20%)")
    expect(learner.get_by_text("Correct answer: Pacific or Pacific Ocean")).to_be_visible()  # after each attempt
    expect(learner.get_by_text("1 attempt left")).to_be_visible()

    # ...the second passes, and the lesson completes.
    learner.get_by_role("button", name="Try again").click()
    expect(learner.get_by_role("heading", name="Attempt 2")).to_be_visible()
    _answer(learner, all_right=True)
    expect(learner.locator("#quiz-result")).to_contain_text("Passed: 5 of 5 points (100%)")
    expect(learner.get_by_text("Lesson complete", exact=True)).to_be_visible()
    expect(learner.get_by_text("0 attempts left")).to_be_visible()
    expect(learner.get_by_role("button", name="Try again")).to_have_count(0)
    sidebar = learner.locator("#course-sidebar")
    expect(sidebar.get_by_role("link", name=QUIZ_TITLE).get_by_label("Completed")).to_be_visible()

    # The attempt history survives a reload.
    learner.reload()
    ui.ready(learner)
    expect(learner.get_by_role("heading", name="Your attempts")).to_be_visible()
    expect(learner.get_by_text("5/5 (100%)")).to_be_visible()
