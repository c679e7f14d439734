"""Memory that comes back (issue 16, part 6): RSS of ONE worker without Redis while crowds come and go.

Starts its own production backend (one worker, the in-memory state manager, SQLite in a
scratch folder; ``tests/deploy/cluster.py``), then for each of ``--rounds`` rounds:

1. ``--learners`` learners connect as browser tabs would (``bench/reflex_ws.py``, each a new tab
   token) on a lesson page, each sends ``--events`` events (mark complete / incomplete) and
   every tab closes;
2. the script waits ``--wait`` seconds (by default the idle time + one sweep + a margin) and
   reads the worker's RSS.

Prints RSS before the first round (after a 10-tab warm-up), with the crowd connected, and after
each round's crowd left; the target is the last round's "after" within 15 % of the baseline.
Then ``--returning`` tabs of round 1 come back with their old tokens (their states were dropped):
each must load its page cleanly (``view == "ok"``, the completion the database holds).

``--idle-minutes`` sets ``LMS_TAB_STATE_IDLE_MINUTES`` (default 1 so a run takes minutes); with
``--idle-minutes 1440`` the states stay, which shows the behaviour before the sweep existed.

Usage: python bench/memory_rounds.py [--learners 500 --rounds 4 --events 2 --idle-minutes 1]
Exit status 1 when the target is missed or a returning tab did not load.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.deploy.cluster import Cluster, rss_kb  # noqa: E402

TARGET = 1.15


def mb(kb: int) -> str:
    return f"{kb / 1024:.1f} MB"


async def crowd(learners, events: int, concurrency: int, timeout: float) -> Counter:
    from player_load import LEARN

    failures: Counter = Counter()
    sem = asyncio.Semaphore(concurrency)

    async def one(learner):
        async with sem:
            try:
                await learner.connect(timeout)
            except Exception as exc:  # noqa: BLE001
                failures[f"connect: {type(exc).__name__}"] += 1
                return
        try:
            for _ in range(events):
                kind, handler, payload = learner.next_action("complete")
                await learner.sock.emit(f"{LEARN}.{handler}", payload)
                while True:
                    frame = await learner.sock.next_frame(timeout)
                    if frame is None:
                        failures[f"{kind}: no reply"] += 1
                        break
                    delta = (frame.update.get("delta") or {}).get(LEARN)
                    if delta is not None and "completed_rx_state_" in delta:
                        learner.completed = bool(delta["completed_rx_state_"])
                        break
                await asyncio.sleep(random.uniform(0.05, 0.3))
        except (ConnectionError, OSError) as exc:
            failures[f"connection: {type(exc).__name__}"] += 1

    await asyncio.gather(*(one(x) for x in learners))
    return failures


async def leave(learners) -> None:
    await asyncio.gather(*(x.sock.close() for x in learners))


async def main_async(args, cluster: Cluster) -> int:
    from player_load import Learner, create_rows, stored_completions

    worker = cluster.running[0]
    base = worker.url
    pid = worker.serving_pid()  # the process that holds the tab states (not the CLI that started it)

    def rss() -> int:
        return rss_kb(pid)

    slug, course_id, lesson_ids, people = await asyncio.to_thread(
        create_rows, cluster.database_url, args.learners, 20)
    print(f"worker pid {pid} (processes {worker.pids()}) on {base}; {len(people)} learners; "
          f"LMS_TAB_STATE_IDLE_MINUTES={args.idle_minutes}; wait after each round {args.wait:.0f}s", flush=True)

    def tabs(offset: int) -> list:
        return [Learner(offset + i, uid, token, base, slug, lesson_ids[i % len(lesson_ids)])
                for i, (uid, token) in enumerate(people)]

    warm = tabs(10_000)[:10]
    await crowd(warm, 2, 10, args.timeout)
    await leave(warm)
    await asyncio.sleep(3)
    baseline = rss()
    print(f"baseline (after a 10-tab warm-up): {mb(baseline)}", flush=True)

    rows = []
    first_round = None
    ok = True
    for r in range(1, args.rounds + 1):
        learners = tabs(r * 100_000)
        t = time.perf_counter()
        failures = await crowd(learners, args.events, args.concurrency, args.timeout)
        connected_rss = rss()
        await leave(learners)
        took = time.perf_counter() - t
        if first_round is None:
            first_round = learners
        await asyncio.sleep(args.wait)
        after = rss()
        rows.append((r, connected_rss, after, sum(failures.values()), took))
        print(f"round {r}: {len(learners)} learners, {args.events} events each in {took:.0f}s, "
              f"failures {sum(failures.values())} {dict(failures) or ''}; RSS with the crowd {mb(connected_rss)}, "
              f"{args.wait:.0f}s after it left {mb(after)} ({100 * (after - baseline) / baseline:+.1f}% vs baseline)",
              flush=True)
        ok &= not failures

    last_after = rows[-1][2]
    print(f"\n{'round':>5} {'connected':>12} {'after leaving':>14} {'vs baseline':>12}")
    for r, conn, after, _, _ in rows:
        print(f"{r:5d} {mb(conn):>12} {mb(after):>14} {100 * (after - baseline) / baseline:+11.1f}%")
    within = last_after <= baseline * TARGET
    print(f"target: after {args.rounds} rounds within 15 % of the baseline {mb(baseline)}: {mb(last_after)} "
          f"-> {'OK' if within else 'MISSED'}; vs round 1's after-leaving RSS {mb(rows[0][2])}: "
          f"{100 * (last_after - rows[0][2]) / rows[0][2]:+.1f}%")

    # Round 1's tabs come back with their old client tokens.
    back = first_round[: args.returning]
    stored = await asyncio.to_thread(stored_completions, course_id, [x.user_id for x in back])
    for x in back:
        x.sock.frames = asyncio.Queue()
        x.sock.closed = None
        x.load_bytes = 0
    returning_failures: Counter = Counter()

    async def come_back(x):
        try:
            await x.connect(args.timeout)
            want = x.lesson_id in stored.get(x.user_id, set())
            if x.completed != want:
                returning_failures[f"page says completed={x.completed}, database {want}"] += 1
        except Exception as exc:  # noqa: BLE001
            returning_failures[f"{type(exc).__name__}: {str(exc)[:100]}"] += 1

    await asyncio.gather(*(come_back(x) for x in back))
    await leave(back)
    print(f"returning tabs of round 1 (states dropped): {len(back) - sum(returning_failures.values())}/{len(back)} "
          f"loaded their page with the stored progress {dict(returning_failures) or ''}")
    ok &= within and not returning_failures
    return 0 if ok else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--learners", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--events", type=int, default=2)
    ap.add_argument("--idle-minutes", type=int, default=1)
    ap.add_argument("--wait", type=float, default=None, help="seconds after each round (default idle + 45 s)")
    ap.add_argument("--returning", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=25)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    if args.wait is None:
        args.wait = min(args.idle_minutes, 5) * 60 + 45
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="lms-memory-rounds-"))
    cluster = Cluster(workdir=workdir, database_url=f"sqlite:///{workdir / 'data' / 'lms.db'}", redis_url=None,
                      workers=1, frontend=False, nginx=False, web_dir=workdir / "web",
                      extra_env={"LMS_TAB_STATE_IDLE_MINUTES": str(args.idle_minutes)})
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    os.environ.pop("LMS_REDIS_URL", None)
    cluster.start()
    try:
        return asyncio.run(main_async(args, cluster))
    finally:
        cluster.stop()


if __name__ == "__main__":
    raise SystemExit(main())
