"""Security headers (issue 16): CSP, framing, HSTS in production, Referrer-Policy, nosniff and
Permissions-Policy on every response — checked on the middleware alone and on the real backend
(our routes, Reflex's own endpoints and the request guard's refusals)."""

from __future__ import annotations

import dataclasses

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from lms_app.core.security_headers import SecurityHeaders, content_security_policy
from tests.security import live

ALWAYS = ("x-content-type-options", "x-frame-options", "referrer-policy", "permissions-policy")


def _app(settings) -> TestClient:
    async def page(request):
        return HTMLResponse("<h1>hi</h1>")

    async def pdf(request):
        return Response(b"%PDF-1.4", media_type="application/pdf")

    async def data(request):
        return JSONResponse({"ok": True})

    async def framed(request):
        return HTMLResponse("x", headers={"X-Frame-Options": "DENY"})

    inner = Starlette(routes=[Route("/", page), Route("/file.pdf", pdf), Route("/data", data),
                              Route("/framed", framed)])
    return TestClient(SecurityHeaders(inner, settings))


def test_documents_get_the_policy_and_every_response_the_rest(settings):
    client = _app(settings)
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "frame-ancestors 'self'", "base-uri 'self'",
                      "form-action 'self'"):
        assert directive in csp
    for path in ("/", "/file.pdf", "/data"):
        response = client.get(path)
        for name in ALWAYS:
            assert name in response.headers, (path, name)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "camera=()" in response.headers["permissions-policy"]
    # a PDF shown in the player's frame must keep Chromium's PDF viewer (a plugin under object-src)
    assert "content-security-policy" not in client.get("/file.pdf").headers
    assert "content-security-policy" not in client.get("/data").headers


def test_a_route_s_own_header_wins(settings):
    response = _app(settings).get("/framed")
    assert response.headers.get_list("x-frame-options") == ["DENY"]


def test_plain_http_media_only_outside_production():
    assert "media-src 'self' blob: https: http:" in content_security_policy((), production=False)
    assert "media-src 'self' blob: https:;" in content_security_policy((), production=True)


def test_hsts_only_in_production(settings):
    assert "strict-transport-security" not in _app(settings).get("/").headers
    production = dataclasses.replace(settings, environment="production")
    hsts = _app(production).get("/").headers["strict-transport-security"]
    assert "max-age=31536000" in hsts


def test_the_policy_names_the_backend_origin_when_it_differs():
    assert "connect-src 'self' http://localhost:8000;" in content_security_policy(("http://localhost:8000",))
    assert "connect-src 'self';" in content_security_policy(())


@pytest.mark.parametrize("method,path,headers", [
    ("GET", "/api/issuer.json", {}),                                             # our route
    ("GET", "/ping", {}),                                                        # Reflex's own
    ("POST", "/api/session", {"Origin": "https://evil.example",                  # refused by the guard
                              "Content-Type": "application/json"}),
    ("GET", "/no-such-page", {}),                                                # 404
])
def test_the_real_backend_sends_them_on_every_response(live_backend, method, path, headers):
    status, _, raw = live.request(live_backend.port, method, path, headers, body=b"{}" if method == "POST" else None)
    head, _ = live.split(raw)
    assert status is not None
    for name in ALWAYS:
        assert name.encode() + b":" in head, (path, name, head)
