"""Public pages readable without JavaScript (issue 18, item 7): the production server sends, for
/, /courses, /courses/<slug> and /verify/<number>, the real title, description, canonical URL,
Open Graph and Twitter card tags, JSON-LD and the main text, read here with plain HTTP the way a
crawler or a link preview does; and the page still hydrates in a browser with nothing shown twice."""

from __future__ import annotations

import gzip
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine
from sqlmodel import Session, select

from lms_app.certificates.models import Certificate
from lms_app.certificates.services.issuing import new_number
from lms_app.core.courses import Course, Enrollment, Lesson, Module
from lms_app.core.types import utcnow
from lms_app.core.users import User
from tests.public_html_support import parse

SITE = "Lumen Learning"


def fetch(url: str, gzip_ok: bool = False) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"User-Agent": "link-preview-bot/1.0",
                                                   **({"Accept-Encoding": "gzip"} if gzip_ok else {})})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - local test server
            status, raw, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, raw, body = error.code, error.headers, error.read()
    headers = {name.lower(): value for name, value in raw.items()}
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return status, headers, body.decode("utf-8")


@pytest.fixture(scope="module")
def world(lms_server):
    """A published demo course (read from the server's database), and a draft course with a
    certificate for the demo learner, written into it."""
    # With LMS_E2E_BASE_URL (an already running server), LMS_E2E_DATA_DIR names its data directory.
    data_dir = lms_server.data_dir or (Path(os.environ["LMS_E2E_DATA_DIR"]) if os.environ.get("LMS_E2E_DATA_DIR") else None)
    if data_dir is None:
        pytest.skip("needs the test server's own database")
    engine = create_engine(f"sqlite:///{data_dir / 'data' / 'lms.db'}")
    stamp = f"{time.time_ns() % 10**10:x}"
    with Session(engine, expire_on_commit=False) as s:
        course = s.exec(select(Course).where(Course.status == "published", Course.thumbnail_file.is_not(None),
                                             Course.price_minor > 0).order_by(Course.id)).first()
        modules = s.exec(select(Module).where(Module.course_id == course.id).order_by(Module.position)).all()
        lessons = s.exec(select(Lesson.title).where(Lesson.course_id == course.id)).all()
        teacher = s.exec(select(User).where(User.email == "teacher@example.com")).one()
        learner = s.exec(select(User).where(User.email == "learner@example.com")).one()
        draft = Course(slug=f"secret-draft-{stamp}", title="Secret draft <b>plan</b>", subtitle="Not yet public",
                       teacher_id=teacher.id, status="draft", search_text="secret draft")
        s.add(draft)
        s.flush()
        enrollment = Enrollment(user_id=learner.id, course_id=draft.id)
        s.add(enrollment)
        s.flush()
        number = new_number()
        s.add(Certificate(number=number, user_id=learner.id, course_id=draft.id, enrollment_id=enrollment.id,
                          learner_name="Ada “Test” Learner", course_title="Certified <Course> & Co",
                          teacher_name=teacher.name, completed_at=utcnow()))
        s.commit()
    engine.dispose()
    return {"course": course, "modules": [m.title for m in modules], "lessons": list(lessons), "draft": draft,
            "number": number, "learner_email": learner.email}


def test_pages_carry_their_head_and_text_for_plain_http(lms_server, world):
    base = lms_server.base_url
    course = world["course"]
    url = f"{base}/courses/{course.slug}"

    status, headers, body = fetch(url, gzip_ok=True)
    assert status == 200 and headers.get("content-encoding") == "gzip"
    page = parse(body)
    assert page.titles == [f"{course.title} · {SITE}"]
    assert page.one("description") and page.one("description") in (course.subtitle, course.description)
    assert page.canonical() == [url] and page.one("og:url") == url
    assert page.one("og:title") == f"{course.title} · {SITE}" and page.one("og:description") == page.one("description")
    assert page.one("og:image") == f"{base}/media/thumbnails/{course.thumbnail_file}"
    assert page.one("twitter:card") == "summary_large_image" and page.one("twitter:image") == page.one("og:image")
    with urllib.request.urlopen(page.one("og:image"), timeout=20) as image:  # noqa: S310 - the preview image loads
        assert image.status == 200 and image.headers["Content-Type"].startswith("image/")
    [ld] = page.of_type("Course")
    assert ld["name"] == course.title and ld["url"] == url and ld["provider"]["name"] == SITE
    assert ld["offers"][0]["priceCurrency"] == course.currency and float(ld["offers"][0]["price"]) * 100 == pytest.approx(
        course.price_minor) and ld["isAccessibleForFree"] is False
    for text in (course.title, course.subtitle, *world["modules"], *world["lessons"]):
        assert text in page.text, text
    assert course.description.split("\n")[0][:60] in " ".join(page.text.split())
    assert page.scripts_in_body >= 2  # the app's scripts are still there: it hydrates as before

    # The home page and the catalog list published courses with links; a draft appears nowhere.
    for path, title, canonical in (("/", f"{SITE} · learn, teach, get certified", base + "/"),
                                   ("/courses", f"Courses · {SITE}", base + "/courses")):
        status, _, body = fetch(base + path)
        listing = parse(body)
        assert status == 200 and listing.titles == [title] and listing.canonical() == [canonical]
        assert listing.one("og:title") == title and listing.one("twitter:card") == "summary"
        assert len([href for href, _ in listing.anchors if href.startswith("/courses/")]) >= 4
        assert listing.of_type("ItemList")[0]["itemListElement"]
        assert "Secret draft" not in body and world["draft"].slug not in body

    # A draft: 404, noindex, nothing of it.
    status, _, body = fetch(f"{base}/courses/{world['draft'].slug}")
    hidden = parse(body)
    assert status == 404 and hidden.titles == [f"Course not found · {SITE}"] and hidden.meta("robots") == ["noindex"]
    assert "Secret draft" not in body and "Not yet public" not in body


def test_verify_page_carries_the_public_facts_for_plain_http(lms_server, world):
    base, number = lms_server.base_url, world["number"]
    status, _, body = fetch(f"{base}/verify/{number}")
    page = parse(body)
    assert status == 200
    assert page.titles == [f"Certificate: Certified <Course> & Co — Ada “Test” Learner · {SITE}"]
    assert page.meta("robots") == ["noindex"] and page.canonical() == [f"{base}/verify/{number}"]
    assert "valid" in page.one("og:description") and page.one("twitter:card") == "summary"
    for text in ("This certificate is valid.", "Ada “Test” Learner", "Certified <Course> & Co", number):
        assert text in page.text, text
    assert world["learner_email"] not in body and "<Course>" not in body  # escaped, no e-mail
    status, _, body = fetch(f"{base}/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    assert status == 404 and parse(body).titles == [f"Certificate not found · {SITE}"]


def _console(page: Page) -> list[str]:
    lines: list[str] = []
    page.on("console", lambda m: lines.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: lines.append(f"pageerror: {e}"))
    return lines


def test_the_page_still_hydrates_and_shows_its_text_once(ui, new_context, world):
    course = world["course"]
    for options in ({"color_scheme": "light"}, {"color_scheme": "dark", "viewport": {"width": 390, "height": 844},
                                                 "is_mobile": True, "has_touch": True}):
        page = new_context(**options).new_page()
        errors = _console(page)
        ui.goto(page, f"/courses/{course.slug}")
        expect(page.get_by_role("heading", level=1)).to_have_text(course.title)
        expect(page.get_by_text(course.subtitle, exact=True)).to_have_count(1)
        expect(page.get_by_text(world["modules"][0], exact=True)).to_have_count(1)
        expect(page).to_have_title(f"{course.title} · {SITE}")
        assert page.locator("#lms-static-content").count() == 0  # the noscript block is never in the DOM
        # It works: a catalog link is followed client-side and the new page's title wins.
        page.get_by_role("link", name="Courses", exact=True).first.click()
        ui.path_is(page, "/courses")
        expect(page).to_have_title(f"Courses · {SITE}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Explore courses")
        for path in ("/", "/courses"):
            ui.goto(page, path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert errors == [], errors


def test_a_reader_without_javascript_sees_the_text(new_context, world):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"/courses/{world['course'].slug}")
    expect(page.get_by_role("heading", level=1, name=world["course"].title)).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Curriculum")).to_be_visible()
    expect(page.locator("#lms-static-content li", has_text=world["modules"][0]).first).to_be_visible()
