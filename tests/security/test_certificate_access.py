"""Certificates: only the owner and admins download a PDF; public views leak nothing more than
the listed fields; numbers cannot be guessed from one another; revoked shows as revoked everywhere."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

import lms_app.core.db
from lms_app.core.http import build_api
from lms_app.core.sessions import SESSION_COOKIE
from lms_app.learning.pages.dashboard import DashboardState
from lms_app.certificates.pages.verify import VerifyState
from lms_app.certificates.services import issuing as certificates
from tests.unit.certificates.cert_support import certified


@pytest.fixture
def client():
    with TestClient(build_api(), base_url="http://testserver") as c:
        yield c


def test_pdf_download_is_refused_to_everyone_but_the_owner_and_admins(client, make_course, make_user, enroll,
                                                                      sign_in):
    cert, learner, _, course = certified(make_course, make_user, enroll, sign_in)
    teacher_of_course = sign_in(make_user(role="teacher"))[0]
    classmate = make_user()
    enroll(classmate, course)
    url = f"/api/certificates/{cert.number}.pdf"
    for token in (None, sign_in(classmate)[0], teacher_of_course, "forged-token"):
        client.cookies.clear()
        if token:
            client.cookies.set(SESSION_COOKIE, token)
        response = client.get(url)
        assert response.status_code == 404 and b"%PDF" not in response.content
    for token in (sign_in(learner)[0], sign_in(make_user(role="admin"))[0]):
        client.cookies.set(SESSION_COOKIE, token)
        assert client.get(url).status_code == 200


def test_numbers_share_nothing_guessable(make_course, make_user, enroll, sign_in):
    first = certified(make_course, make_user, enroll, sign_in)[0].number
    second = certified(make_course, make_user, enroll, sign_in)[0].number
    same_positions = sum(a == b for a, b in zip(first.replace("-", ""), second.replace("-", "")))
    assert len(first.replace("-", "")) == 24 and same_positions < 12  # 120 random bits, not a counter


def test_verify_page_and_credential_leak_nothing_beyond_the_listed_fields(client, states, make_course, make_user,
                                                                          enroll, sign_in):
    cert, learner, _, course = certified(make_course, make_user, enroll, sign_in, name="Private Person")
    with lms_app.core.db.session_scope() as s:
        from lms_app.core.users import User

        user = s.get(User, learner.id)
        user.bio, user.timezone = "my secret bio", "Europe/Oslo"
        password_hash = user.password_hash
    root = states.root(path=f"/verify/{cert.number}")
    states.call(states.sub(root, VerifyState), "load")
    page = states.serialize(states.snapshot(root))
    credential = client.get(f"/api/credentials/{cert.number}.json").text
    for blob in (page, credential):
        assert "Private Person" in blob  # the control: the listed name is there
        for secret in (learner.email, "my secret bio", "Europe/Oslo", password_hash, '"user_id"',
                       '"enrollment_id"'):
            assert secret not in blob, secret
    view = states.sub(root, VerifyState).view
    assert set(view) == {"status", "number", "learner_name", "course_title", "teacher_name", "date_label",
                         "issuer", "revoked_label", "credential_href", "linkedin_href",
                         "holder_closed",  # a yes/no: the holder deleted their account (privacy feature)
                         "completion_rule"}


def test_revoked_shows_as_revoked_everywhere(client, states, make_course, make_user, enroll, sign_in):
    cert, learner, _, _ = certified(make_course, make_user, enroll, sign_in)
    boss = sign_in(make_user(role="admin"))[1]
    with lms_app.core.db.session_scope() as s:
        certificates.revoke(s, boss, cert.number, "Academic misconduct")
    root = states.root(path=f"/verify/{cert.number}")
    states.call(states.sub(root, VerifyState), "load")
    assert states.sub(root, VerifyState).view["status"] == "revoked"
    response = client.get(f"/api/credentials/{cert.number}.json")
    assert response.status_code == 410 and response.json()["status"] == "revoked"
    token = sign_in(learner)[0]
    dash = states.sub(states.root(token, path="/dashboard"), DashboardState)
    states.call(dash, "load")
    assert [c["revoked"] for c in dash.certificates] == [True]
    client.cookies.set(SESSION_COOKIE, token)
    assert client.get(f"/api/certificates/{cert.number}.pdf").status_code == 404
    assert "Academic misconduct" not in json.dumps(dash.certificates)
