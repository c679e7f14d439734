"""The live pages' view types: what public state vars hold (DTOs copied from the services,
never rows)."""

from __future__ import annotations

from typing import TypedDict


class CardView(TypedDict):
    id: int
    title: str
    teacher: str
    category: str
    image_url: str
    price_label: str
    duration_label: str
    capacity: int
    next_label: str
    # Booked by picking a time from availability windows (no fixed next time).
    picks: bool
    href: str


class OfferingView(CardView):
    description: str
    status: str
    is_owner: bool
    cutoff_hours: int
    timezone: str
    is_free: bool


class SlotView(TypedDict):
    id: int
    label: str
    starts_at: str
    seats_left: int
    capacity: int
    booked: bool
    offered: bool
    waiting: bool
    booking_id: int


class BookingView(TypedDict):
    id: int
    title: str
    offering_id: int
    when: str
    starts_at: str
    status: str
    join_open: bool
    can_cancel: bool
    cancel_note: str
    moved_note: str
    amount_label: str
    offer_label: str


class TeachOfferingView(TypedDict):
    id: int
    title: str
    status: str
    price_label: str
    capacity: int
    duration_label: str
    timezone: str


class AttendeeView(TypedDict):
    id: int
    name: str
    attended: bool


class PastView(TypedDict):
    title: str
    when: str


class TeachSlotView(TypedDict):
    id: int
    offering_id: int
    title: str
    when: str
    status: str
    seats_taken: int
    capacity: int
    learners: str
    started: bool
    attendees: list[AttendeeView]
    local_date: str
    local_time: str


class PickTimeView(TypedDict):
    start: str
    label: str
    seats_left: int


class PickDayView(TypedDict):
    day: str
    times: list[PickTimeView]


class WindowView(TypedDict):
    id: int
    title: str
    label: str


class WeekItemView(TypedDict):
    id: int
    title: str
    time: str
    seats: str
    cancelled: bool


class WeekDayView(TypedDict):
    label: str
    date: str
    today: bool
    items: list[WeekItemView]


class RevenueView(TypedDict):
    title: str
    net_label: str
    share_label: str


class AdminOfferingView(TypedDict):
    id: int
    title: str
    teacher: str
    teacher_email: str
    status: str
    price_label: str
    upcoming: int
    booked: int
    href: str


class AdminBookingView(TypedDict):
    id: int
    title: str
    learner: str
    when: str
    status: str
    amount_label: str
    order_id: int


EMPTY_OFFERING = OfferingView(id=0, title="", teacher="", category="", image_url="", price_label="", duration_label="",
                              capacity=0, next_label="", picks=False, href="", description="", status="", is_owner=False,
                              cutoff_hours=0, timezone="UTC", is_free=True)


class OfferingFormView(TypedDict):
    """An offering's values as its edit form starts with them (its teacher's own)."""

    id: int
    title: str
    description: str
    category: str
    image_url: str
    meeting_url: str
    duration_minutes: str
    capacity: str
    cutoff_hours: str
    timezone: str
    price: str
