"""``python -m lms_app.manage storage-migrate``: the local files of an instance copied into object
storage, verified by checksum, idempotent; the app then serves them from the bucket."""

from __future__ import annotations

import io
import shutil

from starlette.testclient import TestClient

from lms_app import manage
from lms_app.accounts.services import profiles
from lms_app.core import storage
from lms_app.core.db import session_scope
from lms_app.core.http import build_api
from tests.s3_support import bucket_objects, s3_client, s3_variables


def _local_files(settings) -> dict[str, bytes]:
    root = settings.media_dir
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_storage_migrate_copies_every_local_file_once_and_verifies_it(settings, make_user, sign_in, png_bytes,
                                                                      use_env, s3_bucket, capsys):
    shutil.rmtree(settings.data_dir / "exports", ignore_errors=True)  # other tests' exports (not per-test)
    user = make_user()
    _, actor = sign_in(user)
    with session_scope() as s:
        avatar = profiles.set_avatar(s, settings, actor, png_bytes()).avatar_file
    local = storage.get_storage(settings)
    local.save_bytes("lessons/clip.webm", b"\x1aE\xdf\xa3" + b"v" * (3 * storage.CHUNK))
    local.save_bytes("certificates/c.pdf", b"%PDF-1.4 cert")
    storage.get_storage(settings, "exports").save_bytes("e.zip", b"PK\x03\x04 export")
    before = _local_files(settings)
    assert len(before) == 3

    endpoint, bucket = s3_bucket
    s3_settings = use_env(**s3_variables(endpoint, bucket))
    assert manage.main(["storage-migrate"]) == 0
    out = capsys.readouterr().out
    assert "4 copied" in out and "0 already there" in out
    objects = bucket_objects(endpoint, bucket)
    assert objects == {**{f"media/{k}": v for k, v in before.items()}, "exports/e.zip": b"PK\x03\x04 export"}
    head = s3_client(endpoint).head_object(Bucket=bucket, Key="media/lessons/clip.webm")
    assert head["Metadata"]["sha256"] == local.sha256("lessons/clip.webm")
    assert _local_files(settings) == before, "the local files are left in place"

    # run again: nothing is copied twice
    assert manage.main(["storage-migrate"]) == 0
    assert "0 copied" in capsys.readouterr().out and bucket_objects(endpoint, bucket) == objects

    # an object that differs (a broken earlier copy) is copied again
    s3_client(endpoint).put_object(Bucket=bucket, Key="media/certificates/c.pdf", Body=b"%PDF-1.4 XXXX")
    assert manage.main(["storage-migrate"]) == 0
    assert "1 copied" in capsys.readouterr().out
    assert bucket_objects(endpoint, bucket)["media/certificates/c.pdf"] == b"%PDF-1.4 cert"

    # the app now serves the migrated files from the bucket
    with TestClient(build_api(), base_url="http://testserver") as client:
        got = client.get(f"/media/avatars/{avatar}")
    assert got.status_code == 200 and got.content == before[f"avatars/{avatar}"]
    assert storage.get_storage(s3_settings).kind == "s3"


def test_a_copy_whose_checksum_differs_is_reported_and_removed(tmp_path):
    source = storage.LocalStorage(tmp_path / "a")
    source.save_bytes("lessons/x.pdf", b"%PDF-1.4 original")
    source.save_bytes("lessons/y.pdf", b"%PDF-1.4 fine")

    class Flaky(storage.LocalStorage):
        def save(self, key, src, **kw):
            data = src.read(storage.CHUNK)
            if key == "lessons/x.pdf":
                data = data[:-1] + b"!"
            return super().save(key, io.BytesIO(data), **kw)

    target = Flaky(tmp_path / "b")
    report = storage.copy_all(source, target)
    assert report.failed == ["lessons/x.pdf"] and report.copied == 1
    assert list(target.keys()) == ["lessons/y.pdf"]


def test_storage_migrate_refuses_without_object_storage(use_env, capsys):
    use_env(LMS_STORAGE="local")
    assert manage.main(["storage-migrate"]) == 2
    assert "LMS_STORAGE" in capsys.readouterr().err
