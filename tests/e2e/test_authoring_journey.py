"""The course lifecycle in a browser: a teacher builds 2 modules x 3 lessons of every type, reorders,
submits; an admin sends it back with a reason; the teacher resubmits; the admin approves; a
signed-out visitor finds it by search and by filter, opens the free preview, and is asked to sign
in for a locked lesson."""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import Page, expect

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _upload(page: Page, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("dialog").get_by_role("button", name=re.compile("Upload a file")).click()
    chooser.value.set_files(str(path))


def test_teacher_builds_submits_and_admin_reviews(ui, page: Page, new_context, DEMO, tmp_path: Path):
    title = f"E2E course {time.time_ns() % 10**9}"
    ui.login(page, *DEMO["teacher"], lands_on="/teach")
    page.get_by_role("button", name="New course").click()
    page.get_by_label("Title").fill(title)
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url(re.compile(r"/teach/courses/\d+"), timeout=30_000)
    editor_url = page.url

    # Review tab lists what is missing.
    page.get_by_role("tab", name="Review").click()
    expect(page.get_by_text("a description")).to_be_visible()
    expect(page.get_by_role("button", name="Submit for review")).to_be_disabled()

    # Details: a negative price is refused, then the real values are saved.
    page.get_by_role("tab", name="Details").click()
    page.get_by_label("Description (Markdown)").fill("## What it covers\n\nEverything **important**.")
    expect(page.get_by_role("heading", name="What it covers")).to_be_visible()  # live preview
    page.get_by_label("Category").select_option(label="Design")
    page.get_by_label("Price (0 = free)").fill("-5")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("The price cannot be negative")).to_be_visible()
    page.get_by_label("Price (0 = free)").fill("19.99")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Course details saved.")).to_be_visible()

    # Curriculum: 2 modules x 3 lessons, one of each type per module.
    page.get_by_role("tab", name="Curriculum").click()
    titles = page.get_by_label("Lesson title", exact=True)
    plan = [("Basics", [("Welcome", "text"), ("Intro video", "video"), ("Handout", "pdf")]),
            ("Practice", [("Exercises", "text"), ("Walkthrough", "video"), ("Cheat sheet", "pdf")])]
    added = 0
    for m_index, (module_title, lessons) in enumerate(plan):
        page.get_by_label("New module title").fill(module_title)
        page.get_by_role("button", name="Add module").click()
        expect(page.get_by_label("New lesson title")).to_have_count(m_index + 1)
        for lesson_title, lesson_type in lessons:
            page.get_by_label("New lesson title").nth(m_index).fill(lesson_title)
            page.get_by_label("Lesson type").nth(m_index).select_option(lesson_type)
            page.get_by_role("button", name="Add lesson").nth(m_index).click()
            added += 1
            expect(titles).to_have_count(added)
    expect(titles.nth(0)).to_have_value("Welcome")

    # Reorder: move the first lesson down, below the video.
    page.get_by_role("button", name="Move down").first.click()
    expect(titles.nth(0)).to_have_value("Intro video")
    expect(titles.nth(1)).to_have_value("Welcome")

    # Rename (saved on leaving the field) and make it the free preview.
    titles.nth(1).fill("Welcome aboard")
    titles.nth(1).press("Tab")
    expect(page.get_by_text("Lesson renamed.")).to_be_visible()
    page.get_by_label("Free preview").nth(1).click()
    expect(page.get_by_text("Free preview on.")).to_be_visible()

    # Text content: raw HTML is removed with a clear message.
    page.get_by_label("Edit lesson content").nth(1).click()
    page.get_by_label("Text (Markdown)").fill("Hello **learners** <script>alert(1)</script>")
    page.get_by_role("button", name="Save lesson").click()
    expect(page.get_by_text("Raw HTML and unsafe links were removed")).to_be_visible()
    page.keyboard.press("Escape")

    # Video content: a URL of a video file.
    page.get_by_label("Edit lesson content").nth(0).click()
    page.get_by_label(re.compile("Video address")).fill("https://videos.example.com/intro.mp4")
    page.get_by_role("button", name="Save lesson").click()
    expect(page.get_by_text("Lesson saved.")).to_be_visible()
    page.keyboard.press("Escape")

    # PDF content: an executable renamed .pdf is refused by content; a real PDF is stored.
    page.get_by_label("Edit lesson content").nth(2).click()
    fake = tmp_path / "handout.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)  # an executable renamed .pdf
    _upload(page, fake)
    expect(page.get_by_role("dialog").get_by_text("That file is not a PDF")).to_be_visible()
    real = tmp_path / "notes.pdf"
    real.write_bytes(PDF)
    _upload(page, real)
    expect(page.get_by_text("File uploaded.")).to_be_visible()
    page.keyboard.press("Escape")

    page.get_by_role("tab", name="Review").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted. An admin will review your course.")).to_be_visible()

    # The admin sends it back with a reason...
    admin = new_context().new_page()
    ui.login(admin, *DEMO["admin"])
    ui.goto(admin, "/admin/reviews")
    admin.get_by_role("button", name=f"Review {title}").click()
    expect(admin.get_by_text("Hello learners")).to_be_visible()  # full preview, non-preview lessons too
    admin.get_by_role("button", name="Request changes").click()
    admin.get_by_label("Reason").fill("Please add a second module with exercises.")
    admin.get_by_role("button", name="Send back to teacher").click()
    expect(admin.get_by_text("was sent back to its teacher")).to_be_visible()

    # ...the teacher sees it and resubmits; the admin approves.
    page.goto(editor_url + "?tab=review")
    expect(page.get_by_text("Please add a second module with exercises.").first).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted. An admin will review your course.")).to_be_visible()
    ui.goto(admin, "/admin/reviews")
    admin.get_by_role("button", name=f"Review {title}").click()
    admin.get_by_role("button", name="Approve and publish").click()
    expect(admin.get_by_text("is published.")).to_be_visible()
    # The teacher is told by e-mail (issue 13): the mail is in the outbox.
    ui.goto(admin, "/admin/mail")
    expect(admin.get_by_role("row").filter(has_text=f"{title} was approved and is published").first).to_be_visible()

    # A signed-out visitor finds it by search and by filter, opens the free preview, and is
    # asked to sign in for a locked lesson (whose file stays closed too).
    visitor = new_context().new_page()
    ui.goto(visitor, "/courses")
    visitor.get_by_role("main").get_by_label("Search courses").fill(title)
    visitor.get_by_role("main").get_by_role("button", name="Search").click()
    visitor.wait_for_url(re.compile(r"/courses\?.*q="))
    # exact: the active search also shows a "Remove filter “<title>”" link once the catalog loaded
    expect(visitor.get_by_role("link", name=title, exact=True)).to_be_visible()
    ui.goto(visitor, "/courses")
    visitor.get_by_role("link", name="Design", exact=True).click()
    visitor.wait_for_url(re.compile(r"category=design"))
    course_link = visitor.get_by_role("link", name=re.compile(re.escape(title)))
    expect(course_link).to_be_visible()
    course_link.click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
    visitor.get_by_role("link", name="Welcome aboard").click()
    expect(visitor.get_by_text("Hello learners")).to_be_visible()
    visitor.get_by_role("link", name="Handout").click()
    expect(visitor.get_by_text("is for enrolled learners")).to_be_visible()
    sign_in = visitor.get_by_role("main").get_by_role("link", name="Sign in")
    expect(sign_in).to_be_visible()
    assert "next=" in (sign_in.get_attribute("href") or "")
    lesson_ids = [int(x) for x in re.findall(r"/learn/[^/]+/(\d+)", visitor.url)]
    response = visitor.request.get(f"/media/lessons/{lesson_ids[-1]}")
    assert response.status == 404
