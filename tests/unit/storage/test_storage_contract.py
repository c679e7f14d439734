"""The storage contract, run against both backends: the local folder and S3 (moto's server
mode on a free port, reached over HTTP by boto3 exactly as a real bucket would be)."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from lms_app.core import storage
from tests.s3_support import ACCESS_KEY, REGION, SECRET_KEY, s3_client


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path):
    if request.param == "local":
        return storage.LocalStorage(tmp_path / "media")
    endpoint, bucket = request.getfixturevalue("s3_bucket")
    return storage.S3Storage(bucket, prefix="media/", endpoint_url=endpoint, region=REGION,
                             access_key=ACCESS_KEY, secret_key=SECRET_KEY)


class StrictReader:
    """An upload that fails the test if anyone reads it whole (``read()``/``read(-1)``) or asks for
    more than ``storage.CHUNK`` bytes at once: the writer must stream in bounded chunks."""

    def __init__(self, data: bytes):
        self.buffer = io.BytesIO(data)
        self.reads = 0
        self.largest = 0

    def read(self, size: int = -1) -> bytes:
        assert size is not None and 0 < size <= storage.CHUNK, f"read({size}) is not a bounded chunk"
        self.reads += 1
        self.largest = max(self.largest, size)
        return self.buffer.read(size)


def test_save_open_size_keys_and_delete(backend):
    assert backend.save("lessons/a.pdf", io.BytesIO(b"%PDF-1.4 one")) == 12
    backend.save_bytes("avatars/b.webp", b"RIFF....WEBP")
    assert backend.read_bytes("lessons/a.pdf") == b"%PDF-1.4 one"
    assert backend.size("lessons/a.pdf") == 12 and backend.exists("avatars/b.webp")
    assert backend.size("lessons/missing.pdf") is None and not backend.exists("lessons/missing.pdf")
    assert list(backend.keys()) == ["avatars/b.webp", "lessons/a.pdf"]
    assert list(backend.keys("lessons/")) == ["lessons/a.pdf"]
    assert backend.sha256("lessons/a.pdf") == hashlib.sha256(b"%PDF-1.4 one").hexdigest()
    backend.save_bytes("lessons/a.pdf", b"replaced")
    assert backend.read_bytes("lessons/a.pdf") == b"replaced"
    backend.delete("lessons/a.pdf")
    backend.delete("lessons/a.pdf")  # deleting twice is harmless
    assert list(backend.keys()) == ["avatars/b.webp"]
    with pytest.raises(FileNotFoundError):
        backend.read_bytes("lessons/a.pdf")


def test_writes_read_the_source_in_bounded_chunks(backend):
    data = os.urandom(3 * storage.CHUNK + 123)
    source = StrictReader(data)
    assert backend.save("lessons/big.bin", source) == len(data)
    assert source.reads >= 4 and source.largest <= storage.CHUNK
    assert backend.sha256("lessons/big.bin") == hashlib.sha256(data).hexdigest()


def test_an_object_larger_than_one_part_goes_up_in_parts_and_comes_back_whole(backend):
    """Above S3_PART the S3 backend uses a multipart upload (what keeps a 200 MB video's memory
    bounded); the local one streams to a temporary file. Either way the object is exact."""
    data = os.urandom(storage.S3_PART * 2 + 5)
    assert backend.save("lessons/video.webm", StrictReader(data), content_type="video/webm") == len(data)
    with backend.open("lessons/video.webm") as fh:
        back = b"".join(iter(lambda: fh.read(storage.CHUNK), b""))
    assert back == data


def test_too_large_stores_nothing(backend):
    with pytest.raises(storage.TooLarge):
        backend.save("lessons/huge.bin", StrictReader(b"x" * (2 * storage.CHUNK + 1)), max_bytes=2 * storage.CHUNK)
    assert list(backend.keys()) == []
    # exactly at the limit is fine
    assert backend.save("lessons/ok.bin", StrictReader(b"x" * storage.CHUNK), max_bytes=storage.CHUNK) == storage.CHUNK


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../x", "lessons/.hidden", "a\\b", ""])
def test_keys_that_escape_or_hide_are_refused(backend, bad):
    with pytest.raises(ValueError):
        backend.save_bytes(bad, b"nope")
    assert backend.size(bad) is None
    assert list(backend.keys()) == []


def test_key_accepts_only_plain_names():
    assert storage.key("avatars", "abc.webp") == "avatars/abc.webp"
    for name in ("../x", "a/b", ".hidden", "", None, "x" * 81, "a\\b", 5):
        assert storage.key("avatars", name) is None


def test_presigned_urls_serve_the_object_then_expire(s3_bucket):
    import time

    import httpx

    endpoint, bucket = s3_bucket
    s3 = storage.S3Storage(bucket, endpoint_url=endpoint, region=REGION, access_key=ACCESS_KEY,
                           secret_key=SECRET_KEY)
    s3.save_bytes("submissions/x.pdf", b"%PDF-1.4 private")
    url = s3.signed_url("submissions/x.pdf", expires=60, filename="work.pdf", content_type="application/pdf")
    got = httpx.get(url)
    assert got.status_code == 200 and got.content == b"%PDF-1.4 private"
    assert got.headers["content-disposition"] == 'attachment; filename="work.pdf"'
    assert got.headers["content-type"] == "application/pdf"
    # the same object without a signature is not reachable (the bucket is private)
    assert httpx.get(f"{endpoint}/{bucket}/submissions/x.pdf").status_code == 403
    short = s3.signed_url("submissions/x.pdf", expires=1)
    time.sleep(2.2)
    assert httpx.get(short).status_code == 403


def test_get_storage_follows_the_settings(use_env, s3_bucket, tmp_path):
    endpoint, bucket = s3_bucket
    local = use_env(LMS_STORAGE=None)
    assert isinstance(storage.get_storage(local), storage.LocalStorage)
    assert storage.get_storage(local).root == local.media_dir
    settings = use_env(LMS_STORAGE="s3", LMS_S3_BUCKET=bucket, LMS_S3_ENDPOINT_URL=endpoint, LMS_S3_PREFIX="site-a",
                       LMS_S3_ACCESS_KEY_ID=ACCESS_KEY, LMS_S3_SECRET_ACCESS_KEY=SECRET_KEY, LMS_S3_REGION=REGION)
    s3 = storage.get_storage(settings)
    assert isinstance(s3, storage.S3Storage) and s3.prefix == "site-a/media/"
    s3.save_bytes("avatars/a.webp", b"img")
    assert [o["Key"] for o in s3_client(endpoint).list_objects_v2(Bucket=bucket)["Contents"]] == [
        "site-a/media/avatars/a.webp"]
    assert storage.get_storage(settings, "exports").prefix == "site-a/exports/"
    assert list(storage.get_storage(settings, "exports").keys()) == []


def test_settings_refuse_an_unknown_backend_and_production_needs_a_bucket(use_env):
    from lms_app.core.settings import SettingsError

    with pytest.raises(SettingsError, match="LMS_STORAGE"):
        use_env(LMS_STORAGE="ftp")
    settings = use_env(LMS_STORAGE="s3", LMS_S3_BUCKET=None)
    assert any("LMS_S3_BUCKET" in p for p in settings.production_problems())
    settings = use_env(LMS_STORAGE="s3", LMS_S3_BUCKET="b")
    assert not any("LMS_S3" in p for p in settings.production_problems())
