"""The admin console in a browser: a learner applies to teach and an admin approves; another
learner enrols and completes a lesson, and the admin's KPIs and the teacher's lesson funnel show
it; the admin exports a CSV that opens with the right rows."""

from __future__ import annotations

import csv
import io
import re
import time

from playwright.sync_api import Page, expect

from tests.e2e.conftest import DEMO

COURSE, COURSE_TITLE = "python-from-zero", "Python from Zero"  # teacher@example.com's free demo course
LESSON = "Installing Python"  # the second lesson of that course, a text lesson


def _enrol_and_complete(ui, page: Page, name: str) -> None:
    stamp = f"{time.time_ns() % 10**12:x}"
    ui.register(page, name, f"e2e-admin-journey-{stamp}@example.com", "correct horse battery")
    ui.path_is(page, "/dashboard")
    ui.ready(page)
    ui.goto(page, f"/courses/{COURSE}")
    page.get_by_role("button", name="Enroll for free").first.click()
    page.wait_for_url(re.compile(rf"/learn/{COURSE}/\d+"), timeout=30_000)
    ui.ready(page)
    page.locator("#course-sidebar").get_by_role("link", name=LESSON).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(LESSON)
    page.get_by_role("button", name="Mark complete").click()
    expect(page.get_by_text("Completed", exact=True)).to_be_visible()


def test_application_approval_kpis_funnel_and_csv(ui, page: Page, new_learner, new_context):
    name, email, password = new_learner

    # The learner asks to teach from the dashboard.
    page.get_by_role("link", name="Become a teacher").click()
    ui.path_is(page, "/become-teacher")
    ui.ready(page)
    page.get_by_label("Motivation").fill("I have taught Python to adults for six years and want to publish here.")
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text(re.compile("waiting for review"))).to_be_visible()

    # The admin approves it.
    admin = new_context().new_page()
    ui.login(admin, *DEMO["admin"], lands_on="/admin")
    admin.get_by_role("navigation", name="Admin sections").get_by_role("link", name="Teacher applications").click()
    ui.path_is(admin, "/admin/applications")
    admin.get_by_role("button", name=f"Approve {name}").first.click()
    admin.get_by_label("Message to the applicant (optional)").fill("Welcome aboard!")
    admin.get_by_role("alertdialog").get_by_role("button", name="Approve").click()
    expect(admin.get_by_text(f"{name} is now a teacher.")).to_be_visible()

    # The applicant sees the outcome and the admin's message.
    ui.goto(page, "/become-teacher")
    expect(page.get_by_text(re.compile("Approved on"))).to_be_visible()
    expect(page.get_by_text("Welcome aboard!")).to_be_visible()

    # Another learner enrols in the teacher's course and completes a lesson.
    learner = new_context().new_page()
    _enrol_and_complete(ui, learner, "Funnel Learner")

    # The admin's KPIs and top courses show the enrolment.
    ui.goto(admin, "/admin/analytics")
    enrollments = admin.get_by_role("group", name="Enrollments", exact=True)
    expect(enrollments.get_by_text(re.compile(r"^[1-9][\d,]*$"))).to_be_visible()
    top = admin.get_by_role("region", name="Top courses by enrollments")
    expect(top.get_by_role("cell", name=COURSE_TITLE)).to_be_visible()

    # The admin exports that table; the CSV opens with the course's row.
    with admin.expect_download() as info:
        top.get_by_role("button", name=re.compile("Export CSV")).click()
    path = info.value.path()
    rows = list(csv.reader(io.StringIO(open(path, encoding="utf-8").read())))
    assert rows[0] == ["Course", "Enrollments"]
    assert any(r[0] == COURSE_TITLE and int(r[1]) >= 1 for r in rows[1:]), rows
    assert info.value.suggested_filename.startswith("top_enrollments-")

    # The teacher's lesson funnel shows the lesson reached and completed.
    teacher = new_context().new_page()
    ui.login(teacher, *DEMO["teacher"], lands_on="/teach")
    teacher.get_by_role("link", name="Analytics").click()
    ui.path_is(teacher, "/teach/analytics")
    teacher.get_by_label("Course for funnel and quiz scores").select_option(label=COURSE_TITLE)
    row = teacher.get_by_role("row", name=re.compile(rf"^\d+\. {LESSON}"))
    expect(row).to_be_visible()
    cells = row.get_by_role("cell")
    expect(cells.nth(1)).not_to_have_text("0")
    expect(cells.nth(2)).not_to_have_text("0")
