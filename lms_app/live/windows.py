"""Availability windows: office hours and 1:1 coaching. The teacher says "Tue and Thu, 14:00–18:00,
for the next 4 weeks" (in the offering's zone); a learner picks a free start time and books it.

The slot for a picked time does not exist until the first booking creates it, in the booking's
own transaction (``book_time``): a declined card leaves nothing behind. Starts are offered every
``duration`` minutes from the window's start, so two picked times of one offering never overlap.
Two learners picking the same start share one slot (partial unique index on offering and start),
so for capacity 1 the second is refused by the seat count, exactly as for fixed times; a start
that overlaps any other time of the teacher is neither offered nor accepted.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import text
from sqlmodel import Session, select

from lms_app.core.arguments import object_id
from lms_app.core.db import dialect_insert
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import LEARNER_AREA, TEACHER_AREA, require_role
from lms_app.core.sessions import Actor
from lms_app.core.settings import Settings
from lms_app.core.types import utcnow
from lms_app.live import services, times
from lms_app.live.models import LiveBooking, LiveOffering, LiveSlot, LiveWindow

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# A picked time must start at least this far ahead (the teacher needs notice).
NOTICE = timedelta(hours=1)
HORIZON_DAYS = 28
MAX_TIMES = 120
NOT_OFFERED = "That time is not offered (any more): pick one of the times shown."


def _minutes(raw: object) -> int:
    at = times.local_time(raw)  # "HH:MM", refused with a clear message otherwise
    return at.hour * 60 + at.minute


def _weekdays(raw: object) -> list[int]:
    values = raw if isinstance(raw, (list, tuple)) else [raw]
    days = set()
    for value in values:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
            days.add(value)
    if not days:
        raise ServiceError("Pick at least one day of the week.", "weekdays")
    return sorted(days)


def add_windows(session: Session, actor: Actor, raw_offering_id: object, raw_weekdays: object, raw_start: object,
                raw_end: object, raw_first: object, raw_weeks: object = 4) -> list[LiveWindow]:
    """One window per chosen weekday, from ``raw_first`` for ``raw_weeks`` weeks."""
    offering = services.own_offering(session, actor, raw_offering_id)
    days = _weekdays(raw_weekdays)
    start, end = _minutes(raw_start), _minutes(raw_end)
    if end == 0 and isinstance(raw_end, str) and raw_end.strip() in ("00:00", "24:00"):
        end = 24 * 60  # "until midnight"
    if end - start < offering.duration_minutes:
        raise ServiceError(f"The window must be at least as long as the session ({offering.duration_minutes} min).",
                           "end")
    first = times.local_date(raw_first)
    weeks = times.whole_number(raw_weeks, "weeks", "For how many weeks", 1, services.MAX_WEEKS)
    today = utcnow().astimezone(times.zone(offering.timezone)).date()
    if first < today:
        raise ServiceError("That date is in the past: pick today or later.", "date")
    windows = [LiveWindow(offering_id=offering.id, weekday=day, start_minute=start, end_minute=end, first_day=first,
                          last_day=first + timedelta(weeks=weeks) - timedelta(days=1)) for day in days]
    session.add_all(windows)
    session.flush()
    return windows


def delete_window(session: Session, actor: Actor, raw_window_id: object) -> None:
    """Times already booked stay booked (they are slots now); only future picks stop."""
    window = session.get(LiveWindow, object_id(raw_window_id, "That availability window does not exist."))
    if window is None:
        raise ServiceError("That availability window does not exist.")
    services.own_offering(session, actor, window.offering_id)
    session.delete(window)
    session.flush()


def windows_of(session: Session, actor: Actor, raw_offering_id: object) -> list[dict]:
    """The offering's windows for its teacher (one query after the ownership check)."""
    offering = services.own_offering(session, actor, raw_offering_id)
    rows = session.exec(select(LiveWindow).where(LiveWindow.offering_id == offering.id)
                        .order_by(LiveWindow.first_day, LiveWindow.weekday, LiveWindow.start_minute)).all()
    return [{"id": w.id, "offering_id": w.offering_id,
             "label": f"{WEEKDAYS[w.weekday]} {_hhmm(w.start_minute)}–{_hhmm(w.end_minute)}, "
                      f"{w.first_day:%d %b} – {w.last_day:%d %b %Y}"} for w in rows]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _candidates(offering: LiveOffering, windows: list[LiveWindow], first: date, last: date) -> list[datetime]:
    """Every start the windows allow between two local dates, as UTC, in order. Wall-clock times
    the clocks skip are left out; a repeated hour (autumn) offers its first occurrence."""
    tz = times.zone(offering.timezone)
    step = offering.duration_minutes
    starts = set()
    for window in windows:
        day = max(first, window.first_day)
        while day <= min(last, window.last_day):
            if day.weekday() == window.weekday:
                minute = window.start_minute
                while minute + step <= window.end_minute:
                    try:
                        starts.add(times.local_to_utc(day, time(minute // 60, minute % 60), tz))
                    except ServiceError:
                        pass
                    minute += step
            day += timedelta(days=1)
    return sorted(starts)


def _busy(session: Session, teacher_id: int, start: datetime, end: datetime) -> list[LiveSlot]:
    return list(session.exec(select(LiveSlot).where(LiveSlot.teacher_id == teacher_id,
                                                    LiveSlot.status == "scheduled", LiveSlot.starts_at < end,
                                                    LiveSlot.ends_at > start)).all())


def free_times(session: Session, offering: LiveOffering, viewer_tz: object = "UTC",
               now: datetime | None = None) -> list[dict]:
    """The next four weeks' free start times, grouped by the viewer's local day:
    [{"day": "Tue 08 Dec", "times": [{"start": iso, "label": "14:00", "seats_left": n}]}].
    Two queries (windows, the teacher's times in the horizon)."""
    now, tz = now or utcnow(), times.zone(viewer_tz)
    windows = list(session.exec(select(LiveWindow).where(LiveWindow.offering_id == offering.id)).all())
    if not windows:
        return []
    otz = times.zone(offering.timezone)
    first = (now + NOTICE).astimezone(otz).date()
    starts = [s for s in _candidates(offering, windows, first, first + timedelta(days=HORIZON_DAYS))
              if s >= now + NOTICE]
    if not starts:
        return []
    length = timedelta(minutes=offering.duration_minutes)
    busy = _busy(session, offering.teacher_id, starts[0], starts[-1] + length)
    days: dict[str, list[dict]] = {}
    for start in starts:
        clash = [s for s in busy if times.as_utc(s.starts_at) < start + length and times.as_utc(s.ends_at) > start]
        seats = offering.capacity
        if clash:
            same = [s for s in clash if s.offering_id == offering.id and times.as_utc(s.starts_at) == start]
            if len(clash) != 1 or not same or same[0].seats_taken >= same[0].capacity:
                continue
            seats = same[0].capacity - same[0].seats_taken
        local = start.astimezone(tz)
        days.setdefault(f"{local:%a %d %b}", []).append({"start": start.isoformat(), "label": f"{local:%H:%M}",
                                                         "seats_left": seats})
        if sum(len(v) for v in days.values()) >= MAX_TIMES:
            break
    return [{"day": day, "times": times} for day, times in days.items()]


def _parse_start(raw: object) -> datetime:
    try:
        start = datetime.fromisoformat(raw) if isinstance(raw, str) and len(raw) <= 40 else None
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        raise ServiceError(NOT_OFFERED)
    return start.astimezone(timezone.utc)


def slot_for_time(session: Session, raw_offering_id: object, raw_start: object,
                  now: datetime | None = None) -> LiveSlot:
    """The slot for a picked start: the existing one, or a new one when the start is one the windows
    offer and the teacher is free then. Flushed inside the caller's transaction."""
    now = now or utcnow()
    offering = session.get(LiveOffering, object_id(raw_offering_id, services.NOT_FOUND))
    if offering is None or offering.status != "active":
        raise ServiceError(services.NOT_FOUND)
    start = _parse_start(raw_start)
    existing = session.exec(select(LiveSlot).where(LiveSlot.offering_id == offering.id, LiveSlot.starts_at == start,
                                                   LiveSlot.status == "scheduled")).first()
    if existing is not None:
        return existing
    if start < now + NOTICE:
        raise ServiceError(NOT_OFFERED)
    windows = list(session.exec(select(LiveWindow).where(LiveWindow.offering_id == offering.id)).all())
    otz = times.zone(offering.timezone)
    day = start.astimezone(otz).date()
    if start not in _candidates(offering, windows, day - timedelta(days=1), day + timedelta(days=1)):
        raise ServiceError(NOT_OFFERED)
    end = start + timedelta(minutes=offering.duration_minutes)
    if _busy(session, offering.teacher_id, start, end):
        raise ServiceError("That time was just taken: pick another one.")
    # INSERT … ON CONFLICT DO NOTHING on the partial unique index: a learner who created the same
    # start a moment ago wins, and this transaction stays usable (no savepoint: on SQLite releasing
    # an outermost savepoint would commit, and a refused booking must leave nothing behind).
    session.execute(dialect_insert(session)(LiveSlot).values(
        offering_id=offering.id, teacher_id=offering.teacher_id, starts_at=start, ends_at=end,
        capacity=offering.capacity, seats_taken=0, status="scheduled", created_at=now,
    ).on_conflict_do_nothing(index_elements=["offering_id", "starts_at"], index_where=text("status = 'scheduled'")))
    slot = session.exec(select(LiveSlot).where(LiveSlot.offering_id == offering.id, LiveSlot.starts_at == start,
                                               LiveSlot.status == "scheduled")).first()
    if slot is None:
        raise ServiceError("That time was just taken: pick another one.")
    return slot


def book_time(session: Session, settings: Settings, actor: Actor, raw_offering_id: object, raw_start: object,
              coupon_code: object = "", card=None, gateway=None, now: datetime | None = None,
              billing: object = None) -> LiveBooking:
    """Book a start time picked from the windows: the slot is found or created, then booked with the
    one booking rule (``services.book``: seats, double clicks, checkout). All in the caller's
    transaction, so a refused booking leaves no empty slot behind."""
    require_role(actor, LEARNER_AREA)
    slot = slot_for_time(session, raw_offering_id, raw_start, now)
    return services.book(session, settings, actor, slot.id, coupon_code, card, gateway, now=now, billing=billing)


def picks_for(session: Session, raw_offering_id: object, viewer_tz: object = "UTC") -> list[dict]:
    """``free_times`` of an active offering by id (the offering page); [] for anything else."""
    try:
        offering = session.get(LiveOffering, object_id(raw_offering_id, services.NOT_FOUND))
    except ServiceError:
        return []
    return free_times(session, offering, viewer_tz) if offering is not None and offering.status == "active" else []


def teacher_windows(session: Session, actor: Actor) -> list[dict]:
    """Every window of the teacher's own offerings, for /teach/live (one query)."""
    require_role(actor, TEACHER_AREA)
    rows = session.exec(select(LiveWindow, LiveOffering.title).join(LiveOffering,
                                                                     LiveOffering.id == LiveWindow.offering_id)
                        .where(LiveOffering.teacher_id == actor.user_id)
                        .order_by(LiveOffering.title, LiveWindow.first_day, LiveWindow.weekday,
                                  LiveWindow.start_minute).limit(300)).all()
    return [{"id": w.id, "title": title,
             "label": f"{WEEKDAYS[w.weekday]} {_hhmm(w.start_minute)}–{_hhmm(w.end_minute)}, "
                      f"{w.first_day:%d %b} – {w.last_day:%d %b %Y}"} for w, title in rows]
