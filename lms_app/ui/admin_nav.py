"""The admin console's side navigation: a column beside the content on wide screens, a
horizontally scrolling strip above it at phone width."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.layout import page_heading, page_shell
from lms_app.ui.navbar import nav_items

def _link(label: str, href: str, icon: str, active: bool) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=16), rx.text(label, size="2", weight="medium" if active else "regular"),
                  spacing="2", align="center"),
        href=href, underline="none", aria_current="page" if active else None,
        color=rx.color("accent", 11) if active else rx.color("gray", 12),
        background=rx.color("accent", 3) if active else "transparent",
        padding="0.45rem 0.7rem", border_radius="6px", white_space="nowrap",
        _hover={"background": rx.color("gray", 3)},
    )


def admin_nav(active: str) -> rx.Component:
    return rx.el.nav(
        # The sections come from every plugin's "admin" menu entries (lms_nav_items).
        rx.flex(*[_link(item.label, item.href, item.icon, item.href == active) for item in nav_items("admin")],
                direction=rx.breakpoints(initial="row", md="column"), spacing="1",
                overflow_x=rx.breakpoints(initial="auto", md="visible"), padding_bottom="0.25rem"),
        aria_label="Admin sections",
        style={"flexShrink": "0"},
        width=rx.breakpoints(initial="100%", md="220px"),
    )


def admin_shell(active: str, title: str, subtitle: str, *children: rx.Component,
                actions: rx.Component | None = None) -> rx.Component:
    return page_shell(
        rx.flex(
            admin_nav(active),
            rx.box(
                rx.hstack(page_heading(title, subtitle), rx.spacer(), actions or rx.fragment(), width="100%",
                          align="start", wrap="wrap"),
                *children,
                flex="1", min_width="0", width="100%",
            ),
            direction=rx.breakpoints(initial="column", md="row"), spacing="5", width="100%",
        ),
        width="1400px",
    )


def pager(page: rx.Var, pages: rx.Var, total: rx.Var, on_prev, on_next, noun: str = "results") -> rx.Component:
    return rx.hstack(
        rx.text(total, f" {noun} · page ", page, " of ", pages, size="2", color=rx.color("gray", 11)),
        rx.spacer(),
        rx.button(rx.icon("chevron-left", size=16), "Previous", size="1", variant="soft", disabled=page <= 1,
                  on_click=on_prev),
        rx.button("Next", rx.icon("chevron-right", size=16), size="1", variant="soft", disabled=page >= pages,
                  on_click=on_next),
        width="100%", align="center",
    )
