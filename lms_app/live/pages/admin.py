"""The admin's live bookings (/admin/live): every booking, searchable, with cancel and refund."""

from __future__ import annotations

import reflex as rx

from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import ADMIN_AREA
from lms_app.live import services
from lms_app.live.pages.common import live_gateway, table_of
from lms_app.live.pages.views import AdminBookingView
from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.ui.wording import status_text


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
            booking = await run_db(services.admin_cancel_booking, current_actor(), booking_id, live_gateway())
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
        rx.cond(S.loaded, rx.cond(S.rows.length() > 0, table_of(
            ["#", "Session", "Learner", "When (UTC)", "Status", "Paid", "Actions"],
            rx.foreach(S.rows, lambda r: rx.table.row(
                rx.table.cell(r["id"]), rx.table.cell(r["title"]), rx.table.cell(r["learner"]),
                rx.table.cell(r["when"]), rx.table.cell(status_text(r["status"])), rx.table.cell(r["amount_label"]),
                rx.table.cell(rx.cond(r["status"] == "confirmed", _admin_cancel(r), rx.text("—", color_scheme="gray")))))),
            empty_state("calendar", "No bookings yet", "Bookings of live sessions will appear here.")),
            loading_block()))
