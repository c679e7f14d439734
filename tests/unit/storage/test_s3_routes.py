"""The guarded file routes with object storage: permission checks unchanged, private files handed
out as short-lived presigned URLs, public pictures streamed; nothing lands on the local disk."""

from __future__ import annotations

import time

import httpx
import pytest
from starlette.testclient import TestClient

from lms_app.accounts.services import profiles
from lms_app.authoring.services import curriculum
from lms_app.core.db import session_scope
from lms_app.core.http import build_api
from lms_app.core.sessions import SESSION_COOKIE
from tests.authoring_support import actor_of, build_course
from tests.s3_support import bucket_objects

PDF = b"%PDF-1.4\n" + b"private lesson handout " * 200 + b"\n%%EOF"


@pytest.fixture
def client():
    with TestClient(build_api(), base_url="http://testserver") as c:
        yield c


@pytest.fixture
def pdf_lesson(s3_env, make_user, enroll):
    teacher = make_user(role="teacher")
    c = build_course(teacher, modules=1, lessons=2, lesson_type="pdf", status="published", preview_first=False)
    with session_scope() as s:
        lesson = curriculum.set_lesson_file(s, s3_env, actor_of(teacher), c["lessons"][0], PDF, "handout.pdf")
        key = lesson.file_key
    return c, key, teacher


def test_a_lesson_file_goes_to_the_bucket_not_the_disk(pdf_lesson, s3_env, s3_bucket):
    _, key, _ = pdf_lesson
    endpoint, bucket = s3_bucket
    assert bucket_objects(endpoint, bucket) == {f"media/lessons/{key}": PDF}
    assert not s3_env.media_dir.exists() or not any(p.is_file() for p in s3_env.media_dir.rglob("*"))


def test_a_private_lesson_file_needs_permission_then_comes_as_an_expiring_link(
        pdf_lesson, client, make_user, sign_in, enroll, use_env, s3_env, make_course):
    c, key, teacher = pdf_lesson
    url = f"/media/lessons/{c['lessons'][0]}"
    stranger_token, _ = sign_in(make_user())
    for cookies in ({}, {SESSION_COOKIE: stranger_token}, {SESSION_COOKIE: "forged"}):
        client.cookies.clear()
        client.cookies.update(cookies)
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 404 and PDF[:20] not in response.content
        assert "location" not in response.headers

    learner = make_user()
    from lms_app.core.courses import Course

    with session_scope() as s:
        course = s.get(Course, c["id"])
    enroll(learner, course)
    token, _ = sign_in(learner)
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, token)
    response = client.get(url, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["cache-control"] == "no-store"
    link = response.headers["location"]
    assert f"lessons/{key}" in link and "X-Amz-Signature=" in link and "X-Amz-Expires=300" in link
    got = httpx.get(link)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == 'inline; filename="handout.pdf"'

    use_env(LMS_STORAGE_URL_SECONDS="1")
    short = client.get(url, follow_redirects=False).headers["location"]
    assert "X-Amz-Expires=1&" in short or short.endswith("X-Amz-Expires=1")
    time.sleep(2.2)
    assert httpx.get(short).status_code == 403, "an expired link no longer opens the file"
    # the object itself, without a signature, is never public
    endpoint = s3_env.s3_endpoint_url
    assert httpx.get(f"{endpoint}/{s3_env.s3_bucket}/media/lessons/{key}").status_code == 403


def test_avatars_are_streamed_from_the_bucket_and_traversal_still_fails(s3_env, client, make_user, sign_in,
                                                                        png_bytes, s3_bucket):
    user = make_user()
    _, actor = sign_in(user)
    with session_scope() as s:
        name = profiles.set_avatar(s, s3_env, actor, png_bytes()).avatar_file
    endpoint, bucket = s3_bucket
    stored = bucket_objects(endpoint, bucket)[f"media/avatars/{name}"]
    response = client.get(f"/media/avatars/{name}")
    assert response.status_code == 200 and response.content == stored
    assert response.headers["content-type"] == "image/webp"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    for bad in ("..%2Fx", ".hidden", "nope.webp"):
        assert client.get(f"/media/avatars/{bad}").status_code == 404
    # replacing the avatar deletes the old object once the swap commits
    with session_scope() as s:
        new = profiles.set_avatar(s, s3_env, actor, png_bytes(color=(1, 2, 3))).avatar_file
    assert set(bucket_objects(endpoint, bucket)) == {f"media/avatars/{new}"}


def test_a_certificate_pdf_is_rendered_once_into_the_bucket(s3_env, client, make_user, sign_in, s3_bucket, enroll):
    from sqlmodel import select

    from lms_app.certificates.services import issuing
    from lms_app.core.courses import Course

    admin = make_user(role="admin")
    learner = make_user()
    teacher = make_user(role="teacher")
    c = build_course(teacher, modules=1, lessons=1, status="published")
    _, boss = sign_in(admin)
    with session_scope() as s:
        course = s.exec(select(Course).where(Course.id == c["id"])).one()
    enroll(learner, course)
    with session_scope() as s:
        cert = issuing.issue_manually(s, boss, learner.email, course.id)
        number = cert.number
    token, _ = sign_in(learner)
    client.cookies.set(SESSION_COOKIE, token)
    response = client.get(f"/api/certificates/{number}.pdf", follow_redirects=False)
    assert response.status_code == 302
    got = httpx.get(response.headers["location"])
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    endpoint, bucket = s3_bucket
    assert [k for k in bucket_objects(endpoint, bucket) if k.startswith("media/certificates/")]
    client.cookies.clear()
    assert client.get(f"/api/certificates/{number}.pdf", follow_redirects=False).status_code == 404
