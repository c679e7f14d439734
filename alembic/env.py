"""Alembic environment, hand-written so migrations use the app's own settings and models.

- The URL comes from ``lms_app.core.settings`` (LMS_DATABASE_URL), or from the connection a caller
  passes in ``config.attributes["connection"]`` (tests and the migrate command do).
- ``compare_type=True`` so a column type change produces a migration.
- Batch mode on SQLite, which cannot ALTER most things in place.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

from lms_app.core.schema_extras import include_object
from lms_app.core.db import make_engine
from lms_app.core import plugins
from lms_app.core.settings import get_settings

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

plugins.manager()  # imports every feature's and installed plugin's tables
target_metadata = SQLModel.metadata

# Indexes that exist only in migrations (the PostgreSQL full-text GIN index) are neither
# dropped nor reported by autogenerate: see lms_app/core/schema_extras.py.


def _configure(connection=None, url=None) -> None:
    dialect = connection.dialect.name if connection is not None else url.split(":", 1)[0]
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=dialect.startswith("sqlite"),
        literal_binds=connection is None,
        user_module_prefix="lms_app.core.types.",
        include_object=include_object,
    )


def run_migrations_offline() -> None:
    _configure(url=get_settings().database_url)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(get_settings().database_url)
    try:
        with engine.connect() as conn:
            _configure(connection=conn)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
