"""/teach/webhooks: register URLs for events, see each delivery, replay, switch back on, remove."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.wording import status_text

from lms_app.core.auth_state import AuthState
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import TEACHER_AREA
from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell
from lms_app.webhooks import services

ROUTE = "/teach/webhooks"
TITLE = "Webhooks"


def _courses(session, actor) -> list[dict[str, str]]:
    from lms_app.authoring.services.views import teacher_rows

    return [{"id": str(r["id"]), "title": r["title"]} for r in teacher_rows(session, actor)]


def _id(raw) -> int | None:
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 10 else None


class WebhooksState(rx.State):
    rows: list[dict[str, str]] = []
    courses: list[dict[str, str]] = []
    events: list[str] = list(services.EVENTS)
    is_admin: bool = False
    secret: str = ""  # the new registration's signing secret, shown once
    error: str = ""
    busy: bool = False
    open_id: str = ""
    deliveries: list[dict[str, str]] = []
    remove_id: str = ""
    loaded: bool = False

    async def _refresh(self):
        self.rows = [{**r, "id": str(r["id"]), "active": "on" if r["active"] else ""}
                     for r in await run_db(services.listing, current_actor())]

    @rx.event
    @guarded(TEACHER_AREA)
    async def load(self):
        actor = current_actor()
        await self._refresh()
        self.courses = await run_db(_courses, actor)
        self.is_admin, self.secret, self.error, self.open_id, self.loaded = actor.role == "admin", "", "", "", True

    @rx.event
    @guarded(TEACHER_AREA)
    async def create(self, form: dict):
        form = form if isinstance(form, dict) else {}
        chosen = [e for e in services.EVENTS if form.get(f"event_{e}") in ("on", True, "true")]
        self.busy = True
        yield
        try:
            row = await run_db(services.register, current_actor(), form.get("url"), chosen,
                               _id(form.get("course_id")) if form.get("course_id") not in (None, "", "all") else None)
        except ServiceError as exc:
            self.error, self.busy = exc.message, False
            return
        self.secret, self.error, self.busy = row.secret, "", False
        await self._refresh()
        yield rx.toast.success("Webhook added. Copy its signing secret now.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def dismiss(self):
        self.secret = ""

    @rx.event
    @guarded(TEACHER_AREA)
    async def show(self, endpoint_id: str):
        try:
            self.deliveries = await run_db(services.deliveries, current_actor(), _id(endpoint_id))
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        self.open_id = endpoint_id

    @rx.event
    @guarded(TEACHER_AREA)
    async def replay(self, delivery_id: str):
        try:
            await run_db(services.replay, current_actor(), _id(delivery_id))
            self.deliveries = await run_db(services.deliveries, current_actor(), _id(self.open_id))
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return rx.toast.success("Queued again.")

    @rx.event
    @guarded(TEACHER_AREA)
    async def toggle(self, endpoint_id: str, active: bool):
        try:
            await run_db(services.set_active, current_actor(), _id(endpoint_id), bool(active))
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._refresh()

    @rx.event
    @guarded(TEACHER_AREA)
    async def ask_remove(self, endpoint_id: str):
        self.remove_id = endpoint_id

    @rx.event
    @guarded(TEACHER_AREA)
    async def cancel_remove(self):
        self.remove_id = ""

    @rx.event
    @guarded(TEACHER_AREA)
    async def remove(self):
        try:
            await run_db(services.remove, current_actor(), _id(self.remove_id))
        except ServiceError as exc:
            self.remove_id = ""
            return rx.toast.error(exc.message)
        if self.open_id == self.remove_id:
            self.open_id, self.deliveries = "", []
        self.remove_id = ""
        await self._refresh()
        return rx.toast.success("Webhook removed.")


S = WebhooksState


def _status(value) -> rx.Component:
    return rx.badge(status_text(value), color_scheme=rx.match(value, ("ok", "green"), ("failed", "red"), "amber"))


def _delivery(d) -> rx.Component:
    return rx.table.row(rx.table.cell(d["created"], white_space="nowrap"), rx.table.cell(d["event"]),
                        rx.table.cell(_status(d["status"])), rx.table.cell(d["attempts"]),
                        rx.table.cell(d["response_code"]), rx.table.cell(rx.text(d["error"], size="1"), min_width="140px"),
                        rx.table.cell(rx.button("Replay", size="1", variant="soft", on_click=S.replay(d["id"]))))


def _endpoint(r) -> rx.Component:
    rid = r["id"]
    return rx.card(rx.vstack(
        rx.hstack(rx.code(r["url"], size="2", word_break="break-all"),
                  rx.cond(r["active"] != "", rx.badge("on", color_scheme="green"), rx.badge("off", color_scheme="gray")),
                  justify="between", width="100%", align="center", wrap="wrap"),
        rx.text(r["course"], " · ", r["events"], size="2", color=rx.color("gray", 11)),
        rx.cond(r["disabled_reason"] != "", rx.callout(r["disabled_reason"], icon="triangle-alert", color_scheme="amber",
                                                       size="1", width="100%")),
        rx.hstack(rx.button(rx.icon("list", size=14), "Deliveries", size="1", variant="soft", on_click=S.show(rid)),
                  rx.cond(r["active"] != "", rx.button("Switch off", size="1", variant="soft", color_scheme="gray",
                                                 on_click=S.toggle(rid, False)),
                          rx.button("Switch on", size="1", variant="soft", on_click=S.toggle(rid, True))),
                  rx.button("Remove", size="1", variant="soft", color_scheme="red", on_click=S.ask_remove(rid)),
                  spacing="2", wrap="wrap"),
        rx.cond(S.open_id == rid, rx.cond(
            S.deliveries.length() > 0,
            rx.box(rx.table.root(rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                "When", "Event", "Status", "Attempts", "HTTP", "Error", "")])),
                rx.table.body(rx.foreach(S.deliveries, _delivery)), size="1", variant="surface", width="100%"),
                width="100%", overflow_x="auto"),
            rx.text("No deliveries yet: they appear here when a chosen event happens.", size="2",
                    color=rx.color("gray", 11)))),
        spacing="2", width="100%"), width="100%")


def _form() -> rx.Component:
    return rx.card(rx.form(rx.vstack(
        rx.heading("Add a webhook", size="4", as_="h2"),
        rx.el.label("Receiver URL", html_for="webhook-url", style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
        rx.input(id="webhook-url", name="url", placeholder="https://example.com/lms-events", max_length=500, width="100%"),
        rx.el.label("Course", html_for="webhook-course", style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
        rx.el.select(rx.cond(S.is_admin, rx.el.option("All courses", value="all"), rx.fragment()),
                     rx.foreach(S.courses, lambda c: rx.el.option(c["title"], value=c["id"])),
                     id="webhook-course", name="course_id",
                     style={"padding": "6px", "borderRadius": "6px", "maxWidth": "100%",
                            "background": "var(--gray-1)", "color": "var(--gray-12)", "border": "1px solid var(--gray-7)"}),
        rx.text("Events", size="2", weight="medium"),
        rx.flex(rx.foreach(S.events, lambda e: rx.el.label(
            rx.checkbox(name="event_" + e, aria_label=e), rx.text(e, size="2"),
            style={"display": "flex", "gap": "6px", "alignItems": "center"})), wrap="wrap",
            style={"columnGap": "20px", "rowGap": "8px"}),
        rx.cond(S.error != "", rx.text(S.error, size="2", color=rx.color("red", 11), role="alert")),
        rx.button(rx.cond(S.busy, rx.spinner(size="1"), rx.icon("plus", size=16)), "Add webhook", type="submit",
                  disabled=S.busy),
        spacing="2", align="start", width="100%"), on_submit=S.create, reset_on_submit=True, width="100%"), width="100%")


def _confirm() -> rx.Component:
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title("Remove this webhook?"),
        rx.alert_dialog.description("Its delivery log is removed with it and no more events are sent."),
        rx.hstack(rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray", on_click=S.cancel_remove)),
                  rx.alert_dialog.action(rx.button("Remove", color_scheme="red", on_click=S.remove)),
                  spacing="3", justify="end", margin_top="1rem")),
        open=S.remove_id != "")


def page() -> rx.Component:
    return page_shell(
        page_heading("Webhooks", "Your systems get a signed POST when something happens in your courses "
                                 "(Standard Webhooks signature: webhook-id, webhook-timestamp, webhook-signature)."),
        rx.cond(S.loaded, rx.vstack(
            rx.cond(S.secret != "", rx.callout(rx.vstack(
                rx.text("Signing secret of the new webhook: copy it now, it is not shown again.", weight="medium"),
                rx.code(S.secret, size="2", word_break="break-all"),
                rx.button("I have copied it", size="1", variant="soft", on_click=S.dismiss), spacing="2", align="start"),
                icon="key-round", color_scheme="green", width="100%")),
            _form(),
            rx.cond(S.rows.length() > 0, rx.vstack(rx.foreach(S.rows, _endpoint), spacing="3", width="100%"),
                    empty_state("webhook", "No webhooks yet",
                                "Add a URL above to receive enrolments, completions and more as they happen.")),
            _confirm(), spacing="4", width="100%"), loading_block()))


ON_LOAD = [AuthState.refresh, WebhooksState.load]
