"""The bell, the list, the preferences card and the unsubscribe page through their handlers."""

from __future__ import annotations

from sqlmodel import select

from lms_app.core.db import session_scope
from lms_app.notifications import notify, services
from lms_app.notifications.bell import NotificationBellState
from lms_app.notifications.models import Notification
from lms_app.notifications.pages import NotificationsState, UnsubscribeState
from lms_app.notifications.preferences import NotificationPrefsState


def _seed(user, n, link="/dashboard"):
    with session_scope() as s:
        return [notify(s, user.id, "enrolled", f"note {i}", link).id for i in range(n)]


def test_bell_counts_own_unread_and_nothing_signed_out(states, make_user, sign_in, count_queries):
    user, other = make_user(), make_user()
    _seed(user, 2)
    _seed(other, 5)
    token, _ = sign_in(user)
    root = states.root(token)
    bell = states.sub(root, NotificationBellState)
    with count_queries() as counter:
        states.call(bell, "load")
    assert bell.unread == 2 and counter.count == 1
    anonymous = states.sub(states.root(None), NotificationBellState)
    with count_queries() as counter:
        states.call(anonymous, "load")
    assert anonymous.unread == 0 and counter.count == 0


def test_bell_update_is_small(states, make_user, sign_in):
    user = make_user()
    _seed(user, 3)
    token, _ = sign_in(user)
    root = states.root(token)
    root._clean()
    states.call(states.sub(root, NotificationBellState), "load")
    delta = states.serialize(root.get_delta())
    assert len(delta.encode()) < 200, delta


def test_list_pages_opens_marks_and_syncs_the_bell(states, make_user, sign_in):
    user = make_user()
    ids = _seed(user, 25, link="/courses/python")
    token, _ = sign_in(user)
    root = states.root(token, path="/notifications")
    page = states.sub(root, NotificationsState)
    states.call(page, "load")
    assert page.loaded and len(page.rows) == 20 and page.more and page.rows[0]["title"] == "note 24"
    states.call(page, "older")
    assert len(page.rows) == 5 and not page.more and page.page_number == 2
    states.call(page, "newer")
    assert len(page.rows) == 20 and page.page_number == 1
    events = states.call(page, "open", str(ids[-1]))
    assert states.redirects(events) == ["/courses/python"]
    assert states.sub(root, NotificationBellState).unread == 24
    states.call(page, "mark_all")
    assert all(r["unread"] == "" for r in page.rows) and states.sub(root, NotificationBellState).unread == 0


def test_another_users_notification_cannot_be_opened_or_marked(states, make_user, sign_in, db):
    owner, intruder = make_user(), make_user()
    (theirs,) = _seed(owner, 1, link="/secret")
    token, _ = sign_in(intruder)
    page = states.sub(states.root(token, path="/notifications"), NotificationsState)
    states.call(page, "load")
    assert page.rows == []
    events = states.call(page, "open", str(theirs))
    assert states.redirects(events) == [] and states.toasts(events)
    states.call(page, "mark_read", str(theirs))
    states.call(page, "mark_all")
    assert db.exec(select(Notification).where(Notification.id == theirs)).one().read_at is None


def test_signed_out_list_is_refused(states):
    page = states.sub(states.root(None, path="/notifications"), NotificationsState)
    events = states.call(page, "load")
    assert not page.loaded and page.rows == []
    assert states.redirects(events) and states.redirects(events)[0].startswith("/login")


def test_preferences_card_toggles_and_rejects_junk(states, make_user, sign_in):
    user = make_user()
    token, _ = sign_in(user)
    card = states.sub(states.root(token, path="/profile"), NotificationPrefsState)
    states.call(card, "load")
    row = next(r for r in card.rows if r["kind"] == "assignment_graded")
    assert row["email"] == "on"
    states.call(card, "toggle", "assignment_graded", "email", False)
    assert next(r for r in card.rows if r["kind"] == "assignment_graded")["email"] == "off"
    with session_scope() as s:
        assert services.channels_for(s, user.id, "assignment_graded")["email"] is False
    before = list(card.rows)
    events = states.call(card, "toggle", "nope", "email", True)
    assert states.toasts(events) and card.rows == before
    events = states.call(card, "toggle", "enrolled", "email", {"x": 1})
    assert states.toasts(events)


def test_unsubscribe_page_needs_no_sign_in(states, make_user):
    user = make_user()
    token = services.unsubscribe_token(user.id, "reminder_inactive")
    page = states.sub(states.root(None, path=f"/unsubscribe/{token}"), UnsubscribeState)
    states.call(page, "load")
    assert page.done and page.label
    with session_scope() as s:
        assert services.channels_for(s, user.id, "reminder_inactive")["email"] is False
    bad = states.sub(states.root(None, path=f"/unsubscribe/{token[:-2]}zz"), UnsubscribeState)
    states.call(bad, "load")
    assert bad.loaded and not bad.done
