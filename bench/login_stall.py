"""Event-loop stall while many logins run at once.

Runs the real sign-in path (``run_db(accounts.sign_in, ...)``: SQL + bcrypt in a worker
thread) N times concurrently in one asyncio loop, while a ticker task sleeps 1 ms in a loop
and records how late each wake-up is. A late wake-up is time during which no other user's
event could have been handled.

Target: max stall <= 20 ms with bcrypt cost 12.

For contrast it then runs ONE sign-in inline on the loop (the synchronous function called
directly from a coroutine, i.e. what a sync handler or a missing ``to_thread`` would do).

A third, clearly labelled what-if [C] repeats [A] with asyncio's default thread pool limited
to one thread per CPU, to show whether bounding CPU-heavy work would leave the loop its core.

Usage: python bench/login_stall.py [--logins 20] [--cost 12] [--rounds 3] [--no-whatif]
Uses a temporary SQLite database (LMS_DATA_DIR=<tmp>); nothing in data/ is touched.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_MS = 20.0
PASSWORD = "bench-password-123"


def _configure_env(tmp: str, cost: int) -> None:
    os.environ["LMS_DATA_DIR"] = tmp
    os.environ["LMS_BCRYPT_COST"] = str(cost)
    os.environ["LMS_ENV"] = "test"
    os.environ.pop("LMS_DATABASE_URL", None)
    # Many concurrent logins of the same accounts must not trip the throttle.
    os.environ["LMS_LOGIN_MAX_FAILURES"] = "1000"


def _prepare_db(n_users: int, cost: int) -> list[str]:
    from lms_app import manage
    from lms_app.core.db import session_scope
    from lms_app.core.users import User
    from lms_app.accounts.services import passwords

    manage.migrate()
    pw_hash = passwords.hash_password(PASSWORD, cost)  # one hash, reused: setup speed only
    emails = [f"bench{i:02d}@example.com" for i in range(n_users)]
    with session_scope() as session:
        for i, email in enumerate(emails):
            session.add(User(email=email, name=f"Bench User {i}", password_hash=pw_hash))
    return emails


class Ticker:
    """Sleeps ``interval`` in a loop and records how late each wake-up was (ms)."""

    def __init__(self, interval: float = 0.001):
        self.interval = interval
        self.lateness: list[float] = []
        self._stop = False

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stop:
            start = loop.time()
            await asyncio.sleep(self.interval)
            self.lateness.append(max(0.0, (loop.time() - start - self.interval) * 1000))

    def stop(self) -> None:
        self._stop = True

    def summary(self) -> tuple[float, float, int]:
        if not self.lateness:
            return 0.0, 0.0, 0
        data = sorted(self.lateness)
        p99 = data[min(len(data) - 1, int(round(0.99 * (len(data) - 1))))]
        return data[-1], p99, len(data)


async def _measure(work) -> tuple[float, Ticker, object]:
    ticker = Ticker()
    tick_task = asyncio.create_task(ticker.run())
    await asyncio.sleep(0.05)  # let the ticker settle
    ticker.lateness.clear()
    started = time.perf_counter()
    result = await work()
    elapsed = time.perf_counter() - started
    await asyncio.sleep(0.01)
    ticker.stop()
    await tick_task
    return elapsed, ticker, result


async def concurrent_logins(emails: list[str], pool_size: int | None = None):
    from lms_app.core.db import run_db
    from lms_app.accounts.services import accounts
    from lms_app.core.settings import get_settings

    settings = get_settings()
    if pool_size:
        # What-if only: asyncio.to_thread uses the loop's default executor.
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(pool_size))

    async def work():
        return await asyncio.gather(*(run_db(accounts.sign_in, settings, e, PASSWORD) for e in emails))

    return await _measure(work)


async def inline_login(email: str):
    from lms_app.core.db import _call_in_session
    from lms_app.accounts.services import accounts
    from lms_app.core.settings import get_settings

    settings = get_settings()

    async def work():
        # Deliberately wrong: the synchronous sign-in (SQL + bcrypt) called on the loop.
        return [_call_in_session(accounts.sign_in, settings, email, PASSWORD)]

    return await _measure(work)


def _report(title: str, elapsed: float, ticker: Ticker, results, show_target: bool) -> bool:
    mx, p99, n = ticker.summary()
    ok_logins = sum(1 for ticket, _role, err in results if ticket and not err)
    errors = {err for _t, _r, err in results if err}
    print(f"\n{title}")
    print(f"  logins succeeded : {ok_logins}/{len(results)}" + (f"  errors: {errors}" if errors else ""))
    print(f"  total time       : {elapsed * 1000:8.1f} ms")
    print(f"  ticker samples   : {n}")
    print(f"  max stall        : {mx:8.2f} ms")
    print(f"  p99 stall        : {p99:8.2f} ms")
    if show_target:
        verdict = "OK" if mx <= TARGET_MS else "OVER TARGET"
        print(f"  target           : max stall <= {TARGET_MS:.0f} ms -> {verdict}")
    return mx <= TARGET_MS and ok_logins == len(results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logins", type=int, default=20)
    parser.add_argument("--cost", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3, help="repeat the concurrent run (noisy VMs)")
    parser.add_argument("--no-whatif", action="store_true", help="skip the bounded-pool what-if [C]")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="lms-bench-login-")
    _configure_env(tmp, args.cost)
    try:
        import bcrypt

        print(f"Login stall benchmark: {args.logins} concurrent sign-ins, bcrypt cost {args.cost}, "
              f"SQLite in {tmp}")
        print(f"  python {sys.version.split()[0]}, bcrypt {bcrypt.__version__}, CPUs {os.cpu_count()}, "
              f"default to_thread pool size {min(32, (os.cpu_count() or 1) + 4)}")
        emails = _prepare_db(args.logins, args.cost)

        t0 = time.perf_counter()
        from lms_app.accounts.services import passwords
        passwords.verify_password(PASSWORD, passwords.hash_password(PASSWORD, args.cost))
        one_hash = (time.perf_counter() - t0) / 2
        print(f"  one bcrypt operation at cost {args.cost}: ~{one_hash * 1000:.0f} ms")

        cpus = os.cpu_count() or 1
        worst: list[float] = []
        ok = True
        for r in range(1, args.rounds + 1):
            elapsed, ticker, results = asyncio.run(concurrent_logins(emails))
            ok &= _report(f"[A] round {r}/{args.rounds}: {args.logins} concurrent logins via run_db "
                          f"(worker threads, default pool) -- the real code path",
                          elapsed, ticker, results, show_target=True)
            worst.append(ticker.summary()[0])
        if args.rounds > 1:
            print(f"\n  [A] max stall per round: {', '.join(f'{w:.1f}' for w in worst)} ms; "
                  f"median {statistics.median(worst):.1f} ms, worst {max(worst):.1f} ms "
                  f"(target <= {TARGET_MS:.0f} ms)")

        if not args.no_whatif:
            whatif: list[float] = []
            for r in range(1, args.rounds + 1):
                elapsed, ticker, results = asyncio.run(concurrent_logins(emails, pool_size=cpus))
                _report(f"[C] WHAT-IF round {r}/{args.rounds}: same code path, to_thread pool limited to "
                        f"{cpus} threads (= CPUs; not what the app does today)",
                        elapsed, ticker, results, show_target=True)
                whatif.append(ticker.summary()[0])
            if args.rounds > 1:
                print(f"\n  [C] max stall per round: {', '.join(f'{w:.1f}' for w in whatif)} ms; "
                      f"median {statistics.median(whatif):.1f} ms, worst {max(whatif):.1f} ms")

        elapsed, ticker, results = asyncio.run(inline_login(emails[0]))
        _report("[B] CONTRAST ONLY: 1 login run inline on the event loop (what a blocking handler does)",
                elapsed, ticker, results, show_target=False)
        print("\n  [B] is not how the app runs; it shows what [A] avoids: every other user waits that long.")
        return 0 if ok else 1
    finally:
        from lms_app.core.db import reset_engine

        reset_engine()
        if args.keep:
            print(f"(kept {tmp})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
