"""A throwaway database for a benchmark: a temp SQLite file, or a fresh schema on a PostgreSQL URL.

Sets LMS_ENV/LMS_DATA_DIR/LMS_DATABASE_URL before lms_app is imported, and drops everything
afterwards, so benchmarks never touch data/ or the test database.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from urllib.parse import quote


@contextmanager
def scratch_database(database_url: str | None, name: str):
    os.environ["LMS_ENV"] = "test"
    tmp = tempfile.mkdtemp(prefix=f"lms-bench-{name}-")
    os.environ["LMS_DATA_DIR"] = tmp
    schema = None
    if database_url:
        from sqlalchemy import create_engine, text

        schema = f"{name}_bench_{secrets.token_hex(4)}"
        admin = create_engine(database_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        sep = "&" if "?" in database_url else "?"
        os.environ["LMS_DATABASE_URL"] = f"{database_url}{sep}options={quote(f'-csearch_path={schema}')}"
    else:
        os.environ.pop("LMS_DATABASE_URL", None)
    try:
        yield
    finally:
        import lms_app.core.db

        lms_app.core.db.reset_engine()
        shutil.rmtree(tmp, ignore_errors=True)
        if schema:
            from sqlalchemy import create_engine, text

            admin = create_engine(database_url)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
