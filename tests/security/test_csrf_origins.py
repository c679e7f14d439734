"""Attacks 2 and 3 of issue 17: login CSRF and "any origin is trusted".

Before: ``/api/session`` took a ``text/plain`` body from any site, so a cross-site page that
auto-submitted a form with the attacker's fresh ticket signed the victim's browser into the
attacker's account; with ``LMS_ALLOWED_ORIGINS='*'`` CORS reflected any Origin with credentials
(a sibling origin read the victim's receipt) and the websocket accepted any Origin.

Each attack is replayed against the live backend (Reflex's ASGI stack as served).
"""

from __future__ import annotations

import base64
import os
import socket

import lms_app.core.db
from lms_app.core import sessions
from tests.security import live

EVIL = "https://evil.example"
SIBLING = "https://attacker.learn.example"
GOOD = "http://localhost:3000"


def _ticket(user) -> str:
    with lms_app.core.db.session_scope() as s:
        return sessions.create_login_ticket(s, user.id)


def _post_session(server, body: bytes, **headers):
    status, _, response = live.request(server.port, "POST", "/api/session", headers, body=body)
    return status, response


def test_cross_site_form_cannot_sign_the_victim_in(live_backend, make_user):
    """The attacker's page posts its own fresh ticket as a form the browser sends cross-site."""
    attacker = make_user()
    body = b'{"ticket": "%s"}' % _ticket(attacker).encode()
    for headers in ({"Origin": EVIL, "Content-Type": "text/plain"},
                    {"Origin": EVIL, "Content-Type": "application/x-www-form-urlencoded"},
                    {"Origin": EVIL, "Content-Type": "application/json"},
                    {"Origin": "null", "Content-Type": "text/plain"},  # sandboxed iframe
                    {"Sec-Fetch-Site": "cross-site", "Content-Type": "text/plain"},
                    {"Content-Type": "text/plain"}):
        status, response = _post_session(live_backend, body, **headers)
        assert status in (403, 415), headers
        assert b"set-cookie" not in response.lower(), headers
    # The ticket is still unused: the refusals happened before the route ran.
    status, response = _post_session(live_backend, body, Origin=GOOD, **{"Content-Type": "application/json"})
    assert status == 200 and b"lms_session=" in response


def test_same_origin_json_without_origin_header_uses_sec_fetch_site(live_backend, make_user):
    body = b'{"ticket": "%s"}' % _ticket(make_user()).encode()
    status, response = _post_session(live_backend, body, **{"Sec-Fetch-Site": "same-origin",
                                                            "Content-Type": "application/json"})
    assert status == 200 and b"lms_session=" in response


def test_state_changing_routes_refuse_other_origins_and_non_json(live_backend, make_user, sign_in):
    token, _ = sign_in(make_user())
    cookie = f"lms_session={token}"
    for method, path in (("POST", "/api/progress/position"), ("DELETE", "/api/session")):
        status, _, _ = live.request(live_backend.port, method, path,
                                    {"Origin": EVIL, "Cookie": cookie, "Content-Type": "application/json"}, body=b"{}")
        assert status == 403, (method, path)
    status, _, _ = live.request(live_backend.port, "POST", "/api/progress/position",
                                {"Origin": GOOD, "Cookie": cookie, "Content-Type": "text/plain"}, body=b"{}")
    assert status == 415
    with lms_app.core.db.session_scope() as s:
        assert sessions.resolve_session(s, token) is not None  # the cross-site DELETE did not sign out


def test_the_signed_webhook_needs_no_origin(live_backend):
    """Server to server: exempt from the browser checks, authenticated by its signature."""
    status, _, response = live.request(live_backend.port, "POST", "/api/webhooks/payments",
                                       {"Content-Type": "application/json", "x-lms-signature": "t=1,v1=00"},
                                       body=b'{"id": "evt_1"}')
    assert status == 400 and b"signature" in response


def test_cors_does_not_hand_a_sibling_origin_the_victims_receipt(live_backend, make_user, sign_in):
    token, _ = sign_in(make_user())
    for origin in (SIBLING, EVIL):
        _, _, response = live.request(live_backend.port, "GET", "/api/orders/1/receipt.pdf",
                                      {"Origin": origin, "Cookie": f"lms_session={token}"})
        head = response.split(b"\r\n\r\n", 1)[0].lower()
        assert b"access-control-allow-origin: " + origin.encode() not in head
        assert b"access-control-allow-origin: *" not in head
    _, _, response = live.request(live_backend.port, "GET", "/api/issuer.json", {"Origin": GOOD})
    assert b"access-control-allow-origin" in response.lower()  # public JSON stays readable


def _websocket_handshake(port: int, origin: str | None) -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    lines = ["GET /_event/?EIO=4&transport=websocket HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket",
             "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    if origin:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        try:
            return sock.recv(4096)
        except (ConnectionResetError, socket.timeout):
            return b""


def test_websocket_refuses_untrusted_origins(live_backend):
    assert _websocket_handshake(live_backend.port, EVIL).split(b"\r\n", 1)[0].find(b" 101 ") == -1
    assert _websocket_handshake(live_backend.port, SIBLING).split(b"\r\n", 1)[0].find(b" 101 ") == -1
    assert b" 101 " in _websocket_handshake(live_backend.port, GOOD).split(b"\r\n", 1)[0]


def test_production_trusts_only_the_configured_origins(monkeypatch):
    from lms_app.core.origins import cors_origins, is_trusted
    from lms_app.core.settings import load_settings

    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("LMS_PUBLIC_URL", "https://learn.example.org/")
    monkeypatch.setenv("LMS_ALLOWED_ORIGINS", "https://www.learn.example.org")
    settings = load_settings()
    assert cors_origins(settings) == ["https://www.learn.example.org", "https://learn.example.org"]
    assert is_trusted(settings, "https://learn.example.org") and is_trusted(settings, "https://www.learn.example.org")
    for origin in (GOOD, "http://127.0.0.1:8000", SIBLING, "https://learn.example.org.evil.example",
                   "http://learn.example.org", "null", ""):
        assert not is_trusted(settings, origin), origin
    monkeypatch.setenv("LMS_ENV", "development")
    monkeypatch.delenv("LMS_PUBLIC_URL")
    monkeypatch.delenv("LMS_ALLOWED_ORIGINS")
    dev = load_settings()
    assert "*" not in cors_origins(dev) and "http://localhost:3000" in cors_origins(dev)
    monkeypatch.setenv("REFLEX_FRONTEND_PORT", "3107")  # reflex run --frontend-port 3107
    assert "http://127.0.0.1:3107" in cors_origins(dev)
    assert is_trusted(dev, "http://localhost:3000") and is_trusted(dev, "http://127.0.0.1:8000")
    assert not is_trusted(dev, EVIL)


def test_every_state_changing_route_of_every_plugin_refuses_cross_site_requests():
    """Inventory: a new plugin route that changes state is covered without naming it here;
    only routes marked server_to_server (authenticated by a signature) are exempt."""
    from starlette.testclient import TestClient

    from lms_app.core import plugins
    from lms_app.core.http import build_api, guard

    client = TestClient(guard(build_api()))
    checked = 0
    for route in plugins.collected("lms_http_routes"):
        if getattr(getattr(route, "lms_route_policy", None), "bearer_auth", False):
            continue  # the bearer-only REST API: test_api_authorization.py::test_api_ignores_cookies
        policy = getattr(getattr(route, "endpoint", None), "lms_route_policy", None)
        for method in sorted((route.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}):
            path = route.path.replace("{", "").replace("}", "")  # any value: refused before routing matters
            response = client.request(method, path, content=b"{}", headers={"Origin": EVIL,
                                                                            "Content-Type": "application/json"})
            if policy is not None and policy.server_to_server:
                assert response.status_code != 403, route.path
            else:
                assert response.status_code == 403, (method, route.path)
                checked += 1
    assert checked >= 2  # /api/session (POST, DELETE) and /api/progress/position at least
