"""Schema objects that live only in migrations, and the filter that hides them from comparison.

PostgreSQL gets a generated, stored ``courses.search_vector`` tsvector and its GIN index for
catalog full-text search (migration 0003). SQLite has no equivalent, so the models do not
declare them; autogenerate (alembic/env.py) and the models-vs-migrations test
(tests/unit/test_migrations.py) skip them by name.
"""

from __future__ import annotations

MIGRATION_ONLY_INDEXES = frozenset({"ix_courses_search_vector"})
MIGRATION_ONLY_COLUMNS = frozenset({("courses", "search_vector")})


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic ``include_object`` hook: leave the migration-only objects out of comparison."""
    if type_ == "index" and name in MIGRATION_ONLY_INDEXES:
        return False
    if type_ == "column" and (getattr(getattr(obj, "table", None), "name", None), name) in MIGRATION_ONLY_COLUMNS:
        return False
    return True
