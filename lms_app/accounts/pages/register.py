"""Create a learner account, then sign straight in."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.forms import auth_card, blank_errors, field, form_error
from lms_app.ui.layout import page_shell
from lms_app.core.db import run_db
from lms_app.accounts.services.accounts import register_and_sign_in
from lms_app.core.errors import ServiceError
from lms_app.accounts.services.passwords import MAX_LENGTH, MIN_LENGTH
from lms_app.core.permissions import safe_next
from lms_app.core.settings import get_settings
from lms_app.core.auth_state import AuthState, start_session_script
from lms_app.core.guard import public

_FIELDS = ("name", "email", "password")


class RegisterState(rx.State):
    errors: dict[str, str] = blank_errors(_FIELDS)
    error: str = ""
    busy: bool = False

    @rx.event
    @public
    async def load(self):
        self.errors = blank_errors(_FIELDS)
        self.error = ""
        self.busy = False
        if (await self.get_state(AuthState)).signed_in:
            return rx.redirect("/dashboard", replace=True)

    @rx.event
    @public
    async def submit(self, form: dict):
        """Anyone may register; self-registration always creates a learner."""
        form = form if isinstance(form, dict) else {}
        self.errors = blank_errors(_FIELDS)
        self.error = ""
        self.busy = True
        yield
        try:
            ticket = await run_db(register_and_sign_in, get_settings(), form.get("name"), form.get("email"),
                                  form.get("password"), self.router.session.client_ip,
                                  self.router.headers.origin or "")
        except ServiceError as exc:
            if exc.field in _FIELDS:
                self.errors = {**blank_errors(_FIELDS), exc.field: exc.message}
            else:
                self.error = exc.message
            self.busy = False
            return
        yield start_session_script(ticket, safe_next(self.router.url.query_parameters.get("next"), "/dashboard"))


def page() -> rx.Component:
    return page_shell(
        auth_card(
            "Create your account",
            rx.text("Already have one? ", rx.link("Sign in", href="/login", underline="always"), size="2", color=rx.color("gray", 11)),
            rx.vstack(
                form_error(RegisterState.error),
                rx.form(
                    rx.vstack(
                        field("Full name", "name", RegisterState.errors["name"], auto_complete="name", required=True,
                              max_length=120, auto_focus=True),
                        field("Email", "email", RegisterState.errors["email"], type="email", auto_complete="email",
                              placeholder="you@example.com", required=True),
                        field("Password", "password", RegisterState.errors["password"], type="password",
                              auto_complete="new-password", required=True, min_length=MIN_LENGTH,
                              max_length=MAX_LENGTH),
                        rx.text(f"{MIN_LENGTH} to {MAX_LENGTH} characters. A long phrase is easier to remember.",
                                size="1", color=rx.color("gray", 11)),
                        rx.button("Create account", type="submit", size="3", width="100%", loading=RegisterState.busy),
                        spacing="4", width="100%",
                    ),
                    on_submit=RegisterState.submit, width="100%",
                ),
                spacing="4", width="100%",
            ),
        ),
    )


ROUTE = "/register"
TITLE = "Create an account"
ON_LOAD = [AuthState.refresh, RegisterState.load]
