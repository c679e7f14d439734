"""Learning in a browser: a new learner enrols in a free course, reads a text lesson and marks it
complete, plays part of a video, signs out; signs in again later, presses Continue on the
dashboard and lands on the video at the saved position, with the right progress shown; leaves a
review and sees the course's average change."""

from __future__ import annotations

import io
import re
import sqlite3
import threading
import time
import wave
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

COURSE = "python-from-zero"  # free demo course: 7 lessons; lesson 2 is text, lesson 3 a video
VIDEO_TITLE = "Your first script"


def _clip(seconds: int = 60, rate: int = 8000) -> bytes:
    """A silent WAV (Chromium's <video> plays audio-only media and can seek in it)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(rate)
        w.writeframes(b"\x80" * (seconds * rate))
    return out.getvalue()


class _Media(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):  # noqa: N802 - http.server API
        data, start, end = self.body, 0, len(self.body) - 1
        m = re.match(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if m:
            start, end = int(m.group(1)), int(m.group(2) or end)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", "audio/wav")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self.wfile.write(data[start:end + 1])

    def log_message(self, *args):
        pass


@pytest.fixture
def video_lesson(lms_server):
    """Point the demo course's video lesson at a local 60 s clip (longer than the demo's generated one)."""
    if lms_server.data_dir is None:
        pytest.skip("needs the test server's own database")
    _Media.body = _clip()
    http = ThreadingHTTPServer(("127.0.0.1", 0), _Media)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{http.server_address[1]}/clip.ogg"
    db = sqlite3.connect(lms_server.data_dir / "data" / "lms.db", timeout=10)
    with db:
        db.execute("UPDATE lessons SET video_url = ?, file_key = NULL, duration_seconds = 60 WHERE title = ? AND course_id = "
                   "(SELECT id FROM courses WHERE slug = ?)", (url, VIDEO_TITLE, COURSE))
        lesson_id = db.execute("SELECT id FROM lessons WHERE title = ?", (VIDEO_TITLE,)).fetchone()[0]
    yield lesson_id, db
    db.close()
    http.shutdown()


def _saved_position(db, lesson_id: int, email: str) -> int:
    """This learner's saved position (other tests' learners watch the same demo video)."""
    row = db.execute("SELECT p.video_position_seconds FROM lesson_progress p JOIN users u ON u.id = p.user_id "
                     "WHERE p.lesson_id = ? AND u.email = ?", (lesson_id, email)).fetchone()
    return row[0] if row else 0


def _video_time(page: Page) -> float:
    return page.evaluate("() => document.querySelector('video')?.currentTime ?? -1")


def test_enrol_read_complete_watch_and_continue_later(ui, page: Page, new_learner, video_lesson):
    lesson_id, db = video_lesson
    _, email, password = new_learner
    expect(page.get_by_text("You have not joined a course yet")).to_be_visible()

    ui.goto(page, f"/courses/{COURSE}")
    page.get_by_role("button", name="Enroll for free").first.click()
    page.wait_for_url(re.compile(rf"/learn/{COURSE}/\d+"), timeout=30_000)
    ui.ready(page)
    expect(page.locator("#course-progress")).to_have_text("0%")

    # A text lesson: read it, mark it complete; the progress updates at once.
    page.locator("#course-sidebar").get_by_role("link", name="Installing Python").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Installing Python")
    page.get_by_role("button", name="Mark complete").click()
    expect(page.get_by_text("Completed", exact=True)).to_be_visible()
    expect(page.locator("#course-progress")).to_have_text("14%")
    expect(page.get_by_text("1 of 7 lessons complete")).to_be_visible()

    # Next: the video. Play a little, then jump ahead and pause: the position is saved.
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(VIDEO_TITLE)
    page.wait_for_function("() => { const v = document.querySelector('video'); return v && v.readyState >= 1; }",
                           timeout=30_000)
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.5", timeout=15_000)
    page.evaluate("() => { const v = document.querySelector('video'); v.currentTime = 25; v.pause(); }")
    deadline = time.monotonic() + 15
    while _saved_position(db, lesson_id, email) < 24 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert 24 <= _saved_position(db, lesson_id, email) <= 27

    # Leave, come back later: Continue on the dashboard opens the video at the saved position.
    ui.sign_out(page)
    ui.login(page, email, password, lands_on="/dashboard")
    expect(page.get_by_role("heading", name="In progress")).to_be_visible()
    expect(page.get_by_text("14% · 1 of 7 lessons")).to_be_visible()
    page.get_by_role("link", name="Continue Python from Zero").click()
    ui.path_is(page, f"/learn/{COURSE}/{lesson_id}")
    ui.ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(VIDEO_TITLE)
    page.wait_for_function("() => (document.querySelector('video')?.currentTime ?? 0) >= 24", timeout=30_000)
    assert _video_time(page) < 40
    expect(page.locator("#course-progress")).to_have_text("14%")
    sidebar = page.locator("#course-sidebar")
    expect(sidebar.get_by_role("link", name="Installing Python").get_by_label("Completed")).to_be_visible()
    expect(sidebar.locator("[aria-current=page]")).to_have_text(VIDEO_TITLE)

    # A review: 4 stars; the course's average and count change on the page at once.
    ui.goto(page, f"/courses/{COURSE}")
    hero = page.get_by_role("heading", level=1).locator("xpath=..")
    before = hero.inner_text()
    expect(page.get_by_role("heading", name="Reviews")).to_be_visible()
    page.get_by_role("group", name="Your rating").get_by_role("button", name="4 stars").click()
    page.get_by_label("Comment").fill("Clear lessons, good pace.")
    page.get_by_role("button", name="Post review").click()
    expect(page.locator("#reviews p").filter(has_text="Clear lessons, good pace.")).to_be_visible()
    expect(hero.get_by_text("(1 rating)")).to_be_visible()
    expect(hero.get_by_text("4.0", exact=True)).to_be_visible()
    assert hero.inner_text() != before
    expect(page.get_by_role("button", name="Update review")).to_be_visible()
