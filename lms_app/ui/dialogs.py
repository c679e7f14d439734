"""A confirmation before a destructive action: the trigger button opens an alert dialog with a
title, what will happen, "Keep it" and the red confirming button (the only one that acts)."""

from __future__ import annotations

import reflex as rx


def confirm_dialog(trigger: rx.Component, title: str, description, confirm_label: str, on_confirm) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(rx.alert_dialog.cancel(rx.button("Keep it", variant="soft")),
                      rx.alert_dialog.action(rx.button(confirm_label, color_scheme="red", on_click=on_confirm)),
                      spacing="2", justify="end", margin_top="1rem")))
