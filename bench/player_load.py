"""Course player under load: N learners on ONE worker, over Reflex's real websocket protocol.

Against a running production server (``bench/player_server.sh`` starts one on port 3317 with its
own data and build directories). The script:

1. writes into that server's database (``--database-url``, default the SQLite file of
   player_server.sh): a published course of ``--lessons`` video lessons, ``--learners`` learner
   accounts enrolled in it, and one server-side session each (``services.sessions``);
2. connects every learner as a browser tab would (``bench/reflex_ws.py``: Engine.IO v4 /
   Socket.IO on ``/_event``, the session token as the ``lms_session`` cookie of the websocket
   handshake, the hydrate event in the CONNECT packet) on ``/learn/<course>/<lesson>`` and waits
   until the page loaded (``LearnState.view == "ok"``, ``is_hydrated``);
3. for ``--duration`` seconds, every learner sends one event about every ``--interval`` seconds
   (random phase, ±10 % jitter): ``mark_complete`` / ``mark_incomplete`` alternately, and with
   ``--mix both`` a ``save_position`` ([seconds, duration], a new position each time) between
   them (``--mix position``: only position saves, for comparison: their delta is small). Round trip = the event's frame written → the first update carrying the player's delta
   received. A failure is: no reply within ``--timeout``, a dropped connection, a reply with a
   toast/redirect (refused or failed), or a delta that contradicts the action;
4. checks in the database that every learner's last completion state was stored.

Memory per connected learner = (RSS of the server process(es) after connecting - before) / N,
read from /proc for the processes holding the listening socket of ``--base-url`` (and their
children); ``--server-pid`` overrides the detection. Also prints the server's CPU use during the
run, the load script's own CPU and event-loop lag (the load generator shares the machine: a
large lag means the client, not the server, limited the figures), and ``uptime``.

Targets: **p95 <= 50 ms, p99 <= 150 ms, no failures** (500 learners, one worker).

Usage:
  bench/player_server.sh &                         # or any running server + its database URL
  python bench/player_load.py --learners 500 --interval 10 --duration 120
Options: --base-url http://127.0.0.1:3317 --database-url sqlite:////tmp/bench-player-data/lms.db
  --lessons 50 --mix complete|both|position --connect-concurrency 25 --timeout 5 --server-pid PID
Exit status 1 when a target is missed. Rows are left in the bench database (tagged bench-learner-*).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import resource
import secrets
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from player_fixture import SERVER_DB  # noqa: E402
from reflex_ws import ROOT_STATE, ReflexSocket, reflex_version  # noqa: E402

# The state moved to lms_app/learning/pages/learn_state.py (feature packages): its full name with it.
LEARN = f"{ROOT_STATE}.lms_app___learning___pages___learn_state____learn_state"
P95_MS, P99_MS = 50.0, 150.0


# ----------------------------------------------------------------------------- server process

def listening_pids(port: int) -> list[int]:
    """Pids holding the TCP listening socket on ``port`` (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":
                inodes.add(cols[9])
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{entry}/fd"):
                try:
                    link = os.readlink(f"/proc/{entry}/fd/{fd}")
                except OSError:
                    continue
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    pids.append(int(entry))
                    break
        except OSError:
            continue
    return pids


def with_children(pids: list[int]) -> list[int]:
    out, todo = [], list(pids)
    while todo:
        pid = todo.pop()
        if pid in out:
            continue
        out.append(pid)
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            children = []
        todo.extend(int(c) for c in children)
    return out


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except Exception:  # noqa: BLE001
        return "(uptime unavailable)"


# ----------------------------------------------------------------------------- data

def create_rows(database_url: str, learners: int, lessons: int):
    """Course + learners + enrolments + sessions in the server's database (schema already migrated)."""
    from player_fixture import use_database

    use_database(database_url)
    import lms_app.core.db

    from player_fixture import make_course, make_learners, make_teacher

    tag = secrets.token_hex(3)
    with lms_app.core.db.session_scope() as s:
        teacher = make_teacher(s, f"load-{tag}")
        course_id, lesson_ids = make_course(s, teacher, f"player-load-{tag}", lessons, max(1, lessons // 10))
        people = make_learners(s, learners, [course_id], f"load-{tag}")
    return f"player-load-{tag}", course_id, lesson_ids, people


def stored_completions(course_id: int, user_ids: list[int]) -> dict[int, set[int]]:
    from sqlalchemy import select

    import lms_app.core.db
    from lms_app.learning.models import LessonProgress

    done: dict[int, set[int]] = defaultdict(set)
    with lms_app.core.db.session_scope() as s:
        rows = s.execute(select(LessonProgress.user_id, LessonProgress.lesson_id).where(
            LessonProgress.course_id == course_id, LessonProgress.completed_at.is_not(None),
            LessonProgress.user_id.in_(user_ids))).all()
    for uid, lid in rows:
        done[uid].add(lid)
    return done


# ----------------------------------------------------------------------------- learners

class Learner:
    def __init__(self, index: int, user_id: int, token: str, base_url: str, slug: str, lesson_id: int):
        self.index, self.user_id, self.lesson_id = index, user_id, lesson_id
        path = f"/learn/{slug}/{lesson_id}"
        self.sock = ReflexSocket(base_url, path, {"course": slug, "lesson": str(lesson_id)},
                                 cookie=f"theme=light; lms_session={token}", subprotocol=reflex_version())
        self.completed = False
        self.position = 10 + index % 50
        self.step = 0
        self.connect_ms = 0.0
        self.load_bytes = 0

    async def connect(self, timeout: float) -> None:
        t = time.perf_counter()
        await self.sock.connect(timeout)
        seen_ok = hydrated = False
        deadline = t + timeout
        while not (seen_ok and hydrated):
            frame = await self.sock.next_frame(max(0.01, deadline - time.perf_counter()))
            if frame is None:
                raise TimeoutError(f"page not loaded within {timeout:.0f}s (view ok: {seen_ok}, hydrated: {hydrated})")
            self.load_bytes += frame.size
            delta = frame.update.get("delta") or {}
            learn = delta.get(LEARN) or {}
            if learn.get("view_rx_state_") not in (None, "ok", "loading"):
                raise RuntimeError(f"lesson page says view={learn.get('view_rx_state_')!r}")
            seen_ok |= learn.get("view_rx_state_") == "ok" and learn.get("tracking_rx_state_") is True
            if "completed_rx_state_" in learn:
                self.completed = bool(learn["completed_rx_state_"])
            hydrated |= (delta.get(ROOT_STATE) or {}).get("is_hydrated_rx_state_") is True
        self.connect_ms = (time.perf_counter() - t) * 1000

    def next_action(self, mix: str) -> tuple[str, str, dict]:
        """(kind, handler, payload) of the next event."""
        self.step += 1
        if mix == "position" or (mix == "both" and self.step % 2 == 0):
            self.position = 10 + (self.position + 7) % 480  # always a new value, below 90 % of 600 s
            return "save_position", "save_position", {"position": [self.position + 0.25, 600]}
        if self.completed:
            return "mark_incomplete", "mark_incomplete", {}
        return "mark_complete", "mark_complete", {}


async def run_learner(learner: Learner, args, stop_at: float, results: list, failures: Counter, bytes_by_kind):
    rng = random.Random(learner.index)
    await asyncio.sleep(rng.uniform(0, args.interval))
    while time.perf_counter() < stop_at:
        started = time.perf_counter()
        kind, handler, payload = learner.next_action(args.mix)
        learner.sock.client_events.clear()
        # Anything still queued belongs to the previous event (late extra frames).
        while not learner.sock.frames.empty():
            stale = learner.sock.frames.get_nowait()
            if stale is None:
                failures["connection closed"] += 1
                return
        try:
            sent_at = await learner.sock.emit(f"{LEARN}.{handler}", payload)
            reply, size = None, 0
            deadline = sent_at + args.timeout
            while reply is None:
                frame = await learner.sock.next_frame(max(0.001, deadline - time.perf_counter()))
                if frame is None:
                    break
                size += frame.size
                if LEARN in (frame.update.get("delta") or {}):
                    reply = frame
            if reply is None:
                failures[f"{kind}: no reply within {args.timeout:g}s"] += 1
            else:
                rtt = (reply.at - sent_at) * 1000
                await asyncio.sleep(0.05)  # a second frame of the same event would arrive now
                while not learner.sock.frames.empty():
                    extra = learner.sock.frames.get_nowait()
                    if extra is not None:
                        size += extra.size
                delta = reply.update["delta"][LEARN]
                problem = check_reply(kind, delta, learner, payload)
                if learner.sock.client_events:
                    problem = problem or f"{kind}: client events {sorted(set(learner.sock.client_events))}"
                if problem:
                    failures[problem] += 1
                else:
                    results.append((kind, rtt))
                    bytes_by_kind[kind].append(size)
        except (ConnectionError, OSError) as exc:
            failures[f"connection: {type(exc).__name__}"] += 1
            return
        jitter = rng.uniform(0.9, 1.1) * args.interval
        await asyncio.sleep(max(0.0, min(started + jitter, stop_at) - time.perf_counter()))


def check_reply(kind: str, delta: dict, learner: Learner, payload: dict) -> str | None:
    if kind in ("mark_complete", "mark_incomplete"):
        want = kind == "mark_complete"
        if delta.get("completed_rx_state_", want) != want:
            return f"{kind}: delta says completed={delta.get('completed_rx_state_')}"
        learner.completed = want
        return None
    if delta.get("start_seconds_rx_state_") != int(payload["position"][0]):
        return f"save_position: delta says start_seconds={delta.get('start_seconds_rx_state_')}"
    return None


async def loop_lag(samples: list, stop: asyncio.Event):
    while not stop.is_set():
        t = time.perf_counter()
        await asyncio.sleep(0.01)
        samples.append((time.perf_counter() - t - 0.01) * 1000)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)  # nearest rank
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


async def main_async(args) -> int:
    port = urlsplit(args.base_url).port or 80
    # bench/load_workers.py passes every worker's pid (the port is nginx's there).
    pids = list(getattr(args, "server_pids", None) or ([args.server_pid] if args.server_pid else listening_pids(port)))
    if not pids:
        print(f"no process listens on port {port}: start the server (bench/player_server.sh) or pass --server-pid")
        return 2
    server = with_children(pids)
    print(f"machine: {os.cpu_count()} CPUs; {uptime()}")
    print(f"server: {args.base_url}, pids {server}; database {args.database_url.split('@')[-1]}")

    t = time.perf_counter()
    slug, course_id, lesson_ids, people = await asyncio.to_thread(create_rows, args.database_url, args.learners,
                                                                  args.lessons)
    print(f"created course {slug} ({len(lesson_ids)} lessons), {len(people)} learners + sessions + enrolments "
          f"in {time.perf_counter() - t:.1f}s")

    learners = [Learner(i, uid, token, args.base_url, slug, lesson_ids[i % len(lesson_ids)])
                for i, (uid, token) in enumerate(people)]
    await asyncio.sleep(1.0)
    rss_before = sum(rss_kb(p) for p in server)

    # -- connect
    sem = asyncio.Semaphore(args.connect_concurrency)
    connect_failures: Counter = Counter()

    async def connect(learner: Learner):
        async with sem:
            try:
                await learner.connect(args.connect_timeout)
                return True
            except Exception as exc:  # noqa: BLE001
                connect_failures[f"{type(exc).__name__}: {str(exc)[:120]}"] += 1
                return False

    t = time.perf_counter()
    ok = await asyncio.gather(*(connect(x) for x in learners))
    connected = [x for x, good in zip(learners, ok) if good]
    connect_s = time.perf_counter() - t
    await asyncio.sleep(3.0)  # the server finishes the last page loads' follow-up work
    idle0 = sum(cpu_seconds(p) for p in server)
    await asyncio.sleep(3.0)
    idle_pct = 100 * (sum(cpu_seconds(p) for p in server) - idle0) / 3.0
    rss_connected = sum(rss_kb(p) for p in server)
    per_learner_kb = (rss_connected - rss_before) / max(1, len(connected))
    print(f"connected {len(connected)}/{len(learners)} in {connect_s:.1f}s "
          f"(page load p50 {pct([x.connect_ms for x in connected], 50):.0f} ms, "
          f"p95 {pct([x.connect_ms for x in connected], 95):.0f} ms; "
          f"{statistics.median([x.load_bytes for x in connected] or [0]):,.0f} bytes received per page load)")
    for reason, n in connect_failures.most_common():
        print(f"  connect failure x{n}: {reason}")
    print(f"server RSS: {rss_before / 1024:.1f} MB before, {rss_connected / 1024:.1f} MB connected "
          f"-> {per_learner_kb:.1f} KB per connected learner; server CPU while idle {idle_pct:.0f}% of one core")

    # -- drive events
    results: list[tuple[str, float]] = []
    failures: Counter = Counter()
    bytes_by_kind: dict[str, list[int]] = defaultdict(list)
    lag: list[float] = []
    stop = asyncio.Event()
    lag_task = asyncio.create_task(loop_lag(lag, stop))
    cpu_server0 = sum(cpu_seconds(p) for p in server)
    cpu_self0 = time.process_time()
    t0 = time.perf_counter()
    stop_at = t0 + args.duration
    print(f"driving: {len(connected)} learners x 1 event / {args.interval:g}s for {args.duration:g}s "
          f"(mix: {args.mix}) ...")
    await asyncio.gather(*(run_learner(x, args, stop_at, results, failures, bytes_by_kind) for x in connected))
    wall = time.perf_counter() - t0
    stop.set()
    await lag_task
    cpu_server = sum(cpu_seconds(p) for p in server) - cpu_server0
    cpu_self = time.process_time() - cpu_self0
    rss_after = sum(rss_kb(p) for p in server)

    for x in learners:
        await x.sock.close()

    # -- stored state matches what the learners saw last
    stored = await asyncio.to_thread(stored_completions, course_id, [x.user_id for x in connected])
    mismatched = sum(1 for x in connected if (x.lesson_id in stored.get(x.user_id, set())) != x.completed)
    if mismatched:
        failures["database disagrees with the last reply"] += mismatched

    # -- report
    rtts = [ms for _, ms in results]
    print(f"\nevents answered: {len(results)} in {wall:.1f}s ({len(results) / wall:.1f}/s); "
          f"failures: {sum(failures.values())}")
    for reason, n in failures.most_common():
        print(f"  failure x{n}: {reason}")
    print(f"\n{'event':>16} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'bytes p50':>10}")
    kinds = sorted({k for k, _ in results})
    for kind in kinds + ["all"]:
        sample = rtts if kind == "all" else [ms for k, ms in results if k == kind]
        sizes = [s for k in kinds for s in bytes_by_kind[k]] if kind == "all" else bytes_by_kind[kind]
        print(f"{kind:>16} {len(sample):6d} {pct(sample, 50):8.1f} {pct(sample, 95):8.1f} {pct(sample, 99):8.1f} "
              f"{max(sample or [float('nan')]):8.1f} {statistics.median(sizes or [0]):10,.0f}")
    print(f"\nserver CPU: {cpu_server:.1f}s in {wall:.0f}s ({100 * cpu_server / wall:.0f}% of one core; "
          f"{1000 * cpu_server / max(1, len(results) + sum(failures.values())):.1f} ms per event); "
          f"RSS after the run {rss_after / 1024:.1f} MB")
    print(f"load script: CPU {cpu_self:.1f}s ({100 * cpu_self / wall:.0f}% of one core), "
          f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
          f"event-loop lag p99 {pct(lag, 99):.1f} ms / max {max(lag or [0]):.1f} ms")
    print(f"machine after: {uptime()}")

    p95, p99 = pct(rtts, 95), pct(rtts, 99)
    total_failures = sum(failures.values()) + sum(connect_failures.values())
    good = bool(rtts) and p95 <= P95_MS and p99 <= P99_MS and total_failures == 0
    print(f"\ntargets: p95 <= {P95_MS:g} ms ({p95:.1f}), p99 <= {P99_MS:g} ms ({p99:.1f}), no failures "
          f"({total_failures}); memory per learner {per_learner_kb:.0f} KB (information)")
    print("OK" if good else "TARGET MISSED")
    return 0 if good else 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base-url", default="http://127.0.0.1:3317")
    ap.add_argument("--database-url", default=SERVER_DB)
    ap.add_argument("--learners", type=int, default=500)
    ap.add_argument("--lessons", type=int, default=50)
    ap.add_argument("--interval", type=float, default=10.0)
    ap.add_argument("--duration", type=float, default=120.0)
    ap.add_argument("--mix", choices=["complete", "both", "position"], default="complete")
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--connect-timeout", type=float, default=60.0)
    ap.add_argument("--connect-concurrency", type=int, default=25)
    ap.add_argument("--server-pid", type=int)
    args = ap.parse_args()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    raise SystemExit(main())
