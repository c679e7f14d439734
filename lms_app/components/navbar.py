"""Top bar: logo, role-aware navigation, theme toggle, account menu (collapses on phones)."""

from __future__ import annotations

import reflex as rx

from lms_app.components.links import link_button
from lms_app.settings import get_settings
from lms_app.state.auth import AuthState
from lms_app.state.search import NavSearchState

_user = AuthState.user


def logo() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.center(rx.icon("graduation-cap", size=20, color="white"), background=rx.color("accent", 9),
                      border_radius="8px", width="32px", height="32px"),
            rx.text(get_settings().site_name, weight="bold", size="4", color=rx.color("gray", 12)),
            align="center", spacing="2",
        ),
        href="/", underline="none", aria_label="Home",
    )


def avatar(size: str = "2") -> rx.Component:
    # rx.avatar drops an `alt` prop; custom_attrs reaches Radix, which passes it to the <img>.
    return rx.avatar(src=_user["avatar_url"], fallback=_user["initials"], size=size, radius="full",
                     custom_attrs={"alt": _user["name"]})


def _nav_link(label: str, href: str, icon: str) -> rx.Component:
    return rx.link(rx.hstack(rx.icon(icon, size=16), rx.text(label, size="2"), align="center", spacing="1"),
                   href=href, color=rx.color("gray", 11), underline="none",
                   _hover={"color": rx.color("accent", 11)})


def _role_links() -> list[rx.Component]:
    return [
        _nav_link("My learning", "/dashboard", "book-open"),
        rx.cond((_user["role"] == "teacher") | (_user["role"] == "admin"), _nav_link("Teach", "/teach", "presentation")),
        rx.cond(_user["role"] == "admin", _nav_link("Admin", "/admin", "shield")),
    ]


def _account_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(avatar("1"), rx.text(_user["name"], size="2", class_name="lms-hide-narrow"),
                      rx.icon("chevron-down", size=14), variant="ghost", color_scheme="gray",
                      aria_label="Account menu"),
        ),
        rx.menu.content(
            rx.menu.item(rx.hstack(rx.icon("user", size=14), rx.text("Profile")), on_select=rx.redirect("/profile")),
            rx.menu.item(rx.hstack(rx.icon("receipt", size=14), rx.text("Payments")), on_select=rx.redirect("/orders")),
            rx.menu.item(rx.hstack(rx.icon("book-open", size=14), rx.text("My learning")),
                         on_select=rx.redirect("/dashboard"), class_name="lms-only-narrow"),
            rx.cond((_user["role"] == "teacher") | (_user["role"] == "admin"),
                    rx.menu.item(rx.hstack(rx.icon("presentation", size=14), rx.text("Teach")),
                                 on_select=rx.redirect("/teach"), class_name="lms-only-narrow")),
            rx.cond(_user["role"] == "admin",
                    rx.menu.item(rx.hstack(rx.icon("shield", size=14), rx.text("Admin")),
                                 on_select=rx.redirect("/admin"), class_name="lms-only-narrow")),
            rx.menu.separator(),
            rx.menu.item(rx.hstack(rx.icon("log-out", size=14), rx.text("Sign out")), on_select=AuthState.logout,
                         color="red"),
        ),
    )


def catalog_search() -> rx.Component:
    """Search box that opens the catalog at /courses?q=…."""
    return rx.box(
        rx.form(
            rx.input(rx.input.slot(rx.icon("search", size=15)), name="q", type="search", placeholder="Search courses",
                     aria_label="Search courses", size="2", width="100%", max_length=100),
            on_submit=NavSearchState.go, reset_on_submit=True, role="search", width="100%",
        ),
        class_name="lms-hide-narrow", flex="1", max_width="360px", margin_x="1.5rem",
    )


def navbar() -> rx.Component:
    return rx.el.header(
        rx.hstack(
            logo(),
            catalog_search(),
            rx.link(rx.hstack(rx.icon("library", size=16), rx.text("Courses", size="2", class_name="lms-hide-narrow"),
                              align="center", spacing="1"),
                    href="/courses", color=rx.color("gray", 11), underline="none", aria_label="Courses",
                    _hover={"color": rx.color("accent", 11)}),
            rx.hstack(
                rx.cond(AuthState.signed_in, rx.hstack(*_role_links(), spacing="5", class_name="lms-hide-narrow")),
                rx.color_mode.button(size="2", variant="ghost", color_scheme="gray", aria_label="Toggle dark mode"),
                rx.cond(
                    AuthState.signed_in,
                    _account_menu(),
                    rx.cond(
                        AuthState.checked,
                        rx.hstack(
                            link_button("Sign in", href="/login", variant="soft"),
                            link_button("Get started", href="/register", class_name="lms-hide-narrow"),
                            spacing="2",
                        ),
                        rx.skeleton(rx.box(width="120px", height="32px")),
                    ),
                ),
                align="center", spacing="4",
            ),
            justify="between", align="center", max_width="1200px", margin_x="auto", width="100%",
            padding_x="1.25rem", height="64px",
        ),
        style={"position": "sticky", "top": "0", "zIndex": "20", "width": "100%",
               "background": rx.color("gray", 1, alpha=True), "backdropFilter": "blur(10px)",
               "borderBottom": f"1px solid {rx.color('gray', 4)}"},
    )
