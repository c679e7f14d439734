"""Peer-reviewed assignment in a browser: three learners (the demo learner and two who register
through the UI) enrol in a free course, submit their work (one attaches a PDF, which the others
download under an anonymous name), each reviews the two others
anonymously with the rubric, and each ends up seeing a grade with per-criterion scores and
feedback.

The course is written straight into the test server's database (the demo catalog's courses are
used by other journeys, whose lesson counts must not change): a free published course of the
demo teacher with one peer-graded assignment (2 reviews) and a two-criterion rubric."""

from __future__ import annotations

import json
import re
import sqlite3
import time

import pytest
from playwright.sync_api import Page, expect

LEVELS = json.dumps([{"label": "Excellent", "points": 4}, {"label": "Fair", "points": 2},
                     {"label": "Missing", "points": 0}])


@pytest.fixture
def peer_course(lms_server):
    if lms_server.data_dir is None:
        pytest.skip("needs the test server's own database")
    slug = f"peer-practice-{time.time_ns() % 10**9}"
    now = "2026-01-01 00:00:00.000000"
    db = sqlite3.connect(lms_server.data_dir / "data" / "lms.db", timeout=10)
    with db:
        teacher = db.execute("SELECT id FROM users WHERE email = 'teacher@example.com'").fetchone()[0]
        cur = db.execute(
            "INSERT INTO courses (slug, title, teacher_id, price_minor, status, rating_count, student_count, "
            "created_at, updated_at, published_at) VALUES (?, 'Peer Practice', ?, 0, 'published', 0, 0, ?, ?, ?)",
            (slug, teacher, now, now, now))
        course = cur.lastrowid
        module = db.execute("INSERT INTO modules (course_id, title, position) VALUES (?, 'Practice', 0)",
                            (course,)).lastrowid
        lesson = db.execute(
            "INSERT INTO lessons (module_id, course_id, title, lesson_type, position, is_preview, duration_seconds, "
            "body) VALUES (?, ?, 'Explain a loop', 'assignment', 0, 0, 0, 'Explain what a *for* loop does.')",
            (module, course)).lastrowid
        db.execute("INSERT INTO assignment_settings (lesson_id, grading_mode, reviews_required, peer_days, "
                   "pass_percent, updated_at) VALUES (?, 'peer', 2, 7, 50, ?)", (lesson, now))
        for i, title in enumerate(("Correctness", "Clarity")):
            db.execute("INSERT INTO rubric_criteria (lesson_id, position, title, description, levels) "
                       "VALUES (?, ?, ?, '', ?)", (lesson, i, title, LEVELS))
    yield slug, lesson
    db.close()


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _attach(page: Page, path) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Attach files").click()
    chooser.value.set_files(str(path))
    expect(page.get_by_role("link", name=path.name)).to_be_visible()


def _enrol_and_submit(ui, page: Page, slug: str, lesson: int, answer: str) -> None:
    ui.goto(page, f"/courses/{slug}")
    page.get_by_role("button", name="Enroll for free").first.click()
    page.wait_for_url(re.compile(r"/learn/[^/]+/\d+"), timeout=30_000)  # enrolling opens the first lesson
    ui.goto(page, f"/learn/{slug}/{lesson}")
    expect(page.get_by_role("heading", name="Instructions")).to_be_visible()
    page.get_by_label("Your answer").fill(answer)
    page.get_by_role("button", name="Submit my answer").click()
    expect(page.get_by_text("Submitted: waiting for peer reviews")).to_be_visible()


def _review_all(ui, page: Page, slug: str, lesson: int, other_names: list[str]) -> None:
    ui.goto(page, f"/learn/{slug}/{lesson}")
    expect(page.get_by_role("heading", name="Reviews to give")).to_be_visible()
    expect(page.get_by_role("heading", name="Submission 2")).to_be_visible()
    text = page.locator("main").inner_text()
    assert not [name for name in other_names if name in text], "a reviewer saw an author's name"
    for _ in range(2):
        form = page.locator("form").filter(has=page.get_by_role("button", name="Send review")).first
        form.get_by_role("radiogroup", name="Correctness").get_by_role("radio").nth(0).click()
        form.get_by_role("radiogroup", name="Clarity").get_by_role("radio").nth(1).click()
        form.get_by_label("Your feedback").fill("Clear explanation; an example would help.")
        form.get_by_role("button", name="Send review").click()
        expect(page.get_by_text("Review sent", exact=False).first).to_be_visible()
        page.wait_for_timeout(300)
    expect(page.get_by_role("button", name="Send review")).to_have_count(0)


def test_three_learners_peer_review_and_all_see_a_grade(ui, browser, lms_server, peer_course, DEMO, tmp_path):
    slug, lesson = peer_course
    essay = tmp_path / "Lena Learner essay.pdf"
    essay.write_bytes(PDF)
    pages = []
    people = [("Lena Learner", *DEMO["learner"])]
    for n in (2, 3):
        stamp = f"{time.time_ns() % 10**12:x}"
        people.append((f"Peer Tester {n}", f"e2e-peer{n}-{stamp}@example.com", "correct horse battery"))
    for i, (name, email, password) in enumerate(people):
        context = browser.new_context(base_url=lms_server.base_url)
        page = context.new_page()
        if i == 0:
            ui.login(page, email, password)
        else:
            ui.register(page, name, email, password)
            ui.path_is(page, "/dashboard")
        _enrol_and_submit(ui, page, slug, lesson, f"A for loop repeats its body for each item. ({i})")
        if i == 0:  # a file too: the reviewers see it under an anonymous name
            _attach(page, essay)
        pages.append(page)
    for (name, _, _), page in zip(people, pages):
        if name != "Lena Learner":
            ui.goto(page, f"/learn/{slug}/{lesson}")
            file_link = page.get_by_role("link", name="File 1.pdf")
            expect(file_link).to_be_visible()
            assert "Lena" not in page.locator("main").inner_text()
            download = page.request.get(file_link.get_attribute("href"))
            assert download.status == 200 and download.body() == PDF and "Lena" not in download.headers.get(
                "content-disposition", "")
        _review_all(ui, page, slug, lesson, [other for other, _, _ in people if other != name])
    for page in pages:
        ui.goto(page, f"/learn/{slug}/{lesson}")
        expect(page.get_by_role("heading", name="Your grade")).to_be_visible()
        expect(page.get_by_text("Points: 6 / 8")).to_be_visible()
        expect(page.get_by_text("Reviewer 1")).to_be_visible()
        expect(page.get_by_text("Clear explanation; an example would help.").first).to_be_visible()
        expect(page.get_by_text("Passed")).to_be_visible()
    for page in pages:
        page.context.close()
    assert re.match(r"peer-practice-\d+", slug)
