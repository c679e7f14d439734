"""Teacher revenue at /teach/revenue: per course and per month, from the ledger (refunds net out)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.core.db import run_db
from lms_app.commerce.services import revenue
from lms_app.core.permissions import TEACHER_AREA
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded


class RevenueRow(TypedDict):
    label: str
    sales: int
    gross: str
    fee: str
    share: str


class RevenueState(rx.State):
    courses: list[RevenueRow] = []
    months: list[RevenueRow] = []
    loaded: bool = False

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self):
        data = await run_db(revenue.teacher_revenue, current_actor())
        self.courses, self.months, self.loaded = data["courses"], data["months"], True


def revenue_table(title: str, first: str, rows) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="4", as_="h2"),
        rx.box(rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                           (first, "Sales", "Net paid", "Platform fee", "Teacher share")])),
            rx.table.body(rx.foreach(rows, lambda r: rx.table.row(
                rx.table.cell(r["label"]), rx.table.cell(r["sales"]), rx.table.cell(r["gross"]),
                rx.table.cell(r["fee"]), rx.table.cell(r["share"], font_weight="bold")))),
            variant="surface", width="100%"), width="100%", overflow_x="auto"),
        spacing="3", width="100%", align="start",
    )


def page() -> rx.Component:
    return page_shell(
        page_heading("Revenue", "What your courses and live sessions earned, after refunds and the platform fee."),
        rx.cond(
            RevenueState.loaded,
            rx.cond(RevenueState.courses.length() > 0,
                    rx.vstack(revenue_table("By course and live session", "Course or session", RevenueState.courses),
                              revenue_table("By month", "Month", RevenueState.months), spacing="6", width="100%"),
                    empty_state("wallet", "No sales yet", "Sales of your paid courses and live sessions will appear here.")),
            loading_block(),
        ),
    )


ROUTE = "/teach/revenue"
TITLE = "Revenue"
ON_LOAD = [AuthState.refresh, RevenueState.load]
