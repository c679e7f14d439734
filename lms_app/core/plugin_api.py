"""What a plugin imports: the ``hookimpl`` marker and the objects hooks return.

A plugin module (built in or installed) looks like::

    from lms_app.core.plugin_api import NavItem, Page, hookimpl

    @hookimpl
    def lms_pages():
        from my_plugin.pages import hello_page, HelloState   # import pages lazily
        return [Page("/hello", hello_page, "Hello", on_load=[AuthState.refresh, HelloState.load])]

The hook reference (what each hook is for) is in ``lms_app/core/hookspecs.py`` and
``docs/extending.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lms_app.core.hookspecs import hookimpl
from lms_app.core.lesson_types import LessonType, UploadRule
from lms_app.core.request_guard import route_policy

MENUS = ("main", "account", "teacher", "admin")
ROLES_ANY = ("learner", "teacher", "admin")


@dataclass(frozen=True)
class Page:
    """A page: ``component`` is a function returning the page's Reflex component. ``title`` and
    ``description`` may be text or a state var (a page whose title depends on what it shows);
    an empty description uses the site's."""

    route: str
    component: Callable[[], Any]
    title: Any
    on_load: Any = None
    description: Any = ""


def pages_of(*modules) -> list[Page]:
    """Pages from modules that follow the page-module convention: ``page`` (the component),
    ``ROUTE``, ``TITLE``, ``ON_LOAD`` and optionally ``DESCRIPTION``."""
    return [Page(m.ROUTE, m.page, m.TITLE, m.ON_LOAD, getattr(m, "DESCRIPTION", "")) for m in modules]


@dataclass(frozen=True)
class NavItem:
    """A menu entry; ``roles`` limits who sees it (signed-in roles; empty = everyone signed in)."""

    menu: str
    label: str
    href: str
    icon: str
    order: int = 100
    roles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.menu not in MENUS:
            raise ValueError(f"NavItem menu must be one of {MENUS}, not {self.menu!r}")


@dataclass(frozen=True)
class NavbarWidget:
    name: str
    component: Callable[[], Any]
    order: int = 100


@dataclass(frozen=True)
class LessonWidget:
    name: str
    component: Callable[[], Any]
    order: int = 100


@dataclass(frozen=True)
class ProfileSection:
    """A card on the profile page. ``component`` returns the card's body (use
    ``lms_app.ui.layout.profile_card`` for the same look as the built-in cards)."""

    name: str
    component: Callable[[], Any]
    order: int = 100


@dataclass(frozen=True)
class DashboardSection:
    """A section of the learner's dashboard (``/dashboard``), after the courses in progress.
    ``component`` returns the section (load its state with an ``on_mount`` inside it)."""

    name: str
    component: Callable[[], Any]
    order: int = 100


@dataclass(frozen=True)
class GatewaySpec:
    """``factory(settings)`` builds the gateway; test-only gateways are refused in production."""

    key: str
    factory: Callable[[Any], Any]
    test_only: bool = False
    label: str = ""


@dataclass(frozen=True)
class PluginSetting:
    """An ``LMS_*`` environment variable: ``parse(raw_text) -> value`` raises ValueError when bad."""

    name: str
    default: Any
    parse: Callable[[str], Any] = str
    help: str = ""


@dataclass(frozen=True)
class ScheduledJob:
    """``run(session, settings) -> int`` does one idempotent round in one transaction."""

    name: str
    every_minutes: int
    run: Callable[[Any, Any], int]
    help: str = ""


@dataclass(frozen=True)
class MigrationsSpec:
    """A plugin's own Alembic branch: its label and the folder of its revision files."""

    branch: str
    path: str


__all__ = ["GatewaySpec", "LessonType", "LessonWidget", "MigrationsSpec", "NavItem", "NavbarWidget", "Page",
           "PluginSetting", "ProfileSection", "ROLES_ANY", "ScheduledJob", "UploadRule", "hookimpl", "pages_of", "route_policy",
           "DashboardSection"]
