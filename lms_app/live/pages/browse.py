"""The list of live sessions (/live) and one offering's page (/live/[offering_id]) with its times,
the time picker for availability windows, booking, payment and the waitlist."""

from __future__ import annotations

import reflex as rx

from lms_app.commerce.pages.billing import billing_section
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded, public, resolve
from lms_app.core.permissions import LEARNER_AREA
from lms_app.core.settings import get_settings
from lms_app.live import services, times, windows
from lms_app.live.pages.common import READ_TZ, card_from_form, live_gateway, offering_id_in
from lms_app.live.pages.views import CardView, EMPTY_OFFERING, OfferingView, PickDayView, SlotView
from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.ui.links import link_button


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
        rx.cond(card["image_url"] != "",
                rx.image(src=card["image_url"], alt="", width="100%", aspect_ratio="16 / 9", object_fit="cover",
                         border_radius="6px", loading="lazy")),
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
    # The pay form field the error is about (billing details show it under the field).
    error_field: str = ""
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
        page = await run_db(services.offering_page, viewer, offering_id_in(self.router.url.path), tz)
        self.tz = times.zone(tz).key
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
        self.busy, self.error, self.error_field = True, "", ""
        yield
        form = form if isinstance(form, dict) else {}
        try:  # billing_* keys of the form: the buyer's invoice details, when given
            if self.chosen_start:
                await run_db(windows.book_time, get_settings(), current_actor(), self.offering["id"],
                             self.chosen_start, form.get("coupon", ""), card_from_form(form), live_gateway(),
                             billing=form)
            else:
                await run_db(services.book, get_settings(), current_actor(), self.chosen, form.get("coupon", ""),
                             card_from_form(form), live_gateway(), billing=form)
            self.chosen, self.chosen_start = 0, ""
            yield rx.toast.success("Paid and booked. The receipt and calendar invite are in your e-mail.")
        except ServiceError as exc:
            self.error, self.error_field = exc.message, exc.field or ""
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
        billing_section(S.error_field, S.error),
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
            rx.cond(O["image_url"] != "",
                    rx.image(src=O["image_url"], alt="", width="100%", max_width="720px", aspect_ratio="16 / 9",
                             object_fit="cover", border_radius="8px")),
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
