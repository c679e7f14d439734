"""A real SMTP server (aiosmtpd) on a free local port, and the settings that point the app at it."""

from __future__ import annotations

import socket
import uuid

import pytest

from lms_app.core import plugins
from lms_app.core.settings import get_settings
from lms_app.jobs import queue


class Inbox:
    """What the SMTP server received: (envelope sender, recipients, raw message bytes)."""

    def __init__(self):
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse = 0  # refuse the next N messages with a 451

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(monkeypatch):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("LMS_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("LMS_MAIL_FROM", "Lumen Test <no-reply@lumen.test>")
    plugins._plugin_settings.cache_clear()
    yield inbox
    controller.stop()
    monkeypatch.delenv("LMS_SMTP_URL")
    monkeypatch.delenv("LMS_MAIL_FROM")
    plugins._plugin_settings.cache_clear()


@pytest.fixture
def jobs_queue(tmp_path):
    """A fresh SQLite queue (retries without delay) as this process's queue."""
    instance = queue.build_huey(get_settings(), name=f"t-{uuid.uuid4().hex[:8]}", filename=str(tmp_path / "q.db"),
                                retry_delay=0)
    previous = queue.use_huey(instance)
    yield instance
    queue.use_huey(previous)
