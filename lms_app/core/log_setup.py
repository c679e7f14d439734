"""Logging configured once per process: JSON lines in production, readable lines elsewhere, and
the request or event that caused each line on every line.

- ``configure(settings)`` gives the root logger one handler (idempotent): python-json-logger's
  formatter in production (one JSON object per line, for a log shipper), a plain format in
  development and tests. Level from ``LMS_LOG_LEVEL`` (default info). Reflex keeps its own
  sinks for its ``reflex.*`` loggers (``REFLEX_LOG_JSON=1`` makes those JSON too).
- ``request_id`` on every record: the HTTP request's id (``RequestId`` middleware: a sane
  ``X-Request-ID`` from the proxy, else a new one, echoed in the response), the Reflex event's
  client token prefix while an event handler runs, or the job's task id in the worker.
- Secrets never reach a line: ``core/log_hygiene.py`` redacts every record when it is created,
  before any formatter sees it (``tests/security/test_log_hygiene.py``).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import sys
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lms_app.core.settings import Settings

CONTEXT: ContextVar[str] = ContextVar("lms_request_id", default="")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"


def current_id() -> str:
    """The id of what this code runs for: a request, an event (client token prefix), a job."""
    if value := CONTEXT.get():
        return value
    try:
        from reflex_base.event.context import EventContext

        token = EventContext.get().token
        return "ev-" + token[:12] if token else "-"
    except Exception:  # noqa: BLE001 - outside an event (start-up, plain scripts)
        return "-"


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_id()
        return True


def formatter_for(settings: Settings) -> logging.Formatter:
    if settings.is_production:
        from pythonjsonlogger.json import JsonFormatter

        return JsonFormatter(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level", "name": "logger"})
    return logging.Formatter(TEXT_FORMAT)


def configure(settings: Settings, stream=None) -> logging.Handler:
    """Install (or return) this process's root handler."""
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "lms_handler", False):
            return handler
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.lms_handler = True
    handler.setFormatter(formatter_for(settings))
    handler.addFilter(ContextFilter())
    root.addHandler(handler)
    # engine.io/socket.io add a handler of their own to a logger whose level is unset, so each of
    # their lines would be written twice; a level (the one they would choose) keeps them on ours.
    for name in ("engineio.server", "socketio.server"):
        if logging.getLogger(name).level == logging.NOTSET:
            logging.getLogger(name).setLevel(logging.ERROR)
    level = os.environ.get("LMS_LOG_LEVEL", "info").upper()
    root.setLevel(level if level in logging.getLevelNamesMapping() else "INFO")
    return handler


class RequestId:
    """ASGI wrapper: one id per HTTP request, in the log context and the ``X-Request-ID`` reply."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-request-id"), "")
        request_id = given if _SANE_ID.match(given) else secrets.token_hex(8)
        token = CONTEXT.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            CONTEXT.reset(token)
