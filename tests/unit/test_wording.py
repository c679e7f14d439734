"""Numbers with words: "1 point" (never "1 pts"), durations from real content (a 12-second clip
is not "0 min"), statuses in sentence case (never a lowercase code)."""

from __future__ import annotations

from sqlalchemy import insert

import lms_app.core.db
from lms_app.core.course_fields import recount_duration
from lms_app.core.courses import Lesson, Module
from lms_app.core.wording import duration_label, plural, status_label


def test_plural():
    assert [plural(n, "point") for n in (0, 1, 2)] == ["0 points", "1 point", "2 points"]
    assert plural(1, "lesson") == "1 lesson" and plural(1200, "learner") == "1,200 learners"
    assert plural(3, "quiz") == "3 quizzes"


def test_durations_show_seconds_under_a_minute_and_nothing_when_unknown():
    assert duration_label(12) == "12 sec"
    assert duration_label(0) == "" and duration_label(None) == ""
    assert [duration_label(s) for s in (59, 60, 89, 90, 300)] == ["59 sec", "1 min", "1 min", "2 min", "5 min"]
    assert duration_label(3600) == "1 h" and duration_label(3900) == "1 h 05 min"


def test_statuses_in_sentence_case():
    assert [status_label(s) for s in ("pending", "pending_review", "PAST_DUE", "", None)] == [
        "Pending", "Pending review", "Past due", "", ""]


def test_a_course_of_short_clips_shows_its_real_length_on_the_course_page(db, make_course):
    from lms_app.catalog.services import course_page

    course = make_course()
    with lms_app.core.db.session_scope() as s:
        module = Module(course_id=course.id, title="Basics", position=0)
        s.add(module)
        s.flush()
        s.execute(insert(Lesson), [dict(module_id=module.id, course_id=course.id, title=f"Clip {i}",
                                        lesson_type="video", position=i, duration_seconds=12) for i in range(3)])
        recount_duration(s, course.id)
    detail, modules, _, _ = course_page.course_page(db, course.slug, None)
    assert [lesson["duration_label"] for lesson in modules[0]["lessons"]] == ["12 sec"] * 3
    assert modules[0]["duration_label"] == "36 sec" and detail["duration_label"] == "36 sec"


def test_status_codes_reach_the_page_in_sentence_case():
    """Badges and table cells that show a status code wrap it (no 'past_due' or 'failed' on screen)."""
    import reflex as rx

    from lms_app.mail import pages as mail_pages
    from lms_app.ui.status import course_status_text
    from lms_app.ui.wording import status_text
    from lms_app.webhooks import pages as webhook_pages

    class _S(rx.State):
        code: str = "past_due"

    js = str(status_text(_S.code))
    assert "toUpperCase" in js and 'replaceAll("_", " ")' in js
    for component in (mail_pages._status(_S.code), webhook_pages._status(_S.code)):
        assert "toUpperCase" in str(component.render())
    assert "In review" in str(course_status_text(_S.code))
