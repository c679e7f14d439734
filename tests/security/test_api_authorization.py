"""The REST API's authorization matrix: every endpoint × every kind of caller → exactly the
expected status, and no successful response carries another user's e-mail address.

It fails when an endpoint is added to the OpenAPI document without a row here."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from lms_app.api import ratelimit
from lms_app.api.app import build_app
from lms_app.api.services import tokens
from lms_app.core.db import session_scope
from lms_app.core.http import build_api, guard
from lms_app.core.sessions import Actor
from lms_app.core.types import utcnow
from lms_app.core.users import User
from tests.security.api_matrix_learning import learner_rows, learner_world
from tests.security.api_matrix_staff import staff_rows, staff_world
from tests.unit.learning.learning_support import add_lessons

CALLERS = ("anonymous", "learner", "other_learner", "teacher", "other_teacher", "admin", "revoked", "expired",
           "small_scope")


def _row(**expected):
    """Expected status per caller: ``default`` for the roles, then overrides. Revoked and
    expired tokens get 401 wherever a token is read; anonymous where one is required."""
    return expected


def matrix(w) -> list[tuple[str, str, str, dict | None, dict[str, int]]]:
    """(method, template, concrete path, json body, {caller: status})."""
    signed = {c: 200 for c in ("learner", "other_learner", "teacher", "other_teacher", "admin", "small_scope")}
    needs_auth = {"anonymous": 401, "revoked": 401, "expired": 401}
    public = {c: 200 for c in CALLERS}
    public_optional = {**public, "revoked": 401, "expired": 401}  # a bad token is refused, no token is fine
    learn = {**signed, **needs_auth, "small_scope": 403}
    teacher_only = {**{c: 403 for c in signed}, **needs_auth, "teacher": 200, "other_teacher": 200, "admin": 200}
    bad_login = {c: 401 for c in CALLERS}
    return [
        ("POST", "/auth/token", "/auth/token", lambda caller: {"email": f"nobody-{caller}@example.test",
                                                               "password": "wrong password"}, bad_login),
        ("POST", "/auth/refresh", "/auth/refresh", {"refresh_token": "not-a-token"}, bad_login),
        ("POST", "/auth/revoke", "/auth/revoke", {"refresh_token": "not-a-token"}, public),
        ("GET", "/me", "/me", None, {**signed, **needs_auth}),
        ("GET", "/me/tokens", "/me/tokens", None, {**signed, **needs_auth}),
        ("POST", "/me/tokens", "/me/tokens", {"name": "matrix", "scopes": ["read"]},
         {**{c: 201 for c in signed}, **needs_auth, "small_scope": 403}),
        ("DELETE", "/me/tokens/{token_id}", f"/me/tokens/{w['learner_pat_id']}", None,
         {**{c: 404 for c in signed}, **needs_auth, "learner": 200}),
        ("GET", "/courses", "/courses?sort=newest&size=12", None, public),
        ("GET", "/courses/{slug}", f"/courses/{w['slug']}", None, public_optional),
        ("GET", "/courses/{slug}", f"/courses/{w['draft_slug']}", None,
         {**{c: 404 for c in CALLERS}, "teacher": 200, "admin": 200, "revoked": 401, "expired": 401}),
        ("POST", "/courses/{slug}/enroll", f"/courses/{w['open_slug']}/enroll", None, learn),
        ("POST", "/lessons/{lesson_id}/complete", f"/lessons/{w['lesson_id']}/complete", None,
         {**{c: 403 for c in signed}, **needs_auth, "learner": 200}),
        ("DELETE", "/lessons/{lesson_id}/complete", f"/lessons/{w['lesson_id']}/complete", None,
         {**{c: 403 for c in signed}, **needs_auth, "learner": 200}),
        ("GET", "/me/enrollments", "/me/enrollments", None, {**signed, **needs_auth}),
        ("GET", "/me/certificates", "/me/certificates", None, {**signed, **needs_auth}),
        ("GET", "/certificates/{number}", "/certificates/LL-0000-0000", None, public),
        ("GET", "/teach/courses", "/teach/courses", None, teacher_only),
        ("GET", "/teach/courses/{course_id}/enrollments", f"/teach/courses/{w['course_id']}/enrollments", None,
         {**teacher_only, "other_teacher": 403}),
        ("GET", "/admin/users", "/admin/users", None, {**{c: 403 for c in signed}, **needs_auth, "admin": 200}),
    ] + staff_rows(w) + learner_rows(w)


@pytest.fixture
def world(make_user, make_course, enroll):
    people = {name: make_user(role=role) for name, role in
              (("learner", "learner"), ("other_learner", "learner"), ("teacher", "teacher"),
               ("other_teacher", "teacher"), ("admin", "admin"))}
    course = make_course(teacher=people["teacher"])
    lessons = add_lessons(course, ("text",))
    draft = make_course(teacher=people["teacher"], status="draft")
    open_course = make_course(teacher=people["other_teacher"])
    enroll(people["learner"], course)
    settings_ = __import__("lms_app.core.settings", fromlist=["get_settings"]).get_settings()
    auth = {}
    with session_scope() as s:
        for name, user in people.items():
            auth[name] = tokens.issue_pair(s, settings_, s.get(User, user.id)).access_token
        learner = s.get(User, people["learner"].id)
        learner_actor = Actor(learner.id, learner.role, 0)
        row, raw = tokens.create_pat(s, learner_actor, "small", ["read"])
        auth["small_scope"] = raw
        gone, gone_raw = tokens.create_pat(s, learner_actor, "revoked", ["read", "learn"])
        tokens.revoke_pat(s, learner_actor, gone.id)
        auth["revoked"] = gone_raw
        auth["expired"] = tokens.access_token(settings_, learner, now=utcnow() - timedelta(minutes=20))
        target, _ = tokens.create_pat(s, learner_actor, "to delete", ["read"])
        target_id = target.id
    emails = {name: u.email for name, u in people.items()}
    staff = staff_world(people, course, draft, open_course, make_user, make_course, enroll)
    return learner_world(people, make_course, enroll) | {
            "auth": auth, "emails": emails, "slug": course.slug, "draft_slug": draft.slug,
            "open_slug": open_course.slug, "lesson_id": lessons[0].id, "course_id": course.id,
            "learner_pat_id": target_id, **staff}


OWNER = {"small_scope": "learner", "revoked": "learner", "expired": "learner"}


def test_every_endpoint_has_a_row():
    documented = {(m.upper(), p) for p, ops in build_app().openapi()["paths"].items() for m in ops}
    rows = {(m, t) for m, t, *_ in matrix({"learner_pat_id": 1, "slug": "s", "draft_slug": "d", "open_slug": "o",
                                           "lesson_id": 1, "course_id": 1})}
    assert documented == rows, f"missing rows: {documented - rows}; stale rows: {rows - documented}"


def test_authorization_matrix(world):
    ratelimit.reset()
    failures = []
    with TestClient(guard(build_api()), base_url="http://testserver") as client:
        for method, template, path, body_of, expected in matrix(world):
            ratelimit.reset()  # the per-address limits are tested elsewhere (test_api_rate_limits)
            for caller in CALLERS:
                body = body_of(caller) if callable(body_of) else body_of
                headers = {} if caller == "anonymous" else {"Authorization": f"Bearer {world['auth'][caller]}"}
                r = client.request(method, "/api/v1" + path, headers=headers, json=body)
                if r.status_code != expected[caller]:
                    failures.append(f"{method} {path} as {caller}: {r.status_code} != {expected[caller]} {r.text[:120]}")
                    continue
                if r.status_code >= 400:
                    assert set(r.json()) == {"error", "code", "field"}, (method, path, r.text)
                    continue
                me = OWNER.get(caller, caller)
                others = [e for name, e in world["emails"].items() if name != me]
                leaked = [e for e in others if e in r.text]
                if leaked:
                    failures.append(f"{method} {path} as {caller} shows {leaked}")
    ratelimit.reset()
    assert not failures, "\n".join(failures)


def test_api_ignores_cookies_so_cross_site_requests_borrow_nothing(make_user, make_course, sign_in):
    """The API skips the browser-origin check (bearer_auth): it must then never authenticate by
    the session cookie. A cross-site request that carries a live session cookie is anonymous."""
    from lms_app.core.sessions import SESSION_COOKIE

    learner = make_user()
    course = make_course()
    cookie, _ = sign_in(learner)
    ratelimit.reset()
    with TestClient(guard(build_api()), base_url="http://testserver", cookies={SESSION_COOKIE: cookie}) as client:
        evil = {"Origin": "https://evil.example", "Content-Type": "application/json"}
        assert client.post(f"/api/v1/courses/{course.slug}/enroll", headers=evil, content=b"{}").status_code == 401
        assert client.get("/api/v1/me", headers=evil).status_code == 401
        # a cross-site HTML form cannot send JSON: still refused before the API sees it
        form = {"Origin": "https://evil.example", "Content-Type": "application/x-www-form-urlencoded"}
        assert client.post("/api/v1/auth/token", headers=form, content=b"email=a&password=b").status_code == 415
