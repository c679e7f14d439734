"""Tabs that left are dropped from the in-memory state manager; a returning tab loads its page again.

Drives Reflex's real ``StateManagerMemory`` (the manager the app uses without Redis) with the
app's state tree, and ``lms_app.core.tab_expiry.TabExpiry`` with an explicit clock.
"""

from __future__ import annotations

import asyncio

from reflex.istate.manager.memory import StateManagerMemory
from reflex.istate.manager.token import BaseStateToken

from lms_app.core import tab_expiry
from lms_app.core.settings import load_settings
from lms_app.learning.pages.learn_state import LearnState
from tests.unit.learning.learning_support import setup

IDLE = 600.0


def _token(states, ident: str) -> BaseStateToken:
    return BaseStateToken(ident=ident, cls=states.State)


def _manager_with(states, idents) -> StateManagerMemory:
    manager = StateManagerMemory()

    async def fill():
        for ident in idents:
            await manager.get_state(_token(states, ident))
        # Reflex's own expiry task (1 h after the last event) was started: stop it, the test owns the clock.
        await manager.close()

    asyncio.run(fill())
    return manager


def test_only_tabs_disconnected_longer_than_the_idle_time_are_dropped(states):
    manager = _manager_with(states, ["open-tab", "left-tab", "left-later"])
    expiry = tab_expiry.TabExpiry(IDLE)
    t0 = 1_000_000.0
    assert expiry.sweep(manager, ["open-tab", "left-later"], now=t0) == 0  # left-tab: clock starts
    assert expiry.sweep(manager, ["open-tab"], now=t0 + 300) == 0  # left-later: clock starts
    assert expiry.sweep(manager, ["open-tab"], now=t0 + IDLE - 1) == 0
    assert expiry.sweep(manager, ["open-tab"], now=t0 + IDLE) == 1
    assert set(manager.states) == {"open-tab", "left-later"}
    assert "left-tab" not in manager._token_expires_at and "left-tab" not in manager._states_locks
    assert expiry.sweep(manager, ["open-tab"], now=t0 + 300 + IDLE) == 1
    assert set(manager.states) == {"open-tab"}
    # A tab connected all along is never dropped, however long it stays quiet.
    assert expiry.sweep(manager, ["open-tab"], now=t0 + 100 * IDLE) == 0
    assert expiry.gone_since == {}


def test_a_tab_that_reconnects_restarts_its_clock(states):
    manager = _manager_with(states, ["flaky"])
    expiry = tab_expiry.TabExpiry(IDLE)
    t0 = 2_000_000.0
    expiry.sweep(manager, [], now=t0)
    expiry.sweep(manager, ["flaky"], now=t0 + IDLE - 10)  # back before the deadline
    assert expiry.sweep(manager, [], now=t0 + IDLE + 10) == 0  # gone again: a new clock
    assert expiry.sweep(manager, [], now=t0 + 2 * IDLE + 10) == 1


def test_a_state_busy_with_an_event_is_not_dropped(states):
    manager = _manager_with(states, ["busy"])
    expiry = tab_expiry.TabExpiry(IDLE)

    async def scenario():
        async with manager.modify_state(_token(states, "busy")):
            expiry.sweep(manager, [], now=0.0)
            assert expiry.sweep(manager, [], now=IDLE * 2) == 0  # its lock is held
        await manager.close()
        assert expiry.sweep(manager, [], now=IDLE * 2) == 1

    asyncio.run(scenario())
    assert manager.states == {}


def test_a_returning_tab_whose_state_was_dropped_loads_its_page_from_the_database(
        states, make_user, make_course, enroll, sign_in):
    course, lessons, _learner, _, session_token = setup(make_course, make_user, enroll, sign_in)
    path = f"/learn/{course.slug}/{lessons[0].id}"
    query = {"course": course.slug, "lesson": str(lessons[0].id)}

    # The tab loads the lesson and marks it complete: its LearnState holds the page.
    first = states.root(session_token, path=path, query=query)
    learn = states.sub(first, LearnState)
    states.call(learn, "load")
    assert learn.view == "ok"
    states.call(learn, "mark_complete")
    assert learn.completed is True

    manager = StateManagerMemory()
    token = _token(states, "tab-1")

    async def park():
        await manager.set_state(token, first)
        await manager.close()

    asyncio.run(park())
    expiry = tab_expiry.TabExpiry(IDLE)
    expiry.sweep(manager, [], now=0.0)
    assert expiry.sweep(manager, [], now=IDLE) == 1
    assert manager.states == {}

    # The tab comes back with the same client token: Reflex hands it a fresh state (not hydrated),
    # and the hydrate of the reconnect runs the page's on_load again, which reads the database.
    async def come_back():
        fresh = await manager.get_state(token)
        await manager.close()
        return fresh

    fresh = asyncio.run(come_back())
    assert fresh is not first and fresh.is_hydrated is False
    back = states.root(session_token, path=path, query=query)
    again = states.sub(back, LearnState)
    assert again.view != "ok"  # nothing of the dropped state is left
    states.call(again, "load")
    assert again.view == "ok" and again.completed is True


def test_the_idle_time_is_a_setting_with_a_safe_range(use_env):
    assert load_settings().tab_state_idle_minutes == 10
    use_env(LMS_TAB_STATE_IDLE_MINUTES="3")
    assert load_settings().tab_state_idle_minutes == 3
