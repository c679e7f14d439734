"""Top bar: logo, role-aware navigation, theme toggle, account menu (collapses on phones)."""

from __future__ import annotations

import reflex as rx

from lms_app.ui.links import link_button
from lms_app.core.settings import get_settings
from lms_app.core import plugins
from lms_app.core.auth_state import AuthState

_user = AuthState.user


def logo() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.center(rx.icon("graduation-cap", size=20, color="white"), background=rx.color("accent", 9),
                      border_radius="8px", width="32px", height="32px"),
            rx.text(get_settings().site_name, weight="bold", size="4", color=rx.color("gray", 12)),
            align="center", spacing="2",
        ),
        href="/", underline="none", aria_label=f"{get_settings().site_name} home",
    )


def avatar(size: str = "2") -> rx.Component:
    # rx.avatar drops an `alt` prop; custom_attrs reaches Radix, which passes it to the <img>.
    return rx.avatar(src=_user["avatar_url"], fallback=_user["initials"], size=size, radius="full",
                     custom_attrs={"alt": _user["name"]})


def _nav_link(label: str, href: str, icon: str) -> rx.Component:
    return rx.link(rx.hstack(rx.icon(icon, size=16), rx.text(label, size="2"), align="center", spacing="1"),
                   href=href, color=rx.color("gray", 11), underline="none",
                   _hover={"color": rx.color("accent", 11)})


def nav_items(menu: str) -> list:
    """The menu's entries from every plugin (lms_nav_items), in order."""
    return sorted((item for item in plugins.collected("lms_nav_items") if item.menu == menu),
                  key=lambda item: (item.order, item.label))


def _for_roles(roles: tuple[str, ...], component: rx.Component) -> rx.Component:
    """Shown to the listed roles only (all signed-in users when empty): a display rule; every page
    behind a link checks the role on the server again."""
    if not roles:
        return component
    allowed = _user["role"] == roles[0]
    for role in roles[1:]:
        allowed = allowed | (_user["role"] == role)
    return rx.cond(allowed, component)


def _role_links() -> list[rx.Component]:
    return [_for_roles(item.roles, _nav_link(item.label, item.href, item.icon)) for item in nav_items("main")]


def _menu_item(item, **props) -> rx.Component:
    return rx.menu.item(rx.hstack(rx.icon(item.icon, size=14), rx.text(item.label)), on_select=rx.redirect(item.href),
                        **props)


def _account_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            # The accessible name starts with the visible name (WCAG 2.5.3, label in name).
            # No initials in the button: axe joins its text nodes ("ALAda Lovelace"), so the visible
            # text would no longer be part of the name; the photo (alt = name) or a person icon.
            rx.button(rx.cond(_user["avatar_url"] != "", avatar("1"), rx.icon("circle-user-round", size=20)),
                      rx.text(_user["name"], size="2", class_name="lms-hide-narrow"),
                      rx.icon("chevron-down", size=14), variant="ghost", color_scheme="gray",
                      aria_label=_user["name"].to(str) + " · Account menu"),
        ),
        rx.menu.content(
            *[_for_roles(item.roles, _menu_item(item)) for item in nav_items("account")],
            # At phone width the main links move into this menu.
            *[_for_roles(item.roles, _menu_item(item, class_name="lms-only-narrow")) for item in nav_items("main")],
            rx.menu.separator(),
            rx.menu.item(rx.hstack(rx.icon("log-out", size=14), rx.text("Sign out")), on_select=AuthState.logout,
                         color="red"),
        ),
    )


def navbar() -> rx.Component:
    return rx.el.header(
        rx.hstack(
            logo(),
            *[widget.component() for widget in sorted(plugins.collected("lms_navbar_widgets"), key=lambda w: w.order)],
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
