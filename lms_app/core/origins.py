"""Which browser origins the app trusts, and the one base URL every absolute link is built from.

One place for both rules so the websocket, CORS, the state-changing HTTP routes, certificates
and redirects cannot disagree:

- Trusted origins: ``LMS_ALLOWED_ORIGINS`` plus the origin of ``LMS_PUBLIC_URL``. Outside
  production, any ``localhost``/``127.0.0.1``/``[::1]`` origin is trusted too, so ``reflex run``
  (frontend on :3000 talking to the backend on :8000) and the test servers on free ports work
  without configuration; no other host is ever trusted from a request.
- Public base URL: ``LMS_PUBLIC_URL`` (required in production). Without it (development), the
  request's own origin is used only when it is a localhost origin, else ``http://localhost:3000``:
  a forged ``Host: evil.example`` never reaches a credential, a QR code or a redirect.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from lms_app.core.settings import Settings, origin_of

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})
DEV_FALLBACK_BASE = "http://localhost:3000"
# What the development server (``reflex run``) uses by default: the socket.io/CORS layer of Reflex
# takes an exact list, so these are named there; our own checks accept any localhost port.
DEV_ORIGINS = ("http://localhost:3000", "http://127.0.0.1:3000", "http://localhost:8000", "http://127.0.0.1:8000")
# ``reflex run --frontend-port/--backend-port`` (and scripts/run.sh's PORT) put the ports in
# these variables, which reach the backend process that reads rxconfig.py.
PORT_VARIABLES = ("REFLEX_FRONTEND_PORT", "REFLEX_BACKEND_PORT", "PORT")


def dev_origins() -> tuple[str, ...]:
    ports = [os.environ.get(name, "") for name in PORT_VARIABLES]
    extra = [f"http://{host}:{port}" for port in ports if port.isdigit() for host in ("localhost", "127.0.0.1")]
    return tuple(dict.fromkeys([*DEV_ORIGINS, *extra]))


def is_local(origin: str) -> bool:
    try:
        host = urlsplit(origin).hostname or ""
    except ValueError:
        return False
    return host.lower() in LOCAL_HOSTS


def trusted_origins(settings: Settings) -> tuple[str, ...]:
    """The explicitly trusted origins (allowed list + the public URL's origin)."""
    found = list(settings.allowed_origins)
    if public := origin_of(settings.public_url):
        found.append(public)
    return tuple(dict.fromkeys(found))


def cors_origins(settings: Settings) -> list[str]:
    """The exact list given to Reflex (CORS middleware and socket.io); never ``*``."""
    found = list(trusted_origins(settings))
    if not settings.is_production:
        found.extend(dev_origins())
    return list(dict.fromkeys(found))


def is_trusted(settings: Settings, origin: str | None) -> bool:
    """True when a browser on ``origin`` may drive the app (an exact origin, not a prefix)."""
    if not origin:
        return False
    normalized = origin_of(origin)
    if not normalized:
        return False
    if normalized in trusted_origins(settings):
        return True
    return not settings.is_production and is_local(normalized)


def public_base(settings: Settings, request_origin: str | None = None) -> str:
    """The base of every absolute URL (no trailing slash). Never a non-local Host header."""
    if settings.public_url:
        return settings.public_url
    normalized = origin_of(request_origin or "")
    if normalized and is_local(normalized):
        return normalized
    return DEV_FALLBACK_BASE
