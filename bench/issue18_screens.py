"""Screenshots of the pages issue 18 changed (light/dark, 1280 and 390 px) against a running server.

    LMS_E2E_BASE_URL=http://127.0.0.1:PORT python bench/issue18_screens.py OUTDIR
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = os.environ["LMS_E2E_BASE_URL"].rstrip("/")
OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "test-artifacts/issue18")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def login(page, email, password):
    page.goto(BASE + "/login")
    page.wait_for_selector("input[name=email]")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name=re.compile("Sign in|Log in", re.I)).last.click()
    page.wait_for_timeout(2500)


def shoot(browser, name, path, who=None, theme="light", width=1280, before=None):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=theme)
    page = ctx.new_page()
    if who:
        login(page, *who)
    page.goto(BASE + path)
    page.wait_for_timeout(3500)
    if before:
        before(page)
        page.wait_for_timeout(1500)
    page.screenshot(path=str(OUT / f"{name}-{theme}-{width}.png"), full_page=True)
    ctx.close()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    learner = ("learner@example.com", "learner12345")
    teacher = ("teacher@example.com", "teacher12345")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for theme in ("light", "dark"):
            for width in (1280, 390):
                shoot(browser, "catalog", "/courses", theme=theme, width=width)
                shoot(browser, "course", "/courses/python-from-zero", theme=theme, width=width)
                shoot(browser, "learn-video", "/learn/python-from-zero/1", who=learner, theme=theme, width=width)
                shoot(browser, "learn-reading", "/learn/python-from-zero/2", who=learner, theme=theme, width=width)
                shoot(browser, "editor", "/teach/courses/1", who=teacher, theme=theme, width=width)
        browser.close()


if __name__ == "__main__":
    main()
