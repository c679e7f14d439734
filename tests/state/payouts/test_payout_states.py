"""The payout pages' handlers, driven without a browser: the teacher's months and pages, the
admin's filter and "mark paid" (confirmation first, only rows of the page, once)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

import lms_app.core.db
from lms_app.commerce.models import LedgerEntry
from lms_app.core.audit_log import AuditEntry
from lms_app.core.sessions import Actor
from lms_app.payouts.models import PayoutStatement
from lms_app.payouts.pages import AdminPayoutsState, PayoutsState
from lms_app.payouts.services import current_month, month_bounds
from tests.unit.commerce.commerce_support import buy

LAST = month_bounds(current_month())[0] - timedelta(days=2)


def _sale(make_user, make_course, teacher, price=2000, when=LAST):
    course = make_course(teacher=teacher, price_minor=price, currency="USD")
    buyer = make_user()
    order = buy(Actor(user_id=buyer.id, role="learner", session_id=0), course.slug)
    with lms_app.core.db.session_scope() as s:
        s.execute(update(LedgerEntry).where(LedgerEntry.order_id == order.id).values(created_at=when))


def test_teacher_sees_own_months_and_pages(states, make_user, make_course, sign_in, monkeypatch):
    teacher, other = make_user(role="teacher"), make_user(role="teacher")
    _sale(make_user, make_course, teacher)
    _sale(make_user, make_course, teacher, 1000, when=LAST - timedelta(days=40))
    _sale(make_user, make_course, other, 9900)
    token, _ = sign_in(teacher)
    state = states.sub(states.root(token, path="/teach/payouts"), PayoutsState)
    states.call(state, "load")
    assert [r["due"] for r in state.rows] == ["$16.00", "$8.00"] and state.pages == 1
    assert {r["teacher_id"] for r in state.rows} == {teacher.id}
    monkeypatch.setattr("lms_app.payouts.services.PAGE_SIZE", 1)
    states.call(state, "load")
    assert (state.page, state.pages, len(state.rows)) == (1, 2, 1)
    states.call(state, "next_page")
    assert state.page == 2 and state.rows[0]["due"] == "$8.00"
    states.call(state, "next_page")  # no page 3
    assert state.page == 2
    states.call(state, "prev_page")
    assert state.page == 1 and state.rows[0]["due"] == "$16.00"


def test_learner_is_refused_the_teacher_page(states, make_user, sign_in):
    token, _ = sign_in(make_user())
    state = states.sub(states.root(token, path="/teach/payouts"), PayoutsState)
    states.call(state, "load")
    assert state.rows == [] and not state.loaded


def test_admin_filters_confirms_and_marks_paid_once(states, make_user, make_course, sign_in):
    teacher = make_user(role="teacher", name="Tina Teacher")
    _sale(make_user, make_course, teacher)
    token, _ = sign_in(make_user(role="admin"))
    state = states.sub(states.root(token, path="/admin/payouts"), AdminPayoutsState)
    states.call(state, "load")
    [row] = state.rows
    assert (row["teacher"], row["status"], row["due"]) == ("Tina Teacher", "due", "$16.00")
    states.call(state, "filter", {"month": "soon", "status": "due"})
    assert state.filter_error == "Choose a month as YYYY-MM."
    states.call(state, "filter", {"month": LAST.strftime("%Y-%m"), "status": "paid"})
    assert state.rows == [] and state.filter_error == ""
    states.call(state, "filter", {"month": "", "status": "due"})
    assert len(state.rows) == 1

    # mark_paid without a confirmed row does nothing; a key not on the page is refused
    states.call(state, "mark_paid", {"reference": "TR-1"})
    events = states.call(state, "ask_mark", f"{teacher.id + 1}/{row['month']}/USD")
    assert state.target_key == "" and states.toasts(events)
    states.call(state, "ask_mark", row["key"])
    assert state.target_key == row["key"] and "Tina Teacher" in state.target_label
    states.call(state, "mark_paid", {"reference": ""})
    assert state.error and state.target_key == row["key"]  # the dialog stays open with the error
    states.call(state, "mark_paid", {"reference": "TR-1"})
    assert state.target_key == "" and state.error == ""
    assert state.rows == []  # filtered on "due": the paid statement left the list
    with lms_app.core.db.session_scope() as s:
        assert len(s.exec(select(PayoutStatement)).all()) == 1
        assert len(s.exec(select(AuditEntry).where(AuditEntry.action == "payout.mark_paid")).all()) == 1
    states.call(state, "filter", {"month": "", "status": ""})
    assert state.rows[0]["status"] == "paid" and state.rows[0]["reference"] == "TR-1"
    events = states.call(state, "ask_mark", state.rows[0]["key"])  # already paid: no dialog
    assert state.target_key == "" and states.toasts(events)


def test_teacher_cannot_use_the_admin_handlers(states, make_user, make_course, sign_in):
    teacher = make_user(role="teacher")
    _sale(make_user, make_course, teacher)
    token, _ = sign_in(teacher)
    state = states.sub(states.root(token, path="/admin/payouts"), AdminPayoutsState)
    for name, args in (("load", ()), ("filter", ({},)), ("ask_mark", (f"{teacher.id}/x/USD",)),
                       ("mark_paid", ({"reference": "x"},))):
        states.call(state, name, *args)
    assert state.rows == [] and state.target_key == ""
    with lms_app.core.db.session_scope() as s:
        assert s.exec(select(PayoutStatement)).all() == []
