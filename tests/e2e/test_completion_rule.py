"""Issue 18's browser check: the demo course's videos complete by watching, not by clicking.

The flagship free course's first video (a real 12 s clip made by the seed) is played to the end and
completes by itself; no "Mark complete" is offered on video lessons; seeking another video to its end
does not complete it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

COURSE = "python-from-zero"


def _ready_video(page: Page) -> None:
    page.wait_for_function("() => { const v = document.querySelector('video'); return v && v.readyState >= 1; }",
                           timeout=30_000)


def test_demo_video_completes_by_watching_and_not_by_clicking_or_seeking(ui, page: Page, new_learner):
    ui.goto(page, f"/courses/{COURSE}")
    page.get_by_role("button", name="Enroll for free").first.click()
    # Enrolling opens the first lesson.
    # Seeking to the end of a video does not complete it (the server credits watched time only).
    page.wait_for_url(re.compile(rf"/learn/{COURSE}/\d+"), timeout=30_000)
    ui.ready(page)
    page.locator("#course-sidebar").get_by_role("link", name="Control flow").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Control flow")
    expect(page.locator("#completion-note")).to_contain_text("watched 90 %")
    expect(page.get_by_role("button", name="Mark complete")).to_have_count(0)
    _ready_video(page)
    page.evaluate("() => { const v = document.querySelector('video'); v.currentTime = v.duration - 0.2; }")
    page.wait_for_timeout(2500)
    expect(page.get_by_text("Completed", exact=True)).to_have_count(0)
    expect(page.locator("#course-progress")).to_have_text("0%")

    # Watching the first video from start to end completes it.
    page.locator("#course-sidebar").get_by_role("link", name="Why Python?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Why Python?")
    _ready_video(page)
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.currentTime = 0;"
                  " return v.play(); }")
    expect(page.get_by_text("Completed", exact=True)).to_be_visible(timeout=30_000)
    expect(page.locator("#course-progress")).not_to_have_text("0%")
