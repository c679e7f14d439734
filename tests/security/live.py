"""Helpers for tests against a running backend (``live_server.py``): start it, measure it, and a
raw HTTP/1.1 client that streams a huge body from one reused 1 MB buffer (the test process never
holds the body) and stops as soon as the server answers."""

from __future__ import annotations

import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHUNK = 1024 * 1024
_BLOCK = b"\0" * CHUNK


@dataclass
class LiveServer:
    process: subprocess.Popen
    port: int
    tmp: Path  # the server's TMPDIR and upload directory live here: they must stay empty
    log_path: Path

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def status(self, field: str) -> int:
        """A /proc/<pid>/status figure in bytes (VmRSS, VmHWM)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        raise KeyError(field)

    def reset_peak(self) -> bool:
        """Reset VmHWM to the current RSS (Linux clear_refs 5); False where not allowed."""
        try:
            Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")
            return True
        except OSError:
            return False

    def disk_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.tmp.rglob("*") if p.is_file())

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(extra_env: dict[str, str] | None = None, timeout: float = 120) -> LiveServer:
    tmp = Path(tempfile.mkdtemp(prefix="lms-live-"))
    (tmp / "tmp").mkdir()
    (tmp / "uploads").mkdir()
    port = _free_port()
    env = {**os.environ, "TMPDIR": str(tmp / "tmp"), "REFLEX_UPLOADED_FILES_DIR": str(tmp / "uploads"),
           "REFLEX_ENV_MODE": "prod", "PYTHONPATH": str(ROOT), **(extra_env or {})}
    log_path = Path(tempfile.mkstemp(prefix="lms-live-log-")[1])
    with log_path.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "tests.security.live_server", str(port)], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("live server exited:\n" + log_path.read_text(errors="replace")[-3000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if b"pong" in s.recv(1024):
                    return LiveServer(process, port, tmp, log_path)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("live server did not start:\n" + log_path.read_text(errors="replace")[-3000:])


def stop(server: LiveServer) -> None:
    """Stop the server and remove its temporary folder (the log file stays for the caller)."""
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
    shutil.rmtree(server.tmp, ignore_errors=True)


def request(port: int, method: str, path: str, headers: dict[str, str], body_size: int = 0,
            chunked: bool = False, body: bytes | None = None, timeout: float = 30) -> tuple[int | None, int, bytes]:
    """Send a request whose body is ``body`` or ``body_size`` zero bytes streamed 1 MB at a time.

    Returns (status or None, body bytes sent, raw response). Sending stops as soon as the
    server answers or closes, as a well-behaved client does."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    headers = {"Host": f"127.0.0.1:{port}", **headers}  # a test may forge the Host
    lines = [f"{method} {path} HTTP/1.1", "Connection: close"] + [f"{k}: {v}" for k, v in headers.items()]
    total = len(body) if body is not None else body_size
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}")
    sent = 0
    try:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        while sent < total:
            if select.select([sock], [], [], 0)[0]:
                break  # the server has answered (or closed): stop sending
            n = min(CHUNK, total - sent)
            data = body[sent:sent + n] if body is not None else _BLOCK[:n]
            sock.sendall(b"%x\r\n%b\r\n" % (n, data) if chunked else data)
            sent += n
        else:
            if chunked:
                sock.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    response = b""
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                break
            response += data
    except (ConnectionResetError, socket.timeout):
        pass
    finally:
        sock.close()
    try:
        status = int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else None
    except (IndexError, ValueError):
        status = None
    return status, sent, response


def split(response: bytes) -> tuple[bytes, bytes]:
    """(lower-cased head, body) of a raw response, the body de-chunked."""
    head, _, body = response.partition(b"\r\n\r\n")
    head = head.lower()
    if b"transfer-encoding: chunked" not in head:
        return head, body
    out = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2:]
    return head, out
