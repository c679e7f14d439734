"""An inactive learner gets exactly one reminder (issue 13): a learner enrols, the reminder job
runs twice with the clock moved eight days on (against the e2e server's own database, as the
worker would), and the learner finds one reminder in the bell and one mail in the outbox."""

from __future__ import annotations

import re
import subprocess
import sys

from playwright.sync_api import Page, expect

from tests.e2e.conftest import DEMO, ROOT, _server_env

COURSE, TITLE = "python-from-zero", "Python from Zero"  # a free demo course

MOVED_CLOCK_ROUND = """
from datetime import timedelta
from lms_app.core import plugins
from lms_app.core.db import session_scope
from lms_app.core.types import utcnow
from lms_app.notifications.reminders import remind_inactive
plugins.manager()
with session_scope() as session:
    print(remind_inactive(session, now=utcnow() + timedelta(days=8)))
"""


def _round(lms_server) -> int:
    done = subprocess.run([sys.executable, "-c", MOVED_CLOCK_ROUND], cwd=ROOT, env=_server_env(lms_server.data_dir),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


def test_an_inactive_learner_gets_exactly_one_reminder(ui, page: Page, new_context, new_learner, lms_server):
    if lms_server.data_dir is None:
        import pytest

        pytest.skip("needs the e2e server's own database (not LMS_E2E_BASE_URL)")
    ui.goto(page, f"/courses/{COURSE}")
    page.get_by_role("button", name="Enroll for free").first.click()
    page.wait_for_url(re.compile(r"/learn/[^/]+/\d+"), timeout=30_000)  # enrolling opens the first lesson

    assert _round(lms_server) >= 1  # this learner (and idle demo learners)
    assert _round(lms_server) == 0  # the same pause never twice

    ui.goto(page, "/notifications")
    expect(page.locator(".lms-notification").filter(has_text=f"Continue {TITLE}")).to_have_count(1)
    admin = new_context().new_page()
    ui.login(admin, *DEMO["admin"], lands_on="/admin")
    ui.goto(admin, "/admin/mail")
    rows = admin.get_by_role("row").filter(has_text=new_learner[1]).filter(has_text=f"Pick up {TITLE}")
    expect(rows).to_have_count(1)
