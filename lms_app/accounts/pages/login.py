"""Sign in. After the password is checked, the browser trades a one-time ticket for the cookie.

Accounts with two-factor sign-in get a second step: the password step leaves a server-side
challenge (its raw token only in this state's backend var ``_challenge``), and the code step
must present it (accounts/mfa/service.py)."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.forms import auth_card, field, form_error
from lms_app.ui.layout import page_shell
from lms_app.core.db import run_db
from http.cookies import CookieError, SimpleCookie

from lms_app.accounts.mfa import service as mfa
from lms_app.core.permissions import home_for, safe_next
from lms_app.core.settings import get_settings
from lms_app.core.auth_state import AuthState, start_session_script
from lms_app.core.errors import ServiceError
from lms_app.core.guard import public


def _cookie(state: rx.State, name: str) -> str | None:
    """A cookie from this connection's Cookie header (HttpOnly ones included; never from events)."""
    try:
        morsel = SimpleCookie(state.router.headers.cookie or "").get(name)
    except CookieError:
        return None
    return morsel.value if morsel else None


def _device_cookie(state: rx.State) -> str | None:
    """The remember-this-device cookie of two-factor sign-in."""
    return _cookie(state, mfa.DEVICE_COOKIE)


class LoginState(rx.State):
    error: str = ""
    notice: str = ""
    busy: bool = False
    # "password" or "code" (the two-factor step); the challenge token itself stays server-side.
    step: str = "password"
    _challenge: str = ""
    # Identity providers configured by settings: [{"key", "label", "href"}].
    providers: list[dict[str, str]] = []

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
        self.step, self._challenge = "password", ""
        from urllib.parse import quote

        from lms_app.accounts.oidc import api as oidc_api, providers as oidc_providers, service as oidc

        wanted = safe_next(params.get("next"), "")
        self.providers = [{**b, "href": f"/auth/oidc/{b['key']}/start"
                           + (f"?next={quote(wanted, safe='')}" if wanted else "")} for b in oidc_providers.buttons()]
        if params.get("oidc_error"):
            self.error = oidc.ERRORS.get(params.get("oidc_error"), oidc.ERRORS["provider"])
        pending = _cookie(self, oidc_api.MFA_PENDING_COOKIE) if params.get("mfa") else None
        if pending and len(pending) <= 200:  # the identity provider said yes; the account wants its code
            self.step, self._challenge, self.notice = "code", pending, ""
            return
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
        result = await run_db(mfa.password_step, get_settings(), form.get("email"), form.get("password"),
                              self.router.session.client_ip, _device_cookie(self))
        self.busy = False
        if result.error:
            self.error = result.error
            return
        if result.challenge:
            self._challenge, self.step, self.notice = result.challenge, "code", ""
            return
        yield start_session_script(result.ticket,
                                   safe_next(self.router.url.query_parameters.get("next"), home_for(result.role)))

    @rx.event
    @public
    async def submit_code(self, form: dict):
        """The code step: only works with the challenge this tab's password step left server-side."""
        form = form if isinstance(form, dict) else {}
        self.error = ""
        if not self._challenge:
            self.step, self.error = "password", mfa.CHALLENGE_GONE
            return
        self.busy = True
        yield
        try:
            ticket, device, role = await run_db(
                mfa.code_step, get_settings(), self._challenge, form.get("code"), self.router.session.client_ip,
                form.get("remember") in ("on", True, "true"), self.router.headers.user_agent or "")
        except ServiceError as exc:
            self.busy = False
            self.error = exc.message
            if exc.field != "code":  # expired, spent or out of attempts: start again
                self.step, self._challenge = "password", ""
            return
        self._challenge = ""
        yield start_session_script(ticket, safe_next(self.router.url.query_parameters.get("next"), home_for(role)),
                                   device)

    @rx.event
    @public
    def restart(self):
        """Back to the password step (forgets this tab's challenge)."""
        self.step, self._challenge, self.error, self.busy = "password", "", "", False


def _password_form() -> rx.Component:
    return rx.form(
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
    )


def _provider_buttons() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.separator(size="4"), rx.text("or", size="2", color=rx.color("gray", 11)), rx.separator(size="4"),
                  align="center", width="100%", spacing="3"),
        # A plain <a> styled as a button: a full page load to the HTTP route (not the SPA router).
        rx.foreach(LoginState.providers, lambda p: rx.button(
            # Reflex renders internal links with React Router: reloadDocument makes it a real request.
            rx.el.a(rx.icon("log-in", size=16), "Continue with ", p["label"], href=p["href"],
                    custom_attrs={"reloadDocument": True}),
            as_child=True, variant="outline", size="3", width="100%")),
        spacing="3", width="100%",
    )


def _code_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.hstack(rx.icon("shield-check", size=20, color=rx.color("accent", 11)),
                      rx.text("Two-factor sign-in", weight="medium"), spacing="2", align="center"),
            rx.text("Open your authenticator app and enter the 6-digit code it shows for this site.",
                    size="2", color=rx.color("gray", 11)),
            field("Authentication code", "code", input_mode="text", auto_complete="one-time-code",
                  placeholder="123456", required=True, auto_focus=True, max_length=mfa.MAX_CODE_LENGTH),
            rx.text("Lost your phone? Enter one of your recovery codes (like abcde-fghjk) instead.",
                    size="1", color=rx.color("gray", 11)),
            rx.el.label(rx.hstack(rx.checkbox(name="remember", id="field-remember"),
                                  rx.text("Remember this device for 30 days", size="2"), spacing="2", align="center"),
                        html_for="field-remember"),
            rx.button("Verify and sign in", type="submit", size="3", width="100%", loading=LoginState.busy),
            rx.button("Use a different account", type="button", variant="ghost", size="2", align_self="center",
                      on_click=LoginState.restart),
            spacing="4", width="100%",
        ),
        on_submit=LoginState.submit_code, reset_on_submit=False, width="100%",
    )


def page() -> rx.Component:
    return page_shell(
        auth_card(
            "Welcome back",
            rx.text("New here? ", rx.link("Create an account", href="/register"), size="2", color=rx.color("gray", 11)),
            rx.vstack(
                rx.cond(LoginState.notice != "", rx.callout(LoginState.notice, icon="info", width="100%")),
                form_error(LoginState.error),
                rx.cond(LoginState.step == "code", _code_form(), _password_form()),
                rx.cond((LoginState.step == "password") & (LoginState.providers.length() > 0), _provider_buttons()),
                spacing="4", width="100%",
            ),
        ),
        width="1200px",
    )


ROUTE = "/login"
TITLE = "Sign in"
ON_LOAD = [AuthState.refresh, LoginState.load]
