"""Live sessions: an offering (what is sold), its slots (when), bookings (who holds a seat).

The database enforces what can be clicked twice or raced:

- a slot never holds more confirmed seats than its capacity: ``seats_taken`` is taken with one
  conditional UPDATE (``seats_taken < capacity``) and a CHECK backs it up;
- a learner holds at most one confirmed booking per slot (partial unique index);
- amounts are integer minor units, times UTC-aware.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Text, text
from sqlmodel import Field, SQLModel

from lms_app.core.types import UTCDateTime, utcnow

OFFERING_STATUSES = ("active", "inactive")
SLOT_STATUSES = ("scheduled", "cancelled")
# "offered": a freed seat held for the first learner on the waitlist of a priced time until they
# pay (``offer_expires_at``); it counts as taken. "expired": that offer lapsed.
BOOKING_STATUSES = ("confirmed", "cancelled", "offered", "expired")


class LiveOffering(SQLModel, table=True):
    __tablename__ = "live_offerings"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'inactive')", name="ck_live_offerings_status"),
        CheckConstraint("price_minor >= 0", name="ck_live_offerings_price"),
        CheckConstraint("capacity >= 1", name="ck_live_offerings_capacity"),
        CheckConstraint("duration_minutes BETWEEN 5 AND 1440", name="ck_live_offerings_duration"),
        CheckConstraint("cutoff_hours >= 0", name="ck_live_offerings_cutoff"),
        Index("ix_live_offerings_teacher", "teacher_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    teacher_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="RESTRICT"), nullable=False))
    title: str = Field(sa_column=Column(String(160), nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    image_url: str = Field(default="", sa_column=Column(String(500), nullable=False, server_default=""))
    category: str = Field(default="", sa_column=Column(String(80), nullable=False, server_default=""))
    duration_minutes: int = Field(default=60)
    price_minor: int = Field(default=0)
    currency: str = Field(default="USD", sa_column=Column(String(3), nullable=False, server_default="USD"))
    capacity: int = Field(default=10)
    # IANA zone the teacher schedules in (times are stored in UTC).
    timezone: str = Field(default="UTC", sa_column=Column(String(64), nullable=False, server_default="UTC"))
    # Any conferencing URL; shown only to booked learners shortly before the start.
    meeting_url: str = Field(default="", sa_column=Column(String(500), nullable=False, server_default=""))
    cutoff_hours: int = Field(default=24)
    status: str = Field(default="active", sa_column=Column(String(12), nullable=False, server_default="active"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class LiveSlot(SQLModel, table=True):
    __tablename__ = "live_slots"
    __table_args__ = (
        CheckConstraint("status IN ('scheduled', 'cancelled')", name="ck_live_slots_status"),
        CheckConstraint("capacity >= 1", name="ck_live_slots_capacity"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="ck_live_slots_seats"),
        CheckConstraint("ends_at > starts_at", name="ck_live_slots_order"),
        Index("ix_live_slots_offering_start", "offering_id", "starts_at"),
        Index("ix_live_slots_teacher_start", "teacher_id", "starts_at"),
        Index("ix_live_slots_status_start", "status", "starts_at"),
        # A time picked from availability windows is created on the first booking; two learners
        # picking the same start of one offering share that one slot (the second insert fails).
        Index("uq_live_slots_offering_start_scheduled", "offering_id", "starts_at", unique=True,
              sqlite_where=text("status = 'scheduled'"), postgresql_where=text("status = 'scheduled'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    offering_id: int = Field(sa_column=Column(Integer, ForeignKey("live_offerings.id", ondelete="CASCADE"),
                                              nullable=False))
    # Copied from the offering so overlap checks and "my sessions" need no join.
    teacher_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="RESTRICT"), nullable=False))
    starts_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    capacity: int = Field(default=1)
    seats_taken: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    status: str = Field(default="scheduled", sa_column=Column(String(12), nullable=False, server_default="scheduled"))
    reminder_sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # When the teacher last moved this time: bookings made before it may cancel with a refund
    # until the (new) start, whatever the offering's cut-off.
    rescheduled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class LiveBooking(SQLModel, table=True):
    __tablename__ = "live_bookings"
    __table_args__ = (
        CheckConstraint("status IN ('confirmed', 'cancelled', 'offered', 'expired')", name="ck_live_bookings_status"),
        CheckConstraint("amount_minor >= 0", name="ck_live_bookings_amount"),
        # One held seat (confirmed or offered) per learner and slot, whatever Python believes.
        Index("uq_live_bookings_slot_user_confirmed", "slot_id", "user_id", unique=True,
              sqlite_where=text("status IN ('confirmed', 'offered')"),
              postgresql_where=text("status IN ('confirmed', 'offered')")),
        Index("ix_live_bookings_user_created", "user_id", "created_at"),
        Index("ix_live_bookings_slot", "slot_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(sa_column=Column(Integer, ForeignKey("live_slots.id", ondelete="RESTRICT"), nullable=False))
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    status: str = Field(default="confirmed", sa_column=Column(String(12), nullable=False, server_default="confirmed"))
    order_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("orders.id", ondelete="SET NULL"), nullable=True))
    amount_minor: int = Field(default=0)
    currency: str = Field(default="USD", sa_column=Column(String(3), nullable=False, server_default="USD"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    offer_expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # Set by the teacher after the start when the learner took part.
    attended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class LiveWindow(SQLModel, table=True):
    """Availability: on ``weekday`` (0 = Monday) between ``start_minute`` and ``end_minute`` (minutes
    after midnight, in the offering's zone), from ``first_day`` to ``last_day``, a learner may pick
    any free start time; the slot is created by the booking (``services.book_time``)."""

    __tablename__ = "live_windows"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="ck_live_windows_weekday"),
        CheckConstraint("start_minute >= 0 AND end_minute <= 1440 AND end_minute > start_minute",
                        name="ck_live_windows_minutes"),
        CheckConstraint("last_day >= first_day", name="ck_live_windows_days"),
        Index("ix_live_windows_offering", "offering_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    offering_id: int = Field(sa_column=Column(Integer, ForeignKey("live_offerings.id", ondelete="CASCADE"),
                                              nullable=False))
    weekday: int = Field(default=0)
    start_minute: int = Field(default=0)
    end_minute: int = Field(default=0)
    first_day: date = Field(sa_column=Column(Date, nullable=False))
    last_day: date = Field(sa_column=Column(Date, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class LiveLessonTime(SQLModel, table=True):
    """A course's "live session" lesson and the one time it includes: enrolled learners book that
    time free (``lesson.book_for_lesson``)."""

    __tablename__ = "live_lesson_times"

    lesson_id: int = Field(sa_column=Column(Integer, ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True))
    slot_id: int = Field(sa_column=Column(Integer, ForeignKey("live_slots.id", ondelete="CASCADE"), nullable=False,
                                          index=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class LiveWaitlist(SQLModel, table=True):
    """Learners waiting for a seat of a full time, first come first served (``id`` order)."""

    __tablename__ = "live_waitlist"
    __table_args__ = (
        CheckConstraint("status IN ('waiting', 'promoted', 'left')", name="ck_live_waitlist_status"),
        Index("uq_live_waitlist_slot_user_waiting", "slot_id", "user_id", unique=True,
              sqlite_where=text("status = 'waiting'"), postgresql_where=text("status = 'waiting'")),
        Index("ix_live_waitlist_slot_status", "slot_id", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(sa_column=Column(Integer, ForeignKey("live_slots.id", ondelete="CASCADE"), nullable=False))
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    status: str = Field(default="waiting", sa_column=Column(String(12), nullable=False, server_default="waiting"))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class LiveCalendarToken(SQLModel, table=True):
    """A learner's or teacher's personal calendar feed: only the SHA-256 of the secret token is
    stored; rotating replaces it (the old URL stops working), revoking deletes it."""

    __tablename__ = "live_calendar_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False,
                                          unique=True))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
