"""/admin/jobs: how deep the queue is, which jobs failed after their retries, when periodic jobs last ran."""

from __future__ import annotations

import reflex as rx

from lms_app.core.auth_state import AuthState
from lms_app.core.db import run_db
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import ADMIN_AREA
from lms_app.jobs import services
from lms_app.ui.admin_nav import admin_shell
from lms_app.ui.layout import empty_state, loading_block, stat_card

ROUTE = "/admin/jobs"
TITLE = "Jobs"


class AdminJobsState(rx.State):
    queued: int = 0
    scheduled: int = 0
    backend: str = ""
    failed_total: int = 0
    failed: list[dict[str, str]] = []
    periodic: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        found = await run_db(services.overview, current_actor())
        self.queued, self.scheduled, self.backend = found["queued"], found["scheduled"], found["backend"]
        self.failed, self.failed_total, self.periodic = found["failed"], found["failed_total"], found["periodic"]
        self.loaded = True


S = AdminJobsState


def _table(headers: tuple[str, ...], body) -> rx.Component:
    return rx.box(rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(body), variant="surface", width="100%"), width="100%", overflow_x="auto")


def _outcome(value) -> rx.Component:
    return rx.badge(value, color_scheme=rx.match(value, ("ok", "green"), ("failed", "red"), ("retrying", "amber"),
                                                 "gray"))


def _periodic_row(r) -> rx.Component:
    return rx.table.row(rx.table.cell(rx.text(r["name"], weight="medium", white_space="nowrap"),
                                      rx.text(r["help"], size="1", color=rx.color("gray", 11)), min_width="220px"),
                        rx.table.cell(r["every"], white_space="nowrap"),
                        rx.table.cell(r["started"], white_space="nowrap"),
                        rx.table.cell(rx.cond(r["outcome"] != "", _outcome(r["outcome"]), rx.fragment())),
                        rx.table.cell(r["done"]), rx.table.cell(rx.text(r["error"], size="1"), min_width="160px"))


def _failed_row(r) -> rx.Component:
    return rx.table.row(rx.table.cell(r["started"], white_space="nowrap"), rx.table.cell(r["name"], min_width="160px"),
                        rx.table.cell(r["attempt"]),
                        rx.table.cell(rx.code(r["error"], size="1", white_space="pre-wrap", word_break="break-word"),
                                      min_width="240px"))


def page() -> rx.Component:
    return admin_shell(
        ROUTE, "Jobs", "Background work: the queue, failures after every retry, and the periodic jobs.",
        rx.cond(S.loaded, rx.vstack(
            rx.grid(stat_card("Queued now", S.queued, "list-ordered"),
                    stat_card("Scheduled (retries, delays)", S.scheduled, "clock"),
                    stat_card("Failed jobs", S.failed_total, "triangle-alert"),
                    columns=rx.breakpoints(initial="1", sm="3"), spacing="3", width="100%"),
            rx.text("Queue storage: ", S.backend, size="2", color=rx.color("gray", 11)),
            rx.heading("Periodic jobs", size="4"),
            _table(("Job", "Schedule", "Last run", "Outcome", "Done", "Error"), rx.foreach(S.periodic, _periodic_row)),
            rx.heading("Failed jobs", size="4"),
            rx.cond(S.failed.length() > 0,
                    _table(("When", "Job", "Attempt", "Error"), rx.foreach(S.failed, _failed_row)),
                    empty_state("circle-check", "No failed jobs",
                                "A job that still fails after its retries is listed here with its error.")),
            spacing="4", width="100%"), loading_block()),
        actions=rx.button(rx.icon("refresh-cw", size=16), "Refresh", variant="soft", on_click=S.load),
    )


ON_LOAD = [AuthState.refresh, AdminJobsState.load]
