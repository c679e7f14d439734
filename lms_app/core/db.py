"""Engine and session factories.

All database work is synchronous SQLModel code. Async handlers run it with ``run_db`` in a
worker thread, so the event loop never blocks and the same code works on SQLite (which has no
async driver installed) and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from pathlib import Path

from sqlalchemy import event, make_url
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from lms_app.core import events  # noqa: F401  (its after-commit listeners exist before any session commits)
from lms_app.core.settings import get_settings

P = ParamSpec("P")
T = TypeVar("T")


def dialect_insert(session: Session):
    """The INSERT of the session's database that has ``on_conflict_do_nothing`` /
    ``on_conflict_do_update`` (PostgreSQL and SQLite spell them alike). Services use it instead of
    a savepoint: on SQLite releasing an outermost savepoint commits."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def make_engine(url: str) -> Engine:
    """An engine tuned for the backend: SQLite gets WAL and a busy timeout, PG a pool."""
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@functools.lru_cache(maxsize=1)
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


def reset_engine() -> None:
    """Drop the cached engine (tests switch databases between sessions)."""
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def _call_in_session(fn: Callable[..., T], *args, **kwargs) -> T:
    with session_scope() as session:
        return fn(session, *args, **kwargs)


async def run_db(fn: Callable[..., T], *args, **kwargs) -> T:
    """Run ``fn(session, *args, **kwargs)`` in a worker thread inside one transaction."""
    return await asyncio.to_thread(_call_in_session, fn, *args, **kwargs)
