"""Attack 4 of issue 17: the Host header was trusted for absolute URLs.

Before: without ``LMS_PUBLIC_URL`` (also allowed in production) a signed credential fetched with
``Host: evil.example`` named evil.example as its issuer and verification method, the first
download froze that host into the certificate's QR/verify URL, and the sitemap used it too.
Now every absolute URL comes from ``core/origins.public_base``: the public URL, or (development
only) a localhost origin, never a forged Host.
"""

from __future__ import annotations

import io
import json

import pypdf

from tests.security import live
from tests.unit.certificates.cert_support import certified

EVIL = b"evil.example"


def _get(server, path, host="evil.example", cookie=None):
    headers = {"Host": host}
    if cookie:
        headers["Cookie"] = f"lms_session={cookie}"
    status, _, response = live.request(server.port, "GET", path, headers)
    return (status, *live.split(response))


def test_forged_host_never_reaches_credentials_qr_codes_or_the_sitemap(live_backend, make_course, make_user, enroll,
                                                                      sign_in):
    cert, learner, _, _ = certified(make_course, make_user, enroll, sign_in)
    token, _ = sign_in(learner)
    status, _, body = _get(live_backend, f"/api/credentials/{cert.number}.json")
    assert status == 200 and EVIL not in body
    credential = json.loads(body)
    assert credential["issuer"]["id"].startswith("http://localhost:3000/")
    for path in ("/api/issuer.json", "/.well-known/lms-issuer.json", "/sitemap.xml"):
        status, _, body = _get(live_backend, path)
        assert status == 200 and EVIL not in body, path
    # The first download renders and stores the PDF: its QR/verify URL must not be the forged host.
    status, _, body = _get(live_backend, f"/api/certificates/{cert.number}.pdf", cookie=token)
    assert status == 200 and body.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert "evil.example" not in text and f"localhost:3000/verify/{cert.number}" in text


def test_public_base_ignores_the_request_in_production_and_non_local_hosts_in_development(monkeypatch):
    from lms_app.core.origins import public_base
    from lms_app.core.settings import load_settings

    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("LMS_PUBLIC_URL", "https://learn.example.org")
    assert public_base(load_settings(), "https://evil.example") == "https://learn.example.org"
    monkeypatch.setenv("LMS_ENV", "development")
    monkeypatch.delenv("LMS_PUBLIC_URL")
    dev = load_settings()
    assert public_base(dev, "https://evil.example") == "http://localhost:3000"
    assert public_base(dev, "http://127.0.0.1:8123") == "http://127.0.0.1:8123"  # local test servers work
    assert public_base(dev, None) == "http://localhost:3000"
