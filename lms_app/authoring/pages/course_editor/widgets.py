"""Small form pieces of the course editor: labels, field errors, native selects, confirmations."""

from __future__ import annotations

import reflex as rx


def _label(text: str, html_for: str) -> rx.Component:
    return rx.el.label(text, html_for=html_for, style={"fontSize": "var(--font-size-2)", "fontWeight": "500"})


def _error(message: rx.Var) -> rx.Component:
    return rx.cond(message != "", rx.text(message, size="1", color=rx.color("red", 11), role="alert"))


def _select(label: str, name: str, options, value: rx.Var, error: rx.Var) -> rx.Component:
    return rx.vstack(
        _label(label, f"field-{name}"),
        rx.el.select(*options, id=f"field-{name}", name=name, default_value=value, class_name="lms-native-select"),
        _error(error), spacing="1", width="100%", align="start",
    )


def _confirm(trigger: rx.Component, title: str, text: str | rx.Var, action_label: str, on_confirm) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(text),
            rx.hstack(rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                      rx.alert_dialog.action(rx.button(action_label, color_scheme="red", on_click=on_confirm)),
                      spacing="3", justify="end", margin_top="1rem"),
        ),
    )
