"""Live-session handlers driven without a browser: teacher schedules, learner books (free and
priced), the dashboard card, join and cancel; what the states hold."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

import lms_app.core.db
from lms_app.commerce.models import Order
from lms_app.live.models import LiveBooking, LiveSlot
from lms_app.live.pages import (LiveAdminState, LiveDashboardState, LiveListState, LiveOfferingEditState,
                                LiveOfferingState, LiveTeachState)
from tests.unit.commerce.commerce_support import make_coupon
from tests.unit.live.live_support import form

CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/39", "cvc": "123", "name": "Ada"}


def teach(states, token):
    state = states.sub(states.root(token, path="/teach/live"), LiveTeachState)
    states.call(state, "with_tz", "Europe/Berlin")
    return state


def offering_page(states, token, offering_id, tz="Europe/Berlin"):
    root = states.root(token, path=f"/live/{offering_id}")
    state = states.sub(root, LiveOfferingState)
    states.call(state, "with_tz", tz)
    return root, state


def test_teacher_creates_and_schedules_then_learners_book(states, make_user, sign_in):
    teacher = make_user(role="teacher")
    t_token, _ = sign_in(teacher)
    state = teach(states, t_token)
    states.call(state, "create", form(price="0", capacity="2", title="Office hour"))
    assert state.error == "" and state.offerings[0]["title"] == "Office hour"
    states.call(state, "create", form(meeting_url="http://insecure"))
    assert "https" in state.error
    states.call(state, "schedule", {"offering_id": str(state.offerings[0]["id"]), "date": "2030-05-02",
                                    "time": "18:00", "weeks": "2"})
    assert state.schedule_error == "" and len(state.slots) == 2 and "18:00" in state.slots[0]["when"]
    offering_id = state.offerings[0]["id"]

    learner = make_user(name="Booked Learner")
    token, _ = sign_in(learner)
    root, page = offering_page(states, token, offering_id)
    assert page.found and page.offering["is_free"] and page.slots[0]["seats_left"] == 2
    states.call(page, "book_free", page.slots[0]["id"])
    assert page.slots[0]["booked"] and page.slots[0]["seats_left"] == 1
    snapshot = states.serialize(states.snapshot(root))
    assert "meet.example" not in snapshot

    state = teach(states, t_token)
    assert "Booked Learner" in state.slots[0]["learners"]

    card = states.sub(states.root(token, path="/dashboard"), LiveDashboardState)
    states.call(card, "with_tz", "Europe/Berlin")
    assert [b["title"] for b in card.bookings] == ["Office hour"] and not card.bookings[0]["join_open"]
    events = states.call(card, "join", card.bookings[0]["id"])
    assert states.redirects(events) == [] and "opens 15 minutes" in str(states.toasts(events))
    ics_events = states.call(card, "invite", card.bookings[0]["id"])
    rendered = states.render(ics_events[0])
    assert "data:text/calendar;base64," in rendered and "live-session-" in rendered
    states.call(card, "cancel", card.bookings[0]["id"])
    assert card.bookings == []


def test_join_link_only_in_the_event_answer_when_open(states, make_user, sign_in):
    from lms_app.live import services
    from lms_app.core.types import utcnow

    teacher = make_user(role="teacher")
    _, t_actor = sign_in(teacher)
    with lms_app.core.db.session_scope() as s:
        offering = services.create_offering(s, t_actor, form(price="0"))
        slot = services.schedule(s, t_actor, offering.id, "2030-05-02", "18:00")[0]
    learner = make_user()
    token, actor = sign_in(learner)
    with lms_app.core.db.session_scope() as s:
        booking = services.book(s, None, actor, slot.id)
    soon = utcnow() + timedelta(minutes=10)
    with lms_app.core.db.session_scope() as s:
        s.execute(update(LiveSlot).where(LiveSlot.id == slot.id).values(starts_at=soon, ends_at=soon + timedelta(hours=2)))
    root = states.root(token, path="/dashboard")
    card = states.sub(root, LiveDashboardState)
    states.call(card, "with_tz", "UTC")
    assert card.bookings[0]["join_open"]
    events = states.call(card, "join", booking.id)
    assert states.redirects(events) == ["https://meet.example/abc"]
    assert "meet.example" not in states.serialize(states.snapshot(root))


def test_priced_booking_through_checkout_panel_with_coupon(states, make_user, sign_in):
    teacher = make_user(role="teacher")
    t_token, _ = sign_in(teacher)
    state = teach(states, t_token)
    states.call(state, "create", form())
    states.call(state, "schedule", {"offering_id": str(state.offerings[0]["id"]), "date": "2030-05-02",
                                    "time": "18:00"})
    make_coupon(code="DEMO20", amount=20)
    token, _ = sign_in(make_user())
    root, page = offering_page(states, token, state.offerings[0]["id"])
    assert not page.offering["is_free"] and page.offering["price_label"] == "$99.99"
    states.call(page, "choose", page.slots[0]["id"])
    assert page.chosen == page.slots[0]["id"]
    states.call(page, "pay", {**CARD, "coupon": "DEMO20", "price": "0", "amount_minor": 1})
    assert page.error == "" and page.slots[0]["booked"]
    with lms_app.core.db.session_scope() as s:
        order = s.exec(select(Order)).one()
        assert order.amount_minor == 7999 and order.item_kind == "live"
    snapshot = states.serialize(states.snapshot(root))
    assert "4242" not in snapshot and "meet.example" not in snapshot


def test_list_shows_offerings_with_times_only(states, make_user, sign_in):
    teacher = make_user(role="teacher")
    t_token, _ = sign_in(teacher)
    state = teach(states, t_token)
    states.call(state, "create", form(title="Scheduled one"))
    states.call(state, "create", form(title="Never scheduled"))
    scheduled = next(o for o in state.offerings if o["title"] == "Scheduled one")
    states.call(state, "schedule", {"offering_id": str(scheduled["id"]), "date": "2030-05-02", "time": "18:00"})
    listing = states.sub(states.root(None, path="/live"), LiveListState)
    states.call(listing, "with_tz", "America/New_York")
    assert [c["title"] for c in listing.cards] == ["Scheduled one"]
    assert "EDT" in listing.cards[0]["next_label"]


def test_teacher_cancels_a_time_from_my_sessions(states, make_user, sign_in):
    teacher = make_user(role="teacher")
    t_token, _ = sign_in(teacher)
    state = teach(states, t_token)
    states.call(state, "create", form())
    states.call(state, "schedule", {"offering_id": str(state.offerings[0]["id"]), "date": "2030-05-02",
                                    "time": "18:00"})
    token, _ = sign_in(make_user())
    _, page = offering_page(states, token, state.offerings[0]["id"])
    states.call(page, "choose", page.slots[0]["id"])
    states.call(page, "pay", CARD)
    states.call(state, "cancel_slot", state.slots[0]["id"])
    assert state.slots[0]["status"] == "cancelled"
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(Order.status)).one() == "refunded"
        assert s.exec(select(LiveBooking.status)).one() == "cancelled"


def test_calendar_feed_url_is_shown_once_and_can_be_switched_off(states, make_user, sign_in):
    token, _ = sign_in(make_user())
    card = states.sub(states.root(token, path="/dashboard"), LiveDashboardState)
    states.call(card, "with_tz", "UTC")
    assert not card.has_feed and card.feed_url == ""
    states.call(card, "new_feed")
    assert card.has_feed and "/api/live/calendar.ics?token=" in card.feed_url
    states.call(card, "with_tz", "UTC")
    assert card.has_feed and card.feed_url == ""  # not loaded back: only its hash is stored
    states.call(card, "revoke_feed")
    assert not card.has_feed


def test_teacher_moves_a_booked_time_and_walks_the_week(states, make_user, sign_in):
    teacher = make_user(role="teacher")
    t_token, _ = sign_in(teacher)
    state = teach(states, t_token)
    states.call(state, "create", form(price="0", capacity="2", title="Office hour"))
    states.call(state, "schedule", {"offering_id": str(state.offerings[0]["id"]), "date": "2030-05-02",
                                    "time": "18:00", "weeks": "1"})
    slot = state.slots[0]
    assert (slot["local_date"], slot["local_time"]) == ("2030-05-02", "18:00")
    learner = make_user()
    token, _ = sign_in(learner)
    _, page = offering_page(states, token, state.offerings[0]["id"])
    states.call(page, "book_free", page.slots[0]["id"])

    states.call(state, "open_move", slot["id"])
    assert state.moving == slot["id"]
    states.call(state, "close_move", True)  # the dialog reporting it opened keeps it open
    assert state.moving == slot["id"]
    states.call(state, "reschedule", {"slot_id": str(slot["id"]), "date": "2020-05-02", "time": "18:00"})
    assert "past" in state.move_error and state.moving == slot["id"]
    events = states.call(state, "reschedule", {"slot_id": str(slot["id"]), "date": "2030-05-03", "time": "09:30"})
    assert state.move_error == "" and state.moving == 0 and "1 learner(s) told" in str(states.toasts(events))
    assert "09:30" in state.slots[0]["when"] and state.slots[0]["local_date"] == "2030-05-03"

    card = states.sub(states.root(token, path="/dashboard"), LiveDashboardState)
    states.call(card, "with_tz", "Europe/Berlin")
    assert "moved this time" in card.bookings[0]["moved_note"] and card.bookings[0]["can_cancel"]

    # The week view: this week (relative to today) by default; steps of one week, back with 0.
    assert len(state.week_days) == 7 and state.week_offset == 0
    states.call(state, "shift_week", 1)
    states.call(state, "shift_week", 1)
    assert state.week_offset == 2
    states.call(state, "shift_week", 99)  # not a step: back to this week
    assert state.week_offset == 0

    other = sign_in(make_user(role="teacher"))[0]
    intruder = teach(states, other)
    states.call(intruder, "reschedule", {"slot_id": str(slot["id"]), "date": "2030-05-04", "time": "10:00"})
    assert "does not exist" in intruder.move_error


def test_live_list_filters_come_from_the_url_and_the_form_builds_a_clean_one(states):
    root = states.root(path="/live", query={"category": "Art", "price": "free", "from": "2030-01-01",
                                            "sort": "bogus", "to": "not a date"})
    state = states.sub(root, LiveListState)
    states.call(state, "load")
    assert (state.category, state.price, state.date_from, state.date_to, state.sort) == (
        "Art", "free", "2030-01-01", "", "soon")
    states.call(state, "with_tz", "Europe/Berlin")
    assert state.loaded and state.cards == []
    events = states.call(state, "find", {"q": " python  ", "category": "", "price": "paid", "from": "",
                                         "to": "2030-02-01", "sort": "price"})
    assert states.redirects(events) == ["/live?q=python&price=paid&to=2030-02-01&sort=price"]
    assert states.redirects(states.call(state, "find", {"sort": "soon"})) == ["/live"]


def test_teacher_adds_availability_and_learners_pick_free_and_paid_times(states, make_user, sign_in):
    from datetime import date, timedelta

    from lms_app.commerce.models import Order

    teacher = make_user(role="teacher")
    t_token, _ = sign_in(teacher)
    state = teach(states, t_token)
    states.call(state, "create", form(price="0", capacity="1", title="Office hour", duration_minutes="30"))
    states.call(state, "create", form(price="25", capacity="1", title="Paid coaching", duration_minutes="60"))
    by_title = {o["title"]: o["id"] for o in state.offerings}
    first = (date.today() + timedelta(days=2)).isoformat()
    every_day = {f"day{i}": "on" for i in range(7)}
    states.call(state, "add_windows", {"offering_id": str(by_title["Office hour"]), **every_day, "start": "10:00",
                                       "end": "11:00", "first": first, "weeks": "1"})
    assert state.window_error == "" and len(state.windows) == 7
    states.call(state, "add_windows", {"offering_id": str(by_title["Paid coaching"]), "day1": "on", "start": "10:00",
                                       "end": "10:30", "first": first, "weeks": "1"})
    assert "at least as long" in state.window_error
    states.call(state, "add_windows", {"offering_id": str(by_title["Paid coaching"]), **every_day, "start": "12:00",
                                       "end": "13:00", "first": first, "weeks": "1"})
    assert state.window_error == ""

    learner = make_user()
    token, _ = sign_in(learner)
    _, page = offering_page(states, token, by_title["Office hour"])
    assert page.picks and [t["label"] for t in page.picks[0]["times"]] == ["10:00", "10:30"]
    start = page.picks[0]["times"][0]["start"]
    events = states.call(page, "pick", start)
    assert "Booked" in str(states.toasts(events))
    assert page.slots[0]["booked"] and [t["label"] for t in page.picks[0]["times"]] == ["10:30"]
    assert "That time is no longer offered" in str(states.toasts(states.call(page, "pick", "1999-01-01T00:00:00+00:00")))

    _, paid = offering_page(states, token, by_title["Paid coaching"])
    paid_start = paid.picks[0]["times"][0]["start"]
    states.call(paid, "pick", paid_start)
    assert paid.chosen == -1 and paid.chosen_start == paid_start and "12:00" in paid.chosen_label
    states.call(paid, "pay", CARD)
    assert paid.error == "" and paid.chosen == 0 and paid.slots[0]["booked"]
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(Order.status).where(Order.item_kind == "live")).all() == ["paid"]

    states.call(state, "remove_window", state.windows[0]["id"])
    assert len(state.windows) == 13


def test_live_lesson_panel_staff_links_a_time_and_a_learner_books_it(states, make_user, sign_in, make_course, enroll):
    from lms_app.live import lesson
    from lms_app.live.lesson_panel import LiveLessonState
    from tests.unit.learning.learning_support import add_lessons

    teacher = make_user(role="teacher")
    t_token, t_actor = sign_in(teacher)
    course = make_course(teacher=teacher)
    (live_lesson,) = add_lessons(course, (lesson.KEY,))
    with lms_app.core.db.session_scope() as s:
        from lms_app.live import services
        offering = services.create_offering(s, t_actor, form(price="50"))
        slot = services.schedule(s, t_actor, offering.id, "2030-05-02", "18:00")[0]
    path = f"/learn/{course.slug}/{live_lesson.id}"

    staff = states.sub(states.root(t_token, path=path), LiveLessonState)
    states.call(staff, "load")
    states.call(staff, "with_tz", "Europe/Berlin")
    assert staff.data["role"] == "staff" and staff.data["choices"][0]["id"] == slot.id
    states.call(staff, "link", {"slot_id": str(slot.id)})
    assert staff.data["has_time"] and "18:00" in staff.data["when"]

    learner = make_user()
    enroll(learner, course)
    token, _ = sign_in(learner)
    panel = states.sub(states.root(token, path=path), LiveLessonState)
    states.call(panel, "load")
    states.call(panel, "with_tz", "Europe/Berlin")
    assert panel.data["role"] == "learner" and not panel.data["booked"]
    states.call(panel, "book")
    assert panel.data["booked"] and not panel.data["join_open"]
    assert "opens 15 minutes" in str(states.toasts(states.call(panel, "join")))
    snapshot = states.serialize(states.snapshot(panel.parent_state))
    assert "meet.example" not in snapshot

    outsider_token, _ = sign_in(make_user())
    other = states.sub(states.root(outsider_token, path=path), LiveLessonState)
    states.call(other, "load")
    states.call(other, "with_tz", "UTC")
    assert other.data["role"] == "none"
    states.call(other, "link", {"slot_id": str(slot.id)})  # not staff: refused in the service
    states.call(other, "book")
    with lms_app.core.db.session_scope() as s:
        assert len(s.exec(select(LiveBooking)).all()) == 1


def test_admin_cancels_and_refunds_a_booking_from_live_bookings(states, make_user, sign_in):
    teacher = make_user(role="teacher")
    state = teach(states, sign_in(teacher)[0])
    states.call(state, "create", form())
    states.call(state, "schedule", {"offering_id": str(state.offerings[0]["id"]), "date": "2030-05-02",
                                    "time": "18:00"})
    token, _ = sign_in(make_user(email="payer@example.com"))
    _, page = offering_page(states, token, state.offerings[0]["id"])
    states.call(page, "choose", page.slots[0]["id"])
    states.call(page, "pay", CARD)

    admin = states.sub(states.root(sign_in(make_user(role="admin"))[0], path="/admin/live"), LiveAdminState)
    states.call(admin, "load")
    assert [o["title"] for o in admin.offerings] == ["Python Masterclass"] and admin.offerings[0]["booked"] == 1
    states.call(admin, "switch_status", admin.offerings[0]["id"], "inactive")
    assert admin.offerings[0]["status"] == "inactive"
    states.call(admin, "show_more")
    assert admin.limit == 100
    states.call(admin, "find", {"q": "payer@"})
    assert admin.limit == 50 and admin.offerings == []  # no session title or teacher matches an e-mail
    assert [r["status"] for r in admin.rows] == ["confirmed"] and admin.query == "payer@"
    events = states.call(admin, "cancel_booking", admin.rows[0]["id"])
    assert [level for level, _ in states.toasts(events)] == ["success"]
    assert [r["status"] for r in admin.rows] == ["cancelled"]  # reloaded with the same search
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(Order.status)).one() == "refunded"
    events = states.call(admin, "cancel_booking", admin.rows[0]["id"])
    assert [level for level, _ in states.toasts(events)] == ["error"]
    # Not for learners: the guard refuses before the service runs.
    learner_view = states.sub(states.root(token, path="/admin/live"), LiveAdminState)
    states.call(learner_view, "cancel_booking", admin.rows[0]["id"])
    assert learner_view.rows == []


def test_teacher_edits_a_session_and_uploads_its_image_from_my_sessions(states, make_user, sign_in, png_bytes):
    import io
    from pathlib import Path

    import reflex as rx

    token, _ = sign_in(make_user(role="teacher"))
    root = states.root(token, path="/teach/live")
    state = states.sub(root, LiveTeachState)
    states.call(state, "with_tz", "Europe/Berlin")
    states.call(state, "create", form(title="Office hour"))
    offering_id = state.offerings[0]["id"]
    edit = states.sub(root, LiveOfferingEditState)
    states.call(edit, "open", offering_id)
    assert edit.editing == offering_id and edit.values["title"] == "Office hour"
    states.call(edit, "save", {**edit.values, "capacity": "0"})
    assert "Capacity" in edit.error and edit.editing == offering_id  # kept open, nothing lost
    states.call(edit, "upload_image", [rx.UploadFile(file=io.BytesIO(png_bytes(800, 600)), path=Path("a.png"))])
    assert edit.image_error == "" and edit.values["image_url"].startswith("/media/thumbnails/")
    events = states.call(edit, "save", {**edit.values, "title": "Office hours", "capacity": "3"})
    assert edit.editing == 0 and edit.values["meeting_url"] == ""  # closed and emptied
    assert [level for level, _ in states.toasts(events)] == ["success"]
    states.call(state, "refresh")
    assert state.offerings[0]["title"] == "Office hours" and state.offerings[0]["capacity"] == 3

    # Another teacher's dialog cannot open it, so the meeting link never reaches them.
    other = states.sub(states.root(sign_in(make_user(role="teacher"))[0], path="/teach/live"), LiveOfferingEditState)
    states.call(other, "open", offering_id)
    assert other.editing == 0 and "meet.example" not in states.serialize(other.values)
