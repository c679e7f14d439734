"""SQL helpers for analytics that differ per dialect: date buckets and date-range parsing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, literal_column
from sqlalchemy.sql.elements import ColumnElement

from lms_app.core.types import utcnow
from lms_app.core.errors import ServiceError

MAX_DAYS = 731
GRAINS = ("day", "week", "month")


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive, UTC midnight
    end: datetime  # exclusive, UTC midnight after the last day
    grain: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def previous(self) -> "Period":
        return Period(self.start - (self.end - self.start), self.start, self.grain)

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m-%d} – {(self.end - timedelta(days=1)):%Y-%m-%d}"


def _day(raw: object, field: str) -> date | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str) or len(raw) > 10:
        raise ServiceError("Enter dates as YYYY-MM-DD.", field)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ServiceError("Enter dates as YYYY-MM-DD.", field) from None


def period(start: object = None, end: object = None, default_days: int = 30) -> Period:
    """A validated [start, end] range of whole UTC days; the last ``default_days`` by default."""
    today = utcnow().date()
    last = _day(end, "end") or today
    first = _day(start, "start") or (last - timedelta(days=default_days - 1))
    if first > last:
        raise ServiceError("The start date must be on or before the end date.", "start")
    if (last - first).days + 1 > MAX_DAYS:
        raise ServiceError(f"Choose a range of at most {MAX_DAYS} days.", "start")
    if first.year < 2000 or last.year > 2100:
        raise ServiceError("Choose dates between 2000 and 2100.", "start")
    days = (last - first).days + 1
    grain = "day" if days <= 92 else "week" if days <= 400 else "month"
    begin = datetime.combine(first, time.min, tzinfo=timezone.utc)
    return Period(begin, begin + timedelta(days=days), grain)


def _pg(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def truncate(session, column, grain: str) -> ColumnElement:
    """``column`` cut to its day/week (Monday)/month in UTC: group by this, then ``label`` the groups
    (PostgreSQL formats a few groups instead of every row)."""
    if grain not in GRAINS:
        raise ValueError(grain)
    if _pg(session):
        return func.date_trunc(grain, func.timezone(literal_column("'UTC'"), column))
    return bucket(session, column, grain)


def label(session, truncated) -> ColumnElement:
    """A ``truncate`` value as 'YYYY-MM-DD' text."""
    if _pg(session):
        return func.to_char(truncated, literal_column("'YYYY-MM-DD'"))
    return truncated


def bucket(session, column, grain: str) -> ColumnElement:
    """``column`` truncated to its day/week (Monday)/month as 'YYYY-MM-DD' text, per dialect."""
    if grain not in GRAINS:
        raise ValueError(grain)
    if _pg(session):
        return label(session, truncate(session, column, grain))
    if grain == "day":
        return func.strftime("%Y-%m-%d", column)
    if grain == "month":
        return func.strftime("%Y-%m-01", column)
    return func.date(column, "weekday 0", "-6 days")


def bucket_keys(p: Period) -> list[str]:
    """Every bucket label in the period, so gaps show as zeros."""
    keys, day = [], p.start.date()
    end = p.end.date()
    if p.grain == "week":
        day -= timedelta(days=day.weekday())
    elif p.grain == "month":
        day = day.replace(day=1)
    while day < end:
        keys.append(day.isoformat())
        if p.grain == "day":
            day += timedelta(days=1)
        elif p.grain == "week":
            day += timedelta(days=7)
        else:
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return keys
