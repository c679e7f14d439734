"""Live-session pages: the list (/live), an offering (/live/[offering_id]), the teacher's
"My sessions" (/teach/live), the admin's bookings (/admin/live) and the dashboard card.

Public vars hold DTOs from ``lms_app.live.services`` (never rows). The meeting link is never put
in a var: ``join`` fetches it for the booking's own learner and opens it in the event's answer.
The viewer's time zone comes from the browser (``Intl``) and is validated by ``services.zone``.
"""

from __future__ import annotations

from typing import Any, TypedDict

import reflex as rx

from lms_app.ui.wording import status_text

from lms_app.commerce.gateways.base import CardDetails
from lms_app.core.auth_state import AuthState
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded, public, resolve
from lms_app.core.permissions import ADMIN_AREA, LEARNER_AREA, TEACHER_AREA
from lms_app.core.settings import get_settings
from lms_app.live import services, windows
from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.ui.links import link_button

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

READ_TZ = "Intl.DateTimeFormat().resolvedOptions().timeZone"
PREFIX = "/live/"


def _gateway():
    from lms_app.commerce.gateways import get_gateway

    try:
        return get_gateway(get_settings())
    except RuntimeError:
        return None


def _card_from(form: Any) -> CardDetails | None:
    from lms_app.commerce.services.checkout import card_from

    card = card_from(form)
    return card if card.number else None


def _offering_id(path: str) -> str:
    return path[len(PREFIX):].strip("/").split("/")[0] if isinstance(path, str) and path.startswith(PREFIX) else ""


# --- list ----------------------------------------------------------------------------------

class LiveListState(rx.State):
    cards: list[CardView] = []
    search: str = ""
    category: str = ""
    price: str = ""
    date_from: str = ""
    date_to: str = ""
    sort: str = "soon"
    categories: list[str] = []
    loaded: bool = False

    @rx.event
    @public
    def load(self):
        """Reads the filters from the URL, then asks this tab's browser for its time zone;
        ``with_tz`` loads the list."""
        f = services.catalog_filters(dict(self.router.url.query_parameters))
        self.search, self.category, self.price = f["q"], f["category"], f["price"]
        self.date_from, self.date_to, self.sort = f["from"], f["to"], f["sort"]
        return rx.call_script(READ_TZ, callback=LiveListState.with_tz)

    @rx.event
    @public
    async def with_tz(self, tz: str):
        """Active offerings with upcoming times only (services.catalog), in the given (validated) zone."""
        filters = {"q": self.search, "category": self.category, "price": self.price, "from": self.date_from,
                   "to": self.date_to, "sort": self.sort}
        self.cards = await run_db(services.catalog, tz, "", filters=filters)
        self.categories = await run_db(services.catalog_categories)
        self.loaded = True

    @rx.event
    @public
    def find(self, form: dict):
        """Only builds the next list URL from the form's (validated) filters."""
        from urllib.parse import urlencode

        f = services.catalog_filters(form if isinstance(form, dict) else {})
        params = {k: v for k, v in f.items() if v and not (k == "sort" and v == "soon")}
        return rx.redirect("/live" + (f"?{urlencode(params)}" if params else ""))


def _offering_card(card) -> rx.Component:
    return rx.link(rx.card(rx.vstack(
        rx.hstack(rx.icon("video", size=18, color=rx.color("accent", 11)),
                  rx.badge(card["price_label"], color_scheme=rx.cond(card["price_label"] == "Free", "green", "gray")),
                  rx.spacer(), rx.text(card["duration_label"], size="1", color=rx.color("gray", 11)),
                  width="100%", align="center"),
        rx.heading(card["title"], size="4", as_="h2"),
        rx.text(card["teacher"], size="2", color=rx.color("gray", 11)),
        rx.hstack(rx.icon("calendar", size=14),
                  rx.cond(card["picks"], rx.text("Pick a time that suits you", size="2"),
                          rx.text("Next: ", card["next_label"], size="2")), align="center",
                  spacing="1"),
        spacing="2", align="start", width="100%"), width="100%", height="100%"),
        href=card["href"], underline="none", color=rx.color("gray", 12), width="100%")


def _select(name: str, label: str, value, options) -> rx.Component:
    """A native select (works before hydration, labelled, keyboard-friendly)."""
    return rx.vstack(
        rx.text(label, as_="label", html_for=f"live-{name}", size="1", weight="medium", color=rx.color("gray", 11)),
        rx.el.select(*options, id=f"live-{name}", name=name, default_value=value, aria_label=label,
                     style={"height": "var(--space-6)", "padding": "0 0.5rem", "borderRadius": "var(--radius-2)",
                            "border": f"1px solid {rx.color('gray', 7)}", "background": rx.color("gray", 1),
                            "color": rx.color("gray", 12), "minWidth": "9rem"}),
        spacing="1")


def _date(name: str, label: str, value) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", html_for=f"live-{name}", size="1", weight="medium", color=rx.color("gray", 11)),
        rx.input(type="date", id=f"live-{name}", name=name, default_value=value, aria_label=label), spacing="1")


def _filters() -> rx.Component:
    S = LiveListState
    return rx.form(rx.vstack(
        rx.hstack(rx.input(name="q", placeholder="Search live sessions", default_value=S.search,
                           aria_label="Search live sessions", flex="1"),
                  rx.button(rx.icon("search", size=16), "Search", type="submit"), width="100%", spacing="2"),
        rx.hstack(
            _select("category", "Category", S.category,
                    [rx.el.option("All categories", value="")]
                    + [rx.foreach(S.categories, lambda c: rx.el.option(c, value=c))]),
            _select("price", "Price", S.price,
                    [rx.el.option(label, value=key) for key, label in services.PRICES.items()]),
            _date("from", "From", S.date_from),
            _date("to", "To", S.date_to),
            _select("sort", "Sort", S.sort, [rx.el.option(label, value=key) for key, label in services.SORTS.items()]),
            rx.button("Apply", type="submit", variant="soft", align_self="end"),
            rx.cond((S.category != "") | (S.price != "") | (S.date_from != "") | (S.date_to != "") | (S.search != ""),
                    link_button("Clear", href="/live", variant="ghost", align_self="end")),
            spacing="3", wrap="wrap", align="end", width="100%"),
        spacing="3", width="100%"), on_submit=S.find, width="100%", margin_bottom="1rem",
        # Re-mounted when the URL's filters or the loaded categories change, so the uncontrolled
        # fields show them (a select's default only applies when it mounts).
        key=S.search + S.category + S.price + S.date_from + S.date_to + S.sort + S.categories.length().to_string())


def list_page() -> rx.Component:
    S = LiveListState
    return page_shell(
        page_heading("Live sessions", "Book a seat in a live class or a one-to-one session. Times are shown in "
                                      "your time zone."),
        rx.hstack(link_button("Courses", href="/courses", variant="soft"),
                  link_button("Live sessions", href="/live", variant="solid"), spacing="2",
                  margin_bottom="1rem", aria_label="Catalog sections"),
        _filters(),
        rx.cond(S.loaded,
                rx.cond(S.cards.length() > 0,
                        rx.grid(rx.foreach(S.cards, _offering_card), columns=rx.breakpoints(initial="1", sm="2", md="3"),
                                spacing="4", width="100%"),
                        rx.cond((S.category != "") | (S.price != "") | (S.date_from != "") | (S.date_to != "")
                                | (S.search != ""),
                                empty_state("search-x", "No live sessions match",
                                            "Try other words, another category or a wider date range."),
                                empty_state("calendar-x", "No live sessions scheduled",
                                            "When teachers schedule live sessions they appear here."))),
                loading_block()),
    )


# --- one offering --------------------------------------------------------------------------

class LiveOfferingState(rx.State):
    offering: OfferingView = EMPTY_OFFERING
    slots: list[SlotView] = []
    # Free start times from the teacher's availability windows, by day in the viewer's zone.
    picks: list[PickDayView] = []
    # A picked window time waiting for payment (ISO start; 0/"" when none).
    chosen_start: str = ""
    found: bool = False
    loaded: bool = False
    chosen: int = 0
    chosen_label: str = ""
    error: str = ""
    busy: bool = False
    tz: str = "UTC"

    @rx.event
    @public
    def load(self):
        """Asks this tab's browser for its time zone; ``with_tz`` loads the page."""
        self.chosen, self.error = 0, ""
        return rx.call_script(READ_TZ, callback=LiveOfferingState.with_tz)

    @rx.event
    @public
    async def with_tz(self, tz: str):
        """The offering page: services.offering_page hides inactive offerings from non-owners and carries
        neither the meeting link nor other learners (viewer resolved from the cookie)."""
        await self._load(tz)

    async def _load(self, tz: str):
        found = await resolve(self)
        viewer = found[0] if found else None
        page = await run_db(services.offering_page, viewer, _offering_id(self.router.url.path), tz)
        self.tz = services.zone(tz).key
        self.found = page is not None
        self.offering = OfferingView(**{k: v for k, v in page.items() if k != "slots"}) if page else EMPTY_OFFERING
        self.slots = (page or {}).get("slots", [])
        self.picks = await run_db(windows.picks_for, self.offering["id"], tz) if page else []
        self.loaded = True

    @rx.event
    @guarded(LEARNER_AREA)
    async def pick(self, start: str):
        """A time from the availability windows: free → booked at once; priced → the payment panel.
        The service checks the time is really offered and free (the label is only for display)."""
        label = next((f"{d['day']}, {t['label']}" for d in self.picks for t in d["times"] if t["start"] == start), "")
        if not label:
            return rx.toast.error("That time is no longer offered: pick another one.")
        if self.offering["is_free"]:
            self.busy = True
            try:
                await run_db(windows.book_time, get_settings(), current_actor(), self.offering["id"], start)
                self.busy = False
                await self._load(self.tz)
                return rx.toast.success("Booked. The calendar invite is in your e-mail.")
            except ServiceError as exc:
                self.busy = False
                await self._load(self.tz)
                return rx.toast.error(exc.message)
        self.chosen, self.chosen_start, self.chosen_label, self.error = -1, start, label, ""

    @rx.event
    @guarded(LEARNER_AREA)
    async def book_free(self, slot_id: int):
        """One click for a free session (the service refuses priced ones without payment)."""
        self.busy = True
        yield
        try:
            await run_db(services.book, get_settings(), current_actor(), slot_id)
            yield rx.toast.success("Booked. The calendar invite is in your e-mail.")
        except ServiceError as exc:
            yield rx.toast.error(exc.message)
        finally:
            self.busy = False
        await self._load(self.tz)

    @rx.event
    @guarded(LEARNER_AREA)
    async def join_waitlist(self, slot_id: int):
        """Queue for a full time (the service refuses when seats are free or the caller holds one)."""
        try:
            place = await run_db(services.join_waitlist, current_actor(), slot_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._load(self.tz)
        return rx.toast.success(f"You are number {place} on the waitlist. We e-mail you when a seat comes free.")

    @rx.event
    @guarded(LEARNER_AREA)
    def choose(self, slot_id: int):
        """Open the payment panel for one of the listed times (the price is read again when paying)."""
        row = next((s for s in self.slots if s["id"] == slot_id), None)
        self.chosen, self.chosen_label, self.error = (row["id"], row["label"], "") if row else (0, "", "")
        self.chosen_start = ""

    @rx.event
    @guarded(LEARNER_AREA)
    async def pay(self, form: dict):
        """Book the chosen time through the checkout: coupon, card, ledger (price from the database)."""
        if not self.chosen:
            return
        self.busy, self.error = True, ""
        yield
        form = form if isinstance(form, dict) else {}
        try:
            if self.chosen_start:
                await run_db(windows.book_time, get_settings(), current_actor(), self.offering["id"],
                             self.chosen_start, form.get("coupon", ""), _card_from(form), _gateway())
            else:
                await run_db(services.book, get_settings(), current_actor(), self.chosen, form.get("coupon", ""),
                             _card_from(form), _gateway())
            self.chosen, self.chosen_start = 0, ""
            yield rx.toast.success("Paid and booked. The receipt and calendar invite are in your e-mail.")
        except ServiceError as exc:
            self.error = exc.message
        finally:
            self.busy = False
        await self._load(self.tz)


def _slot_row(slot) -> rx.Component:
    S = LiveOfferingState
    return rx.card(rx.hstack(
        rx.vstack(rx.text(slot["label"], weight="bold", size="3"),
                  rx.text(slot["seats_left"].to_string() + " of " + slot["capacity"].to_string() + " seats left",
                          size="2", color=rx.color("gray", 11)), spacing="1", align="start"),
        rx.spacer(),
        rx.cond(slot["booked"], rx.badge(rx.icon("check", size=14), "Booked", color_scheme="green", size="2"),
                rx.cond(slot["offered"],
                        rx.button("Pay to confirm your seat", on_click=S.choose(slot["id"]),
                                  aria_label="Pay to confirm your seat: " + slot["label"]),
                rx.cond(slot["seats_left"] > 0,
                        rx.cond(S.offering["is_free"],
                                rx.button("Book", on_click=S.book_free(slot["id"]), loading=S.busy,
                                          aria_label="Book " + slot["label"]),
                                rx.button("Book", on_click=S.choose(slot["id"]), variant="soft",
                                          aria_label="Book " + slot["label"])),
                        rx.cond(slot["waiting"], rx.badge("On the waitlist", color_scheme="orange", size="2"),
                                rx.hstack(rx.badge("Full", color_scheme="gray", size="2"),
                                          rx.button("Join waitlist", size="2", variant="outline",
                                                    on_click=S.join_waitlist(slot["id"]),
                                                    aria_label="Join waitlist for " + slot["label"]),
                                          spacing="2", align="center"))))),
        align="center", width="100%", wrap="wrap", spacing="3"), width="100%")


def _pay_panel() -> rx.Component:
    S = LiveOfferingState
    return rx.cond(S.chosen != 0, rx.card(rx.form(rx.vstack(
        rx.heading("Pay for your seat", size="4", as_="h2"),
        rx.text(S.chosen_label, " · ", S.offering["price_label"], size="2"),
        rx.input(name="coupon", placeholder="Coupon code (optional)", aria_label="Coupon code", width="100%"),
        rx.input(name="card_number", placeholder="Card number", aria_label="Card number", required=True,
                 width="100%"),
        rx.hstack(rx.input(name="expiry", placeholder="MM/YY", aria_label="Expiry", width="100%"),
                  rx.input(name="cvc", placeholder="CVC", aria_label="CVC", width="100%"), spacing="2", width="100%"),
        rx.input(name="name", placeholder="Name on card", aria_label="Name on card", width="100%"),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red", role="alert")),
        rx.hstack(rx.button("Pay and book", type="submit", loading=S.busy, flex="1"),
                  rx.button("Close", type="button", variant="soft", color_scheme="gray", on_click=S.choose(0)),
                  spacing="2", width="100%"),
        spacing="3", width="100%"), on_submit=S.pay, reset_on_submit=False), width="100%", max_width="480px"))


def _picker() -> rx.Component:
    """Free start times from the teacher's availability, a row of buttons per day."""
    S = LiveOfferingState
    return rx.vstack(
        rx.heading("Pick a time", size="4", as_="h3"),
        rx.foreach(S.picks, lambda d: rx.vstack(
            rx.text(d["day"], size="2", weight="bold"),
            rx.hstack(rx.foreach(d["times"], lambda t: rx.button(
                t["label"], size="2", variant="outline", on_click=S.pick(t["start"]), disabled=S.busy,
                aria_label="Book " + d["day"] + " " + t["label"])), spacing="2", wrap="wrap"),
            spacing="1", width="100%")),
        spacing="3", width="100%")


def offering_page() -> rx.Component:
    S = LiveOfferingState
    O = S.offering
    return page_shell(rx.cond(
        S.loaded,
        rx.cond(S.found, rx.vstack(
            link_button(rx.icon("arrow-left", size=16), "All live sessions", href="/live", variant="ghost"),
            page_heading(O["title"], "with " + O["teacher"]),
            rx.hstack(rx.badge(O["price_label"], size="2"), rx.badge(O["duration_label"], variant="soft", size="2"),
                      rx.cond(O["category"] != "", rx.badge(O["category"], variant="outline", size="2")),
                      rx.cond(O["status"] == "inactive", rx.badge("Inactive", color_scheme="orange", size="2")),
                      spacing="2", wrap="wrap"),
            rx.markdown(O["description"], use_raw=False),
            rx.text("Cancel up to ", O["cutoff_hours"].to_string(), " hours before the start for a full refund.",
                    size="2", color=rx.color("gray", 11)),
            rx.heading("Upcoming times", size="5", as_="h2"),
            rx.text("Shown in your time zone: ", S.tz, size="2", color=rx.color("gray", 11)),
            _pay_panel(),
            rx.cond(S.picks.length() > 0, _picker()),
            rx.cond(S.slots.length() > 0, rx.vstack(rx.foreach(S.slots, _slot_row), spacing="2", width="100%"),
                    rx.cond(S.picks.length() == 0,
                            empty_state("calendar-x", "No upcoming times",
                                        "The teacher has not scheduled new times yet."))),
            spacing="4", width="100%", align="start"),
            empty_state("search-x", "Live session not found", "It may have been removed or is not offered now.",
                        link_button("All live sessions", href="/live"))),
        loading_block()))


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
        self._tz = services.zone(tz).key
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
            await run_db(services.cancel_booking, current_actor(), booking_id, _gateway())
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
                    rx.alert_dialog.root(
                        rx.alert_dialog.trigger(rx.button("Cancel", variant="ghost", color_scheme="red", size="2")),
                        rx.alert_dialog.content(
                            rx.alert_dialog.title("Cancel this booking?"),
                            rx.alert_dialog.description("Your seat is released and any payment refunded."),
                            rx.hstack(rx.alert_dialog.cancel(rx.button("Keep it", variant="soft")),
                                      rx.alert_dialog.action(rx.button("Cancel booking", color_scheme="red",
                                                                       on_click=S.cancel(b["id"]))),
                                      spacing="2", justify="end", margin_top="1rem"))),
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


# --- teacher: My sessions ------------------------------------------------------------------

class LiveTeachState(rx.State):
    offerings: list[TeachOfferingView] = []
    slots: list[TeachSlotView] = []
    revenue: list[RevenueView] = []
    tz: str = "UTC"
    error: str = ""
    schedule_error: str = ""
    windows: list[WindowView] = []
    window_error: str = ""
    week_label: str = ""
    week_days: list[WeekDayView] = []
    week_offset: int = 0
    # The time whose "Move" dialog is open (0: none) and that dialog's error.
    moving: int = 0
    move_error: str = ""
    loaded: bool = False
    busy: bool = False

    @rx.event
    @guarded(TEACHER_AREA)
    def load(self):
        return rx.call_script(READ_TZ, callback=LiveTeachState.with_tz)

    @rx.event
    @guarded(TEACHER_AREA)
    async def with_tz(self, tz: str):
        self.tz = services.zone(tz).key
        data = await run_db(services.teacher_sessions, current_actor(), self.tz)
        self.offerings, self.slots = data["offerings"], data["slots"]
        self.revenue = await run_db(services.revenue, current_actor())
        self.windows = await run_db(windows.teacher_windows, current_actor())
        await self._load_week()
        self.loaded = True

    async def _reload(self):
        data = await run_db(services.teacher_sessions, current_actor(), self.tz)
        self.offerings, self.slots = data["offerings"], data["slots"]
        self.windows = await run_db(windows.teacher_windows, current_actor())
        await self._load_week()

    async def _load_week(self):
        from lms_app.live import week

        data = await run_db(week.week, current_actor(), self.tz, self.week_offset)
        self.week_label, self.week_days, self.week_offset = data["label"], data["days"], data["offset"]

    @rx.event
    @guarded(TEACHER_AREA)
    async def add_windows(self, form: dict):
        """Availability windows for one of the caller's sessions (ownership checked in the service)."""
        self.window_error = ""
        form = form if isinstance(form, dict) else {}
        days = [str(i) for i in range(7) if form.get(f"day{i}") in ("on", True, "true")]
        try:
            made = await run_db(windows.add_windows, current_actor(), form.get("offering_id"), days,
                                form.get("start"), form.get("end"), form.get("first"), form.get("weeks") or 4)
        except ServiceError as exc:
            self.window_error = exc.message
            return
        await self._reload()
        return rx.toast.success(f"{len(made)} availability window(s) added. Learners can pick times now.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def remove_window(self, window_id: int):
        try:
            await run_db(windows.delete_window, current_actor(), window_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload()
        return rx.toast.success("Window removed. Times already booked stay booked.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def shift_week(self, delta: int):
        """Previous (-1) / next (+1) week, or back to this week (0)."""
        step = delta if isinstance(delta, int) and not isinstance(delta, bool) and -1 <= delta <= 1 else 0
        self.week_offset = self.week_offset + step if step else 0
        await self._load_week()

    @rx.event
    @guarded(TEACHER_AREA)
    async def create(self, form: dict):
        self.error = ""
        try:
            await run_db(services.create_offering, current_actor(), form)
        except ServiceError as exc:
            self.error = exc.message
            return
        await self._reload()
        return rx.toast.success("Session created. Now schedule its times.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def schedule(self, form: dict):
        self.schedule_error = ""
        form = form if isinstance(form, dict) else {}
        try:
            slots = await run_db(services.schedule, current_actor(), form.get("offering_id"), form.get("date"),
                                 form.get("time"), form.get("weeks") or 1)
        except ServiceError as exc:
            self.schedule_error = exc.message
            return
        await self._reload()
        return rx.toast.success(f"{len(slots)} time(s) scheduled.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def cancel_slot(self, slot_id: int):
        try:
            n = await run_db(services.cancel_slot, current_actor(), slot_id, "", _gateway())
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload()
        return rx.toast.success(f"Time cancelled; {n} learner(s) refunded and told.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def reschedule(self, form: dict):
        """Move one of the caller's upcoming times (checked in the service); booked learners are told."""
        self.move_error = ""
        form = form if isinstance(form, dict) else {}
        try:
            told = await run_db(services.reschedule_slot, current_actor(), form.get("slot_id"), form.get("date"),
                                form.get("time"))
        except ServiceError as exc:
            self.move_error = exc.message
            return
        self.moving = 0
        await self._reload()
        return rx.toast.success(f"Time moved; {told} learner(s) told, with a new invite.")

    @rx.event
    @guarded(TEACHER_AREA)
    def open_move(self, slot_id: int):
        self.moving, self.move_error = slot_id if isinstance(slot_id, int) else 0, ""

    @rx.event
    @guarded(TEACHER_AREA)
    def close_move(self, open_: bool = False):
        """The dialog's open/close callback: only closing matters (opening is ``open_move``)."""
        if open_ is not True:
            self.moving, self.move_error = 0, ""

    @rx.event
    @guarded(TEACHER_AREA)
    async def mark(self, booking_id: int, attended: bool):
        """Attendance of one booking of the caller's own session (checked in the service)."""
        try:
            await run_db(services.mark_attendance, current_actor(), booking_id, attended)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload()

    @rx.event
    @guarded(TEACHER_AREA)
    async def toggle(self, offering_id: int, status: str):
        try:
            await run_db(services.set_status, current_actor(), offering_id, status)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload()

    @rx.event
    @guarded(TEACHER_AREA)
    async def delete(self, offering_id: int):
        try:
            await run_db(services.delete_offering, current_actor(), offering_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload()
        return rx.toast.success("Session deleted.")


def _field(label: str, control: rx.Component) -> rx.Component:
    control.style.update({"width": "100%"})
    return rx.vstack(rx.text(label, size="2", weight="medium", as_="label"), control, spacing="1", width="100%")


def _create_form() -> rx.Component:
    S = LiveTeachState
    return rx.card(rx.form(rx.vstack(
        rx.heading("New live session", size="4", as_="h2"),
        _field("Title", rx.input(aria_label="Title", name="title", placeholder="Python Masterclass", required=True)),
        _field("Description", rx.text_area(aria_label="Description", name="description", placeholder="What learners get (Markdown)")),
        rx.grid(_field("Duration (minutes)", rx.input(aria_label="Duration (minutes)", name="duration_minutes", type="number", default_value="60")),
                _field("Seats per time", rx.input(aria_label="Seats per time", name="capacity", type="number", default_value="10")),
                _field("Price (USD, 0 = free)", rx.input(aria_label="Price (USD, 0 = free)", name="price", default_value="0")),
                _field("Cancellation cut-off (hours)", rx.input(aria_label="Cancellation cut-off (hours)", name="cutoff_hours", type="number",
                                                                default_value="24")),
                columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%"),
        _field("Meeting link (https://...)", rx.input(aria_label="Meeting link (https://...)", name="meeting_url", placeholder="https://meet.example/room",
                                                      required=True)),
        _field("Your time zone", rx.input(aria_label="Your time zone", name="timezone", default_value=S.tz, key=S.tz)),
        _field("Category", rx.input(aria_label="Category", name="category", placeholder="Programming")),
        _field("Image address (optional)", rx.input(aria_label="Image address (optional)", name="image_url", placeholder="https://...")),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red", role="alert")),
        rx.button("Create session", type="submit"),
        spacing="3", width="100%"), on_submit=S.create, reset_on_submit=False), width="100%")


def _schedule_form() -> rx.Component:
    S = LiveTeachState
    return rx.card(rx.form(rx.vstack(
        rx.heading("Schedule times", size="4", as_="h2"),
        rx.text("In the session's own time zone; repeated weekly keeps the local time across clock changes.",
                size="2", color=rx.color("gray", 11)),
        _field("Session", rx.el.select(rx.foreach(S.offerings, lambda o: rx.el.option(o["title"], value=o["id"])),
                                       name="offering_id", aria_label="Session",
                                       style={"padding": "6px", "width": "100%", "border_radius": "6px"})),
        rx.grid(_field("Date", rx.input(aria_label="Date", name="date", type="date", required=True)),
                _field("Start time", rx.input(aria_label="Start time", name="time", type="time", required=True)),
                _field("Repeat weekly (times)", rx.input(aria_label="Repeat weekly (times)", name="weeks", type="number", default_value="1")),
                columns=rx.breakpoints(initial="1", sm="3"), spacing="3", width="100%"),
        rx.cond(S.schedule_error != "", rx.callout(S.schedule_error, icon="triangle-alert", color_scheme="red",
                                                   role="alert")),
        rx.button("Schedule", type="submit"),
        spacing="3", width="100%"), on_submit=S.schedule, reset_on_submit=False), width="100%")


def _windows_form() -> rx.Component:
    S = LiveTeachState
    return rx.card(rx.form(rx.vstack(
        rx.heading("Availability for picked times", size="4", as_="h2"),
        rx.text("Office hours or 1:1 coaching: learners pick any free start inside these hours (every session "
                "length), in the session's own time zone. Times you are busy are never offered.",
                size="2", color=rx.color("gray", 11)),
        _field("Session", rx.el.select(rx.foreach(S.offerings, lambda o: rx.el.option(o["title"], value=o["id"])),
                                       name="offering_id", aria_label="Session for availability",
                                       style={"padding": "6px", "width": "100%", "border_radius": "6px"})),
        rx.el.fieldset(
            rx.el.legend("Days", style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
            rx.hstack(*[rx.checkbox(day, name=f"day{i}", size="2") for i, day in enumerate(
                ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))], spacing="3", wrap="wrap"),
            style={"border": "none", "padding": "0", "margin": "0"}),
        rx.grid(_field("From", rx.input(aria_label="Available from", name="start", type="time", required=True)),
                _field("Until", rx.input(aria_label="Available until", name="end", type="time", required=True)),
                _field("Starting on", rx.input(aria_label="Starting on", name="first", type="date", required=True)),
                _field("For weeks", rx.input(aria_label="For how many weeks", name="weeks", type="number",
                                             default_value="4", min="1", max="26")),
                columns=rx.breakpoints(initial="2", sm="4"), spacing="3", width="100%"),
        rx.cond(S.window_error != "", rx.callout(S.window_error, icon="triangle-alert", color_scheme="red",
                                                 role="alert")),
        rx.button("Add availability", type="submit"),
        rx.cond(S.windows.length() > 0, rx.vstack(
            rx.text("Current availability", size="2", weight="bold"),
            rx.foreach(S.windows, lambda w: rx.hstack(
                rx.text(w["title"], ": ", w["label"], size="2"), rx.spacer(),
                rx.button("Remove", size="1", variant="ghost", color_scheme="red", type="button",
                          on_click=S.remove_window(w["id"]), aria_label="Remove " + w["title"] + " " + w["label"]),
                width="100%", align="center")),
            spacing="1", width="100%")),
        spacing="3", width="100%"), on_submit=S.add_windows, reset_on_submit=False), width="100%")


def _teach_slot(slot) -> rx.Component:
    S = LiveTeachState
    return rx.card(rx.vstack(
        rx.hstack(rx.text(slot["title"], weight="bold"), rx.spacer(),
                  rx.badge(slot["seats_taken"].to_string() + " / " + slot["capacity"].to_string() + " seats",
                           variant="soft"), width="100%", align="center", wrap="wrap", spacing="2"),
        rx.text(slot["when"], size="2"),
        rx.cond(slot["started"],
                rx.vstack(rx.foreach(slot["attendees"], lambda a: rx.hstack(
                    rx.text(a["name"], size="2"), rx.spacer(),
                    rx.cond(a["attended"],
                            rx.button(rx.icon("check", size=14), "Attended", size="1", color_scheme="green",
                                      variant="soft", on_click=S.mark(a["id"], False),
                                      aria_label="Attended: " + a["name"] + " (click to undo)"),
                            rx.button("Mark attended", size="1", variant="outline", on_click=S.mark(a["id"], True),
                                      aria_label="Mark " + a["name"] + " attended")),
                    width="100%", align="center")), spacing="1", width="100%"),
                rx.hstack(rx.icon("users", size=14), rx.text(slot["learners"], size="2", color=rx.color("gray", 11)),
                          spacing="1", align="center")),
        rx.cond((slot["status"] == "scheduled") & ~slot["started"], _move_dialog(slot)),
        rx.cond(slot["status"] == "scheduled", rx.alert_dialog.root(
            rx.alert_dialog.trigger(rx.button("Cancel this time", size="1", variant="soft", color_scheme="red")),
            rx.alert_dialog.content(
                rx.alert_dialog.title("Cancel this time?"),
                rx.alert_dialog.description("Everyone booked is refunded and told by e-mail."),
                rx.hstack(rx.alert_dialog.cancel(rx.button("Keep it", variant="soft")),
                          rx.alert_dialog.action(rx.button("Cancel time", color_scheme="red",
                                                           on_click=S.cancel_slot(slot["id"]))),
                          spacing="2", justify="end", margin_top="1rem"))),
            rx.badge("Cancelled", color_scheme="gray")),
        spacing="2", align="start", width="100%"), width="100%")


def _move_dialog(slot) -> rx.Component:
    """"Move this time": a new date and time in the session's own zone; booked learners keep their
    seats, get a new invite and may cancel with a refund until the new start."""
    S = LiveTeachState
    # A plain button opens the controlled dialog (Reflex wraps a dialog trigger's child in a Flex,
    # which then carries the button's ARIA attributes).
    return rx.fragment(rx.button(rx.icon("calendar-clock", size=14), "Move", size="1", variant="soft",
                                 on_click=S.open_move(slot["id"]), aria_haspopup="dialog"), rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Move this time"),
            rx.dialog.description("Everyone booked keeps their seat, gets the new time with a new calendar invite, "
                                  "and may cancel with a full refund until it starts.", size="2"),
            rx.form(rx.vstack(
                rx.input(type="hidden", name="slot_id", value=slot["id"].to_string()),
                rx.hstack(
                    rx.vstack(rx.text("New date", as_="label", size="2", weight="medium", html_for="move-date"),
                              rx.input(type="date", name="date", id="move-date", default_value=slot["local_date"],
                                       required=True), spacing="1"),
                    rx.vstack(rx.text("New time", as_="label", size="2", weight="medium", html_for="move-time"),
                              rx.input(type="time", name="time", id="move-time", default_value=slot["local_time"],
                                       required=True), spacing="1"),
                    spacing="3", wrap="wrap"),
                rx.text("In the session's time zone.", size="1", color=rx.color("gray", 11)),
                rx.cond(S.move_error != "", rx.callout(S.move_error, icon="triangle-alert", color_scheme="red",
                                                       size="1", width="100%")),
                rx.hstack(rx.dialog.close(rx.button("Keep the time", variant="soft", type="button")),
                          rx.button("Move and tell learners", type="submit"), spacing="2", justify="end", width="100%"),
                spacing="3", width="100%"), on_submit=S.reschedule, reset_on_submit=False),
        ),
        open=S.moving == slot["id"], on_open_change=S.close_move))


def _week_day(day) -> rx.Component:
    return rx.box(
        rx.text(day["label"], size="2", weight="bold",
                color=rx.cond(day["today"], rx.color("accent", 11), rx.color("gray", 12))),
        rx.vstack(rx.foreach(day["items"], lambda i: rx.box(
            rx.text(i["time"], size="1", weight="medium"),
            rx.text(i["title"], size="2", weight="bold", style={"overflowWrap": "anywhere"}),
            rx.text(rx.cond(i["cancelled"], "Cancelled", i["seats"]), size="1", color=rx.color("gray", 11)),
            padding="0.4rem 0.5rem", border_radius="var(--radius-2)", width="100%",
            background=rx.cond(i["cancelled"], rx.color("gray", 3), rx.color("accent", 3)),
            text_decoration=rx.cond(i["cancelled"], "line-through", "none"))),
            rx.cond(day["items"].length() == 0, rx.text("Free", size="1", color=rx.color("gray", 11))),
            spacing="1", width="100%", margin_top="0.35rem"),
        padding="0.5rem", border_radius="var(--radius-3)", min_height="4.5rem",
        border=rx.cond(day["today"], f"2px solid {rx.color('accent', 8)}", f"1px solid {rx.color('gray', 5)}"),
        width="100%")


def _week_view() -> rx.Component:
    S = LiveTeachState
    return rx.vstack(
        rx.hstack(
            rx.heading("Week of ", S.week_label, size="5", as_="h2"), rx.spacer(),
            rx.button(rx.icon("chevron-left", size=16), variant="soft", size="2", on_click=S.shift_week(-1),
                      aria_label="Previous week"),
            rx.button("This week", variant="soft", size="2", on_click=S.shift_week(0),
                      disabled=S.week_offset == 0),
            rx.button(rx.icon("chevron-right", size=16), variant="soft", size="2", on_click=S.shift_week(1),
                      aria_label="Next week"),
            width="100%", align="center", spacing="2", wrap="wrap"),
        rx.grid(rx.foreach(S.week_days, _week_day), columns=rx.breakpoints(initial="1", sm="4", lg="7"),
                spacing="2", width="100%"),
        spacing="3", width="100%")


def _teach_offering(o) -> rx.Component:
    S = LiveTeachState
    return rx.table.row(
        rx.table.cell(rx.link(o["title"], href="/live/" + o["id"].to_string())), rx.table.cell(o["price_label"]),
        rx.table.cell(o["duration_label"]), rx.table.cell(o["capacity"]),
        rx.table.cell(rx.hstack(
            rx.cond(o["status"] == "active",
                    rx.button("Deactivate", size="1", variant="soft", on_click=S.toggle(o["id"], "inactive")),
                    rx.button("Activate", size="1", variant="soft", on_click=S.toggle(o["id"], "active"))),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(rx.button("Delete", size="1", variant="ghost", color_scheme="red")),
                rx.alert_dialog.content(
                    rx.alert_dialog.title("Delete this session?"),
                    rx.alert_dialog.description("Only sessions nobody booked can be deleted; otherwise deactivate."),
                    rx.hstack(rx.alert_dialog.cancel(rx.button("Keep it", variant="soft")),
                              rx.alert_dialog.action(rx.button("Delete", color_scheme="red",
                                                               on_click=S.delete(o["id"]))),
                              spacing="2", justify="end", margin_top="1rem"))),
            spacing="2")))


def _table(headers: list[str], body: rx.Component) -> rx.Component:
    return rx.box(rx.table.root(rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
                                rx.table.body(body), variant="surface", width="100%"), width="100%", overflow_x="auto")


def teach_page() -> rx.Component:
    S = LiveTeachState
    return page_shell(
        page_heading("My live sessions", "Create sessions, schedule times, see who booked."),
        rx.cond(S.loaded, rx.vstack(
            _week_view(),
            rx.heading("Upcoming times", size="5", as_="h2"),
            rx.text("Shown in your time zone: ", S.tz, size="2", color=rx.color("gray", 11)),
            rx.cond(S.slots.length() > 0,
                    rx.grid(rx.foreach(S.slots, _teach_slot), columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                            spacing="3", width="100%"),
                    rx.text("Nothing scheduled yet.", color=rx.color("gray", 11))),
            rx.heading("Sessions", size="5", as_="h2"),
            rx.cond(S.offerings.length() > 0,
                    _table(["Title", "Price", "Length", "Seats", ""], rx.foreach(S.offerings, _teach_offering)),
                    empty_state("video", "No live sessions yet", "Create your first one below.")),
            rx.cond(S.revenue.length() > 0, rx.vstack(
                rx.heading("Revenue from live sessions", size="5", as_="h2"),
                _table(["Session", "Net paid", "Your share"], rx.foreach(S.revenue, lambda r: rx.table.row(
                    rx.table.cell(r["title"]), rx.table.cell(r["net_label"]), rx.table.cell(r["share_label"])))),
                spacing="3", width="100%")),
            rx.grid(_create_form(), rx.cond(S.offerings.length() > 0, rx.vstack(_schedule_form(), _windows_form(),
                                                                                 spacing="4", width="100%")),
                    columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
            spacing="4", width="100%", align="start"), loading_block()))


# --- admin -----------------------------------------------------------------------------------

class LiveAdminState(rx.State):
    rows: list[AdminBookingView] = []
    loaded: bool = False
    query: str = ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        self.rows = await run_db(services.admin_bookings, current_actor(), "")
        self.loaded = True

    @rx.event
    @guarded(ADMIN_AREA)
    async def find(self, form: dict):
        self.query = form.get("q", "") if isinstance(form, dict) and isinstance(form.get("q"), str) else ""
        self.rows = await run_db(services.admin_bookings, current_actor(), self.query)

    @rx.event
    @guarded(ADMIN_AREA)
    async def cancel_booking(self, booking_id: int):
        """Cancel one confirmed booking and refund it if paid (checked and audited in the service)."""
        try:
            booking = await run_db(services.admin_cancel_booking, current_actor(), booking_id, _gateway())
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self.rows = await run_db(services.admin_bookings, current_actor(), self.query)
        return rx.toast.success("Booking cancelled and refunded; the learner was told." if booking.order_id
                                else "Booking cancelled; the learner was told.")


def _admin_cancel(row) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button(rx.cond(row["order_id"] > 0, "Cancel and refund", "Cancel booking"),
                                          size="1", variant="soft", color_scheme="red")),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Cancel this booking?"),
            rx.alert_dialog.description(rx.cond(
                row["order_id"] > 0, "The learner is refunded " + row["amount_label"] + ", told by e-mail, and the "
                "seat goes to the waitlist.", "The learner is told by e-mail and the seat goes to the waitlist.")),
            rx.hstack(rx.alert_dialog.cancel(rx.button("Keep it", variant="soft")),
                      rx.alert_dialog.action(rx.button("Cancel booking", color_scheme="red",
                                                       on_click=LiveAdminState.cancel_booking(row["id"]))),
                      spacing="3", justify="end", margin_top="1em")))


def admin_page() -> rx.Component:
    S = LiveAdminState
    return page_shell(
        page_heading("Live bookings", "Every booking of every live session. Cancelling a paid booking refunds it."),
        rx.form(rx.hstack(rx.input(name="q", placeholder="Learner e-mail or session title", flex="1",
                                   aria_label="Search bookings"),
                          rx.button("Search", type="submit"), width="100%"), on_submit=S.find, width="100%"),
        rx.cond(S.loaded, rx.cond(S.rows.length() > 0, _table(
            ["#", "Session", "Learner", "When (UTC)", "Status", "Paid", "Actions"],
            rx.foreach(S.rows, lambda r: rx.table.row(
                rx.table.cell(r["id"]), rx.table.cell(r["title"]), rx.table.cell(r["learner"]),
                rx.table.cell(r["when"]), rx.table.cell(status_text(r["status"])), rx.table.cell(r["amount_label"]),
                rx.table.cell(rx.cond(r["status"] == "confirmed", _admin_cancel(r), rx.text("—", color_scheme="gray")))))),
            empty_state("calendar", "No bookings yet", "Bookings of live sessions will appear here.")),
            loading_block()))


ON_LOAD_LIST = [AuthState.refresh, LiveListState.load]
ON_LOAD_OFFERING = [AuthState.refresh, LiveOfferingState.load]
ON_LOAD_TEACH = [AuthState.refresh, LiveTeachState.load]
ON_LOAD_ADMIN = [AuthState.refresh, LiveAdminState.load]
