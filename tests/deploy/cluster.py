"""N app workers sharing one database (and Redis), optionally behind a real nginx.

Used by tests/deploy/test_workers.py and bench/load_workers.py / bench/memory_rounds.py.

- Worker 0 runs ``reflex run --env prod --single-port`` (with ``frontend=True``: it compiles
  and builds the frontend once into ``web_dir``, with ``REFLEX_API_URL`` = the public URL, so
  the browser's websocket goes to nginx) or ``--backend-only`` (load scripts speak the
  websocket protocol themselves and need no frontend).
- Workers 1..N-1 serve the *same* build without compiling again (``serve_worker.py``:
  Reflex's production backend with the compiled frontend mounted), as the containers of one
  image would.
- nginx runs in the foreground (``daemon off``) from ``deploy/nginx.conf`` — the shipped
  example — with its ``listen`` and ``upstream`` lines filled in, plus a throwaway main config
  (pid, logs and temp folders in the work directory).

Every worker runs with ``GRANIAN_WORKERS=1`` so "a worker" is one process whose RSS and death
can be measured; its own process group lets the test kill it alone.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NGINX_SITE = ROOT / "deploy" / "nginx.conf"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                          if Path(p).exists()), None)


def http_get(url: str, timeout: float = 3.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - local servers only
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        if p in out:
            continue
        out.append(p)
        try:
            todo.extend(int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split())
        except OSError:
            pass
    return out


@dataclass
class Worker:
    index: int
    port: int
    log_path: Path
    proc: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def pids(self) -> list[int]:
        return process_tree(self.proc.pid) if self.alive() else []

    def serving_pid(self) -> int | None:
        """The process that answers requests (Granian's single worker: the deepest child)."""
        pids = self.pids()
        return pids[-1] if pids else None

    def rss_kb(self) -> int:
        """RSS of every process of this worker (launcher, Granian supervisor, its worker)."""
        return sum(rss_kb(p) for p in self.pids())

    def kill(self, sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


@dataclass
class Cluster:
    workdir: Path
    database_url: str
    redis_url: str | None
    workers: int = 2
    frontend: bool = True
    nginx: bool = True
    web_dir: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    start_timeout: float = 600.0
    nginx_port: int = 0
    running: list[Worker] = field(default_factory=list)
    nginx_proc: subprocess.Popen | None = None
    build_seconds: float = 0.0

    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}" if self.nginx else self.running[0].url

    # -- environment
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_") and k != "REFLEX_REDIS_URL"}
        venv_bin = Path(sys.executable).parent
        bun_bin = ROOT / "tools" / "bun" / "node_modules" / ".bin"
        data = self.workdir / "data"
        public = f"http://127.0.0.1:{self.nginx_port}"
        env.update({
            "LMS_ENV": "test",
            "LMS_DATA_DIR": str(data),  # one host: the workers share the media folder
            "LMS_DATABASE_URL": self.database_url,
            "LMS_BCRYPT_COST": "4",
            "LMS_DEMO_DATA": "false",
            "LMS_COOKIE_SECURE": "false",
            "LMS_LOGIN_MAX_FAILURES": "1000",
            "LMS_REGISTER_IP_MAX": "100000",
            "PATH": os.pathsep.join([str(venv_bin), str(bun_bin), env.get("PATH", "")]),
            "REFLEX_USE_SYSTEM_BUN": "1",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "false",
            "NPM_CONFIG_REGISTRY": env.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/"),
            "NPM_CONFIG_UPDATE_NOTIFIER": "false",
            "REFLEX_WEB_WORKDIR": str(self.web_dir or ROOT / ".web-deploy"),
            "REFLEX_STATES_WORKDIR": str(data / "states"),
            "REFLEX_UPLOADED_FILES_DIR": str(data / "uploaded_files"),
            "GRANIAN_WORKERS": "1",
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "NO_COLOR": "1",
            "COLUMNS": "200",
        })
        if self.redis_url:
            env["LMS_REDIS_URL"] = self.redis_url
        if os.environ.get("LMS_DEPLOY_SSR") == "0":  # build without prerendered pages from the start
            env["REFLEX_SSR"] = "false"
        if self.nginx:
            # The browser talks to nginx only: the build names it, the workers trust it.
            env["REFLEX_API_URL"] = public
            env["REFLEX_DEPLOY_URL"] = public
            env["LMS_ALLOWED_ORIGINS"] = public
            env["LMS_TRUSTED_PROXY_HOPS"] = "1"
        env.update(self.extra_env)
        return env

    # -- lifecycle
    def prepare(self) -> None:
        """Migrations (and nothing else: the test writes its own rows)."""
        run = subprocess.run([sys.executable, "-m", "lms_app.manage", "prepare"], cwd=ROOT, env=self.env(),
                             capture_output=True, text=True, timeout=600)
        if run.returncode != 0:
            raise RuntimeError(f"manage prepare failed:\n{run.stdout}\n{run.stderr}")

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.nginx and not self.nginx_port:
            self.nginx_port = free_port()
        self.prepare()
        started = time.monotonic()
        ports = [free_port() for _ in range(self.workers)]
        tries = int(os.environ.get("LMS_DEPLOY_BUILD_TRIES", "3"))
        for attempt in range(1, tries + 1):
            if attempt == tries and attempt > 1:
                # Last try without prerendered pages: the workers then serve the SPA shell for every
                # page route (Reflex's frontend mount does), which is all these tests need.
                self.extra_env = {**self.extra_env, "REFLEX_SSR": "false"}
            first = self._spawn(0, ports[0], first=True)
            try:
                self._wait_ready(first)
                break
            except RuntimeError as exc:
                # React Router's prerender gives each page 10 s, once: on an overloaded machine the
                # build fails with "Prerender: Request failed ... timeout". Build again, then give up.
                if "Prerender" not in str(exc) or first.alive() or attempt == tries:
                    raise
                self.running.remove(first)
        self.build_seconds = time.monotonic() - started
        for i in range(1, self.workers):
            self._spawn(i, ports[i], first=False)
        for worker in self.running[1:]:
            self._wait_ready(worker)
        if self.nginx:
            self._start_nginx()

    def _spawn(self, index: int, port: int, first: bool) -> Worker:
        log_path = self.workdir / f"worker{index}.log"
        if first and self.frontend:
            cmd = [sys.executable, "-m", "reflex", "run", "--env", "prod", "--single-port",
                   "--frontend-port", str(port), "--loglevel", "info"]
        elif self.frontend:
            cmd = [sys.executable, str(Path(__file__).with_name("serve_worker.py")), str(port)]
        else:
            cmd = [sys.executable, "-m", "reflex", "run", "--env", "prod", "--backend-only",
                   "--backend-port", str(port), "--loglevel", "info"]
        log = log_path.open("ab")
        log.write(f"# worker {index} on port {port}: {' '.join(cmd)}\n".encode())
        log.flush()
        env = self.env()
        if not self.nginx:  # clients talk to the worker itself
            env.setdefault("LMS_ALLOWED_ORIGINS", f"http://127.0.0.1:{port}")
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        worker = Worker(index, port, log_path, proc)
        self.running.append(worker)
        return worker

    def _wait_ready(self, worker: Worker) -> None:
        deadline = time.monotonic() + self.start_timeout
        while True:
            if not worker.alive():
                raise RuntimeError(f"worker {worker.index} exited with {worker.proc.returncode}:\n"
                                   f"{tail(worker.log_path)}")
            try:
                status, body = http_get(worker.url + "/ping", timeout=2)
                if status == 200 and "pong" in body:
                    if not self.frontend or http_get(worker.url + "/login", timeout=10)[0] == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"worker {worker.index} did not answer /ping within {self.start_timeout:.0f}s:\n"
                                   f"{tail(worker.log_path)}")
            time.sleep(0.5)

    def nginx_site(self) -> str:
        """deploy/nginx.conf with this cluster's ports."""
        site = NGINX_SITE.read_text()
        servers = "".join(f"    server 127.0.0.1:{w.port} max_fails=1 fail_timeout=10s;\n" for w in self.running)
        example = re.compile(r"^    server \d+\.\d+\.\d+\.\d+:\d+ [^\n]*\n", re.M)  # the example's worker lines
        assert len(example.findall(site)) >= 1, "deploy/nginx.conf: no 'server host:port' line in upstream lms_app"
        first = example.search(site)
        site = site[:first.start()] + servers + example.sub("", site[first.start():])
        site, n = re.subn(r"\n    listen 80;", f"\n    listen 127.0.0.1:{self.nginx_port};", site)
        assert n == 1, "deploy/nginx.conf: 'listen 80;' not found"
        return site

    def _start_nginx(self) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        ngx = self.workdir / "nginx"
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (ngx / sub).mkdir(parents=True, exist_ok=True)
        (ngx / "lms.conf").write_text(self.nginx_site())
        (ngx / "nginx.conf").write_text(f"""
daemon off;
worker_processes 1;
pid {ngx}/nginx.pid;
error_log {ngx}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log {ngx}/access.log;
    client_body_temp_path {ngx}/client_body;
    proxy_temp_path {ngx}/proxy;
    fastcgi_temp_path {ngx}/fastcgi;
    uwsgi_temp_path {ngx}/uwsgi;
    scgi_temp_path {ngx}/scgi;
    include {ngx}/lms.conf;
}}
""")
        check = subprocess.run([binary, "-t", "-c", str(ngx / "nginx.conf"), "-p", str(ngx)],
                               capture_output=True, text=True, timeout=30)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t refused the configuration:\n{check.stderr}")
        self.nginx_proc = subprocess.Popen([binary, "-c", str(ngx / "nginx.conf"), "-p", str(ngx)],
                                           stdout=(ngx / "stdout.log").open("ab"), stderr=subprocess.STDOUT,
                                           stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                if http_get(self.public_url + "/ping", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            if self.nginx_proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start:\n{tail(ngx / 'error.log')}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.nginx_proc is not None and self.nginx_proc.poll() is None:
            try:
                os.killpg(self.nginx_proc.pid, signal.SIGTERM)
                self.nginx_proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.nginx_proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for worker in self.running:
            if worker.alive():
                worker.kill(signal.SIGTERM)

    def logs(self) -> str:
        parts = [f"--- {w.log_path.name}\n{tail(w.log_path, 40)}" for w in self.running]
        if self.nginx:
            parts.append(f"--- nginx error.log\n{tail(self.workdir / 'nginx' / 'error.log', 20)}")
        return "\n".join(parts)
