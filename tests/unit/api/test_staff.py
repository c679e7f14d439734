"""Teacher and admin endpoints beyond the authorization matrix: the same rule and the same audit
trail as the pages, uploads, token hygiene (deactivation, password change and reset, sign out
everywhere) and key rotation."""

from __future__ import annotations

import jwt
import pytest
from sqlmodel import select

from lms_app.accounts.services import accounts, recovery
from lms_app.accounts.services import tokens as account_tokens
from lms_app.admin.services import users as admin_users
from lms_app.api.models import ApiRefreshToken, ApiToken
from lms_app.api.services import tokens
from lms_app.core.audit_log import AuditEntry
from lms_app.core.courses import Lesson
from lms_app.core.sessions import Actor, UserSession
from lms_app.core.users import User
from tests.conftest import DEFAULT_PASSWORD
from tests.unit.api.conftest import bearer

V1 = "/api/v1"


def _pat(api, access: str, scopes=("read",)) -> str:
    r = api.post(f"{V1}/me/tokens", json={"name": "script", "scopes": list(scopes)}, headers=bearer(access))
    assert r.status_code == 201, r.text
    return r.json()["token"]


def _live(db, user_id: int) -> dict[str, int]:
    db.expire_all()
    refresh = db.exec(select(ApiRefreshToken).where(ApiRefreshToken.user_id == user_id,
                                                    ApiRefreshToken.revoked_at.is_(None))).all()
    pats = db.exec(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))).all()
    return {"refresh": len(refresh), "pats": len(pats)}


# --- token hygiene ----------------------------------------------------------------------------

def test_admin_deactivation_through_the_api_revokes_refresh_and_personal_tokens(api, login, make_user, db, sign_in):
    admin, user = make_user(role="admin"), make_user()
    pair, second = login(user), login(user)
    pat = _pat(api, pair["access_token"])
    sign_in(user)  # a browser session too
    assert _live(db, user.id) == {"refresh": 2, "pats": 1}
    r = api.post(f"{V1}/admin/users/{user.id}/deactivate", headers=bearer(login(admin)["access_token"]))
    assert r.status_code == 200 and r.json()["active"] is False, r.text
    assert _live(db, user.id) == {"refresh": 0, "pats": 0}
    assert db.exec(select(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))).all() == []
    for refresh in (pair["refresh_token"], second["refresh_token"]):
        assert api.post(f"{V1}/auth/refresh", json={"refresh_token": refresh}).status_code == 401
    # reactivated, the old credentials stay dead: a new sign-in is needed
    assert api.post(f"{V1}/admin/users/{user.id}/reactivate",
                    headers=bearer(login(admin)["access_token"])).status_code == 200
    assert api.get(f"{V1}/me", headers=bearer(pat)).status_code == 401
    assert api.post(f"{V1}/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert api.get(f"{V1}/me", headers=bearer(login(user)["access_token"])).status_code == 200


def test_deactivation_from_the_admin_page_service_revokes_the_same(login, api, make_user, db):
    admin, user = make_user(role="admin"), make_user()
    pair = login(user)
    _pat(api, pair["access_token"])
    admin_users.set_active(db, Actor(admin.id, "admin", 0), user.id, False)
    db.commit()
    assert _live(db, user.id) == {"refresh": 0, "pats": 0}


def test_password_change_revokes_every_api_sign_in_but_keeps_personal_tokens(api, login, make_user, db, settings):
    user = make_user()
    pair = login(user)
    pat = _pat(api, pair["access_token"])
    accounts.change_password(db, settings, Actor(user.id, user.role, 0), DEFAULT_PASSWORD, "a new long password")
    db.commit()
    assert _live(db, user.id) == {"refresh": 0, "pats": 1}
    assert api.get(f"{V1}/me", headers=bearer(pair["access_token"])).status_code == 401
    assert api.get(f"{V1}/me", headers=bearer(pat)).status_code == 200


def test_password_reset_revokes_refresh_and_personal_tokens(api, login, make_user, db, settings):
    user = make_user()
    pair = login(user)
    pat = _pat(api, pair["access_token"])
    raw = account_tokens.issue(db, user.id, "reset_password")
    db.commit()
    recovery.reset_password(db, settings, raw, "a brand new password")
    db.commit()
    assert _live(db, user.id) == {"refresh": 0, "pats": 0}
    assert api.get(f"{V1}/me", headers=bearer(pat)).status_code == 401


def test_sign_out_everywhere_ends_web_sessions_and_api_sign_ins(api, login, make_user, db, sign_in):
    user, other = make_user(), make_user()
    pair, phone = login(user), login(user)
    pat = _pat(api, pair["access_token"])
    sign_in(user)
    sign_in(user)
    other_pair = login(other)
    r = api.post(f"{V1}/auth/sign-out-everywhere", headers=bearer(pat))
    assert r.status_code == 200 and r.json() == {"web_sessions": 2}
    assert _live(db, user.id) == {"refresh": 0, "pats": 1}
    for refresh in (pair["refresh_token"], phone["refresh_token"]):
        assert api.post(f"{V1}/auth/refresh", json={"refresh_token": refresh}).status_code == 401
    assert api.post(f"{V1}/auth/refresh", json={"refresh_token": other_pair["refresh_token"]}).status_code == 200


# --- key rotation ---------------------------------------------------------------------------

OLD = ("old", "o" * 40)
NEW = ("new", "n" * 40)


def test_rotation_new_key_signs_old_key_still_verifies_then_is_dropped(db, make_user, settings, monkeypatch):
    user = make_user()
    monkeypatch.setattr(tokens, "configured_keys", lambda: (OLD,))
    old_token = tokens.access_token(settings, db.get(User, user.id))
    assert jwt.get_unverified_header(old_token)["kid"] == "old"
    monkeypatch.setattr(tokens, "configured_keys", lambda: (NEW, OLD))
    new_token = tokens.access_token(settings, db.get(User, user.id))
    assert jwt.get_unverified_header(new_token)["kid"] == "new"
    for token in (old_token, new_token):
        assert tokens.authenticate_bearer(db, settings, token).actor.user_id == user.id
    monkeypatch.setattr(tokens, "configured_keys", lambda: (NEW,))
    with pytest.raises(tokens.TokenError):
        tokens.authenticate_bearer(db, settings, old_token)  # its kid is no longer listed
    claims = jwt.decode(new_token, options={"verify_signature": False})
    for forged in (jwt.encode(claims, "o" * 40, algorithm="HS256", headers={"kid": "new"}),  # another key
                   jwt.encode(claims, None, algorithm="none", headers={"kid": "new"}),
                   jwt.encode(claims, tokens.signing_keys(settings)["new"], algorithm="HS512", headers={"kid": "new"}),
                   jwt.encode(claims, tokens.signing_keys(settings)["new"], algorithm="HS256", headers={"kid": "x"})):
        with pytest.raises(tokens.TokenError):
            tokens.authenticate_bearer(db, settings, forged)


@pytest.mark.parametrize("raw", ["", "nokid", "a:short", "a:" + "x" * 40 + ",a:" + "y" * 40, "bad kid!:" + "x" * 40])
def test_jwt_keys_setting_refuses_bad_values(raw):
    with pytest.raises(ValueError):
        tokens.parse_keys(raw)


def test_jwt_keys_setting_parses_pairs_in_order():
    assert tokens.parse_keys(f"k2:{'a' * 32}, k1:{'b' * 32}") == (("k2", "a" * 32), ("k1", "b" * 32))


# --- the same rules and the same audit trail as the pages ------------------------------------

def test_admin_actions_through_the_api_are_audited_like_the_pages(api, login, make_user, make_course, db):
    admin, user = make_user(role="admin"), make_user()
    course = make_course(status="pending")
    headers = bearer(login(admin)["access_token"])
    assert api.post(f"{V1}/admin/users/{user.id}/role", json={"role": "teacher"}, headers=headers).status_code == 200
    assert api.post(f"{V1}/admin/users/{user.id}/deactivate", headers=headers).status_code == 200
    assert api.post(f"{V1}/admin/course-reviews/{course.id}/reject", json={"reason": "Too short for now."},
                    headers=headers).status_code == 200
    assert api.post(f"{V1}/admin/categories", json={"name": "Chemistry"}, headers=headers).status_code == 201
    db.expire_all()
    entries = db.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id) for e in entries] == [("user.role", admin.id), ("user.deactivate", admin.id),
                                                         ("course.reject", admin.id), ("category.create", admin.id)]
    # the log through the API: filters and cursor pages
    first = api.get(f"{V1}/admin/audit?limit=2", headers=headers).json()
    assert [r["action"] for r in first["rows"]] == ["Created category", "Rejected course"] and first["next"]
    rest = api.get(f"{V1}/admin/audit?limit=2&before={first['next']}", headers=headers).json()
    assert [r["action"] for r in rest["rows"]] == ["Deactivated account", "Changed role"] and rest["next"] == 0
    only = api.get(f"{V1}/admin/audit?action=course.reject", headers=headers).json()
    assert [r["summary"] for r in only["rows"]] == [f"{course.title}: Too short for now."]


def test_admin_refusals_are_the_services_own(api, login, make_user):
    admin = make_user(role="admin")
    headers = bearer(login(admin)["access_token"])
    r = api.post(f"{V1}/admin/users/{admin.id}/deactivate", headers=headers)
    assert r.status_code == 422 and r.json()["error"] == "You cannot deactivate your own account."
    assert api.post(f"{V1}/admin/users/999999/deactivate", headers=headers).json()["code"] == "not_found"
    r = api.get(f"{V1}/admin/analytics/kpis.csv", headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text.splitlines()[0] == "Metric,This period,Previous period,Change"


def test_teacher_builds_a_course_and_reorders_it(api, login, make_user):
    teacher = make_user(role="teacher")
    headers = bearer(login(teacher)["access_token"])
    course = api.post(f"{V1}/teach/courses", json={"title": "Acids and bases"}, headers=headers).json()
    assert course["status"] == "draft"
    cid = course["id"]
    m1 = api.post(f"{V1}/teach/courses/{cid}/modules", json={"title": "First"}, headers=headers).json()["modules"][0]
    mods = api.post(f"{V1}/teach/courses/{cid}/modules", json={"title": "Second"}, headers=headers).json()["modules"]
    lesson = api.post(f"{V1}/teach/modules/{m1['id']}/lessons", json={"title": "pH", "lesson_type": "text"},
                      headers=headers).json()
    moved = api.post(f"{V1}/teach/modules/{mods[1]['id']}/move", json={"position": 0}, headers=headers).json()
    assert [m["title"] for m in moved["modules"]] == ["Second", "First"]
    moved = api.post(f"{V1}/teach/lessons/{lesson['id']}/move", json={"module_id": mods[1]["id"], "position": 0},
                     headers=headers).json()
    assert [(x["title"], x["module_id"]) for x in moved["lessons"]] == [("pH", mods[1]["id"])]
    r = api.post(f"{V1}/teach/courses/{cid}/submit", headers=headers)
    assert r.status_code == 422 and "not ready for review" in r.json()["error"]


def test_lesson_file_upload_within_the_lesson_types_limit(api, login, make_user, make_course, db):
    from tests.unit.learning.learning_support import add_lessons

    teacher, other = make_user(role="teacher"), make_user(role="teacher")
    course = make_course(teacher=teacher, status="draft")
    pdf_lesson = add_lessons(course, ("pdf",))[0]
    headers = bearer(login(teacher)["access_token"])
    pdf = b"%PDF-1.4\n" + b"0" * 2000
    url = f"{V1}/teach/lessons/{pdf_lesson.id}/file"
    r = api.put(url, files={"file": ("notes.pdf", pdf, "application/pdf")}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["file_name"] == "notes.pdf"
    db.expire_all()
    assert db.get(Lesson, pdf_lesson.id).file_size == len(pdf)
    # content is checked, not the name; someone else's lesson is refused before anything is read
    r = api.put(url, files={"file": ("fake.pdf", b"GIF89a not a pdf", "application/pdf")}, headers=headers)
    assert r.status_code == 422 and r.json()["field"] == "file"
    r = api.put(url, files={"file": ("notes.pdf", pdf, "application/pdf")},
                headers=bearer(login(other)["access_token"]))
    assert r.status_code == 403
    # JSON is not an upload; other API paths keep the small JSON limit
    assert api.put(url, json={"file": "x"}, headers=headers).status_code == 415
    big = {"title": "x" * (70 * 1024)}
    assert api.post(f"{V1}/teach/courses", json=big, headers=headers).status_code == 413


def _staff_data(make_user, make_course, enroll, teacher, admin, n: int) -> None:
    """n of everything the staff lists show: courses, coupons, webhooks, audit entries."""
    from lms_app.commerce.services import coupons
    from lms_app.core.db import session_scope
    from lms_app.webhooks.services import register

    for i in range(n):
        course = make_course(teacher=teacher)
        enroll(make_user(), course)
        with session_scope() as s:
            coupons.create(s, Actor(teacher.id, "teacher", 0), f"C{course.id}X{i}", "percent", 10, course_id=course.id)
            register(s, Actor(teacher.id, "teacher", 0), f"http://127.0.0.1:9/{i}", ["enrolled"], course.id)
            coupons.create(s, Actor(admin.id, "admin", 0), f"A{course.id}X{i}", "percent", 5, course_id=course.id)


STAFF_LISTS = ("/teach/courses", "/teach/coupons", "/teach/revenue", "/teach/grading", "/teach/analytics", "/webhooks",
               "/admin/audit", "/admin/categories", "/admin/orders", "/admin/course-reviews",
               "/admin/teacher-applications", "/admin/certificates")


def test_staff_lists_run_a_constant_number_of_statements(api, login, make_user, make_course, enroll, count_queries):
    """Statements per request do not grow with the data (2 rows vs 12 of everything)."""
    teacher, admin = make_user(role="teacher"), make_user(role="admin")
    auth = {"teach": bearer(login(teacher)["access_token"]), "admin": bearer(login(admin)["access_token"])}

    def measure() -> dict[str, int]:
        out = {}
        for path in STAFF_LISTS:
            with count_queries() as n:
                r = api.get(V1 + path, headers=auth["admin" if path.startswith("/admin") else "teach"])
            assert r.status_code == 200, (path, r.text)
            out[path] = n.count
        return out

    _staff_data(make_user, make_course, enroll, teacher, admin, 2)
    small = measure()
    _staff_data(make_user, make_course, enroll, teacher, admin, 10)
    assert measure() == small
    assert max(small.values()) <= 8, small


def test_upload_body_is_not_read_before_the_token_and_ownership_are_checked(api, login, make_user, make_course):
    from tests.unit.learning.learning_support import add_lessons

    teacher, other = make_user(role="teacher"), make_user(role="teacher")
    lesson = add_lessons(make_course(teacher=teacher, status="draft"), ("pdf",))[0]
    url = f"{V1}/teach/lessons/{lesson.id}/file"
    files = {"file": ("notes.pdf", b"%PDF-1.4\n" + b"0" * 100, "application/pdf")}
    assert api.put(url, files=files).status_code == 401
    assert api.put(url, files=files, headers=bearer(login(other)["access_token"])).status_code == 403
    headers = bearer(login(teacher)["access_token"])
    # a declared size beyond the type's limit is refused from the headers
    r = api.put(url, content=b"x", headers={**headers, "Content-Type": "multipart/form-data; boundary=b",
                                            "Content-Length": str(60 * 1024 * 1024)})
    assert r.status_code == 413
    r = api.put(url, content=b"--b\r\nbroken", headers={**headers, "Content-Type": "multipart/form-data; boundary=b"})
    assert r.status_code == 422 and r.json()["field"] == "file"


def test_webhooks_through_the_api_follow_the_pages_rules(api, login, make_user, make_course, db):
    from lms_app.webhooks.models import WebhookEndpoint

    teacher, other, admin = make_user(role="teacher"), make_user(role="teacher"), make_user(role="admin")
    course = make_course(teacher=teacher)
    t, o, a = (bearer(login(u)["access_token"]) for u in (teacher, other, admin))
    body = {"url": "http://127.0.0.1:9/hook", "events": ["enrolled"], "course_id": course.id}
    created = api.post(f"{V1}/webhooks", json=body, headers=t)
    assert created.status_code == 201 and created.json()["secret"].startswith("whsec_")
    hook = created.json()["id"]
    assert "secret" not in api.get(f"{V1}/webhooks", headers=t).json()[0]  # shown once
    # a teacher registers for their own courses only; every event name is checked
    assert api.post(f"{V1}/webhooks", json={**body, "course_id": None}, headers=t).json()["field"] == "course_id"
    assert api.post(f"{V1}/webhooks", json=body, headers=o).status_code == 403
    assert api.post(f"{V1}/webhooks", json={**body, "events": ["nope"]}, headers=t).status_code == 422
    assert api.post(f"{V1}/webhooks", json={**body, "course_id": None}, headers=a).status_code == 201  # all courses
    # edit: the same URL and event checks; switching back on clears the failure count
    row = db.get(WebhookEndpoint, hook)
    row.is_active, row.consecutive_failures, row.disabled_reason = False, 5, "Switched off"
    db.add(row)
    db.commit()
    r = api.patch(f"{V1}/webhooks/{hook}", json={"events": ["enrolled", "course_completed"], "active": True}, headers=t)
    assert r.status_code == 200 and r.json()["events"] == ["enrolled", "course_completed"] and r.json()["active"]
    db.expire_all()
    assert (db.get(WebhookEndpoint, hook).consecutive_failures, db.get(WebhookEndpoint, hook).disabled_reason) == (0, "")
    assert api.patch(f"{V1}/webhooks/{hook}", json={"url": "ftp://x"}, headers=t).json()["field"] == "url"
    assert api.patch(f"{V1}/webhooks/{hook}", json={"active": False}, headers=o).status_code == 404
    assert [w["id"] for w in api.get(f"{V1}/webhooks", headers=o).json()] == []
    assert len(api.get(f"{V1}/webhooks", headers=a).json()) == 2  # admins see all
    assert api.delete(f"{V1}/webhooks/{hook}", headers=o).status_code == 404
    assert api.delete(f"{V1}/webhooks/{hook}", headers=t).status_code == 200
