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
