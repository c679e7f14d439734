"""The profile's "Two-factor sign-in" card and the admin's reset button.

What reaches the browser: the on/off status, the count of unused recovery codes and of
remembered devices. The new secret (QR code and key) and the recovery codes are sent once, by
a script that writes them into the page, never into a state var: state vars are kept in the
state store and sent again on every reconnect."""

from __future__ import annotations

import json

import reflex as rx

from lms_app.accounts.mfa import service
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import ADMIN_AREA, LEARNER_AREA
from lms_app.core.settings import get_settings
from lms_app.ui.layout import profile_card

_SHOW_SETUP = """(function(){var q=document.getElementById('mfa-qr'),k=document.getElementById('mfa-secret');
if(q){q.setAttribute('src',%s);} if(k){k.textContent=%s;}})()"""
_SHOW_CODES = """(function(){var p=document.getElementById('mfa-recovery-codes');if(p){p.textContent=%s;}})()"""
_CLEAR = """(function(){['mfa-qr'].forEach(function(i){var e=document.getElementById(i);if(e){e.removeAttribute('src');}});
['mfa-secret','mfa-recovery-codes'].forEach(function(i){var e=document.getElementById(i);if(e){e.textContent='';}});})()"""
_DOWNLOAD = """(function(){var p=document.getElementById('mfa-recovery-codes');if(!p||!p.textContent){return;}
var b=new Blob([p.textContent+'\\n'],{type:'text/plain'}),a=document.createElement('a');a.href=URL.createObjectURL(b);
a.download='recovery-codes.txt';document.body.appendChild(a);a.click();a.remove();})()"""


class MfaState(rx.State):
    loaded: bool = False
    enabled: bool = False
    recovery_left: int = 0
    devices: int = 0
    # "": nothing open; "setup": QR shown, waiting for the first code; "codes": new recovery
    # codes shown (written into the page, not kept here); "disable"/"regenerate": forms open.
    mode: str = ""
    error: str = ""
    busy: bool = False
    form_key: int = 0

    def _apply(self, found: dict) -> None:
        self.enabled, self.recovery_left, self.devices = found["enabled"], found["recovery_left"], found["devices"]
        self.loaded = True

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        self._apply(await run_db(service.status, current_actor()))
        self.mode, self.error, self.busy = "", "", False
        return rx.call_script(_CLEAR)

    @rx.event
    @guarded(LEARNER_AREA)
    async def start_setup(self):
        try:
            found = await run_db(service.begin_enrolment, get_settings(), current_actor())
        except ServiceError as exc:
            self.error = exc.message
            return
        self.mode, self.error = "setup", ""
        self.form_key += 1
        return rx.call_script(_SHOW_SETUP % (json.dumps(found["qr"]), json.dumps(found["secret"])))

    @rx.event
    @guarded(LEARNER_AREA)
    async def cancel(self):
        if self.mode == "setup":
            await run_db(service.cancel_enrolment, current_actor())
        self.mode, self.error = "", ""
        return rx.call_script(_CLEAR)

    @rx.event
    @guarded(LEARNER_AREA)
    async def confirm(self, form: dict):
        form = form if isinstance(form, dict) else {}
        self.busy, self.error = True, ""
        yield
        try:
            codes = await run_db(service.confirm_enrolment, get_settings(), current_actor(), form.get("code"))
        except ServiceError as exc:
            self.busy, self.error = False, exc.message
            return
        self._apply(await run_db(service.status, current_actor()))
        self.busy, self.mode = False, "codes"
        yield rx.call_script(_CLEAR)
        yield rx.call_script(_SHOW_CODES % json.dumps("\n".join(codes)))
        yield rx.toast.success("Two-factor sign-in is on. Save your recovery codes.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def open_form(self, which: str):
        if which not in ("disable", "regenerate"):
            return
        self.mode, self.error = which, ""
        self.form_key += 1

    @rx.event
    @guarded(LEARNER_AREA)
    async def regenerate(self, form: dict):
        form = form if isinstance(form, dict) else {}
        self.busy, self.error = True, ""
        yield
        try:
            codes = await run_db(service.regenerate_recovery_codes, get_settings(), current_actor(), form.get("code"))
        except ServiceError as exc:
            self.busy, self.error = False, exc.message
            return
        self._apply(await run_db(service.status, current_actor()))
        self.busy, self.mode = False, "codes"
        yield rx.call_script(_SHOW_CODES % json.dumps("\n".join(codes)))
        yield rx.toast.success("New recovery codes made; the old ones no longer work.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def disable(self, form: dict):
        form = form if isinstance(form, dict) else {}
        self.busy, self.error = True, ""
        yield
        try:
            await run_db(service.disable, get_settings(), current_actor(), form.get("password"), form.get("code"))
        except ServiceError as exc:
            self.busy, self.error = False, exc.message
            return
        self._apply(await run_db(service.status, current_actor()))
        self.busy, self.mode = False, ""
        yield rx.toast.success("Two-factor sign-in is off.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def forget_devices(self):
        count = await run_db(service.forget_devices, current_actor())
        self._apply(await run_db(service.status, current_actor()))
        return rx.toast.success(f"{count} remembered device{'s' if count != 1 else ''} will ask for a code again.")

    @rx.event
    @guarded(LEARNER_AREA)
    async def done(self):
        self.mode = ""
        return rx.call_script(_CLEAR)

    @rx.event
    @guarded(LEARNER_AREA)
    async def download_codes(self):
        return rx.call_script(_DOWNLOAD)


def _error() -> rx.Component:
    return rx.cond(MfaState.error != "",
                   rx.callout(MfaState.error, icon="circle-alert", color_scheme="red", role="alert", width="100%"))


def _code_field(label: str = "Code from your app") -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for="mfa-code", style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
        rx.input(id="mfa-code", name="code", size="3", width="100%", max_width="240px", auto_complete="one-time-code",
                 placeholder="123456", required=True, max_length=service.MAX_CODE_LENGTH),
        spacing="1", align="start", width="100%",
    )


def _setup() -> rx.Component:
    # Always in the page (hidden when not setting up): the script writes the QR and key into it.
    return rx.box(
        rx.vstack(
            rx.text("1. Scan this QR code with an authenticator app (Google Authenticator, Aegis, 1Password...).",
                    size="2"),
            rx.box(rx.el.img(id="mfa-qr", alt="QR code to add this account to an authenticator app",
                             width="180", height="180"),
                   background="white", padding="8px", border_radius="8px", line_height="0"),
            rx.text("Can't scan it? Type this key into the app:", size="2", color=rx.color("gray", 11)),
            rx.code(id="mfa-secret", size="3", style={"wordBreak": "break-all"}),
            rx.text("2. Enter the 6-digit code the app shows.", size="2"),
            rx.form(
                rx.vstack(_code_field(),
                          rx.hstack(rx.button("Turn on", type="submit", loading=MfaState.busy),
                                    rx.button("Cancel", type="button", variant="soft", color_scheme="gray",
                                              on_click=MfaState.cancel), spacing="3"),
                          spacing="3", align="start"),
                on_submit=MfaState.confirm, reset_on_submit=True, key=MfaState.form_key, width="100%",
            ),
            spacing="3", align="start", width="100%",
        ),
        display=rx.cond(MfaState.mode == "setup", "block", "none"), width="100%",
    )


def _codes() -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.callout("Save these recovery codes somewhere safe. Each one signs you in once if you lose your phone. "
                       "They are shown only now.", icon="key-round", color_scheme="amber", width="100%"),
            rx.el.pre(id="mfa-recovery-codes", aria_label="Recovery codes",
                      style={"fontFamily": "var(--code-font-family)", "fontSize": "var(--font-size-3)",
                             "columns": "2", "padding": "12px", "borderRadius": "8px",
                             "background": rx.color("gray", 3), "width": "100%", "margin": "0"}),
            rx.hstack(rx.button(rx.icon("download", size=16), "Download", variant="soft", type="button",
                                on_click=MfaState.download_codes),
                      rx.button("I have saved them", type="button", on_click=MfaState.done), spacing="3", wrap="wrap"),
            spacing="3", align="start", width="100%",
        ),
        display=rx.cond(MfaState.mode == "codes", "block", "none"), width="100%",
    )


def _on_panel() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.badge(rx.icon("shield-check", size=14), "On", color_scheme="green", size="2"),
                  rx.text(MfaState.recovery_left, " recovery codes left", size="2", color=rx.color("gray", 11)),
                  spacing="3", align="center", wrap="wrap"),
        rx.cond(MfaState.devices > 0,
                rx.hstack(rx.text(MfaState.devices, " remembered device(s) skip the code.", size="2"),
                          rx.button("Forget them", size="1", variant="ghost", on_click=MfaState.forget_devices),
                          spacing="2", align="center", wrap="wrap")),
        rx.cond(MfaState.mode == "",
                rx.hstack(rx.button("New recovery codes", variant="soft", on_click=MfaState.open_form("regenerate")),
                          rx.button("Turn off", variant="soft", color_scheme="red", on_click=MfaState.open_form("disable")),
                          spacing="3", wrap="wrap")),
        rx.cond(MfaState.mode == "regenerate",
                rx.form(rx.vstack(rx.text("Your current recovery codes will stop working.", size="2"), _code_field(),
                                  rx.hstack(rx.button("Make new codes", type="submit", loading=MfaState.busy),
                                            rx.button("Cancel", type="button", variant="soft", color_scheme="gray",
                                                      on_click=MfaState.cancel), spacing="3"),
                                  spacing="3", align="start"),
                        on_submit=MfaState.regenerate, key=MfaState.form_key, width="100%")),
        rx.cond(MfaState.mode == "disable",
                rx.form(rx.vstack(
                    rx.text("Turning it off makes your account easier to break into. Confirm with your password "
                            "and a code.", size="2"),
                    rx.vstack(rx.el.label("Password", html_for="mfa-password",
                                          style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
                              rx.input(id="mfa-password", name="password", type="password", size="3", max_width="320px",
                                       width="100%", auto_complete="current-password", required=True),
                              spacing="1", align="start", width="100%"),
                    _code_field("Code from your app or a recovery code"),
                    rx.hstack(rx.button("Turn off two-factor sign-in", type="submit", color_scheme="red",
                                        loading=MfaState.busy),
                              rx.button("Cancel", type="button", variant="soft", color_scheme="gray",
                                        on_click=MfaState.cancel), spacing="3", wrap="wrap"),
                    spacing="3", align="start"),
                    on_submit=MfaState.disable, key=MfaState.form_key, width="100%")),
        spacing="3", align="start", width="100%",
    )


def section() -> rx.Component:
    return rx.box(
        profile_card(
            "Two-factor sign-in",
            "After your password, sign-in asks for a code from an authenticator app on your phone, so a stolen "
            "password alone does not open your account.",
            rx.cond(~MfaState.loaded, rx.skeleton(height="40px", width="100%")),
            _error(),
            rx.cond(MfaState.loaded & MfaState.enabled & (MfaState.mode != "codes"), _on_panel()),
            rx.cond(MfaState.loaded & ~MfaState.enabled & (MfaState.mode == ""),
                    rx.hstack(rx.badge("Off", color_scheme="gray", size="2"),
                              rx.button(rx.icon("smartphone", size=16), "Set up two-factor sign-in",
                                        on_click=MfaState.start_setup),
                              spacing="3", align="center", wrap="wrap")),
            _setup(),
            _codes(),
        ),
        on_mount=MfaState.load, width="100%", id="two-factor",
    )


# --- admin: reset a user's second factor ---------------------------------------------------------

class AdminMfaState(rx.State):
    @rx.event
    @guarded(ADMIN_AREA)
    async def reset_second_factor(self, user_id: int):
        try:
            had = await run_db(service.admin_reset, current_actor(), user_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        return rx.toast.success("Two-factor sign-in was reset: the user signs in with the password alone and can "
                                "set it up again." if had else "This user had no two-factor sign-in.")


def admin_reset_button(user_id) -> rx.Component:
    """A confirm-first button for the admin's user detail dialog."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button(rx.icon("shield-off", size=14), "Reset two-factor sign-in", size="1",
                                          variant="soft", color_scheme="red")),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Reset two-factor sign-in?"),
            rx.alert_dialog.description("Their authenticator, recovery codes and remembered devices are removed. "
                                        "Do this only after checking who is asking. The reset is audited."),
            rx.hstack(rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                      rx.alert_dialog.action(rx.button("Reset", color_scheme="red",
                                                       on_click=AdminMfaState.reset_second_factor(user_id))),
                      spacing="3", justify="end", margin_top="1rem"),
        ),
    )
