"""Sign in. After the password is checked, the browser trades a one-time ticket for the cookie."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.forms import auth_card, field, form_error
from lms_app.ui.layout import page_shell
from lms_app.core.db import run_db
from lms_app.accounts.services.accounts import sign_in
from lms_app.core.permissions import home_for, safe_next
from lms_app.core.settings import get_settings
from lms_app.core.auth_state import AuthState, start_session_script
from lms_app.core.guard import public


class LoginState(rx.State):
    error: str = ""
    notice: str = ""
    busy: bool = False

    @rx.event
    @public
    async def load(self):
        """Show why the visitor is here (signed out, expired hand-over, or sent from a page).

        Someone already signed in goes on to where they were headed instead.
        """
        params = self.router.url.query_parameters
        auth = await self.get_state(AuthState)
        if auth.signed_in:
            return rx.redirect(safe_next(params.get("next"), home_for(auth.user["role"])), replace=True)
        self.error = ""
        self.busy = False
        if params.get("signed_out"):
            self.notice = "You have been signed out."
        elif params.get("expired"):
            self.notice = "Your sign-in expired. Please sign in again."
        elif params.get("next"):
            self.notice = "Sign in to continue to that page."
        else:
            self.notice = ""

    @rx.event
    @public
    async def submit(self, form: dict):
        """Anyone may try to sign in; the service throttles and checks everything."""
        form = form if isinstance(form, dict) else {}
        self.error = ""
        self.busy = True
        yield
        ticket, role, error = await run_db(sign_in, get_settings(), form.get("email"), form.get("password"),
                                           self.router.session.client_ip)
        if ticket is None:
            self.error = error
            self.busy = False
            return
        yield start_session_script(ticket, safe_next(self.router.url.query_parameters.get("next"), home_for(role)))


def page() -> rx.Component:
    return page_shell(
        auth_card(
            "Welcome back",
            rx.text("New here? ", rx.link("Create an account", href="/register"), size="2", color=rx.color("gray", 11)),
            rx.vstack(
                rx.cond(LoginState.notice != "", rx.callout(LoginState.notice, icon="info", width="100%")),
                form_error(LoginState.error),
                rx.form(
                    rx.vstack(
                        field("Email", "email", type="email", placeholder="you@example.com", auto_complete="email",
                              required=True, auto_focus=True),
                        field("Password", "password", type="password", auto_complete="current-password",
                              required=True),
                        rx.link("Forgot password?", href="/forgot-password", size="2", align_self="end"),
                        rx.button("Sign in", type="submit", size="3", width="100%", loading=LoginState.busy),
                        spacing="4", width="100%",
                    ),
                    on_submit=LoginState.submit, width="100%",
                ),
                spacing="4", width="100%",
            ),
        ),
        width="1200px",
    )


ROUTE = "/login"
TITLE = "Sign in"
ON_LOAD = [AuthState.refresh, LoginState.load]
