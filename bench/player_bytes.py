"""Bytes the server sends back for one "mark complete" and one video position save in the player.

Default: over the real websocket of a running production server (``bench/player_server.sh``),
with ``bench/reflex_ws.py``. Writes into that server's database (``--database-url``, default the
SQLite file of player_server.sh) three published courses of 5, 50 and 500 video lessons and one
learner enrolled in all three with a server-side session, opens a lesson in the middle of each
course (``/learn/<course>/<lesson>``, the session token as the ``lms_session`` cookie of the
handshake), then sends ``mark_complete``, ``mark_incomplete`` and ``save_position([s, 600])``
one at a time and adds up every websocket frame the server sends back for each (until nothing
arrives for ``--quiet`` seconds). Sizes are the uncompressed text frames (Socket.IO envelope +
the state-update JSON); this client does not negotiate permessage-deflate.

``--in-process``: no server. A scratch database (SQLite, or ``--database-url`` of a PostgreSQL
database: a ``player_bytes_bench_<random>`` schema is created and dropped), the handlers driven
on an ``rx.State`` tree as tests/conftest.py's harness does, and the size of
``42/_event,["event",{"delta": get_delta(), "events": [...]}]`` computed: what the server would
send. Useful as a cross-check and where no server runs.

Both print, per course size and event, the bytes and the state vars that make up most of them.

Target: **<= 1,024 bytes sent back per event, for every course size**.

Usage: python bench/player_bytes.py [--base-url http://127.0.0.1:3317] [--database-url URL]
       python bench/player_bytes.py --in-process [--database-url postgresql+psycopg://...]
Exit status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from player_fixture import SERVER_DB  # noqa: E402
from reflex_ws import NAMESPACE, ROOT_STATE  # noqa: E402

TARGET = 1024
LEARN = f"{ROOT_STATE}.lms_app___learning___pages___learn_state____learn_state"
SIZES = ((5, 1), (50, 5), (500, 25))  # (lessons, modules)
ACTIONS = (("mark_complete", {}), ("mark_incomplete", {}), ("save_position", {"position": [123.25, 600]}))


def make_rows():
    """Courses of 5/50/500 lessons and one learner enrolled in all: ([(lessons, slug, lesson id)], token)."""
    import secrets

    import lms_app.core.db
    from player_fixture import make_course, make_learners, make_teacher

    tag = secrets.token_hex(3)
    pages, course_ids = [], []
    with lms_app.core.db.session_scope() as s:
        teacher = make_teacher(s, f"bytes-{tag}")
        for lessons, modules in SIZES:
            slug = f"player-bytes-{lessons}-{tag}"
            cid, ids = make_course(s, teacher, slug, lessons, modules)
            course_ids.append(cid)
            pages.append((lessons, slug, ids[len(ids) // 2]))
        [(_, token)] = make_learners(s, 1, course_ids, f"bytes-{tag}")
    return pages, token


def top_vars(update: dict, n: int = 3) -> str:
    sizes = []
    for state, fields in (update.get("delta") or {}).items():
        for name, value in fields.items():
            sizes.append((len(json.dumps(value, separators=(",", ":")).encode()),
                          name.removesuffix("_rx_state_"), state.rsplit("____", 1)[-1]))
    if update.get("events"):
        sizes.append((len(json.dumps(update["events"], separators=(",", ":")).encode()), "(events)", ""))
    sizes.sort(reverse=True)
    return ", ".join(f"{name} {size:,}" for size, name, _ in sizes[:n])


def report(rows: list[tuple[int, str, int, int, float, dict]]) -> int:
    """rows: (lessons, action, bytes back, frames, ms, merged update)."""
    print(f"{'lessons':>8} {'event':>16} {'bytes back':>11} {'frames':>7} {'ms':>7}   largest parts")
    worst = 0
    for lessons, action, size, frames, ms, update in rows:
        measured = not action.startswith("(")  # the page load is shown for scale only
        if measured:
            worst = max(worst, size)
        flag = "  <-- over" if measured and size > TARGET else ""
        print(f"{lessons:8d} {action:>16} {size:11,d} {frames:7d} {ms:7.1f}   {top_vars(update)}{flag}")
    print(f"\ntarget: <= {TARGET:,} bytes per event (mark complete/incomplete, position save) for 5, 50 and 500 "
          f"lessons; worst {worst:,} (page loads shown for scale)")
    print("OK" if worst <= TARGET else "OVER TARGET")
    return 0 if worst <= TARGET else 1


def merge(updates: list[dict]) -> dict:
    out: dict = {"delta": {}, "events": []}
    for u in updates:
        for state, fields in (u.get("delta") or {}).items():
            out["delta"].setdefault(state, {}).update(fields)
        out["events"].extend(u.get("events") or [])
    return out


# ----------------------------------------------------------------------------- over the websocket

async def over_websocket(base_url: str, quiet: float) -> list:
    from reflex_ws import ReflexSocket, reflex_version

    pages, token = await asyncio.to_thread(make_rows)
    rows = []
    for lessons, slug, lesson_id in pages:
        sock = ReflexSocket(base_url, f"/learn/{slug}/{lesson_id}", {"course": slug, "lesson": str(lesson_id)},
                            cookie=f"lms_session={token}", subprotocol=reflex_version())
        t = time.perf_counter()
        await sock.connect()
        loaded = await sock.drain(max(quiet, 1.0))
        view = merge([f.update for f in loaded])["delta"].get(LEARN, {})
        if view.get("view_rx_state_") != "ok" or view.get("tracking_rx_state_") is not True:
            raise SystemExit(f"the lesson page did not load as an enrolled learner: view={view.get('view_rx_state_')!r}"
                             f" tracking={view.get('tracking_rx_state_')!r}")
        rows.append((lessons, "(page load)", sum(f.size for f in loaded), len(loaded),
                     (loaded[-1].at - t) * 1000 if loaded else 0.0, merge([f.update for f in loaded])))
        for action, payload in ACTIONS:
            sent_at = await sock.emit(f"{LEARN}.{action}", payload)
            first = await sock.next_frame(10.0)
            if first is None:
                raise SystemExit(f"{action}: no reply within 10 s")
            frames = [first] + await sock.drain(quiet)
            update = merge([f.update for f in frames])
            check(action, update)
            rows.append((lessons, action, sum(f.size for f in frames), len(frames), (first.at - sent_at) * 1000, update))
        await sock.close()
    return rows


def check(action: str, update: dict) -> None:
    learn = update["delta"].get(LEARN, {})
    ok = {"mark_complete": learn.get("completed_rx_state_") is True,
          "mark_incomplete": learn.get("completed_rx_state_") is False,
          "save_position": learn.get("start_seconds_rx_state_") == 123}[action]
    if not ok:
        raise SystemExit(f"{action} did not do what it should; update: {json.dumps(update)[:500]}")


# ----------------------------------------------------------------------------- in process

def in_process(database_url: str | None) -> list:
    import os

    from scratch_db import scratch_database

    os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("REFLEX_CHECK_LATEST_VERSION", "false")
    with scratch_database(database_url, "player_bytes"):
        from alembic import command

        from lms_app.manage import alembic_config

        cfg = alembic_config()
        cfg.attributes["configure_logger"] = False
        command.upgrade(cfg, "heads")
        pages, token = make_rows()
        return asyncio.run(_drive_in_process(pages, token))


async def _drive_in_process(pages, token) -> list:
    import inspect
    import uuid

    import reflex as rx  # noqa: F401

    import lms_app.app  # noqa: F401  (registers every state)
    from lms_app.learning.pages.learn_state import LearnState
    from reflex.state import State
    from reflex_base.utils import format
    from reflex_base.utils.format import json_dumps

    assert LearnState.get_full_name() == LEARN, LearnState.get_full_name()
    rows = []
    for lessons, slug, lesson_id in pages:
        root = State(_reflex_internal_init=True)
        path = f"/learn/{slug}/{lesson_id}"
        router_data = {"pathname": path, "asPath": path, "query": {"course": slug, "lesson": str(lesson_id)},
                       "headers": {"origin": "http://localhost:3000", "host": "localhost:3000",
                                   "cookie": f"lms_session={token}"},
                       "token": str(uuid.uuid4()), "sid": uuid.uuid4().hex, "ip": "127.0.0.1"}
        root.router_data = root._update_router_vars(router_data, {})
        root._clean()
        learn = root.get_substate(LEARN.split("."))

        async def drive(name, payload):
            handler = LearnState.event_handlers[name]
            t = time.perf_counter()
            result = handler.fn(learn, **payload)
            events = []
            if inspect.isasyncgen(result):
                async for item in result:
                    events.append(item)
            else:
                if inspect.isawaitable(result):
                    result = await result
                events.append(result)
            flat = []
            for e in events:
                flat.extend(e if isinstance(e, list) else [e] if e is not None else [])
            delta = await root._get_resolved_delta()
            ms = (time.perf_counter() - t) * 1000
            update = {"delta": json.loads(json_dumps(delta)),
                      "events": [format.format_event(e) for e in flat]}
            frame = f"42{NAMESPACE}," + json.dumps(["event", {"delta": update["delta"], "events": update["events"]}],
                                                    separators=(",", ":"))
            root._clean()
            return len(frame.encode()), ms, update

        size, ms, update = await drive("load", {})
        if learn.view != "ok" or not learn.tracking:
            raise SystemExit(f"the lesson page did not load as an enrolled learner: view={learn.view!r}")
        rows.append((lessons, "(load handler)", size, 1, ms, update))
        for action, payload in ACTIONS:
            size, ms, update = await drive(action, payload)
            check(action, update)
            rows.append((lessons, action, size, 1, ms, update))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base-url", default="http://127.0.0.1:3317")
    ap.add_argument("--database-url", help=f"websocket mode: the server's database (default {SERVER_DB}); "
                                           "--in-process: a PostgreSQL URL (default: temporary SQLite)")
    ap.add_argument("--in-process", action="store_true")
    ap.add_argument("--quiet", type=float, default=0.5, help="seconds without a frame that end an event")
    args = ap.parse_args()
    if args.in_process:
        print("mode: in process (get_delta() of the handlers, no server)\n")
        rows = in_process(args.database_url)
    else:
        from player_fixture import use_database

        use_database(args.database_url or SERVER_DB)
        print(f"mode: websocket frames from {args.base_url}\n")
        rows = asyncio.run(over_websocket(args.base_url, args.quiet))
    return report(rows)


if __name__ == "__main__":
    raise SystemExit(main())
