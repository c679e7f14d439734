"""HTTP routes beside the websocket: the cookie hand-over and private media files."""

from __future__ import annotations

from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import update
from starlette.requests import Request
from starlette.testclient import TestClient

from lms_app.accounts.api import avatar
from lms_app.core.http import build_api
from lms_app.core.sessions import SESSION_COOKIE
from lms_app.core.db import session_scope
from lms_app.core.users import LoginTicket
from lms_app.core.types import utcnow
from lms_app.accounts.services import profiles
from lms_app.core import sessions


@pytest.fixture
def client():
    with TestClient(build_api(), base_url="http://testserver") as c:
        yield c


def new_ticket(user) -> str:
    with session_scope() as s:
        return sessions.create_login_ticket(s, user.id)


def cookie_attrs(response) -> dict[str, str]:
    [header] = response.headers.get_list("set-cookie")
    parts = [p.strip() for p in header.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {"name": name, "value": value}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        attrs[k.lower()] = v or "true"
    return attrs


def test_valid_ticket_sets_an_httponly_lax_session_cookie(client, make_user, settings):
    user = make_user()
    response = client.post("/api/session", json={"ticket": new_ticket(user)})
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert response.headers["cache-control"] == "no-store"
    attrs = cookie_attrs(response)
    assert attrs["name"] == SESSION_COOKIE
    assert attrs["httponly"] == "true"
    assert attrs["samesite"].lower() == "lax"
    assert attrs["path"] == "/"
    assert int(attrs["max-age"]) == settings.session_days * 86400
    assert attrs["value"] not in response.text
    with session_scope() as s:
        found_user, _ = sessions.resolve_session(s, attrs["value"])
    assert found_user.id == user.id


def test_reusing_a_ticket_fails_with_400(client, make_user):
    ticket = new_ticket(make_user())
    assert client.post("/api/session", json={"ticket": ticket}).status_code == 200
    again = client.post("/api/session", json={"ticket": ticket})
    assert again.status_code == 400
    assert "set-cookie" not in again.headers
    assert "expired" in again.json()["error"]


def test_expired_ticket_fails_with_400(client, make_user):
    ticket = new_ticket(make_user())
    with session_scope() as s:
        s.exec(update(LoginTicket).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.post("/api/session", json={"ticket": ticket}).status_code == 400


@pytest.mark.parametrize("body", [b"", b"not json", b"[]", b'"ticket"', b'{"ticket": null}', b'{"ticket": 12}',
                                  b'{"ticket": ["a"]}', b'{"ticket": "forged-ticket"}'])
def test_garbage_bodies_fail_with_400(client, make_user, body):
    new_ticket(make_user())
    response = client.post("/api/session", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "set-cookie" not in response.headers


def test_delete_revokes_the_session_and_clears_the_cookie(client, make_user, sign_in):
    user = make_user()
    token, _ = sign_in(user)
    other, _ = sign_in(user)
    response = client.delete("/api/session", headers={"cookie": f"{SESSION_COOKIE}={token}"})
    assert response.status_code == 200
    cleared = SimpleCookie(response.headers["set-cookie"])[SESSION_COOKIE]
    assert cleared.value in ("", '""') and cleared["max-age"] == "0"
    with session_scope() as s:
        assert sessions.resolve_session(s, token) is None
        assert sessions.resolve_session(s, other) is not None


def test_delete_without_a_cookie_is_harmless(client, make_user, sign_in):
    token, _ = sign_in(make_user())
    assert client.delete("/api/session").status_code == 200
    with session_scope() as s:
        assert sessions.resolve_session(s, token) is not None


@pytest.fixture
def media(settings, make_user, sign_in, png_bytes):
    """A real stored avatar, plus files outside the avatar folder a traversal would aim at."""
    user = make_user()
    _, actor = sign_in(user)
    with session_scope() as s:
        name = profiles.set_avatar(s, settings, actor, png_bytes()).avatar_file
    (settings.media_dir / "secret.webp").write_bytes(b"SECRET-OUTSIDE")
    (settings.data_dir / "x").write_bytes(b"SECRET-X")
    (profiles.avatar_dir(settings) / ".hidden").write_bytes(b"SECRET-HIDDEN")
    return name


def test_stored_avatar_is_served(client, media):
    response = client.get(f"/media/avatars/{media}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/webp"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content[:4] == b"RIFF"


@pytest.mark.parametrize("path", [
    "/media/avatars/../x", "/media/avatars/%2e%2e/x", "/media/avatars/..%2Fx", "/media/avatars/..%2Fsecret.webp",
    "/media/avatars/%2e%2e", "/media/avatars/.hidden", "/media/avatars/..%5Csecret.webp",
    "/media/avatars/%2e%2e%2f%2e%2e%2fx", "/media/avatars/nope.webp",
])
def test_traversal_and_unknown_names_return_404(client, media, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"SECRET" not in response.content


@pytest.mark.parametrize("name", ["../secret.webp", "..", "../../x", "..\\secret.webp", ".hidden", "", "a/b"])
def test_avatar_handler_refuses_unsafe_names_even_if_the_router_let_them_through(media, name):
    import asyncio

    scope = {"type": "http", "method": "GET", "path": "/media/avatars/x", "headers": [],
             "query_string": b"", "path_params": {"name": name}}
    response = asyncio.run(avatar(Request(scope)))
    assert response.status_code == 404
