"""Admin orders at /admin/orders: every order, and refunds with a reason and a confirmation."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.core.db import run_db
from lms_app.commerce.pages.orders import OrderView, status_badge
from lms_app.commerce.services import orders, refunds
from lms_app.core.errors import ServiceError
from lms_app.commerce.gateways import get_gateway
from lms_app.core.permissions import ADMIN_AREA
from lms_app.core.settings import get_settings
from lms_app.ui.paging import AdminKeysetPages
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded


def _refund(session, actor, order_id, reason):
    try:
        gateway = get_gateway(get_settings())
    except RuntimeError:
        gateway = None
    return refunds.refund(session, actor, order_id, reason, gateway).id


class AdminOrdersState(AdminKeysetPages, rx.State):
    rows: list[OrderView] = []
    searching: bool = False
    target_id: int = 0
    target_label: str = ""
    error: str = ""
    busy: bool = False
    search: str = ""
    status: str = ""

    async def _page(self, cursor: int):
        return await run_db(orders.admin_page, current_actor(), self.search, self.status, cursor or None)

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        self.search, self.status, self.target_id = "", "", 0
        await self._fetch(0)

    @rx.event
    @guarded(ADMIN_AREA)
    async def filter(self, form: dict):
        """Search by order number, buyer email or course title, and/or one status."""
        form = form if isinstance(form, dict) else {}
        search, status = form.get("search"), form.get("status")
        self.search = search.strip()[:120] if isinstance(search, str) else ""
        self.status = status if status in orders.ADMIN_STATUSES else ""
        self.searching = True
        yield
        await self._fetch(0)
        self.searching = False


    @rx.event
    @guarded(ADMIN_AREA)
    async def ask_refund(self, order_id: int):
        """Open the confirmation for one order (nothing changes yet)."""
        row = next((r for r in self.rows if r["id"] == order_id), None)
        if row is None or row["status"] != "paid":
            return rx.toast.error("Only paid orders can be refunded.")
        self.target_id, self.target_label, self.error = row["id"], f"{row['number']} · {row['course_title']}", ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def cancel_refund(self):
        self.target_id, self.error = 0, ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def refund(self, form: dict):
        reason = form.get("reason") if isinstance(form, dict) else None
        self.busy = True
        yield
        try:
            await run_db(_refund, current_actor(), self.target_id, reason)
        except ServiceError as exc:
            self.busy, self.error = False, exc.message
            return
        self.busy, self.target_id = False, 0
        await self._fetch(self._cursor)
        yield rx.toast.success("Order refunded: access removed and the ledger reversed.")


def _row(o) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(o["number"], href="/orders/" + o["id"].to_string())),
        rx.table.cell(o["buyer"]), rx.table.cell(o["course_title"]), rx.table.cell(o["date_label"]),
        rx.table.cell(o["amount_label"]), rx.table.cell(status_badge(o)),
        rx.table.cell(rx.cond(o["status"] == "paid",
                              rx.button("Refund", size="1", color_scheme="red", variant="soft",
                                        aria_label="Refund order " + o["number"],
                                        on_click=AdminOrdersState.ask_refund(o["id"])))),
    )


def refund_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Refund this order?"),
            rx.alert_dialog.description(AdminOrdersState.target_label,
                                        ": the learner loses access, the ledger records a reversal and the coupon "
                                        "use is released."),
            rx.form(
                rx.vstack(
                    rx.el.label("Reason", html_for="refund-reason",
                                style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
                    # Not ``required``: the browser's own check stopped the submit without a visible
                    # word inside the dialog. The service checks the reason and the error shows here,
                    # under the field (the dialog stays open; what was typed stays).
                    rx.text_area(id="refund-reason", name="reason", width="100%", aria_required="true",
                                 aria_invalid=rx.cond(AdminOrdersState.error != "", "true", "false"),
                                 aria_describedby="refund-reason-error"),
                    rx.cond(AdminOrdersState.error != "",
                            rx.text(AdminOrdersState.error, id="refund-reason-error", color=rx.color("red", 11),
                                    size="2", role="alert")),
                    rx.hstack(rx.button("Cancel", variant="soft", color_scheme="gray", type="button",
                                        on_click=AdminOrdersState.cancel_refund),
                              rx.button("Refund order", color_scheme="red", type="submit",
                                        loading=AdminOrdersState.busy),
                              justify="end", width="100%"),
                    spacing="3", width="100%", margin_top="1rem",
                ),
                on_submit=AdminOrdersState.refund,
            ),
        ),
        open=AdminOrdersState.target_id != 0,
    )


def _filters() -> rx.Component:
    S = AdminOrdersState
    return rx.form(
        rx.hstack(
            rx.input(name="search", placeholder="Order number, buyer email or course", max_length=120,
                     aria_label="Search orders", flex="1", min_width="14rem"),
            rx.el.select(rx.el.option("All statuses", value=""), rx.el.option("Paid", value="paid"),
                         rx.el.option("Refunded", value="refunded"), rx.el.option("Awaiting payment", value="pending"),
                         name="status", aria_label="Status", class_name="lms-native-select",
                         style={"height": "var(--space-6)", "width": "auto", "fontSize": "var(--font-size-2)"}),
            rx.button(rx.icon("search", size=16), "Search", type="submit", loading=S.searching),
            spacing="3", wrap="wrap", width="100%", align="center",
        ),
        on_submit=S.filter, reset_on_submit=False, width="100%", margin_bottom="1rem",
    )


def _pager() -> rx.Component:
    S = AdminOrdersState
    return rx.hstack(
        rx.cond(~S.first_page, rx.button(rx.icon("arrow-left", size=16), "Newest", variant="soft",
                                         on_click=S.newest)),
        rx.cond(S.older_than != 0, rx.button("Older orders", rx.icon("arrow-right", size=16), variant="soft",
                                              on_click=S.older)),
        spacing="3", margin_top="1rem",
    )


def page() -> rx.Component:
    S = AdminOrdersState
    return page_shell(
        page_heading("Orders", "Every purchase on the platform, newest first; refunds reverse the ledger."),
        _filters(),
        rx.cond(
            S.loaded,
            rx.cond(
                S.rows.length() > 0,
                rx.box(
                    rx.box(rx.table.root(
                        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                       ("Order", "Buyer", "Course", "Date", "Amount", "Status", "")])),
                        rx.table.body(rx.foreach(S.rows, _row)), variant="surface", width="100%"),
                        width="100%", overflow_x="auto"),
                    _pager(), width="100%",
                ),
                rx.cond((S.search != "") | (S.status != ""),
                        empty_state("search-x", "No orders match", "Try another order number, email or status."),
                        empty_state("receipt", "No orders yet", "Purchases will appear here.")),
            ),
            loading_block(),
        ),
        refund_dialog(),
    )


ROUTE = "/admin/orders"
TITLE = "Orders"
ON_LOAD = [AuthState.refresh, AdminOrdersState.load]
