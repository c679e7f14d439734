"""The plugin API: every hook a feature package or an installed plugin can implement.

Built-in features (``lms_app/<feature>/plugin.py``) and installed plugins (found through the
``lms.plugins`` entry-point group) implement these with ``@hookimpl`` and nothing else: the
app assembly knows no feature by name. ``docs/extending.md`` is generated from the docstrings
below (``python -m lms_app.manage hooks-doc``); a test fails when a hook has none.

Hooks that return lists are called on every plugin and their results concatenated in plugin
order (built-ins first, then installed plugins by entry-point name). Hooks are called once per
process and their results cached, except ``lms_event`` and ``lms_demo_data``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:  # only for the annotations; plugins import the classes from lms_app.core.plugin_api
    from sqlmodel import Session

    from lms_app.core.events import DomainEvent
    from lms_app.core.lesson_types import LessonType
    from lms_app.core.plugin_api import (
        CoursePageSection,
        GatewaySpec,
        LessonWidget,
        MigrationsSpec,
        NavItem,
        NavbarWidget,
        NotificationKind,
        ProfileSection,
        DashboardCard,
        Page,
        MetricGauge,
        PersonalData,
        PluginSetting,
        ScheduledJob,
    )
    from lms_app.core.settings import Settings

PROJECT = "lms"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def lms_settings() -> list[PluginSetting]:
    """Declare the settings your plugin reads from the environment.

    Return ``PluginSetting(name, default, parse, help)`` objects. ``name`` must start with
    ``LMS_``. Read a value with ``lms_app.core.plugins.setting("LMS_MY_SETTING")``: it is parsed
    once and cached; ``manage check`` and the start-up check report a value that does not parse
    with the setting's name and help text.
    """


@hookspec
def lms_config_problems(settings: Settings) -> list[str]:
    """Report what is wrong with the configuration for your plugin, as sentences that name the
    setting to fix (``"LMS_PAYMENT_GATEWAY must be one of test, webhook"``). The app refuses to
    start while any plugin reports a problem, and ``manage check`` lists them."""


@hookspec
def lms_lesson_types() -> list[LessonType]:
    """Register lesson types: what a lesson holds, how it is checked, and how it is shown.

    Return ``LessonType`` objects (``lms_app.core.lesson_types``). A type declares its key,
    label, Lucide icon, content fields, a ``validate(fields) -> cleaned`` function, an optional
    ``UploadRule``, and its components: ``player`` (a function returning the Reflex component
    shown in the course player for a lesson of this type; it reads the open lesson from
    ``LearnState.content``) and, for content built on a page of its own, ``editor_label`` plus a
    page registered with ``lms_pages`` at ``/teach/lessons/[lesson_id]/<key>``. ``graded`` types
    complete only when your code calls ``lms_app.learning.services.progress.record_pass``.
    Keys are unique: a second registration of one key fails at start-up.
    """


@hookspec
def lms_pages() -> list[Page]:
    """Add pages to the app.

    Return ``Page(route, component, title, on_load=..., description=...)`` objects. Every
    page's ``on_load`` should start with ``AuthState.refresh`` (so the navbar knows who is
    signed in) and its state's handlers must go through ``lms_app.core.guard.guarded`` (or be
    marked ``@public``): the handler-inventory test enumerates every state, plugins' included.
    Two pages on one route fail at start-up.
    """


@hookspec
def lms_nav_items() -> list[NavItem]:
    """Add entries to the navigation menus.

    Return ``NavItem(menu, label, href, icon, order)`` objects. ``menu`` is one of ``"main"``
    (top bar, shown to the roles in ``roles``), ``"account"`` (the account menu), ``"teacher"``
    (the teacher dashboard's links), or ``"admin"`` (the admin console's side navigation).
    Items are sorted by ``order`` then label.
    """


@hookspec
def lms_navbar_widgets() -> list[NavbarWidget]:
    """Add a component to the top bar, between the logo and the menus (the catalog search box
    is one). Return ``NavbarWidget(name, component, order)``; ``component`` is a function
    returning a Reflex component."""


@hookspec
def lms_lesson_widgets() -> list[LessonWidget]:
    """Add a component under every lesson in the course player (for example a feedback question).

    Return ``LessonWidget(name, component, order)``. The component is built once, with the
    player page; it reads the open lesson from ``LearnState``. The player moves between lessons
    without remounting the page, so to load your state per lesson put the part with ``on_mount``
    inside a box keyed by the open lesson (``rx.box(..., key=LearnState.content["id"])``) and
    read the lesson id on the server (``await self.get_state(LearnState)``) in a guarded handler,
    never from the browser (see the example plugin ``lms-lesson-feedback``).
    """


@hookspec
def lms_profile_sections() -> list[ProfileSection]:
    """Add a card to the profile page (``/profile``), after the built-in photo, details and
    password cards: notification preferences, two-factor sign-in, API tokens, your data...

    Return ``ProfileSection(name, component, order)``; ``component`` returns a Reflex component,
    usually ``lms_app.ui.layout.profile_card(title, text, *children)``. Load its state with an
    ``on_mount`` inside it and guard every handler: the page is for the signed-in user only.
    """


@hookspec
def lms_dashboard_cards() -> list[DashboardCard]:
    """Add a section to the learner dashboard (``/dashboard``), after the built-in learning and
    certificate sections: upcoming live sessions, notifications, streaks...

    Return ``DashboardCard(name, component, order)``; ``component`` returns a Reflex component.
    Load its state with an ``on_mount`` inside it and guard every handler (``LEARNER_AREA``): the
    dashboard is for the signed-in user only, and a public var must hold only their own data.
    """


@hookspec
def lms_course_page_sections() -> list[CoursePageSection]:
    """Add a section to the course page (``/courses/<slug>``), after the reviews.

    Return ``CoursePageSection(name, component, order)``; ``component`` returns a Reflex component
    that loads itself with ``on_mount`` (the slug is in ``self.router.url.path``). The page is
    public: a handler that answers anonymous visitors is public by design, so list it in the
    handler inventory's allow-list with the reason, show other people's data to no one, and show
    nothing (not an empty box) to a visitor the section is not for.
    """


@hookspec
def lms_payment_gateways() -> list[GatewaySpec]:
    """Register payment gateways.

    Return ``GatewaySpec(key, factory, test_only=False)``: ``factory(settings)`` builds a
    ``DirectGateway`` or ``RedirectGateway`` (``lms_app.commerce.gateways.base``).
    ``LMS_PAYMENT_GATEWAY`` chooses one by key; a ``test_only`` gateway is refused in production.
    Checkout, fulfilment, the ledger and refunds do not change for a new gateway.
    """


@hookspec
def lms_event(event: DomainEvent) -> None:
    """React to a domain event, after the transaction that caused it has committed.

    ``event.name`` is one of ``lms_app.core.events.DOMAIN_EVENTS`` (enrolled,
    lesson_completed, course_completed, certificate_issued, order_paid, order_refunded,
    review_posted, quiz_submitted, assignment_graded, ...) and ``event.data`` a dict of plain
    values (ids, amounts). A rolled-back transaction emits nothing. Keep the work short (queue a
    job for anything slow); an exception is logged and does not reach the user who caused it.
    """


@hookspec
def lms_http_routes() -> list[Any]:
    """Add HTTP routes beside Reflex's websocket: Starlette ``Route``/``Mount`` objects (a FastAPI
    app or router can be mounted with ``Mount``). Authenticate by the ``lms_session`` cookie
    (``lms_app.core.sessions.SESSION_COOKIE``) and check permission in the service you call.

    The request guard (``lms_app.core.request_guard``) runs first: bodies over 16 KB are refused
    before they are read, and POST/PUT/PATCH/DELETE need a trusted ``Origin`` (POST/PUT/PATCH a
    JSON body). Decorate an endpoint with ``route_policy(max_body=..., server_to_server=True)``
    (from ``plugin_api``) for a larger body or a caller that is a server authenticated by a
    signature; build absolute URLs with ``lms_app.core.origins.public_base``, never from Host."""


@hookspec
def lms_scheduled_jobs() -> list[ScheduledJob]:
    """Declare periodic jobs: ``ScheduledJob(name, every_minutes, run)`` where ``run(session,
    settings)`` does one round of work in one transaction and returns how much it did (an int).

    ``python -m lms_app.manage jobs`` lists them and ``manage jobs run NAME`` runs one round (by
    hand or from cron); a job worker runs them on their schedule. Jobs must be idempotent: a
    round may run twice.
    """


@hookspec
def lms_metrics() -> list[MetricGauge]:
    """Add gauges to the Prometheus metrics at ``/metrics``: ``MetricGauge(name, help, read)``
    where ``read()`` returns a number when the endpoint is scraped (the jobs feature reports the
    queue's depth and failed runs this way).

    ``read`` runs in a worker thread on every scrape: keep it to one cheap query or call, and
    name the gauge ``lms_<feature>_<what>``. A read that raises is left out of that scrape.
    """


@hookspec
def lms_notification_kinds() -> list[NotificationKind]:
    """Register kinds of notification, so users can choose their channels for them on the profile.

    Return ``NotificationKind(name, label, channels=("in_app",), group="...")`` objects
    (``lms_app.core.plugin_api``); ``channels`` are the ones on by default, from ``"in_app"``
    (the bell), ``"email"`` (a mail with a one-click unsubscribe link) and ``"digest"`` (the weekly
    summary mail). Then send with ``lms_app.notifications.notify(session, user_id, kind, title,
    link, body="", dedupe_key=None)`` inside your transaction: it honours the user's preferences,
    writes nothing for a rolled-back transaction and queues the mail after commit. ``link`` is a
    path in the app (``"/courses/python"``); ``dedupe_key`` makes a repeated call a no-op. Names are
    unique: a second registration of one name fails at start-up.
    """


@hookspec
def lms_demo_data(session: Session, settings: Settings) -> dict[str, int] | None:
    """Add demo data when the seed runs (``manage seed``/``prepare`` with ``LMS_DEMO_DATA`` on).

    Must be idempotent: the seed runs on every start, so look records up by a natural key and
    create only what is missing. Called in the seed's transaction after the demo users
    (``learner@example.com``, ``teacher@example.com``, ``admin@example.com``), categories and
    courses exist. Return counts of what you created (``{"quizzes": 1}``) for the summary.
    """


@hookspec
def lms_migrations() -> list[MigrationsSpec]:
    """Give the folder of your plugin's Alembic migrations (its own branch).

    Return ``MigrationsSpec(branch, path)``. The plugin's first revision sets
    ``branch_labels = ("<branch>",)`` and ``depends_on`` a built-in revision it needs (for
    foreign keys); ``manage migrate`` upgrades every branch (``heads``). Built-in features share
    the app's one linear history and do not implement this hook.
    """


@hookspec
def lms_personal_data() -> list[PersonalData]:
    """Declare every table where your feature keeps data about a person, and its erasure rule.

    Return ``PersonalData(table, user_columns, erase=..., why=...)`` objects, one per table (or
    per group of columns with the same rule). "Download my data" exports the rows (and the
    ``files``) of every declaration; "Delete my account" applies each ``erase`` rule ("delete",
    "detach", "keep", or a function) and then anonymises the ``users`` row itself. A test fails
    when a table has a column referencing ``users.id`` that no declaration names, so a new
    table is not forgotten. See ``docs/privacy.md`` for the rules the built-in features chose.
    """


@hookspec
def lms_api_routers() -> list[Any]:
    """Add REST endpoints under ``/api/v1``: FastAPI ``APIRouter`` objects (paths relative to
    ``/api/v1``, e.g. ``/courses``), included in plugin order into the one OpenAPI document.

    Authenticate with ``Depends(lms_app.api.deps.require("read"|"learn"|"teach"|"admin"))``,
    which gives a ``Principal`` whose ``.actor`` the services check exactly as the pages' do:
    call the same service functions (``lms_app.core.db.run_db``), never re-implement a rule.
    Response models are the pages' TypedDict DTOs or Pydantic models (no SQLModel row); errors
    are raised as ``ServiceError``/``PermissionDenied`` or ``lms_app.api.errors.ApiError`` and
    answered in one shape (``{"error", "code", "field"}``); declare them with
    ``lms_app.api.errors.responses(401, 403, ...)``. The request guard (body limits, JSON only)
    and the rate limits run in front of every endpoint."""


@hookspec
def lms_course_access(session: Session, user_id: int, course_id: int) -> bool | None:
    """Say whether something other than an enrolment opens a course for a learner now (a live
    subscription or all-access pass, a bundle...). Return True to open it; False or None says
    nothing. The one course-access rule (``lms_app.learning.services.course_access``) asks this
    only when the learner is not enrolled, and only for published or archived courses; it is
    used by the lesson page, the lesson file route and the API alike. Answer with one query.
    """


@hookspec
def lms_credentials_revoked(session: Session, user_id: int, reason: str) -> int | None:
    """A person's web sessions were just ended in ``session``'s transaction; end the credentials
    your plugin issued to them too (API tokens, feed links...) in the same transaction and
    return how many (or None). ``reason`` is one of ``deactivated`` (an admin locked the
    account), ``erased`` (the account is being deleted), ``password_reset`` (a reset link was
    used: treat it as a possible takeover), ``password_changed`` (the person changed it; their
    current browser session stays) and ``signed_out_everywhere``. Called by
    ``lms_app.core.sessions.revoke_user_sessions`` when its caller names a reason."""


@hookspec
def lms_course_access_many(session: Session, user_id: int, course_ids: list[int]) -> list[int] | None:
    """The batch form of ``lms_course_access`` for lists: which of ``course_ids`` something other
    than an enrolment opens for this learner now. Lists of a learner's courses (the dashboard,
    announcements) use it to drop courses whose subscription-granted enrolment no longer counts,
    in a fixed number of queries. A plugin that implements ``lms_course_access`` should implement
    this too, with the same rule, in one or two queries; return None to say nothing."""
