"""Teacher applications at /admin/applications: read each request, approve or reject with a message."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.admin_nav import admin_shell
from lms_app.ui.layout import empty_state, loading_block
from lms_app.core.db import run_db
from lms_app.admin.services import teacher_applications
from lms_app.core.errors import ServiceError
from lms_app.core.permissions import ADMIN_AREA
from lms_app.admin.services.teacher_applications import ApplicationRowView
from lms_app.core.auth_state import AuthState
from lms_app.core.guard import current_actor, guarded

ROUTE = "/admin/applications"
TITLE = "Teacher applications"


class AdminApplicationsState(rx.State):
    rows: list[ApplicationRowView] = []
    loaded: bool = False
    target_id: int = 0
    target_name: str = ""
    approve: bool = True
    error: str = ""
    busy: bool = False

    @rx.event
    @guarded(ADMIN_AREA)
    async def load(self):
        self.rows = await run_db(teacher_applications.pending, current_actor())
        self.target_id, self.loaded = 0, True

    @rx.event
    @guarded(ADMIN_AREA)
    async def ask(self, application_id: int, approve: bool):
        row = next((r for r in self.rows if r["id"] == application_id), None)
        if row is None or not isinstance(approve, bool):
            return rx.toast.error("That application was already decided. Reload the page.")
        self.target_id, self.target_name, self.approve, self.error = row["id"], row["name"], approve, ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def cancel(self):
        self.target_id, self.error = 0, ""

    @rx.event
    @guarded(ADMIN_AREA)
    async def decide(self, form: dict):
        message = form.get("message") if isinstance(form, dict) else None
        self.busy = True
        yield
        try:
            await run_db(teacher_applications.decide, current_actor(), self.target_id, self.approve, message)
        except ServiceError as exc:
            self.busy, self.error = False, exc.message
            return
        approved, name = self.approve, self.target_name
        self.busy, self.target_id = False, 0
        self.rows = await run_db(teacher_applications.pending, current_actor())
        yield rx.toast.success(f"{name} is now a teacher." if approved else f"Application of {name} rejected.")


S = AdminApplicationsState


def _card(a) -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.vstack(rx.text(a["name"], weight="bold"), rx.text(a["email"], size="1", color=rx.color("gray", 11)),
                            spacing="0"),
                  rx.spacer(), rx.text("Applied ", a["submitted"], size="1", color=rx.color("gray", 11)),
                  width="100%", align="start"),
        rx.text(a["motivation"], white_space="pre-wrap", size="2"),
        rx.cond(a["links"] != "", rx.text("Links: ", a["links"], size="2", color=rx.color("gray", 11),
                                          white_space="pre-wrap", word_break="break-all")),
        rx.hstack(rx.button(rx.icon("check", size=16), "Approve", color_scheme="green", size="2",
                            on_click=S.ask(a["id"], True), aria_label="Approve " + a["name"]),
                  rx.button(rx.icon("x", size=16), "Reject", color_scheme="red", variant="soft", size="2",
                            on_click=S.ask(a["id"], False), aria_label="Reject " + a["name"]),
                  spacing="2"),
        spacing="3", width="100%", align="start",
    ), width="100%")


def decide_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(rx.cond(S.approve, "Approve ", "Reject "), S.target_name, "?"),
            rx.alert_dialog.description(rx.cond(S.approve, "Their account becomes a teacher account at once.",
                                                "They keep learning and may apply again later.")),
            rx.form(rx.vstack(
                rx.el.label(rx.cond(S.approve, "Message to the applicant (optional)",
                                    "Why is it rejected? (shown to the applicant)"),
                            html_for="decision-message", style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
                rx.text_area(id="decision-message", name="message", width="100%"),
                rx.cond(S.error != "", rx.text(S.error, color=rx.color("red", 11), size="2", role="alert")),
                rx.hstack(rx.button("Cancel", type="button", variant="soft", color_scheme="gray", on_click=S.cancel),
                          rx.button(rx.cond(S.approve, "Approve", "Reject"), type="submit", loading=S.busy,
                                    color_scheme=rx.cond(S.approve, "green", "red")),
                          justify="end", width="100%"),
                spacing="3", width="100%", margin_top="1rem"), on_submit=S.decide),
        ),
        open=S.target_id != 0,
    )


def page() -> rx.Component:
    return admin_shell(
        ROUTE, "Teacher applications", "Learners who asked to teach. Approving makes them teachers.",
        rx.cond(S.loaded,
                rx.cond(S.rows.length() > 0,
                        rx.vstack(rx.foreach(S.rows, _card), spacing="3", width="100%"),
                        empty_state("user-check", "No applications waiting",
                                    "When a learner asks to teach from their dashboard, the request appears here.")),
                loading_block()),
        decide_dialog(),
    )


ON_LOAD = [AuthState.refresh, AdminApplicationsState.load]
