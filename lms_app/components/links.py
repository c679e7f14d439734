"""Links styled as buttons: one focusable element, announced as a link (no button inside a link)."""

from __future__ import annotations

import reflex as rx


def link_button(*children, href: str, **props) -> rx.Component:
    return rx.button(
        rx.link(*children, href=href, underline="none", color="inherit", display="inline-flex", align_items="center",
                gap="0.5em"),
        as_child=True, **props,
    )
