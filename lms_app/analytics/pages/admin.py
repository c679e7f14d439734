"""Platform analytics at /admin/analytics: KPIs vs the previous period, charts, top lists, CSV exports.

One guarded load runs ``analytics.dashboard`` (ten SQL queries). Chart data is bucketed in SQL
(day up to 92 days, then week, then month), so at most ~100 points per series reach the browser.
Exports go through ``csv_export.to_csv`` (formula-injection safe) as an rx.download of a
guarded handler: no public URL serves them.
"""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from lms_app.ui.admin_nav import admin_shell
from lms_app.ui.layout import loading_block, stat_card
from lms_app.core.db import run_db
from lms_app.analytics.services import platform as analytics
from lms_app.core import csv_export
from lms_app.analytics.services.platform import KpiView
from lms_app.learning.services.dashboards import CountView
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import ADMIN_AREA
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded

ROUTE = "/admin/analytics"
TITLE = "Analytics"


class PeriodView(TypedDict):
    start: str
    end: str
    label: str
    previous: str
    grain: str


class ActivityPoint(TypedDict):
    date: str
    signups: int
    enrollments: int


class RevenuePoint(TypedDict):
    date: str
    net: float


class TopEnrollView(TypedDict):
    id: int
    title: str
    label: str  # the title shortened for the chart's axis
    enrollments: int


class TopRevenueView(TypedDict):
    id: int
    title: str
    currency: str
    net_minor: int
    net: str


class CategoryStatView(TypedDict):
    category: str
    courses: int
    enrollments: int


def _export(session, actor, table, start, end):
    filename, headers, rows = analytics.export_table(session, actor, table, start, end)
    return filename, csv_export.to_csv(headers, rows)


class AdminAnalyticsState(rx.State):
    period: PeriodView = PeriodView(start="", end="", label="", previous="", grain="day")
    cards: list[KpiView] = []
    users: list[CountView] = []
    courses: list[CountView] = []
    activity: list[ActivityPoint] = []
    revenue: list[RevenuePoint] = []
    currency: str = "USD"
    top_enrollments: list[TopEnrollView] = []
    top_revenue: list[TopRevenueView] = []
    categories: list[CategoryStatView] = []
    loaded: bool = False
    busy: bool = False
    error: str = ""
    exporting: str = ""

    async def _fetch(self, start, end):
        data = await run_db(analytics.dashboard, current_actor(), start, end)
        self.period, self.cards, self.users, self.courses = data["period"], data["cards"], data["users"], data["courses"]
        self.activity, self.revenue, self.currency = data["activity"], data["revenue"], data["currency"]
        self.top_enrollments, self.top_revenue = data["by_enrollments"], data["by_revenue"]
        self.categories = data["categories"]

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        await self._fetch(None, None)
        self.error, self.loaded = "", True

    @rx.event
    @guarded(ADMIN_AREA)
    async def apply_range(self, form: dict):
        form = form if isinstance(form, dict) else {}
        self.busy = True
        yield
        try:
            await self._fetch(form.get("start"), form.get("end"))
        except ServiceError as exc:
            self.busy, self.error = False, exc.message
            return
        self.busy, self.error = False, ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def export(self, table: str):
        if table not in analytics.EXPORTS:
            yield rx.toast.error("That table cannot be exported.")
            return
        self.exporting = table
        yield
        try:
            filename, data = await run_db(_export, current_actor(), table, self.period["start"] or None,
                                          self.period["end"] or None)
        except ServiceError as exc:
            self.exporting = ""
            yield rx.toast.error(exc.message)
            return
        self.exporting = ""
        yield rx.download(data=data, filename=filename, mime_type="text/csv")


S = AdminAnalyticsState
LABEL = {"fontSize": "var(--font-size-2)", "fontWeight": "500"}


def export_button(table: str, label: str = "Export CSV") -> rx.Component:
    return rx.button(rx.icon("download", size=14), label, size="1", variant="soft", loading=S.exporting == table,
                     on_click=S.export(table), aria_label=f"{label}: {table.replace('_', ' ')}")


def section(title: str, table: str, *children: rx.Component) -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.heading(title, size="4", as_="h2"), rx.spacer(), export_button(table), width="100%",
                  align="center"),
        *children, spacing="3", width="100%"), width="100%", role="region",
        aria_label=title if isinstance(title, str) else table.replace("_", " ").capitalize())


def range_form() -> rx.Component:
    return rx.form(rx.flex(
        rx.vstack(rx.el.label("From", html_for="range-start", style=LABEL),
                  rx.input(id="range-start", name="start", type="date", default_value=S.period["start"],
                           key=S.period["start"]), spacing="1"),
        rx.vstack(rx.el.label("To", html_for="range-end", style=LABEL),
                  rx.input(id="range-end", name="end", type="date", default_value=S.period["end"],
                           key=S.period["end"]), spacing="1"),
        rx.button(rx.icon("refresh-cw", size=16), "Apply", type="submit", loading=S.busy),
        rx.text("Compared with ", S.period["previous"], size="1", color=rx.color("gray", 11)),
        spacing="3", align="end", wrap="wrap"), on_submit=S.apply_range, reset_on_submit=False)


def kpi_card(c) -> rx.Component:
    color = rx.match(c["trend"], ("up", "green"), ("down", "red"), "gray")
    return rx.card(rx.vstack(
        rx.hstack(rx.icon(c["icon"], size=16, color=rx.color("accent", 11)),
                  rx.text(c["label"], size="2", color=rx.color("gray", 11)), spacing="2", align="center"),
        rx.text(c["value"], size="6", weight="bold"),
        rx.cond(c["previous"] != "",
                rx.hstack(rx.cond(c["change"] != "", rx.badge(c["change"], color_scheme=color, variant="soft")),
                          rx.text("before: ", c["previous"], size="1", color=rx.color("gray", 11)),
                          spacing="2", align="center")),
        spacing="1", align="start"), width="100%", role="group", aria_label=c["label"])


def _axis_props():
    return {"stroke": rx.color("gray", 10), "font_size": 12}


def activity_chart() -> rx.Component:
    return rx.recharts.line_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", stroke=rx.color("gray", 6)),
        rx.recharts.x_axis(data_key="date", **_axis_props()),
        rx.recharts.y_axis(allow_decimals=False, **_axis_props()),
        rx.recharts.graphing_tooltip(),
        rx.recharts.legend(),
        rx.recharts.line(data_key="signups", name="Sign-ups", is_animation_active=False, stroke=rx.color("accent", 9), dot=False, stroke_width=2),
        rx.recharts.line(data_key="enrollments", name="Enrollments", is_animation_active=False, stroke=rx.color("green", 9), dot=False,
                         stroke_width=2),
        data=S.activity, width="100%", height=260,
    )


def revenue_chart() -> rx.Component:
    return rx.recharts.area_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", stroke=rx.color("gray", 6)),
        rx.recharts.x_axis(data_key="date", **_axis_props()),
        rx.recharts.y_axis(**_axis_props()),
        rx.recharts.graphing_tooltip(),
        rx.recharts.area(data_key="net", name="Net revenue", is_animation_active=False, stroke=rx.color("accent", 9), fill=rx.color("accent", 4)),
        data=S.revenue, width="100%", height=240,
    )


def bar_chart(data, key: str, label: str, name_key: str) -> rx.Component:
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", stroke=rx.color("gray", 6), horizontal=False),
        rx.recharts.x_axis(type_="number", allow_decimals=False, **_axis_props()),
        rx.recharts.y_axis(data_key=name_key, type_="category", width=170, interval=0, **_axis_props()),
        rx.recharts.graphing_tooltip(),
        rx.recharts.bar(data_key=key, name=label, is_animation_active=False, fill=rx.color("accent", 9), radius=[0, 4, 4, 0]),
        data=data, layout="vertical", width="100%", height=300,
    )


def table(headers: list[str], rows, cells, label: str = "") -> rx.Component:
    """A table in a box that scrolls; the box is a focusable, named region so a keyboard can scroll it."""
    return rx.box(rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(rows, lambda r: rx.table.row(*[rx.table.cell(c) for c in cells(r)]))),
        size="1", variant="surface", width="100%"), width="100%", overflow_x="auto", max_height="320px",
        overflow_y="auto", tab_index=0, role="region", aria_label=label or "Table: " + ", ".join(headers))


def _none(text: str) -> rx.Component:
    return rx.text(text, size="2", color=rx.color("gray", 11))


def counts(title: str, items, icon: str) -> rx.Component:
    return rx.vstack(rx.heading(title, size="3", as_="h3"),
                     rx.grid(rx.foreach(items, lambda c: stat_card(c["label"], c["value"], icon)),
                             columns=rx.breakpoints(initial="2", md="5"), spacing="3", width="100%"),
                     spacing="2", width="100%")


def dashboard() -> rx.Component:
    return rx.vstack(
        range_form(),
        rx.cond(S.error != "", rx.callout(S.error, icon="circle-alert", color_scheme="red", role="alert", width="100%")),
        rx.hstack(rx.heading("Key figures · ", S.period["label"], size="4", as_="h2"), rx.spacer(),
                  export_button("kpis"), width="100%", align="center"),
        rx.grid(rx.foreach(S.cards, kpi_card), columns=rx.breakpoints(initial="1", sm="2", lg="4"), spacing="3",
                width="100%"),
        counts("Users by role", S.users, "users"),
        counts("Courses by status", S.courses, "library"),
        section("Sign-ups and enrollments", "activity", activity_chart()),
        section(rx.fragment("Revenue over time (", S.currency, ", net of refunds)"), "revenue", revenue_chart()),
        rx.grid(
            section("Top courses by enrollments", "top_enrollments",
                    rx.cond(S.top_enrollments.length() > 0, rx.fragment(
                        bar_chart(S.top_enrollments, "enrollments", "Enrollments", "label"),
                        table(["Course", "Enrollments"], S.top_enrollments, lambda r: [r["title"], r["enrollments"]])),
                        _none("No enrollments in this period."))),
            section("Top courses by revenue", "top_revenue",
                    rx.cond(S.top_revenue.length() > 0,
                            table(["Course", "Net revenue"], S.top_revenue, lambda r: [r["title"], r["net"]]),
                            _none("No sales in this period."))),
            columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%"),
        section("Categories", "categories",
                rx.cond(S.categories.length() > 0, rx.fragment(
                    bar_chart(S.categories, "enrollments", "Enrollments", "category"),
                    table(["Category", "Courses", "Enrollments"], S.categories,
                          lambda r: [r["category"], r["courses"], r["enrollments"]])),
                    _none("No categories yet."))),
        spacing="5", width="100%",
    )


def page() -> rx.Component:
    return admin_shell(ROUTE, "Analytics", "How the platform is doing, compared with the period before.",
                       rx.cond(S.loaded, dashboard(), loading_block()))


ON_LOAD = [AuthState.refresh, AdminAnalyticsState.load]
