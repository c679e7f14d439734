"""The one layout shell every page uses: navbar, centred content, footer."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.navbar import navbar
from lms_app.core.settings import get_settings
from lms_app.core.auth_state import AuthState


def footer() -> rx.Component:
    return rx.el.footer(
        rx.hstack(
            rx.text(f"© 2026 {get_settings().site_name} · open-source learning, written in Python", size="1",
                    color=rx.color("gray", 11)),
            rx.hstack(
                rx.link("Home", href="/", size="1", color=rx.color("gray", 11)),
                rx.cond(AuthState.signed_in,
                        rx.link("Profile", href="/profile", size="1", color=rx.color("gray", 11)),
                        rx.link("Create an account", href="/register", size="1", color=rx.color("gray", 11))),
                spacing="4",
            ),
            justify="between", wrap="wrap", gap="2", max_width="1200px", margin_x="auto", padding="1.5rem 1.25rem",
        ),
        style={"borderTop": f"1px solid {rx.color('gray', 4)}", "width": "100%"},
    )


def page_shell(*children: rx.Component, width: str = "1200px") -> rx.Component:
    return rx.flex(
        # A plain same-page anchor (not a router link: React Router resolves "#main" against the
        # route's path, "/courses/#main" on /courses, which is then no longer a skip link).
        rx.html('<a class="lms-skip-link" href="#main">Skip to content</a>'),
        navbar(),
        rx.el.main(*children, id="main",
                   style={"width": "100%", "maxWidth": width, "marginLeft": "auto", "marginRight": "auto",
                          "padding": "2rem 1.25rem", "flex": "1", "boxSizing": "border-box"}),
        footer(),
        direction="column", min_height="100vh", background=rx.color("gray", 1),
    )


def page_heading(title: str | rx.Var, subtitle: str | rx.Var = "") -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="7", as_="h1"),
        rx.cond(subtitle != "", rx.text(subtitle, color=rx.color("gray", 11))) if isinstance(subtitle, rx.Var)
        else (rx.text(subtitle, color=rx.color("gray", 11)) if subtitle else rx.fragment()),
        spacing="1", margin_bottom="1.5rem",
    )


def loading_block() -> rx.Component:
    """Skeleton rows shown while a guarded page checks the session and loads."""
    return rx.vstack(*[rx.skeleton(rx.box(height="72px", width="100%")) for _ in range(3)], spacing="3", width="100%",
                     aria_busy="true")


def empty_state(icon: str, title: str, text: str, action: rx.Component | None = None,
                level: str = "h2") -> rx.Component:
    """A centred message; ``level="h1"`` when it is all the page shows (the page's one h1)."""
    return rx.center(
        rx.vstack(
            rx.center(rx.icon(icon, size=28, color=rx.color("accent", 11)), background=rx.color("accent", 3),
                      border_radius="full", width="56px", height="56px"),
            rx.heading(title, size="4", as_=level),
            rx.text(text, color=rx.color("gray", 11), text_align="center", max_width="420px"),
            action or rx.fragment(),
            align="center", spacing="3",
        ),
        padding="3rem 1rem", border=f"1px dashed {rx.color('gray', 6)}", border_radius="12px", width="100%",
    )


def profile_card(title: str, text: str, *children: rx.Component) -> rx.Component:
    """A card of the profile page: title and explanation on the left, the controls on the right
    (stacked at phone width). Built-in cards and plugins' ``lms_profile_sections`` share it."""
    return rx.card(
        rx.grid(
            rx.vstack(rx.heading(title, size="4", as_="h2"), rx.text(text, size="2", color=rx.color("gray", 11)),
                      spacing="1"),
            rx.vstack(*children, spacing="4", width="100%"),
            columns=rx.breakpoints(initial="1", md="2fr 3fr"), spacing="5", width="100%",
        ),
        size="3", width="100%",
    )


def stat_card(label: rx.Var | str, value: rx.Var | int, icon: str = "activity") -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.center(rx.icon(icon, size=18, color=rx.color("accent", 11)), background=rx.color("accent", 3),
                      border_radius="8px", width="36px", height="36px"),
            rx.vstack(rx.text(label, size="2", color=rx.color("gray", 11)), rx.text(value, size="6", weight="bold"),
                      spacing="0"),
            align="center", spacing="3",
        ),
        width="100%",
    )
