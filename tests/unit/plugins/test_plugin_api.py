"""The plugin API as a plugin author meets it: hooks registered by a plugin object change what
the app offers (lesson types, menus, gateways, pages, settings, jobs), domain events reach
plugins only after commit, and installed plugins are found through entry points."""

from __future__ import annotations

import logging
import sys
import textwrap
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from lms_app.core import plugins, sessions
from lms_app.core.courses import Enrollment
from lms_app.core.db import session_scope
from lms_app.core.events import DOMAIN_EVENTS
from lms_app.core.plugin_api import GatewaySpec, NavItem, Page, PluginSetting, ProfileSection, hookimpl
from lms_app.core.settings import SettingsError, load_settings
from lms_app.core.types import utcnow
from lms_app.core.users import LoginTicket, UserSession
from lms_app.learning.services import enrollment


class Recorder:
    """A plugin that keeps every domain event it receives."""

    def __init__(self):
        self.events = []

    @hookimpl
    def lms_event(self, event):
        self.events.append(event)


@pytest.fixture
def recorder(add_plugin):
    return add_plugin(Recorder(), "recorder")


def test_events_reach_plugins_only_after_commit(recorder, make_user, make_course):
    learner, course = make_user(), make_course()
    with session_scope() as session:
        enrollment.add(session, learner.id, course.id)
        assert recorder.events == []  # not before the commit
    assert [(e.name, e.data["user_id"], e.data["course_id"]) for e in recorder.events] == \
        [("enrolled", learner.id, course.id)]


def test_a_rolled_back_transaction_emits_nothing(recorder, make_user, make_course):
    learner, course = make_user(), make_course()
    with pytest.raises(RuntimeError), session_scope() as session:
        enrollment.add(session, learner.id, course.id)
        raise RuntimeError("payment declined")
    assert recorder.events == []


def test_a_rolled_back_savepoint_drops_only_its_own_events(recorder, make_user, make_course):
    learner, course, other = make_user(), make_course(), make_course()
    with session_scope() as session:
        enrollment.add(session, learner.id, course.id)
        with pytest.raises(IntegrityError), session.begin_nested():
            enrollment.add(session, learner.id, other.id)
            enrollment.add(session, learner.id, other.id)  # duplicate: the savepoint rolls back
    assert [(e.name, e.data["course_id"]) for e in recorder.events] == [("enrolled", course.id)]


def test_a_released_savepoint_delivers_nothing_before_the_outer_commit(recorder, make_user, make_course):
    """SQLAlchemy reports a savepoint's release as a commit; delivering then would run subscribers
    while the outer transaction still holds its locks (on SQLite they waited out the busy timeout:
    found when issuing a certificate inside a savepoint during a peer review)."""
    learner, course, other = make_user(), make_course(), make_course()
    with session_scope() as session:
        enrollment.add(session, learner.id, course.id)
        with session.begin_nested():
            enrollment.add(session, learner.id, other.id)
        assert recorder.events == []  # the savepoint is released, the transaction is not committed
    assert sorted(e.data["course_id"] for e in recorder.events) == sorted([course.id, other.id])


def test_a_failing_plugin_is_logged_and_does_not_undo_the_action(add_plugin, recorder, make_user, make_course,
                                                                 caplog):
    class Broken:
        @hookimpl
        def lms_event(self, event):
            raise ValueError("plugin bug")

    add_plugin(Broken(), "broken")
    learner, course = make_user(), make_course()
    with caplog.at_level(logging.ERROR), session_scope() as session:
        enrollment.add(session, learner.id, course.id)
    assert "plugin broken failed on event enrolled" in caplog.text
    assert [e.name for e in recorder.events] == ["enrolled"]  # the others still got it
    with session_scope() as session:
        assert session.exec(select(Enrollment).where(Enrollment.user_id == learner.id,
                                                     Enrollment.course_id == course.id)).first() is not None


def test_domain_events_have_names_for_the_issues_events():
    for name in ("enrolled", "lesson_completed", "course_completed", "certificate_issued", "order_paid",
                 "order_refunded", "review_posted"):
        assert name in DOMAIN_EVENTS


def test_menu_entries_come_from_plugins_in_order(add_plugin):
    from lms_app.ui.navbar import nav_items

    class Menus:
        @hookimpl
        def lms_nav_items(self):
            return [NavItem("teacher", "Office hours", "/teach/office-hours", "calendar", order=15)]

    before = [i.label for i in nav_items("teacher")]
    add_plugin(Menus(), "menus")
    after = [i.label for i in nav_items("teacher")]
    assert "Office hours" not in before
    assert after.index("Office hours") == after.index("Grading") + 1  # order 15 sits between 10 and 20
    with pytest.raises(ValueError):
        NavItem("sidebar", "x", "/x", "x")


def test_profile_cards_come_from_plugins_in_order(add_plugin):
    import reflex as rx

    from lms_app.accounts.pages import profile
    from lms_app.ui.layout import profile_card

    class Cards:
        @hookimpl
        def lms_profile_sections(self):
            return [ProfileSection("late", lambda: profile_card("Zebra card", "last", rx.text("z")), order=200),
                    ProfileSection("early", lambda: profile_card("Aardvark card", "first", rx.text("a")), order=1)]

    assert "Aardvark card" not in str(profile.page())
    add_plugin(Cards(), "cards")
    rendered = str(profile.page())
    # After the built-in cards, in the plugins' order (not the order they were returned in).
    assert rendered.index("Change password") < rendered.index("Aardvark card") < rendered.index("Zebra card")


def test_a_gateway_plugin_is_chosen_by_setting_and_checked(add_plugin, monkeypatch):
    from lms_app.commerce.gateways import get_gateway
    from lms_app.commerce.gateways.test_gateway import TestGateway

    class Cash(TestGateway):
        name = "cash"

    class CashPlugin:
        @hookimpl
        def lms_payment_gateways(self):
            return [GatewaySpec("cash", lambda settings: Cash())]

    monkeypatch.setenv("LMS_PAYMENT_GATEWAY", "cash")
    settings = load_settings()
    assert any("LMS_PAYMENT_GATEWAY must be one of" in p for p in plugins.config_problems(settings))
    with pytest.raises(SettingsError):
        get_gateway(settings)
    add_plugin(CashPlugin(), "cash")
    assert plugins.config_problems(settings) == []
    assert get_gateway(settings).name == "cash"


def test_plugin_settings_are_parsed_and_reported(add_plugin, monkeypatch):
    class Configured:
        @hookimpl
        def lms_settings(self):
            return [PluginSetting("LMS_EXAMPLE_LIMIT", 5, int, help="a whole number of items")]

    add_plugin(Configured(), "configured")
    assert plugins.setting("LMS_EXAMPLE_LIMIT") == 5
    monkeypatch.setenv("LMS_EXAMPLE_LIMIT", "12")
    plugins.refresh()
    assert plugins.setting("LMS_EXAMPLE_LIMIT") == 12
    monkeypatch.setenv("LMS_EXAMPLE_LIMIT", "many")
    plugins.refresh()
    problems = plugins.config_problems(load_settings())
    assert len(problems) == 1 and "LMS_EXAMPLE_LIMIT" in problems[0] and "whole number" in problems[0]


def test_two_pages_on_one_route_stop_the_start(add_plugin):
    from lms_app.app import add_pages

    class Clash:
        @hookimpl
        def lms_pages(self):
            return [Page("/courses", lambda: None, "Another catalog")]

    class FakeApp:
        def add_page(self, *args, **kwargs):
            pass

    add_pages(FakeApp())  # the built-in pages alone are fine
    add_plugin(Clash(), "clash")
    with pytest.raises(SystemExit, match="Two pages on /courses"):
        add_pages(FakeApp())


def test_builtin_features_cannot_be_switched_off(monkeypatch):
    monkeypatch.setenv("LMS_DISABLED_PLUGINS", "lesson_feedback, certificates")
    with pytest.raises(SettingsError, match="certificates"):
        plugins.disabled_plugins()
    monkeypatch.setenv("LMS_DISABLED_PLUGINS", "lesson_feedback, other")
    assert plugins.disabled_plugins() == ("lesson_feedback", "other")


@pytest.fixture
def installed_plugin(tmp_path, monkeypatch):
    """A package installed with an ``lms.plugins`` entry point (a dist-info folder on sys.path)."""
    (tmp_path / "hello_plugin.py").write_text(textwrap.dedent('''
        from lms_app.core.plugin_api import NavItem, hookimpl

        @hookimpl
        def lms_nav_items():
            return [NavItem("account", "Hello", "/hello", "hand")]
    '''))
    info = tmp_path / "hello_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hello-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[lms.plugins]\nhello = hello_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop("hello_plugin", None)
    plugins.manager.cache_clear()
    plugins.refresh()


def _fresh_manager():
    plugins.manager.cache_clear()
    plugins.refresh()
    return plugins.manager()


def test_installed_plugins_are_found_by_entry_point_and_can_be_switched_off(installed_plugin, monkeypatch):
    from lms_app.ui.navbar import nav_items

    _fresh_manager()
    rows = {row["name"]: row for row in plugins.installed()}
    assert rows["hello"]["source"] == "hello-plugin 1.0" and rows["hello"]["hooks"] == ["lms_nav_items"]
    assert "Hello" in [i.label for i in nav_items("account")]

    monkeypatch.setenv("LMS_DISABLED_PLUGINS", "hello")
    _fresh_manager()
    assert {row["name"]: row["source"] for row in plugins.installed()}["hello"] == "disabled"
    assert "Hello" not in [i.label for i in nav_items("account")]


def test_a_misspelt_hook_fails_at_load(tmp_path, monkeypatch):
    (tmp_path / "typo_plugin.py").write_text(
        "from lms_app.core.plugin_api import hookimpl\n\n@hookimpl\ndef lms_page():\n    return []\n")
    info = tmp_path / "typo_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: typo-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[lms.plugins]\ntypo = typo_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(Exception, match="lms_page"):
            _fresh_manager()
    finally:
        sys.modules.pop("typo_plugin", None)
        monkeypatch.undo()
        _fresh_manager()


def test_scheduled_jobs_run_through_manage(make_user, capsys):
    from lms_app import manage

    user = make_user()
    with session_scope() as session:
        old, _ = sessions.create_session(session, user.id, days=1)
        old.expires_at = utcnow() - timedelta(minutes=1)
        live, _ = sessions.create_session(session, user.id, days=1)
        sessions.create_login_ticket(session, user.id)
        session.add(LoginTicket(ticket_hash="spent", user_id=user.id, expires_at=utcnow() - timedelta(seconds=1)))
    assert manage.main(["jobs"]) == 0
    listed = capsys.readouterr().out
    assert "purge-expired-sessions" in listed and "peer-review-cutoff" in listed
    assert manage.main(["jobs", "run", "purge-expired-sessions"]) == 0
    assert capsys.readouterr().out.strip() == "purge-expired-sessions: 2"
    with session_scope() as session:
        assert session.exec(select(UserSession.id)).all() == [live.id]
        assert len(session.exec(select(LoginTicket.id)).all()) == 1
    assert manage.main(["jobs", "run", "no-such-job"]) == 2


def test_manage_plugins_lists_every_feature_with_its_hooks(capsys):
    from lms_app import manage

    assert manage.main(["plugins"]) == 0
    out = capsys.readouterr().out
    for name in plugins.BUILTIN:
        assert f"\n{name} " in "\n" + out
    assert "lms_lesson_types" in out and "lms_payment_gateways" in out
