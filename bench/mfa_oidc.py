"""Two-factor and identity-provider sign-in: what the extra steps cost.

[A] ``check_second_factor`` with a right TOTP code (decrypt the secret, throttle slot committed,
    conditional UPDATE of the last step) and with a wrong code, N times each.
[B] Parallel use of ONE code: K threads present the same right TOTP code at once; exactly one
    must win (the conditional UPDATE decides).
[C] A whole identity-provider sign-in (start → local provider → callback → session cookie) against
    the local OIDC provider of the tests, N times (discovery and keys cached after the first).

Usage: python bench/mfa_oidc.py [--database-url postgresql+psycopg://...] [--n 200] [--flows 30]
(a temp SQLite file, or a fresh schema on the PostgreSQL URL, dropped at the end).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch_db import scratch_database  # noqa: E402


def ms(samples):
    samples = sorted(samples)
    return f"median {statistics.median(samples) * 1000:.2f} ms, p95 {samples[int(len(samples) * 0.95) - 1] * 1000:.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--flows", type=int, default=30)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    import os

    os.environ["LMS_BCRYPT_COST"] = "4"
    with scratch_database(args.database_url, "mfa"):
        from tests.oidc_provider import LocalProvider

        idp = LocalProvider().start()
        os.environ.update(idp.env())
        import pyotp
        from alembic import command
        from alembic.config import Config
        from sqlalchemy import text

        from lms_app.core import plugins
        from lms_app.core.settings import get_settings

        get_settings.cache_clear()
        plugins.manager()
        cfg = Config(str(Path(__file__).resolve().parent.parent / "alembic.ini"))
        command.upgrade(cfg, "head")
        from lms_app.accounts.mfa import service as mfa
        from lms_app.core.db import get_engine, session_scope
        from lms_app.core.sessions import Actor
        from lms_app.core.users import User

        settings = get_settings()
        with session_scope() as s:
            user = User(name="Bench", email="bench@example.com", password_hash="!", role="learner")
            s.add(user)
            s.flush()
            uid = user.id
        actor = Actor(uid, "learner", 0)
        with session_scope() as s:
            secret = mfa.begin_enrolment(s, settings, actor)["secret"].replace(" ", "")
        with session_scope() as s:
            mfa.confirm_enrolment(s, settings, actor, pyotp.TOTP(secret).at(time.time() - 30))
        print(f"database: {settings.database_url.split('://')[0]}")

        # [A] right codes: each needs a fresh step, so reset last_step between calls (outside the timing).
        right, wrong = [], []
        for i in range(args.n):
            with get_engine().begin() as c:
                c.execute(text("UPDATE mfa_totp SET last_step = 0"))
                c.execute(text("DELETE FROM throttle_counters"))
            code = pyotp.TOTP(secret).now()
            t = time.perf_counter()
            with session_scope() as s:
                mfa.check_second_factor(s, s.get(User, uid), code)
            right.append(time.perf_counter() - t)
            t = time.perf_counter()
            try:
                with session_scope() as s:
                    mfa.check_second_factor(s, s.get(User, uid), "abcde-fghjk")
            except mfa.SecondFactorInvalid:
                pass
            wrong.append(time.perf_counter() - t)
        print(f"[A] right TOTP code: {ms(right)}; wrong code: {ms(wrong)} (n={args.n})")

        # [B] one code, K threads at once
        with get_engine().begin() as c:
            c.execute(text("UPDATE mfa_totp SET last_step = 0"))
            c.execute(text("DELETE FROM throttle_counters"))
        code = pyotp.TOTP(secret).now()
        wins, barrier = [], threading.Barrier(args.threads)

        def attempt():
            barrier.wait()
            try:
                with session_scope() as s:
                    mfa.check_second_factor(s, s.get(User, uid), code)
                wins.append(1)
            except Exception:
                pass

        threads = [threading.Thread(target=attempt) for _ in range(args.threads)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        print(f"[B] {args.threads} parallel uses of one TOTP code: {len(wins)} accepted (must be 1)")

        # [C] whole provider sign-ins
        from urllib.parse import urlsplit

        import httpx
        from starlette.testclient import TestClient

        from lms_app.accounts.oidc import providers
        from lms_app.core.http import build_api

        providers.configured.cache_clear()
        flows = []
        with TestClient(build_api(), base_url="http://localhost:3000") as client:
            for i in range(args.flows):
                idp.user = {"sub": f"s{i}", "email": f"u{i}@idp.example", "email_verified": True, "name": f"U {i}"}
                client.cookies.clear()
                t = time.perf_counter()
                started = client.get("/auth/oidc/local/start", follow_redirects=False)
                back = httpx.get(started.headers["location"], follow_redirects=False).headers["location"]
                done = client.get(urlsplit(back)._replace(scheme="", netloc="").geturl(), follow_redirects=False)
                flows.append(time.perf_counter() - t)
                assert done.cookies.get("lms_session"), done.headers
        print(f"[C] provider sign-in, start→callback→session (new account each): first "
              f"{flows[0] * 1000:.1f} ms (discovery + keys), then {ms(flows[1:])} (n={args.flows})")
        idp.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
