"""kill -9 of the real worker in the middle of a batch: no mail is lost, and none is sent twice as
two different mails (a message in flight at the kill may reach the SMTP server again on resend,
with the same Message-ID, which receivers drop; the test counts it and says so)."""

from __future__ import annotations

import asyncio
import email
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from sqlmodel import select

from lms_app.jobs import queue
from lms_app.mail import services
from lms_app.mail.models import MailMessage

ROOT = Path(__file__).resolve().parents[3]
BATCH = 40


class SlowInbox:
    """Takes 50 ms per message, so the kill lands in the middle of the batch."""

    def __init__(self):
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)
        self.message_ids.append(email.message_from_bytes(envelope.content, policy=policy.default)["Message-ID"])
        return "250 OK"


def _worker() -> subprocess.Popen:
    env = {**os.environ, "LMS_WORKER_THREADS": "2", "LMS_LOG_LEVEL": "warning"}
    return subprocess.Popen([sys.executable, "-m", "lms_app.manage", "worker"], cwd=str(ROOT), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.fixture
def slow_smtp(monkeypatch):
    from aiosmtpd.controller import Controller

    from lms_app.core import plugins
    from tests.unit.mail.conftest import _free_port

    inbox, port = SlowInbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("LMS_SMTP_URL", f"smtp://127.0.0.1:{port}")
    plugins._plugin_settings.cache_clear()
    yield inbox
    controller.stop()
    monkeypatch.delenv("LMS_SMTP_URL")
    plugins._plugin_settings.cache_clear()


def test_kill_9_mid_batch_loses_no_mail(slow_smtp, db, make_user):
    previous = queue.use_huey(None)  # the default queue: the file the worker subprocess opens too
    huey = queue.get_huey()
    huey.flush()
    workers: list[subprocess.Popen] = []
    try:
        user = make_user()
        for n in range(BATCH):
            services.queue_mail(db, to=user.email, template="receipt", subject=f"Mail {n}", user_id=user.id,
                                context={"name": "n", "course_title": "c", "amount": "$1", "paid_on": "d",
                                         "link": "http://l"})
        db.commit()
        expected = {services.message_id_of(m) for m in db.exec(select(MailMessage)).all()}
        workers.append(_worker())
        assert _wait(lambda: len(slow_smtp.message_ids) >= BATCH // 4, 60), "the worker sent nothing"
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        at_kill = len(slow_smtp.message_ids)
        assert at_kill < BATCH, "the batch finished before the kill: slow the SMTP server down"
        time.sleep(0.3)  # the server finishes what it had received

        # Ten minutes later (the claims' clock moved in the database), the periodic sweep queues
        # again what the dead worker held.
        db.expire_all()
        for row in db.exec(select(MailMessage).where(MailMessage.claimed_at.is_not(None))).all():
            row.claimed_at -= timedelta(minutes=11)
            db.add(row)
        db.commit()
        assert services.requeue_stuck(db, older_than=timedelta(0)) >= 1
        db.commit()
        workers.append(_worker())

        def all_sent() -> bool:
            db.expire_all()
            return db.exec(select(MailMessage).where(MailMessage.status != "sent")).first() is None

        assert _wait(all_sent, 90), "some mail was never sent"
        time.sleep(0.3)
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=30)
        huey.flush()
        queue.use_huey(previous)

    counts = Counter(slow_smtp.message_ids)
    assert set(counts) == expected  # no mail lost
    repeats = {mid: n for mid, n in counts.items() if n > 1}
    # At most the messages in flight at the kill (2 worker threads) arrive twice, same Message-ID.
    assert sum(n - 1 for n in repeats.values()) <= 2, repeats
    print(f"\nkill -9 after {at_kill}/{BATCH} deliveries: all {len(expected)} delivered; "
          f"{len(repeats)} resent with the same Message-ID")
