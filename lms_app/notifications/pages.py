"""/notifications (the list: newest first, keyset pages, mark read) and /unsubscribe/<token>."""

from __future__ import annotations

import reflex as rx

from lms_app.core.auth_state import AuthState
from lms_app.core.db import run_db
from lms_app.core.guard import current_actor, guarded, public
from lms_app.core.permissions import LEARNER_AREA
from lms_app.notifications import services
from lms_app.notifications.bell import NotificationBellState
from lms_app.ui.layout import empty_state, loading_block, page_heading, page_shell

ROUTE = "/notifications"
TITLE = "Notifications"
UNSUBSCRIBE_ROUTE = "/unsubscribe/[token]"
UNSUBSCRIBE_PREFIX = "/unsubscribe/"


class NotificationsState(rx.State):
    rows: list[dict[str, str]] = []
    more: bool = False
    page_number: int = 1
    unread_only: bool = False
    loaded: bool = False
    # Keyset cursors: the last id shown on each earlier page (server-side only).
    _cursors: list[int] = []
    _last_id: int = 0

    async def _fetch(self, before: int | None):
        found = await run_db(services.page, current_actor(), before, self.unread_only)
        self.rows, self.more = found["rows"], found["more"]
        self._last_id = found["last_id"] or 0

    async def _sync_bell(self):
        bell = await self.get_state(NotificationBellState)
        bell.unread = await run_db(services.unread_count, current_actor())

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        self._cursors, self.page_number = [], 1
        await self._fetch(None)
        self.loaded = True

    @rx.event
    @guarded(LEARNER_AREA)
    async def toggle_unread(self):
        self.unread_only = not self.unread_only
        self._cursors, self.page_number = [], 1
        await self._fetch(None)

    @rx.event
    @guarded(LEARNER_AREA)
    async def older(self):
        if not self.more or not self._last_id:
            return
        self._cursors = [*self._cursors, self._last_id]
        self.page_number += 1
        await self._fetch(self._last_id)

    @rx.event
    @guarded(LEARNER_AREA)
    async def newer(self):
        if not self._cursors:
            return
        self._cursors = self._cursors[:-1]
        self.page_number = max(1, self.page_number - 1)
        await self._fetch(self._cursors[-1] if self._cursors else None)

    @rx.event
    @guarded(LEARNER_AREA)
    async def open(self, notification_id: str):
        """Mark the caller's own notification read and go to its link (read from the database)."""
        link = await run_db(services.mark_read, current_actor(), notification_id)
        if link is None:
            return rx.toast.error("That notification is not available.")
        await self._sync_bell()
        if link:
            return rx.redirect(link)
        self.rows = [{**r, "unread": ""} if r["id"] == str(notification_id) else r for r in self.rows]

    @rx.event
    @guarded(LEARNER_AREA)
    async def mark_read(self, notification_id: str):
        if await run_db(services.mark_read, current_actor(), notification_id) is None:
            return
        self.rows = [{**r, "unread": ""} if r["id"] == str(notification_id) else r for r in self.rows]
        await self._sync_bell()

    @rx.event
    @guarded(LEARNER_AREA)
    async def mark_all(self):
        done = await run_db(services.mark_all_read, current_actor())
        self.rows = [{**r, "unread": ""} for r in self.rows]
        await self._sync_bell()
        return rx.toast.success(f"Marked {done} as read." if done else "Nothing was unread.")


S = NotificationsState


def _row(n) -> rx.Component:
    unread = n["unread"] != ""
    return rx.card(
        rx.hstack(
            rx.box(width="8px", height="8px", border_radius="4px", flex_shrink="0", margin_top="7px",
                   background=rx.cond(unread, rx.color("accent", 9), "transparent")),
            rx.vstack(
                rx.link(n["title"], href="#", on_click=S.open(n["id"]).prevent_default, weight=rx.cond(unread, "bold", "regular"),
                        color=rx.color("gray", 12), class_name="lms-notification-title"),
                rx.cond(n["body"] != "", rx.text(n["body"], size="2", color=rx.color("gray", 11))),
                rx.text(n["when"], size="1", color=rx.color("gray", 10)),
                spacing="1", flex="1", min_width="0",
            ),
            rx.cond(unread, rx.icon_button(rx.icon("check", size=16), size="1", variant="ghost",
                                           aria_label="Mark as read", title="Mark as read",
                                           on_click=S.mark_read(n["id"]))),
            align="start", spacing="3", width="100%",
        ),
        width="100%", class_name="lms-notification", data_unread=rx.cond(unread, "true", "false"),
    )


def page() -> rx.Component:
    return page_shell(
        page_heading("Notifications", "What happened in your courses and account."),
        rx.cond(S.loaded, rx.vstack(
            rx.hstack(
                rx.button(rx.icon(rx.cond(S.unread_only, "list", "mail"), size=16),
                          rx.cond(S.unread_only, "Show all", "Unread only"), variant="soft", color_scheme="gray",
                          on_click=S.toggle_unread),
                rx.spacer(),
                rx.button(rx.icon("check-check", size=16), "Mark all as read", variant="soft", on_click=S.mark_all),
                rx.link(rx.icon("settings", size=16), href="/profile#notification-preferences",
                        aria_label="Notification preferences", color=rx.color("gray", 11)),
                width="100%", align="center", spacing="3", wrap="wrap",
            ),
            rx.cond(S.rows.length() > 0,
                    rx.vstack(rx.foreach(S.rows, _row), spacing="2", width="100%"),
                    empty_state("bell", rx.cond(S.unread_only, "Nothing unread", "No notifications yet"),
                                "Enrolments, grades, certificates and course news appear here.")),
            rx.cond(S.more | (S.page_number > 1), rx.hstack(
                rx.button(rx.icon("chevron-left", size=16), "Newer", size="2", variant="soft",
                          disabled=S.page_number <= 1, on_click=S.newer),
                rx.text("Page ", S.page_number, size="2", color=rx.color("gray", 11)),
                rx.button("Older", rx.icon("chevron-right", size=16), size="2", variant="soft",
                          disabled=~S.more, on_click=S.older),
                justify="center", align="center", width="100%", spacing="3",
            )),
            spacing="4", width="100%"), loading_block()),
        width="760px",
    )


ON_LOAD = [AuthState.refresh, NotificationsState.load]


class UnsubscribeState(rx.State):
    done: bool = False
    label: str = ""
    loaded: bool = False

    @rx.event
    @public
    async def load(self):
        """Public by design: the signed token in the page's own URL names one user and one kind;
        it only turns that kind's e-mail off (no sign-in needed, by the rules of one-click unsubscribe)."""
        path = self.router.url.path
        token = path[len(UNSUBSCRIBE_PREFIX):].strip("/").split("/")[0] if path.startswith(UNSUBSCRIBE_PREFIX) else ""
        label = await run_db(services.unsubscribe, token)
        self.done, self.label, self.loaded = label is not None, label or "", True


def unsubscribe_page() -> rx.Component:
    U = UnsubscribeState
    return page_shell(
        rx.cond(U.loaded, rx.cond(
            U.done,
            empty_state("mail-x", "You are unsubscribed",
                        "You will get no more e-mails of this kind. Choose other channels on your profile page.",
                        rx.vstack(rx.text(U.label, weight="bold", id="unsubscribed-kind"),
                                  rx.link("Notification preferences", href="/profile#notification-preferences"),
                                  align="center"), level="h1"),
            empty_state("circle-alert", "This link does not work",
                        "It may be incomplete. Sign in and choose your e-mail preferences on your profile page.",
                        rx.link("Go to your profile", href="/profile"), level="h1")),
            loading_block()),
        width="760px",
    )


UNSUBSCRIBE_ON_LOAD = [AuthState.refresh, UnsubscribeState.load]
