"""Times of live sessions: viewers' zones (from the browser, never trusted), wall-clock times in a
teacher's zone turned into UTC (refusing times the clocks skip), and labels in a viewer's zone.

Everything stored is UTC; SQLite hands datetimes back naive, so ``as_utc`` marks them. Used by
booking (``services``), availability windows, the week view and live-session lessons.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from lms_app.core.errors import ServiceError


def zone(name: object) -> ZoneInfo:
    """A valid IANA zone or UTC (viewer zones come from the browser: never trust them)."""
    if isinstance(name, str) and 0 < len(name) <= 64 and name in known_zones():
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo("UTC")


_ZONES: set[str] = set()


def known_zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def whole_number(raw: object, field: str, label: str, low: int, high: int) -> int:
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit() and len(raw.strip()) < 9:
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
        raise ServiceError(f"{label} must be a whole number from {low} to {high}.", field)
    return raw


def as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def local_date(raw: object) -> date:
    try:
        return date.fromisoformat(raw.strip()) if isinstance(raw, str) else None  # type: ignore[return-value]
    except ValueError:
        pass
    raise ServiceError("Enter the date as YYYY-MM-DD.", "date")


def local_time(raw: object) -> time:
    if isinstance(raw, str) and re.fullmatch(r"\d{1,2}:\d{2}", raw.strip()):
        hours, minutes = (int(p) for p in raw.strip().split(":"))
        if hours < 24 and minutes < 60:
            return time(hours, minutes)
    raise ServiceError("Enter the time as HH:MM (24-hour clock).", "time")


def local_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A wall-clock time in ``tz`` as UTC; refuses times the clocks skip (spring forward)."""
    local = datetime.combine(day, at, tzinfo=tz)
    utc = local.astimezone(timezone.utc)
    if utc.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ServiceError(f"{day.isoformat()} {at.strftime('%H:%M')} does not exist in {tz.key} "
                           "(the clocks change then). Pick another time.", "time")
    return utc


def when_label(moment: datetime, tz: ZoneInfo) -> str:
    local = as_utc(moment).astimezone(tz)
    return local.strftime("%a %d %b %Y, %H:%M ") + (local.tzname() or tz.key)
