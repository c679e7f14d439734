"""/account/deleted: where the browser lands after deleting its account (public, no data)."""

from __future__ import annotations

import reflex as rx

from lms_app.core.auth_state import AuthState
from lms_app.ui.layout import page_heading, page_shell


def page() -> rx.Component:
    return page_shell(
        page_heading("Your account has been deleted", "You have been signed out."),
        rx.callout("Your personal data has been erased. Orders stay in our accounts as the law requires, and "
                   "certificates you were issued still verify with the name they were issued with.",
                   icon="circle-check", color_scheme="green", width="100%"),
        rx.link("Back to the catalogue", href="/", margin_top="1rem", display="inline-block"),
        width="720px",
    )


ROUTE = "/account/deleted"
TITLE = "Account deleted"
ON_LOAD = [AuthState.refresh]
