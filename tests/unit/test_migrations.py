"""The migrations build exactly the schema the models describe, and run down and up again.

The built-in features share one linear history (one head); each installed plugin with tables
adds its own branch (``lms_migrations``), and these tests cover it like the app's own.

Runs on the configured database: SQLite by default, PostgreSQL when LMS_TEST_DATABASE_URL is
set. The down/up round trip uses a separate SQLite file, and on PostgreSQL a separate schema,
so the shared test schema is never touched.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import lms_app.core.db
from lms_app.core import plugins
from lms_app.core.schema_extras import include_object
from lms_app.core.settings import get_settings

MODEL_TABLES = {t.name for t in SQLModel.metadata.sorted_tables}


def schema_diff(conn) -> list:
    context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False,
                                                     "include_object": include_object})
    return compare_metadata(context, SQLModel.metadata)


BUILTIN_VERSIONS = Path(__file__).resolve().parents[2] / "alembic" / "versions"


def heads(cfg) -> set[str]:
    """Every head: exactly one for the built-in history, plus one per plugin branch."""
    script = ScriptDirectory.from_config(cfg)
    found = set(script.get_heads())
    builtin = {h for h in found if Path(script.get_revision(h).path).parent == BUILTIN_VERSIONS}
    assert len(builtin) == 1, f"the built-in migration history has several heads: {builtin}"
    branches = {spec.branch for spec in plugins.collected("lms_migrations")}
    plugin_heads = found - builtin
    assert {label for h in plugin_heads for label in script.get_revision(h).branch_labels} <= branches
    assert len(plugin_heads) == len(branches), f"one head per plugin branch: {plugin_heads} for {branches}"
    return found


def recorded_heads(cfg) -> set[str]:
    """What ``alembic_version`` holds at heads: a head another branch depends on is implied by
    that branch's head and not recorded (a plugin may depend on the built-in head)."""
    script = ScriptDirectory.from_config(cfg)
    all_heads = heads(cfg)
    implied = {rev.revision for head in all_heads for rev in script.iterate_revisions(head, "base")
               if rev.revision != head}
    return all_heads - implied


def test_configured_database_is_at_heads_and_matches_the_models(make_alembic_cfg):
    with lms_app.core.db.get_engine().connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
        assert current == recorded_heads(make_alembic_cfg())
        diff = schema_diff(conn)
    assert diff == [], f"models and migrations disagree; run alembic revision --autogenerate: {diff}"


def test_check_constraints_of_the_models_exist_in_the_database():
    wanted = {(t.name, c.name) for t in SQLModel.metadata.sorted_tables for c in t.constraints
              if c.__class__.__name__ == "CheckConstraint"}
    assert wanted, "the models declare CHECK constraints"
    insp = inspect(lms_app.core.db.get_engine())
    found = {(t, c["name"]) for t in MODEL_TABLES for c in insp.get_check_constraints(t)}
    assert wanted <= found, wanted - found


def test_database_enforces_role_values():
    with pytest.raises(IntegrityError):
        with lms_app.core.db.get_engine().begin() as conn:
            conn.execute(text(
                "INSERT INTO users (email, password_hash, name, role, is_active, bio, timezone, created_at, "
                "updated_at) VALUES ('x@example.com', 'h', 'X', 'superuser', true, '', 'UTC', CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"))


def test_comparison_would_catch_a_column_type_change():
    """The no-difference assertion above can fail: a changed type is reported (compare_type)."""
    from sqlalchemy import MetaData, String

    changed = MetaData()
    for table in SQLModel.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["users"].c.name.type = String(50)
    with lms_app.core.db.get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, changed)
    assert any(isinstance(d, list) and d and d[0][0] == "modify_type" for d in diff), diff


def _round_trip(engine, cfg_factory) -> None:
    with engine.begin() as conn:
        command.upgrade(cfg_factory(conn), "heads")
    assert MODEL_TABLES <= set(inspect(engine).get_table_names())
    with engine.begin() as conn:
        command.downgrade(cfg_factory(conn), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    with engine.begin() as conn:
        command.upgrade(cfg_factory(conn), "heads")
    with engine.connect() as conn:
        assert set(MigrationContext.configure(conn).get_current_heads()) == recorded_heads(cfg_factory())
        assert schema_diff(conn) == []


def test_downgrade_base_then_upgrade_head_on_a_fresh_sqlite_file(tmp_path, make_alembic_cfg):
    engine = lms_app.core.db.make_engine(f"sqlite:///{tmp_path / 'migrations.db'}")
    try:
        _round_trip(engine, make_alembic_cfg)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_downgrade_base_then_upgrade_head_in_a_separate_postgres_schema(make_alembic_cfg):
    from sqlalchemy import create_engine

    schema = f"lms_migtest_{uuid.uuid4().hex[:8]}"
    url = get_settings().database_url
    admin = lms_app.core.db.get_engine()
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT current_schema()")).scalar() == schema
        _round_trip(engine, make_alembic_cfg)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    # The shared schema is untouched.
    assert MODEL_TABLES <= set(inspect(admin).get_table_names())


@pytest.mark.postgres
def test_timestamps_are_timestamptz_on_postgres():
    from lms_app.core.types import UTCDateTime

    wanted = {(t.name, c.name) for t in SQLModel.metadata.sorted_tables for c in t.columns
              if isinstance(c.type, UTCDateTime)}
    with lms_app.core.db.get_engine().connect() as conn:
        rows = conn.execute(text(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema()")).all()
    types = {(t, c): d for t, c, d in rows}
    assert wanted and all(types[k] == "timestamp with time zone" for k in wanted), {k: types[k] for k in wanted}
