"""The teacher's week view: the right days in the viewer's zone, only the teacher's own times,
one query, bounded navigation."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import lms_app.core.db
from lms_app.core.errors import ServiceError
from lms_app.live import week
from tests.unit.live.live_support import make_offering, make_slots

NOW = datetime(2030, 1, 9, 12, 0, tzinfo=timezone.utc)  # a Wednesday


@pytest.fixture
def teacher(make_user, sign_in):
    return sign_in(make_user(role="teacher"))[1]


def view(actor, tz="Europe/Berlin", offset=0):
    with lms_app.core.db.session_scope() as s:
        return week.week(s, actor, tz, offset, now=NOW)


def test_times_land_on_their_local_day_and_weeks_start_on_monday(teacher, make_user, sign_in):
    offering = make_offering(teacher, title="Python Masterclass", capacity="2")
    make_slots(teacher, offering.id, day="2030-01-10", at="18:00")   # Thu, this week
    make_slots(teacher, offering.id, day="2030-01-13", at="23:30")   # Sun 23:30 Berlin = Sun 22:30 UTC
    make_slots(teacher, offering.id, day="2030-01-14", at="09:00")   # next Monday
    other = sign_in(make_user(role="teacher"))[1]
    make_slots(other, make_offering(other, title="Someone else's").id, day="2030-01-10", at="10:00")
    data = view(teacher)
    assert data["label"] == "7 – 13 Jan 2030"
    assert [d["label"] for d in data["days"]] == ["Mon 07", "Tue 08", "Wed 09", "Thu 10", "Fri 11", "Sat 12", "Sun 13"]
    assert [d["today"] for d in data["days"]].index(True) == 2
    items = {d["label"]: d["items"] for d in data["days"]}
    assert [(i["title"], i["time"], i["seats"]) for i in items["Thu 10"]] == [
        ("Python Masterclass", "18:00–20:00", "0 / 2 booked")]
    assert [i["time"] for i in items["Sun 13"]] == ["23:30–01:30"]
    # Seen from New York the Sunday 23:30 Berlin class is on Sunday afternoon, still this week.
    ny = {d["label"]: d["items"] for d in view(teacher, "America/New_York")["days"]}
    assert [i["time"] for i in ny["Sun 13"]] == ["17:30–19:30"]
    nxt = view(teacher, offset=1)
    assert nxt["label"] == "14 – 20 Jan 2030" and nxt["days"][0]["items"][0]["time"] == "09:00–11:00"


def test_navigation_is_bounded_and_learners_are_refused(teacher, make_user, sign_in, count_queries):
    assert view(teacher, offset=10_000)["offset"] == week.MAX_OFFSET
    assert view(teacher, offset="3")["offset"] == 0
    with count_queries() as counted:
        view(teacher)
    assert counted.count == 1
    learner = sign_in(make_user())[1]
    with pytest.raises(ServiceError):
        view(learner)


def test_catalog_filters_by_category_price_dates_and_sorts(teacher, make_user, sign_in, count_queries):
    from lms_app.live import services

    cheap = make_offering(teacher, title="Python Clinic", price="10", category="Programming")
    dear = make_offering(teacher, title="Python Masterclass", price="99.99", category="Programming")
    free = make_offering(teacher, title="Drawing Hour", price="0", category="Art")
    make_slots(teacher, dear.id, day="2030-01-10", at="09:00")
    make_slots(teacher, cheap.id, day="2030-01-12", at="09:00")
    make_slots(teacher, free.id, day="2030-02-01", at="09:00")

    def titles(**filters):
        with lms_app.core.db.session_scope() as s:
            return [c["title"] for c in services.catalog(s, "Europe/Berlin", now=NOW, filters=filters)]

    assert titles() == ["Python Masterclass", "Python Clinic", "Drawing Hour"]  # starts soon
    assert titles(category="programming") == ["Python Masterclass", "Python Clinic"]
    assert titles(price="free") == ["Drawing Hour"]
    assert titles(price="paid", sort="price") == ["Python Clinic", "Python Masterclass"]
    assert titles(sort="price_desc") == ["Python Masterclass", "Python Clinic", "Drawing Hour"]
    assert titles(**{"from": "2030-01-11", "to": "2030-01-31"}) == ["Python Clinic"]
    # 2030-01-10 09:00 Berlin is 08:00 UTC: a range ending that day (in Berlin) includes it.
    assert titles(**{"to": "2030-01-10"}) == ["Python Masterclass"]
    assert titles(q="python", price="nonsense", sort="'; drop table", **{"from": "2030-13-45"}) == [
        "Python Masterclass", "Python Clinic"]
    with count_queries() as counted:
        titles(category="Art", price="free", sort="newest", **{"from": "2030-01-01", "to": "2030-12-31"})
    assert counted.count == 1
    with lms_app.core.db.session_scope() as s:
        assert services.catalog_categories(s) == ["Art", "Programming"]
