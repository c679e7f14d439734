"""The installed plugin: found through its entry point, its hooks' contributions, its migration branch."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

import lms_app.core.db
from lms_app.core import plugins
from lms_app.core.schema_extras import include_object
from lms_lesson_feedback.models import LessonFeedback

HOOKS = ["lms_lesson_widgets", "lms_migrations", "lms_nav_items", "lms_pages", "lms_personal_data"]


def test_the_installed_plugin_is_registered_with_its_hooks():
    rows = {row["name"]: row for row in plugins.installed()}
    assert "lesson_feedback" in rows, "pip install -e examples/plugins/lms-lesson-feedback first"
    row = rows["lesson_feedback"]
    assert row["source"] == "lms-lesson-feedback 0.1.0" and row["module"] == "lms_lesson_feedback.plugin"
    assert row["hooks"] == HOOKS


def test_its_page_menu_entry_widget_and_migrations_are_collected():
    from lms_lesson_feedback.report import FeedbackReportState

    pages = {page.route: page for page in plugins.collected("lms_pages")}
    page = pages["/teach/feedback"]
    assert page.title == "Lesson feedback"
    assert [e.fn.__name__ for e in page.on_load] == ["refresh", "load"]  # AuthState.refresh first
    assert page.on_load[1].fn is FeedbackReportState.event_handlers["load"].fn
    entries = [(i.menu, i.label, i.href) for i in plugins.collected("lms_nav_items")]
    assert ("teacher", "Lesson feedback", "/teach/feedback") in entries
    assert "lesson_feedback" in [w.name for w in plugins.collected("lms_lesson_widgets")]
    specs = [s for s in plugins.collected("lms_migrations") if s.branch == "lesson_feedback"]
    assert len(specs) == 1 and Path(specs[0].path).is_dir()


def test_the_course_player_and_the_teacher_page_render_it():
    from lms_app.authoring.pages import teach
    from lms_app.learning.pages import learn
    from lms_lesson_feedback import report

    player = str(learn.page())
    assert "Was this lesson clear?" in player and "lesson-feedback" in player
    assert "Lesson feedback" in str(teach.page())  # the teacher menu's entry
    assert "No answers yet" in str(report.page())


def test_the_migration_branch_builds_exactly_the_models_table(make_alembic_cfg):
    cfg = make_alembic_cfg()
    script = ScriptDirectory.from_config(cfg)
    first = script.get_revision("lesson_feedback")
    assert first.branch_labels == {"lesson_feedback"} and first.down_revision is None
    # It depends on the built-in revision that creates users and lessons (its foreign keys' tables).
    assert first.dependencies == "0001" and {"users", "lessons"} <= _tables_created_by(script.get_revision("0001"))
    with lms_app.core.db.get_engine().connect() as conn:
        # The database is at the plugin's head and at the built-in head (both recorded).
        assert set(MigrationContext.configure(conn).get_current_heads()) == set(script.get_heads())
        assert "lesson_feedback_0001" in script.get_heads()
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        diff = compare_metadata(context, LessonFeedback.metadata)
    ours = [d for d in diff if "lesson_feedback" in repr(d)]
    assert ours == [], ours
    insp = inspect(lms_app.core.db.get_engine())
    assert {u["name"] for u in insp.get_unique_constraints("lesson_feedback")} == {"uq_lesson_feedback_user_lesson"}
    fks = {(fk["referred_table"], fk["options"].get("ondelete")) for fk in insp.get_foreign_keys("lesson_feedback")}
    assert fks == {("lessons", "CASCADE"), ("users", "CASCADE")}


def _tables_created_by(revision) -> set[str]:
    import re

    return set(re.findall(r"op\.create_table\('(\w+)'", Path(revision.path).read_text()))


@pytest.fixture
def fresh_manager():
    def make():
        plugins.manager.cache_clear()
        plugins.refresh()
        return plugins.manager()

    yield make
    make()  # back to the environment's plugins


def test_it_can_be_switched_off(monkeypatch, fresh_manager):
    monkeypatch.setenv("LMS_DISABLED_PLUGINS", "lesson_feedback")
    fresh_manager()
    assert {row["name"]: row["source"] for row in plugins.installed()}["lesson_feedback"] == "disabled"
    assert "/teach/feedback" not in {page.route for page in plugins.collected("lms_pages")}
    assert "lesson_feedback" not in [w.name for w in plugins.collected("lms_lesson_widgets")]
    assert "lesson_feedback" not in {spec.branch for spec in plugins.collected("lms_migrations")}
    monkeypatch.delenv("LMS_DISABLED_PLUGINS")
    fresh_manager()
    assert "/teach/feedback" in {page.route for page in plugins.collected("lms_pages")}
