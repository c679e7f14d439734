"""SMTP settings (LMS_SMTP_URL, LMS_MAIL_FROM) and the one function that talks to the server.

``smtp://user:password@host:587?starttls=true`` (STARTTLS after connecting), ``smtps://...:465``
(TLS from the first byte), ``smtp://host:25`` (plain, a local relay). User and password are
percent-decoded. Empty: no mail leaves the app; messages wait in the /admin/mail outbox.
"""

from __future__ import annotations

import functools
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

TIMEOUT_SECONDS = 20
_TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str = ""
    password: str = ""
    ssl: bool = False
    starttls: bool = False

    def __repr__(self) -> str:  # never print the password in a log or an error page
        return f"SmtpConfig({self.host}:{self.port}, ssl={self.ssl}, starttls={self.starttls}, user={self.username!r})"


def parse_smtp_url(raw: str) -> SmtpConfig | None:
    """The parsed URL, or None when empty; ValueError says what is wrong."""
    raw = (raw or "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("use smtp://user:password@host:port (add ?starttls=true) or smtps://...")
    if not parts.hostname:
        raise ValueError("the SMTP URL has no host")
    query = parse_qs(parts.query)
    use_ssl = parts.scheme == "smtps" or query.get("ssl", [""])[0].lower() in _TRUE
    starttls = not use_ssl and query.get("starttls", [""])[0].lower() in _TRUE
    port = parts.port or (465 if use_ssl else 587 if starttls else 25)
    return SmtpConfig(parts.hostname, port, unquote(parts.username or ""), unquote(parts.password or ""),
                      use_ssl, starttls)


def parse_mail_from(raw: str) -> str:
    name, address = parseaddr(raw or "")
    if raw and "@" not in address:
        raise ValueError("give an address like 'Lumen Learning <no-reply@example.org>'")
    return raw.strip()


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One context per process: loading the CA store costs ~250 ms, more than sending a mail."""
    return ssl.create_default_context()


def send(config: SmtpConfig, message: EmailMessage) -> None:
    """Hand one message to the server; raises smtplib/OSError errors for the job to retry."""
    if config.ssl:
        client: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port, timeout=TIMEOUT_SECONDS,
                                                context=_tls_context())
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT_SECONDS)
    with client:
        if config.starttls:
            client.starttls(context=_tls_context())
        if config.username:
            client.login(config.username, config.password)
        client.send_message(message)
