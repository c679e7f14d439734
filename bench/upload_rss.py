"""RSS of the backend while it receives a 200 MB video upload through the real upload endpoint.

Target (issue 16, storage): a 200 MB video must not cost 200 MB of RAM.

What runs: the production backend stack (``tests/security/live_server.py``: Reflex's app with
``/_upload``, the request guard, our routes; Granian, one process, so its RSS is the server's
memory) on a temporary SQLite instance. A teacher's browser is played by ``bench/reflex_ws.py``
(websocket with the session cookie, the course editor page loaded, a video lesson opened); then
the file is POSTed to ``/_upload`` as the page's ``rx.upload`` does (multipart, headers
``Reflex-Client-Token``/``Reflex-Event-Handler``), streamed from one reused 1 MB buffer so the
client never holds it. The server's VmRSS is sampled every 20 ms from /proc; its VmHWM (peak) is
reset just before the upload where the kernel allows it.

Flow inside the server: Starlette spools the multipart file to a temporary file (1 MB in memory
at most), the guarded handler hands ``upload.file`` to ``curriculum.set_lesson_file``, which
streams it into storage in 1 MiB chunks (``core/storage.py``): the media folder, or with
``--storage s3`` a multipart upload of 8 MiB parts to a local S3-compatible server (moto).

    python bench/upload_rss.py                 # local folder
    python bench/upload_rss.py --storage s3    # object storage (moto server on a free port)
    python bench/upload_rss.py --size-mb 50 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MB = 1024 * 1024


def _prepare_env(tmp: Path) -> dict[str, str]:
    env = {"LMS_DATA_DIR": str(tmp / "data"), "LMS_DATABASE_URL": f"sqlite:///{tmp / 'data' / 'lms.db'}",
           "LMS_ENV": "development", "LMS_BCRYPT_COST": "4", "LMS_DEMO_DATA": "false",
           "REFLEX_TELEMETRY_ENABLED": "false", "REFLEX_CHECK_LATEST_VERSION": "false"}
    os.environ.update(env)
    return env


def _start_s3() -> tuple[str, str]:
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    bucket = f"bench-{uuid.uuid4().hex[:8]}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="k",
                 aws_secret_access_key="s").create_bucket(Bucket=bucket)
    return endpoint, bucket


def _instance() -> tuple[str, int, int]:
    """Migrated database, a teacher with a session, a course with one video lesson."""
    from lms_app import manage
    from lms_app.authoring.services import courses as authoring, curriculum
    from lms_app.accounts.services import passwords
    from lms_app.core import sessions
    from lms_app.core.db import session_scope
    from lms_app.core.sessions import Actor
    from lms_app.core.settings import get_settings
    from lms_app.core.types import utcnow
    from lms_app.core.users import User

    manage.migrate()
    with session_scope() as s:
        teacher = User(email="teacher@bench.test", name="Bench Teacher", role="teacher", is_active=True,
                       email_verified_at=utcnow(),
                       password_hash=passwords.hash_password("bench password 1", get_settings().bcrypt_cost))
        s.add(teacher)
        s.flush()
        row, token = sessions.create_session(s, teacher.id, 1)
        me = Actor(user_id=teacher.id, role="teacher", session_id=row.id)
        course = authoring.create_course(s, me, "Upload bench")
        module = curriculum.add_module(s, me, course.id, "Videos")
        lesson = curriculum.add_lesson(s, me, module.id, "A long video", "video")
        return token, course.id, lesson.id


def _multipart(boundary: str, size: int) -> tuple[bytes, bytes]:
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"lecture.webm\"\r\n"
            f"Content-Type: video/webm\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head, tail


def _upload(port: int, headers: dict[str, str], size: int) -> tuple[int | None, bytes, float]:
    boundary = uuid.uuid4().hex
    head, tail = _multipart(boundary, size)
    webm = b"\x1a\x45\xdf\xa3" + b"\x00" * 60  # EBML magic: sniffed as WebM
    total = len(head) + size + len(tail)
    lines = ["POST /_upload HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close", f"Content-Length: {total}",
             f"Content-Type: multipart/form-data; boundary={boundary}"] + [f"{k}: {v}" for k, v in headers.items()]
    block = b"\x00" * MB
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=300) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + head + webm)
        sent = len(webm)
        while sent < size:
            n = min(MB, size - sent)
            sock.sendall(block[:n])
            sent += n
        sock.sendall(tail)
        response = b""
        while data := sock.recv(65536):
            response += data
    elapsed = time.perf_counter() - started
    status = int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else None
    return status, response, elapsed


class Sampler:
    def __init__(self, server):
        self.server, self.peak, self.samples, self._stop = server, 0, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.server.status("VmRSS"))
                self.samples += 1
            except (OSError, KeyError):
                return
            time.sleep(0.02)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join()


async def _open_editor(origin: str, token: str, course_id: int, lesson_id: int):
    from bench.reflex_ws import ReflexSocket, reflex_version

    from lms_app.authoring.pages.course_editor.state import CourseEditorState

    state = CourseEditorState.get_full_name()
    ws = ReflexSocket(base_url=origin, path=f"/teach/courses/{course_id}", query={}, cookie=f"lms_session={token}",
                      subprotocol=reflex_version())
    await ws.connect()
    await ws.drain(1.5)
    await ws.emit(f"{state}.open_lesson", {"lesson_id": lesson_id})
    await ws.drain(1.5)
    return ws, state


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--storage", choices=["local", "s3"], default="local")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lms-upload-bench-"))
    env = _prepare_env(tmp)
    if args.storage == "s3":
        endpoint, bucket = _start_s3()
        env.update({"LMS_STORAGE": "s3", "LMS_S3_BUCKET": bucket, "LMS_S3_ENDPOINT_URL": endpoint,
                    "LMS_S3_REGION": "us-east-1", "LMS_S3_ACCESS_KEY_ID": "k", "LMS_S3_SECRET_ACCESS_KEY": "s"})
        os.environ.update(env)
    token, course_id, lesson_id = _instance()

    from tests.security import live

    port = live._free_port()
    live._free_port = lambda: port  # the origin must be known before start: Socket.IO's CORS list
    env["LMS_ALLOWED_ORIGINS"] = f"http://127.0.0.1:{port}"
    server = live.start(env)
    size = args.size_mb * MB
    try:
        ws, state = asyncio.run(_open_editor(server.origin, token, course_id, lesson_id))
        # The websocket stays open in its own loop's objects; the upload is plain HTTP.
        headers = {"Cookie": f"lms_session={token}", "Origin": server.origin, "Reflex-Client-Token": ws.token,
                   "Reflex-Event-Handler": f"{state}.upload_lesson_file"}
        print(f"storage={args.storage} upload={args.size_mb} MB ({size:,} bytes of file) cpu={os.cpu_count()}")
        for n in range(1, args.rounds + 1):
            time.sleep(1.0)
            baseline = server.status("VmRSS")
            hwm_reset = server.reset_peak()
            with Sampler(server) as sampler:
                status, response, elapsed = _upload(server.port, headers, size)
                time.sleep(0.3)
            hwm = server.status("VmHWM") if hwm_reset else None
            peak = max(sampler.peak, hwm or 0)
            from lms_app.core.db import session_scope
            from lms_app.core.courses import Lesson

            with session_scope() as s:
                lesson = s.get(Lesson, lesson_id)
                stored, key = lesson.file_size, lesson.file_key
            ok = status == 200 and stored == size
            print(f"round {n}: HTTP {status}, stored {stored:,} bytes ({'OK' if ok else 'NOT STORED'}), "
                  f"{elapsed:.1f} s ({args.size_mb / elapsed:.0f} MB/s)")
            print(f"  backend RSS before {baseline / MB:.0f} MB, peak {peak / MB:.0f} MB "
                  f"(sampled every 20 ms: {sampler.samples} samples; VmHWM {'reset' if hwm_reset else 'not resettable'})"
                  f" -> peak RSS delta {(peak - baseline) / MB:.1f} MB for a {args.size_mb} MB upload")
            if not ok:
                print(response[-2000:].decode(errors="replace"))
                print(server.log()[-3000:])
                return 1
        tmp_left = server.disk_bytes()
        print(f"  server temp folder after the uploads: {tmp_left / MB:.1f} MB (spooled upload files removed)")
        return 0
    finally:
        live.stop(server)


if __name__ == "__main__":
    raise SystemExit(main())
