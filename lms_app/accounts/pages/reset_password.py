"""/reset-password/<token>: choose a new password through the mailed link; every session of the
account is revoked and this browser is signed in afresh. The token is read from the URL on each
call, never kept in a state var."""

from __future__ import annotations

import reflex as rx

from lms_app.accounts.pages.verify_email import token_in
from lms_app.accounts.services import recovery
from lms_app.accounts.services.passwords import MAX_LENGTH, MIN_LENGTH
from lms_app.core.auth_state import AuthState, start_session_script
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import public
from lms_app.core.settings import get_settings
from lms_app.ui.forms import auth_card, field, form_error
from lms_app.ui.layout import loading_block, page_shell

PREFIX = "/reset-password/"


class ResetPasswordState(rx.State):
    live: bool = False
    loaded: bool = False
    error: str = ""
    busy: bool = False

    @rx.event
    @public
    async def load(self):
        self.error, self.busy = "", False
        self.live = await run_db(recovery.reset_link_is_live, token_in(self.router.url.path, PREFIX))
        self.loaded = True

    @rx.event
    @public
    async def submit(self, form: dict):
        form = form if isinstance(form, dict) else {}
        if form.get("password") != form.get("confirm"):
            self.error = "The two passwords differ."
            return
        self.error, self.busy = "", True
        yield
        try:
            ticket = await run_db(recovery.reset_and_sign_in, get_settings(),
                                  token_in(self.router.url.path, PREFIX), form.get("password"))
        except ServiceError as exc:
            self.error, self.busy = exc.message, False
            if exc.message == recovery.BAD_LINK:
                self.live = False
            return
        self.busy = False
        yield rx.toast.success("Password changed. Every other session was signed out.")
        yield start_session_script(ticket, "/dashboard")


def page() -> rx.Component:
    S = ResetPasswordState
    return page_shell(auth_card(
        "Choose a new password", rx.fragment(),
        rx.cond(
            S.loaded,
            rx.cond(
                S.live,
                rx.vstack(
                    form_error(S.error),
                    rx.form(rx.vstack(
                        field("New password", "password", type="password", auto_complete="new-password",
                              required=True, min_length=MIN_LENGTH, max_length=MAX_LENGTH, auto_focus=True),
                        field("Repeat the new password", "confirm", type="password", auto_complete="new-password",
                              required=True, min_length=MIN_LENGTH, max_length=MAX_LENGTH),
                        rx.text(f"{MIN_LENGTH} to {MAX_LENGTH} characters. Saving it signs you out everywhere else.",
                                size="1", color=rx.color("gray", 11)),
                        rx.button("Save the new password", type="submit", size="3", width="100%", loading=S.busy),
                        spacing="4", width="100%"), on_submit=S.submit, width="100%"),
                    spacing="4", width="100%"),
                rx.vstack(rx.callout(recovery.BAD_LINK, icon="triangle-alert", color_scheme="amber", width="100%",
                                     id="reset-bad"),
                          rx.link("Ask for a new link", href="/forgot-password", size="2"), spacing="4",
                          width="100%"),
            ),
            loading_block(),
        ),
    ))


ROUTE = "/reset-password/[token]"
TITLE = "Choose a new password"
ON_LOAD = [AuthState.refresh, ResetPasswordState.load]
