"""Backup and restore time for an instance of about 1 GB (issue 16).

Builds a scratch instance with the real migrations and demo data, adds ``--size-mb`` of stored
files (incompressible, like videos and PDFs: 40 files), then times ``create_backup`` and
``restore_backup`` into a second empty instance. On PostgreSQL (``--database-url`` naming any
database on the server) two scratch databases are created and dropped.

    python bench/backup.py                         # SQLite
    python bench/backup.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", help="a PostgreSQL server (any database on it); default SQLite")
    parser.add_argument("--size-mb", type=int, default=1024)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="lms-bench-backup-"))
    os.environ.update({"LMS_ENV": "test", "LMS_BCRYPT_COST": "4", "LMS_DATA_DIR": str(tmp / "source")})
    created: list[str] = []
    admin = None
    if args.database_url:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
        names = [f"bench_backup_{secrets.token_hex(3)}_{kind}" for kind in ("source", "target")]
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        created = names
        urls = [make_url(args.database_url).set(database=n).render_as_string(hide_password=False) for n in names]
        os.environ["LMS_DATABASE_URL"] = urls[0]
    else:
        os.environ.pop("LMS_DATABASE_URL", None)
    try:
        from lms_app import manage
        from lms_app.backups import services
        from lms_app.core.settings import get_settings

        manage.migrate()
        manage.seed()
        settings = get_settings()
        media = settings.media_dir / "lessons"
        media.mkdir(parents=True, exist_ok=True)
        per_file = args.size_mb * (1 << 20) // 40
        for i in range(40):
            (media / f"video-{i:02d}.mp4").write_bytes(os.urandom(per_file))
        target_url = (urls[1] if args.database_url else f"sqlite:///{tmp / 'target' / 'lms.db'}")
        target = dataclasses.replace(settings, data_dir=tmp / "target", database_url=target_url)

        started = time.perf_counter()
        archive = services.create_backup(settings, tmp / "archives")
        took_backup = time.perf_counter() - started
        size = archive.stat().st_size
        started = time.perf_counter()
        services.restore_backup(target, archive)
        took_restore = time.perf_counter() - started
        engine = "PostgreSQL" if args.database_url else "SQLite"
        print(f"{engine}: archive {size / 1e9:.2f} GB ({services.read_manifest(archive).file_count} files)")
        print(f"  backup  {took_backup:6.1f} s  ({size / 1e6 / took_backup:.0f} MB/s)")
        print(f"  restore {took_restore:6.1f} s  (checksums verified, then database and files restored)")
    finally:
        from lms_app.core import db

        db.reset_engine()
        shutil.rmtree(tmp, ignore_errors=True)
        if admin is not None:
            from sqlalchemy import text

            with admin.connect() as conn:
                for name in created:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
