"""The profile page's "Notifications" card: a switch per kind and channel."""

from __future__ import annotations

import reflex as rx

from lms_app.core.db import run_db
from lms_app.core.errors import ServiceError
from lms_app.core.guard import current_actor, guarded
from lms_app.core.permissions import LEARNER_AREA
from lms_app.notifications import services
from lms_app.ui.layout import profile_card

CHANNEL_LABELS = (("in_app", "In app"), ("email", "E-mail"), ("digest", "Digest"))


class NotificationPrefsState(rx.State):
    rows: list[dict[str, str]] = []
    loaded: bool = False

    @rx.event
    @guarded(LEARNER_AREA)
    async def load(self):
        self.rows = await run_db(services.preferences, current_actor())
        self.loaded = True

    @rx.event
    @guarded(LEARNER_AREA)
    async def toggle(self, kind: str, channel: str, value: bool):
        try:
            await run_db(services.set_preference, current_actor(), kind, channel, value)
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        self.rows = [{**r, channel: "on" if value else "off"} if r["kind"] == kind and r.get(channel) else r
                     for r in self.rows]


P = NotificationPrefsState


def _switch(row, channel: str, label: str) -> rx.Component:
    return rx.cond(row[channel] != "",
                   rx.el.label(rx.switch(checked=row[channel] == "on", size="1",
                                         on_change=lambda v: P.toggle(row["kind"], channel, v),
                                         custom_attrs={"aria-label": label + ": " + row["label"]}),
                               rx.text(label, size="1", color=rx.color("gray", 11)),
                               style={"display": "flex", "alignItems": "center", "gap": "6px", "cursor": "pointer"}),
                   rx.fragment())


def _row(row) -> rx.Component:
    return rx.vstack(
        rx.text(row["label"], size="2", weight="medium"),
        rx.hstack(*[_switch(row, c, label) for c, label in CHANNEL_LABELS], spacing="4", wrap="wrap"),
        spacing="1", width="100%", padding_y="6px", border_bottom=f"1px solid {rx.color('gray', 4)}",
        class_name="lms-pref-row",
    )


def preferences_card() -> rx.Component:
    return rx.box(
        profile_card(
            "Notifications",
            "Choose how you hear about each kind of news: in the app (the bell), by e-mail, or in the weekly "
            "digest. Account e-mails (verification, password reset) and receipts are always sent.",
            rx.cond(P.loaded, rx.vstack(rx.foreach(P.rows, _row), spacing="1", width="100%"),
                    rx.skeleton(rx.box(height="120px", width="100%"))),
        ),
        id="notification-preferences", width="100%", on_mount=P.load,
    )
