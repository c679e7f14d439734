"""The learner dashboard promises nothing that does not exist: live sessions have landed, so the
dashboard shows the live card (upcoming bookings) and no "will be listed here" placeholder."""

from __future__ import annotations


def test_dashboard_shows_real_upcoming_live_sessions_and_no_placeholder():
    from lms_app.core import plugins
    from lms_app.learning.pages import dashboard

    plugins.manager()
    rendered = str(dashboard._content().render())
    assert "Upcoming live sessions" in rendered and "bookings" in rendered
    assert "will be listed here" not in rendered
