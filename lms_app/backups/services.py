"""Backup and restore of one instance: a consistent database snapshot plus every stored file.

An archive is a plain (uncompressed: videos and PDFs don't compress) tar file::

    manifest.json        format, creation time, engine, migration revisions, every member's
                         size and SHA-256
    database.sqlite3     SQLite: a copy made with SQLite's online backup API (consistent while
                         the app keeps writing)
    database.pgdump      PostgreSQL: ``pg_dump --format=custom`` (one transaction snapshot)
    files/<key>          every stored file (avatars, thumbnails, lesson files, submissions,
                         certificates), read through core/storage.py: the media folder with
                         local storage, the bucket's objects with object storage (LMS_STORAGE=s3)

``restore_backup`` checks the whole archive before it touches anything: every checksum, the
engine, and that the archive's migration revisions are the code's (a dump from another version
of the schema would restore tables the code does not expect). It restores only into an empty
instance, so an operator cannot overwrite live data by a slip of the finger.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from sqlalchemy.engine import make_url

from lms_app.core.db import make_engine
from lms_app.core.settings import Settings
from lms_app.core.storage import Storage, check_key, get_storage

FORMAT = 1
MANIFEST = "manifest.json"
PREFIX = "lms-backup-"
SUFFIX = ".tar"
_CHUNK = 1 << 20


class BackupError(Exception):
    """An archive that cannot be written or must not be restored; the message says why."""


@dataclass(frozen=True)
class Manifest:
    created_at: str
    engine: str
    revisions: tuple[str, ...]
    members: dict[str, dict]  # archive name -> {"size": int, "sha256": str}

    @property
    def file_count(self) -> int:
        return sum(1 for name in self.members if name.startswith("files/"))

    @property
    def total_bytes(self) -> int:
        return sum(m["size"] for m in self.members.values())


def engine_name(settings: Settings) -> str:
    return "sqlite" if settings.is_sqlite else "postgresql"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq_url(database_url: str) -> str:
    """``postgresql+psycopg://...`` as pg_dump/pg_restore understand it (no driver suffix)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(database_url: str) -> Path:
    return Path(make_url(database_url).database or "")


def _revisions(database_url: str) -> tuple[str, ...]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            if not sa_inspect(conn).has_table("alembic_version"):
                return ()
            return tuple(sorted(r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))))
    finally:
        engine.dispose()


def code_revisions() -> tuple[str, ...]:
    """The migration heads this version of the code expects (the app's and each plugin branch)."""
    from alembic.script import ScriptDirectory

    from lms_app.manage import alembic_config

    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def _snapshot_database(settings: Settings, workdir: Path) -> Path:
    if settings.is_sqlite:
        target = workdir / "database.sqlite3"
        source = sqlite3.connect(str(_sqlite_path(settings.database_url)))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)  # the online backup API: a consistent copy while others write
        finally:
            copy.close()
            source.close()
        return target
    target = workdir / "database.pgdump"
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(target),
          "--dbname", _libpq_url(settings.database_url)], "pg_dump")
    return target


def _run(argv: list[str], what: str) -> None:
    try:
        result = subprocess.run(argv, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"{what} is not installed (it comes with PostgreSQL's client tools)") from exc
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[:500]}")


def archive_name(now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    return f"{PREFIX}{now.strftime('%Y%m%dT%H%M%S%fZ')}{SUFFIX}"


def create_backup(settings: Settings, dest_dir: Path) -> Path:
    """Write one archive into ``dest_dir`` and return its path (written under a temporary name
    and renamed, so a crash never leaves a half archive that looks complete)."""
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    final = dest_dir / archive_name(now)
    partial = final.with_name(final.name + ".partial")
    members: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="lms-backup-") as tmp:
        dump = _snapshot_database(settings, Path(tmp))
        try:
            with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
                _add(tar, dump, dump.name, members)
                files = get_storage(settings)
                for key in files.keys():
                    _add_stored(tar, files, key, members, now)
                manifest = {"format": FORMAT, "created_at": now.isoformat(), "engine": engine_name(settings),
                            "revisions": list(_revisions(settings.database_url)), "members": members}
                data = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(now.timestamp())
                tar.addfile(info, io.BytesIO(data))
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)
    return final


def _add(tar: tarfile.TarFile, path: Path, name: str, members: dict[str, dict]) -> None:
    members[name] = {"size": path.stat().st_size, "sha256": _sha256(path)}
    tar.add(str(path), arcname=name, recursive=False)


class _Hashing:
    """Reads through to ``source`` while hashing and counting what passed."""

    def __init__(self, source):
        self.source, self.digest, self.size = source, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(_CHUNK if size is None or size < 0 else min(size, _CHUNK))
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


def _add_stored(tar: tarfile.TarFile, files: Storage, key: str, members: dict[str, dict], now: datetime) -> None:
    """One stored file into the archive, streamed (object storage included) and hashed on the way."""
    size = files.size(key)
    if size is None:  # deleted between the listing and now
        return
    info = tarfile.TarInfo("files/" + key)
    info.size = size
    info.mtime = int(now.timestamp())
    with files.open(key) as src:
        reader = _Hashing(src)
        tar.addfile(info, reader)
    if reader.size != size:
        raise BackupError(f"{key} changed while it was being backed up: run the backup again")
    members[info.name] = {"size": size, "sha256": reader.digest.hexdigest()}


def read_manifest(archive: Path) -> Manifest:
    """The archive's manifest (raises BackupError when the file is not one of our archives)."""
    try:
        with tarfile.open(archive, "r:") as tar:
            member = tar.getmember(MANIFEST)
            data = json.loads(tar.extractfile(member).read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{archive} is not a readable backup archive ({exc.__class__.__name__})") from exc
    if data.get("format") != FORMAT:
        raise BackupError(f"{archive} has format {data.get('format')!r}; this version reads format {FORMAT}")
    return Manifest(created_at=data["created_at"], engine=data["engine"], revisions=tuple(data["revisions"]),
                    members=data["members"])


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        raise BackupError(f"the archive names a path outside the instance: {name!r}")
    return path


def verify_archive(archive: Path) -> Manifest:
    """Read every member once and compare it with the manifest: sizes, checksums, nothing
    missing, nothing extra, no path that escapes the instance."""
    manifest = read_manifest(archive)
    seen: set[str] = set()
    with tarfile.open(archive, "r:") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            _safe_name(member.name)
            expected = manifest.members.get(member.name)
            if expected is None or not member.isfile():
                raise BackupError(f"the archive holds {member.name!r}, which its manifest does not list")
            digest = hashlib.sha256()
            fh = tar.extractfile(member)
            size = 0
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
            if size != expected["size"] or digest.hexdigest() != expected["sha256"]:
                raise BackupError(f"{member.name} does not match its checksum: the archive is corrupt")
            seen.add(member.name)
    if missing := sorted(set(manifest.members) - seen):
        raise BackupError(f"the archive lacks {len(missing)} member(s) its manifest lists, e.g. {missing[0]}")
    return manifest


def instance_is_empty(settings: Settings) -> bool:
    """No row in any table (the migrations' own version table aside) and no stored file."""
    if next(iter(get_storage(settings).keys()), None) is not None:
        return False
    if settings.is_sqlite and not _sqlite_path(settings.database_url).exists():
        return True
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            inspector = sa_inspect(conn)
            for table in inspector.get_table_names():
                if table == "alembic_version":
                    continue
                if conn.execute(text(f'SELECT 1 FROM "{table}" LIMIT 1')).first() is not None:
                    return False
    finally:
        engine.dispose()
    return True


def restore_backup(settings: Settings, archive: Path) -> Manifest:
    """Restore ``archive`` into this (empty) instance; everything is checked first."""
    archive = Path(archive)
    manifest = verify_archive(archive)
    if manifest.engine != engine_name(settings):
        raise BackupError(f"the archive holds a {manifest.engine} database; this instance runs on "
                          f"{engine_name(settings)}")
    if manifest.revisions != code_revisions():
        raise BackupError(f"the archive's schema is at {', '.join(manifest.revisions) or 'nothing'}, this "
                          f"version of the app expects {', '.join(code_revisions())}: restore it with the "
                          "version that made it, or migrate after restoring with that version")
    if not instance_is_empty(settings):
        raise BackupError("this instance already holds data: restore into an empty instance (a new database "
                          "and data folder)")
    from lms_app.core import db

    db.reset_engine()  # no pooled connection may keep the old file or tables open
    files = get_storage(settings)
    with tempfile.TemporaryDirectory(prefix="lms-restore-") as tmp, tarfile.open(archive, "r:") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            name = _safe_name(member.name)
            if name.parts[0] == "files":
                try:
                    key = check_key(PurePosixPath(*name.parts[1:]).as_posix())
                except (ValueError, TypeError) as exc:
                    raise BackupError(f"the archive names a file the storage cannot hold: {member.name!r}") from exc
                with tar.extractfile(member) as src:
                    files.save(key, src)  # streamed into the configured storage (local or object)
                continue
            target = Path(tmp) / name.name
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
        if manifest.engine == "sqlite":
            _restore_sqlite(settings, Path(tmp) / "database.sqlite3")
        else:
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
                  "--dbname", _libpq_url(settings.database_url), str(Path(tmp) / "database.pgdump")], "pg_restore")
    return manifest


def _restore_sqlite(settings: Settings, dump: Path) -> None:
    target = _sqlite_path(settings.database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(str(dump))
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)  # replaces every page of the (empty) target in one step
    finally:
        dest.close()
        source.close()


def prune(dest_dir: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` archives in ``dest_dir`` (names sort by time)."""
    archives = sorted(Path(dest_dir).glob(f"{PREFIX}*{SUFFIX}"))
    doomed = archives[:-keep] if keep > 0 else archives
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed
