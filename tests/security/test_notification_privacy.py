"""Another user's notifications are never readable or changeable through any notification handler,
and notification text reaches the browser as data (rendered as text), never as markup."""

from __future__ import annotations

from sqlmodel import select

from lms_app.core.db import session_scope
from lms_app.notifications import notify
from lms_app.notifications.bell import NotificationBellState
from lms_app.notifications.models import Notification
from lms_app.notifications.pages import NotificationsState
from lms_app.notifications.preferences import NotificationPrefsState

SECRET = "SECRET-grade-for-owner <script>alert(1)</script>"


def test_no_handler_reveals_or_changes_another_users_notifications(states, make_user, sign_in, db):
    owner, intruder = make_user(), make_user()
    with session_scope() as s:
        ids = [notify(s, owner.id, "assignment_graded", SECRET, "/secret-place").id for _ in range(25)]
    token, _ = sign_in(intruder)
    root = states.root(token, path="/notifications")
    page = states.sub(root, NotificationsState)
    calls = [("load",), ("toggle_unread",), ("older",), ("newer",), ("toggle_unread",), ("mark_all",)]
    calls += [(name, value) for name in ("open", "mark_read")
              for value in (str(ids[0]), ids[1], f"{ids[2]} OR 1=1", "-1", "")]
    for name, *args in calls:
        events = states.call(page, name, *args)
        assert "/secret-place" not in states.redirects(events)
    states.call(states.sub(root, NotificationBellState), "load")
    states.call(states.sub(root, NotificationPrefsState), "load")
    sent = states.serialize(states.snapshot(root))
    assert "SECRET" not in sent and "secret-place" not in sent
    assert states.sub(root, NotificationBellState).unread == 0
    db.expire_all()
    assert all(n.read_at is None for n in db.exec(select(Notification).where(Notification.user_id == owner.id)))


def test_the_owner_gets_the_text_as_plain_data(states, make_user, sign_in):
    owner = make_user()
    with session_scope() as s:
        notify(s, owner.id, "assignment_graded", SECRET, "javascript:alert(1)")
    token, _ = sign_in(owner)
    page = states.sub(states.root(token, path="/notifications"), NotificationsState)
    states.call(page, "load")
    assert page.rows[0]["title"] == SECRET  # text; the page renders it with rx.link/rx.text (escaped)
    assert page.rows[0]["link"] == ""  # a script URL never becomes a link
