"""Live-session booking burst: N learners book the last S seats of one priced time at once.

Each learner is a real user; all start together (a barrier) in worker threads, each running
``services.book`` in its own transaction with the test gateway, as the page handler does.
Prints: confirmed bookings, refusals ("fully booked"), charges, seats_taken, orders, time to
settle (first start until every booking answered), per-booking latency, and SQL statements per
booking and per offering page. Targets: confirmed == seats == charges == orders; no errors.

SQLite (default): a temporary database. PostgreSQL: ``--database-url postgresql+psycopg://...``
(a scratch schema is created and dropped).

Usage: python bench/live_booking_burst.py [--database-url URL] [--learners 50] [--seats 10]
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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--learners", type=int, default=50)
    ap.add_argument("--seats", type=int, default=10)
    args = ap.parse_args()
    with scratch_database(args.database_url, "liveburst"):
        return run(args.learners, args.seats)


def run(learners: int, seats: int) -> int:
    from alembic import command
    from sqlalchemy import event, func
    from sqlmodel import select

    import lms_app.core.db
    from lms_app.commerce.gateways import test_gateway
    from lms_app.commerce.gateways.base import CardDetails
    from lms_app.commerce.models import Order
    from lms_app.core.errors import ServiceError
    from lms_app.core.plugins import manager
    from lms_app.core.sessions import Actor
    from lms_app.core.settings import get_settings
    from lms_app.core.types import utcnow
    from lms_app.core.users import User
    from lms_app.live import services
    from lms_app.live.models import LiveBooking, LiveSlot
    from lms_app.manage import alembic_config

    manager()
    cfg = alembic_config()
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "heads")
    engine = lms_app.core.db.get_engine()
    with lms_app.core.db.session_scope() as s:
        teacher = User(email="t@example.com", name="Bench Teacher", role="teacher", password_hash="!")
        s.add(teacher)
        people = [User(email=f"l{i}@example.com", name=f"Learner {i}", role="learner", password_hash="!",
                       email_verified_at=utcnow()) for i in range(learners)]
        s.add_all(people)
        s.flush()
        t_actor = Actor(user_id=teacher.id, role="teacher", session_id=0)
        actors = [Actor(user_id=p.id, role="learner", session_id=0) for p in people]
        offering = services.create_offering(s, t_actor, {
            "title": "Burst class", "duration_minutes": "60", "capacity": str(seats), "price": "99.99",
            "timezone": "Europe/Berlin", "meeting_url": "https://meet.example/x", "cutoff_hours": "24"})
        slot_id = services.schedule(s, t_actor, offering.id, "2031-01-10", "18:00")[0].id
    card = CardDetails(number="4242 4242 4242 4242", expiry="12/39", cvc="123", name="B")
    settings = get_settings()
    counter = {"n": 0}
    lock = threading.Lock()

    def count(*_):
        with lock:
            counter["n"] += 1

    barrier = threading.Barrier(learners)
    outcomes: list[str] = []
    latencies: list[float] = []
    charges_before = len(test_gateway.CHARGES)

    def attempt(actor):
        barrier.wait()
        t0 = time.perf_counter()
        try:
            with lms_app.core.db.session_scope() as s:
                services.book(s, settings, actor, slot_id, "", card, test_gateway.TestGateway())
            result = "ok"
        except ServiceError as exc:
            result = "full" if exc.message == services.FULL else exc.message
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not hide
            result = f"ERROR {type(exc).__name__}: {exc}"
        with lock:
            outcomes.append(result)
            latencies.append(time.perf_counter() - t0)

    event.listen(engine, "before_cursor_execute", count)
    threads = [threading.Thread(target=attempt, args=(a,)) for a in actors]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    settled = time.perf_counter() - started
    burst_statements = counter["n"]
    counter["n"] = 0
    with lms_app.core.db.session_scope() as s:
        services.offering_page(s, actors[0], offering.id, "Europe/Berlin")
    page_statements = counter["n"]
    event.remove(engine, "before_cursor_execute", count)

    with lms_app.core.db.session_scope() as s:
        taken = s.get(LiveSlot, slot_id).seats_taken
        confirmed = s.exec(select(func.count(LiveBooking.id)).where(LiveBooking.status == "confirmed")).one()
        orders = s.exec(select(func.count(Order.id))).one()
    charges = len(test_gateway.CHARGES) - charges_before
    errors = [o for o in outcomes if o.startswith("ERROR")]
    ok = outcomes.count("ok")
    print(f"database: {engine.dialect.name}; {learners} learners, {seats} seats, priced")
    print(f"confirmed={confirmed} ok_answers={ok} full_answers={outcomes.count('full')} other={len(outcomes) - ok - outcomes.count('full')}")
    print(f"charges={charges} orders={orders} seats_taken={taken} errors={len(errors)}")
    print(f"time to settle: {settled * 1000:.0f} ms; latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms")
    print(f"SQL statements: {burst_statements / learners:.1f} per booking attempt (avg over the burst), "
          f"{page_statements} per offering page")
    for e in errors[:5]:
        print("  ", e)
    held = confirmed == seats == charges == orders == taken == ok and not errors
    print("invariants held" if held else "INVARIANTS BROKEN")
    return 0 if held else 1


if __name__ == "__main__":
    raise SystemExit(main())
