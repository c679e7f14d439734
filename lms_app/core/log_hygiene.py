"""Quieter, safer logs: no secrets in any record, and malformed client events logged once.

Why: every public handler is an endpoint, so anyone can send malformed events. Reflex, socket.io
and engine.io logged each one with a full traceback (100 events -> 121 KB of log) and with the
event's data and the connection's headers in the message: passwords typed into the sign-in
form, the ``lms_session`` cookie and card numbers could all end up in the log.

- ``redact`` removes passwords, session tokens and cookies, sign-in tickets, card numbers and
  CVCs from text. ``install`` applies it to every log record the process creates (a record
  factory: message and formatted traceback), whatever logger or handler writes it.
- Malformed events (unknown handler, undecodable payload, arguments that do not fit the handler)
  are logged as one line without traceback, once per client and kind (``MalformedEventFilter``
  on the loggers that report them, and ``backend_exception_handler`` for rx.App). Exceptions
  raised inside our own code keep their traceback: those are bugs to fix.
"""

from __future__ import annotations

import logging
import re
import time
import traceback
from collections import OrderedDict

_SECRET_FIELD = r"(?:password|passwd|token|ticket|secret|cvc|cvv|card)"
_PATTERNS = [
    # "password": "x", 'password': 'x', password=x (JSON, dict reprs, query strings, forms)
    (re.compile(r"""(?i)(["']?\b\w*""" + _SECRET_FIELD + r"""["']?\s*[:=]\s*)(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,;&}\]]+)"""),
     r"\1'[redacted]'"),
    # Cookie / Set-Cookie / Authorization header values, in any quoting
    (re.compile(r"""(?i)(["']?(?:cookie|set-cookie|authorization|x-lms-signature)["']?\s*[:=]\s*)(?:"[^"]*"|'[^']*'|[^\r\n,}]+)"""),
     r"\1'[redacted]'"),
    (re.compile(r"(?i)(lms_session=)[^;\s'\",]+"), r"\1[redacted]"),
]
# 13-19 digit numbers, with or without spaces/dashes between groups; redacted when Luhn-valid
_CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _card(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "[card redacted]" if _luhn(digits) else match.group(0)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return _CARD.sub(_card, text)


def _redacting_factory(previous):
    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to logging's own error report
            return record
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, ()
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info))).rstrip("\n")
        return record

    factory.lms_redacting = True
    return factory


class _Seen:
    """A bounded memory of (client, kind) pairs already logged, forgotten after ``ttl`` seconds."""

    def __init__(self, size: int = 10_000, ttl: float = 3600.0):
        self.size, self.ttl = size, ttl
        self.entries: OrderedDict[tuple[str, str], float] = OrderedDict()

    def first(self, key: tuple[str, str]) -> bool:
        now = time.monotonic()
        seen = self.entries.get(key)
        if seen is not None and now - seen < self.ttl:
            return False
        self.entries[key] = now
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return True


_SEEN = _Seen()
# What Reflex / socket.io say about a malformed event, and the kind we file it under.
_MALFORMED = (
    ("Error processing event queue entry", "unknown handler"),
    ("Received event data as a string", "string event"),
    ("Error transforming event payload", "payload"),
    ("message async handler error", "undecodable event"),
    ("Received event from session", "no token"),
)
_CLIENT = re.compile(r"(?:'sid': '|session )([\w-]{6,64})")
REPORTING_LOGGERS = ("reflex.app", "reflex.state", "reflex_base.event", "reflex_base.event.processor.event_processor",
                     "reflex_base.event.processor.base_state_processor", "engineio.server", "socketio.server")


def _client() -> str:
    try:
        from reflex_base.event.context import EventContext

        return EventContext.get().token
    except Exception:
        return "?"


def _one_line(kind: str, client: str, exc: BaseException | None) -> str:
    """No client data in the line: a garbage event may carry anything, a password included."""
    return f"malformed event ({kind}) from client {client[:12] or '?'}: {type(exc).__name__ if exc else 'refused'}"


class MalformedEventFilter(logging.Filter):
    """One short line per client and kind for malformed events; repeats are dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for prefix, kind in _MALFORMED:
            if message.startswith(prefix):
                break
        else:
            return True
        found = _CLIENT.search(message)
        client = found.group(1) if found else _client()
        exc = record.exc_info[1] if record.exc_info else None
        if not _SEEN.first((client, kind + (type(exc).__name__ if exc else ""))):
            return False
        record.msg, record.args = _one_line(kind, client, exc), ()
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def _is_ours(exc: BaseException) -> bool:
    """Did the exception come from our code (a bug) rather than from Reflex refusing the input?"""
    tb = exc.__traceback__
    frames = traceback.extract_tb(tb) if tb is not None else []
    return any("/lms_app/" in frame.filename and "/lms_app/core/guard.py" not in frame.filename
               for frame in frames[1:])


def backend_exception_handler(exception: Exception):
    """rx.App's handler: malformed input is one line per client and kind; our bugs keep their
    traceback (redacted). The browser gets the same generic toast either way."""
    from reflex.app import default_backend_exception_handler

    if _is_ours(exception):
        return default_backend_exception_handler(exception)
    client = _client()
    kind = type(exception).__name__
    if _SEEN.first((client, "handler " + kind)):
        logging.getLogger("lms.events").warning(_one_line("arguments", client, exception))
    return None


def install() -> None:
    """Idempotent: the record factory and the filters on the loggers that report events."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "lms_redacting", False):
        logging.setLogRecordFactory(_redacting_factory(current))
    for name in REPORTING_LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(f, MalformedEventFilter) for f in target.filters):
            target.addFilter(MalformedEventFilter())
