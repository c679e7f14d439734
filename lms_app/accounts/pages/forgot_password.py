"""/forgot-password: ask for a reset link. The answer is the same whether or not the address has an
account (no user enumeration); the mail goes out through the job queue."""

from __future__ import annotations

import reflex as rx

from lms_app.accounts.services import recovery
from lms_app.core.auth_state import AuthState
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import public
from lms_app.core.settings import get_settings
from lms_app.ui.forms import auth_card, field, form_error
from lms_app.ui.layout import page_shell

SENT = ("If an account uses this address, we sent it a link to choose a new password. The link works once "
        "and expires in one hour. Check your spam folder too.")


class ForgotPasswordState(rx.State):
    sent: bool = False
    error: str = ""
    busy: bool = False

    @rx.event
    @public
    async def load(self):
        self.sent, self.error, self.busy = False, "", False

    @rx.event
    @public
    async def submit(self, form: dict):
        form = form if isinstance(form, dict) else {}
        self.error, self.busy = "", True
        yield
        try:
            await run_db(recovery.request_password_reset, get_settings(), form.get("email"),
                         self.router.headers.origin or "")
        except ServiceError as exc:
            self.error, self.busy = exc.message, False
            return
        self.sent, self.busy = True, False


def page() -> rx.Component:
    S = ForgotPasswordState
    return page_shell(auth_card(
        "Forgot your password?",
        rx.text("Enter your account's e-mail address and we will send you a link to choose a new password.",
                size="2", color=rx.color("gray", 11)),
        rx.cond(
            S.sent,
            rx.vstack(rx.callout(SENT, icon="mail", color_scheme="green", width="100%", id="reset-sent"),
                      rx.link("Back to sign in", href="/login", size="2"), spacing="4", width="100%"),
            rx.vstack(
                form_error(S.error),
                rx.form(rx.vstack(
                    field("Email", "email", type="email", placeholder="you@example.com", auto_complete="email",
                          required=True, auto_focus=True),
                    rx.button("Send me a link", type="submit", size="3", width="100%", loading=S.busy),
                    spacing="4", width="100%"), on_submit=S.submit, width="100%"),
                rx.link("Back to sign in", href="/login", size="2"),
                spacing="4", width="100%"),
        ),
    ))


ROUTE = "/forgot-password"
TITLE = "Forgot password"
ON_LOAD = [AuthState.refresh, ForgotPasswordState.load]
