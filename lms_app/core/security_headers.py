"""Security headers on every HTTP response the backend sends: pages, API routes, files.

A pure ASGI middleware (``core/http.py`` puts it outermost), so it also covers the exported
frontend that Reflex serves in production and the responses of the request guard itself.
Websocket traffic has no response headers to set and passes through untouched.

The Content-Security-Policy is as strict as Reflex 0.10 allows; each allowance and why:

- ``script-src 'unsafe-inline'``: the exported HTML boots React Router with inline ``<script>``
  blocks whose content changes with every build (no stable hash or nonce to name).
- ``script-src 'unsafe-eval'``: ``rx.call_script`` (used for focus management, clipboard and
  the player's position hooks) runs its code with ``eval`` in the browser.
- ``style-src 'unsafe-inline'``: Radix Themes and Emotion write ``style`` attributes and
  ``<style>`` tags at run time.
- ``img-src``/``media-src`` ``https: data: blob:``: teachers may link course images and videos
  from their own hosting; generated placeholders and previews are data/blob URLs. Outside
  production also ``http:`` (a local media server while developing; in production an https
  page could not load plain-http media anyway).
- ``frame-src 'self'`` and the video embeds the player supports (YouTube, Vimeo): PDF lessons
  are shown in a frame of our own file route.
- ``connect-src 'self'`` plus the backend's own origin when it differs (development: the
  websocket on port 8000); ``ws:``/``wss:`` of the same host are covered by ``'self'``.

Everything else is closed: no plugins (``object-src 'none'``), no ``<base>`` hijack, forms only
to ourselves, and no framing by other sites (``frame-ancestors 'self'``, plus the legacy
``X-Frame-Options`` for old browsers). The policy goes on documents (HTML, SVG) only: on a PDF
it would make Chromium refuse its own PDF viewer (a plugin, under ``object-src``), and on JSON
or images it means nothing. HSTS is sent in production only: on a laptop's
http://localhost it would be ignored at best and pin a developer's browser at worst.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lms_app.core.settings import Settings, get_settings, origin_of

VIDEO_EMBEDS = ("https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com")
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                      "microphone=(), payment=(), usb=(), interest-cohort=()")
HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(extra_connect: tuple[str, ...] = (), production: bool = False) -> str:
    connect = " ".join(("'self'",) + tuple(dict.fromkeys(o for o in extra_connect if o)))
    remote = "https:" if production else "https: http:"  # plain-http media only off production
    directives = {
        "default-src": "'self'",
        "script-src": "'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": f"'self' data: blob: {remote}",
        "media-src": f"'self' blob: {remote}",
        "font-src": "'self' data:",
        "connect-src": connect,
        "frame-src": " ".join(("'self'",) + VIDEO_EMBEDS),
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _backend_origins() -> tuple[str, ...]:
    """The websocket's origin when the page is served from another port (development)."""
    try:
        from reflex.config import get_config

        return (origin_of(get_config().api_url or ""),)
    except Exception:  # noqa: BLE001 - no Reflex config (plain scripts, tests): nothing extra
        return ()


def headers_for(settings: Settings, backend_origins: tuple[str, ...] = ()) -> list[tuple[bytes, bytes]]:
    headers = [
        ("content-security-policy", content_security_policy(backend_origins, settings.is_production)),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "SAMEORIGIN"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        ("permissions-policy", PERMISSIONS_POLICY),
        ("cross-origin-opener-policy", "same-origin"),
    ]
    if settings.is_production:
        headers.append(("strict-transport-security", HSTS))
    return [(name.encode(), value.encode()) for name, value in headers]


DOCUMENT_TYPES = (b"text/html", b"image/svg+xml")
CSP = b"content-security-policy"


class SecurityHeaders:
    """Adds ``headers_for(settings)`` to every HTTP response (the CSP to documents only); a
    header a route set itself wins."""

    def __init__(self, app: ASGIApp, settings: Settings | None = None):
        self.app = app
        self.headers = headers_for(settings or get_settings(), _backend_origins())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                own = list(message.get("headers", []))
                present = {name.lower() for name, _ in own}
                kind = next((v for n, v in own if n.lower() == b"content-type"), b"").lower()
                document = kind.startswith(DOCUMENT_TYPES)
                message = {**message, "headers": own + [(n, v) for n, v in self.headers
                                                        if n not in present and (document or n != CSP)]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
