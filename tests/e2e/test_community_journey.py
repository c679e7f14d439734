"""Community in a browser: a learner asks a question under a lesson; the teacher finds it in
"Unanswered questions" on /teach/community, answers and accepts it; the learner sees the
accepted answer under the lesson. The teacher posts an announcement the learner sees; the
learner writes to the teacher. Screenshots (light/dark, 1280/390 px) go to
test-artifacts/community/."""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import Page, expect

COURSE = "python-from-zero"  # the demo learner is enrolled; the demo teacher teaches it
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "community"


def _open_first_lesson(ui, page: Page) -> None:
    ui.goto(page, f"/courses/{COURSE}")
    page.get_by_role("link", name=re.compile("Continue learning|Start learning")).first.click()
    page.wait_for_url(re.compile(rf"/learn/{COURSE}/\d+"), timeout=30_000)
    ui.ready(page)


def test_learner_asks_teacher_answers_and_learner_sees_it(ui, new_context, DEMO):
    title = f"How do I run a script? {time.time_ns() % 10**9}"
    learner = new_context().new_page()
    ui.login(learner, *DEMO["learner"])
    _open_first_lesson(ui, learner)
    qna = learner.locator("#lesson-qna")
    expect(qna.get_by_role("heading", name="Questions about this lesson")).to_be_visible()
    qna.get_by_role("button", name="Ask a question").click()
    qna.get_by_label("Title").fill(title)
    qna.get_by_label("Details").fill("I typed `python hello.py` and **nothing** happened. <script>alert(1)</script>")
    qna.get_by_role("button", name="Post question").click()
    expect(qna.get_by_role("link", name=f"Open question: {title}")).to_be_visible()
    lesson_url = learner.url

    teacher = new_context().new_page()
    ui.login(teacher, *DEMO["teacher"])
    ui.goto(teacher, "/teach/community")
    teacher.get_by_role("link", name=title).click()
    ui.path_is(teacher, f"/community/{COURSE}")
    expect(teacher.get_by_role("heading", name=title)).to_be_visible()
    expect(teacher.get_by_text("nothing", exact=True)).to_be_visible()  # Markdown rendered
    expect(teacher.locator("script", has_text="alert(1)")).to_have_count(0)
    teacher.get_by_label("Your answer").fill("Save the file first, then run `python3 hello.py`.")
    teacher.get_by_role("button", name="Post answer").click()
    expect(teacher.get_by_text("Save the file first", exact=False)).to_be_visible()
    teacher.get_by_role("button", name="Accept", exact=True).click()
    expect(teacher.get_by_text("Accepted answer")).to_be_visible()

    # The teacher posts an announcement.
    teacher.get_by_role("tab", name="Announcements").click()
    teacher.get_by_label("Title").fill("Office hours on Friday")
    teacher.get_by_label("Message").fill("Join us at **5 pm**.")
    teacher.get_by_role("button", name="Post announcement").click()
    expect(teacher.get_by_text("Office hours on Friday").first).to_be_visible()

    # The learner sees the accepted answer under the lesson.
    learner.goto(lesson_url)
    ui.ready(learner)
    qna = learner.locator("#lesson-qna")
    qna.get_by_role("link", name=f"Open question: {title}").click()
    expect(qna.get_by_text("Accepted answer")).to_be_visible()
    expect(qna.get_by_text("Save the file first", exact=False)).to_be_visible()

    # ... the announcement on the course page itself, with the way to the community page ...
    ui.goto(learner, f"/courses/{COURSE}")
    expect(learner.get_by_text("Office hours on Friday").first).to_be_visible()
    expect(learner.get_by_role("link", name="Questions, announcements and messages")).to_be_visible()
    visitor = new_context().new_page()  # ... and a signed-out visitor sees none of it
    ui.goto(visitor, f"/courses/{COURSE}")
    expect(visitor.get_by_role("heading", name="Python from Zero").first).to_be_visible()
    expect(visitor.get_by_text("Office hours on Friday")).to_have_count(0)
    visitor.context.close()

    # ... the announcement on the course's community page, and writes to the teacher.
    ui.goto(learner, f"/community/{COURSE}")
    learner.get_by_role("tab", name="Announcements").click()
    expect(learner.get_by_text("Office hours on Friday").first).to_be_visible()
    learner.get_by_role("tab", name="Message the teacher").click()
    learner.get_by_label("Your message").fill("Thank you for the answer!")
    learner.get_by_role("button", name="Send", exact=True).click()
    expect(learner.get_by_role("link", name="Open the conversation")).to_be_visible()

    ui.goto(teacher, "/messages")
    teacher.get_by_role("button", name=re.compile("Lena Learner")).first.click()
    expect(teacher.get_by_text("Thank you for the answer!").first).to_be_visible()


def test_screenshots(ui, new_context, DEMO):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        for width in (1280, 390):
            for who, path in (("learner", None), ("learner", f"/community/{COURSE}"), ("teacher", "/teach/community"),
                              ("teacher", "/messages"), ("learner", f"/courses/{COURSE}")):
                page = new_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page()
                ui.login(page, *DEMO[who])
                if path is None:
                    _open_first_lesson(ui, page)
                    page.locator("#lesson-qna").scroll_into_view_if_needed()
                    name = "lesson-qna"
                else:
                    ui.goto(page, path)
                    name = path.strip("/").replace("/", "-")
                page.wait_for_timeout(800)
                page.screenshot(path=str(SHOTS / f"{name}-{who}-{scheme}-{width}.png"), full_page=True)
                page.context.close()


def test_another_learner_upvotes_and_reports_the_asker_is_told_and_an_admin_hides_it(ui, page: Page, new_context,
                                                                                     new_learner, DEMO):
    """Issue 19's journey, the parts the first test leaves out: a second learner upvotes, the
    asker hears of the teacher's answer in the bell and by e-mail, a learner reports the question
    and an admin hides it, after which learners no longer see it."""
    title = f"Why does print need brackets? {time.time_ns() % 10**9}"
    asker = new_context().new_page()
    ui.login(asker, *DEMO["learner"])
    _open_first_lesson(ui, asker)
    qna = asker.locator("#lesson-qna")
    qna.get_by_role("button", name="Ask a question").click()
    qna.get_by_label("Title").fill(title)
    qna.get_by_label("Details").fill("In Python 2 it did not.")
    qna.get_by_role("button", name="Post question").click()
    expect(qna.get_by_role("link", name=f"Open question: {title}")).to_be_visible()

    # The new learner (page) enrols, finds the question and upvotes it.
    ui.goto(page, f"/courses/{COURSE}")
    page.get_by_role("button", name="Enroll for free").first.click()
    page.wait_for_url(re.compile(r"/learn/[^/]+/\d+"), timeout=30_000)  # enrolling opens the first lesson
    ui.goto(page, f"/community/{COURSE}")  # the course-wide Questions tab
    mine = page.get_by_role("main")
    mine.get_by_role("link", name=f"Open question: {title}").click()
    expect(mine.get_by_role("heading", name=title)).to_be_visible()
    upvote = mine.get_by_role("button", name="Upvote").first
    expect(upvote).to_have_text("0")
    upvote.click()
    expect(upvote).to_have_text("1")

    # The teacher answers; the asker is told in the bell and by e-mail.
    teacher = new_context().new_page()
    ui.login(teacher, *DEMO["teacher"])
    ui.goto(teacher, "/teach/community")
    teacher.get_by_role("link", name=title).click()
    expect(teacher.get_by_role("heading", name=title)).to_be_visible()
    teacher.get_by_label("Your answer").fill("Since Python 3 print is a function.")
    teacher.get_by_role("button", name="Post answer").click()
    expect(teacher.get_by_text("print is a function", exact=False)).to_be_visible()
    ui.goto(asker, "/notifications")
    expect(asker.locator(".lms-notification").filter(has_text="answered a question in").first).to_be_visible()

    # The new learner reports the question; an admin hides it from the report queue.
    mine.get_by_role("button", name="Report").first.click()
    page.get_by_placeholder("Reason").fill("Off topic for this lesson")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("button", name="Send report")).to_have_count(0)  # the popover closed
    admin = new_context().new_page()
    ui.login(admin, *DEMO["admin"])
    ui.goto(admin, "/admin/mail")  # the asker's e-mail (on by default for answers)
    expect(admin.get_by_role("row").filter(has_text=DEMO["learner"][0]).filter(has_text="answered a question in")
           .first).to_be_visible()
    ui.goto(admin, "/teach/community")
    report = admin.locator(".rt-Card").filter(has_text="Off topic for this lesson").first
    expect(report).to_be_visible()
    report.get_by_role("button", name="Hide post").click()
    expect(report.get_by_role("button", name="Hide post")).to_have_count(0)
    _open_first_lesson(ui, page)
    expect(page.locator("#lesson-qna").get_by_role("heading", name="Questions about this lesson")).to_be_visible()
    expect(page.get_by_role("link", name=f"Open question: {title}")).to_have_count(0)
