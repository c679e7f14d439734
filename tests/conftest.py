"""Shared fixtures of the non-browser suite (tests/unit, tests/state, tests/security).

The environment is set *before* anything from ``lms_app`` is imported, so settings, the
engine, Alembic and Reflex's ``rxconfig`` all see the test configuration:

- ``LMS_DATABASE_URL`` = ``$LMS_TEST_DATABASE_URL`` when set (CI points it at PostgreSQL),
  else a SQLite file in a temporary directory that is removed at the end.
- bcrypt cost 4, so hashing costs about a millisecond.

The schema is built once per run by the real Alembic migrations (on PostgreSQL the ``public``
schema is dropped and recreated first, so reruns start clean). After every test of this suite
each table is emptied and the private media folder removed, so tests never see each other's
rows. Tests that depend on PostgreSQL behaviour are marked ``@pytest.mark.postgres``.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import logging
import os
import re
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

# --- environment first -------------------------------------------------------------------
_TMP = Path(tempfile.mkdtemp(prefix="lms-tests-"))
for _name in ("LMS_REDIS_URL", "LMS_SESSION_DAYS", "LMS_LOGIN_MAX_FAILURES", "LMS_LOGIN_WINDOW_MINUTES",
              "LMS_COOKIE_SECURE", "LMS_SECRET_KEY", "LMS_DEMO_DATA"):
    os.environ.pop(_name, None)
os.environ["LMS_ENV"] = "test"
os.environ["LMS_BCRYPT_COST"] = "4"
os.environ["LMS_DATA_DIR"] = str(_TMP / "data")
os.environ["LMS_DATABASE_URL"] = os.environ.get("LMS_TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
os.environ.setdefault("REFLEX_CHECK_LATEST_VERSION", "false")
os.environ.setdefault("REFLEX_PERF_MODE", "raise")

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from hypothesis.configuration import set_hypothesis_home_dir  # noqa: E402
from sqlalchemy import event, text  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import lms_app.core.db  # noqa: E402
from lms_app.core import plugins as _plugins  # noqa: E402

_plugins.manager()  # registers every table: built-in features and installed plugins
from lms_app.core.courses import Category, Course, Enrollment
from lms_app.core.users import User
from lms_app.core.types import utcnow  # noqa: E402
from lms_app.accounts.services import passwords
from lms_app.core import sessions
from lms_app.core.sessions import Actor  # noqa: E402
from lms_app.core.settings import get_settings  # noqa: E402
from tests.log_secrets import SECRET_SHAPES  # noqa: E402

get_settings.cache_clear()
lms_app.core.db.reset_engine()

SETTINGS = get_settings()
IS_POSTGRES = SETTINGS.database_url.startswith("postgresql")
OUR_DIRS = {"unit", "state", "security"}
TESTS_DIR = Path(__file__).resolve().parent
DEFAULT_PASSWORD = "correct horse battery"


# No example database in the project folder; a fixed, small budget keeps the suite fast.
hypothesis_settings.register_profile("lms", database=None, max_examples=50, deadline=None)
hypothesis_settings.load_profile("lms")
set_hypothesis_home_dir(str(_TMP / "hypothesis"))


def pytest_report_header(config):
    backend = "postgresql" if IS_POSTGRES else "sqlite"
    return f"lms_app database: {backend} ({SETTINGS.database_url.split('@')[-1]})"


def pytest_collection_modifyitems(config, items):
    if IS_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set LMS_TEST_DATABASE_URL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# --- no secrets in the logs of the whole run (issue 17) -------------------------------------
# Every record any test makes at INFO or above (the production log level) is kept; at the end
# the run fails if one carries a test password, a session cookie value or a card number.


class _RunLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.found: list[str] = []

    def emit(self, record):
        try:
            text = record.getMessage() + "\n" + (self.format(record) if record.exc_info else "")
        except Exception:
            return
        self.found.extend(f"{record.name}: {text[:200]!r}" for shape in SECRET_SHAPES if shape.search(text))


RUN_LOG = _RunLog()
logging.getLogger().addHandler(RUN_LOG)


def pytest_sessionfinish(session, exitstatus):
    lms_app.core.db.reset_engine()
    shutil.rmtree(_TMP, ignore_errors=True)
    if RUN_LOG.found:
        print("\nSecrets found in the logs of this run:\n" + "\n".join(RUN_LOG.found[:20]))
        session.exitstatus = 1


# --- schema and isolation ----------------------------------------------------------------

def alembic_cfg(connection=None):
    """Alembic config of the project; with ``connection`` the migrations run on it."""
    from lms_app.manage import alembic_config

    cfg = alembic_config()
    cfg.attributes["configure_logger"] = False  # keep pytest's logging set-up
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _reset_postgres_schema() -> None:
    engine = lms_app.core.db.get_engine()
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def make_alembic_cfg():
    """``make_alembic_cfg(connection=None)``: the project's Alembic config (for migration tests)."""
    return alembic_cfg


@pytest.fixture(scope="session")
def _schema():
    """The schema at Alembic heads (the app's and each installed plugin's branch), built once per
    run from the migrations themselves."""
    from alembic import command

    if IS_POSTGRES:
        _reset_postgres_schema()
    command.upgrade(alembic_cfg(), "heads")
    yield


def _empty_tables() -> None:
    engine = lms_app.core.db.get_engine()
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _isolated_db(request):
    """Every test of tests/{unit,state,security} starts from empty tables and no media files."""
    try:
        part = Path(request.node.path).resolve().relative_to(TESTS_DIR).parts[0]
    except ValueError:
        part = ""
    if part not in OUR_DIRS:
        yield
        return
    request.getfixturevalue("_schema")
    yield
    _empty_tables()
    shutil.rmtree(get_settings().media_dir, ignore_errors=True)


@pytest.fixture
def settings():
    return get_settings()


@pytest.fixture
def use_env(monkeypatch, request):
    """``use_env(LMS_PUBLIC_URL="https://...")``: change settings for one test (None removes a
    variable); the cached settings are reloaded now and again after the test."""

    def apply(**values):
        for name, value in values.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        return get_settings()

    request.addfinalizer(get_settings.cache_clear)  # runs before monkeypatch restores the env
    return apply


@pytest.fixture
def db():
    """A session on the test database (commit explicitly; rows are emptied after the test)."""
    with Session(lms_app.core.db.get_engine(), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def count_queries():
    """``with count_queries() as n: ...`` then ``n.count`` is how many SQL statements ran."""

    class Counter:
        def __init__(self):
            self.count = 0
            self.statements: list[str] = []

    @contextmanager
    def counting():
        engine = lms_app.core.db.get_engine()
        counter = Counter()

        def before(conn, cursor, statement, parameters, context, executemany):
            counter.count += 1
            counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting


# --- factories ---------------------------------------------------------------------------

_seq = itertools.count(1)


@pytest.fixture
def make_user():
    def factory(role: str = "learner", email: str | None = None, password: str = DEFAULT_PASSWORD,
                name: str | None = None, is_active: bool = True, **extra) -> User:
        n = next(_seq)
        extra.setdefault("email_verified_at", utcnow())  # verified unless a test says otherwise (None)
        user = User(email=email or f"user{n}@example.test", name=name or f"Test {role.title()} {n}", role=role,
                    is_active=is_active, password_hash=passwords.hash_password(password, get_settings().bcrypt_cost),
                    **extra)
        with lms_app.core.db.session_scope() as session:
            session.add(user)
        return user

    return factory


@pytest.fixture
def make_category():
    def factory(name: str | None = None, **extra) -> Category:
        n = next(_seq)
        category = Category(name=name or f"Category {n}", slug=f"category-{n}", position=n, **extra)
        with lms_app.core.db.session_scope() as session:
            session.add(category)
        return category

    return factory


@pytest.fixture
def make_course(make_user):
    def factory(teacher: User | None = None, status: str = "published", category: Category | None = None,
                title: str | None = None, **extra) -> Course:
        n = next(_seq)
        teacher = teacher or make_user(role="teacher")
        now = utcnow()
        course = Course(slug=f"course-{n}", title=title or f"Course {n}", teacher_id=teacher.id,
                        category_id=category.id if category else None, status=status,
                        published_at=now if status == "published" else None, **extra)
        with lms_app.core.db.session_scope() as session:
            session.add(course)
        return course

    return factory


@pytest.fixture
def enroll():
    def factory(user: User, course: Course) -> Enrollment:
        row = Enrollment(user_id=user.id, course_id=course.id)
        with lms_app.core.db.session_scope() as session:
            session.add(row)
        return row

    return factory


@pytest.fixture
def sign_in():
    """``sign_in(user)`` -> (raw session token, Actor) for a new server-side session."""

    def factory(user: User, days: int | None = None) -> tuple[str, Actor]:
        with lms_app.core.db.session_scope() as session:
            row, token = sessions.create_session(session, user.id, days or get_settings().session_days)
        return token, Actor(user_id=user.id, role=user.role, session_id=row.id)

    return factory


@pytest.fixture
def png_bytes():
    """A real PNG made with Pillow (``png_bytes(w, h)``)."""
    import io

    from PIL import Image

    def make(width: int = 64, height: int = 48, color=(200, 40, 90)) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (width, height), color).save(out, format="PNG")
        return out.getvalue()

    return make


# --- Reflex states without a browser -----------------------------------------------------

ROUTER_KEYS = re.compile(r"^rx_router_|^router")


class StateHarness:
    """Builds in-memory state trees and drives handlers the way the event processor does.

    - ``root(token=...)``: a fresh ``rx.State`` tree whose router carries the websocket
      handshake headers (``Cookie: lms_session=<token>`` when a token is given).
    - ``call(state, "handler", *args)``: runs ``EventHandler.fn`` (async, async generator or
      sync), returns the flat list of events it returned or yielded.
    - ``snapshot(root)``: every public var of every state as the JSON Reflex would send
      (router vars left out: the test sets them).
    """

    def __init__(self):
        import reflex as rx  # noqa: F401

        import lms_app.app  # noqa: F401  (registers every page state)
        from reflex.state import State

        self.State = State

    # -- building
    def root(self, token: str | None = None, *, cookie: str | None = None, path: str = "/",
             query: dict[str, str] | None = None):
        root = self.State(_reflex_internal_init=True)
        headers = {"origin": "http://localhost:3000", "host": "localhost:3000", "user-agent": "pytest"}
        if cookie is None and token is not None:
            from lms_app.core.sessions import SESSION_COOKIE

            cookie = f"theme=dark; {SESSION_COOKIE}={token}"
        if cookie:
            headers["cookie"] = cookie
        qs = urlencode(query or {})
        router_data = {
            "pathname": path, "asPath": path + (f"?{qs}" if qs else ""), "query": dict(query or {}),
            "headers": headers, "token": str(uuid.uuid4()), "sid": uuid.uuid4().hex, "ip": "127.0.0.1",
        }
        root.router_data = root._update_router_vars(router_data, {})
        root._clean()
        return root

    def sub(self, root, cls):
        return root.get_substate(cls.get_full_name().split("."))

    # -- running
    def call(self, state, name: str, *args, **kwargs) -> list:
        handler = type(state).event_handlers[name]
        return asyncio.run(self._drive(handler.fn, state, args, kwargs))

    async def _drive(self, fn, state, args, kwargs) -> list:
        events: list = []
        result = fn(state, *args, **kwargs)
        if inspect.isasyncgen(result):
            async for item in result:
                events.extend(_flatten(item))
        elif inspect.isgenerator(result):
            for item in result:
                events.extend(_flatten(item))
        else:
            if inspect.isawaitable(result):
                result = await result
            events.extend(_flatten(result))
        return events

    # -- reading
    def serialize(self, obj) -> str:
        from reflex_base.utils.format import json_dumps

        return json_dumps(obj)

    def snapshot(self, root) -> dict:
        full = json.loads(self.serialize(root.dict()))
        return {state: {k: v for k, v in fields.items() if not ROUTER_KEYS.match(k)} for state, fields in full.items()}

    def dirty(self, root) -> dict[str, set[str]]:
        """Dirty public vars per state (what the next delta would carry), router vars left out."""
        found: dict[str, set[str]] = {}

        def walk(state):
            names = {v for v in state.dirty_vars if not ROUTER_KEYS.match(v)} & set(state._frontend_var_names)
            if names:
                found[state.get_full_name()] = names
            for sub in state.substates.values():
                walk(sub)

        walk(root)
        return found

    # -- events
    @staticmethod
    def render(spec) -> str:
        from reflex_base.utils import format

        return format.format_event(spec)

    @staticmethod
    def _args(spec) -> dict:
        out = {}
        for key, value in spec.args:
            out[key._js_expr] = getattr(value, "_var_value", value._js_expr)
        return out

    def redirects(self, events) -> list[str]:
        return [self._args(e)["path"] for e in events if _handler_name(e) == "_redirect"]

    def scripts(self, events) -> list[str]:
        return [self._args(e)["javascript_code"] for e in events if _handler_name(e) == "_call_script"]

    def toasts(self, events) -> list[tuple[str, str]]:
        """(level, rendered event) of every toast."""
        out = []
        for e in events:
            if _handler_name(e) == "_call_function":
                rendered = self.render(e)
                if "__toast" in rendered:
                    m = re.search(r'\["(\w+)"\]', rendered)
                    out.append((m.group(1) if m else "", rendered))
        return out


def _handler_name(spec) -> str:
    handler = getattr(spec, "handler", None)
    return getattr(getattr(handler, "fn", None), "__qualname__", "")


def _flatten(item) -> list:
    if item is None:
        return []
    if isinstance(item, (list, tuple)):
        out = []
        for x in item:
            out.extend(_flatten(x))
        return out
    return [item]


@pytest.fixture(scope="session")
def states() -> StateHarness:
    return StateHarness()


@pytest.fixture
def add_plugin():
    """Register a plugin object for one test (``add_plugin(obj, name)``); unregistered afterwards."""
    added = []

    def add(plugin, name: str):
        _plugins.manager().register(plugin, name=name)
        added.append(plugin)
        _plugins.refresh()
        return plugin

    yield add
    for plugin in added:
        _plugins.manager().unregister(plugin)
    _plugins.refresh()
