"""A 404 page that helps: where to go instead."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.layout import page_shell
from lms_app.ui.links import link_button
from lms_app.core.auth_state import AuthState


def page() -> rx.Component:
    return page_shell(
        rx.center(
            rx.vstack(
                rx.text("404", size="9", weight="bold", color=rx.color("accent", 9)),
                rx.heading("We could not find that page", size="6", as_="h1"),
                rx.text("The link may be old or mistyped. These might help:", color=rx.color("gray", 11)),
                rx.hstack(
                    link_button(rx.icon("house", size=16), "Home", href="/"),
                    rx.cond(AuthState.signed_in,
                            link_button("My learning", href="/dashboard", variant="soft"),
                            link_button("Sign in", href="/login", variant="soft")),
                    spacing="3",
                ),
                align="center", spacing="4", padding_y="4rem", text_align="center",
            ),
        ),
    )


ROUTE = "404"
TITLE = "Page not found"
ON_LOAD = [AuthState.refresh]
