"""Every stored file goes through here: one interface, two backends.

Files are named by a *key* ``<area>/<name>`` (``avatars/x.webp``, ``thumbnails/…``,
``lessons/…``, ``submissions/…``, ``certificates/…``); features never build paths themselves.

- ``LocalStorage`` (default, ``LMS_STORAGE=local``): the key is a path under the private media
  folder (``<LMS_DATA_DIR>/media``), which is the layout the app always had, so existing data
  keeps working. The app's guarded routes stream the files (``FileResponse``: Range requests for
  videos included).
- ``S3Storage`` (``LMS_STORAGE=s3``): an S3-compatible bucket (AWS S3, MinIO, Ceph, R2...) via
  boto3; every host of a deployment sees the same files. Guarded routes check permission exactly
  as before, then hand private files out as short-lived presigned URLs (``LMS_STORAGE_URL_SECONDS``,
  5 minutes by default); public pictures (avatars, course covers) are streamed through the app,
  or redirected to ``LMS_S3_PUBLIC_URL`` when the operator serves the bucket by a CDN.

Writes stream: ``save`` reads its source in chunks of ``CHUNK`` bytes (never ``read()`` whole),
stops at ``max_bytes`` and writes to a temporary name (local) or a multipart upload (S3), so a
200 MB video costs a few MB of memory and a refused or broken upload leaves nothing behind.

Settings (``core/settings.py``): ``LMS_STORAGE`` (local|s3), ``LMS_S3_BUCKET``,
``LMS_S3_ENDPOINT_URL`` (empty: AWS), ``LMS_S3_REGION``, ``LMS_S3_ACCESS_KEY_ID``,
``LMS_S3_SECRET_ACCESS_KEY`` (empty: boto3's usual credential chain, e.g. an instance role),
``LMS_S3_PREFIX``, ``LMS_S3_PUBLIC_URL``, ``LMS_STORAGE_URL_SECONDS``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol

from lms_app.core.errors import ServiceError
from lms_app.core.settings import Settings

CHUNK = 1 << 20  # 1 MiB: the most any writer reads from an upload at once
S3_PART = 8 << 20  # multipart part size (S3's minimum is 5 MiB)
NAME_MAX = 80


class TooLarge(ServiceError):
    """The source held more than ``max_bytes``; nothing was stored."""

    def __init__(self, max_bytes: int, field: str | None = None):
        super().__init__(f"The file is larger than {max_bytes // (1024 * 1024)} MB. Choose a smaller one.", field)
        self.max_bytes = max_bytes


class Readable(Protocol):
    def read(self, size: int = -1) -> bytes: ...


# --- keys ------------------------------------------------------------------------------------

def key(area: str, name: object) -> str | None:
    """``area/name`` when ``name`` is a plain stored file name (no traversal), else None."""
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or name.startswith(".") \
            or len(name) > NAME_MAX or "\x00" in name:
        return None
    return f"{area}/{name}"


def new_name(suffix: str = "") -> str:
    """An unguessable file name (the names of private files are not secrets, but don't leak them)."""
    return secrets.token_urlsafe(18) + suffix


def check_key(value: str) -> str:
    """A relative POSIX key without ``..``; raises ValueError otherwise (backups, migrations)."""
    path = PurePosixPath(value)
    if not value or path.is_absolute() or ".." in path.parts or "\\" in value or "\x00" in value \
            or any(p.startswith(".") for p in path.parts):
        raise ValueError(f"not a storage key: {value!r}")
    return path.as_posix()


# --- streaming helpers -----------------------------------------------------------------------

class _Bounded:
    """A file-like over ``source`` that reads it ``CHUNK`` bytes at a time and refuses past ``max_bytes``.

    S3's transfer manager asks for whole parts (8 MiB); this gathers them from small reads of the
    upload, so the upload itself is never asked for more than ``CHUNK`` at once."""

    def __init__(self, source: Readable, max_bytes: int | None, field: str | None):
        self.source, self.max_bytes, self.field = source, max_bytes, field
        self.total = 0
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        want = CHUNK if size is None or size < 0 else size
        parts, got = [], 0
        while got < want:
            chunk = self.source.read(min(CHUNK, want - got))
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
            if size is None or size < 0:
                break
        data = b"".join(parts)
        self.total += len(data)
        if self.max_bytes is not None and self.total > self.max_bytes:
            raise TooLarge(self.max_bytes, self.field)
        self.digest.update(data)
        return data


def copy_stream(source: Readable, target: BinaryIO, max_bytes: int | None = None, field: str | None = None) -> int:
    bounded = _Bounded(source, max_bytes, field)
    while chunk := bounded.read(CHUNK):
        target.write(chunk)
    return bounded.total


# --- the interface ---------------------------------------------------------------------------

class Storage:
    """What every backend offers. Keys are ``area/name`` (see ``key``)."""

    kind = "abstract"

    def save(self, key: str, source: Readable, *, content_type: str | None = None,
             max_bytes: int | None = None, field: str | None = None, sha256: str | None = None) -> int:
        """Stream ``source`` into ``key`` (read in CHUNK pieces); returns the size. Past ``max_bytes``
        raises TooLarge and stores nothing. ``sha256``, when known, is kept with the object
        (object storage metadata) so a later copy can be skipped without reading it back."""
        raise NotImplementedError

    def stored_sha256(self, key: str) -> str | None:
        """The checksum recorded when the object was written (object storage), else None."""
        return None

    def save_bytes(self, key: str, data: bytes, *, content_type: str | None = None) -> int:
        import io

        return self.save(key, io.BytesIO(data), content_type=content_type)

    @contextmanager
    def open(self, key: str) -> Iterator[Readable]:
        raise NotImplementedError
        yield  # pragma: no cover

    def read_bytes(self, key: str) -> bytes:
        with self.open(key) as fh:
            return fh.read()

    def exists(self, key: str) -> bool:
        return self.size(key) is not None

    def size(self, key: str) -> int | None:
        raise NotImplementedError

    def delete(self, key: str) -> None:
        raise NotImplementedError

    def keys(self, prefix: str = "") -> Iterator[str]:
        """Every stored key under ``prefix``, sorted."""
        raise NotImplementedError

    def sha256(self, key: str) -> str:
        digest = hashlib.sha256()
        with self.open(key) as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    def local_path(self, key: str) -> Path | None:
        """The file on this host's disk (local backend), else None."""
        return None

    def signed_url(self, key: str, *, expires: int, filename: str | None = None,
                   content_type: str | None = None, disposition: str = "attachment") -> str | None:
        """A short-lived URL that serves the object without the app (object storage), else None."""
        return None

    def public_url(self, key: str) -> str | None:
        """Where a public picture can be fetched from outside the app (a CDN), else None."""
        return None


class LocalStorage(Storage):
    kind = "local"

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*PurePosixPath(check_key(key)).parts)

    def save(self, key, source, *, content_type=None, max_bytes=None, field=None, sha256=None) -> int:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
        try:
            with partial.open("wb") as fh:
                size = copy_stream(source, fh, max_bytes, field)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return size

    @contextmanager
    def open(self, key):
        path = self._path(key)
        try:
            fh = path.open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise FileNotFoundError(key) from None
        with fh:
            yield fh

    def size(self, key):
        try:
            path = self._path(key)
        except ValueError:
            return None
        return path.stat().st_size if path.is_file() else None

    def delete(self, key):
        try:
            self._path(key).unlink(missing_ok=True)
        except (ValueError, IsADirectoryError):
            pass

    def keys(self, prefix=""):
        base = self.root
        if not base.is_dir():
            return iter(())
        found = []
        for path in base.rglob("*"):
            if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
                name = path.relative_to(base).as_posix()
                if name.startswith(prefix):
                    found.append(name)
        return iter(sorted(found))

    def local_path(self, key):
        try:
            path = self._path(key)
        except ValueError:
            return None
        return path if path.is_file() else None


class S3Storage(Storage):
    kind = "s3"

    def __init__(self, bucket: str, *, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, access_key: str | None = None, secret_key: str | None = None,
                 public_base: str = "", client=None):
        self.bucket = bucket
        self.prefix = prefix
        self.public_base = public_base.rstrip("/")
        if client is None:
            import boto3
            from botocore.config import Config

            client = boto3.session.Session().client(
                "s3", endpoint_url=endpoint_url or None, region_name=region or None,
                aws_access_key_id=access_key or None, aws_secret_access_key=secret_key or None,
                config=Config(signature_version="s3v4", retries={"max_attempts": 3, "mode": "standard"},
                              s3={"addressing_style": "path"} if endpoint_url else {}))
        self.client = client

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _transfer_config(self):
        from boto3.s3.transfer import TransferConfig

        # Bounded memory: a non-seekable source is read part by part into memory, and boto3 keeps
        # up to max_in_memory_upload_chunks parts (default 10 = 80 MB) waiting for an upload
        # thread; 2 parts and 2 threads keep one upload to ~16-24 MB whatever the file's size.
        config = TransferConfig(multipart_threshold=S3_PART, multipart_chunksize=S3_PART, max_concurrency=2,
                                max_io_queue=2, io_chunksize=CHUNK, use_threads=True)
        config.max_in_memory_upload_chunks = 2  # s3transfer's setting; boto3's constructor does not take it
        return config

    def save(self, key, source, *, content_type=None, max_bytes=None, field=None, sha256=None) -> int:
        target = self._key(key)
        bounded = _Bounded(source, max_bytes, field)
        extra: dict = {"ContentType": content_type} if content_type else {}
        if sha256:
            extra["Metadata"] = {"sha256": sha256}
        # upload_fileobj: one PUT below S3_PART, a multipart upload above (aborted on failure).
        self.client.upload_fileobj(bounded, self.bucket, target, ExtraArgs=extra or None,
                                   Config=self._transfer_config())
        return bounded.total

    @contextmanager
    def open(self, key):
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                raise FileNotFoundError(key) from None
            raise
        try:
            yield body
        finally:
            body.close()

    def size(self, key):
        from botocore.exceptions import ClientError

        try:
            target = self._key(key)
        except ValueError:
            return None
        try:
            return int(self.client.head_object(Bucket=self.bucket, Key=target)["ContentLength"])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return None
            raise

    def delete(self, key):
        try:
            target = self._key(key)
        except ValueError:
            return
        self.client.delete_object(Bucket=self.bucket, Key=target)

    def stored_sha256(self, key):
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError:
            return None
        return (head.get("Metadata") or {}).get("sha256")

    def keys(self, prefix=""):
        found = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            for item in page.get("Contents", ()):
                found.append(item["Key"][len(self.prefix):])
        return iter(sorted(found))

    def signed_url(self, key, *, expires, filename=None, content_type=None, disposition="attachment"):
        params = {"Bucket": self.bucket, "Key": self._key(key), "ResponseCacheControl": "private, no-store"}
        if content_type:
            params["ResponseContentType"] = content_type
        if filename:
            params["ResponseContentDisposition"] = f'{disposition}; filename="{filename}"'
        return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=int(expires))

    def public_url(self, key):
        return f"{self.public_base}/{self._key(key)}" if self.public_base else None


# --- which storage ---------------------------------------------------------------------------

_lock = threading.Lock()
_cache: dict[tuple, Storage] = {}


def _config(settings: Settings, scope: str) -> tuple:
    return (scope, settings.storage_backend, str(settings.data_dir), settings.s3_bucket, settings.s3_endpoint_url,
            settings.s3_region, settings.s3_access_key_id, settings.s3_secret_access_key, settings.s3_prefix,
            settings.s3_public_url)


def _build(settings: Settings, scope: str) -> Storage:
    if settings.storage_backend == "s3":
        return S3Storage(settings.s3_bucket, prefix=f"{settings.s3_prefix}{scope}/",
                         endpoint_url=settings.s3_endpoint_url, region=settings.s3_region,
                         access_key=settings.s3_access_key_id, secret_key=settings.s3_secret_access_key,
                         public_base=settings.s3_public_url if scope == "media" else "")
    return LocalStorage(settings.media_dir if scope == "media" else settings.data_dir / scope)


def get_storage(settings: Settings, scope: str = "media") -> Storage:
    """The storage of this deployment. ``media``: every uploaded or generated file (backed up);
    ``exports``: personal-data downloads (short-lived, not backed up: locally ``<data>/exports``)."""
    config = _config(settings, scope)
    with _lock:
        found = _cache.get(config)
        if found is None:
            found = _cache[config] = _build(settings, scope)
        return found


def local_storage(settings: Settings, scope: str = "media") -> LocalStorage:
    """The local folder whatever the setting says (``storage-migrate`` copies from it)."""
    return LocalStorage(settings.media_dir if scope == "media" else settings.data_dir / scope)


# --- what features call ----------------------------------------------------------------------

class _Head:
    """``source`` with its first bytes already read (to check the content by its magic bytes)."""

    def __init__(self, head: bytes, source: Readable):
        self.head, self.source = head, source

    def read(self, size: int = -1) -> bytes:
        if self.head:
            n = len(self.head) if size is None or size < 0 else min(size, len(self.head))
            out, self.head = self.head[:n], self.head[n:]
            return out
        return self.source.read(size)


def as_source(data: object) -> Readable | None:
    """bytes, or a file-like with ``read`` (an upload's spooled file); None for anything else."""
    import io

    if isinstance(data, (bytes, bytearray)):
        return io.BytesIO(bytes(data))
    if callable(getattr(data, "read", None)):
        return data  # type: ignore[return-value]
    return None


def peek(source: Readable, size: int = 64) -> tuple[bytes, Readable]:
    """The first ``size`` bytes of ``source`` and a readable that still yields them."""
    head = b""
    while len(head) < size:
        chunk = source.read(size - len(head))
        if not chunk:
            break
        head += chunk
    return head, _Head(head, source)


def put(settings: Settings, area: str, source: Readable, *, suffix: str = "", content_type: str | None = None,
        max_bytes: int | None = None, field: str | None = None) -> tuple[str, int]:
    """Stream ``source`` under a new unguessable name in ``area``; (name, size)."""
    name = new_name(suffix)
    size = get_storage(settings).save(f"{area}/{name}", source, content_type=content_type,
                                      max_bytes=max_bytes, field=field)
    return name, size


def put_bytes(settings: Settings, area: str, data: bytes, *, suffix: str = "",
              content_type: str | None = None) -> str:
    import io

    return put(settings, area, io.BytesIO(data), suffix=suffix, content_type=content_type)[0]


def remove(settings: Settings, area: str, names) -> None:
    """Delete stored files by name (names that are not plain file names are ignored)."""
    storage = get_storage(settings)
    for name in names:
        found = key(area, name)
        if found is not None:
            storage.delete(found)


# --- moving files between backends (manage storage-migrate) ----------------------------------

SCOPES = ("media", "exports")


@dataclass
class CopyReport:
    copied: int = 0
    skipped: int = 0
    bytes: int = 0
    failed: list[str] = field(default_factory=list)


def copy_all(source: Storage, target: Storage, report: CopyReport | None = None) -> CopyReport:
    """Copy every file of ``source`` into ``target``, verified by SHA-256; idempotent.

    A file already in ``target`` with the same size and checksum (recorded at upload, or read
    back) is skipped. Each copied file is read back from ``target`` and its checksum compared;
    a mismatch is reported in ``failed`` (and the copy removed) instead of silently kept."""
    report = report or CopyReport()
    for name in source.keys():
        size = source.size(name)
        if size is None:
            continue
        digest = source.sha256(name)
        if target.size(name) == size and (target.stored_sha256(name) or target.sha256(name)) == digest:
            report.skipped += 1
            continue
        with source.open(name) as fh:
            target.save(name, fh, sha256=digest)
        if target.sha256(name) != digest:
            target.delete(name)
            report.failed.append(name)
            continue
        report.copied += 1
        report.bytes += size
    return report


def migrate_local_files(settings: Settings) -> CopyReport:
    """Copy this instance's local files (media folder, exports) into the configured object storage.

    The local files stay where they are (remove them once the deployment runs on the bucket)."""
    if settings.storage_backend == "local":
        raise ValueError("LMS_STORAGE is 'local': set LMS_STORAGE=s3 and the bucket settings first")
    report = CopyReport()
    for scope in SCOPES:
        copy_all(local_storage(settings, scope), get_storage(settings, scope), report)
    return report
