"""1,000 learners get a mail: time to enqueue, time for the real worker to deliver all of them to a
local SMTP server (aiosmtpd), and the worker's peak memory.

    python bench/mail_delivery.py [--mails 1000] [--threads 4] [--redis redis://127.0.0.1:6379/14]

A temporary SQLite database (migrated) and queue file; the worker is the real command
(`python -m lms_app.manage worker`) in a subprocess. Prints figures; not a timed test.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch_db import scratch_database  # noqa: E402


class Counter:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peak_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--redis", default="", help="a Redis URL for the queue (default: SQLite file)")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    inbox = Counter()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    os.environ["LMS_SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    os.environ["LMS_BCRYPT_COST"] = "4"
    if args.redis:
        os.environ["LMS_REDIS_URL"] = args.redis
    with scratch_database(None, "mail"):
        os.environ["LMS_DATABASE_URL"] = f"sqlite:///{os.environ['LMS_DATA_DIR']}/lms.db"
        from lms_app import manage
        from lms_app.core.db import session_scope
        from lms_app.core.users import User
        from sqlmodel import select
        from lms_app.jobs.queue import get_huey
        from lms_app.mail.services import queue_mail

        manage.migrate()
        get_huey().flush()
        with session_scope() as s:
            s.add_all([User(email=f"l{i}@bench.test", name=f"Learner {i}", password_hash="x") for i in range(args.mails)])
        with session_scope() as s:
            users = [(u.id, u.email, u.name) for u in s.exec(select(User)).all()]
        started = time.perf_counter()
        with session_scope() as s:
            for uid, email, name in users:
                queue_mail(s, to=email, template="receipt", subject="Announcement: new module", user_id=uid,
                           context={"name": name, "course_title": "Python 101", "amount": "$0.00",
                                    "paid_on": "today", "link": "http://localhost:3000/learn/python-101"})
        enqueue_s = time.perf_counter() - started
        print(f"enqueue {args.mails} mails (render + log rows + commit + Huey enqueue): {enqueue_s:.2f} s "
              f"({args.mails / enqueue_s:.0f}/s), queue: {type(get_huey().storage).__name__}")

        env = {**os.environ, "LMS_WORKER_THREADS": str(args.threads), "LMS_LOG_LEVEL": "warning"}
        started = time.perf_counter()
        worker = subprocess.Popen([sys.executable, "-m", "lms_app.manage", "worker"], env=env,
                                  cwd=str(Path(__file__).resolve().parents[1]), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        peak = 0
        try:
            while inbox.count < args.mails and time.perf_counter() - started < 600:
                peak = max(peak, _peak_rss_kb(worker.pid))
                time.sleep(0.05)
            deliver_s = time.perf_counter() - started
        finally:
            peak = max(peak, _peak_rss_kb(worker.pid))
            worker.terminate()
            worker.wait(timeout=30)
        print(f"deliver {inbox.count}/{args.mails} to the local SMTP server with {args.threads} worker threads "
              f"(worker start included): {deliver_s:.2f} s ({inbox.count / deliver_s:.0f}/s)")
        print(f"worker peak RSS: {peak / 1024:.0f} MB; CPUs: {os.cpu_count()}")
        if args.redis:
            get_huey().flush()
    controller.stop()
    return 0 if inbox.count >= args.mails else 1


if __name__ == "__main__":
    raise SystemExit(main())
