"""The profile's "Linked sign-in" card: identities linked to the account, link another, remove one."""

from __future__ import annotations

import json

import reflex as rx

from lms_app.accounts.oidc import providers, service
from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import LEARNER_AREA
from lms_app.ui.layout import profile_card


class OidcState(rx.State):
    loaded: bool = False
    identities: list[dict[str, str | int]] = []
    # Providers configured and not yet linked: [{"key", "label"}].
    available: list[dict[str, str]] = []
    notice: str = ""
    error: str = ""

    async def _refresh(self) -> None:
        self.identities = await run_db(service.identities, current_actor())
        linked = {i["provider"] for i in self.identities}
        self.available = [b for b in providers.buttons() if b["label"] not in linked]
        self.loaded = True

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        params = self.router.url.query_parameters
        self.error = service.ERRORS.get(params.get("oidc_error"), service.ERRORS["provider"]) \
            if params.get("oidc_error") else ""
        self.notice = "The provider is linked: you can now sign in with it." if params.get("linked") else ""
        await self._refresh()

    @rx.event
    @guarded(LEARNER_AREA)
    async def link(self, key: str):
        try:
            ticket = await run_db(service.create_link_ticket, current_actor(), key)
        except ServiceError as exc:
            self.error = exc.message
            return
        # A full page load (the start route is HTTP, not a page of the app).
        return rx.call_script(f"window.location.assign({json.dumps(f'/auth/oidc/{key}/start?ticket={ticket}')})")

    @rx.event
    @guarded(LEARNER_AREA)
    async def unlink(self, identity_id: int):
        try:
            await run_db(service.unlink, current_actor(), identity_id)
        except ServiceError as exc:
            return rx.toast.error(exc.message)
        await self._refresh()
        return rx.toast.success("Unlinked. Sign in with your password from now on (or link it again).")


def _identity(row) -> rx.Component:
    return rx.hstack(
        rx.vstack(rx.text(row["provider"], weight="medium"),
                  rx.text(row["email"], " · linked ", row["since"], size="1", color=rx.color("gray", 11)),
                  spacing="0", align="start"),
        rx.spacer(),
        rx.alert_dialog.root(
            rx.alert_dialog.trigger(rx.button("Remove", size="1", variant="soft", color_scheme="red")),
            rx.alert_dialog.content(
                rx.alert_dialog.title("Remove this linked sign-in?"),
                rx.alert_dialog.description("You will no longer be able to sign in with it. If you never set a "
                                            "password, use \"Forgot password?\" on the sign-in page to make one."),
                rx.hstack(rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                          rx.alert_dialog.action(rx.button("Remove", color_scheme="red",
                                                           on_click=OidcState.unlink(row["id"]))),
                          spacing="3", justify="end", margin_top="1rem"),
            ),
        ),
        width="100%", align="center", padding_y="6px", border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def section() -> rx.Component:
    return rx.box(
        profile_card(
            "Linked sign-in",
            "Sign in with an account you already have at another provider. Linking needs you signed in here, "
            "so only you can link your account.",
            rx.cond(~OidcState.loaded, rx.skeleton(height="40px", width="100%")),
            rx.cond(OidcState.error != "", rx.callout(OidcState.error, icon="circle-alert", color_scheme="red",
                                                      role="alert", width="100%")),
            rx.cond(OidcState.notice != "", rx.callout(OidcState.notice, icon="circle-check", color_scheme="green",
                                                       width="100%")),
            rx.cond(OidcState.loaded & (OidcState.identities.length() == 0),
                    rx.text("No provider is linked yet.", size="2", color=rx.color("gray", 11))),
            rx.vstack(rx.foreach(OidcState.identities, _identity), spacing="0", width="100%"),
            rx.hstack(rx.foreach(OidcState.available, lambda p: rx.button(
                rx.icon("link", size=14), "Link ", p["label"], variant="soft", on_click=OidcState.link(p["key"]))),
                spacing="3", wrap="wrap"),
        ),
        on_mount=OidcState.load, width="100%", id="linked-sign-in",
        # No provider configured and nothing linked: the card has nothing to offer.
        display=rx.cond(OidcState.loaded & (OidcState.identities.length() == 0)
                        & (OidcState.available.length() == 0), "none", "block"),
    )
