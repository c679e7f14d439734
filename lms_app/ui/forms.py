"""Form helpers: labelled inputs with their error message, and the auth card layout."""

from __future__ import annotations

import reflex as rx


def blank_errors(fields) -> dict[str, str]:
    """One empty error message per form field (the state a form starts and resets to)."""
    return {f: "" for f in fields}


def field(label: str, name: str, error: rx.Var | str = "", **input_props) -> rx.Component:
    """A labelled input; the label is tied to the input for screen readers."""
    input_id = f"field-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=input_id, style={"fontSize": "var(--font-size-2)", "fontWeight": "500"}),
        rx.input(id=input_id, name=name, size="3", width="100%", aria_invalid=rx.cond(error != "", "true", "false"),
                 **input_props),
        rx.cond(error != "", rx.text(error, size="1", color=rx.color("red", 11), role="alert")),
        spacing="1", width="100%", align="start",
    )


def form_error(message: rx.Var) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="circle-alert", color_scheme="red", role="alert", width="100%"),
    )


def auth_card(title: str, subtitle: rx.Component, body: rx.Component) -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.heading(title, size="6", as_="h1"),
                subtitle,
                body,
                spacing="4", width="100%",
            ),
            size="4", width="100%", max_width="440px",
        ),
        width="100%", padding_y=rx.breakpoints(initial="0.5rem", md="2rem"),
    )


def upload(label: str | rx.Var, *children: rx.Component, **props) -> rx.Component:
    """``rx.upload.root`` whose hidden file input carries an accessible name (``label``).

    Reflex renders the dropzone's ``<input type="file">`` itself, without a way to name it;
    assistive technology and axe's "label" rule meet an unnamed form field otherwise.
    """
    component = rx.upload.root(*children, **props)
    zone = component.children[0]
    file_input = next(c for c in zone.children if getattr(c, "tag", "") == "input")
    file_input.custom_attrs["aria-label"] = label
    return component
