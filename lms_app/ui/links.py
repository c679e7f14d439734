"""Links styled as buttons: one focusable element, announced as a link (no button inside a link)."""

from __future__ import annotations

import reflex as rx


def link_button(*children, href: str, **props) -> rx.Component:
    # The link and the button merge into one element (as_child), where Radix's link colour
    # would win over the button's; give the text the colour the button variant would use.
    solid = props.get("variant", "solid") == "solid"
    return rx.button(
        rx.link(*children, href=href, underline="none",
                color="var(--accent-contrast)" if solid else "var(--accent-a11)",
                display="inline-flex", align_items="center", gap="0.5em"),
        as_child=True, **props,
    )


def anchor_button(*children, href, download: bool = False, new_tab: bool = False, **props) -> rx.Component:
    """A plain <a> styled as a button: the browser follows it (API files, other sites), not the router."""
    solid = props.get("variant", "solid") == "solid"
    # rx.el.a compiles to React Router's Link: reload_document makes it a plain browser link
    # (otherwise the router would "navigate" to /api/... inside the app).
    extra: dict = {"reload_document": True}
    if download:
        extra["download"] = ""
    if new_tab:
        extra.update(target="_blank", rel="noopener noreferrer")
    return rx.button(
        rx.el.a(*children, href=href, style={"color": "var(--accent-contrast)" if solid else "var(--accent-a11)",
                                             "textDecoration": "none", "display": "inline-flex",
                                             "alignItems": "center", "gap": "0.5em"}, **extra),
        as_child=True, **props,
    )
