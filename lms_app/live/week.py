"""The teacher's week at a glance (/teach/live "Week" view): seven days in the viewer's zone,
each with the teacher's times that start that day, soonest first.

Separate from ``services`` because it is a view only: one query for the week's slots (titles
joined), no rule of its own. Weeks start on Monday; ``offset`` moves whole weeks from the one
holding ``now`` (bounded, so a browser cannot ask for year 9999)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlmodel import Session, select

from lms_app.core.permissions import TEACHER_AREA, require_role
from lms_app.core.sessions import Actor
from lms_app.core.types import utcnow
from lms_app.live.models import LiveOffering, LiveSlot
from lms_app.live.times import zone

MAX_OFFSET = 52


def _offset(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        return 0
    return max(-MAX_OFFSET, min(MAX_OFFSET, raw))


def week(session: Session, actor: Actor, viewer_tz: object = "UTC", raw_offset: object = 0,
         now: datetime | None = None) -> dict:
    """{"label": "7 – 13 Dec 2026", "offset": n, "days": [{"label", "date", "today", "items": [...]}]}."""
    require_role(actor, TEACHER_AREA)
    tz, offset = zone(viewer_tz), _offset(raw_offset)
    today = (now or utcnow()).astimezone(tz).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
    start = datetime.combine(monday, time(0), tzinfo=tz).astimezone(timezone.utc)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=tz).astimezone(timezone.utc)
    rows = session.exec(select(LiveSlot.id, LiveSlot.starts_at, LiveSlot.ends_at, LiveSlot.status,
                               LiveSlot.seats_taken, LiveSlot.capacity, LiveOffering.title)
                        .join(LiveOffering, LiveOffering.id == LiveSlot.offering_id)
                        .where(LiveSlot.teacher_id == actor.user_id, LiveSlot.starts_at >= start,
                               LiveSlot.starts_at < end)
                        .order_by(LiveSlot.starts_at).limit(300)).all()
    days: dict[date, list[dict]] = {monday + timedelta(days=i): [] for i in range(7)}
    for slot_id, starts, ends, status, taken, capacity, title in rows:
        local = starts.astimezone(tz)
        days.setdefault(local.date(), []).append({
            "id": slot_id, "title": title, "time": f"{local:%H:%M}–{ends.astimezone(tz):%H:%M}",
            "seats": f"{taken} / {capacity} booked", "cancelled": status != "scheduled"})
    sunday = monday + timedelta(days=6)
    label = (f"{monday.day} – {sunday.day} {sunday:%b %Y}" if monday.month == sunday.month
             else f"{monday.day} {monday:%b} – {sunday.day} {sunday:%b %Y}")
    return {"label": label, "offset": offset,
            "days": [{"label": f"{d:%a %d}", "date": d.isoformat(), "today": d == today, "items": items}
                     for d, items in sorted(days.items())]}
