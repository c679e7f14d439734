"""The authorization matrix's rows for the teacher and admin endpoints (``staff_rows``) and the
objects they act on (``staff_world``), kept apart from ``test_api_authorization`` so features
add rows without touching each other's.

Rows run in order, and for each row the callers run in ``CALLERS`` order (anonymous, learner,
other learner, teacher, other teacher, admin, revoked, expired, small scope). So a delete
targets an object of the *other* teacher: the teacher (first) is refused, the owner deletes
it, and the admin then finds nothing (404). Objects the admin rows act on belong to extra
people who are not in ``world["emails"]``: an admin legitimately sees their addresses."""

from __future__ import annotations

from sqlmodel import select

import lms_app.core.db
from lms_app.admin.models import TeacherApplication
from lms_app.authoring.services import curriculum
from lms_app.certificates.services import issuing
from lms_app.commerce.services import coupons
from lms_app.core.courses import Category, Enrollment
from lms_app.core.sessions import Actor
from lms_app.webhooks.models import WebhookDelivery
from lms_app.webhooks.services import register
from tests.security.api_matrix_payouts import payout_rows, payout_world
from tests.unit.assignments.assignment_support import assignment_course

SIGNED = ("learner", "other_learner", "teacher", "other_teacher", "admin", "small_scope")
NEEDS_AUTH = {"anonymous": 401, "revoked": 401, "expired": 401}


def _as(user) -> Actor:
    return Actor(user_id=user.id, role=user.role, session_id=0)


def staff_world(people: dict, course, draft, open_course, make_user, make_course, enroll) -> dict:
    """Everything the staff rows need, created through the services the pages use."""
    from tests.unit.commerce.commerce_support import buy

    teacher, other, admin = people["teacher"], people["other_teacher"], people["admin"]
    extra = {name: make_user() for name in ("buyer", "holder", "holder2", "target", "locked", "applicant",
                                            "applicant2", "author")}
    ot_draft = make_course(teacher=other, status="draft")
    pending = [make_course(teacher=teacher, status="pending") for _ in range(2)]
    paid = make_course(teacher=other, price_minor=2500, currency="USD")
    graded_course, graded_lesson, criteria = assignment_course(make_course, mode="teacher", teacher=teacher)
    enroll(extra["author"], graded_course)
    enroll(extra["holder"], course)
    enroll(extra["holder2"], course)
    with lms_app.core.db.session_scope() as s:
        module = curriculum.add_module(s, _as(teacher), draft.id, "Matrix module")
        lesson_a = curriculum.add_lesson(s, _as(teacher), module.id, "Matrix lesson", "text")
        ot_module = curriculum.add_module(s, _as(other), ot_draft.id, "Other module")
        ot_lesson = curriculum.add_lesson(s, _as(other), ot_module.id, "Other lesson", "text")
        ot_module2 = curriculum.add_module(s, _as(other), ot_draft.id, "Other module 2")
        coupon = coupons.create(s, _as(teacher), "MATRIXOFF", "percent", 10, course_id=course.id)
        hook = register(s, _as(teacher), "http://127.0.0.1:9/hook", ["enrolled"], course.id)
        ot_hook = register(s, _as(other), "http://127.0.0.1:9/other", ["enrolled"], open_course.id)
        delivery = WebhookDelivery(endpoint_id=hook.id, event_id="matrix-event", event="enrolled",
                                   payload='{"type": "enrolled"}', status="failed", attempts=3)
        s.add(delivery)
        apps = [TeacherApplication(user_id=extra[n].id, motivation="I teach chemistry at a high school.",
                                   links="https://example.test/me") for n in ("applicant", "applicant2")]
        s.add_all(apps)
        cats = [Category(name=f"Matrix category {i}", slug=f"matrix-category-{i}", position=90 + i) for i in range(2)]
        s.add_all(cats)
        s.flush()
        certs = [issuing.issue_manually(s, _as(admin), extra[n].email, course.id) for n in ("holder", "holder2")]
        ids = dict(module_id=module.id, lesson_a=lesson_a.id, ot_module_id=ot_module.id, ot_lesson_id=ot_lesson.id,
                   ot_module2_id=ot_module2.id, coupon_id=coupon.id, hook_id=hook.id, ot_hook_id=ot_hook.id,
                   delivery_id=delivery.id, app_ids=[a.id for a in apps], cat_ids=[c.id for c in cats],
                   cert_numbers=[c.number for c in certs])
    from lms_app.assignments.services import submissions

    with lms_app.core.db.session_scope() as s:
        submission = submissions.submit_text(s, _as(extra["author"]), graded_lesson.id, "My essay about salts.")
        submission_id = submission.id
    order = buy(_as(extra["buyer"]), paid.slug)
    return {"draft_id": draft.id, "ot_draft_id": ot_draft.id, "pending_ids": [c.id for c in pending],
            "staff_order_id": order.id, "submission_id": submission_id, "criteria": criteria,
            "target_id": extra["target"].id, "locked_id": extra["locked"].id, **ids,
            **payout_world(people, make_user, make_course)}


def staff_rows(w) -> list:
    g = w.get
    teacher_only = {**{c: 403 for c in SIGNED}, **NEEDS_AUTH, "teacher": 200, "other_teacher": 200, "admin": 200}
    owner = {**teacher_only, "other_teacher": 403}  # the teacher's object: the other teacher is refused
    # an object of the other teacher, deleted by its owner: the teacher (first) is refused, the admin finds nothing
    other_deletes = {**teacher_only, "teacher": 403, "admin": 404}
    created = {**{c: 403 for c in SIGNED}, **NEEDS_AUTH, "teacher": 201, "other_teacher": 201, "admin": 201}
    admin_only = {**{c: 403 for c in SIGNED}, **NEEDS_AUTH, "admin": 200}
    signed = {**{c: 200 for c in SIGNED}, **NEEDS_AUTH}
    draft, module, lesson_a = g("draft_id", 1), g("module_id", 1), g("lesson_a", 1)
    apps, cats, certs = g("app_ids", [1, 2]), g("cat_ids", [1, 2]), g("cert_numbers", ["LL-1", "LL-2"])
    pending, criteria = g("pending_ids", [1, 2]), g("criteria", [1, 2])
    details = {"title": "Matrix draft course", "subtitle": "A subtitle", "level": "beginner", "language": "en",
               "currency": "USD", "price": "0", "outcomes": ["Read the matrix"]}
    return [
        # --- teaching: courses, modules, lessons --------------------------------------------
        ("POST", "/teach/courses", "/teach/courses", {"title": "A course made by the API"}, created),
        ("GET", "/teach/courses/{course_id}", f"/teach/courses/{draft}", None, owner),
        ("PUT", "/teach/courses/{course_id}", f"/teach/courses/{draft}", details, owner),
        # the draft is incomplete: the owner is told what is missing (the submit rule, 422)
        ("POST", "/teach/courses/{course_id}/submit", f"/teach/courses/{draft}/submit", None,
         {**owner, "teacher": 422, "admin": 422}),
        ("POST", "/teach/courses/{course_id}/modules", f"/teach/courses/{draft}/modules", {"title": "Module two"},
         {**owner, "teacher": 201, "admin": 201}),
        ("PATCH", "/teach/modules/{module_id}", f"/teach/modules/{module}", {"title": "Renamed module"}, owner),
        ("POST", "/teach/modules/{module_id}/move", f"/teach/modules/{module}/move", {"position": 1}, owner),
        ("POST", "/teach/modules/{module_id}/lessons", f"/teach/modules/{module}/lessons",
         {"title": "Another lesson", "lesson_type": "text"}, {**owner, "teacher": 201, "admin": 201}),
        ("GET", "/teach/lessons/{lesson_id}", f"/teach/lessons/{lesson_a}", None, owner),
        ("PUT", "/teach/lessons/{lesson_id}", f"/teach/lessons/{lesson_a}",
         {"title": "Matrix lesson", "minutes": 5, "body": "Some **text**.", "is_preview": True}, owner),
        ("POST", "/teach/lessons/{lesson_id}/move", f"/teach/lessons/{lesson_a}/move",
         {"module_id": module, "position": 0}, owner),
        # no multipart body: token and ownership are checked before the body, then 422 (uploads:
        # tests/unit/api/test_staff.py)
        ("PUT", "/teach/lessons/{lesson_id}/file", f"/teach/lessons/{lesson_a}/file", None,
         {**owner, "teacher": 422, "admin": 422}),
        ("DELETE", "/teach/lessons/{lesson_id}/file", f"/teach/lessons/{lesson_a}/file", None, owner),
        ("DELETE", "/teach/lessons/{lesson_id}", f"/teach/lessons/{g('ot_lesson_id', 1)}", None, other_deletes),
        ("DELETE", "/teach/modules/{module_id}", f"/teach/modules/{g('ot_module2_id', 1)}", None, other_deletes),
        # --- grading, analytics, revenue, coupons ----------------------------------------------
        ("GET", "/teach/grading", "/teach/grading", None, teacher_only),
        ("GET", "/teach/submissions/{submission_id}", f"/teach/submissions/{g('submission_id', 1)}", None, owner),
        ("POST", "/teach/submissions/{submission_id}/grade", f"/teach/submissions/{g('submission_id', 1)}/grade",
         {"scores": {str(criteria[0]): 0, str(criteria[1]): 1}, "feedback": "Clear and well argued."},
         {**owner, "admin": 422}),  # graded once, by the teacher
        ("GET", "/teach/analytics", "/teach/analytics", None, teacher_only),
        ("GET", "/teach/analytics", f"/teach/analytics?course_id={g('course_id', 1)}", None,
         {**owner, "other_teacher": 404, "admin": 404}),  # someone else's course is "not yours"
        ("GET", "/teach/revenue", "/teach/revenue", None, teacher_only),
        ("GET", "/teach/coupons", "/teach/coupons", None, teacher_only),
        ("POST", "/teach/coupons", "/teach/coupons",
         lambda caller: {"code": f"MATRIX{caller.replace('_', '').upper()}", "kind": "percent", "amount": 20,
                         "course_id": w.get("course_id", 1)}, {**created, "other_teacher": 403}),
        ("POST", "/teach/coupons/{coupon_id}/deactivate", f"/teach/coupons/{g('coupon_id', 1)}/deactivate", None,
         owner),
        # --- webhooks -----------------------------------------------------------------------
        ("GET", "/webhooks", "/webhooks", None, teacher_only),
        ("POST", "/webhooks", "/webhooks", {"url": "http://127.0.0.1:9/new", "events": ["enrolled", "review_posted"],
                                            "course_id": w.get("course_id", 1)}, {**created, "other_teacher": 403}),
        ("PATCH", "/webhooks/{webhook_id}", f"/webhooks/{g('hook_id', 1)}", {"active": False},
         {**owner, "other_teacher": 404}),
        ("GET", "/webhooks/{webhook_id}/deliveries", f"/webhooks/{g('hook_id', 1)}/deliveries", None,
         {**owner, "other_teacher": 404}),
        ("POST", "/webhooks/deliveries/{delivery_id}/replay", f"/webhooks/deliveries/{g('delivery_id', 1)}/replay",
         None, {**owner, "other_teacher": 404}),
        ("DELETE", "/webhooks/{webhook_id}", f"/webhooks/{g('ot_hook_id', 1)}", None,
         {**other_deletes, "teacher": 404}),
        # --- admin --------------------------------------------------------------------------
        ("POST", "/admin/users/{user_id}/role", f"/admin/users/{g('target_id', 1)}/role", {"role": "teacher"},
         admin_only),
        ("POST", "/admin/users/{user_id}/deactivate", f"/admin/users/{g('locked_id', 1)}/deactivate", None, admin_only),
        ("POST", "/admin/users/{user_id}/reactivate", f"/admin/users/{g('locked_id', 1)}/reactivate", None, admin_only),
        ("GET", "/admin/teacher-applications", "/admin/teacher-applications", None, admin_only),
        ("POST", "/admin/teacher-applications/{application_id}/approve",
         f"/admin/teacher-applications/{apps[0]}/approve", {"message": ""}, admin_only),
        ("POST", "/admin/teacher-applications/{application_id}/reject",
         f"/admin/teacher-applications/{apps[1]}/reject", {"message": "Please add links to lessons you taught."},
         admin_only),
        ("GET", "/admin/course-reviews", "/admin/course-reviews", None, admin_only),
        ("POST", "/admin/course-reviews/{course_id}/approve", f"/admin/course-reviews/{pending[0]}/approve", None,
         admin_only),
        ("POST", "/admin/course-reviews/{course_id}/reject", f"/admin/course-reviews/{pending[1]}/reject",
         {"reason": "Add a description of what learners will do."}, admin_only),
        ("GET", "/admin/categories", "/admin/categories", None, admin_only),
        ("POST", "/admin/categories", "/admin/categories", {"name": "Matrix new category"},
         {**admin_only, "admin": 201}),
        ("PUT", "/admin/categories/{category_id}", f"/admin/categories/{cats[0]}",
         {"name": "Matrix renamed category", "description": "Renamed by the API"}, admin_only),
        ("POST", "/admin/categories/{category_id}/move", f"/admin/categories/{cats[0]}/move", {"direction": "up"},
         admin_only),
        ("DELETE", "/admin/categories/{category_id}", f"/admin/categories/{cats[1]}", None, admin_only),
        ("GET", "/admin/orders", f"/admin/orders?q={g('staff_order_id', 1)}", None, admin_only),
        ("POST", "/admin/orders/{order_id}/refund", f"/admin/orders/{g('staff_order_id', 1)}/refund",
         {"reason": "Bought by mistake."}, admin_only),
        ("GET", "/admin/audit", "/admin/audit?limit=5", None, admin_only),
        ("GET", "/admin/certificates", f"/admin/certificates?q={certs[0]}", None, admin_only),
        ("POST", "/admin/certificates/{number}/revoke", f"/admin/certificates/{certs[0]}/revoke",
         {"reason": "Issued by mistake."}, admin_only),
        ("POST", "/admin/certificates/{number}/reissue", f"/admin/certificates/{certs[1]}/reissue", None, admin_only),
        ("GET", "/admin/analytics/{table}.csv", "/admin/analytics/kpis.csv", None, admin_only),
        *payout_rows(w, teacher_only, admin_only),
        # last: it ends every caller's API sign-ins (their access tokens stay valid until expiry)
        ("POST", "/auth/sign-out-everywhere", "/auth/sign-out-everywhere", None, signed),
    ]
