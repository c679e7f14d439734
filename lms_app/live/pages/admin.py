"""The admin's live sessions and bookings (/admin/live): every session of every teacher (deactivate or
activate it) and every booking (cancel, with a refund when paid), searchable, a page at a time."""

from __future__ import annotations

import reflex as rx

from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import ADMIN_AREA
from lms_app.live import services
from lms_app.live.pages.common import live_gateway, table_of
from lms_app.live.pages.views import AdminBookingView, AdminOfferingView
from lms_app.ui.dialogs import confirm_dialog
from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.ui.wording import status_text


# --- admin -----------------------------------------------------------------------------------

class LiveAdminState(rx.State):
    offerings: list[AdminOfferingView] = []
    rows: list[AdminBookingView] = []
    loaded: bool = False
    query: str = ""
    # How many of each list are shown ("Show more" adds a page).
    limit: int = services.ADMIN_PAGE

    async def _reload(self):
        actor = current_actor()
        self.offerings = await run_db(services.admin_offerings, actor, self.query, self.limit)
        self.rows = await run_db(services.admin_bookings, actor, self.query, self.limit)

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        self.query, self.limit = "", services.ADMIN_PAGE
        await self._reload()
        self.loaded = True

    @rx.event
    @guarded(ADMIN_AREA)
    async def find(self, form: dict):
        self.query = form.get("q", "") if isinstance(form, dict) and isinstance(form.get("q"), str) else ""
        self.limit = services.ADMIN_PAGE
        await self._reload()

    @rx.event
    @guarded(ADMIN_AREA)
    async def show_more(self):
        self.limit = min(self.limit + services.ADMIN_PAGE, services.ADMIN_MAX)
        await self._reload()

    @rx.event
    @guarded(ADMIN_AREA)
    async def switch_status(self, offering_id: int, status: str):
        """Take a session off the list (inactive: bookings stay) or offer it again (checked in the service)."""
        try:
            await run_db(services.set_status, current_actor(), offering_id, status)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload()
        return rx.toast.success("Session deactivated: it takes no new bookings." if status == "inactive"
                                else "Session active again.")

    @rx.event
    @guarded(ADMIN_AREA)
    async def cancel_booking(self, booking_id: int):
        """Cancel one confirmed booking and refund it if paid (checked and audited in the service)."""
        try:
            booking = await run_db(services.admin_cancel_booking, current_actor(), booking_id, live_gateway())
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._reload()
        return rx.toast.success("Booking cancelled and refunded; the learner was told." if booking.order_id
                                else "Booking cancelled; the learner was told.")


def _admin_cancel(row) -> rx.Component:
    return confirm_dialog(
        rx.button(rx.cond(row["order_id"] > 0, "Cancel and refund", "Cancel booking"), size="1", variant="soft",
                  color_scheme="red"),
        "Cancel this booking?",
        rx.cond(row["order_id"] > 0, "The learner is refunded " + row["amount_label"] + ", told by e-mail, and the "
                "seat goes to the waitlist.", "The learner is told by e-mail and the seat goes to the waitlist."),
        "Cancel booking", LiveAdminState.cancel_booking(row["id"]))


def _offering_row(o) -> rx.Component:
    S = LiveAdminState
    return rx.table.row(
        rx.table.cell(rx.link(o["title"], href=o["href"])),
        rx.table.cell(rx.vstack(rx.text(o["teacher"]), rx.text(o["teacher_email"], size="1", color=rx.color("gray", 11)),
                                spacing="0")),
        rx.table.cell(status_text(o["status"])), rx.table.cell(o["price_label"]),
        rx.table.cell(o["upcoming"]), rx.table.cell(o["booked"]),
        rx.table.cell(rx.cond(o["status"] == "active",
                              rx.button("Deactivate", size="1", variant="soft", on_click=S.switch_status(o["id"], "inactive"),
                                        aria_label="Deactivate " + o["title"]),
                              rx.button("Activate", size="1", variant="soft", on_click=S.switch_status(o["id"], "active"),
                                        aria_label="Activate " + o["title"]))))


def _booking_row(r) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r["id"]), rx.table.cell(r["title"]), rx.table.cell(r["learner"]),
        rx.table.cell(r["when"]), rx.table.cell(status_text(r["status"])), rx.table.cell(r["amount_label"]),
        rx.table.cell(rx.cond(r["status"] == "confirmed", _admin_cancel(r), rx.text("—", color_scheme="gray"))))


def _more(count) -> rx.Component:
    S = LiveAdminState
    return rx.cond(count >= S.limit, rx.button("Show more", variant="soft", on_click=S.show_more))


def admin_page() -> rx.Component:
    S = LiveAdminState
    return page_shell(
        page_heading("Live sessions and bookings",
                     "Every live session of every teacher and every booking. Cancelling a paid booking refunds it."),
        rx.form(rx.hstack(rx.input(name="q", placeholder="Session title, teacher or learner e-mail", flex="1",
                                   aria_label="Search live sessions and bookings"),
                          rx.button("Search", type="submit"), width="100%"), on_submit=S.find, width="100%"),
        rx.cond(S.loaded, rx.vstack(
            rx.el.section(rx.vstack(
                rx.heading("Sessions", size="5", as_="h2"),
                rx.cond(S.offerings.length() > 0,
                        table_of(["Session", "Teacher", "Status", "Price", "Upcoming times", "Booked seats", ""],
                                 rx.foreach(S.offerings, _offering_row)),
                        empty_state("video", "No live sessions", "Sessions teachers create will appear here.")),
                _more(S.offerings.length()), spacing="3", width="100%"), aria_label="Sessions", width="100%"),
            rx.el.section(rx.vstack(
                rx.heading("Bookings", size="5", as_="h2"),
                rx.cond(S.rows.length() > 0,
                        table_of(["#", "Session", "Learner", "When (UTC)", "Status", "Paid", "Actions"],
                                 rx.foreach(S.rows, _booking_row)),
                        empty_state("calendar", "No bookings yet", "Bookings of live sessions will appear here.")),
                _more(S.rows.length()), spacing="3", width="100%"), aria_label="Bookings", width="100%"),
            spacing="6", width="100%", margin_top="0.75rem"),
            loading_block()))
