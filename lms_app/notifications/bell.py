"""The top bar's bell: the unread count, re-read every minute while the tab is open.

The count is one small int (a few dozen bytes per update) read in ONE query that resolves the
session cookie and counts together (``services.unread_for_token``); nothing else is loaded."""

from __future__ import annotations

import reflex as rx

from lms_app.core.auth_state import AuthState
from lms_app.core.db import run_db
from lms_app.core.guard import public, session_token
from lms_app.notifications import services

POLL_MS = 60_000


class NotificationBellState(rx.State):
    unread: int = 0

    @rx.event
    @public
    async def load(self):
        """Public by design: counts only the caller's own unread notifications, the user resolved
        from the HttpOnly session cookie inside the one query (0 when signed out)."""
        token = session_token(self)
        count = await run_db(services.unread_for_token, token) if token else 0
        if count != self.unread:
            self.unread = count


def _label() -> rx.Var:
    return rx.cond(NotificationBellState.unread > services.BELL_CAP, f"{services.BELL_CAP}+",
                   NotificationBellState.unread.to_string())


def bell() -> rx.Component:
    unread = NotificationBellState.unread
    return rx.cond(
        AuthState.signed_in,
        rx.link(
            rx.box(
                rx.icon("bell", size=20),
                rx.cond(unread > 0,
                        rx.box(_label(), class_name="lms-bell-count",
                               style={"position": "absolute", "top": "-6px", "right": "-8px", "minWidth": "18px",
                                      "height": "18px", "padding": "0 4px", "borderRadius": "9px",
                                      "background": rx.color("red", 9), "color": "white", "fontSize": "11px",
                                      "fontWeight": "700", "lineHeight": "18px", "textAlign": "center"})),
                # Fires on mount and then every minute: new notifications appear without a reload.
                rx.moment(interval=POLL_MS, on_change=NotificationBellState.load, display="none"),
                position="relative", display="flex", align_items="center",
            ),
            href="/notifications", color=rx.color("gray", 11), underline="none", id="notification-bell",
            aria_label=rx.cond(unread > 0, "Notifications: " + _label() + " unread", "Notifications"),
            _hover={"color": rx.color("accent", 11)}, margin_left="auto", margin_right="0.5rem",
        ),
    )
