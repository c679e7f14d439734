"""Payment history at /orders and one receipt at /orders/<id> (the buyer or an admin only)."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.ui.links import anchor_button, link_button
from lms_app.core.db import run_db
from lms_app.commerce.services import orders
from lms_app.commerce.services.orders import OrderView
from lms_app.core.permissions import LEARNER_AREA
from lms_app.core.guard import current_actor, guarded


EMPTY = OrderView(id=0, number="", course_title="", course_slug="", status="", status_label="", list_label="",
                  discount_label="", amount_label="", coupon_code="", date_label="", refunded_label="",
                  refund_reason="", buyer="", payment_label="", invoice_number="")


def status_badge(order) -> rx.Component:
    return rx.badge(order["status_label"], variant="soft",
                    color_scheme=rx.match(order["status"], ("paid", "green"), ("refunded", "amber"), "gray"))


class OrdersState(rx.State):
    rows: list[OrderView] = []
    loaded: bool = False

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        self.rows = await run_db(orders.history, current_actor())
        self.loaded = True


class ReceiptState(rx.State):
    order: OrderView = EMPTY
    found: bool = False
    loaded: bool = False

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        """Only the buyer (or an admin) sees the order; anyone else gets 'not found'."""
        self.loaded = False
        raw = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        view = await run_db(orders.detail, current_actor(), raw)
        self.order, self.found, self.loaded = (view, True, True) if view else (EMPTY, False, True)


def history_page() -> rx.Component:
    row = lambda o: rx.table.row(  # noqa: E731
        rx.table.cell(rx.link(o["number"], href="/orders/" + o["id"].to_string())),
        rx.table.cell(o["course_title"]), rx.table.cell(o["date_label"]),
        rx.table.cell(o["amount_label"]), rx.table.cell(status_badge(o)))
    return page_shell(
        page_heading("Payments", "Your orders, receipts and refunds."),
        rx.cond(
            OrdersState.loaded,
            rx.cond(
                OrdersState.rows.length() > 0,
                rx.box(rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                   ("Order", "Course", "Date", "Amount", "Status")])),
                    rx.table.body(rx.foreach(OrdersState.rows, row)), variant="surface", width="100%"),
                    width="100%", overflow_x="auto"),
                empty_state("receipt", "No payments yet", "Courses you buy will appear here with their receipts.",
                            link_button("Explore courses", href="/courses")),
            ),
            loading_block(),
        ),
    )


def receipt_page() -> rx.Component:
    o = ReceiptState.order

    def line(label, value):
        return rx.hstack(rx.text(label, color=rx.color("gray", 11), size="2"), rx.spacer(), rx.text(value, size="2"),
                         width="100%")

    return page_shell(
        rx.cond(
            ReceiptState.loaded,
            rx.cond(
                ReceiptState.found,
                rx.vstack(
                    rx.hstack(rx.icon("circle-check", color=rx.color("green", 10)),
                              rx.heading(rx.cond(o["status"] == "refunded", "Order refunded", "Payment received"),
                                         size="6", as_="h1"), align="center"),
                    rx.card(rx.vstack(
                        line("Order", o["number"]),
                        rx.cond(o["invoice_number"] != "", line("Invoice", o["invoice_number"])),
                        line("Course", o["course_title"]), line("Date", o["date_label"]),
                        line("List price", o["list_label"]),
                        rx.cond(o["discount_label"] != "", line("Discount (" + o["coupon_code"] + ")",
                                                                "-" + o["discount_label"])),
                        line("Total paid", o["amount_label"]), line("Payment", o["payment_label"]),
                        rx.hstack(rx.text("Status", color=rx.color("gray", 11), size="2"), rx.spacer(),
                                  status_badge(o), width="100%"),
                        rx.cond(o["refunded_label"] != "", line("Refunded on", o["refunded_label"])),
                        spacing="3", width="100%"), width="100%", max_width="560px"),
                    rx.hstack(
                        anchor_button(rx.icon("download", size=16),
                                      rx.cond(o["invoice_number"] != "", "Download invoice (PDF)", "Download PDF"), variant="soft", download=True,
                                      href="/api/orders/" + o["id"].to_string() + "/receipt.pdf"),
                        rx.cond(o["status"] == "paid",
                                link_button("Start learning", rx.icon("arrow-right", size=16),
                                            href="/courses/" + o["course_slug"])),
                        link_button("All payments", href="/orders", variant="ghost"),
                        spacing="3", wrap="wrap"),
                    spacing="4", width="100%", align="start",
                ),
                empty_state("search-x", "Order not found", "It does not exist or is not yours.",
                            link_button("Your payments", href="/orders"), level="h1"),
            ),
            loading_block(),
        ),
    )
