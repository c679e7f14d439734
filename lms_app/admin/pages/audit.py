"""The audit log at /admin/audit: every admin action, searchable, exportable as CSV."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.admin_nav import admin_shell, pager
from lms_app.ui.layout import empty_state, loading_block
from lms_app.core.db import run_db
from lms_app.core import audit
from lms_app.core import csv_export
from lms_app.core.audit import ACTION_LABELS, AuditView
from lms_app.core.permissions import ADMIN_AREA
from lms_app.ui.paging import AdminPageNumbers
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded

ROUTE = "/admin/audit"
TITLE = "Audit log"


def _export(session, actor, q, action):
    return csv_export.to_csv(audit.EXPORT_HEADERS, audit.export_rows(session, actor, q, action))


class AdminAuditState(AdminPageNumbers, rx.State):
    rows: list[AuditView] = []
    total: int = 0
    q: str = ""
    action: str = ""
    loaded: bool = False
    exporting: bool = False

    async def _fetch(self):
        found = await run_db(audit.search, current_actor(), self.q, self.action, self.page)
        self.rows, self.total, self.page, self.pages = found["rows"], found["total"], found["page"], found["pages"]

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        self.page = 1
        await self._fetch()
        self.loaded = True

    @rx.event
    @guarded(ADMIN_AREA)
    async def search(self, form: dict):
        form = form if isinstance(form, dict) else {}
        q, action = form.get("q"), form.get("action")
        self.q = q.strip()[:100] if isinstance(q, str) else ""
        self.action = action if action in ACTION_LABELS else ""
        self.page = 1
        await self._fetch()

    @rx.event
    @guarded(ADMIN_AREA)
    async def export(self):
        self.exporting = True
        yield
        data = await run_db(_export, current_actor(), self.q, self.action)
        self.exporting = False
        yield rx.download(data=data, filename="audit-log.csv", mime_type="text/csv")


S = AdminAuditState
LABEL = {"fontSize": "var(--font-size-2)", "fontWeight": "500"}


def filters() -> rx.Component:
    return rx.form(rx.flex(
        rx.vstack(rx.el.label("Search who, target or details", html_for="audit-q", style=LABEL),
                  rx.input(id="audit-q", name="q", default_value=S.q, width="100%"), spacing="1", flex="1",
                  min_width="200px"),
        rx.vstack(rx.el.label("Action", html_for="audit-action", style=LABEL),
                  rx.el.select(rx.el.option("Any action", value=""),
                               *[rx.el.option(label, value=key) for key, label in ACTION_LABELS.items()],
                               id="audit-action", name="action", default_value=S.action,
                               class_name="lms-native-select"), spacing="1"),
        rx.button(rx.icon("search", size=16), "Search", type="submit"),
        spacing="3", wrap="wrap", align="end", width="100%"), on_submit=S.search, reset_on_submit=False, width="100%")


def _row(e) -> rx.Component:
    return rx.table.row(rx.table.cell(e["when"], white_space="nowrap"), rx.table.cell(e["actor"]),
                        rx.table.cell(e["action"]), rx.table.cell(e["target"]), rx.table.cell(e["summary"]))


def page() -> rx.Component:
    return admin_shell(
        ROUTE, "Audit log", "Every admin action: who did what, to what, and when.",
        rx.cond(S.loaded, rx.vstack(
            filters(),
            rx.cond(S.rows.length() > 0,
                    rx.vstack(rx.box(rx.table.root(
                        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                       ("When", "Who", "Action", "Target", "Details")])),
                        rx.table.body(rx.foreach(S.rows, _row)), variant="surface", width="100%"),
                        width="100%", overflow_x="auto"),
                        pager(S.page, S.pages, S.total, S.prev_page, S.next_page, "entries"),
                        spacing="3", width="100%"),
                    empty_state("scroll-text", "Nothing logged yet",
                                "Admin actions (approvals, refunds, role changes...) appear here as they happen.")),
            spacing="4", width="100%"), loading_block()),
        actions=rx.button(rx.icon("download", size=16), "Export CSV", variant="soft", loading=S.exporting,
                          on_click=S.export),
    )


ON_LOAD = [AuthState.refresh, AdminAuditState.load]
