"""Live sessions: IDOR on bookings and slots, and no meeting link or other learners' names in
any public var of a browser without the right to them."""

from __future__ import annotations

from sqlmodel import select

import lms_app.core.db
from lms_app.live import services
from lms_app.live.models import LiveBooking, LiveSlot
from lms_app.live.pages import LiveDashboardState, LiveListState, LiveOfferingState, LiveTeachState
from tests.unit.live.live_support import form

LINK = "https://meet.example/secret-room"


def _setup(make_user, sign_in):
    teacher = make_user(role="teacher", name="Tina Teacher")
    t_token, t_actor = sign_in(teacher)
    with lms_app.core.db.session_scope() as s:
        offering = services.create_offering(s, t_actor, form(price="0", capacity="5", meeting_url=LINK))
        slot = services.schedule(s, t_actor, offering.id, "2030-05-02", "18:00")[0]
    owner = make_user(name="Olga Owner-of-booking")
    o_token, o_actor = sign_in(owner)
    with lms_app.core.db.session_scope() as s:
        booking = services.book(s, None, o_actor, slot.id)
    return t_token, offering, slot, o_token, booking


def test_other_learner_cannot_cancel_join_or_download_a_booking(states, make_user, sign_in):
    _, _, _, _, booking = _setup(make_user, sign_in)
    token, _ = sign_in(make_user())
    root = states.root(token, path="/dashboard")
    card = states.sub(root, LiveDashboardState)
    for handler in ("cancel", "join", "invite"):
        events = states.call(card, handler, booking.id)
        assert states.redirects(events) == [], handler
        assert "does not exist" in str(states.toasts(events)), handler
    with lms_app.core.db.session_scope() as s:
        assert s.get(LiveBooking, booking.id).status == "confirmed"
    assert LINK not in states.serialize(states.snapshot(root))


def test_other_teacher_cannot_cancel_a_slot_or_touch_an_offering(states, make_user, sign_in):
    _, offering, slot, _, _ = _setup(make_user, sign_in)
    token, _ = sign_in(make_user(role="teacher"))
    state = states.sub(states.root(token, path="/teach/live"), LiveTeachState)
    states.call(state, "with_tz", "UTC")
    assert state.slots == [] and state.offerings == []
    for name, args in (("cancel_slot", (slot.id,)), ("toggle", (offering.id, "inactive")), ("delete", (offering.id,))):
        events = states.call(state, name, *args)
        assert "does not exist" in str(states.toasts(events)), name
    states.call(state, "schedule", {"offering_id": str(offering.id), "date": "2030-06-01", "time": "10:00"})
    assert "does not exist" in state.schedule_error
    with lms_app.core.db.session_scope() as s:
        assert s.get(LiveSlot, slot.id).status == "scheduled"
        assert len(s.exec(select(LiveSlot)).all()) == 1


def test_no_link_and_no_learner_names_reach_non_bookers(states, make_user, sign_in):
    _, offering, _, o_token, _ = _setup(make_user, sign_in)
    stranger, _ = sign_in(make_user())
    for token in (None, stranger, o_token):
        root = states.root(token, path=f"/live/{offering.id}")
        states.call(states.sub(root, LiveOfferingState), "with_tz", "UTC")
        states.call(states.sub(root, LiveListState), "with_tz", "UTC")
        snapshot = states.serialize(states.snapshot(root))
        assert LINK not in snapshot and "secret-room" not in snapshot
        assert "Olga" not in snapshot
    # Even the booker's own dashboard holds no link: it is handed out by the join event only.
    root = states.root(o_token, path="/dashboard")
    states.call(states.sub(root, LiveDashboardState), "with_tz", "UTC")
    assert LINK not in states.serialize(states.snapshot(root))


def test_handlers_validate_ids(states, make_user, sign_in):
    token, _ = sign_in(make_user())
    card = states.sub(states.root(token, path="/dashboard"), LiveDashboardState)
    for bad in (None, -1, "1; drop", 2**70, True, {"id": 1}, [1]):
        events = states.call(card, "cancel", bad)
        assert "does not exist" in str(states.toasts(events))


def test_calendar_feed_route_needs_the_secret_token(make_user, sign_in):
    from starlette.testclient import TestClient
    from starlette.applications import Starlette

    from lms_app.live.api import ROUTES

    _, _, _, o_token, booking = _setup(make_user, sign_in)
    client = TestClient(Starlette(routes=ROUTES))
    assert client.get("/api/live/calendar.ics").status_code == 404
    assert client.get("/api/live/calendar.ics?token=" + "a" * 43).status_code == 404
    with lms_app.core.db.session_scope() as s:
        owner = s.get(LiveBooking, booking.id).user_id
        from lms_app.core.sessions import Actor
        token = services.rotate_feed_token(s, Actor(user_id=owner, role="learner", session_id=0))
    answer = client.get("/api/live/calendar.ics", params={"token": token})
    assert answer.status_code == 200 and "BEGIN:VEVENT" in answer.text and LINK not in answer.text
    assert answer.headers["cache-control"] == "private, no-store"
