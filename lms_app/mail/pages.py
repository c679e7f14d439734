"""/admin/mail: the delivery log, and the readable outbox when no SMTP server is configured."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.wording import status_text

from lms_app.core.auth_state import AuthState
from lms_app.core.db import run_db
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import ADMIN_AREA
from lms_app.mail import services
from lms_app.ui.admin_nav import admin_shell, pager
from lms_app.ui.layout import empty_state, loading_block

ROUTE = "/admin/mail"
TITLE = "Mail"


class AdminMailState(rx.State):
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    smtp: str = ""
    open_message: dict[str, str] = {}
    loaded: bool = False

    async def _fetch(self):
        found = await run_db(services.outbox, current_actor(), self.page)
        self.rows, self.total, self.page, self.pages = found["rows"], found["total"], found["page"], found["pages"]

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        self.page, self.open_message = 1, {}
        self.smtp = "configured" if services.smtp_config() is not None else "not configured"
        await self._fetch()
        self.loaded = True

    @rx.event
    @guarded(ADMIN_AREA)
    async def show(self, message_id: str):
        self.open_message = await run_db(services.read_message, current_actor(), message_id) or {}

    @rx.event
    @guarded(ADMIN_AREA)
    async def close(self):
        self.open_message = {}

    @rx.event
    @guarded(ADMIN_AREA)
    async def prev_page(self):
        self.page = max(1, self.page - 1)
        await self._fetch()

    @rx.event
    @guarded(ADMIN_AREA)
    async def next_page(self):
        self.page = self.page + 1
        await self._fetch()


S = AdminMailState


def _status(value) -> rx.Component:
    return rx.badge(status_text(value), color_scheme=rx.match(value, ("sent", "green"), ("failed", "red"), ("stored", "blue"),
                                                 "gray"))


def _row(m) -> rx.Component:
    return rx.table.row(
        rx.table.cell(m["created"], white_space="nowrap"), rx.table.cell(m["to"]),
        rx.table.cell(rx.link(m["subject"], href="#", on_click=S.show(m["id"]).prevent_default,
                              class_name="lms-mail-subject"), min_width="200px"),
        rx.table.cell(_status(m["status"])), rx.table.cell(m["attempts"]),
        rx.table.cell(rx.text(m["error"], size="1", color=rx.color("red", 11))))


def _reader() -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.heading(S.open_message["subject"], size="4"), rx.spacer(),
                  rx.button(rx.icon("x", size=16), "Close", size="1", variant="soft", on_click=S.close),
                  width="100%", align="start"),
        rx.text("To ", S.open_message["to"], " · ", S.open_message["created"], " · ", status_text(S.open_message["status"]),
                size="2", color=rx.color("gray", 11)),
        rx.el.pre(S.open_message["text"], id="mail-body",
                  style={"whiteSpace": "pre-wrap", "wordBreak": "break-word", "fontFamily": "var(--code-font-family)",
                         "fontSize": "var(--font-size-2)", "margin": "0"}),
        spacing="3", width="100%"), width="100%")


def page() -> rx.Component:
    return admin_shell(
        ROUTE, "Mail", "Every e-mail the platform wrote: its delivery status, attempts and the last SMTP error.",
        rx.cond(S.loaded, rx.vstack(
            rx.callout(rx.text("SMTP is ", S.smtp, ". Without it no mail leaves the app: read messages here."),
                       icon="info", color_scheme=rx.cond(S.smtp == "configured", "green", "blue"), width="100%"),
            rx.cond(S.open_message.contains("id"), _reader(), rx.fragment()),
            rx.cond(S.rows.length() > 0,
                    rx.vstack(rx.box(rx.table.root(
                        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in
                                                       ("Written", "To", "Subject", "Status", "Attempts", "Error")])),
                        rx.table.body(rx.foreach(S.rows, _row)), variant="surface", width="100%"),
                        width="100%", overflow_x="auto"),
                        pager(S.page, S.pages, S.total, S.prev_page, S.next_page, "messages"),
                        spacing="3", width="100%"),
                    empty_state("mail", "No mail yet", "Verification, password reset and receipt e-mails appear here.")),
            spacing="4", width="100%"), loading_block()),
        actions=rx.button(rx.icon("refresh-cw", size=16), "Refresh", variant="soft", on_click=S.load),
    )


ON_LOAD = [AuthState.refresh, AdminMailState.load]
