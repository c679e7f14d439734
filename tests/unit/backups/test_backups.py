"""Backup and restore: an instance populated through the services (demo data, a paid order, a
quiz attempt, a certificate with its PDF, an avatar) is backed up, restored into a second empty
instance, and every table and file compared; corrupt and mismatched archives are refused."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, select

import lms_app.core.db
from lms_app.backups import plugin as backup_plugin
from lms_app.backups import services as backups
from lms_app.certificates.services import issuing
from lms_app.commerce.gateways import get_gateway
from lms_app.commerce.services import checkout
from lms_app.core.courses import Course, Lesson
from lms_app.core.db import make_engine
from lms_app.core.sessions import Actor
from lms_app.core.users import User
from lms_app.demo.seed import seed_demo_data
from lms_app.quizzes.services import attempts
from lms_app.quizzes.services.demo import COURSE_SLUG, LESSON_TITLE
from lms_app.accounts.services import profiles


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, role=user.role, session_id=0)


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (30, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def populated(settings):
    """Demo data plus one of each kind of record and file the services write."""
    with Session(lms_app.core.db.get_engine(), expire_on_commit=False) as session:
        seed_demo_data(session, settings)
        session.commit()
        users = {u.email: u for u in session.exec(select(User)).all()}
        learner, admin = users["learner@example.com"], users["admin@example.com"]
        paid = session.exec(select(Course).where(Course.price_minor > 0, Course.status == "published")).first()
        checkout.purchase(session, settings, _actor(learner), paid.slug, "",
                          checkout.CardDetails("4242424242424242", "12/40", "123", "Demo Learner"),
                          get_gateway(settings))
        session.commit()
        quiz_lesson = session.exec(select(Lesson).join(Course, Course.id == Lesson.course_id)
                                   .where(Course.slug == COURSE_SLUG, Lesson.title == LESSON_TITLE)).one()
        attempts.start_attempt(session, _actor(learner), quiz_lesson.id)
        session.commit()
        cert = issuing.issue_manually(session, _actor(admin), learner.email, paid.id)
        session.commit()
        issuing.pdf_file(session, settings, _actor(admin), cert.number, "http://localhost:3000")
        session.commit()
        profiles.set_avatar(session, settings, _actor(learner), _png())
        session.commit()
    return settings


def _rows(engine) -> dict[str, list[tuple]]:
    out = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(r) for r in conn.execute(table.select().order_by(*order))]
    return out


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def elsewhere(settings, tmp_path):
    """A second, empty instance: its own data folder and database (SQLite file or PG database)."""
    url = settings.database_url
    if settings.is_sqlite:
        target_url = f"sqlite:///{tmp_path / 'restored' / 'lms.db'}"
        created = None
    else:
        name = f"{make_url(url).database}_restore"
        admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        target_url = make_url(url).set(database=name).render_as_string(hide_password=False)
        created = name
    other = dataclasses.replace(settings, data_dir=tmp_path / "restored", database_url=target_url)
    yield other
    if created:
        lms_app.core.db.reset_engine()
        admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)'))
        admin.dispose()


def test_backup_then_restore_elsewhere_gives_the_same_tables_and_files(populated, elsewhere, tmp_path):
    source_rows = _rows(lms_app.core.db.get_engine())
    assert source_rows["orders"] and source_rows["quiz_attempts"] and source_rows["certificates"]
    source_files = _files(populated.media_dir)
    assert any(name.startswith("certificates/") for name in source_files)
    assert any(name.startswith("avatars/") for name in source_files)

    archive = backups.create_backup(populated, tmp_path / "archives")
    manifest = backups.read_manifest(archive)
    assert manifest.engine == backups.engine_name(populated)
    assert manifest.revisions == backups.code_revisions()
    assert manifest.file_count == len(source_files)

    backups.restore_backup(elsewhere, archive)

    restored_engine = make_engine(elsewhere.database_url)
    try:
        assert _rows(restored_engine) == source_rows
    finally:
        restored_engine.dispose()
    assert _files(elsewhere.media_dir) == source_files


def test_restore_refuses_an_instance_that_holds_data(populated, tmp_path):
    archive = backups.create_backup(populated, tmp_path)
    with pytest.raises(backups.BackupError, match="already holds data"):
        backups.restore_backup(populated, archive)


def _rewrite(archive: Path, target: Path, change) -> Path:
    """Copy ``archive`` to ``target`` passing each (TarInfo, bytes) through ``change``."""
    with tarfile.open(archive) as src, tarfile.open(target, "w") as dst:
        for member in src:
            data = src.extractfile(member).read()
            member, data = change(member, data)
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return target


def test_a_corrupt_or_mismatched_archive_is_refused_before_anything_is_written(populated, elsewhere, tmp_path):
    archive = backups.create_backup(populated, tmp_path / "archives")

    def flip_a_byte(member, data):
        if member.name.startswith("files/avatars/"):
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        return member, data

    corrupt = _rewrite(archive, tmp_path / "corrupt.tar", flip_a_byte)
    with pytest.raises(backups.BackupError, match="checksum"):
        backups.restore_backup(elsewhere, corrupt)

    def other_schema(member, data):
        if member.name == backups.MANIFEST:
            manifest = json.loads(data)
            manifest["revisions"] = ["0003"]
            data = json.dumps(manifest).encode()
        return member, data

    old = _rewrite(archive, tmp_path / "old.tar", other_schema)
    with pytest.raises(backups.BackupError, match="expects"):
        backups.restore_backup(elsewhere, old)

    def escape(member, data):
        if member.name.startswith("files/avatars/"):
            member.name = "files/../../outside.png"
        return member, data

    escaping = _rewrite(archive, tmp_path / "escape.tar", escape)
    with pytest.raises(backups.BackupError):
        backups.restore_backup(elsewhere, escaping)

    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 3])
    with pytest.raises(backups.BackupError):
        backups.restore_backup(elsewhere, truncated)

    assert not elsewhere.media_dir.exists()  # nothing was written by any refused restore
    assert backups.instance_is_empty(elsewhere)


def test_the_daily_job_writes_an_archive_and_keeps_only_the_newest(populated, use_env, tmp_path, db):
    from lms_app.core import plugins

    folder = tmp_path / "daily"
    use_env(LMS_BACKUP_DIR=str(folder), LMS_BACKUP_KEEP="2")
    plugins._plugin_settings.cache_clear()
    try:
        for _ in range(3):
            assert backup_plugin.run_scheduled_backup(db, get_settings_fresh()) == 1
        archives = sorted(folder.glob("lms-backup-*.tar"))
        assert len(archives) == 2
        assert all(backups.verify_archive(a).engine == backups.engine_name(populated) for a in archives)
    finally:
        plugins._plugin_settings.cache_clear()


def test_without_a_backup_folder_the_job_does_nothing(use_env, db, tmp_path):
    from lms_app.core import plugins

    use_env(LMS_BACKUP_DIR=None)
    plugins._plugin_settings.cache_clear()
    try:
        assert backup_plugin.run_scheduled_backup(db, get_settings_fresh()) == 0
    finally:
        plugins._plugin_settings.cache_clear()


def get_settings_fresh():
    from lms_app.core.settings import get_settings

    return get_settings()
