"""The profile page's "API tokens" card: create a personal access token (shown once), list and
revoke them. The same services as ``/api/v1/me/tokens``."""

from __future__ import annotations

import reflex as rx

from lms_app.api.services import tokens
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import LEARNER_AREA
from lms_app.ui.layout import profile_card


def _rows(session, actor) -> list[dict[str, str]]:
    return [{"id": str(r.id), "name": r.name, "hint": f"lms_pat_{r.hint}…", "scopes": r.scopes.replace(" ", ", "),
             "created": r.created_at.strftime("%Y-%m-%d"),
             "expires": r.expires_at.strftime("%Y-%m-%d") if r.expires_at else "never",
             "used": r.last_used_at.strftime("%Y-%m-%d %H:%M") if r.last_used_at else "never"}
            for r in tokens.list_pats(session, actor)]


def _scopes_for(role: str) -> list[str]:
    return list(tokens.ROLE_SCOPES.get(role, ()))


class ApiTokensState(rx.State):
    rows: list[dict[str, str]] = []
    allowed: list[str] = []
    created: str = ""  # the new token, shown once; cleared by dismiss and on reload
    error: str = ""
    busy: bool = False
    revoke_id: str = ""
    revoke_name: str = ""
    loaded: bool = False

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        actor = current_actor()
        self.rows = await run_db(_rows, actor)
        self.allowed, self.created, self.error, self.loaded = _scopes_for(actor.role), "", "", True

    @rx.event
    @guarded(LEARNER_AREA)
    async def create(self, form: dict):
        form = form if isinstance(form, dict) else {}
        actor = current_actor()
        scopes = [s for s in tokens.SCOPES if form.get(f"scope_{s}") in ("on", True, "true")]
        self.busy = True
        yield
        try:
            _, raw = await run_db(tokens.create_pat, actor, form.get("name"), scopes, form.get("days") or None)
        except ServiceError as exc:
            self.error, self.busy = exc.message, False
            return
        self.created, self.error, self.busy = raw, "", False
        self.rows = await run_db(_rows, actor)
        yield rx.toast.success("Token created. Copy it now: it is shown only once.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def dismiss(self):
        self.created = ""

    @rx.event
    @guarded(LEARNER_AREA)
    async def ask_revoke(self, token_id: str):
        row = next((r for r in self.rows if r["id"] == token_id), None)
        self.revoke_id, self.revoke_name = (row["id"], row["name"]) if row else ("", "")

    @rx.event
    @guarded(LEARNER_AREA)
    async def cancel_revoke(self):
        self.revoke_id = ""

    @rx.event
    @guarded(LEARNER_AREA)
    async def revoke(self):
        actor = current_actor()
        try:
            await run_db(tokens.revoke_pat, actor, int(self.revoke_id) if self.revoke_id.isdigit() else None)
        except ServiceError as exc:
            self.revoke_id = ""
            return rx.toast.error(exc.message)
        self.revoke_id = ""
        self.rows = await run_db(_rows, actor)
        return rx.toast.success("Token revoked.")


S = ApiTokensState


def _row(r) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(r["name"], weight="medium"), rx.code(r["hint"], size="1"), min_width="140px"),
        rx.table.cell(r["scopes"]),
        rx.table.cell(rx.text("Created ", r["created"], size="1"), rx.text("Expires ", r["expires"], size="1"),
                      rx.text("Last used ", r["used"], size="1"), white_space="nowrap"),
        rx.table.cell(rx.button("Revoke", size="1", color_scheme="red", variant="soft",
                                on_click=S.ask_revoke(r["id"]), aria_label="Revoke token " + r["name"])),
    )


def _confirm() -> rx.Component:
    return rx.alert_dialog.root(rx.alert_dialog.content(
        rx.alert_dialog.title("Revoke this token?"),
        rx.alert_dialog.description("Scripts using “", S.revoke_name, "” stop working at once. This cannot be undone."),
        rx.hstack(rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray", on_click=S.cancel_revoke)),
                  rx.alert_dialog.action(rx.button("Revoke", color_scheme="red", on_click=S.revoke)),
                  spacing="3", justify="end", margin_top="1rem")),
        open=S.revoke_id != "")


def section() -> rx.Component:
    return rx.box(profile_card(
        "API tokens",
        "Personal access tokens let scripts use the REST API (/api/v1, documented at /api/docs) as you. "
        "Give each the smallest scopes it needs; a token is shown once.",
        rx.cond(S.created != "", rx.callout(
            rx.vstack(rx.text("Copy your new token now. It will not be shown again.", weight="medium"),
                      rx.code(S.created, size="2", word_break="break-all"),
                      rx.button("I have copied it", size="1", variant="soft", on_click=S.dismiss),
                      spacing="2", align="start"),
            icon="key-round", color_scheme="green", width="100%")),
        rx.form(rx.vstack(
            rx.el.label("Token name", html_for="pat-name", style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
            rx.input(id="pat-name", name="name", placeholder="e.g. Enrolment script", max_length=80, width="100%"),
            rx.text("Scopes", size="2", weight="medium"),
            rx.hstack(rx.foreach(S.allowed, lambda s: rx.el.label(
                rx.checkbox(name="scope_" + s, default_checked=s == "read", aria_label=s), rx.text(s, size="2"),
                style={"display": "flex", "gap": "6px", "alignItems": "center"})), spacing="4", wrap="wrap"),
            rx.el.label("Expires after (days, empty: never)", html_for="pat-days",
                        style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
            rx.input(id="pat-days", name="days", type="number", min=1, max=366, width="140px"),
            rx.cond(S.error != "", rx.text(S.error, size="2", color=rx.color("red", 11), role="alert")),
            rx.button(rx.cond(S.busy, rx.spinner(size="1"), rx.icon("plus", size=16)), "Create token",
                      type="submit", disabled=S.busy),
            spacing="2", align="start", width="100%"), on_submit=S.create, reset_on_submit=True, width="100%"),
        rx.cond(S.rows.length() > 0,
                rx.box(rx.table.root(rx.table.header(rx.table.row(
                    *[rx.table.column_header_cell(h) for h in ("Token", "Scopes", "Dates", "")])),
                    rx.table.body(rx.foreach(S.rows, _row)), variant="surface", size="1", width="100%"),
                    width="100%", overflow_x="auto"),
                rx.text("No tokens yet.", size="2", color=rx.color("gray", 11))),
        _confirm(),
    ), on_mount=S.load, width="100%")
