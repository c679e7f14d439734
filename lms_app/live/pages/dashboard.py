"""The learner dashboard's live-session card: upcoming bookings with a countdown and the join
button when open, cancelling, the personal calendar feed and past sessions attended.

The meeting link is never put in a var: ``join`` fetches it for the booking's own learner and
opens it in the event's answer."""

from __future__ import annotations


import reflex as rx

from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import LEARNER_AREA
from lms_app.core.settings import get_settings
from lms_app.live import services, times
from lms_app.live.pages.common import READ_TZ, live_gateway
from lms_app.live.pages.views import BookingView, PastView
from lms_app.ui.dialogs import confirm_dialog


# --- learner dashboard card ----------------------------------------------------------------

class LiveDashboardState(rx.State):
    bookings: list[BookingView] = []
    loaded: bool = False
    _tz: str = "UTC"
    past: list[PastView] = []
    has_feed: bool = False
    # The caller's own feed URL, shown once right after it is made (never loaded back from the DB).
    feed_url: str = ""

    @rx.event
    @guarded(LEARNER_AREA)
    async def new_feed(self):
        """A new personal calendar-feed URL for the caller (the previous one stops working)."""
        from lms_app.core.origins import public_base

        token = await run_db(services.rotate_feed_token, current_actor())
        base = public_base(get_settings(), self.router.headers.origin).rstrip("/")
        self.feed_url, self.has_feed = f"{base}/api/live/calendar.ics?token={token}", True

    @rx.event
    @guarded(LEARNER_AREA)
    async def revoke_feed(self):
        await run_db(services.revoke_feed_token, current_actor())
        self.feed_url, self.has_feed = "", False
        return rx.toast.success("Calendar feed switched off: the old address no longer works.")

    @rx.event
    @guarded(LEARNER_AREA)
    def load(self):
        return rx.call_script(READ_TZ, callback=LiveDashboardState.with_tz)

    @rx.event
    @guarded(LEARNER_AREA)
    async def with_tz(self, tz: str):
        self._tz = times.zone(tz).key
        self.bookings = await run_db(services.my_bookings, current_actor(), self._tz)
        self.has_feed, self.feed_url = await run_db(services.has_feed, current_actor()), ""
        self.past = await run_db(services.attended, current_actor(), self._tz)
        self.loaded = True

    @rx.event
    @guarded(LEARNER_AREA)
    async def join(self, booking_id: int):
        """Opens the meeting link for the caller's own booking when it is open (never stored in state)."""
        try:
            url = await run_db(services.join_link, current_actor(), booking_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return rx.redirect(url, is_external=True)

    @rx.event
    @guarded(LEARNER_AREA)
    async def cancel(self, booking_id: int):
        try:
            await run_db(services.cancel_booking, current_actor(), booking_id, live_gateway())
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self.bookings = await run_db(services.my_bookings, current_actor(), self._tz)
        return rx.toast.success("Booking cancelled. Any payment is refunded.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def invite(self, booking_id: int):
        try:
            name, text = await run_db(services.invite_for, current_actor(), booking_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return rx.download(data=text, filename=name, mime_type="text/calendar")


def _booking_card(b) -> rx.Component:
    S = LiveDashboardState
    return rx.card(rx.vstack(
        rx.hstack(rx.icon("video", size=18, color=rx.color("accent", 11)),
                  rx.link(rx.text(b["title"], weight="bold"), href="/live/" + b["offering_id"].to_string()),
                  spacing="2", align="center"),
        rx.text(b["when"], size="2"),
        rx.cond(b["moved_note"] != "", rx.callout(b["moved_note"], icon="calendar-clock", size="1", color_scheme="amber",
                                                  width="100%")),
        rx.cond(b["offer_label"] != "", rx.link(b["offer_label"], href="/live/" + b["offering_id"].to_string(),
                                                size="2", weight="bold")),
        rx.text(rx.moment(b["starts_at"], from_now=True, interval=30000), size="2", color=rx.color("gray", 11)),
        rx.hstack(
            rx.cond(b["join_open"], rx.button(rx.icon("video", size=16), "Join", on_click=S.join(b["id"]), size="2"),
                    rx.text("Join opens 15 min before", size="1", color=rx.color("gray", 11))),
            rx.button(rx.icon("calendar-plus", size=16), ".ics", variant="soft", size="2", on_click=S.invite(b["id"]),
                      aria_label=".ics: download calendar invite"),
            rx.cond(b["can_cancel"],
                    confirm_dialog(rx.button("Cancel", variant="ghost", color_scheme="red", size="2"),
                                   "Cancel this booking?", "Your seat is released and any payment refunded.",
                                   "Cancel booking", S.cancel(b["id"])),
                    rx.text(b["cancel_note"], size="1", color=rx.color("gray", 11))),
            spacing="2", wrap="wrap", align="center"),
        spacing="2", align="start", width="100%"), width="100%")


def dashboard_card() -> rx.Component:
    S = LiveDashboardState
    return rx.vstack(
        rx.heading("Upcoming live sessions", size="5", as_="h2"),
        rx.cond(S.bookings.length() > 0,
                rx.grid(rx.foreach(S.bookings, _booking_card), columns=rx.breakpoints(initial="1", sm="2"),
                        spacing="3", width="100%"),
                rx.text("No upcoming bookings. ", rx.link("Browse live sessions", href="/live"), size="2",
                        color=rx.color("gray", 11))),
        rx.cond(S.past.length() > 0, rx.vstack(
            rx.text("Past sessions attended", weight="bold", size="2"),
            rx.foreach(S.past, lambda p: rx.hstack(rx.icon("circle-check", size=14, color=rx.color("green", 10)),
                                                   rx.text(p["title"], " · ", p["when"], size="2"),
                                                   spacing="2", align="center")),
            spacing="1", align="start")),
        rx.hstack(
            rx.icon("calendar-sync", size=16, color=rx.color("gray", 11)),
            rx.text("Calendar feed:", size="2", color=rx.color("gray", 11)),
            rx.button(rx.cond(S.has_feed, "New feed address", "Subscribe in your calendar"), size="1",
                      variant="soft", on_click=S.new_feed),
            rx.cond(S.has_feed, rx.button("Switch off", size="1", variant="ghost", color_scheme="red",
                                          on_click=S.revoke_feed)),
            spacing="2", align="center", wrap="wrap"),
        rx.cond(S.feed_url != "", rx.callout(
            rx.vstack(rx.text("Add this address to your calendar app (keep it private; it shows your bookings):",
                              size="2"),
                      rx.code(S.feed_url, word_break="break-all"), spacing="1"),
            icon="info", width="100%")),
        spacing="3", width="100%", align="start", on_mount=S.load)
