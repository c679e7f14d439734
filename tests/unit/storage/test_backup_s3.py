"""Backups of an instance on object storage: the archive holds the bucket's objects (read through
core/storage.py), and restores into an instance on the local folder or on another bucket."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid

import pytest
from sqlalchemy import func, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

import lms_app.core.db
from lms_app.accounts.services import profiles
from lms_app.authoring.services import curriculum
from lms_app.backups import services as backups
from lms_app.core import storage
from lms_app.core.courses import Lesson
from lms_app.core.db import make_engine, session_scope
from lms_app.core.users import User
from tests.authoring_support import actor_of, build_course
from tests.s3_support import bucket_objects, s3_client

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 64 + b"\n%%EOF"


@pytest.fixture
def empty_databases(settings):
    """``new()`` -> URL of a new empty database (a SQLite file, or a PostgreSQL database dropped after)."""
    created = []
    url = settings.database_url

    def new(tmp_dir) -> str:
        if settings.is_sqlite:
            return f"sqlite:///{tmp_dir / f'{uuid.uuid4().hex[:8]}.db'}"
        name = f"{make_url(url).database}_r{uuid.uuid4().hex[:8]}"
        admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        created.append(name)
        return make_url(url).set(database=name).render_as_string(hide_password=False)

    yield new
    lms_app.core.db.reset_engine()
    if created:
        admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_backup_of_an_s3_instance_holds_its_objects_and_restores_to_local_or_s3(
        s3_env, s3_bucket, make_user, sign_in, png_bytes, tmp_path, empty_databases):
    teacher, learner = make_user(role="teacher"), make_user()
    _, actor = sign_in(learner)
    c = build_course(teacher, modules=1, lessons=1, lesson_type="pdf", status="published")
    with session_scope() as s:
        curriculum.set_lesson_file(s, s3_env, actor_of(teacher), c["lessons"][0], PDF, "notes.pdf")
        profiles.set_avatar(s, s3_env, actor, png_bytes())
    endpoint, bucket = s3_bucket
    objects = {k.removeprefix("media/"): v for k, v in bucket_objects(endpoint, bucket).items()}
    assert len(objects) == 2 and not s3_env.media_dir.exists()

    archive = backups.create_backup(s3_env, tmp_path / "archives")
    manifest = backups.verify_archive(archive)
    assert {name.removeprefix("files/"): m["sha256"] for name, m in manifest.members.items()
            if name.startswith("files/")} == {k: _sha(v) for k, v in objects.items()}

    with Session(lms_app.core.db.get_engine()) as s:
        users = s.exec(select(func.count()).select_from(User)).one()
        lesson_key = s.exec(select(Lesson.file_key).where(Lesson.id == c["lessons"][0])).one()

    # into an instance on the local folder
    local = dataclasses.replace(s3_env, storage_backend="local", data_dir=tmp_path / "local",
                                database_url=empty_databases(tmp_path))
    backups.restore_backup(local, archive)
    assert {k: p.read_bytes() for k in objects if (p := local.media_dir / k).is_file()} == objects
    engine = make_engine(local.database_url)
    try:
        with Session(engine) as s:
            assert s.exec(select(func.count()).select_from(User)).one() == users
            assert s.exec(select(Lesson.file_key).where(Lesson.id == c["lessons"][0])).one() == lesson_key
    finally:
        engine.dispose()

    # into an instance on another bucket
    other = f"lms-{uuid.uuid4().hex[:12]}"
    s3_client(endpoint).create_bucket(Bucket=other)
    remote = dataclasses.replace(s3_env, s3_bucket=other, data_dir=tmp_path / "remote",
                                 database_url=empty_databases(tmp_path))
    assert backups.instance_is_empty(remote)
    backups.restore_backup(remote, archive)
    assert {k.removeprefix("media/"): v for k, v in bucket_objects(endpoint, other).items()} == objects
    assert not backups.instance_is_empty(remote)
    with pytest.raises(backups.BackupError, match="already holds data"):
        backups.restore_backup(remote, archive)
    assert storage.get_storage(remote).kind == "s3"
