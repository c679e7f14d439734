"""Analytics: KPIs with the previous period, series in SQL buckets, top lists, fixed query count;
teacher analytics never read another teacher's courses."""

from __future__ import annotations

from datetime import timedelta

import pytest

import lms_app.core.db
from lms_app.commerce.models import LedgerEntry, Order
from lms_app.core.types import utcnow
from lms_app.analytics.services import platform as analytics, teacher as teacher_analytics
from lms_app.core import events
from lms_app.learning.services import progress
from lms_app.analytics.services.sql import bucket_keys, period
from lms_app.core.errors import PermissionDenied, ServiceError
from tests.unit.learning.learning_support import add_lessons


def run(fn, *args, **kwargs):
    with lms_app.core.db.session_scope() as s:
        return fn(s, *args, **kwargs)


def at(days_ago: float):
    return utcnow() - timedelta(days=days_ago)


def record(kind, days_ago, **kw):
    with lms_app.core.db.session_scope() as s:
        events.record(s, kind, at=at(days_ago), **kw)


def card(data, key):
    return next(c for c in data["cards"] if c["key"] == key)


def sale(course, user, amount, days_ago, kind="sale"):
    with lms_app.core.db.session_scope() as s:
        order = Order(user_id=user.id, course_id=course.id, status="paid", currency="USD", list_price_minor=amount,
                      amount_minor=amount, course_title=course.title)
        s.add(order)
        s.flush()
        s.add(LedgerEntry(order_id=order.id, course_id=course.id, teacher_id=course.teacher_id, kind="sale",
                          currency="USD", list_price_minor=amount, amount_minor=amount, platform_fee_minor=amount // 5,
                          teacher_share_minor=amount - amount // 5, created_at=at(days_ago)))
        if kind == "refund":
            s.add(LedgerEntry(order_id=order.id, course_id=course.id, teacher_id=course.teacher_id, kind="refund",
                              currency="USD", list_price_minor=-amount, amount_minor=-amount,
                              platform_fee_minor=-(amount // 5), teacher_share_minor=-(amount - amount // 5),
                              created_at=at(days_ago)))


def test_period_validation_and_buckets():
    p = period("2026-01-01", "2026-01-31")
    assert p.days == 31 and p.grain == "day" and p.previous.days == 31
    assert p.previous.start.isoformat().startswith("2025-12-01")
    assert len(bucket_keys(p)) == 31
    assert period("2025-01-01", "2025-12-31").grain == "week"
    assert period("2024-01-01", "2025-12-31").grain == "month"
    assert bucket_keys(period("2024-01-15", "2024-03-02"))[:2] == ["2024-01-15", "2024-01-16"]
    for bad in (("2026-02-01", "2026-01-01"), ("x", None), ("2020-01-01", "2026-01-01"), (["a"], None)):
        with pytest.raises(ServiceError):
            period(*bad)


def test_dashboard_counts_this_period_against_the_previous_one(make_user, make_course, sign_in, count_queries):
    _, admin = sign_in(make_user(role="admin"))
    course = make_course(title="Popular")
    other = make_course(title="Quiet")
    learners = [make_user() for _ in range(3)]
    for u in learners:
        record("enrolled", 2, user_id=u.id, course_id=course.id)
    record("enrolled", 40, user_id=learners[0].id, course_id=other.id)  # previous period
    record("course_completed", 1, user_id=learners[0].id, course_id=course.id)
    record("lesson_started", 3, user_id=learners[1].id, course_id=course.id, lesson_id=1)
    record("lesson_started", 20, user_id=learners[2].id, course_id=course.id, lesson_id=1)
    sale(course, learners[0], 5000, 2)
    sale(course, learners[1], 3000, 3, kind="refund")
    sale(other, learners[2], 1000, 45)
    with count_queries() as n:
        data = run(analytics.dashboard, admin)
    assert n.count <= 12, n.statements
    assert card(data, "enrollments")["value"] == "3" and card(data, "enrollments")["previous"] == "1"
    assert card(data, "enrollments")["change"] == "+200%" and card(data, "enrollments")["trend"] == "up"
    assert card(data, "completion")["value"] == "33.3%"
    assert card(data, "active7")["value"] == "2" and card(data, "active30")["value"] == "3"
    assert card(data, "gross_USD")["value"] == "$80.00" and card(data, "gross_USD")["previous"] == "$10.00"
    assert card(data, "net_USD")["value"] == "$50.00" and card(data, "refunds_USD")["value"] == "$30.00"
    assert card(data, "refund_count_USD")["value"] == "1"
    assert card(data, "signups")["value"] == "6"  # every account above was made today
    assert {c["label"]: c["value"] for c in data["users"]}["Learners"] == 3
    assert [r["title"] for r in data["by_enrollments"]] == ["Popular"]
    assert data["by_revenue"][0]["title"] == "Popular" and data["by_revenue"][0]["net_minor"] == 5000
    assert sum(p["enrollments"] for p in data["activity"]) == 3 and len(data["activity"]) == 30
    assert sum(p["signups"] for p in data["activity"]) == 6
    assert sum(p["net"] for p in data["revenue"]) == 50.0
    assert sum(c["enrollments"] for c in data["categories"]) == 3


def test_a_custom_range_moves_the_comparison(make_user, make_course, sign_in):
    _, admin = sign_in(make_user(role="admin"))
    course = make_course()
    record("enrolled", 40, user_id=make_user().id, course_id=course.id)
    end = at(31).date().isoformat()
    start = at(60).date().isoformat()
    data = run(analytics.dashboard, admin, start, end)
    assert card(data, "enrollments")["value"] == "1" and card(data, "enrollments")["previous"] == "0"


def test_export_tables_match_the_dashboard(make_user, make_course, sign_in):
    _, admin = sign_in(make_user(role="admin"))
    course = make_course(title="=HYPERLINK(\"http://evil\")")
    record("enrolled", 1, user_id=make_user().id, course_id=course.id)
    name, headers, rows = run(analytics.export_table, admin, "top_enrollments")
    assert name.startswith("top_enrollments-") and headers == ["Course", "Enrollments"]
    assert rows == [[course.title, 1]]
    for table in analytics.EXPORTS:
        assert run(analytics.export_table, admin, table)[2] is not None
    with pytest.raises(ServiceError):
        run(analytics.export_table, admin, "users; drop table")


@pytest.mark.parametrize("role", ["learner", "teacher"])
def test_analytics_refuse_non_admins(make_user, sign_in, role):
    _, actor = sign_in(make_user(role=role))
    with pytest.raises(PermissionDenied):
        run(analytics.dashboard, actor)
    with pytest.raises(PermissionDenied):
        run(analytics.export_table, actor, "kpis")


def test_teacher_analytics_funnel_scores_and_only_own_courses(make_user, make_course, sign_in, enroll, count_queries):
    teacher, rival = make_user(role="teacher"), make_user(role="teacher")
    _, actor = sign_in(teacher)
    mine = make_course(teacher=teacher, title="Mine")
    theirs = make_course(teacher=rival, title="Theirs")
    lessons = add_lessons(mine, ("text", "text", "text"))
    a, b = make_user(), make_user()
    for learner in (a, b):
        enroll(learner, mine)
        record("enrolled", 1, user_id=learner.id, course_id=mine.id)
    record("enrolled", 1, user_id=a.id, course_id=theirs.id)
    _, a_actor = sign_in(a)
    _, b_actor = sign_in(b)
    run(progress.mark_complete, a_actor, lessons[0].id)
    run(progress.mark_complete, a_actor, lessons[1].id)
    run(progress.open_lesson, b_actor, lessons[0].id)
    record("quiz_submitted", 1, user_id=a.id, course_id=mine.id, lesson_id=lessons[2].id, score=85)
    record("quiz_submitted", 1, user_id=b.id, course_id=mine.id, lesson_id=lessons[2].id, score=100)
    record("quiz_submitted", 1, user_id=b.id, course_id=theirs.id, score=5)
    with count_queries() as n:
        data = run(teacher_analytics.overview, actor, None, None, mine.id)
    assert n.count <= 8, n.statements
    assert [c["title"] for c in data["courses"]] == ["Mine"]
    assert data["courses"][0]["enrolled"] == 2 and data["totals"]["new"] == 2
    assert sum(p["enrollments"] for p in data["enrollments"]) == 2
    assert [(f["started"], f["completed"]) for f in data["funnel"]] == [(2, 1), (1, 1), (0, 0)]
    bands = {s["band"]: s["submissions"] for s in data["scores"]}
    assert bands["80–89"] == 1 and bands["90–100"] == 1 and bands["0–9"] == 0
    with pytest.raises(ServiceError, match="not yours"):
        run(teacher_analytics.overview, actor, None, None, theirs.id)
    _, learner_actor = sign_in(a)
    with pytest.raises(PermissionDenied):
        run(teacher_analytics.overview, learner_actor)


def test_chart_labels_fit_one_line_and_tables_keep_the_whole_title():
    long = "Machine Learning Foundations for Practitioners"
    assert analytics.chart_label("Popular") == "Popular"
    assert analytics.chart_label(long) == "Machine Learning…" and len(analytics.chart_label(long)) <= 18
