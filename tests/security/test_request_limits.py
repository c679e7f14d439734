"""Attack 1 of issue 17: unauthenticated memory exhaustion with huge request bodies.

Before: ``POST /api/session``, ``/api/progress/position`` and the payment webhook read the whole
body before any size check (one 300 MB request added ~690 MB of RSS), and Reflex's ``/_upload``
spooled 300 MB to /tmp before the handler's sign-in check, with an invented client token.

Against a real backend process (``live_server.py``: Reflex's ASGI stack served by Granian), each
route gets 4 parallel 300 MB bodies, declared by Content-Length and streamed chunked; the
server's peak RSS may grow by less than 20 MB and nothing may land on disk.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.security import live

MB = 1024 * 1024
ATTACK = 300 * MB
PARALLEL = 4
JSON_SAME_ORIGIN = {"Origin": "http://localhost:3000", "Content-Type": "application/json"}
# Same origin as the page, as in production (one port): the browser would send its cookies.
UPLOAD_HEADERS = {"Content-Type": "multipart/form-data; boundary=xyz", "Sec-Fetch-Site": "same-origin",
                  "reflex-client-token": "invented-token", "reflex-event-handler": "reflex___state____state.x"}
# (method, path, headers): every route a stranger can reach with a body.
TARGETS = [
    ("POST", "/api/session", JSON_SAME_ORIGIN),
    ("POST", "/api/progress/position", JSON_SAME_ORIGIN),
    ("POST", "/api/webhooks/payments", {"Content-Type": "application/json", "x-lms-signature": "t=1,v1=00"}),
    ("POST", "/_upload", UPLOAD_HEADERS),
    ("DELETE", "/api/session", JSON_SAME_ORIGIN),
    ("GET", "/api/issuer.json", {}),
    ("POST", "/no-such-route", JSON_SAME_ORIGIN),
]


@pytest.fixture
def server(live_backend):
    return live_backend


def _warm_up(server):
    """One small request per route first, so lazily imported code is not counted as growth."""
    for method, path, headers in TARGETS:
        live.request(server.port, method, path, headers, body=b"{}")


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_300_mb_bodies_cost_no_memory_and_no_disk(server, chunked):
    _warm_up(server)
    before = server.status("VmRSS")
    server.reset_peak()
    with ThreadPoolExecutor(PARALLEL * len(TARGETS)) as pool:
        results = list(pool.map(lambda t: (t, live.request(server.port, t[0], t[1], t[2], ATTACK, chunked=chunked)),
                                TARGETS * PARALLEL))
    growth = server.status("VmHWM") - before
    print(f"\n{'chunked' if chunked else 'content-length'}: {len(results)} x 300 MB, peak RSS growth "
          f"{growth / MB:.1f} MB, {server.disk_bytes()} bytes on disk")
    for (method, path, _), (status, sent, _) in results:
        # Routes that never read a body may answer at once (DELETE, GET, 404); the rest must refuse.
        reads_body = method == "POST" and path != "/no-such-route"
        assert status in ((401, 413) if reads_body else (200, 401, 404, 413)), f"{method} {path} answered {status}"
        assert sent < 64 * MB, f"{method} {path} read {sent / MB:.0f} MB before refusing"
    assert growth < 20 * MB
    assert server.disk_bytes() == 0


def test_uploads_need_a_session_before_the_body_is_accepted(server, make_user, sign_in):
    status, sent, response = live.request(server.port, "POST", "/_upload", UPLOAD_HEADERS, 50 * MB, chunked=True)
    assert status == 401 and sent < 8 * MB
    assert server.disk_bytes() == 0
    token, _ = sign_in(make_user())
    forged = {**UPLOAD_HEADERS, "Cookie": "lms_session=forged-token"}
    assert live.request(server.port, "POST", "/_upload", forged, 50 * MB)[0] == 401
    # Signed in: the same body passes the guard (Reflex then refuses the unknown handler, 400).
    signed_in = {**UPLOAD_HEADERS, "Cookie": f"lms_session={token}"}
    status, _, _ = live.request(server.port, "POST", "/_upload", signed_in, body=b"--xyz--\r\n")
    assert status == 400
    # ... but not beyond the largest upload a lesson type accepts.
    assert live.request(server.port, "POST", "/_upload", signed_in, ATTACK)[0] == 413


def test_cross_port_upload_allowance_is_for_local_development_only(server, monkeypatch):
    """reflex run's page on :3000 uploads to :8000 without cookies (a cross-origin XHR); in
    development that is let through to the handler's own guard, never in production."""
    from lms_app.core.request_guard import _dev_cross_port
    from lms_app.core.settings import load_settings

    scope = {"type": "http", "scheme": "http", "headers": [(b"host", b"localhost:8000"),
                                                          (b"origin", b"http://localhost:3000")]}
    monkeypatch.setenv("LMS_ENV", "development")
    assert _dev_cross_port(load_settings(), scope)
    assert not _dev_cross_port(load_settings(), {**scope, "headers": [(b"host", b"localhost:8000"),
                                                                      (b"origin", b"https://evil.example")]})
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("LMS_ALLOWED_ORIGINS", "http://localhost:3000")
    assert not _dev_cross_port(load_settings(), scope)


def test_small_valid_requests_still_pass(server):
    status, _, response = live.request(server.port, "POST", "/api/session", JSON_SAME_ORIGIN, body=b'{"ticket": "x"}')
    assert status == 400 and b"expired" in response  # reached the route: an unknown ticket
    assert live.request(server.port, "GET", "/api/issuer.json", {})[0] == 200
