"""/verify-email/<token>: the link from the verification mail; and the "resend" action used by checkout.

The token stays in the URL: it is read from the router on each call and never copied into a
state var (public vars are sent to the browser and kept in its memory)."""

from __future__ import annotations

import reflex as rx

from lms_app.accounts.services import recovery
from lms_app.core.auth_state import AuthState
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded, public
from lms_app.core.permissions import LEARNER_AREA
from lms_app.ui.forms import auth_card
from lms_app.ui.layout import loading_block, page_shell
from lms_app.ui.links import link_button

PREFIX = "/verify-email/"


def token_in(path: object, prefix: str) -> str:
    return path[len(prefix):].strip("/").split("/")[0] if isinstance(path, str) and path.startswith(prefix) else ""


class VerifyEmailState(rx.State):
    status: str = ""  # "", "verified", "invalid"
    message: str = ""
    busy: bool = False

    @rx.event
    @public
    async def load(self):
        ok = await run_db(recovery.verify_email, token_in(self.router.url.path, PREFIX))
        self.status = "verified" if ok else "invalid"
        if ok:
            await (await self.get_state(AuthState)).refresh()

    @rx.event
    @guarded(LEARNER_AREA)
    async def resend(self):
        if self.busy:
            return
        self.busy = True
        yield
        try:
            self.message = await run_db(recovery.resend_verification, current_actor(),
                                        self.router.headers.origin or "")
        except ServiceError as exc:
            self.message = exc.message
        self.busy = False


def page() -> rx.Component:
    S = VerifyEmailState
    return page_shell(auth_card(
        "Confirm your e-mail address", rx.fragment(),
        rx.match(
            S.status,
            ("verified", rx.vstack(
                rx.callout("Your e-mail address is confirmed. You can now buy courses.", icon="circle-check",
                           color_scheme="green", width="100%", id="verify-ok"),
                link_button("Browse courses", href="/courses"), spacing="4", width="100%")),
            ("invalid", rx.vstack(
                rx.callout(recovery.BAD_LINK, icon="triangle-alert", color_scheme="amber", width="100%",
                           id="verify-bad"),
                rx.text("Signed in? Ask for a new link from the checkout page.", size="2"),
                link_button("Sign in", href="/login", variant="soft"), spacing="4", width="100%")),
            loading_block(),
        ),
    ))


ROUTE = "/verify-email/[token]"
TITLE = "Confirm your e-mail address"
ON_LOAD = [AuthState.refresh, VerifyEmailState.load]
