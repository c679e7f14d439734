"""Several workers, proven under load (issue 16, part 2): simulated learners on N app workers
sharing PostgreSQL + Redis behind nginx, against the same load on ONE worker for the ratio.

For each worker count in ``--workers`` (default ``2,1``) the script starts its own cluster
(``tests/deploy/cluster.py``: backend-only production workers, ``GRANIAN_WORKERS=1`` each,
Redis state manager, nginx from ``deploy/nginx.conf`` in front), then runs
``bench/player_load.py``'s learners against nginx: every learner connects over Reflex's real
websocket protocol (``bench/reflex_ws.py``), loads a lesson page, and sends one event about
every ``--interval`` seconds (mark complete / incomplete) for ``--duration`` seconds. Printed:
p50/p95/p99 of the event round trips, failures, the database check of every learner's last
completion, RSS per worker (idle before, peak during the run) and per connected learner, how
nginx spread the websockets over the workers, and the p95 ratio between the runs.

Usage: python bench/load_workers.py --learners 1000 [--workers 2,1 --interval 10 --duration 120]
  --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_workers  (created if missing)
  --redis-url redis://127.0.0.1:6379/11   (FLUSHDB'd at the start of each run: use a db of its own)
The machine is shared: the load generator's own CPU and event-loop lag are printed next to the
figures (a large lag means the client, not the servers, limited them).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import sys

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.deploy.cluster import Cluster, rss_kb  # noqa: E402


def established_to(ports: list[int]) -> dict[int, int]:
    """ESTABLISHED TCP connections whose local port is each worker's port (the nginx side)."""
    counts = {p: 0 for p in ports}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            local_port = int(cols[1].rsplit(":", 1)[1], 16)
            if local_port in counts and cols[3] == "01":
                counts[local_port] += 1
    return counts


class Sampler(threading.Thread):
    """Peak RSS of each worker and the most websockets each held, once a second."""

    def __init__(self, cluster: Cluster):
        super().__init__(daemon=True)
        self.cluster, self.stop = cluster, threading.Event()
        self.peak = {w.index: 0 for w in cluster.running}
        self.max_conns = {w.port: 0 for w in cluster.running}

    def run(self):
        while not self.stop.is_set():
            for w in self.cluster.running:
                self.peak[w.index] = max(self.peak[w.index], rss_kb(w.serving_pid() or 0))
            for port, n in established_to([w.port for w in self.cluster.running]).items():
                self.max_conns[port] = max(self.max_conns[port], n)
            self.stop.wait(1.0)


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
            conn.execute(f'create database "{name}"')


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def run_one(workers: int, args) -> dict:
    import player_load

    flush_redis(args.redis_url)
    workdir = Path(tempfile.mkdtemp(prefix=f"lms-load-{workers}w-"))
    cluster = Cluster(workdir=workdir, database_url=args.database_url, redis_url=args.redis_url,
                      workers=workers, frontend=False, nginx=True, web_dir=workdir / "web")
    print(f"\n=== {workers} worker(s) behind nginx, Redis {args.redis_url.rsplit('/', 1)[-1]}, "
          f"PostgreSQL; {args.learners} learners, one event / {args.interval:g}s each, {args.duration:g}s ===",
          flush=True)
    cluster.start()
    try:
        # RSS of each worker's serving process (Granian's worker, which holds the websockets).
        idle = {w.index: rss_kb(w.serving_pid() or 0) for w in cluster.running}
        pids = [w.serving_pid() for w in cluster.running]
        print("workers: " + ", ".join(f"#{w.index} port {w.port} pid {w.serving_pid()} idle RSS "
                                      f"{idle[w.index] / 1024:.0f} MB" for w in cluster.running), flush=True)
        sampler = Sampler(cluster)
        sampler.start()
        load_args = SimpleNamespace(
            base_url=cluster.public_url, database_url=args.database_url, learners=args.learners, lessons=50,
            interval=args.interval, duration=args.duration, mix="complete", timeout=args.timeout,
            connect_timeout=120.0, connect_concurrency=args.connect_concurrency, server_pid=None,
            server_pids=pids)
        started = time.perf_counter()
        code = asyncio.run(player_load.main_async(load_args))
        sampler.stop.set()
        sampler.join()
        print(f"(run took {time.perf_counter() - started:.0f}s; player_load exit {code})")
        for w in cluster.running:
            print(f"worker #{w.index}: idle {idle[w.index] / 1024:.0f} MB, peak {sampler.peak[w.index] / 1024:.0f} MB, "
                  f"most websockets at once {sampler.max_conns[w.port]}; alive {w.alive()}")
        return {"workers": workers, "code": code}
    finally:
        cluster.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--learners", type=int, default=1000)
    ap.add_argument("--workers", default="2,1")
    ap.add_argument("--interval", type=float, default=10.0)
    ap.add_argument("--duration", type=float, default=120.0)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--connect-concurrency", type=int, default=25)
    ap.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_workers")
    ap.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    args = ap.parse_args()
    ensure_database(args.database_url)
    codes = [run_one(int(n), args)["code"] for n in args.workers.split(",")]
    return max(codes)


if __name__ == "__main__":
    raise SystemExit(main())
