"""Certificates in a browser: a learner completes a short course, the certificate appears on the
dashboard, the PDF downloads with their (Unicode) name and the certificate number, the verify
page opened from the QR code's URL says valid; an admin revokes it and the page says revoked."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import pypdf
import pytest
import segno
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from lms_app.core.courses import Course, Lesson, Module
from lms_app.core.users import User
from lms_app.core.types import utcnow

LEARNER_NAME = "Zoë Ørsted-Пётр"
COURSE_TITLE = "Certificates in One Sitting"


@pytest.fixture
def short_course(lms_server):
    """A free, published two-lesson course by the demo teacher, written into the server's database."""
    if lms_server.data_dir is None:
        pytest.skip("needs the test server's own database")
    engine = create_engine(f"sqlite:///{lms_server.data_dir / 'data' / 'lms.db'}")
    slug = f"certificates-{time.time_ns() % 10**10:x}"
    with Session(engine) as s:
        teacher = s.exec(select(User).where(User.email == "teacher@example.com")).one()
        course = Course(slug=slug, title=COURSE_TITLE, subtitle="Two short readings", teacher_id=teacher.id,
                        status="published", published_at=utcnow(), search_text=COURSE_TITLE.lower())
        s.add(course)
        s.flush()
        module = Module(course_id=course.id, title="Everything", position=0)
        s.add(module)
        s.flush()
        lessons = [Lesson(module_id=module.id, course_id=course.id, title=title, lesson_type="text", position=i,
                          body=f"## {title}\n\nRead this, then mark it complete.")
                   for i, title in enumerate(("First reading", "Second reading"))]
        s.add_all(lessons)
        s.commit()
        ids = [lesson.id for lesson in lessons]
    engine.dispose()
    return slug, ids


def _complete(ui, page: Page, slug: str, lesson_id: int) -> None:
    ui.goto(page, f"/learn/{slug}/{lesson_id}")
    page.get_by_role("button", name="Mark complete").click()
    expect(page.get_by_text("Completed", exact=True)).to_be_visible()


def test_complete_download_verify_revoke(ui, page: Page, new_context, short_course, unique_email, DEMO):
    slug, lesson_ids = short_course
    ui.register(page, LEARNER_NAME, unique_email, "correct horse battery")
    ui.path_is(page, "/dashboard")
    ui.ready(page)

    ui.goto(page, f"/courses/{slug}")
    page.get_by_role("button", name="Enroll for free").first.click()
    page.wait_for_url(re.compile(r"/learn/[^/]+/\d+"), timeout=30_000)  # enrolling opens the first lesson
    for lesson_id in lesson_ids:
        _complete(ui, page, slug, lesson_id)

    # The certificate appears on the dashboard.
    ui.goto(page, "/dashboard")
    expect(page.get_by_role("heading", name="Certificates", exact=True)).to_be_visible()
    card_title = page.get_by_role("heading", name=COURSE_TITLE, level=3)
    expect(card_title.first).to_be_visible()
    download_link = page.get_by_role("link", name=f"Download certificate PDF for {COURSE_TITLE}")
    expect(download_link).to_be_visible()

    # The PDF downloads; its text has the learner's name, the number and the verify URL.
    with page.expect_download() as info:
        download_link.click()
    data = open(info.value.path(), "rb").read()
    assert data.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert LEARNER_NAME in text and COURSE_TITLE in text, text
    number = re.search(r"\b[A-Z2-7]{4}(?:-[A-Z2-7]{4}){5}\b", text).group(0)
    expect(page.get_by_text(number)).to_be_visible()  # the dashboard shows the same number
    verify_url = re.search(r"Verify: (\S+)", text).group(1)
    assert verify_url.endswith(f"/verify/{number}") and verify_url.startswith(ui.base_url)
    assert segno.make(verify_url, error="m", micro=False, mask=0).version <= 5  # what the QR code holds

    # The verify page (the QR code's URL) says valid, signed out too.
    visitor = new_context().new_page()
    visitor.goto(verify_url)
    expect(visitor.get_by_text("This certificate is valid.")).to_be_visible(timeout=30_000)
    expect(visitor.get_by_role("heading", name=LEARNER_NAME)).to_be_visible()
    expect(visitor.get_by_text(unique_email)).to_have_count(0)

    # An admin revokes it, with a reason, after confirming.
    admin = new_context().new_page()
    ui.login(admin, *DEMO["admin"])
    ui.goto(admin, "/admin/certificates")
    admin.get_by_label("Search certificates").fill(number)
    admin.get_by_label("Search certificates").press("Enter")
    expect(admin.get_by_text("1 certificate", exact=True)).to_be_visible()
    admin.get_by_role("button", name=f"Revoke {number}").click()
    dialog = admin.get_by_role("alertdialog")
    expect(dialog.get_by_text("Revoke this certificate?")).to_be_visible()
    dialog.get_by_label("Reason").fill("Completed on a shared account")
    dialog.get_by_role("button", name="Revoke certificate").click()
    expect(admin.get_by_text("Certificate revoked")).to_be_visible()
    expect(dialog).to_have_count(0)

    # The verify page now says revoked; the learner's dashboard shows it as revoked.
    visitor.goto(verify_url)
    expect(visitor.get_by_text(re.compile(r"This certificate was revoked on .+\. It is no longer valid\."))).to_be_visible(
        timeout=30_000)
    ui.goto(page, "/dashboard")
    expect(page.get_by_text(re.compile(r"^Revoked "))).to_be_visible()
    expect(page.get_by_role("link", name=f"Download certificate PDF for {COURSE_TITLE}")).to_have_count(0)


@pytest.mark.skipif(not os.environ.get("LMS_E2E_SCREENSHOTS"), reason="set LMS_E2E_SCREENSHOTS=<dir> to take them")
def test_screenshots_of_certificate_pages(ui, page: Page, new_context, short_course, unique_email, DEMO):
    """Not a check: pictures of the dashboard card, verify page and admin page (light/dark, 1280/390)."""
    out = Path(os.environ["LMS_E2E_SCREENSHOTS"])
    out.mkdir(parents=True, exist_ok=True)
    slug, lesson_ids = short_course
    ui.register(page, "Ελένη Παπαδοπούλου", unique_email, "correct horse battery")
    ui.path_is(page, "/dashboard")
    ui.goto(page, f"/courses/{slug}")
    page.get_by_role("button", name="Enroll for free").first.click()
    page.wait_for_url(re.compile(r"/learn/[^/]+/\d+"), timeout=30_000)  # enrolling opens the first lesson
    for lesson_id in lesson_ids:
        _complete(ui, page, slug, lesson_id)
    ui.goto(page, "/dashboard")
    number = page.get_by_text(re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){5}$")).first.inner_text()
    for mode in ("light", "dark"):
        for width in (1280, 390):
            learner = new_context(color_scheme=mode, viewport={"width": width, "height": 900})
            learner.add_cookies(page.context.cookies())
            p = learner.new_page()
            ui.goto(p, "/dashboard")
            expect(p.get_by_text(number)).to_be_visible()
            p.screenshot(path=str(out / f"dashboard-{mode}-{width}.png"), full_page=True)
            p.goto(f"/verify/{number}")
            expect(p.get_by_text("This certificate is valid.")).to_be_visible()
            p.screenshot(path=str(out / f"verify-{mode}-{width}.png"), full_page=True)
            admin = new_context(color_scheme=mode, viewport={"width": width, "height": 900}).new_page()
            ui.login(admin, *DEMO["admin"])
            ui.goto(admin, "/admin/certificates")
            expect(admin.get_by_role("button", name=f"Revoke {number}")).to_be_visible()
            admin.screenshot(path=str(out / f"admin-{mode}-{width}.png"), full_page=True)
            admin.get_by_role("button", name=f"Revoke {number}").click()
            expect(admin.get_by_role("alertdialog")).to_be_visible()
            admin.screenshot(path=str(out / f"admin-revoke-{mode}-{width}.png"))
            admin.get_by_role("button", name="Cancel").click()
            admin.get_by_role("button", name="Issue certificate").click()
            expect(admin.get_by_role("dialog")).to_be_visible()
            admin.screenshot(path=str(out / f"admin-issue-{mode}-{width}.png"))
    p.goto("/verify/AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")
    expect(p.get_by_text("No certificate has this number", exact=False)).to_be_visible()
    p.screenshot(path=str(out / "verify-unknown.png"), full_page=True)
