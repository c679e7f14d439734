"""Live-session rules: offerings, scheduling, booking, cancellation, views, invites, reminders.

Every function takes the session and the actor and checks permission on the object the
argument names; arguments are untrusted (handlers pass browser values straight through).

Capacity is a database fact: a seat is taken with one conditional UPDATE
(``seats_taken = seats_taken + 1 WHERE seats_taken < capacity``). Concurrent bookers queue on the
slot's row lock (PostgreSQL re-checks the condition on the committed row; SQLite serialises
writers), so a slot never has more confirmed bookings than seats, and a CHECK backs it up. The
booking row goes in first: the partial unique index on (slot, learner) makes a second click fail
before the seat is counted or the card charged. Priced seats go through the commerce checkout
(``purchase_item``) in the same transaction, so a refused booking is never charged.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from lms_app.core import audit, events
from lms_app.core.arguments import clean_text, object_id, search_text
from lms_app.core.errors import ServiceError
from lms_app.core.money import format_price
from lms_app.core.permissions import ADMIN_AREA, LEARNER_AREA, TEACHER_AREA, require_role
from lms_app.core.sessions import Actor
from lms_app.core.settings import Settings
from lms_app.core.types import utcnow
from lms_app.core.users import User
from lms_app.live.models import LiveBooking, LiveCalendarToken, LiveOffering, LiveSlot, LiveWaitlist
from lms_app.live.times import (as_utc, known_zones, local_date, local_time, local_to_utc, when_label, whole_number,
                                zone)

JOIN_OPENS_BEFORE = timedelta(minutes=15)
REMINDER_BEFORE = timedelta(hours=24)
MAX_WEEKS = 26
MAX_CAPACITY = 500
NOT_FOUND = "That live session does not exist."
SLOT_NOT_FOUND = "That time does not exist or is no longer offered."
BOOKING_NOT_FOUND = "That booking does not exist."
FULL = ("This time is fully booked: no seat was taken and nothing was charged. Join the waitlist or pick "
        "another time.")
OFFER_HOURS = 12
ALREADY_BOOKED = "You have already booked this time."
STARTED = "This time has already started: pick a later one."
OVERLAP = "You already have a session at that time ({when}). Pick a time that does not overlap."
URL_RE = re.compile(r"^https://[^\s<>\"']{3,490}$")


# --- small parsers --------------------------------------------------------------------------

def _url(raw: object, field: str, label: str, required: bool) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        if required:
            raise ServiceError(f"Enter the {label.lower()} (an https:// address).", field)
        return ""
    if not URL_RE.match(text):
        raise ServiceError(f"The {label.lower()} must be an https:// address.", field)
    return text


# --- offerings -----------------------------------------------------------------------------

def _offering_fields(form: object, current_image: str = "") -> dict:
    """The offering's fields from a form, validated. ``current_image``: the offering's image as
    stored (an uploaded one is a ``/media/thumbnails/`` path, not an https address): a form that
    sends it back unchanged keeps it."""
    from lms_app.authoring.services.checks import parse_price

    form = form if isinstance(form, dict) else {}
    image = form.get("image_url")
    image = current_image if current_image and isinstance(image, str) and image.strip() == current_image \
        else _url(image, "image_url", "Image address", False)
    tz_name = form.get("timezone") if isinstance(form.get("timezone"), str) else ""
    if tz_name not in known_zones():
        raise ServiceError("Pick your time zone from the list (for example Europe/Berlin).", "timezone")
    currency = "USD"
    return {
        "title": clean_text(form.get("title"), "title", "Title", maximum=160, minimum=3),
        "description": clean_text(form.get("description"), "description", "Description", maximum=5000),
        "category": clean_text(form.get("category"), "category", "Category", maximum=80),
        "image_url": image,
        "meeting_url": _url(form.get("meeting_url"), "meeting_url", "Meeting link", True),
        "duration_minutes": whole_number(form.get("duration_minutes"), "duration_minutes", "Duration (minutes)", 5, 1440),
        "capacity": whole_number(form.get("capacity"), "capacity", "Capacity", 1, MAX_CAPACITY),
        "cutoff_hours": whole_number(form.get("cutoff_hours", 24), "cutoff_hours", "Cancellation cut-off (hours)", 0, 336),
        "price_minor": parse_price(form.get("price"), currency),
        "currency": currency,
        "timezone": tz_name,
    }


def own_offering(session: Session, actor: Actor, raw_id: object) -> LiveOffering:
    """The offering if ``actor`` teaches it (admins: any); otherwise "does not exist"."""
    require_role(actor, TEACHER_AREA)
    offering = session.get(LiveOffering, object_id(raw_id, NOT_FOUND))
    if offering is None or (offering.teacher_id != actor.user_id and actor.role != "admin"):
        raise ServiceError(NOT_FOUND)
    return offering


def create_offering(session: Session, actor: Actor, form: object) -> LiveOffering:
    require_role(actor, TEACHER_AREA)
    offering = LiveOffering(teacher_id=actor.user_id, **_offering_fields(form))
    session.add(offering)
    session.flush()
    return offering


def update_offering(session: Session, actor: Actor, raw_id: object, form: object) -> LiveOffering:
    """Edit the offering; duration and capacity changes apply to times scheduled from now on."""
    offering = own_offering(session, actor, raw_id)
    old_image = offering.image_url
    for key, value in _offering_fields(form, old_image).items():
        setattr(offering, key, value)
    session.add(offering)
    session.flush()
    if old_image != offering.image_url:
        _forget_image(session, old_image)
    return offering


def edit_form(session: Session, actor: Actor, raw_id: object) -> dict:
    """The offering's current values as its edit form shows them (its teacher or an admin only:
    the meeting link is theirs)."""
    from lms_app.core.money import decimal_amount

    o = own_offering(session, actor, raw_id)
    return {"id": o.id, "title": o.title, "description": o.description, "category": o.category,
            "image_url": o.image_url, "meeting_url": o.meeting_url, "duration_minutes": str(o.duration_minutes),
            "capacity": str(o.capacity), "cutoff_hours": str(o.cutoff_hours), "timezone": o.timezone,
            "price": decimal_amount(o.price_minor, o.currency) if o.price_minor else "0"}


IMAGE_MAX_BYTES = 5 * 1024 * 1024
_UPLOADED = "/media/thumbnails/"


def _forget_image(session: Session, image_url: str) -> None:
    """Delete an uploaded image once the transaction that replaced it commits (an https address
    is someone else's file: nothing to delete)."""
    from lms_app.authoring.services.courses import THUMBNAILS, settle
    from lms_app.core.settings import get_settings

    if image_url.startswith(_UPLOADED):
        settle(session, get_settings(), THUMBNAILS, on_commit=[image_url[len(_UPLOADED):]])


def set_image(session: Session, settings: Settings, actor: Actor, raw_id: object, data: object) -> LiveOffering:
    """Upload the offering's image: checked, cropped to 16:9 and stored as WebP like course
    thumbnails (served from ``/media/thumbnails/``); the previous upload is deleted after commit."""
    from lms_app.authoring.services.courses import THUMBNAIL_SIZE, THUMBNAILS, settle
    from lms_app.core import images, storage

    offering = own_offering(session, actor, raw_id)
    if not isinstance(data, (bytes, bytearray)):
        raise ServiceError("Choose an image file.", "image")
    processed = images.process_image(bytes(data), max_bytes=IMAGE_MAX_BYTES, size=THUMBNAIL_SIZE, crop=True,
                                     field="image")
    old = offering.image_url
    key = storage.put_bytes(settings, THUMBNAILS, processed, suffix=".webp", content_type="image/webp")
    offering.image_url = _UPLOADED + key
    session.add(offering)
    session.flush()
    settle(session, settings, THUMBNAILS, on_commit=[old[len(_UPLOADED):]] if old.startswith(_UPLOADED) else [],
           on_rollback=[key])
    return offering


def remove_image(session: Session, actor: Actor, raw_id: object) -> LiveOffering:
    offering = own_offering(session, actor, raw_id)
    old, offering.image_url = offering.image_url, ""
    session.add(offering)
    session.flush()
    _forget_image(session, old)
    return offering


def set_status(session: Session, actor: Actor, raw_id: object, status: object) -> LiveOffering:
    """Active offerings are listed and bookable; inactive ones keep their bookings but take no new ones."""
    if status not in ("active", "inactive"):
        raise ServiceError("Choose active or inactive.")
    offering = own_offering(session, actor, raw_id)
    offering.status = status
    session.add(offering)
    session.flush()
    return offering


def delete_offering(session: Session, actor: Actor, raw_id: object) -> None:
    """Only an offering nobody ever booked can be deleted; otherwise it is deactivated instead."""
    offering = own_offering(session, actor, raw_id)
    booked = session.exec(select(LiveBooking.id).join(LiveSlot, LiveSlot.id == LiveBooking.slot_id)
                          .where(LiveSlot.offering_id == offering.id).limit(1)).first()
    if booked is not None:
        raise ServiceError("This session has bookings, so it cannot be deleted: deactivate it instead.")
    session.delete(offering)
    session.flush()


# --- scheduling ----------------------------------------------------------------------------

def _overlap(session: Session, teacher_id: int, start: datetime, end: datetime) -> LiveSlot | None:
    return session.exec(select(LiveSlot).where(LiveSlot.teacher_id == teacher_id, LiveSlot.status == "scheduled",
                                               LiveSlot.starts_at < end, LiveSlot.ends_at > start)
                        .limit(1)).first()


def schedule(session: Session, actor: Actor, raw_id: object, raw_date: object, raw_time: object,
             raw_weeks: object = 1, now: datetime | None = None) -> list[LiveSlot]:
    """Fixed occurrences: a date and time in the offering's zone, repeated weekly ``weeks`` times
    (each keeps the same wall-clock time across daylight-saving changes), each with the offering's
    capacity. Refused whole when any occurrence is past or overlaps one of the teacher's others."""
    offering = own_offering(session, actor, raw_id)
    tz = zone(offering.timezone)
    first, at = local_date(raw_date), local_time(raw_time)
    weeks = whole_number(raw_weeks, "weeks", "Repeat weekly (times)", 1, MAX_WEEKS)
    now = now or utcnow()
    length = timedelta(minutes=offering.duration_minutes)
    slots = []
    for week in range(weeks):
        start = local_to_utc(first + timedelta(weeks=week), at, tz)
        if start <= now:
            raise ServiceError("That time is in the past: pick a future date.", "date")
        clash = _overlap(session, offering.teacher_id, start, start + length)
        if clash is not None:
            raise ServiceError(OVERLAP.format(when=when_label(clash.starts_at, tz)), "time")
        slot = LiveSlot(offering_id=offering.id, teacher_id=offering.teacher_id, starts_at=start,
                        ends_at=start + length, capacity=offering.capacity)
        session.add(slot)
        session.flush()  # the next occurrence's overlap check sees this one
        slots.append(slot)
    return slots


def reschedule_slot(session: Session, actor: Actor, raw_slot_id: object, raw_date: object, raw_time: object,
                    now: datetime | None = None) -> int:
    """The teacher (or an admin) moves one upcoming occurrence to another date and time (in the
    offering's zone). Bookings keep their seats; every booked learner is told with a new invite
    and may cancel with a refund until the new start, whatever the cut-off (they did not choose
    the new time). Returns how many learners were told."""
    require_role(actor, TEACHER_AREA)
    now = now or utcnow()
    slot = session.get(LiveSlot, object_id(raw_slot_id, SLOT_NOT_FOUND))
    if slot is None or (slot.teacher_id != actor.user_id and actor.role != "admin") or slot.status != "scheduled":
        raise ServiceError(SLOT_NOT_FOUND)
    if as_utc(slot.starts_at) <= now:
        raise ServiceError("This time has already started: it can no longer be moved.")
    offering = session.get(LiveOffering, slot.offering_id)
    tz = zone(offering.timezone)
    start = local_to_utc(local_date(raw_date), local_time(raw_time), tz)
    if start <= now:
        raise ServiceError("That time is in the past: pick a future date.", "date")
    if start == as_utc(slot.starts_at):
        raise ServiceError("That is the time it already has.", "time")
    end = start + (as_utc(slot.ends_at) - as_utc(slot.starts_at))
    clash = session.exec(select(LiveSlot).where(LiveSlot.teacher_id == slot.teacher_id, LiveSlot.id != slot.id,
                                                LiveSlot.status == "scheduled", LiveSlot.starts_at < end,
                                                LiveSlot.ends_at > start).limit(1)).first()
    if clash is not None:
        raise ServiceError(OVERLAP.format(when=when_label(clash.starts_at, tz)), "time")
    previous = as_utc(slot.starts_at)
    slot.starts_at, slot.ends_at, slot.rescheduled_at, slot.reminder_sent_at = start, end, now, None
    session.add(slot)
    session.flush()
    bookings = session.exec(select(LiveBooking).where(LiveBooking.slot_id == slot.id,
                                                      LiveBooking.status == "confirmed")).all()
    for booking in bookings:
        _mail_booking(session, booking, slot, offering, "live_rescheduled", f"New time: {offering.title}",
                      reason=when_label(previous, tz))
    events.emit(session, "live_slot_rescheduled", slot_id=slot.id, offering_id=offering.id,
                teacher_id=slot.teacher_id, bookings=len(bookings))
    return len(bookings)


# --- booking -------------------------------------------------------------------------------

def _bookable_slot(session: Session, raw_slot_id: object, now: datetime) -> tuple[LiveSlot, LiveOffering]:
    slot = session.get(LiveSlot, object_id(raw_slot_id, SLOT_NOT_FOUND))
    offering = session.get(LiveOffering, slot.offering_id) if slot else None
    if slot is None or offering is None or slot.status != "scheduled" or offering.status != "active":
        raise ServiceError(SLOT_NOT_FOUND)
    if as_utc(slot.starts_at) <= now:
        raise ServiceError(STARTED)
    return slot, offering


def book(session: Session, settings: Settings, actor: Actor, raw_slot_id: object, coupon_code: object = "",
         card=None, gateway=None, now: datetime | None = None, included: bool = False,
         billing: object = None) -> LiveBooking:
    """Take one seat for the learner (see the module docstring); priced seats are charged once
    (with ``billing``, the buyer's invoice details, the order gets an invoice number).
    ``included``: the seat comes with a course the learner has access to (``lesson.book_for_lesson``
    checked that), so it is booked free whatever the offering's price."""
    from lms_app.commerce.services.checkout import SaleItem, purchase_item

    require_role(actor, LEARNER_AREA)
    now = now or utcnow()
    slot, offering = _bookable_slot(session, raw_slot_id, now)
    if offering.teacher_id == actor.user_id:
        raise ServiceError("You teach this session: learners book it, you run it.")
    if offering.price_minor > 0 and gateway is None and not included:
        raise ServiceError("This session is paid: book it with the payment form.")
    slot_id, offering_id, title, price, currency = slot.id, offering.id, offering.title, offering.price_minor, \
        offering.currency
    price = 0 if included else price
    offered = session.exec(select(LiveBooking).where(LiveBooking.slot_id == slot_id,
                                                     LiveBooking.user_id == actor.user_id,
                                                     LiveBooking.status == "offered")).first()
    if offered is not None:
        return _confirm_offer(session, settings, actor, offered, slot, offering, coupon_code, card, gateway, now,
                              billing)
    booking = LiveBooking(slot_id=slot_id, user_id=actor.user_id, currency=currency)
    session.add(booking)
    try:
        session.flush()  # no savepoint: any refusal below rolls the caller's whole transaction back
    except IntegrityError:
        raise ServiceError(ALREADY_BOOKED) from None
    taken = session.execute(update(LiveSlot).where(LiveSlot.id == slot_id, LiveSlot.status == "scheduled",
                                                   LiveSlot.seats_taken < LiveSlot.capacity)
                            .values(seats_taken=LiveSlot.seats_taken + 1)
                            .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise ServiceError(FULL)
    if price > 0:
        order = purchase_item(session, settings, actor, SaleItem(kind="live", item_id=slot_id, title=title,
                                                                 teacher_id=offering.teacher_id, price_minor=price,
                                                                 currency=currency), coupon_code, card, gateway,
                             billing)
        booking.order_id, booking.amount_minor = order.id, order.amount_minor
        session.add(booking)
    session.flush()
    events.emit(session, "live_booked", booking_id=booking.id, slot_id=slot_id, offering_id=offering_id,
                user_id=actor.user_id, amount_minor=booking.amount_minor, currency=currency)
    _mail_booking(session, booking, slot, offering, "live_booked", f"Booked: {title}")
    return booking


def _confirm_offer(session: Session, settings: Settings, actor: Actor, booking: LiveBooking, slot: LiveSlot,
                   offering: LiveOffering, coupon_code: object, card, gateway, now: datetime,
                   billing: object = None) -> LiveBooking:
    """Pay for the seat held for this learner from the waitlist (the seat is already counted)."""
    from lms_app.commerce.services.checkout import SaleItem, purchase_item

    if booking.offer_expires_at is not None and as_utc(booking.offer_expires_at) <= now:
        raise ServiceError("The seat offered to you has expired.")
    flipped = session.execute(update(LiveBooking).where(LiveBooking.id == booking.id, LiveBooking.status == "offered")
                              .values(status="confirmed", offer_expires_at=None)
                              .execution_options(synchronize_session=False))
    if flipped.rowcount != 1:
        raise ServiceError(ALREADY_BOOKED)
    session.refresh(booking)
    order = purchase_item(session, settings, actor, SaleItem(kind="live", item_id=slot.id, title=offering.title,
                                                             teacher_id=offering.teacher_id,
                                                             price_minor=offering.price_minor,
                                                             currency=offering.currency), coupon_code, card, gateway,
                         billing)
    booking.order_id, booking.amount_minor = order.id, order.amount_minor
    session.add(booking)
    session.flush()
    events.emit(session, "live_booked", booking_id=booking.id, slot_id=slot.id, offering_id=offering.id,
                user_id=actor.user_id, amount_minor=booking.amount_minor, currency=booking.currency)
    _mail_booking(session, booking, slot, offering, "live_booked", f"Booked: {offering.title}")
    return booking


def join_waitlist(session: Session, actor: Actor, raw_slot_id: object, now: datetime | None = None) -> int:
    """Queue for a full time; returns the learner's place in line (1 = next)."""
    require_role(actor, LEARNER_AREA)
    now = now or utcnow()
    slot, offering = _bookable_slot(session, raw_slot_id, now)
    if offering.teacher_id == actor.user_id:
        raise ServiceError("You teach this session: learners book it, you run it.")
    if slot.seats_taken < slot.capacity:
        raise ServiceError("Seats are free at this time: book it directly.")
    held = session.exec(select(LiveBooking.id).where(LiveBooking.slot_id == slot.id,
                                                     LiveBooking.user_id == actor.user_id,
                                                     LiveBooking.status.in_(("confirmed", "offered")))).first()
    if held is not None:
        raise ServiceError(ALREADY_BOOKED)
    entry = LiveWaitlist(slot_id=slot.id, user_id=actor.user_id)
    session.add(entry)
    try:
        session.flush()
    except IntegrityError:
        raise ServiceError("You are already on the waitlist for this time.") from None
    return session.exec(select(func.count(LiveWaitlist.id)).where(LiveWaitlist.slot_id == slot.id,
                                                                  LiveWaitlist.status == "waiting",
                                                                  LiveWaitlist.id <= entry.id)).one()


def _promote(session: Session, slot_id: int, now: datetime) -> None:
    """A seat was freed (the caller holds the slot's row lock through its UPDATE): it goes to the
    first learner in line, booked at once for a free session, held for them as an offer with a
    deadline for a priced one. Seats never become bookable by others while someone waits."""
    slot = session.get(LiveSlot, slot_id)
    session.refresh(slot)
    offering = session.get(LiveOffering, slot.offering_id)
    if slot.status != "scheduled" or as_utc(slot.starts_at) <= now:
        return
    while slot.seats_taken < slot.capacity:
        entry = session.exec(select(LiveWaitlist).where(LiveWaitlist.slot_id == slot_id,
                                                        LiveWaitlist.status == "waiting")
                             .order_by(LiveWaitlist.id).limit(1)).first()
        if entry is None:
            return
        entry.status = "promoted"
        session.add(entry)
        held = session.exec(select(LiveBooking.id).where(LiveBooking.slot_id == slot_id,
                                                         LiveBooking.user_id == entry.user_id,
                                                         LiveBooking.status.in_(("confirmed", "offered")))).first()
        if held is not None:
            continue
        free = offering.price_minor == 0 or _included(session, entry.user_id, slot_id)
        expires = min(now + timedelta(hours=OFFER_HOURS), as_utc(slot.starts_at))
        booking = LiveBooking(slot_id=slot_id, user_id=entry.user_id, currency=offering.currency,
                              status="confirmed" if free else "offered", offer_expires_at=None if free else expires)
        session.add(booking)
        session.execute(update(LiveSlot).where(LiveSlot.id == slot_id).values(seats_taken=LiveSlot.seats_taken + 1)
                        .execution_options(synchronize_session=False))
        session.flush()
        session.refresh(slot)
        if free:
            events.emit(session, "live_booked", booking_id=booking.id, slot_id=slot_id, offering_id=offering.id,
                        user_id=entry.user_id, amount_minor=0, currency=offering.currency)
            _mail_booking(session, booking, slot, offering, "live_booked", f"A seat came free: {offering.title}")
        else:
            _mail_booking(session, booking, slot, offering, "live_offer", f"A seat is yours if you confirm: "
                          f"{offering.title}", with_invite=False,
                          reason=when_label(expires, zone(offering.timezone)))


def _included(session: Session, user_id: int, slot_id: int) -> bool:
    """Whether the seat comes free with a course the learner has access to (a live-session lesson
    of that course names this time): such a learner promoted from the waitlist is booked, not asked
    to pay."""
    from lms_app.live.lesson import included_for

    return included_for(session, user_id, slot_id)


def expire_offers(session: Session, now: datetime | None = None) -> int:
    """The job: offers not paid in time lapse and their seat goes to the next in line."""
    now = now or utcnow()
    due = session.exec(select(LiveBooking.id, LiveBooking.slot_id).where(
        LiveBooking.status == "offered", LiveBooking.offer_expires_at <= now).limit(200)).all()
    expired = 0
    for booking_id, slot_id in due:
        flipped = session.execute(update(LiveBooking).where(LiveBooking.id == booking_id,
                                                            LiveBooking.status == "offered")
                                  .values(status="expired").execution_options(synchronize_session=False))
        if flipped.rowcount != 1:
            continue
        session.execute(update(LiveSlot).where(LiveSlot.id == slot_id, LiveSlot.seats_taken > 0)
                        .values(seats_taken=LiveSlot.seats_taken - 1).execution_options(synchronize_session=False))
        _promote(session, slot_id, now)
        expired += 1
    return expired


def _flip_cancelled(session: Session, booking_id: int, now: datetime) -> bool:
    flipped = session.execute(update(LiveBooking).where(LiveBooking.id == booking_id,
                                                        LiveBooking.status == "confirmed")
                              .values(status="cancelled", cancelled_at=now)
                              .execution_options(synchronize_session=False))
    return flipped.rowcount == 1


def _refund(session: Session, actor: Actor, booking: LiveBooking, reason: str, gateway) -> None:
    from lms_app.commerce.services.refunds import refund_order

    if booking.order_id is not None:
        refund_order(session, actor, booking.order_id, reason, gateway)


def release_refunded(session: Session, order) -> None:
    """An admin refunded a live seat's order (``/admin/orders``): cancel that booking and free the
    seat. A no-op when the booking was already cancelled (the learner/teacher paths refund after
    cancelling)."""
    booking = session.exec(select(LiveBooking).where(LiveBooking.order_id == order.id)).first()
    if booking is None or not _flip_cancelled(session, booking.id, utcnow()):
        return
    session.execute(update(LiveSlot).where(LiveSlot.id == booking.slot_id, LiveSlot.seats_taken > 0)
                    .values(seats_taken=LiveSlot.seats_taken - 1).execution_options(synchronize_session=False))
    events.emit(session, "live_cancelled", booking_id=booking.id, slot_id=booking.slot_id, user_id=booking.user_id,
                refunded_minor=order.amount_minor, currency=order.currency)
    _promote(session, booking.slot_id, utcnow())


def cancellable_until(slot: LiveSlot, offering: LiveOffering, booking: LiveBooking | None = None) -> datetime:
    """The last moment the learner may cancel with a refund: the offering's cut-off before the
    start, or the start itself when the teacher moved the time after this booking was made."""
    if booking is not None and moved_after_booking(slot, booking):
        return as_utc(slot.starts_at)
    return as_utc(slot.starts_at) - timedelta(hours=offering.cutoff_hours)


def moved_after_booking(slot: LiveSlot, booking: LiveBooking) -> bool:
    return slot.rescheduled_at is not None and as_utc(slot.rescheduled_at) >= as_utc(booking.created_at)


def cancel_booking(session: Session, actor: Actor, raw_booking_id: object, gateway=None,
                   now: datetime | None = None) -> LiveBooking:
    """The learner cancels their own booking up to the cut-off; a paid seat is refunded."""
    require_role(actor, LEARNER_AREA)
    now = now or utcnow()
    booking = session.get(LiveBooking, object_id(raw_booking_id, BOOKING_NOT_FOUND))
    if booking is None or booking.user_id != actor.user_id:
        raise ServiceError(BOOKING_NOT_FOUND)
    slot = session.get(LiveSlot, booking.slot_id)
    offering = session.get(LiveOffering, slot.offering_id)
    if booking.status != "confirmed":
        raise ServiceError("This booking is already cancelled.")
    if now >= cancellable_until(slot, offering, booking):
        raise ServiceError(f"Cancellation closed {offering.cutoff_hours} h before the start.")
    if not _flip_cancelled(session, booking.id, now):
        raise ServiceError("This booking is already cancelled.")
    session.execute(update(LiveSlot).where(LiveSlot.id == slot.id, LiveSlot.seats_taken > 0)
                    .values(seats_taken=LiveSlot.seats_taken - 1).execution_options(synchronize_session=False))
    session.refresh(booking)
    _refund(session, actor, booking, "Cancelled by the learner before the cut-off.", gateway)
    _promote(session, slot.id, now)
    events.emit(session, "live_cancelled", booking_id=booking.id, slot_id=slot.id, offering_id=offering.id,
                user_id=actor.user_id, refunded_minor=booking.amount_minor, currency=booking.currency)
    _mail_booking(session, booking, slot, offering, "live_cancelled", f"Cancelled: {offering.title}",
                  with_invite=False)
    return booking


def admin_cancel_booking(session: Session, actor: Actor, raw_booking_id: object, gateway=None,
                         now: datetime | None = None) -> LiveBooking:
    """An admin cancels one confirmed booking whatever the cut-off (a complaint, a duplicate, a
    no-show the teacher agreed to refund): the seat goes to the waitlist, a paid seat is refunded
    through the one refund path (ledger reversal, coupon released, audited as ``order.refund``), a
    free one is audited here, and the learner is told."""
    require_role(actor, ADMIN_AREA)
    now = now or utcnow()
    booking = session.get(LiveBooking, object_id(raw_booking_id, BOOKING_NOT_FOUND))
    if booking is None:
        raise ServiceError(BOOKING_NOT_FOUND)
    if booking.status != "confirmed" or not _flip_cancelled(session, booking.id, now):
        raise ServiceError("Only confirmed bookings can be cancelled; this one is " + booking.status + ".")
    slot = session.get(LiveSlot, booking.slot_id)
    offering = session.get(LiveOffering, slot.offering_id)
    session.execute(update(LiveSlot).where(LiveSlot.id == slot.id, LiveSlot.seats_taken > 0)
                    .values(seats_taken=LiveSlot.seats_taken - 1).execution_options(synchronize_session=False))
    session.refresh(booking)
    if booking.order_id is not None:
        _refund(session, actor, booking, "Cancelled and refunded by an admin.", gateway)
    else:
        audit.record(session, actor, "live.booking.cancel", "live_booking", booking.id, offering.title)
    _promote(session, slot.id, now)
    events.emit(session, "live_cancelled", booking_id=booking.id, slot_id=slot.id, offering_id=offering.id,
                user_id=booking.user_id, refunded_minor=booking.amount_minor, currency=booking.currency)
    _mail_booking(session, booking, slot, offering, "live_cancelled", f"Cancelled: {offering.title}",
                  with_invite=False)
    return booking


def cancel_slot(session: Session, actor: Actor, raw_slot_id: object, reason: object = "", gateway=None,
                now: datetime | None = None) -> int:
    """The teacher (or an admin) cancels one occurrence: every booking is cancelled, refunded and
    told. Returns how many bookings were cancelled."""
    require_role(actor, TEACHER_AREA)
    now = now or utcnow()
    slot = session.get(LiveSlot, object_id(raw_slot_id, SLOT_NOT_FOUND))
    if slot is None or (slot.teacher_id != actor.user_id and actor.role != "admin"):
        raise ServiceError(SLOT_NOT_FOUND)
    text = " ".join(reason.split())[:300] if isinstance(reason, str) else ""
    flipped = session.execute(update(LiveSlot).where(LiveSlot.id == slot.id, LiveSlot.status == "scheduled")
                              .values(status="cancelled").execution_options(synchronize_session=False))
    if flipped.rowcount != 1:
        raise ServiceError("This time is already cancelled.")
    offering = session.get(LiveOffering, slot.offering_id)
    session.execute(update(LiveWaitlist).where(LiveWaitlist.slot_id == slot.id, LiveWaitlist.status == "waiting")
                    .values(status="left").execution_options(synchronize_session=False))
    session.execute(update(LiveBooking).where(LiveBooking.slot_id == slot.id, LiveBooking.status == "offered")
                    .values(status="expired").execution_options(synchronize_session=False))
    bookings = session.exec(select(LiveBooking).where(LiveBooking.slot_id == slot.id,
                                                      LiveBooking.status == "confirmed")).all()
    count = 0
    for booking in bookings:
        if not _flip_cancelled(session, booking.id, now):
            continue
        session.refresh(booking)
        _refund(session, actor, booking, "The teacher cancelled this session." + (f" {text}" if text else ""),
                gateway)
        _mail_booking(session, booking, slot, offering, "live_slot_cancelled",
                      f"Cancelled by the teacher: {offering.title}", with_invite=False, reason=text)
        count += 1
    session.execute(update(LiveSlot).where(LiveSlot.id == slot.id).values(seats_taken=0)
                    .execution_options(synchronize_session=False))
    events.emit(session, "live_slot_cancelled", slot_id=slot.id, offering_id=offering.id,
                teacher_id=slot.teacher_id, bookings=count)
    return count


# --- what people see -----------------------------------------------------------------------

def _price_label(minor: int, currency: str) -> str:
    return format_price(minor, currency) if minor else "Free"


def _card(offering: LiveOffering, teacher: str, next_start: datetime | None, tz: ZoneInfo) -> dict:
    return {"id": offering.id, "title": offering.title, "teacher": teacher, "category": offering.category,
            "image_url": offering.image_url, "price_label": _price_label(offering.price_minor, offering.currency),
            "duration_label": f"{offering.duration_minutes} min", "capacity": offering.capacity,
            "next_label": when_label(next_start, tz) if next_start else "", "picks": next_start is None,
            "href": f"/live/{offering.id}"}


SORTS = {"soon": "Starts soon", "price": "Price: low to high", "price_desc": "Price: high to low",
         "newest": "Newest"}
PRICES = {"": "Any price", "free": "Free", "paid": "Paid"}


def catalog_filters(raw: object) -> dict:
    """The list's filters from untrusted query parameters: unknown values fall back to "any"."""
    raw = raw if isinstance(raw, dict) else {}

    def day(key: str) -> str:
        value = raw.get(key)
        try:
            return date.fromisoformat(value).isoformat() if isinstance(value, str) and len(value) == 10 else ""
        except ValueError:
            return ""

    sort, price = raw.get("sort"), raw.get("price")
    return {"q": search_text(raw.get("q", "")), "category": search_text(raw.get("category", ""), 80),
            "price": price if price in PRICES else "", "from": day("from"), "to": day("to"),
            "sort": sort if sort in SORTS else "soon"}


def catalog(session: Session, viewer_tz: object = "UTC", search: object = "", now: datetime | None = None,
            limit: int = 48, filters: object = None) -> list[dict]:
    """Active offerings with an upcoming time (within the date range, if one is given, read as days
    in the viewer's zone), filtered by words, category and price, sorted (one query)."""
    now, tz = now or utcnow(), zone(viewer_tz)
    f = catalog_filters({**(filters if isinstance(filters, dict) else {}), **({"q": search} if search else {})})
    after, before = now, None
    if f["from"]:
        after = max(now, local_to_utc(date.fromisoformat(f["from"]), time(0), tz))
    if f["to"]:
        before = local_to_utc(date.fromisoformat(f["to"]) + timedelta(days=1), time(0), tz)
    window = (LiveSlot.offering_id == LiveOffering.id) & (LiveSlot.status == "scheduled") & (LiveSlot.starts_at > after)
    if before is not None:
        window = window & (LiveSlot.starts_at < before)
    # Offerings booked by picking a time from availability windows (live/windows.py) have no slot
    # until someone books: they are listed while a window covers the range ("Pick a time").
    from lms_app.live.models import LiveWindow

    open_window = (select(LiveWindow.id).where(LiveWindow.offering_id == LiveOffering.id,
                                               LiveWindow.last_day >= after.astimezone(tz).date())
                   .correlate(LiveOffering))
    if before is not None:
        open_window = open_window.where(LiveWindow.first_day < before.astimezone(tz).date() + timedelta(days=1))
    next_start = func.min(LiveSlot.starts_at).label("next_start")
    query = (select(LiveOffering, User.name, next_start)
             .join(User, User.id == LiveOffering.teacher_id)
             .outerjoin(LiveSlot, window)
             .where(LiveOffering.status == "active", LiveSlot.id.is_not(None) | open_window.exists())
             .group_by(LiveOffering.id, User.name))
    if f["q"]:
        query = query.where(func.lower(LiveOffering.title).contains(f["q"].lower()))
    if f["category"]:
        query = query.where(func.lower(LiveOffering.category) == f["category"].lower())
    if f["price"] == "free":
        query = query.where(LiveOffering.price_minor == 0)
    elif f["price"] == "paid":
        query = query.where(LiveOffering.price_minor > 0)
    later = next_start.is_(None)  # "pick a time" offerings after the fixed times
    order = {"soon": (later, next_start, LiveOffering.id),
             "price": (LiveOffering.price_minor, later, next_start, LiveOffering.id),
             "price_desc": (LiveOffering.price_minor.desc(), later, next_start, LiveOffering.id),
             "newest": (LiveOffering.created_at.desc(), LiveOffering.id.desc())}[f["sort"]]
    rows = session.exec(query.order_by(*order).limit(limit)).all()
    return [_card(o, name, as_utc(start) if start else None, tz) for o, name, start in rows]


def catalog_categories(session: Session) -> list[str]:
    """Categories of active offerings, for the list's filter (one query)."""
    rows = session.exec(select(LiveOffering.category).where(LiveOffering.status == "active",
                                                            LiveOffering.category != "")
                        .distinct().order_by(LiveOffering.category).limit(100)).all()
    return list(rows)


def offering_page(session: Session, actor: Actor | None, raw_id: object, viewer_tz: object = "UTC",
                  now: datetime | None = None) -> dict | None:
    """The public page: description, teacher, upcoming times with seats left in the viewer's zone,
    and which of them the viewer booked, was offered or waits for. Never the meeting link, never
    other learners. At most four queries."""
    now, tz = now or utcnow(), zone(viewer_tz)
    try:
        offering_id = object_id(raw_id, NOT_FOUND)
    except ServiceError:
        return None
    found = session.exec(select(LiveOffering, User.name).join(User, User.id == LiveOffering.teacher_id)
                         .where(LiveOffering.id == offering_id)).first()
    if found is None:
        return None
    offering, teacher = found
    owner = actor is not None and (actor.user_id == offering.teacher_id or actor.role == "admin")
    if offering.status != "active" and not owner:
        return None
    slots = session.exec(select(LiveSlot).where(LiveSlot.offering_id == offering.id, LiveSlot.status == "scheduled",
                                                LiveSlot.starts_at > now)
                         .order_by(LiveSlot.starts_at).limit(60)).all()
    mine: dict[int, tuple[int, str]] = {}
    waiting: set[int] = set()
    if actor is not None and slots:
        ids = [s.id for s in slots]
        mine = {slot_id: (bid, status) for slot_id, bid, status in session.exec(
            select(LiveBooking.slot_id, LiveBooking.id, LiveBooking.status).where(
                LiveBooking.user_id == actor.user_id, LiveBooking.status.in_(("confirmed", "offered")),
                LiveBooking.slot_id.in_(ids))).all()}
        waiting = set(session.exec(select(LiveWaitlist.slot_id).where(
            LiveWaitlist.user_id == actor.user_id, LiveWaitlist.status == "waiting",
            LiveWaitlist.slot_id.in_(ids))).all())
    rows = [{"id": s.id, "label": when_label(s.starts_at, tz), "starts_at": as_utc(s.starts_at).isoformat(),
             "seats_left": max(s.capacity - s.seats_taken, 0), "capacity": s.capacity,
             "booked": mine.get(s.id, (0, ""))[1] == "confirmed", "offered": mine.get(s.id, (0, ""))[1] == "offered",
             "waiting": s.id in waiting, "booking_id": mine.get(s.id, (0, ""))[0]} for s in slots]
    return {**_card(offering, teacher, slots[0].starts_at if slots else None, tz),
            "description": offering.description, "status": offering.status, "is_owner": owner,
            "cutoff_hours": offering.cutoff_hours, "timezone": tz.key, "is_free": offering.price_minor == 0,
            "slots": rows}


def _booking_row(booking: LiveBooking, slot: LiveSlot, offering: LiveOffering, tz: ZoneInfo, now: datetime) -> dict:
    start = as_utc(slot.starts_at)
    until = cancellable_until(slot, offering, booking)
    can_cancel = booking.status == "confirmed" and slot.status == "scheduled" and now < until
    moved = moved_after_booking(slot, booking)
    return {"id": booking.id, "title": offering.title, "offering_id": offering.id, "when": when_label(start, tz),
            "starts_at": start.isoformat(), "status": booking.status if slot.status == "scheduled" else "cancelled",
            "join_open": booking.status == "confirmed" and slot.status == "scheduled"
            and start - JOIN_OPENS_BEFORE <= now < as_utc(slot.ends_at),
            "can_cancel": can_cancel,
            "moved_note": "The teacher moved this time: you can cancel with a full refund until it starts."
            if moved and can_cancel else "",
            "cancel_note": "" if can_cancel else f"Cancellation closed {offering.cutoff_hours} h before the start.",
            "amount_label": _price_label(booking.amount_minor, booking.currency),
            "offer_label": f"Seat held for you: pay by {when_label(booking.offer_expires_at, tz)}"
            if booking.status == "offered" and booking.offer_expires_at else ""}


def my_bookings(session: Session, actor: Actor, viewer_tz: object = "UTC", now: datetime | None = None,
                limit: int = 20) -> list[dict]:
    """The learner's upcoming confirmed bookings, soonest first (one query). No meeting link here:
    ``join_link`` hands it out when the join button is pressed."""
    require_role(actor, LEARNER_AREA)
    now, tz = now or utcnow(), zone(viewer_tz)
    rows = session.exec(select(LiveBooking, LiveSlot, LiveOffering)
                        .join(LiveSlot, LiveSlot.id == LiveBooking.slot_id)
                        .join(LiveOffering, LiveOffering.id == LiveSlot.offering_id)
                        .where(LiveBooking.user_id == actor.user_id,
                               LiveBooking.status.in_(("confirmed", "offered")),
                               LiveSlot.status == "scheduled", LiveSlot.ends_at > now)
                        .order_by(LiveSlot.starts_at).limit(limit)).all()
    return [_booking_row(b, s, o, tz, now) for b, s, o in rows]


def join_link(session: Session, actor: Actor, raw_booking_id: object, now: datetime | None = None) -> str:
    """The meeting link, for the booking's own learner, from 15 minutes before the start to the end."""
    require_role(actor, LEARNER_AREA)
    now = now or utcnow()
    booking = session.get(LiveBooking, object_id(raw_booking_id, BOOKING_NOT_FOUND))
    if booking is None or booking.user_id != actor.user_id or booking.status != "confirmed":
        raise ServiceError(BOOKING_NOT_FOUND)
    slot = session.get(LiveSlot, booking.slot_id)
    if slot.status != "scheduled" or now >= as_utc(slot.ends_at):
        raise ServiceError("This session is over or was cancelled.")
    if now < as_utc(slot.starts_at) - JOIN_OPENS_BEFORE:
        raise ServiceError("The join link opens 15 minutes before the start.")
    return session.get(LiveOffering, slot.offering_id).meeting_url


def mark_attendance(session: Session, actor: Actor, raw_booking_id: object, attended: object,
                    now: datetime | None = None) -> LiveBooking:
    """The teacher (or an admin) marks a confirmed booking attended or not, from the start on."""
    require_role(actor, TEACHER_AREA)
    now = now or utcnow()
    booking = session.get(LiveBooking, object_id(raw_booking_id, BOOKING_NOT_FOUND))
    slot = session.get(LiveSlot, booking.slot_id) if booking else None
    if booking is None or slot is None or (slot.teacher_id != actor.user_id and actor.role != "admin"):
        raise ServiceError(BOOKING_NOT_FOUND)
    if booking.status != "confirmed" or slot.status != "scheduled":
        raise ServiceError("Only confirmed bookings of a held session can be marked.")
    if now < as_utc(slot.starts_at):
        raise ServiceError("Attendance can be marked from the start of the session.")
    booking.attended_at = now if attended is True else None
    session.add(booking)
    session.flush()
    return booking


def attended(session: Session, actor: Actor, viewer_tz: object = "UTC", limit: int = 10) -> list[dict]:
    """The learner's past sessions the teacher marked attended, newest first (one query)."""
    require_role(actor, LEARNER_AREA)
    tz = zone(viewer_tz)
    rows = session.exec(select(LiveOffering.title, LiveSlot.starts_at)
                        .join(LiveSlot, LiveSlot.offering_id == LiveOffering.id)
                        .join(LiveBooking, LiveBooking.slot_id == LiveSlot.id)
                        .where(LiveBooking.user_id == actor.user_id, LiveBooking.attended_at.is_not(None))
                        .order_by(LiveSlot.starts_at.desc()).limit(limit)).all()
    return [{"title": t, "when": when_label(start, tz)} for t, start in rows]


RECENT = timedelta(days=7)


def teacher_sessions(session: Session, actor: Actor, viewer_tz: object = "UTC", now: datetime | None = None) -> dict:
    """"My sessions": the teacher's offerings, their upcoming (and last week's) times with seats,
    and who booked (names; attendance once started; three queries whatever the counts)."""
    require_role(actor, TEACHER_AREA)
    now, tz = now or utcnow(), zone(viewer_tz)
    offerings = session.exec(select(LiveOffering).where(LiveOffering.teacher_id == actor.user_id)
                             .order_by(LiveOffering.created_at.desc()).limit(100)).all()
    slots = session.exec(select(LiveSlot).where(LiveSlot.teacher_id == actor.user_id,
                                                LiveSlot.ends_at > now - RECENT)
                         .order_by(LiveSlot.starts_at).limit(200)).all()
    names: dict[int, list[str]] = {}
    people: dict[int, list[dict]] = {}
    if slots:
        for slot_id, booking_id, name, seen in session.exec(
                select(LiveBooking.slot_id, LiveBooking.id, User.name, LiveBooking.attended_at)
                .join(User, User.id == LiveBooking.user_id)
                .where(LiveBooking.slot_id.in_([s.id for s in slots]), LiveBooking.status == "confirmed")
                .order_by(LiveBooking.created_at)).all():
            names.setdefault(slot_id, []).append(name)
            people.setdefault(slot_id, []).append({"id": booking_id, "name": name, "attended": seen is not None})
    titles = {o.id: o.title for o in offerings}
    titles_tz = {o.id: o.timezone for o in offerings}
    return {
        "offerings": [{"id": o.id, "title": o.title, "status": o.status,
                       "price_label": _price_label(o.price_minor, o.currency), "capacity": o.capacity,
                       "duration_label": f"{o.duration_minutes} min", "timezone": o.timezone} for o in offerings],
        "slots": [{"id": s.id, "offering_id": s.offering_id, "title": titles.get(s.offering_id, ""),
                   "when": when_label(s.starts_at, tz), "status": s.status, "seats_taken": s.seats_taken,
                   "capacity": s.capacity, "learners": ", ".join(names.get(s.id, [])) or "No bookings yet",
                   "started": as_utc(s.starts_at) <= now, "attendees": people.get(s.id, []),
                   "local_date": as_utc(s.starts_at).astimezone(zone(titles_tz.get(s.offering_id, "UTC")))
                   .date().isoformat(),
                   "local_time": as_utc(s.starts_at).astimezone(zone(titles_tz.get(s.offering_id, "UTC")))
                   .strftime("%H:%M")}
                  for s in slots],
    }


def revenue(session: Session, actor: Actor) -> list[dict]:
    """Net live-session revenue per offering from the ledger (refunds net out)."""
    from lms_app.commerce.models import LedgerEntry, Order

    require_role(actor, TEACHER_AREA)
    rows = session.exec(select(LiveOffering.title, LedgerEntry.currency, func.sum(LedgerEntry.amount_minor),
                               func.sum(LedgerEntry.teacher_share_minor))
                        .join(Order, Order.id == LedgerEntry.order_id)
                        .join(LiveSlot, LiveSlot.id == Order.item_id)
                        .join(LiveOffering, LiveOffering.id == LiveSlot.offering_id)
                        .where(LedgerEntry.teacher_id == actor.user_id, LedgerEntry.item_kind == "live",
                               Order.item_kind == "live")
                        .group_by(LiveOffering.id, LiveOffering.title, LedgerEntry.currency)).all()
    return [{"title": t, "net_label": format_price(int(n or 0), c), "share_label": format_price(int(s or 0), c)}
            for t, c, n, s in rows]


ADMIN_PAGE, ADMIN_MAX = 50, 1000


def _admin_limit(limit: object) -> int:
    return min(max(limit, 1), ADMIN_MAX) if isinstance(limit, int) and not isinstance(limit, bool) else ADMIN_PAGE


def admin_offerings(session: Session, actor: Actor, search: object = "", limit: object = ADMIN_PAGE,
                    now: datetime | None = None) -> list[dict]:
    """Every live session of every teacher (any status), newest first, for admins: its teacher,
    upcoming times and confirmed bookings; searchable by title or teacher. One statement."""
    require_role(actor, ADMIN_AREA)
    now = now or utcnow()
    upcoming = (select(func.count(LiveSlot.id)).where(LiveSlot.offering_id == LiveOffering.id,
                                                      LiveSlot.status == "scheduled", LiveSlot.starts_at > now)
                .correlate(LiveOffering).scalar_subquery())
    booked = (select(func.count(LiveBooking.id)).join(LiveSlot, LiveSlot.id == LiveBooking.slot_id)
              .where(LiveSlot.offering_id == LiveOffering.id, LiveBooking.status == "confirmed")
              .correlate(LiveOffering).scalar_subquery())
    query = select(LiveOffering, User.name, User.email, upcoming, booked).join(User, User.id == LiveOffering.teacher_id)
    text = search_text(search).lower()
    if text:
        query = query.where(func.lower(LiveOffering.title).contains(text) | func.lower(User.name).contains(text)
                            | func.lower(User.email).contains(text))
    rows = session.exec(query.order_by(LiveOffering.id.desc()).limit(_admin_limit(limit))).all()
    return [{"id": o.id, "title": o.title, "teacher": name, "teacher_email": email, "status": o.status,
             "price_label": _price_label(o.price_minor, o.currency), "upcoming": n_up or 0, "booked": n_booked or 0,
             "href": f"/live/{o.id}"} for o, name, email, n_up, n_booked in rows]


def admin_bookings(session: Session, actor: Actor, search: object = "", limit: object = ADMIN_PAGE) -> list[dict]:
    """Every booking, newest first, for admins (searchable by learner e-mail or session title)."""
    require_role(actor, ADMIN_AREA)
    query = (select(LiveBooking, LiveSlot, LiveOffering, User.email)
             .join(LiveSlot, LiveSlot.id == LiveBooking.slot_id)
             .join(LiveOffering, LiveOffering.id == LiveSlot.offering_id)
             .join(User, User.id == LiveBooking.user_id))
    text = search_text(search).lower()
    if text:
        query = query.where(func.lower(User.email).contains(text) | func.lower(LiveOffering.title).contains(text))
    rows = session.exec(query.order_by(LiveBooking.id.desc()).limit(_admin_limit(limit))).all()
    utc = ZoneInfo("UTC")
    return [{"id": b.id, "title": o.title, "learner": email, "when": when_label(s.starts_at, utc), "status": b.status,
             "amount_label": _price_label(b.amount_minor, b.currency), "order_id": b.order_id or 0}
            for b, s, o, email in rows]


# --- calendar invites, mail, reminders -----------------------------------------------------

def ics(offering: LiveOffering, slot: LiveSlot, booking_id: int, cancelled: bool = False) -> str:
    """An iCalendar invite in UTC (``DTSTART:...Z``), with a stable UID per booking."""
    from icalendar import Calendar, Event

    from lms_app.core.settings import get_settings

    cal = Calendar()
    cal.add("prodid", "-//Lumen Learning//Live sessions//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"live-booking-{booking_id}@lumen-learning")
    event.add("dtstamp", utcnow())
    event.add("dtstart", as_utc(slot.starts_at))
    event.add("dtend", as_utc(slot.ends_at))
    event.add("summary", offering.title)
    base = get_settings().public_url.rstrip("/")
    event.add("description", f"Join from your dashboard: {base}/dashboard" if base else "Join from your dashboard.")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical().decode()


def invite_for(session: Session, actor: Actor, raw_booking_id: object) -> tuple[str, str]:
    """(file name, .ics text) of the learner's own booking."""
    require_role(actor, LEARNER_AREA)
    booking = session.get(LiveBooking, object_id(raw_booking_id, BOOKING_NOT_FOUND))
    if booking is None or booking.user_id != actor.user_id:
        raise ServiceError(BOOKING_NOT_FOUND)
    slot = session.get(LiveSlot, booking.slot_id)
    offering = session.get(LiveOffering, slot.offering_id)
    return f"live-session-{booking.id}.ics", ics(offering, slot, booking.id, booking.status != "confirmed")


def _mail_booking(session: Session, booking: LiveBooking, slot: LiveSlot, offering: LiveOffering, template: str,
                  subject: str, with_invite: bool = True, reason: str = "") -> None:
    from lms_app.mail.services import link_base, queue_mail

    user = session.get(User, booking.user_id)
    if user is None or not user.is_active:
        return
    tz = zone(offering.timezone)
    attachment = (f"live-session-{booking.id}.ics", "text/calendar",
                  ics(offering, slot, booking.id, cancelled=not with_invite))
    queue_mail(session, to=user.email, template=template, subject=subject, user_id=user.id, attachment=attachment,
               context={"name": user.name, "title": offering.title, "when": when_label(slot.starts_at, ZoneInfo("UTC")),
                        "when_local": when_label(slot.starts_at, tz), "reason": reason,
                        "amount": _price_label(booking.amount_minor, booking.currency),
                        "link": f"{link_base()}/dashboard"})


def send_reminders(session: Session, now: datetime | None = None) -> int:
    """The job: one reminder per booking for times starting within 24 h. A slot is claimed with a
    conditional UPDATE (``reminder_sent_at IS NULL``), so two runs or two workers remind once."""
    now = now or utcnow()
    due = session.exec(select(LiveSlot.id).where(LiveSlot.status == "scheduled", LiveSlot.reminder_sent_at.is_(None),
                                                 LiveSlot.starts_at > now,
                                                 LiveSlot.starts_at <= now + REMINDER_BEFORE).limit(200)).all()
    sent = 0
    for slot_id in due:
        claimed = session.execute(update(LiveSlot).where(LiveSlot.id == slot_id, LiveSlot.reminder_sent_at.is_(None))
                                  .values(reminder_sent_at=now).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            continue
        slot = session.get(LiveSlot, slot_id)
        offering = session.get(LiveOffering, slot.offering_id)
        for booking in session.exec(select(LiveBooking).where(LiveBooking.slot_id == slot_id,
                                                              LiveBooking.status == "confirmed")).all():
            _mail_booking(session, booking, slot, offering, "live_reminder", f"Starting soon: {offering.title}")
            sent += 1
    return sent


# --- personal calendar feed ----------------------------------------------------------------

def _hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


def rotate_feed_token(session: Session, actor: Actor) -> str:
    """A new secret feed token for the caller (the previous URL stops working). Shown once."""
    import secrets

    require_role(actor, LEARNER_AREA)
    token = secrets.token_urlsafe(32)
    row = session.exec(select(LiveCalendarToken).where(LiveCalendarToken.user_id == actor.user_id)).first()
    if row is None:
        row = LiveCalendarToken(user_id=actor.user_id, token_hash=_hash(token))
    else:
        row.token_hash, row.created_at = _hash(token), utcnow()
    session.add(row)
    session.flush()
    return token


def revoke_feed_token(session: Session, actor: Actor) -> bool:
    require_role(actor, LEARNER_AREA)
    row = session.exec(select(LiveCalendarToken).where(LiveCalendarToken.user_id == actor.user_id)).first()
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def has_feed(session: Session, actor: Actor) -> bool:
    require_role(actor, LEARNER_AREA)
    return session.exec(select(LiveCalendarToken.id).where(LiveCalendarToken.user_id == actor.user_id)).first() \
        is not None


def feed_for_token(session: Session, token: object, now: datetime | None = None) -> str | None:
    """The .ics feed of the token's owner: their confirmed bookings and, for teachers, the times
    they teach (from 30 days ago on). None for an unknown or revoked token. No meeting links."""
    from icalendar import Calendar, Event

    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    row = session.exec(select(LiveCalendarToken).where(LiveCalendarToken.token_hash == _hash(token))).first()
    user = session.get(User, row.user_id) if row else None
    if user is None or not user.is_active:
        return None
    since = (now or utcnow()) - timedelta(days=30)
    cal = Calendar()
    cal.add("prodid", "-//Lumen Learning//Live sessions//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Lumen Learning live sessions")
    booked = session.exec(select(LiveBooking, LiveSlot, LiveOffering)
                          .join(LiveSlot, LiveSlot.id == LiveBooking.slot_id)
                          .join(LiveOffering, LiveOffering.id == LiveSlot.offering_id)
                          .where(LiveBooking.user_id == user.id, LiveBooking.status == "confirmed",
                                 LiveSlot.status == "scheduled", LiveSlot.starts_at >= since)
                          .order_by(LiveSlot.starts_at).limit(500)).all()
    teaching = session.exec(select(LiveSlot, LiveOffering).join(LiveOffering, LiveOffering.id == LiveSlot.offering_id)
                            .where(LiveSlot.teacher_id == user.id, LiveSlot.status == "scheduled",
                                   LiveSlot.starts_at >= since).order_by(LiveSlot.starts_at).limit(500)).all()
    items = [(f"live-booking-{b.id}@lumen-learning", s, o, "") for b, s, o in booked]
    items += [(f"live-slot-{s.id}@lumen-learning", s, o, f" ({s.seats_taken}/{s.capacity} booked)")
              for s, o in teaching]
    for uid, slot, offering, suffix in items:
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", utcnow())
        event.add("dtstart", as_utc(slot.starts_at))
        event.add("dtend", as_utc(slot.ends_at))
        event.add("summary", offering.title + suffix)
        cal.add_component(event)
    return cal.to_ical().decode()
