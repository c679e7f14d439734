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
class MetricGauge:
    """A Prometheus gauge whose value ``read()`` returns at scrape time (see ``lms_metrics``)."""

    name: str
    help: str
    read: Callable[[], float]


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


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification (``lms_notification_kinds``): ``name`` is its key (``"qa_answer"``),
    ``label`` what the preferences card shows, ``channels`` the channels on by default (a subset
    of ``("in_app", "email", "digest")``) and ``group`` the heading it is listed under."""

    name: str
    label: str
    channels: tuple[str, ...] = ("in_app",)
    group: str = "Other"
    description: str = ""


@dataclass(frozen=True)
class PersonalData:
    """Where a feature keeps a person's data, and what happens to it (``lms_personal_data``).

    ``table`` and ``user_columns`` name the rows about the user (``WHERE col = user_id`` for any
    of the columns). ``erase`` is what deleting the account does to them:

    - ``"delete"``: the rows are deleted;
    - ``"detach"``: the columns are set to NULL (the rows stay, no longer about anyone);
    - ``"keep"``: the rows stay as they are, pointing at the anonymised account (financial
      records, issued certificates, other people's audit trail); say why in ``why``;
    - a function ``erase(session, user_id)`` that does it itself (files on disk, dependent rows).

    ``export=False`` leaves the rows out of the download (they are not the person's: e.g. who
    graded someone else's work); ``secret`` columns are never exported (hashes, tokens);
    ``files(session, user_id) -> [(name in zip, path)]`` adds stored files to the download.
    Each path is a ``pathlib.Path`` on this host's disk, or a ``str`` storage key such as
    ``"submissions/<name>"`` (``lms_app.core.storage``: read from whichever backend is configured).
    """

    table: str
    user_columns: tuple[str, ...]
    erase: Any = "delete"
    why: str = ""
    export: bool = True
    secret: tuple[str, ...] = ()
    files: Callable[[Any, int], list[tuple[str, Any]]] | None = None


@dataclass(frozen=True)
class DashboardCard:
    """A section of the learner dashboard. ``component`` returns it (load with ``on_mount``)."""

    name: str
    component: Callable[[], Any]
    order: int = 100


@dataclass(frozen=True)
class CoursePageSection:
    """A section of the public course page (``lms_course_page_sections``)."""

    name: str
    component: Callable[[], Any]
    order: int = 100


__all__ = ["CoursePageSection", "DashboardCard", "GatewaySpec", "LessonType", "LessonWidget", "MetricGauge", "MigrationsSpec", "NavItem",
           "NavbarWidget", "NotificationKind", "Page", "PersonalData", "PluginSetting", "ProfileSection", "ROLES_ANY",
           "ScheduledJob", "UploadRule", "hookimpl", "pages_of", "route_policy"]
