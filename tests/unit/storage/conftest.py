"""The S3 fixtures live in tests/s3_support.py (storage, route and backup tests share them)."""

from tests.s3_support import s3_bucket, s3_env, s3_server  # noqa: F401  (fixtures)
