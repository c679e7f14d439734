"""The video position survives leaving the page: a link inside the app (no reload), closing the
tab, and YouTube/Vimeo embeds (whose time arrives by postMessage) — not only pause and seek."""

from __future__ import annotations

import json
import re
import time

from playwright.sync_api import Page, expect

from tests.e2e.test_learning_journey import COURSE, VIDEO_TITLE, video_lesson  # noqa: F401  (fixture)


def _position(db, email: str, lesson_id: int) -> int:
    row = db.execute("SELECT p.video_position_seconds FROM lesson_progress p JOIN users u ON u.id = p.user_id "
                     "WHERE u.email = ? AND p.lesson_id = ?", (email, lesson_id)).fetchone()
    return row[0] if row else 0


def _wait_position(db, email, lesson_id, at_least: int, seconds: float = 15) -> int:
    deadline = time.monotonic() + seconds
    while (found := _position(db, email, lesson_id)) < at_least and time.monotonic() < deadline:
        time.sleep(0.3)
    return found


def _play_from(page: Page, start: int, rate: float = 4) -> None:
    page.wait_for_function("() => { const v = document.querySelector('video'); return v && v.readyState >= 1; }",
                           timeout=30_000)
    page.evaluate(f"() => {{ const v = document.querySelector('video'); v.muted = true; v.playbackRate = {rate};"
                  f" v.currentTime = {start}; return v.play(); }}")


def test_leaving_by_link_or_closing_the_tab_keeps_the_position(ui, page: Page, new_learner, video_lesson,  # noqa: F811
                                                                 new_context):
    lesson_id, db = video_lesson
    _, email, password = new_learner
    ui.goto(page, f"/courses/{COURSE}")
    page.get_by_role("button", name="Enroll for free").first.click()
    page.wait_for_url(re.compile(r"/learn/[^/]+/\d+"), timeout=30_000)  # enrolling opens the first lesson
    ui.goto(page, f"/learn/{COURSE}/{lesson_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(VIDEO_TITLE)

    # Seek to 10 s (saved at once), then play at 4x: periodic saves run at most every 5 s, so by
    # the time the learner clicks another lesson ~2 s later only the leave hook can have saved ~18 s.
    _play_from(page, 10)
    page.wait_for_function("() => document.querySelector('video').currentTime >= 17", timeout=15_000)
    page.locator("#course-sidebar").get_by_role("link", name="Installing Python").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Installing Python")
    assert _wait_position(db, email, lesson_id, 16) >= 16

    # Closing the tab mid-play: the beacon on pagehide saves where the learner was.
    ui.goto(page, f"/learn/{COURSE}/{lesson_id}")
    _play_from(page, 30)
    page.wait_for_function("() => document.querySelector('video').currentTime >= 38", timeout=15_000)
    page.close()
    assert _wait_position(db, email, lesson_id, 36) >= 36

    # A YouTube embed: its time arrives by postMessage; the page saves it every 5 s and on leave.
    old_url = db.execute("SELECT video_url FROM lessons WHERE id = ?", (lesson_id,)).fetchone()[0]
    with db:
        db.execute("UPDATE lessons SET video_url = 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' WHERE id = ?",
                   (lesson_id,))
    try:
        context = new_context()
        tab = context.new_page()
        ui.login(tab, email, password)
        ui.goto(tab, f"/learn/{COURSE}/{lesson_id}")
        frame = tab.locator(f"[data-lesson-id='{lesson_id}'] iframe")
        expect(frame).to_have_attribute("src", re.compile(r"enablejsapi=1&start=3\d"))
        message = json.dumps({"event": "infoDelivery", "info": {"currentTime": 47.5, "duration": 100}})
        tab.evaluate("""([message]) => { const f = document.querySelector('[data-lesson-id] iframe');
            window.dispatchEvent(new MessageEvent('message', {data: message, origin: 'https://www.youtube-nocookie.com',
                                                               source: f.contentWindow})); }""", [message])
        assert _wait_position(db, email, lesson_id, 47) == 47
        # A message from any other origin is ignored.
        forged = json.dumps({"event": "infoDelivery", "info": {"currentTime": 90, "duration": 100}})
        tab.evaluate("""([message]) => { const f = document.querySelector('[data-lesson-id] iframe');
            window.dispatchEvent(new MessageEvent('message', {data: message, origin: 'https://evil.example',
                                                               source: f.contentWindow})); }""", [forged])
        tab.wait_for_timeout(6000)
        assert _position(db, email, lesson_id) == 47
    finally:
        with db:
            db.execute("UPDATE lessons SET video_url = ? WHERE id = ?", (old_url, lesson_id))
