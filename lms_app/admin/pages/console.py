"""The admin home: platform counts and the newest accounts."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.admin_nav import admin_shell
from lms_app.ui.links import link_button
from lms_app.ui.layout import loading_block, stat_card
from lms_app.core.db import run_db
from lms_app.commerce.pages.revenue import RevenueRow, revenue_table
from lms_app.learning.services import dashboards
from lms_app.commerce.services import revenue
from lms_app.admin.services import teacher_applications
from lms_app.learning.services.dashboards import CountView, RecentUserView
from lms_app.core.permissions import ADMIN_AREA
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded


class AdminState(rx.State):
    users: list[CountView] = []
    courses: list[CountView] = []
    totals: list[CountView] = []
    recent: list[RecentUserView] = []
    revenue: list[RevenueRow] = []
    pending_applications: int = 0
    loaded: bool = False

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        overview = await run_db(dashboards.admin_overview, current_actor())
        self.users, self.courses = overview["users"], overview["courses"]
        self.totals, self.recent = overview["totals"], overview["recent"]
        self.revenue = await run_db(revenue.platform_summary, current_actor())
        self.pending_applications = await run_db(teacher_applications.pending_count, current_actor())
        self.loaded = True


def _counts(title: str, items, icon: str) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="4", as_="h2"),
        rx.grid(rx.foreach(items, lambda c: stat_card(c["label"], c["value"], icon)),
                columns=rx.breakpoints(initial="2", md="5"), spacing="3", width="100%"),
        spacing="3", width="100%", align="start",
    )


def _recent_table() -> rx.Component:
    return rx.vstack(
        rx.heading("Newest accounts", size="4", as_="h2"),
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(rx.table.column_header_cell("Name"), rx.table.column_header_cell("Role"),
                                             rx.table.column_header_cell("Joined"))),
                rx.table.body(rx.foreach(AdminState.recent, lambda u: rx.table.row(
                    rx.table.cell(u["name"]), rx.table.cell(rx.badge(u["role"], variant="soft")),
                    rx.table.cell(u["joined"])))),
                variant="surface", width="100%",
            ),
            width="100%", overflow_x="auto",
        ),
        spacing="3", width="100%", align="start",
    )


def _waiting() -> rx.Component:
    pending_courses = AdminState.courses.length() > 1
    return rx.card(rx.flex(
        rx.hstack(rx.icon("inbox", size=18, color=rx.color("accent", 11)),
                  rx.text("Waiting for you: ", rx.cond(pending_courses, AdminState.courses[1]["value"], 0),
                          " course(s) to review, ", AdminState.pending_applications, " teacher application(s).",
                          size="2"), spacing="2", align="center"),
        rx.spacer(),
        rx.hstack(link_button(rx.icon("clipboard-check", size=16), "Review courses", href="/admin/reviews",
                              variant="soft", size="2"),
                  link_button(rx.icon("user-check", size=16), "Applications", href="/admin/applications",
                              variant="soft", size="2"), spacing="2", wrap="wrap"),
        gap="0.75rem", wrap="wrap", align="center", width="100%"), width="100%")


def page() -> rx.Component:
    return admin_shell(
        "/admin", "Administration", "What is happening on the platform.",
        rx.cond(
            AdminState.loaded,
            rx.vstack(_waiting(),
                      _counts("People", AdminState.users, "users"),
                      _counts("Courses", AdminState.courses, "library"),
                      _counts("Learning", AdminState.totals, "graduation-cap"),
                      rx.cond(AdminState.revenue.length() > 0,
                              revenue_table("Revenue (all courses, net of refunds)", "Currency", AdminState.revenue)),
                      _recent_table(), spacing="6", width="100%"),
            loading_block(),
        ),
        actions=link_button(rx.icon("chart-line", size=16), "Analytics", href="/admin/analytics", variant="soft"),
    )


ROUTE = "/admin"
TITLE = "Administration"
ON_LOAD = [AuthState.refresh, AdminState.load]
